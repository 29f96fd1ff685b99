"""Every notebook as a learner sees it in JupyterLab 4: 1280x900, the file browser open.

Both tracks: the English notebooks, then the Korean ones (``ko/00-start-here.ipynb`` ...,
whose kernels speak Korean through notebooks/ko/layerlab.toml). Each is named by its path
under notebooks/ in test ids, the report and the screenshot folders.

One private JupyterLab (temp config dirs, random token, free port) serves the notebooks;
headless Chromium opens each one in a fresh workspace, reads it before anything runs,
runs all cells from the menu, reads it again and uses one widget. Each test judges one
promise of the course on that one visit, and says which cell breaks it and by how much:

- the notebook opens clean (not marked modified);
- before running it reads like a page: no Python repr, and every exercise and lab says
  "Run this cell";
- no code cell holds an exercise's answer, hint or explanation, and no output of Run All
  outside the exercises prints one;
- Run All leaves no error output and every widget renders;
- every output fits its column: nothing wider, nothing scrolling sideways, no text cut;
- no raw Python (reprs, sets, unfilled templates) in what Run All shows;
- one widget or exercise per notebook works (``checks/``), and still fits after use;
- every exercise opened with Show me shows its proof fitting, without error or raw Python;
- in a Korean notebook, Hangul is drawn with a real Hangul font, never as boxes (:mod:`.fonts`).

What a learner reads is looked for in the notebook's language: the English sentence as the
kernel's catalogue gives it (:mod:`.language`), so a Korean notebook still showing English
where the catalogue has Korean fails, and names the sentence.

Screenshots and a report (``learner-view.md``/``.json``: the widest output per notebook and
every finding) go to ``$LAYERLAB_ARTIFACTS`` (default: a pytest temp dir). Notebooks come
from ``$LAYERLAB_NOTEBOOKS`` if set (the kernel then imports that checkout's layerlab).
Skips without Chromium, Playwright or JupyterLab, unless ``LAYERLAB_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

from . import findings
from .checks import find_check
from .fonts import HANGUL_FONT, glyph_report, tofu_findings
from .lab import (
    ALL_PROMPTS_DONE,
    NOTEBOOK_DIR,
    NOTEBOOKS,
    WIDGET_OUTPUTS,
    Notebook,
    code_cell_count,
    package_root,
)
from .language import Say
from .learner_view import outputs, read_cells
from .report import Report
from .sources import (
    answer_keywords,
    course_secrets,
    secrets_in_code,
    secrets_on_screen,
    widget_cells,
)
from .reveal import NoShowMe, reveal_every_proof
from .visit import Visit, shoot_outputs

pytestmark = pytest.mark.browser


def _fail_on(found: list[findings.Finding], summary: str) -> None:
    if found:
        pytest.fail(f"{summary} ({len(found)}):\n" + "\n".join(f"- {f}" for f in found),
                    pytrace=False)  # fmt: skip


def test_opens_clean(visited: Visit, report: Report) -> None:
    name = visited.notebook.name
    found = []
    if visited.modified_on_open:
        found.append(findings.Finding("modified on open", 0,
            f"{name} is marked modified as soon as it opens: closing it asks to save"))  # fmt: skip
    report.add(name, "opens clean", found)
    _fail_on(found, f"{name} is not clean when it opens")


def test_reads_like_a_page_before_running(visited: Visit, report: Report) -> None:
    """Before the kernel runs anything: no repr, and exercises and labs say to run them."""
    name = visited.notebook.name
    shown = outputs(visited.opened)
    found = findings.raw_python(name, shown, when="before running")
    say = Say(visited.notebook.language)
    found += findings.unreadable_widgets(name, shown, widget_cells(visited.notebook), say)
    report.add(name, "before running", found)
    _fail_on(found, f"{name} does not read like a page before running")


@pytest.fixture(scope="session")
def secrets() -> Callable[[str], list]:
    """The course's answers, hints and explanations as a learner reading a language sees
    them (English, and that language's): read once a language."""
    root = package_root(NOTEBOOK_DIR)
    return cache(lambda language: course_secrets(root, language))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def test_no_answer_in_code_cells(notebook: Notebook, secrets: Callable, report: Report) -> None:
    """Read from the .ipynb (what the code cells show); needs no browser."""
    found = answer_keywords(notebook) + secrets_in_code(notebook, secrets(notebook.language))
    report.add(notebook.name, "answers in code", found)
    _fail_on(found, f"{notebook.name} shows answers in its code cells")


def test_no_answer_on_screen_after_run_all(
    visited: Visit, secrets: Callable, report: Report
) -> None:
    """What proves an answer is revealed by its exercise after an attempt, never printed by
    Run All beside the question."""
    name = visited.notebook.name
    found = secrets_on_screen(name, outputs(visited.ran), secrets(visited.notebook.language))
    report.add(name, "answers on screen", found)
    _fail_on(found, f"{name} prints answers after Run All, outside its exercises")


def test_runs_without_errors(visited: Visit, report: Report) -> None:
    name = visited.notebook.name
    found = findings.errors(name, outputs(visited.ran))
    report.add(name, "errors", found)
    _fail_on(found, f"{name} shows errors after Run All")
    page = visited.page
    assert page.evaluate(ALL_PROMPTS_DONE, code_cell_count(visited.notebook)), (
        f"{name}: not every code cell got an execution count"
    )
    broken = [w["text"] for w in page.evaluate(WIDGET_OUTPUTS) if not w["rendered"]]
    assert not broken, f"{name}: {len(broken)} widget(s) did not render: {broken}"
    seconds = ", ".join(f"{k} {v:.1f} s" for k, v in visited.seconds.items())
    print(f"{name}: {seconds}")


def test_every_output_fits_its_column(visited: Visit, report: Report) -> None:
    name = visited.notebook.name
    shown = outputs(visited.ran)
    report.measured(name, shown)
    found = findings.fit(name, shown)
    report.add(name, "fits the column", found)
    _fail_on(found, f"{name} has outputs that do not fit their column")


def test_no_raw_python_after_running(visited: Visit, report: Report) -> None:
    name = visited.notebook.name
    found = findings.raw_python(name, outputs(visited.ran), when="after Run All")
    report.add(name, "raw Python", found)
    _fail_on(found, f"{name} shows raw Python after Run All")


def test_one_widget_works(visited: Visit, artifacts: Path) -> None:
    """The notebook's check in ``checks/`` uses one of its labs or exercises, in the
    notebook's language; its screenshots go to the track's folder (``ko/`` for Korean)."""
    notebook = visited.notebook
    check = find_check(notebook)
    if check is None:
        pytest.skip(f"no check for {notebook.name} in tests/browser/checks/")
    track = artifacts / PurePosixPath(notebook.name).parent
    track.mkdir(parents=True, exist_ok=True)
    check(visited.page, track, Say(notebook.language))


def test_the_used_widget_still_fits(visited: Visit, report: Report) -> None:
    """After ``test_one_widget_works``: the labs and exercises it used still fit (e.g. a
    picture redrawn after Apply). What did not fit already after Run All is not repeated."""
    name = visited.notebook.name
    when = "after using it"
    widgets = ("lab", "exercise")
    used = [o for o in outputs(read_cells(visited.page)) if o.kind in widgets]
    visited.screenshots += shoot_outputs(visited.page, used, visited.shots, suffix="-used")
    ran = [o for o in outputs(visited.ran) if o.kind in widgets]
    known = {f.message for f in findings.fit(name, ran, when=when)}  # reported after Run All
    found = [f for f in findings.fit(name, used, when=when) if f.message not in known]
    report.add(name, "fits after use", found)
    _fail_on(found, f"{name}: a lab or exercise no longer fits after use")


def test_every_revealed_proof_fits(visited: Visit, report: Report) -> None:
    """After Show me on every exercise (:mod:`.reveal`): each proof fits its column and shows
    no error and no raw Python. What was already found after Run All is not repeated."""
    name = visited.notebook.name
    when = "after Show me"
    try:
        count = reveal_every_proof(visited.page)
    except NoShowMe as exc:
        pytest.skip(f"{name}: {exc}")
    revealed = [o for o in outputs(read_cells(visited.page)) if o.kind == "exercise"]
    assert len({o.cell for o in revealed}) == count, "an exercise's output went missing"
    visited.screenshots += shoot_outputs(visited.page, revealed, visited.shots, suffix="-revealed")
    report.measured(name, revealed)
    ran = [o for o in outputs(visited.ran) if o.kind == "exercise"]
    known = {f.message for f in findings.fit(name, ran, when=when)}
    found = [f for f in findings.fit(name, revealed, when=when) if f.message not in known]
    found += findings.errors(name, revealed, when=when)
    found += findings.raw_python(name, revealed, when=when)
    report.add(name, "revealed proofs", found)
    _fail_on(found, f"{name}: {count} exercises opened with Show me, not every proof reads well")


def test_hangul_is_drawn_in_a_hangul_font(visited: Visit, report: Report) -> None:
    """A Korean notebook after Run All: its prose and its pictures' Hangul labels are drawn
    with the glyphs of the machine's Hangul font (:data:`.fonts.HANGUL_FONT`), not as boxes
    (:mod:`.fonts` says what this proves and what not)."""
    notebook = visited.notebook
    if notebook.language != "ko":
        pytest.skip(f"{notebook.name} is not in Korean")
    seen = glyph_report(visited.page)
    found = [findings.Finding("tofu", 0, line) for line in tofu_findings(notebook.name, seen)]
    report.add(notebook.name, "Hangul font", found)
    _fail_on(found, f"{notebook.name}: Hangul is not drawn with {HANGUL_FONT}")
    drawn = ", ".join(f"{c['kind']} {c['what']} {''.join(c['chars'])}" for c in seen["checked"])
    print(f"{notebook.name}: Hangul drawn with {HANGUL_FONT}: {drawn}")
