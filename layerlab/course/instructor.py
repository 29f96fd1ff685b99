"""The instructor view: every notebook's text and code with each exercise's answer after it.

Generated from the notebooks and the course data together, so it never drifts from what
learners see: each ``exercise("04-chmod")`` call a notebook makes is found by its syntax
(nothing in a notebook is executed) and answered from :mod:`layerlab.course.exercises`,
the same objects the widget checks against: question, options, right answer, the hint for
every wrong option, explanation, the misconception met and what proves the answer.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from layerlab.i18n import _, language, translate

from . import MISCONCEPTIONS, NOTEBOOKS, Notebook
from .exercise import Exercise, MultipleChoice, ShortAnswer
from .exercises import UnknownExercise, find
from .source import (
    Cell,
    CourseSourceError,
    ExerciseCall,
    exercise_calls,
    markdown_lines,
    read_cells,
)

__all__ = [
    "ANSWER_KEY",
    "COMMAND",
    "ExerciseAnswer",
    "answers",
    "instructor_file",
    "instructor_view",
    "write_instructor_view",
]

#: How the committed view is regenerated (from the repository's root).
COMMAND = "layerlab course instructor instructor/"
#: The course-wide answer key's file name.
ANSWER_KEY = "answer-key.md"

_GENERATED = re.compile(r"^\d\d-.*\.md$")
_MD_TARGET = re.compile(r"(\]\(\s*<?)([^)\s>]+)")
_HTML_TARGET = re.compile(r"""(\b(?:href|src)\s*=\s*["'])([^"']+)""")


@dataclass(frozen=True)
class ExerciseAnswer:
    """One exercise as a notebook poses it: where, and the course's data for it."""

    notebook: Notebook
    number: int
    call: ExerciseCall
    exercise: Exercise

    @property
    def label(self) -> str:
        return f"{self.notebook.number:02d}.{self.number}"

    @property
    def anchor(self) -> str:
        """The answer's anchor on its notebook's page."""
        return f"exercise-{self.notebook.number:02d}-{self.number}"

    @property
    def answer(self) -> str:
        """The right answer as the key prints it: ``option 2, <text>`` or the typed answer."""
        ex = self.exercise
        if isinstance(ex, MultipleChoice):
            return _("option {index}, {answer}", index=ex.answer_index, answer=ex.answer)
        return ex.answer_text


def instructor_file(notebook: Notebook) -> str:
    """The instructor view's file name for a notebook: ``NN-name.md``."""
    return notebook.file.removesuffix(".ipynb") + ".md"


def answers(notebook: Notebook, cells: list[Cell]) -> list[ExerciseAnswer]:
    """The answers to a notebook's exercises, in order."""
    found = []
    for number, call in enumerate(exercise_calls(cells, notebook.file), 1):
        where = f"{notebook.file}: {call.where}"
        if call.exercise_id is None:
            raise CourseSourceError(
                _(
                    "{where}: exercise({source}) names no id the course can read",
                    where=where,
                    source=call.id_source,
                )
            )
        try:
            found.append(ExerciseAnswer(notebook, number, call, find(call.exercise_id)))
        except UnknownExercise as err:
            raise CourseSourceError(f"{where}: {err}") from None
    return found


def _md(text: str) -> str:
    """Course text in Markdown: ``<chain id>`` must not be read as an HTML tag (code is kept)."""
    pieces = re.split(r"(`[^`]*`)", text)
    return "".join(p if i % 2 else p.replace("<", "&lt;") for i, p in enumerate(pieces))


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))


def _hints(ex: Exercise) -> list[str]:
    if isinstance(ex, MultipleChoice):
        return [_md(f"{ex.options[i]}: {ex.hints[i]}") for i in ex.wrong_options if i in ex.hints]
    assert isinstance(ex, ShortAnswer)
    return [_md(ex.hint)] if ex.hint else []


def _answer_block(a: ExerciseAnswer) -> str:
    ex = a.exercise
    kind = _("multiple choice") if isinstance(ex, MultipleChoice) else _("short answer")
    parts = [
        f'<a id="{a.anchor}"></a>'
        + _("**Answer to exercise {label}** (`{id}`, {kind})", label=a.label, id=ex.id, kind=kind)
    ]
    if ex.misconception:
        m = MISCONCEPTIONS[ex.misconception]
        parts.append(
            _(
                "Confronts the misconception `{slug}`: “{belief}”.",
                slug=ex.misconception,
                belief=translate(m.belief),
            )
        )
    parts.append(_("**Question:** {question}", question=_md(ex.question)))
    if isinstance(ex, MultipleChoice):
        parts.append(
            "\n".join(
                f"{i}. {'✓ **' + _md(o) + '**' if i == ex.answer_index else _md(o)}"
                for i, o in enumerate(ex.options)
            )
        )
    parts.append(_("**Right answer:** {answer}", answer=_md(a.answer)))
    if isinstance(ex, ShortAnswer) and ex.accept:
        parts.append(_("Also accepted: {answers}", answers=", ".join(f"`{s}`" for s in ex.accept)))
    parts.append(_("**Explanation:** {explanation}", explanation=_md(ex.explanation)))
    hints = _hints(ex)
    if hints:
        label = (
            _("Hints for wrong options:")
            if isinstance(ex, MultipleChoice)
            else _("Hint after a wrong answer:")
        )
        parts.append(f"{label}\n" + "\n".join(f"- {h}" for h in hints))
    if ex.proof is not None:
        given = ", ".join(f"`{n}`" for n in ex.proof.needs)
        title = _md(translate(ex.proof.title))
        parts.append(
            _(
                "**What proves it** (shown after an attempt): {title} (from the notebook's {objects}).",
                title=title,
                objects=given,
            )
            if given
            else _("**What proves it** (shown after an attempt): {title}.", title=title)
        )
    return _quote("\n\n".join(parts))


def _fence(code: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}python\n{code.rstrip()}\n{ticks}"


@dataclass(frozen=True)
class _Where:
    """Where the view's links and its generated-by comment point: the notebooks' folder as
    seen from the view's folder (``link``) and from the repository's root (``source``), and
    the command that regenerates it."""

    link: str = "../notebooks/"
    source: str = "notebooks/"
    command: str = COMMAND


def _retarget(target: str, link: str = _Where.link) -> str:
    """A notebook's relative link as seen from ``instructor/`` (the view's folder)."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return target
    path, sep, anchor = target.partition("#")
    for nb in NOTEBOOKS:
        if path == nb.file:
            return instructor_file(nb) + sep + anchor
    return link + target


def _relink(markdown: str, link: str = _Where.link) -> str:
    """Rewrite relative link targets in prose (not in code) for the instructor folder."""
    out = []
    for line, code in markdown_lines(markdown):
        if code:
            out.append(line)
            continue
        pieces = re.split(r"(`[^`]*`)", line)
        for i in range(0, len(pieces), 2):
            piece = _MD_TARGET.sub(lambda m: m.group(1) + _retarget(m.group(2), link), pieces[i])
            pieces[i] = _HTML_TARGET.sub(lambda m: m.group(1) + _retarget(m.group(2), link), piece)
        out.append("".join(pieces))
    return "\n".join(out)


def _page(
    notebook: Notebook, cells: list[Cell], found: list[ExerciseAnswer], where: _Where = _Where()
) -> str:
    by_cell: dict[int, list[ExerciseAnswer]] = {}
    for a in found:
        by_cell.setdefault(a.call.cell, []).append(a)
    parts = [
        "<!-- "
        + _(
            "Generated from {source} by `{command}`: edit the notebook, not this file.",
            source=where.source + notebook.file,
            command=where.command,
        )
        + " -->",
        "> "
        + _(
            "**Instructor view** of [{title}]({notebook}): the notebook's text and code, with the "
            "answer after each exercise. All answers: [{key}]({key}).",
            title=notebook.label,
            notebook=where.link + notebook.file,
            key=ANSWER_KEY,
        ),
    ]
    for cell in cells:
        if not cell.source.strip():
            continue
        if cell.kind == "markdown":
            parts.append(_relink(cell.source.strip("\n"), where.link))
        elif cell.kind == "code":
            parts.append(_fence(cell.source))
            parts.extend(_answer_block(a) for a in by_cell.get(cell.index, []))
    return "\n\n".join(parts) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _key(written: list[tuple[Notebook, list[ExerciseAnswer]]], where: _Where = _Where()) -> str:
    present = {nb.file for nb, _found in written}
    parts = [
        "<!-- "
        + _(
            "Generated from {source} by `{command}`: edit the notebooks, not this file.",
            source=where.source + "*.ipynb",
            command=where.command,
        )
        + " -->",
        _("# Answer key"),
        _(
            "Every exercise of the course with its right answer, in course order. Each notebook's "
            "page shows the answers in place, after the exercise, with the explanations."
        ),
    ]
    for nb, found in written:
        lines = [f"## [{nb.label}]({instructor_file(nb)})"]
        if not found:
            lines.append(_("No exercises."))
        for a in found:
            slug = a.exercise.misconception
            meets = " · " + _("misconception `{slug}`", slug=slug) if slug else ""
            lines.append(
                f"[**{a.label}**]({instructor_file(nb)}#{a.anchor}) `{a.exercise.id}` "
                f"{_one_line(_md(a.exercise.question))}  \n"
                + _("**Answer:** {answer}", answer=_one_line(_md(a.answer)))
                + meets
            )
        parts.append("\n\n".join(lines))
    missing = [nb for nb in NOTEBOOKS if nb.file not in present]
    if missing:
        parts.append(
            _("Not written yet: {notebooks}.", notebooks=", ".join(nb.label for nb in missing))
        )
    met: dict[str, list[str]] = {}
    for _nb, found in written:
        for a in found:
            if a.exercise.misconception:
                met.setdefault(a.exercise.misconception, []).append(
                    f"[{a.label}]({instructor_file(a.notebook)}#{a.anchor})"
                )
    rows = [_("## Misconceptions and the exercises that meet them"), "",
            _("| misconception | belief | truth | exercises |"), "|---|---|---|---|"]  # fmt: skip
    for slug, m in MISCONCEPTIONS.items():
        rows.append(
            f"| `{slug}` | {translate(m.belief)} | {translate(m.truth)} | "
            f"{', '.join(met.get(slug, [])) or _('none yet')} |"
        )
    parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"


def instructor_view(notebooks_dir: Path | str, outdir: Path | str | None = None) -> dict[str, str]:
    """The instructor view of the notebooks that exist: file name -> Markdown text, in the
    learner's language (:mod:`layerlab.i18n`: ``LAYERLAB_LANG=ko`` writes a Korean one),
    linking from ``outdir`` (default: ``instructor/`` beside ``notebooks/``)."""
    notebooks_dir = Path(notebooks_dir)
    where = _where(notebooks_dir, Path(outdir)) if outdir is not None else _Where()
    files: dict[str, str] = {}
    written: list[tuple[Notebook, list[ExerciseAnswer]]] = []
    for nb in NOTEBOOKS:
        path = notebooks_dir / nb.file
        if not path.exists():
            continue
        cells = read_cells(path)
        found = answers(nb, cells)
        files[instructor_file(nb)] = _page(nb, cells, found, where)
        written.append((nb, found))
    files[ANSWER_KEY] = _key(written, where)
    return files


def _where(notebooks_dir: Path, outdir: Path) -> _Where:
    """Links from ``outdir`` to ``notebooks_dir`` (``instructor/ko/`` beside ``notebooks/ko/``:
    ``../../notebooks/ko/``); the default folders give the default view."""
    link = Path(os.path.relpath(notebooks_dir.resolve(), outdir.resolve())).as_posix() + "/"
    try:
        source = notebooks_dir.resolve().relative_to(Path.cwd().resolve()).as_posix() + "/"
        out = outdir.resolve().relative_to(Path.cwd().resolve()).as_posix() + "/"
    except ValueError:  # outside the working directory: name the folders as given
        source, out = notebooks_dir.as_posix() + "/", outdir.as_posix() + "/"
    code = language()
    if source == _Where.source and out == "instructor/" and code == "en":
        return _Where(link=link)
    command = f"layerlab course instructor {out}"
    if source != _Where.source:
        command += f" --notebooks {source.rstrip('/')}"
    if code != "en":
        command = f"LAYERLAB_LANG={code} {command}"
    return _Where(link=link, source=source, command=command)


def write_instructor_view(notebooks_dir: Path | str, outdir: Path | str) -> list[Path]:
    """Write the view into ``outdir``; remove generated pages of notebooks that are gone."""
    outdir = Path(outdir)
    files = instructor_view(notebooks_dir, outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for stale in outdir.iterdir():
        if _GENERATED.match(stale.name) and stale.name not in files:
            stale.unlink()
    written = []
    for name, text in files.items():
        path = outdir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
