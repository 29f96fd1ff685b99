"""Engine facts the container model relies on (Docker Engine 20.10, overlay2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerlab.compare.real_side import RealSide
from layerlab.compare.simulated import host_playing
from layerlab.engine.host import Host
from layerlab.real.engine import EngineError

pytestmark = pytest.mark.engine

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "builds" / "base"


@pytest.fixture
def base(engine, tmp_path):
    side = RealSide(tmp_path, engine)
    context = side.with_busybox(BASE)
    engine.build(context, "scenario-base")
    for name in ("e1", "e2"):
        try:
            engine.docker(["rm", "-f", "-v", name])
        except EngineError:
            pass
    try:
        yield side
    finally:
        engine.docker(["rm", "-f", "-v", "e1", "e2"])
        side.close()


def test_init_layer_never_shows_and_model_diff_matches(engine, base):
    script = "echo hi > /etc/hosts; echo x > /new; mkdir -p /a/b; rm /bin/vi; touch /.dockerenv"
    engine.docker(["run", "--network", "none", "--name", "e1", "scenario-base", "sh", "-c", script])
    real = sorted(engine.docker(["diff", "e1"]).stdout.splitlines())
    host = Host(seed=1, engine=engine.profile())
    host.add(base.saved_image("scenario-base"), "scenario-base")
    container = host.run("scenario-base", ["sh", "-c", script])
    # /etc/hosts is bind-mounted (never shows); /.dockerenv is only in the -init layer: touch shows C
    assert not any(p in line for line in real for p in ("/etc", "/proc", "/dev"))
    assert "C /.dockerenv" in real
    assert sorted(container.diff_text().splitlines()) == real


def test_ps_size_and_commit_row_match(engine, base, tmp_path):
    """ps -s: the files' bytes in the classic store (4 + 8, the symlink's target), disk blocks
    in the containerd store; a host playing the engine shows what it shows."""
    engine.docker(["run", "--network", "none", "--name", "e2", "scenario-base", "sh", "-c",
                   "echo abc > /f; ln -s abcdefgh /l"])
    size = engine.docker(["ps", "-a", "-s", "--filter", "name=e2", "--format", "{{.Size}}"]).stdout.strip()
    host = host_playing(engine.profile())
    engine.save(["scenario-base"], tmp_path / "base.tar")
    host.load(tmp_path / "base.tar")
    host.run("scenario-base", ["sh", "-c", "echo abc > /f; ln -s abcdefgh /l"], name="e2")
    assert host.ps_rows(all=True, size=True)[0]["SIZE"] == size
    if not engine.profile().containerd:
        assert size == "12B (virtual 1.98MB)"
    engine.docker(["commit", "e2", "e2-committed:1"])
    row = engine.history("e2-committed:1")[0]
    assert row["CreatedBy"] == host.commit("e2", "e2-committed:1").history[-1].created_by
    engine.remove_image("e2-committed:1", force=True)


def test_tables_are_set_like_the_docker_cli(engine):
    """Same volumes on both sides: `docker volume ls` matches character for character
    (3 spaces of padding, every column but the last at least 10 wide)."""
    names = ["ll-a", "ll-rather-long-volume-name"]
    for name in names:
        engine.docker(["volume", "create", name])
    try:
        real = engine.docker(["volume", "ls", "--filter", "name=ll-"]).stdout.rstrip("\n")
    finally:
        engine.docker(["volume", "rm", *names])
    host = Host()
    for name in names:
        host.volume_create(name)
    assert host.volume_ls() == real
