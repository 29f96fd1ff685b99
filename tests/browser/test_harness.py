"""The learner's-view checks themselves: each one fails on what it is meant to catch.

Most of these need no browser (they run in the quick suite); the measuring script is tried
in Chromium on a small page built like JupyterLab's notebook, without JupyterLab.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from . import findings
from .lab import VIEWPORT
from .learner_view import OutputView, Problem, outputs, read_cells
from .sources import (
    answer_keywords,
    course_secrets,
    secrets_in_code,
    secrets_on_screen,
    widget_cells,
)


def view(
    cell: int = 3, text: str = "", kind: str = "text", widest: int = 800, **kw: Any
) -> OutputView:
    fields = {
        "prompt": "[2]:",
        "mime": "text/plain",
        "column": 848,
        "widest_what": "img",
        "tag": f"{cell}-1",
    }
    return OutputView(cell=cell, text=text, kind=kind, widest=widest, **(fields | kw))


# -- findings --------------------------------------------------------------------------


def test_a_picture_wider_than_its_column_is_named_with_its_cell_and_widths() -> None:
    wide = view(cell=7, kind="picture", widest=2009,
                problems=(Problem("scrolls", "the output", 2009, 848),))  # fmt: skip
    (found,) = findings.fit("04.ipynb", [wide, view(cell=8, widest=848)])
    assert found.kind == "too wide" and found.cell == 7
    assert "04.ipynb cell 7 [2]" in found.message
    assert "2009 px" in found.message and "848 px" in found.message
    assert "scrolls sideways" in found.message


def test_a_box_that_scrolls_or_cuts_inside_a_fitting_output_is_found() -> None:
    lab = view(cell=9, kind="lab", problems=(
        Problem("scrolls", ".layerlab-driverlab-custom", 809, 723),
        Problem("ellipsis", ".layerlab-driverlab-choose", 109, 33, "Which driver?"),
        Problem("placeholder", "input in .layerlab-answer", 292, 282, "Type your answer"),
    ))  # fmt: skip
    kinds = [f.kind for f in findings.fit("05.ipynb", [lab])]
    assert kinds == ["scrolls sideways", "cut off", "cut off"]


@pytest.mark.parametrize(
    "shown",
    [
        "ExerciseWidget(MultipleChoice(question='In the container…",
        "<ContainerLab 'cow-demo': 0 operations applied>",
        "<layerlab picture 'lookup': 11 statements>",
        "CopyUp(path='/data', bytes=0, layer=1)",
        "<Host 2 images, 2 tags, 4 cache records>",
        "<graphviz.graphs.Digraph at 0x7f3a2b1c4d50>",
        "frozenset({'data/dataset.bin'})",
        "argument: chmod {arg} {path}",
    ],
)
def test_raw_python_is_found(shown: str) -> None:
    (found,) = findings.raw_python(
        "00.ipynb", [view(text=f"before\n{shown}\nafter")], "after Run All"
    )
    assert found.cell == 3 and shown[:30] in found.message


@pytest.mark.parametrize(
    "shown",
    [
        "REPOSITORY   TAG       IMAGE ID\n<none>       <none>    7c88d888bc62",
        'IMAGE          CREATED BY\n<missing>      /bin/sh -c #(nop)  CMD ["sh"]',
        "C /etc\nA /etc/app.old\nD /etc/app",
        "copied up 4 entries (1 with data, 3 metadata only): 4,096 bytes of data",
        "Step 2/4 : RUN apt-get update (cached)",
    ],
)
def test_docker_output_is_not_mistaken_for_raw_python(shown: str) -> None:
    assert findings.raw_python("00.ipynb", [view(text=shown)], "after Run All") == []


def test_an_exercise_that_does_not_say_run_this_cell_is_found() -> None:
    shown = [view(cell=6, text="ExerciseWidget(MultipleChoice(…"),
             view(cell=12, text="Which layer? Run this cell to answer.")]  # fmt: skip
    found = findings.unreadable_widgets(
        "04.ipynb", shown, {6: "exercise", 12: "exercise", 32: "lab"}
    )
    assert [(f.cell, "nothing" in f.message) for f in found] == [(6, False), (32, True)]


def test_tracebacks_and_failed_widgets_are_errors() -> None:
    shown = [
        view(cell=2, mime=findings.STDERR, text="ModuleNotFoundError: No module named 'x'"),
        view(cell=4, kind="lab", text="Error displaying widget: model not found"),
        view(cell=5, mime=findings.STDERR, text="progress: 3 of 9 layers"),
        view(cell=7, kind="exercise", error_boxes=("⚠ Could not show the proof: no such layer",)),
    ]
    assert [f.cell for f in findings.errors("01.ipynb", shown)] == [2, 4, 7]


# -- sources ---------------------------------------------------------------------------


def _notebook(path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [], "execution_count": None}
             for s in sources]  # fmt: skip
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return path


def test_answer_keywords_in_code_cells_are_found(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "04.ipynb", "h = Host()", 'MultipleChoice(\n  "Q?",\n  ["a", "b"],\n  answer=1,\n)',
                   'exercise("04-chmod")', "lab = ContainerLab(h)\nlab")  # fmt: skip
    (found,) = answer_keywords(nb)
    assert found.cell == 2 and "answer=" in found.message
    assert widget_cells(nb) == {2: "exercise", 3: "exercise", 4: "lab"}


def test_the_course_data_s_answers_are_found_in_code(tmp_path: Path) -> None:
    """Exercises kept as data in any module of layerlab.course, in a dict or a list."""
    course = tmp_path / "layerlab" / "course"
    course.mkdir(parents=True)
    (tmp_path / "layerlab" / "__init__.py").write_text("")
    (course / "__init__.py").write_text("")
    (course / "drills.py").write_text(
        "class Ex:\n"
        "    def __init__(self, answer, explanation, options=(), hints=None):\n"
        "        self.answer, self.explanation, self.options, self.hints = answer, explanation, options, hints\n"
        "EXERCISES = {'05-btrfs': Ex(12288, 'Bytes 0 to 9,999 touch blocks 0, 1 and 2 (each 4,096 bytes).'),\n"
        "             '05-vfs': Ex(1, 'No copy-on-write.', options=('0 B', 'About 4 MiB: two full copies'),\n"
        "                          hints={0: 'Does vfs have copy-on-write at all, even for a new layer?'}),\n"
        "             '04-append': Ex(4096, 'An append keeps the old content: 4096 bytes copied up.')}\n"
    )  # fmt: skip
    secrets = course_secrets(tmp_path)
    assert {(s.exercise, s.what) for s in secrets} == {
        ("05-btrfs", "answer"), ("05-btrfs", "explanation"), ("05-vfs", "answer"), ("05-vfs", "hint"),
        ("04-append", "explanation")}  # 4096: too short a number to look for in code  # fmt: skip
    nb = _notebook(tmp_path / "05.ipynb", 'exercise("05-btrfs")', "print(12,288)",
                   "note = ('Bytes 0 to 9,999 touch '\n        'blocks 0, 1 and 2')", "size = 122880", "x = 'About 4 MiB: two full copies'",
                   "# An append keeps the old content: notebook 04 asked that")  # fmt: skip
    assert [(f.cell, f.message.split("the code holds the ")[1][:20]) for f in secrets_in_code(nb, secrets)] == [
        (2, "answer of exercise 0"), (3, "explanation of exerc"), (5, "answer of exercise 0")]  # fmt: skip
    shown = [view(cell=4, text="btrfs writes 12,288 bytes of new blocks"),
             view(cell=6, kind="exercise", text="✓ Right. btrfs wrote 12,288 bytes"),
             view(cell=8, text="copied up 4,096 bytes")]  # fmt: skip
    assert [f.cell for f in secrets_on_screen("05.ipynb", shown, secrets)] == [4]
    assert secrets_on_screen("06.ipynb", shown, secrets) == []  # 05's exercises are not asked there


# -- the measuring script, in Chromium -------------------------------------------------

#: Three cells shaped like JupyterLab's: a picture too wide for its scrolling output, a lab
#: with a cut button and a cut placeholder, and a markdown cell.
PAGE = """<style>body{margin:0} .jp-OutputArea-output{width:848px;overflow-x:auto}
button{width:40px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}</style>
<div class="jp-NotebookPanel">
 <div class="jp-Cell jp-CodeCell"><div class="jp-InputPrompt">[4]:</div>
  <div class="jp-OutputArea-output" data-mime-type="image/svg+xml">
   <img style="width:2009px;height:20px;display:block">
   <svg viewBox="0 0 600 30" style="width:100%;display:block"></svg></div></div>
 <div class="jp-Cell jp-MarkdownCell"><p>text</p></div>
 <div class="jp-Cell jp-CodeCell"><div class="jp-InputPrompt">[5]:</div>
  <div class="jp-OutputArea-output"><div class="jupyter-widgets layerlab-driverlab">
   <button class="layerlab-driverlab-choose">Which driver?</button>
   <input class="layerlab-driverlab-engine" style="width:60px" placeholder="an engine version, e.g. 20.10">
   <div class="layerlab-driverlab-custom" style="width:300px;overflow-x:auto"><div style="width:500px">x</div></div>
   <div class="layerlab-driverlab-error-body">⚠ Cannot compare</div><div class="layerlab-driverlab-choose-error-body"></div>
  </div></div></div>
</div>"""


@pytest.mark.browser
def test_the_measuring_script_sees_what_a_learner_sees(browser: Any) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_content(PAGE)
        cells = read_cells(page)
        assert [(c.number, c.type, c.prompt) for c in cells] == [(1, "code", "[4]:"), (2, "markdown", ""), (3, "code", "[5]:")]  # fmt: skip
        picture, lab = outputs(cells)
        assert (picture.kind, picture.column, picture.widest, picture.widest_what) == (
            "picture",
            848,
            2009,
            "img",
        )
        assert [p.kind for p in picture.problems] == ["scrolls"]
        assert picture.natural == 800  # the svg's 600 pt at its own size, though drawn 848 px wide
        assert lab.kind == "lab" and not lab.too_wide
        assert lab.error_boxes == ("⚠ Cannot compare",) and picture.error_boxes == ()
        kinds = {p.kind: p for p in lab.problems}
        assert set(kinds) == {"ellipsis", "placeholder", "scrolls"}
        assert kinds["ellipsis"].text == "Which driver?" and kinds["ellipsis"].room < 40
        assert (
            kinds["scrolls"].what == ".layerlab-driverlab-custom" and kinds["scrolls"].width == 500
        )
        assert page.locator("[data-learner-view='1-1'] img").count() == 1  # tagged for screenshots
    finally:
        context.close()
