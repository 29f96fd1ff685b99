"""The course as one: every notebook present, linked in order, timed, with goals; one
glossary whose anchors every link finds; every exercise posed once, from the course data, in
its own notebook, given what its proof needs; every misconception met by an exercise; the
instructor view and the course maps up to date.

Each failure lists exactly what is missing and where. Notebooks are read as source
(JSON and ``ast``), never run: nbval runs them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from layerlab.course import MISCONCEPTIONS, NOTEBOOKS, Notebook
from layerlab.course.exercises import EXERCISES
from layerlab.course.instructor import COMMAND, instructor_view
from layerlab.course.map import course_map
from layerlab.course.source import (
    CourseSourceError,
    ExerciseCall,
    exercise_calls,
    inline_exercises,
    markdown_links,
    read_cells,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
GLOSSARY = NOTEBOOK_DIR / "glossary.md"
INSTRUCTOR = ROOT / "instructor"

#: The anchors every notebook may link to (the course brief's list).
GLOSSARY_TERMS = (
    "layer", "image", "image-id", "diff-id", "chain-id", "cache-id", "container-layer",
    "init-layer", "copy-up", "whiteout", "opaque-directory", "volume", "bind-mount",
    "storage-driver", "data-root", "build-cache", "virtual-size", "snapshotter",
)  # fmt: skip

_ANCHOR = re.compile(r'<a id="([^"]*)"></a>')
_ANCHOR_FORM = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _present() -> list[Notebook]:
    return [nb for nb in NOTEBOOKS if (NOTEBOOK_DIR / nb.file).exists()]


def _need(nb: Notebook) -> None:
    if not (NOTEBOOK_DIR / nb.file).exists():
        pytest.skip(f"{nb.file} is not written yet (test_every_course_notebook_exists fails)")


def _report(problems: list[str], what: str) -> str:
    return f"{what} ({len(problems)}):\n  " + "\n  ".join(problems)


def _fail_if(problems: list[str], what: str) -> None:
    """Fail with one line per problem (each once, in the order found), no assertion noise."""
    problems = list(dict.fromkeys(problems))
    if problems:
        pytest.fail(_report(problems, what), pytrace=False)


def _glossary_anchors() -> list[str]:
    return _ANCHOR.findall(GLOSSARY.read_text(encoding="utf-8"))


# (a) the notebooks -------------------------------------------------------------------


def test_every_course_notebook_exists() -> None:
    missing = [f"notebooks/{nb.file} ({nb.label})" for nb in NOTEBOOKS if not (NOTEBOOK_DIR / nb.file).exists()]  # fmt: skip
    _fail_if(missing, "notebooks of layerlab.course.NOTEBOOKS are missing")


def test_every_notebook_file_is_in_the_course() -> None:
    listed = {nb.file for nb in NOTEBOOKS}
    extra = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb") if p.name not in listed)
    _fail_if(
        [f"notebooks/{name}" for name in extra],
        "notebooks not in layerlab.course.NOTEBOOKS (add them there, or rename them)",
    )


# (b) each notebook's header and ending ------------------------------------------------


def _neighbours(nb: Notebook) -> tuple[Notebook | None, Notebook | None]:
    i = NOTEBOOKS.index(nb)
    return (NOTEBOOKS[i - 1] if i > 0 else None, NOTEBOOKS[i + 1] if i + 1 < len(NOTEBOOKS) else None)  # fmt: skip


def _nav_line(nb: Notebook) -> str:
    previous, following = _neighbours(nb)
    parts = []
    if previous:
        parts.append(f"Previous: [{previous.label}]({previous.file})")
    if following:
        parts.append(f"Next: [{following.label}]({following.file})")
    return " · ".join(parts)


def _header_problems(nb: Notebook) -> list[str]:
    cells = read_cells(NOTEBOOK_DIR / nb.file)
    first = next((c for c in cells if c.kind == "markdown"), None)
    if first is None:
        return ["no markdown cell at all"]
    lines = [line.rstrip() for line in first.source.split("\n")]
    problems = []
    title = f"# {nb.label}"
    if not lines or lines[0] != title:
        problems.append(f"first line is {lines[0]!r}, expected {title!r}" if lines else "empty first cell")  # fmt: skip
    nav = _nav_line(nb)
    found = [line for line in lines if line.startswith(("Previous:", "Next:"))]
    if nav not in lines:
        problems.append(
            f"navigation line is {found[0] if found else 'missing'!r}, expected {nav!r}"
        )
    times = re.findall(r"\*\*Time:\*\* about (\d+) minutes", first.source)
    if [int(t) for t in times] != [nb.minutes]:
        problems.append(
            f"time line says {times or 'nothing'}, expected '**Time:** about {nb.minutes} minutes' "
            "(as in layerlab/course/__init__.py)"
        )
    goals = first.source.partition("**You will learn to:**")
    bullets = [line for line in goals[2].split("\n") if re.match(r"^\s*[*-] \S", line)]
    if not goals[1]:
        problems.append("no '**You will learn to:**' line")
    elif not bullets:
        problems.append("no bullet list of learning goals after '**You will learn to:**'")
    return problems


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_notebook_header_has_title_links_time_and_goals(nb: Notebook) -> None:
    _need(nb)
    problems = _header_problems(nb)
    _fail_if(problems, f"problems in the first markdown cell of {nb.file}")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_notebook_ends_with_a_summary_and_the_next_link(nb: Notebook) -> None:
    _need(nb)
    cells = [c for c in read_cells(NOTEBOOK_DIR / nb.file) if c.source.strip()]
    last = cells[-1]
    problems = []
    if last.kind != "markdown":
        problems.append(f"cell {last.index} is a {last.kind} cell, not a markdown summary")
    _, following = _neighbours(nb)
    link = f"[{following.label}]({following.file})" if following else ""
    if link not in last.source:
        problems.append(f"cell {last.index} lacks the link to the next notebook: {link}")
    _fail_if(problems, f"problems in the last cell of {nb.file}")


# the glossary and (c) links -------------------------------------------------------------


def test_glossary_defines_every_course_term_once() -> None:
    anchors = _glossary_anchors()
    problems = [f'#{t}: no <a id="{t}"></a> entry' for t in GLOSSARY_TERMS if t not in anchors]
    problems += [f"#{a}: defined {anchors.count(a)} times" for a in sorted(set(anchors)) if anchors.count(a) > 1]  # fmt: skip
    problems += [f"#{a}: not lower-case words joined by dashes" for a in anchors if not _ANCHOR_FORM.match(a)]  # fmt: skip
    _fail_if(problems, "problems in notebooks/glossary.md")


def test_every_glossary_entry_defines_and_links_a_notebook() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    files = {nb.file for nb in NOTEBOOKS}
    pieces = _ANCHOR.split(text)  # [before, id1, body1, id2, body2, ...]
    problems = []
    for anchor, body in zip(pieces[1::2], pieces[2::2]):
        entry = body.split("\n### ")[0].split("\n## ")[0]
        words = len(re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", entry).split())
        if words < 20:
            problems.append(f"#{anchor}: a definition of {words} words is too short")
        if not any(target.split("#")[0] in files for target in markdown_links(entry)):
            problems.append(f"#{anchor}: no link to the notebook that shows it")
    _fail_if(problems, "glossary entries are incomplete")


def _link_sources() -> list[tuple[str, str]]:
    """(where, markdown text) for every markdown cell of the present notebooks, and the glossary."""
    out = [("glossary.md", GLOSSARY.read_text(encoding="utf-8"))]
    for nb in _present():
        for cell in read_cells(NOTEBOOK_DIR / nb.file):
            if cell.kind == "markdown":
                out.append((f"{nb.file} cell {cell.index}", cell.source))
    return out


def test_glossary_links_point_at_existing_anchors() -> None:
    anchors = set(_glossary_anchors())
    problems = []
    for where, text in _link_sources():
        for target in markdown_links(text):
            path, _, anchor = target.partition("#")
            if path == "glossary.md" and anchor and anchor not in anchors:
                problems.append(f"{where}: {target} (no such anchor in notebooks/glossary.md)")
            elif where == "glossary.md" and not path and anchor and anchor not in anchors:
                problems.append(f"{where}: {target} (no such anchor)")
    _fail_if(problems, "glossary links point nowhere")


def test_relative_links_lead_to_existing_files() -> None:
    problems = []
    for where, text in _link_sources():
        for target in markdown_links(text):
            path = target.partition("#")[0]
            if not path or _SCHEME.match(path) or path.startswith("/"):
                continue
            if not (NOTEBOOK_DIR / path).exists():
                problems.append(f"{where}: {target} (notebooks/{path} does not exist)")
    _fail_if(problems, "relative links lead nowhere")


# (d) exercises and misconceptions --------------------------------------------------------


def _calls() -> tuple[list[tuple[Notebook, ExerciseCall]], list[str]]:
    """Every ``exercise(...)`` call of the present notebooks, and the problems found reading them."""
    found: list[tuple[Notebook, ExerciseCall]] = []
    problems = []
    for nb in _present():
        try:
            cells = read_cells(NOTEBOOK_DIR / nb.file)
            found += [(nb, call) for call in exercise_calls(cells, nb.file)]
            problems += [f"{nb.file} {where}" for where in inline_exercises(cells, nb.file)]
        except CourseSourceError as err:
            problems.append(str(err))
    return found, problems


def test_notebooks_pose_exercises_only_from_course_data() -> None:
    _, inline = _calls()
    _fail_if(
        inline,
        "notebook cells build exercises themselves, putting the answer in the code: define them in "
        "layerlab/course/exercises/ and show them with exercise(\"NN-name\")",
    )


def test_every_exercise_call_names_an_exercise_of_its_own_notebook() -> None:
    calls, _ = _calls()
    problems = []
    for nb, call in calls:
        where = f"{nb.file} {call.where}"
        if call.exercise_id is None:
            problems.append(f"{where}: exercise({call.id_source}) is not a literal id")
        elif call.exercise_id not in EXERCISES:
            problems.append(f"{where}: no exercise {call.exercise_id!r} in layerlab/course/exercises")
        elif EXERCISES[call.exercise_id].notebook_number != nb.number:
            problems.append(f"{where}: {call.exercise_id!r} belongs to notebook {call.exercise_id[:2]}")
    _fail_if(problems, "exercise calls that name no exercise of their notebook")


def test_every_course_exercise_is_posed_once() -> None:
    calls, _ = _calls()
    posed = Counter(call.exercise_id for _, call in calls)
    present = {nb.number for nb in _present()}
    problems = [
        f"{ex_id}: posed {posed[ex_id]} times" if posed[ex_id] else f"{ex_id}: posed by no notebook"
        for ex_id, ex in EXERCISES.items()
        if ex.notebook_number in present and posed[ex_id] != 1
    ]
    _fail_if(problems, "course exercises not posed exactly once")


def test_every_exercise_call_passes_what_its_proof_needs() -> None:
    """A proof that lacks an object shows a message instead of the model's answer."""
    calls, _ = _calls()
    problems = []
    for nb, call in calls:
        ex = EXERCISES.get(call.exercise_id or "")
        if ex is None or ex.proof is None:
            continue
        wanted, given = set(ex.proof.needs), set(call.objects)
        if wanted != given:
            problems.append(
                f"{nb.file} {call.where}: {call.exercise_id} needs {sorted(wanted)}, passes {sorted(given)}"
            )
    _fail_if(problems, "exercise calls that do not pass what the proof needs")


def test_every_misconception_is_met_by_a_posed_exercise() -> None:
    calls, _ = _calls()
    met = {EXERCISES[c.exercise_id].misconception for _, c in calls if c.exercise_id in EXERCISES}
    missing = [f"{slug} (“{m.belief}”)" for slug, m in MISCONCEPTIONS.items() if slug not in met]
    _fail_if(
        missing,
        "misconceptions met by no exercise a notebook poses: give misconception=\"<slug>\" to the "
        "exercise in layerlab/course/exercises/ that confronts each",
    )


# generated views --------------------------------------------------------------------------


def test_instructor_view_is_up_to_date() -> None:
    expected = instructor_view(NOTEBOOK_DIR)
    stored = {p.name: p.read_text(encoding="utf-8") for p in INSTRUCTOR.glob("*.md")} if INSTRUCTOR.is_dir() else {}  # fmt: skip
    differ = sorted(name for name in expected if stored.get(name) != expected[name])
    extra = sorted(set(stored) - set(expected))
    what = [f"instructor/{n} differs or is missing" for n in differ] + [
        f"instructor/{n} is not generated any more" for n in extra
    ]
    _fail_if(what, f"instructor view out of date: run {COMMAND}")


def test_readme_shows_the_course_map() -> None:
    table = course_map("notebooks/")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if table not in readme:
        pytest.fail(
            "README.md does not show the current course map: replace its table with the "
            "output of `layerlab course map --base notebooks/`",
            pytrace=False,
        )


def test_notebook_00_shows_the_course_map() -> None:
    first = NOTEBOOKS[0]
    _need(first)
    cells = read_cells(NOTEBOOK_DIR / first.file)
    tables = (course_map(), course_map(current=first.number))
    if not any(t.strip() in c.source for c in cells if c.kind == "markdown" for t in tables):
        pytest.fail(
            f"{first.file} does not show the current course map: put the output of "
            f"`layerlab course map --current {first.number}` in a markdown cell",
            pytrace=False,
        )
