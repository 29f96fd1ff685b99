"""%%docker --beside live on each real engine: both columns agree for the notebooks' lines and
for every cell recorded on that engine. That recording again gives the stored outputs is
``scripts/record-engine-outputs --check`` (CI runs it against every engine)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

import layerlab.magic as magic
from layerlab.compare.beside import EngineRun, beside_live, record
from layerlab.compare.recording import Recording, notebook_beside_cells, recording_name
from layerlab.engine.host import Host
from layerlab.render.side_by_side import beside_text

pytestmark = pytest.mark.engine

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: The notebooks with recordings (each recorded once per engine: 00-start-here.28.json, ...).
RECORDED = sorted({p.name.split(".")[0] for p in (NOTEBOOKS / "recorded").glob("*.json")})


def _cells(recording: Recording) -> list[str]:
    """The recorded cells as cell text (a recording may come before its notebook has the cells)."""
    return ["\n".join(cell["lines"]) + "\n" for cell in recording.cells]


def _agree_live(engine, cells: list[str]) -> None:  # type: ignore[no-untyped-def]
    record(
        [], engine, NOTEBOOKS, "clean"
    )  # no lines: only prunes the build cache and dangling images
    run, tags = EngineRun(engine, NOTEBOOKS), set()
    try:
        for cell in cells:
            beside = beside_live(cell, None, run, tags=tags)  # the simulator plays the engine
            assert beside.engine_label.startswith("Docker Engine ")
            assert not beside.differing, beside_text(beside)
    finally:
        run.close()


def test_notebook_00_lines_agree_live(engine) -> None:  # type: ignore[no-untyped-def]
    cells = notebook_beside_cells(NOTEBOOKS / "00-start-here.ipynb")
    assert cells
    _agree_live(engine, cells)


@pytest.mark.parametrize("notebook", RECORDED)
def test_every_recorded_cell_agrees_live(engine, notebook: str) -> None:  # type: ignore[no-untyped-def]
    path = NOTEBOOKS / "recorded" / recording_name(notebook, engine.profile().name)
    assert path.exists(), f"no {path.name}: run scripts/record-engine-outputs --engine {engine.profile().name}"
    _agree_live(engine, _cells(Recording.load(path)))


def test_a_live_run_removes_what_its_lines_made(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Images, containers and volumes the lines made go when the run closes; the rest stays.
    Its temp files go after each cell."""
    from layerlab.compare.leftovers import EngineObjects

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = EngineObjects.of(engine)
    run = EngineRun(engine, NOTEBOOKS)
    cell = (
        "docker build -t course-app ../scenarios/builds/course-app\n"
        "docker run --name ll-left1 -v ll-left-vol:/data course-app true\n"
    )
    try:
        beside_live(cell, None, run)
        assert list(tmp_path.iterdir()) == []
        made = EngineObjects.of(engine) - before
        assert len(made.containers) == 1 and made.images and "ll-left-vol" in made.volumes
    finally:
        run.close()
    assert not (EngineObjects.of(engine) - before)


def test_magic_finds_the_engine_and_shows_cached_on_both_sides(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DOCKER_HOST", engine.host)
    found, reason = magic.reachable_engine()
    assert found is not None and reason == ""
    magic._state.clear()
    shown: list = []
    cell = (
        "docker build --no-cache -t course-app ../scenarios/builds/course-app\n"
        "docker build -t course-app ../scenarios/builds/course-app\n"
    )
    try:
        assert magic.run_beside(cell, Host(), cwd=NOTEBOOKS, engine=found, echo=shown.append)
    finally:
        magic._close_engine_run()
    line, view = shown  # live: the engine it used, then the view
    assert line.startswith("Docker Engine ") and engine.host in line
    second = view.beside.rows[1]
    assert second.engine[:2] == [
        "=> CACHED COPY requirements.txt /opt/source-code/",
        "=> CACHED COPY app.py /opt/source-code/",
    ]
    assert second.simulator == second.engine
    assert found.last_build_log.count("CACHED") == 2  # BuildKit's own words, before normalising


def test_new_starts_the_engine_afresh_too(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """What the engine built before must not make a --new cell differ: api.py is built anew."""
    cell = (
        "docker build --no-cache -t course-app ../scenarios/builds/course-app\n"
        "docker build -t course-api ../scenarios/builds/course-api\n"
    )
    magic._state.clear()
    run_before = EngineRun(engine, NOTEBOOKS)
    beside_live(cell, Host(), run_before)  # the engine now has course-api's layers cached
    shown: list = []
    try:
        assert magic.run_beside(
            cell, Host(), cwd=NOTEBOOKS, engine=engine, echo=shown.append, fresh=True
        )
    finally:
        magic._close_engine_run()
        run_before.close()
    line, view = shown
    assert "--new" in line
    assert not view.beside.differing, beside_text(view.beside)
    api = view.beside.rows[1].engine
    assert "=> COPY api.py /opt/source-code/" in api, api
