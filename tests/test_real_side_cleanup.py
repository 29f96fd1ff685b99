"""A real side's temp folder (``layerlab-real-*``) goes when the side does, closed or not.

``%%docker --beside`` keeps one :class:`RealSide` for the kernel's life, and a kernel that
shuts down does not close it by hand: its folder must go at interpreter exit, also when the
kernel is killed while it removes what the lines made on the engine (Jupyter kills a kernel
whose shutdown takes longer than its wait, 5 s by default). Each run here has a private
temp dir, so no other folder can be taken for the side's."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from layerlab.compare.beside import EngineRun, beside_live
from layerlab.compare.real_side import RealSide
from layerlab.engine.host import Host
from layerlab.engine.profile import profile_for
from layerlab.real.errors import EngineError

#: A stand-in engine for a subprocess: ``volume create`` makes a volume; removing one kills
#: the process, as a kernel killed in the middle of its shutdown.
ENGINE = '''
import os, signal, subprocess
from layerlab.engine.profile import profile_for

class Engine:
    host = "unix:///nowhere/docker.sock"

    def __init__(self):
        self.volumes = set()

    def profile(self):
        return profile_for("28.5", "classic")

    def version(self):
        return {"Version": "28.5.2"}

    def docker(self, args, *, cwd=None):
        out = ""
        if args[:2] == ["volume", "create"]:
            self.volumes.add(args[-1])
            out = args[-1] + "\\n"
        elif args == ["volume", "ls", "-q"]:
            out = "".join(v + "\\n" for v in sorted(self.volumes))
        elif args[:2] == ["volume", "rm"]:
            os.kill(os.getpid(), signal.SIGKILL)
        return subprocess.CompletedProcess(args, 0, out, "")
'''


def _run(tmp_path: Path, script: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``script`` in a new interpreter whose temp dir is private; (its run, that temp dir)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    base = tmp_path / "base"
    base.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    code = ENGINE + textwrap.dedent(script)
    done = subprocess.run([sys.executable, "-c", code, str(base)], capture_output=True, text=True, env=env,
                          timeout=120)
    return done, temp


def _reported(done: subprocess.CompletedProcess[str], temp: Path) -> Path:
    """The folder the script printed as ``workdir <path>``: one of the private temp dir's."""
    [line] = [line for line in done.stdout.splitlines() if line.startswith("workdir ")]
    workdir = Path(line.removeprefix("workdir "))
    assert workdir.parent == temp and workdir.name.startswith("layerlab-real-"), (workdir, done.stderr)
    return workdir


def test_a_side_left_open_removes_its_folder_at_exit(tmp_path: Path) -> None:
    done, temp = _run(tmp_path, """
        import sys
        from pathlib import Path
        from layerlab.compare.real_side import RealSide

        side = RealSide(Path(sys.argv[1]), Engine(), track=True)
        assert side.workdir.is_dir()
        print("workdir", side.workdir)
    """)
    assert done.returncode == 0, done.stderr
    assert not _reported(done, temp).exists()
    assert list(temp.iterdir()) == []


def test_a_beside_session_killed_while_it_cleans_the_engine_leaves_no_folder(tmp_path: Path) -> None:
    """The kernel ends; removing the session's volume from the engine kills it (as Jupyter
    does when that takes too long): the temp folder went first."""
    done, temp = _run(tmp_path, """
        import sys
        from pathlib import Path
        from layerlab import magic
        from layerlab.engine.host import Host

        assert magic.run_beside("docker volume create v1\\n", Host(), engine=Engine(), cwd=Path(sys.argv[1]),
                                echo=lambda line: None, show=lambda view: None)
        side = magic._state["engine_run"].real  # the session's side, kept for the kernel's life
        assert side.made.volumes == {"v1"}
        assert side.workdir.is_dir()  # as if a line were still using it
        print("workdir", side.workdir, flush=True)
    """)
    assert done.returncode == -9, (done.returncode, done.stderr)  # killed, in the engine's clean-up
    assert not _reported(done, temp).exists()
    assert list(temp.iterdir()) == []


def test_a_side_dropped_without_close_removes_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    side = RealSide(tmp_path, engine=None)
    workdir = side.workdir
    assert workdir.is_dir()
    del side
    gc.collect()
    assert not workdir.exists()


def test_a_closed_side_removes_its_folder_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with RealSide(tmp_path, engine=None) as side:
        workdir = side.workdir
        (workdir / "saved.tar").write_bytes(b"x")
    assert not workdir.exists()
    side.close()  # a second close does nothing
    assert list(tmp_path.iterdir()) == []


class _SavingEngine:
    """Builds and saves (an image with no layer, as Engine 20.10 refuses to save one): where
    the side put each archive is kept."""

    def __init__(self) -> None:
        self.saved: list[Path] = []
        self.last_build_log = ""

    def profile(self) -> object:
        return profile_for("20.10", "classic")

    def version(self) -> dict[str, str]:
        return {"Version": "20.10.24"}

    def docker(self, args: list[str], *, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 0, "", "")

    def build(self, context: Path, tag: str, **options: object) -> None:
        pass

    def save(self, refs: list[str], path: Path) -> None:
        self.saved.append(path)
        raise EngineError("empty export - not implemented")


def test_a_beside_cell_leaves_no_temp_folder_for_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """nbval stops a kernel with SIGKILL, when nothing at exit runs: the session's side holds
    no temp folder between cells."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\nLABEL course=layerlab\n")
    engine = _SavingEngine()
    run = EngineRun(engine, tmp_path)
    for cell in range(2):
        beside_live("docker build -t app:1 app\n", Host(), run)
        assert len(engine.saved) == cell + 1 and engine.saved[-1].parent.parent == temp
        assert list(temp.iterdir()) == []
