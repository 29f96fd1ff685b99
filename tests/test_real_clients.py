"""Which docker client drives an engine, and which engines a run names (no engine needed:
the clients here are small scripts that print what a docker client prints)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from layerlab.real.clients import MISMATCH, choose_client, client_version, env_file_of, read_env_file
from layerlab.real.discovery import engine_at, named_engines
from layerlab.real.errors import EngineUnavailable


def fake_client(where: Path, version: str) -> str:
    """An executable that answers ``--version`` as a docker client of ``version`` does."""
    path = where / f"docker-{version}"
    path.write_text(f"#!/bin/sh\necho 'Docker version {version}, build abc1234'\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def private_dir(where: Path, cli: str) -> str:
    """A folder as scripts/private-dockerd leaves it: its socket's host and its env file."""
    where.mkdir()
    host = f"unix://{where}/docker.sock"
    (where / "env").write_text(
        f"DOCKER_HOST={host}\nDOCKER_CONFIG={where}/config\nLAYERLAB_DOCKER_CLI={cli}\n"
        "LAYERLAB_ENGINE_PREFIX=\nLAYERLAB_IMAGE_STORE=containerd\n"
    )
    return host


def never_asked(cli: str) -> str:
    raise AssertionError("the server's version is not needed when the client is named")


def test_the_client_named_comes_first_then_the_private_daemons_own(tmp_path: Path) -> None:
    old, new = fake_client(tmp_path, "20.10.24+dfsg1"), fake_client(tmp_path, "28.5.2+dfsg4")
    host = private_dir(tmp_path / "ll-28c", new)
    from_env = choose_client(host, never_asked, environ={"LAYERLAB_DOCKER_CLI": old})
    assert (from_env.path, from_env.config) == (old, f"{tmp_path}/ll-28c/config")
    from_dir = choose_client(host, never_asked, environ={})
    assert (from_dir.path, from_dir.config, from_dir.notice) == (new, f"{tmp_path}/ll-28c/config", "")


def test_otherwise_the_client_of_the_servers_release(tmp_path: Path) -> None:
    clients = [fake_client(tmp_path, v) for v in ("20.10.24+dfsg1", "28.2.2", "28.5.2+dfsg4")]
    asked: list[str] = []

    def server(cli: str) -> str:
        asked.append(cli)
        return "28.5.2+dfsg4"

    chosen = choose_client("unix:///nowhere/docker.sock", server, environ={}, candidates=clients)
    assert chosen.path == clients[2] and not chosen.notice  # same major.minor beats same major
    assert asked == [clients[0]]  # asked once, through any client
    only_28_2 = choose_client("unix:///nowhere/docker.sock", server, environ={}, candidates=clients[:2])
    assert only_28_2.path == clients[1] and not only_28_2.notice


def test_a_client_of_another_release_is_used_with_a_notice(tmp_path: Path) -> None:
    old = fake_client(tmp_path, "20.10.24+dfsg1")
    chosen = choose_client("tcp://engine:2375", lambda cli: "29.1.0", environ={}, candidates=[old])
    assert chosen.path == old
    assert chosen.notice == MISMATCH.format(server="29.1.0", found=f"{old} 20.10.24+dfsg1", path=old)
    assert "set LAYERLAB_DOCKER_CLI to Engine 29.1.0's client" in chosen.notice


def test_no_client_at_all_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineUnavailable, match="install docker.io .* or set LAYERLAB_DOCKER_CLI"):
        choose_client("unix:///x.sock", never_asked, environ={}, candidates=[])


def test_versions_and_env_files_are_read_plainly(tmp_path: Path) -> None:
    assert client_version(fake_client(tmp_path, "28.5.2+dfsg4")) == "28.5.2+dfsg4"
    assert client_version(str(tmp_path / "missing")) is None
    host = private_dir(tmp_path / "d", "/x/docker")
    assert env_file_of(host)["LAYERLAB_DOCKER_CLI"] == "/x/docker"
    assert env_file_of("unix:///elsewhere/docker.sock") == {} == env_file_of("tcp://h:2375")
    assert read_env_file(tmp_path / "none") == {}


def test_engines_are_named_by_profile(tmp_path: Path) -> None:
    assert named_engines("20.10=/tmp/a, 28-containerd=unix:///tmp/b/docker.sock") == {
        "20.10": "/tmp/a",
        "28-containerd": "unix:///tmp/b/docker.sock",
    }
    assert named_engines("") == {}
    with pytest.raises(EngineUnavailable, match="'28' is not NAME=WHERE"):
        named_engines("20.10=/tmp/a,28")
    cli = fake_client(tmp_path, "28.5.2+dfsg4")
    private_dir(tmp_path / "p", cli)
    engine = engine_at(str(tmp_path / "p"))
    assert (engine.host, engine.cli, engine.client.config) == (
        f"unix://{tmp_path}/p/docker.sock",
        cli,
        f"{tmp_path}/p/config",
    )
    with pytest.raises(EngineUnavailable, match="names no DOCKER_HOST"):
        engine_at(str(tmp_path))


def test_the_engines_client_config_reaches_the_child(tmp_path: Path) -> None:
    """DOCKER_CONFIG (where buildx is) goes with every call; DOCKER_HOST is the engine's."""
    dump = tmp_path / "docker"
    dump.write_text('#!/bin/sh\necho "$DOCKER_HOST $DOCKER_CONFIG $*"\n')
    dump.chmod(0o755)
    from layerlab.real.engine import Engine

    engine = Engine("unix:///e/docker.sock", cli=str(dump), config="/e/config")
    out = engine.docker(["images"]).stdout.strip()
    assert out == "unix:///e/docker.sock /e/config images"
    assert os.environ.get("DOCKER_CONFIG") != "/e/config"  # the caller's environment is left alone


def _fake_private_dockerd(tmp_path: Path) -> Path:
    """A stand-in for scripts/private-dockerd that records how long it was told to wait."""
    script = tmp_path / "private-dockerd"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = start ]; then\n'
        '  mkdir -p "$2" && echo "$LAYERLAB_DOCKERD_TIMEOUT" > "$2/waited"\n'
        '  echo "DOCKER_HOST=unix://$2/docker.sock" > "$2/env"; cat "$2/env"\n'
        "fi\n"
    )
    script.chmod(0o755)
    return script


def test_a_private_dockerd_waits_for_its_daemons_as_long_as_its_start_may_take(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layerlab.real.discovery import START_MARGIN, PrivateDockerd

    monkeypatch.delenv("LAYERLAB_DOCKERD_TIMEOUT", raising=False)
    where = tmp_path / "engine"
    engine = PrivateDockerd(_fake_private_dockerd(tmp_path), where).start(timeout=150)
    assert engine.host == f"unix://{where}/docker.sock"
    assert (where / "waited").read_text().strip() == str(150 - START_MARGIN)
    monkeypatch.setenv("LAYERLAB_DOCKERD_TIMEOUT", "7")  # the caller's own setting wins
    PrivateDockerd(_fake_private_dockerd(tmp_path), where).start(timeout=150)
    assert (where / "waited").read_text().strip() == "7"
