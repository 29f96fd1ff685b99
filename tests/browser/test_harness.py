"""The learner's-view checks themselves: each one fails on what it is meant to catch.

Most of these need no browser (they run in the quick suite); the measuring script is tried
in Chromium on a small page built like JupyterLab's notebook, without JupyterLab.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from . import findings, language
from .checks import find_check
from .fonts import glyph_report, tofu_findings
from .lab import VIEWPORT, find_notebooks
from .language import Say
from .learner_view import OutputView, Problem, outputs, read_cells
from .sources import (
    Secret,
    answer_keywords,
    asked_in,
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


#: A catalogue of our own, so these tests do not depend on how far the real one is filled.
KO = {
    "Run this cell to answer.": "이 셀을 실행하면 답할 수 있다.",
    "Run this cell to use {what}.": "이 셀을 실행하면 {what} 위젯을 쓸 수 있다.",
    "step {position} of {total}": "{total}단계 중 {position}단계",
    "{text!r} is not an absolute path inside the container: start it with /": "{text!r}은(는) 절대 경로가 아니다: /로 시작하라",
    "On <b>{fs}</b> the engine picks {picked}.": "<b>{fs}</b>에서 엔진은 {picked}를 고른다.",
}


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    def translate(message: str, code: str | None = None) -> str:
        return KO.get(message, message) if code == "ko" else message

    monkeypatch.setattr(language, "translate", translate)


def test_the_run_this_cell_sentences_are_the_widgets_own() -> None:
    """findings names the sentences layerlab's widgets print before their cell runs."""
    from layerlab.widgets import fallback

    assert findings.RUN_TO_ANSWER == fallback.RUN_TO_ANSWER
    assert findings.RUN_TO_USE == fallback.RUN_TO_USE


def test_a_korean_exercise_must_say_run_this_cell_in_korean(catalogue: None) -> None:
    """In a Korean notebook the English sentence is not enough where the catalogue has Korean."""
    shown = [view(cell=6, text="질문\n▶ Run this cell to answer."),
             view(cell=8, text="질문\n▶ 이 셀을 실행하면 답할 수 있다."),
             view(cell=9, text="컨테이너 랩\n▶ 이 셀을 실행하면 컨테이너 랩 위젯을 쓸 수 있다.")]  # fmt: skip
    cells = {6: "exercise", 8: "exercise", 9: "lab"}
    (found,) = findings.unreadable_widgets("ko/04.ipynb", shown, cells, Say("ko"))
    assert found.cell == 6 and "'이 셀을 실행하면 답할 수 있다.'" in found.message
    assert "Run this cell to answer" in found.message  # what it shows instead
    assert [f.cell for f in findings.unreadable_widgets("04.ipynb", shown, cells)] == [8, 9]


def test_say_fills_what_it_knows_and_matches_the_rest(catalogue: None) -> None:
    ko, en = Say("ko"), Say("en")
    assert ko("step {position} of {total}", position=1, total=6) == "6단계 중 1단계"
    assert en("step {position} of {total}", position=1, total=6) == "step 1 of 6"
    assert ko("not in the catalogue") == "not in the catalogue"
    not_absolute = "{text!r} is not an absolute path inside the container: start it with /"
    assert ko.pattern(not_absolute, text="var/log").search("⚠ append: 'var/log'은(는) 절대 경로가\n아니다: /로 시작하라")
    assert not ko.pattern(not_absolute, text="var/log").search("'etc'은(는) 절대 경로가 아니다: /로 시작하라")
    assert en.pattern(not_absolute).search("'x' is not an absolute path inside the container: start it with /")
    # HTML in the sentence is not in what the page shows; a field not given is any text
    picks = ko.pattern("On <b>{fs}</b> the engine picks {picked}.", picked="btrfs")
    assert picks.search("xfs에서 엔진은 btrfs를 고른다.") and not picks.search("xfs에서 엔진은 vfs를 고른다.")
    assert "ko: not in the catalogue yet" in ko.describe("not in the catalogue")


def test_both_tracks_are_named_by_their_path(tmp_path: Path) -> None:
    for name in ("00-start-here.ipynb", "04-copy-on-write.ipynb", "ko/04-copy-on-write.ipynb"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "ko" / "layerlab.toml").write_text('language = "ko"\n')
    found = find_notebooks(tmp_path)
    assert [(nb.name, nb.stem, nb.workspace, nb.number, nb.language) for nb in found] == [
        ("00-start-here.ipynb", "00-start-here", "00-start-here", "00", "en"),
        ("04-copy-on-write.ipynb", "04-copy-on-write", "04-copy-on-write", "04", "en"),
        ("ko/04-copy-on-write.ipynb", "ko/04-copy-on-write", "ko-04-copy-on-write", "04", "ko"),
    ]  # fmt: skip
    assert Path(found[2]) == tmp_path / "ko" / "04-copy-on-write.ipynb"
    assert find_check(found[2]) is find_check(found[1]) is not None  # one check, both tracks
    secrets = [Secret(ex, "answer", re.compile("x"), "x") for ex in ("04-chmod", "05-vfs", "glossary")]
    asked = asked_in("ko/05-storage-drivers.ipynb", secrets)  # by the file's number, not "ko"
    assert [s.exercise for s in asked] == ["05-vfs", "glossary"]


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


# -- Hangul drawn with a Hangul font, in Chromium -------------------------------------

#: A notebook-like page: Korean prose, a bold heading, and a Graphviz-like picture.
HANGUL_PAGE = """<div class="jp-NotebookPanel"><h2>레이어 보기</h2>
<p class="prose">이미지 레이어는 읽기 전용이다.</p>
<svg width="300" height="60"><g id="graph0" class="graph">
<text x="10" y="30" font-family="Helvetica,sans-Serif" font-size="14">컨테이너 레이어</text></g></svg>
<svg width="50" height="20"><text x="1" y="15">한</text></svg>
<img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='200' height='40'%3E%3Cg class='graph'%3E%3Ctext x='5' y='20' font-family='Times,serif' font-size='14'%3E%EC%9D%B4%EB%AF%B8%EC%A7%80 %EB%A0%88%EC%9D%B4%EC%96%B4%3C/text%3E%3C/g%3E%3C/svg%3E"></div>"""


@pytest.mark.browser
def test_hangul_drawn_in_the_hangul_font_passes_and_a_missing_font_fails(browser: Any) -> None:
    """The check passes with this machine's Hangul font, and fails when that font is not
    installed (here: a name no font has), as on a machine without fonts-nanum."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_content(HANGUL_PAGE)
        seen = glyph_report(page)
        assert seen["loaded"], seen["load_error"]
        assert tofu_findings("page", seen) == [], seen
        kinds = [(c["kind"], c["what"]) for c in seen["checked"]]
        # the bold h2 in the bold face; the <img>'s SVG (as JupyterLab shows an SVG output) is read
        assert kinds == [("html", "h2"), ("html", "p.prose"), ("svg", "text"), ("svg", "img>text")], kinds
        assert seen["pictures"] == 2  # only pictures with Graphviz's g.graph count

        missing = "NoSuchHangulFont-layerlab"
        found = tofu_findings("page", glyph_report(page, font=missing), font=missing)
        assert len(found) == 1 and f"no font named {missing!r}" in found[0], found
    finally:
        context.close()


@pytest.mark.browser
def test_characters_no_font_has_are_found_as_tofu(browser: Any) -> None:
    """The same check on characters no font has (unassigned code points): boxes, found."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_content("<div class='jp-NotebookPanel'><p>\u0379\u0380\u0381</p></div>")
        seen = glyph_report(page, script="[\\u0379-\\u0381]", scope=".jp-NotebookPanel")
        found = tofu_findings("page", seen)
        assert found and all("tofu" in f or "blank" in f or "drawn the same" in f for f in found), found
    finally:
        context.close()
