"""Restarting a real daemon with another configuration, against Host.restart.

Each test runs its own private daemon (scripts/private-dockerd), stops it by the pids it
wrote (the data root stays), starts it again on the same data root with another image store
or with daemon-wide log options, and compares what the engine then lists with what the
simulated host lists after the same restart:

- Engine 28.5, classic store -> containerd store -> classic: images and containers hidden
  (not migrated), volumes kept, everything back after switching back;
- Engine 20.10, restarted with ``--log-opt max-size=50k --log-opt max-file=2`` (what
  daemon.json's ``log-opts`` sets): an existing container keeps its LogConfig, a new one gets
  the daemon's options.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from engine_support import ENGINE_28, PRIVATE_DOCKERD, busybox_context

from layerlab.engine.host import Host
from layerlab.real.discovery import PrivateDockerd

pytestmark = pytest.mark.engine

DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
CMD ["sh"]
"""


def _needs_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("restarting a private dockerd needs root")


def _stop_keeping_data(where: Path) -> None:
    """SIGTERM the dockerd and containerd this test started in ``where``, and wait."""
    for name in ("dockerd", "containerd"):
        pid_file = where / f"{name}.pid"
        if not pid_file.exists():
            continue
        pid = int(pid_file.read_text().strip())
        if Path(f"/proc/{pid}/comm").exists() and Path(f"/proc/{pid}/comm").read_text().strip() == name:
            os.kill(pid, signal.SIGTERM)
            for _ in range(300):
                if not Path(f"/proc/{pid}").exists():
                    break
                time.sleep(0.1)


def _listed(engine) -> dict[str, list[str]]:
    def lines(*args: str) -> list[str]:
        return sorted(x for x in engine.docker(list(args)).stdout.split() if x)

    return {"images": lines("images", "--format", "{{.Repository}}:{{.Tag}}"),
            "containers": lines("ps", "-a", "--format", "{{.Names}}"),
            "volumes": lines("volume", "ls", "-q")}


def _modelled(host: Host) -> dict[str, list[str]]:
    return {"images": sorted(t.removeprefix("docker.io/library/") for t in host.tags),
            "containers": sorted(c.name for c in host.containers.values()),
            "volumes": sorted(host.volumes)}


def test_switching_the_image_store_hides_what_the_other_store_made(tmp_path):
    _needs_root()
    if not (ENGINE_28 / ".installed").exists() and not (ENGINE_28 / "bin").exists():
        pytest.skip("no Engine 28 in .engines/28: run scripts/install-engine")
    where = Path(f"/tmp/lld-rs{os.getpid()}")
    daemon = PrivateDockerd(PRIVATE_DOCKERD, where, prefix=ENGINE_28, image_store="classic")
    try:
        engine = daemon.start()
        context = busybox_context(tmp_path / "ctx", DOCKERFILE)
        engine.build(context, "lab:1")
        engine.docker(["run", "--network", "none", "--name", "c-one", "lab:1", "true"])
        engine.docker(["volume", "create", "named-used"])
        archive = tmp_path / "lab.tar"
        engine.save(["lab:1"], archive)
        host = Host(engine="28", seed=1)
        host.load(archive)
        host.run("lab:1", ["true"], name="c-one")
        host.volume_create("named-used")
        assert _listed(engine) == _modelled(host) == {"images": ["lab:1"], "containers": ["c-one"],
                                                      "volumes": ["named-used"]}
        for store in ("containerd", "classic"):
            _stop_keeping_data(where)
            engine = PrivateDockerd(PRIVATE_DOCKERD, where, prefix=ENGINE_28, image_store=store).start()
            assert engine.profile().containerd == (store == "containerd")
            host.restart(image_store=store)
            assert _listed(engine) == _modelled(host), f"after switching to the {store} store"
    finally:
        daemon.stop()


def test_daemon_log_options_reach_only_containers_created_after_the_restart(tmp_path, monkeypatch):
    _needs_root()
    where = Path(f"/tmp/lld-rl{os.getpid()}")
    monkeypatch.delenv("LAYERLAB_DOCKERD_ARGS", raising=False)
    daemon = PrivateDockerd(PRIVATE_DOCKERD, where)
    try:
        engine = daemon.start()
        engine.build(busybox_context(tmp_path / "ctx", DOCKERFILE), "lab:1")
        engine.docker(["run", "-d", "--network", "none", "--name", "c-idle", "lab:1", "sleep", "3600"])
        _stop_keeping_data(where)
        monkeypatch.setenv("LAYERLAB_DOCKERD_ARGS", "--log-opt max-size=50k --log-opt max-file=2")
        engine = daemon.start()
        engine.docker(["run", "--network", "none", "--name", "c-new", "lab:1", "true"])
        seen = {name: json.loads(engine.docker(["inspect", "-f", "{{json .HostConfig.LogConfig}}", name]).stdout)
                for name in ("c-idle", "c-new")}
        host = Host(engine=engine.profile(), seed=1)
        archive = tmp_path / "lab.tar"
        engine.save(["lab:1"], archive)
        host.load(archive)
        host.run("lab:1", ["sleep", "3600"], name="c-idle", detach=True)
        host.restart(daemon={"log-opts": {"max-size": "50k", "max-file": "2"}})
        host.run("lab:1", ["true"], name="c-new")
        assert seen == {name: host.container_log(name).config.inspect() for name in ("c-idle", "c-new")}
        assert seen["c-idle"]["Config"] == {}
    finally:
        daemon.stop()
