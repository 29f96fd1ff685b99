"""The course's tools on small notebooks written here: reading notebooks as source, the
instructor view, the course map, and ``layerlab course`` from a terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from layerlab.course import NOTEBOOKS, Notebook
from layerlab.course.instructor import instructor_view, write_instructor_view
from layerlab.course.map import course_map, course_minutes
from layerlab.course.exercises import EXERCISES
from layerlab.course.source import (
    Cell,
    CourseSourceError,
    exercise_calls,
    inline_exercises,
    markdown_links,
    python_source,
    read_cells,
)


def notebook(path: Path, *cells: tuple[str, str]) -> Path:
    """Write a minimal nbformat-4 notebook of (kind, source) cells."""
    data = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
            | ({"outputs": [], "execution_count": None} if kind == "code" else {})
            for kind, source in cells
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def code(*sources: str) -> list[Cell]:
    return [Cell(i, "code", s) for i, s in enumerate(sources)]


# reading notebooks as source ------------------------------------------------------------


def test_read_cells_joins_source_lines(tmp_path: Path) -> None:
    path = notebook(tmp_path / "n.ipynb", ("markdown", "# T\n\ntext"), ("code", "x = 1\ny = 2"))
    assert read_cells(path) == [Cell(0, "markdown", "# T\n\ntext"), Cell(1, "code", "x = 1\ny = 2")]


def test_read_cells_of_a_broken_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CourseSourceError, match="broken.ipynb: not a readable notebook"):
        read_cells(path)


def test_magics_are_blanked_and_cell_magics_are_not_python() -> None:
    assert python_source("%load_ext layerlab.magic\nx = 1") == "\nx = 1"
    assert python_source("!ls\nx = 1") == "\nx = 1"
    assert python_source("\n%%docker --beside\ndocker images") is None
    # A cell that parses stays as it is, even with a line starting with % inside a string.
    text = 'S = """\n%s\n"""'
    assert python_source(text) == text


def test_exercise_calls_read_the_id_and_the_objects_passed() -> None:
    calls = exercise_calls(
        code(
            "from layerlab.widgets import exercise\nexercise('04-chmod', result=chmod, host=h)",
            "%load_ext x\nw = exercise(\"00-delete-later\")\nprint('exercise(')",
            "exercise(NAMES[0])",
        )
    )
    assert [(c.exercise_id, c.cell, c.line, c.objects) for c in calls] == [
        ("04-chmod", 0, 2, ("result", "host")),
        ("00-delete-later", 1, 2, ()),
        (None, 2, 1, ()),
    ]
    assert calls[2].id_source == "NAMES[0]"


def test_exercise_calls_follow_import_aliases_and_ignore_other_calls() -> None:
    calls = exercise_calls(
        code(
            "from layerlab.widgets import exercise as ask_me\nfrom elsewhere import thing as exercises",
            "ask_me('01-rmi', walk=walk)\nexercises('x')\nexercise_calls('y')",
        )
    )
    assert [(c.exercise_id, c.cell) for c in calls] == [("01-rmi", 1)]


def test_inline_exercises_are_found_where_they_are() -> None:
    cells = code("x = 1", "MultipleChoice('Q?', ['a', 'b'], 1, 'e')\nll.widgets.ShortAnswer('Q', 'a', 'e')")
    assert inline_exercises(cells) == ["cell 1, line 1: MultipleChoice(...)", "cell 1, line 2: ShortAnswer(...)"]
    assert inline_exercises(code("exercise('04-chmod')")) == []


def test_exercise_calls_report_bad_cells_by_position() -> None:
    with pytest.raises(CourseSourceError, match=r"nb.ipynb: cell 1 is not valid Python \(line 2"):
        exercise_calls(code("x = 1", "y = 2\ny = (", ""), "nb.ipynb")
    with pytest.raises(CourseSourceError, match=r"cell 0, line 1: exercise\(\.\.\.\) takes one id"):
        exercise_calls(code("exercise()"), "nb.ipynb")
    with pytest.raises(CourseSourceError, match=r"with \*\*objects cannot be read"):
        exercise_calls(code("exercise('04-chmod', **things)"), "nb.ipynb")


def test_markdown_links_skip_code() -> None:
    text = (
        "See [a layer](glossary.md#layer) and <a href='02-x.ipynb'>02</a>.\n"
        "Write `[term](glossary.md#anchor)` to link.\n"
        "```\n[not](a-link.md)\n```\n"
        '![pic](img/p.png "title") [web](https://example.com/x)'
    )
    assert markdown_links(text) == ["glossary.md#layer", "02-x.ipynb", "img/p.png", "https://example.com/x"]  # fmt: skip


# the instructor view ----------------------------------------------------------------------

FIRST, SECOND = NOTEBOOKS[0], NOTEBOOKS[1]


def course_dir(tmp_path: Path) -> Path:
    """A notebooks directory holding the first two notebooks of the course, made up here, that
    pose two of the course's real exercises."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    notebook(
        nbs / FIRST.file,
        ("markdown", f"# First\n\nNext: [the second]({SECOND.file}). A [layer](glossary.md#layer), "
                     "`[kept](as-is.md)`, [web](https://docs.docker.com/)."),
        ("code", "from layerlab.widgets import exercise"),
        ("code", "exercise('00-delete-later')"),
        ("markdown", "Between the exercises."),
        ("code", "x = 1\nexercise('04-append-bytes', append=a, overwrite=o)"),
    )  # fmt: skip
    notebook(nbs / SECOND.file, ("markdown", "# Second"), ("code", "x = 1"))
    return nbs


MC = EXERCISES["00-delete-later"]
SA = EXERCISES["04-append-bytes"]


def test_instructor_page_shows_each_answer_after_its_exercise(tmp_path: Path) -> None:
    page = instructor_view(course_dir(tmp_path))[FIRST.file.replace(".ipynb", ".md")]
    call = page.index("exercise('00-delete-later')")
    mc_answer = page.index("**Answer to exercise 00.1** (`00-delete-later`, multiple choice)")
    between = page.index("Between the exercises.")
    assert call < mc_answer < between
    block = page[mc_answer:between]
    right = MC.options[MC.answer_index]
    assert f"**Right answer:** option {MC.answer_index}, {right}" in block
    assert f"{MC.answer_index}. ✓ **{right}**" in block
    for i in MC.wrong_options:  # every wrong option, with its hint
        assert f"{i}. {MC.options[i]}" in block and f"- {MC.options[i]}: {MC.hints[i]}" in block
    assert "**Explanation:** Layers are read-only." in block
    assert "`delete-shrinks-image`: “Deleting a file in a later layer shrinks the image”" in block
    assert f"**What proves it** (shown after an attempt): {MC.proof.title}." in block
    sa = page[page.index("**Answer to exercise 00.2**") :]
    assert "**Right answer:** 4096" in sa and f"- {SA.hint}" in sa
    assert "(from the notebook's `append`, `overwrite`)" in sa
    assert '<a id="exercise-00-1"></a>' in page


def test_instructor_page_keeps_course_text_out_of_html(tmp_path: Path) -> None:
    """`<image id>` in prose would be an unknown HTML tag to a Markdown viewer; in code it stays."""
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    notebook(nbs / FIRST.file, ("code", "exercise('01-pull-dirs', walk=walk)"))
    assert "imagedb/content/sha256/<image id>" in EXERCISES["01-pull-dirs"].explanation
    page = instructor_view(nbs)[FIRST.file.replace(".ipynb", ".md")]
    assert "imagedb/content/sha256/&lt;image id>" in page
    assert "sha256/<image id>" not in page


def test_instructor_page_relinks_for_its_folder(tmp_path: Path) -> None:
    page = instructor_view(course_dir(tmp_path))[FIRST.file.replace(".ipynb", ".md")]
    assert f"[the second]({SECOND.file.replace('.ipynb', '.md')})" in page
    assert "[layer](../notebooks/glossary.md#layer)" in page
    assert "`[kept](as-is.md)`" in page
    assert "[web](https://docs.docker.com/)" in page


def test_answer_key_lists_every_answer_and_where_misconceptions_are_met(tmp_path: Path) -> None:
    key = instructor_view(course_dir(tmp_path))["answer-key.md"]
    page = FIRST.file.replace(".ipynb", ".md")
    assert f"[**00.1**]({page}#exercise-00-1) `00-delete-later` The Dockerfile goes on" in key
    right = MC.options[MC.answer_index]
    assert f"**Answer:** option {MC.answer_index}, {right} · misconception `delete-shrinks-image`" in key
    assert f"[**00.2**]({page}#exercise-00-2) `04-append-bytes`" in key
    assert f"| `delete-shrinks-image` | Deleting a file in a later layer shrinks the image | it only whites it out; the bytes stay in the earlier layer | [00.1]({page}#exercise-00-1) |" in key  # fmt: skip
    assert "| `virtual-sizes-add-up` | Virtual sizes add up |" in key
    assert key.count("none yet") == 12  # 13 misconceptions, one met here
    assert f"## [{SECOND.label}]" in key and "No exercises." in key


def test_an_unknown_or_computed_exercise_stops_the_view_naming_where(tmp_path: Path) -> None:
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    notebook(nbs / FIRST.file, ("code", "x = 1"), ("code", "exercise('04-chmd')"))
    with pytest.raises(CourseSourceError, match=rf"{FIRST.file}: cell 1, line 1: There is no exercise '04-chmd'. Notebook 04's exercises are: 04-chmod, "):  # fmt: skip
        instructor_view(nbs)
    notebook(nbs / FIRST.file, ("code", "exercise(name)"))
    with pytest.raises(CourseSourceError, match=r"cell 0, line 1: exercise\(name\) names no id"):
        instructor_view(nbs)


def test_writing_the_view_replaces_only_pages_it_made(tmp_path: Path) -> None:
    out = tmp_path / "instructor"
    out.mkdir()
    (out / "09-gone.md").write_text("old page")
    (out / "notes.txt").write_text("mine")
    written = write_instructor_view(course_dir(tmp_path), out)
    names = sorted(p.name for p in out.iterdir())
    expected = sorted([FIRST.file.replace(".ipynb", ".md"), SECOND.file.replace(".ipynb", ".md"), "answer-key.md", "notes.txt"])  # fmt: skip
    assert names == expected
    assert len(written) == 3


# the course map ---------------------------------------------------------------------------


def test_course_map_has_one_linked_row_per_notebook() -> None:
    lines = course_map("notebooks/").splitlines()
    assert lines[0] == "| # | notebook | what you see | minutes |"
    assert len(lines) == 2 + len(NOTEBOOKS)
    assert lines[2] == (
        "| 00 | [Start here](notebooks/00-start-here.ipynb) | how the course works, an image's "
        "layer stack, a first exercise | 10 |"
    )
    assert lines[-1].startswith("| 08 | [When the disk fills up](notebooks/08-when-the-disk-fills-up.ipynb) |")  # fmt: skip
    assert [line.split(" | ")[0] for line in lines[2:]] == [f"| 0{n}" for n in range(9)]


def test_course_map_marks_the_current_notebook_and_escapes_cells() -> None:
    made_up = (
        Notebook(3, "03-a.ipynb", "A | B", 12, "one\nline"),
        Notebook(4, "04-b.ipynb", "B", 5, "x"),
    )
    assert course_map(current=3, notebooks=made_up).splitlines()[2:] == [
        "| 03 | **A \\| B** (this one) | one line | 12 |",
        "| 04 | [B](04-b.ipynb) | x | 5 |",
    ]
    assert course_minutes(made_up) == 17


# the command ------------------------------------------------------------------------------


def run(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "layerlab", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def test_course_map_command_prints_the_table() -> None:
    result = run("course", "map", "--base", "notebooks/")
    assert result.returncode == 0, result.stderr
    assert "| 02 | [Layers and reuse](notebooks/02-layers-and-reuse.ipynb) |" in result.stdout


def test_course_instructor_command_writes_the_view(tmp_path: Path) -> None:
    nbs = course_dir(tmp_path)
    result = run("course", "instructor", tmp_path / "out", "--notebooks", nbs)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "answer-key.md").is_file()
    bad = run("course", "instructor", tmp_path / "out2", cwd=tmp_path / "out")
    assert bad.returncode == 1 and "no notebooks directory notebooks" in bad.stderr
    assert "Traceback" not in bad.stderr
