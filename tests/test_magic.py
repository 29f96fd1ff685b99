"""The %%docker cell magic on a real IPython shell (no kernel, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("IPython")

from IPython.testing.globalipapp import get_ipython

import layerlab.magic as magic
from layerlab.build.context import BuildContext
from layerlab.engine.host import Host

DOCKERFILE = "FROM alpine:3.20\nRUN mkdir -p /app\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n"


@pytest.fixture(scope="module")
def ip():  # type: ignore[no-untyped-def]
    shell = get_ipython()
    shell.run_line_magic("load_ext", "layerlab.magic")
    return shell


@pytest.fixture()
def ctxdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "app" / "app.py").write_text("print('hi')\n")
    monkeypatch.chdir(tmp_path)  # paths are relative to the notebook's cwd
    return tmp_path


def run(ip, cell: str, line: str = "", capsys=None) -> str:  # type: ignore[no-untyped-def]
    ip.run_cell_magic("docker", line, cell)
    return capsys.readouterr().out


def test_build_history_images(ip, ctxdir, capsys) -> None:  # type: ignore[no-untyped-def]
    out = run(ip, "# a comment\ndocker build -t demo app\ndocker history demo\n\ndocker images\n", "--new", capsys)
    assert "$ docker build -t demo app" in out and "#3 [3/3] COPY app.py /app/" in out
    assert "naming to docker.io/library/demo:latest" in out
    assert "IMAGE          CREATED" in out and "CREATED BY" in out and "REPOSITORY" in out and "demo" in out
    assert "ERROR" not in out and "Traceback" not in out


def test_one_host_per_kernel_and_new(ip, ctxdir, capsys) -> None:  # type: ignore[no-untyped-def]
    run(ip, "docker build -t demo app\n", "--new", capsys)
    out = run(ip, "docker build -t demo app\n", "", capsys)
    assert out.count("CACHED") == 2  # the same host remembered the first build
    out = run(ip, "docker images\n", "--new", capsys)
    assert "demo" not in out


def test_errors_are_one_line_and_stop_the_cell(ip, ctxdir, capsys) -> None:  # type: ignore[no-untyped-def]
    out = run(ip, "docker history nosuch\ndocker images\n", "--new", capsys)
    errors = [line for line in out.splitlines() if line.startswith("ERROR")]
    # Engine 20.10's daemon answers `docker history` of a missing image (the CLI does not check first)
    assert errors == ["ERROR: Error response from daemon: No such image: nosuch:latest"]
    assert "1 later line not run" in out and "REPOSITORY" not in out
    for cell, words in [
        ("ls -la\n", "line 1: scenario lines are docker commands"),
        ("docker push demo\n", "unsupported docker command"),
        ("docker build -t x missing-dir\n", "is not a directory"),
        ("docker history\n", "ERROR: docker history"),
        ("docker build 'unclosed\n", "ERROR: line 1"),
    ]:
        out = run(ip, cell, "", capsys)
        assert words in out, out
        assert "Traceback" not in out
        assert sum(line.startswith("ERROR") for line in out.splitlines()) == 1
    assert "unknown option" in run(ip, "docker images\n", "--bogus", capsys)


def test_register_binds_a_host(ip, capsys) -> None:  # type: ignore[no-untyped-def]
    h = Host()
    h.build(BuildContext.from_files({"Dockerfile": DOCKERFILE, "app.py": "x\n"}), "bound")
    assert magic.register(h, ip) is h
    out = run(ip, "docker images\ndocker system df -v\n", "", capsys)
    assert "bound" in out and "SHARED SIZE" in out
    assert magic.current_host() is h


def test_module_does_not_need_ipython_to_import() -> None:
    import importlib
    import sys

    saved = {k: v for k, v in sys.modules.items() if k == "IPython" or k.startswith("IPython.")}
    try:
        for k in saved:
            sys.modules[k] = None  # type: ignore[assignment]
        sys.modules.pop("layerlab.magic", None)
        module = importlib.import_module("layerlab.magic")
        lines: list[str] = []
        assert module.run_cell("docker images\n", Host(), echo=lines.append)
        assert lines[0] == "$ docker images"
    finally:
        sys.modules.update(saved)
        sys.modules.pop("layerlab.magic", None)
        importlib.import_module("layerlab.magic")
