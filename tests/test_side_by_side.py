"""%%docker --beside: normalising both sides, aligning them, showing them, and the recorded
engine outputs used when no engine is reachable (no engine needed here)."""

from __future__ import annotations

import re

import json
from pathlib import Path

import pytest

import layerlab.magic as magic
from layerlab.compare.beside import Beside, BesideRow, align, beside_recorded
from layerlab.compare.lines import parse_scenario
from layerlab.compare.recording import (
    Recording,
    RecordingError,
    find_recorded,
    notebook_beside_cells,
    recording_name,
)
from layerlab.compare.transcript import build_lines, normalise_output
from layerlab.engine.host import Host
from layerlab.render.side_by_side import BesideView, beside_html, beside_text, summary

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
COURSE_APP = "../scenarios/builds/course-app"

# What Docker Engine 20.10 (BuildKit) printed for a rebuild, copied from a real run.
ENGINE_LOG = """\
#1 [internal] load build definition from Dockerfile
#1 sha256:32dffc7bdefa76fa18e952726ef7cca5a5d7cf9ac5818e05c85bafd46fc1dc7c
#1 transferring dockerfile: 32B done
#1 DONE 0.0s

#4 [1/3] FROM docker.io/library/scenario-base
#4 DONE 0.0s

#6 [internal] load build context
#6 transferring context: 93B done
#6 DONE 0.0s

#5 [2/3] RUN mkdir -p /app/data && echo "hello" > /app/data/greeting.txt
#5 sha256:48244e7568a5921e0b1b5251a863093e56a37b95af8d352503b5d2f757954780
#5 CACHED

#7 [3/3] COPY src/ /app/src/
#7 DONE 0.1s

#8 exporting to image
#8 writing image sha256:96c9eb1e3d3bd5d247a45449929b3f41fe18841aca5b51492fb0bddde6e66389 done
#8 naming to docker.io/library/first:2 done
#8 DONE 0.0s
"""
ENGINE_HISTORY = """\
IMAGE          CREATED                  CREATED BY                              SIZE      COMMENT
32dc23a0e291   Less than a second ago   CMD ["flask" "run"]                     0B        buildkit.dockerfile.v0
<missing>      2 minutes ago            COPY app.py . # buildkit                46B       buildkit.dockerfile.v0
"""


def cmd(text: str):  # type: ignore[no-untyped-def]
    return parse_scenario(text)[0]


def test_engine_build_log_becomes_steps_and_the_tag() -> None:
    assert build_lines(ENGINE_LOG) == [
        '=> CACHED RUN mkdir -p /app/data && echo "hello" > /app/data/greeting.txt',
        "=> COPY src/ /app/src/",
        "=> naming to first:2",
    ]


def test_simulator_and_engine_history_normalise_alike() -> None:
    host = Host()
    host.build(REPO / "scenarios/builds/course-app", "course-app")
    line = cmd("docker history course-app")
    mine = normalise_output(line, host.history("course-app"), True)
    assert mine[0].split() == ["IMAGE", "CREATED", "BY", "SIZE", "COMMENT"]  # no CREATED column
    assert [row.split()[0] for row in mine[1:]] == ["<id>", "<missing>", "<missing>"]
    theirs = normalise_output(line, ENGINE_HISTORY, True)
    assert theirs == [
        "IMAGE       CREATED BY                 SIZE   COMMENT",
        '<id>        CMD ["flask" "run"]        0B     buildkit.dockerfile.v0',
        "<missing>   COPY app.py . # buildkit   46B    buildkit.dockerfile.v0",
    ]


def test_errors_keep_dockers_last_words_only() -> None:
    line = cmd("docker history nosuch")
    wrapped = (
        "ERROR: DOCKER_HOST=unix:///x/docker.sock /usr/bin/docker history nosuch failed (exit 1):\n"
        "Error response from daemon: No such image: nosuch:latest"
    )
    assert normalise_output(line, wrapped, False) == [
        "ERROR: Error response from daemon: No such image: nosuch:latest"
    ]


def test_images_tables_show_only_the_lines_images() -> None:
    table = (
        "REPOSITORY   TAG      IMAGE ID       CREATED         SIZE\n"
        "mine         latest   96c9eb1e3d3b   2 seconds ago   59B\n"
        "theirs       1        2eb985aa27fb   3 weeks ago     1.98MB\n"
    )
    lines = normalise_output(cmd("docker images"), table, True, images={"mine:latest"})
    assert lines == [
        "REPOSITORY   TAG      IMAGE ID   SIZE",
        "mine         latest   <id>       59B",
    ]


def test_align_pairs_equal_lines_and_marks_the_rest() -> None:
    assert align(["a", "b", "c"], ["a", "x", "c"]) == [
        ("a", "a", True),
        ("b", "x", False),
        ("c", "c", True),
    ]
    assert align(["a", "c"], ["a", "b", "c"]) == [
        ("a", "a", True),
        (None, "b", False),
        ("c", "c", True),
    ]
    assert align([], ["only"]) == [(None, "only", False)]


def _beside() -> Beside:
    return Beside(
        [
            BesideRow("docker images", ["T", "<same>"], ["T", "<same>"]),
            BesideRow("docker history x", ["one", "two"], ["one", "2"]),
        ],
        "recorded on Docker Engine 20.10.24, 2026-01-02",
        recorded=True,
    )


def test_html_marks_differing_lines_only_and_escapes() -> None:
    page = beside_html(_beside())
    marked = re.findall(r"<div class='layerlab-beside-line layerlab-beside-diff'[^>]*><span[^>]*>≠ </span>([^<]*)</div>", page)
    assert marked == ["two", "2"]  # the one differing line, on each side
    assert page.count("layerlab-beside-diff'") == 2
    assert "&lt;same&gt;" in page and "<same>" not in page
    assert "recorded on Docker Engine 20.10.24, 2026-01-02" in page
    assert "2 commands, 4 lines of output: 1 line differs (marked ≠)" in page


def test_summary_counts_output_lines_not_commands() -> None:
    agree = Beside([BesideRow("docker images", ["A", "B", "C"], ["A", "B", "C"]),
                    BesideRow("docker ps", ["x"], ["x"])], "Docker Engine 20.10.24")  # fmt: skip
    assert summary(agree) == "2 commands, 4 lines of output: both sides agree"
    one = Beside([BesideRow("docker ps", ["x"], ["x"])], "Docker Engine 20.10.24")
    assert summary(one) == "1 command, 1 line of output: both sides agree"


def test_html_never_uses_a_table_and_fits_its_column() -> None:
    """No <table> (JupyterLab right-aligns cells); each pair of sides is a grid whose
    columns are at most the column's width (min(100%, …)), so narrow columns stack them."""
    page = beside_html(_beside())
    assert "<table" not in page and "<td" not in page
    widths = re.findall(r"minmax\(min\(100%,(\d+)ch\),1fr\)", page)
    assert widths and all(int(w) >= len("<same>") for w in widths)


def test_text_fallback_marks_differing_lines() -> None:
    text = beside_text(_beside())
    marked = [line for line in text.splitlines() if line.startswith("≠")]
    assert [line.split() for line in marked] == [["≠", "two", "|", "2"]]
    assert "$ docker history x" in text
    assert BesideView(_beside())._repr_mimebundle_()["text/plain"] == text


def _recording(tmp_path: Path, cells: list[dict], profile: str | None = None, storage: str = "") -> Path:
    """A recording of ``cells``; without ``profile`` as recordings were before they named
    their engine (all were Engine 20.10's)."""
    folder = tmp_path / "recorded"
    folder.mkdir(exist_ok=True)
    engine = {"version": "20.10.24"} if profile is None else {"profile": profile, "version": "28.5.2", "storage": storage}
    data = {"notebook": "x.ipynb", "engine": engine, "recorded_on": "2026-01-02", "cells": cells}
    (folder / f"x.{profile or '20.10'}.json").write_text(json.dumps(data))
    return folder


def test_no_engine_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("LAYERLAB_DOCKER_HOST", raising=False)
    monkeypatch.setattr(magic, "DEFAULT_SOCKET", tmp_path / "docker.sock")
    engine, reason = magic.reachable_engine()
    assert engine is None and "DOCKER_HOST is not set" in reason and "\n" not in reason
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing-here.sock")
    engine, reason = magic.reachable_engine(timeout=5)
    assert engine is None and "does not answer" in reason and "\n" not in reason


def test_fallback_shows_recorded_outputs_beside_the_simulator(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
    (tmp_path / "app" / "a.txt").write_text("a\n")
    folder = _recording(
        tmp_path,
        [
            {
                "lines": ["docker build -t a app", "docker history nosuch"],
                "outputs": [
                    ["=> COPY a.txt /", "=> naming to a:latest"],
                    ["ERROR: Error response from daemon: No such image: nosuch:latest"],
                ],
            }
        ],
    )
    printed: list = []
    magic._state.clear()
    ok = magic.run_beside(
        "docker build -t a app\ndocker history nosuch\n",
        Host(engine="20.10"),
        cwd=tmp_path,
        engine=None,
        reason="no Docker Engine reachable (test)",
        echo=printed.append,
    )
    assert ok and printed[0] == (
        "no Docker Engine reachable (test): showing outputs "
        "recorded on Docker Engine 20.10.24, 2026-01-02"
    )
    beside = printed[1].beside
    assert beside.recorded and folder.name == "recorded"
    assert beside.rows[0].agree  # the model builds what the engine built
    assert beside.rows[1].agree  # and words a missing image's error as the 20.10 daemon does
    assert beside.rows[1].simulator == ["ERROR: Error response from daemon: No such image: nosuch:latest"]


def test_lines_never_recorded_and_broken_recordings_give_clear_errors(tmp_path: Path) -> None:
    folder = _recording(tmp_path, [{"lines": ["docker images"], "outputs": [["REPOSITORY   TAG"]]}])
    with pytest.raises(RecordingError, match="no recording of these 1 lines"):
        find_recorded(parse_scenario("docker ps\n"), folder)
    (folder / "y.20.10.json").write_text('{"cells": [{"lines": ["docker ps"]}]}')
    with pytest.raises(RecordingError, match="y.20.10.json: not a recording.*record-engine-outputs"):
        find_recorded(parse_scenario("docker ps\n"), folder)
    printed: list = []
    assert not magic.run_beside(
        "docker ps\n", Host(engine="20.10"), cwd=tmp_path, reason="none", echo=printed.append
    )
    assert len(printed) == 1 and printed[0].startswith("ERROR: y.20.10.json: not a recording")


def test_bad_lines_are_refused_before_anything_runs(tmp_path: Path) -> None:
    printed: list = []
    for cell, words in [
        ("docker push x\n", "unsupported docker command 'push x'"),
        ("ls -la\n", "scenario lines are docker commands"),
        ("# only a comment\n", "the cell has no docker lines"),
    ]:
        printed.clear()
        assert not magic.run_beside(cell, Host(), cwd=tmp_path, reason="none", echo=printed.append)
        assert len(printed) == 1 and printed[0].startswith("ERROR:") and words in printed[0], (
            printed
        )


def test_magic_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("IPython")
    magics = magic._magics_class()
    docker = magics.__new__(
        magics
    ).docker  # the cell magic's own code, without a shell (see test_magic.py)
    docker("--besides", "docker images\n")
    out = capsys.readouterr().out
    assert (
        out.strip()
        == "ERROR: %%docker: unknown option '--besides' (supported: --new, --beside, --compare)"
    )
    docker("--beside", "docker push x\n")
    out = capsys.readouterr().out
    assert "Traceback" not in out and out.count("ERROR") == 1


NOTEBOOK_CELLS = [(p, notebook_beside_cells(p)) for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
WITH_CELLS = [(p, cells) for p, cells in NOTEBOOK_CELLS if cells]
#: Every engine the notebooks' --beside cells are recorded on (scripts/record-engine-outputs).
RECORDED_ENGINES = ("20.10", "28", "28-containerd")
PER_ENGINE = [(p, cells, e) for p, cells in WITH_CELLS for e in RECORDED_ENGINES]
PER_ENGINE_IDS = [f"{e}-{p.stem}" for p, _, e in PER_ENGINE]


def test_notebook_00_has_beside_cells() -> None:
    assert any(p.name == "00-start-here.ipynb" for p, _ in WITH_CELLS)


@pytest.mark.parametrize(("path", "cells", "engine"), PER_ENGINE, ids=PER_ENGINE_IDS)
def test_recordings_are_up_to_date_with_the_notebooks(path: Path, cells: list[str], engine: str) -> None:
    target = NOTEBOOKS / "recorded" / recording_name(path.stem, engine)
    assert target.exists(), f"no {target.name}: run scripts/record-engine-outputs --engine {engine} {path.name}"
    recording = Recording.load(target)
    assert recording.profile == engine and recording.storage
    wanted = [[c.text for c in parse_scenario(cell)] for cell in cells]
    assert [cell["lines"] for cell in recording.cells] == wanted, (
        f"{target.name} is out of date with {path.name}: run scripts/record-engine-outputs {path.name}"
    )


@pytest.mark.parametrize(("path", "cells", "engine"), PER_ENGINE, ids=PER_ENGINE_IDS)
def test_the_simulator_agrees_with_the_recorded_engine(path: Path, cells: list[str], engine: str) -> None:
    """A host playing each engine prints what that engine printed."""
    host, tags = Host(engine=engine), set()
    for cell in cells:
        beside = beside_recorded(cell, host, NOTEBOOKS / "recorded", NOTEBOOKS, tags=tags)
        assert beside.engine_label.startswith("recorded on Docker Engine ")
        assert not beside.differing, beside_text(beside)


def test_the_recording_shown_is_the_learners_engines(tmp_path: Path) -> None:
    """Without an engine, --beside shows the recording of the engine the host plays (the
    learner's profile), labelled with that engine; another engine's recording never stands in."""
    cells = [{"lines": ["docker images"], "outputs": [["REPOSITORY   TAG   IMAGE ID   SIZE"]]}]
    folder = _recording(tmp_path, cells, profile="28-containerd", storage="containerd image store, overlayfs")
    beside = beside_recorded("docker images\n", Host(engine="28-containerd"), folder, tmp_path)
    assert beside.engine_label == (
        "recorded on Docker Engine 28.5.2 (containerd image store, overlayfs), 2026-01-02"
    )
    with pytest.raises(RecordingError, match="by the 20.10 engine .*recorded by 28-containerd only"):
        beside_recorded("docker images\n", Host(engine="20.10"), folder, tmp_path)
