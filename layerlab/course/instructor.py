"""The instructor view: every notebook's text and code with each exercise's answer after it.

Generated from the notebooks and the course data together, so it never drifts from what
learners see: each ``exercise("04-chmod")`` call a notebook makes is found by its syntax
(nothing in a notebook is executed) and answered from :mod:`layerlab.course.exercises`,
the same objects the widget checks against: question, options, right answer, the hint for
every wrong option, explanation, the misconception met and what proves the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
            return f"option {ex.answer_index}, {ex.answer}"
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
                f"{where}: exercise({call.id_source}) names no id the course can read"
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
    kind = "multiple choice" if isinstance(ex, MultipleChoice) else "short answer"
    parts = [f'<a id="{a.anchor}"></a>**Answer to exercise {a.label}** (`{ex.id}`, {kind})']
    if ex.misconception:
        m = MISCONCEPTIONS[ex.misconception]
        parts.append(f"Confronts the misconception `{ex.misconception}`: “{m.belief}”.")
    parts.append(f"**Question:** {_md(ex.question)}")
    if isinstance(ex, MultipleChoice):
        parts.append(
            "\n".join(
                f"{i}. {'✓ **' + _md(o) + '**' if i == ex.answer_index else _md(o)}"
                for i, o in enumerate(ex.options)
            )
        )
    parts.append(f"**Right answer:** {_md(a.answer)}")
    if isinstance(ex, ShortAnswer) and ex.accept:
        parts.append("Also accepted: " + ", ".join(f"`{s}`" for s in ex.accept))
    parts.append(f"**Explanation:** {_md(ex.explanation)}")
    hints = _hints(ex)
    if hints:
        label = (
            "Hints for wrong options"
            if isinstance(ex, MultipleChoice)
            else "Hint after a wrong answer"
        )
        parts.append(f"{label}:\n" + "\n".join(f"- {h}" for h in hints))
    if ex.proof is not None:
        given = ", ".join(f"`{n}`" for n in ex.proof.needs)
        made = f" (from the notebook's {given})" if given else ""
        parts.append(f"**What proves it** (shown after an attempt): {_md(ex.proof.title)}{made}.")
    return _quote("\n\n".join(parts))


def _fence(code: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}python\n{code.rstrip()}\n{ticks}"


def _retarget(target: str) -> str:
    """A notebook's relative link as seen from ``instructor/``."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return target
    path, sep, anchor = target.partition("#")
    for nb in NOTEBOOKS:
        if path == nb.file:
            return instructor_file(nb) + sep + anchor
    return "../notebooks/" + target


def _relink(markdown: str) -> str:
    """Rewrite relative link targets in prose (not in code) for the instructor folder."""
    out = []
    for line, code in markdown_lines(markdown):
        if code:
            out.append(line)
            continue
        pieces = re.split(r"(`[^`]*`)", line)
        for i in range(0, len(pieces), 2):
            piece = _MD_TARGET.sub(lambda m: m.group(1) + _retarget(m.group(2)), pieces[i])
            pieces[i] = _HTML_TARGET.sub(lambda m: m.group(1) + _retarget(m.group(2)), piece)
        out.append("".join(pieces))
    return "\n".join(out)


def _page(notebook: Notebook, cells: list[Cell], found: list[ExerciseAnswer]) -> str:
    by_cell: dict[int, list[ExerciseAnswer]] = {}
    for a in found:
        by_cell.setdefault(a.call.cell, []).append(a)
    parts = [
        f"<!-- Generated from notebooks/{notebook.file} by `{COMMAND}`: edit the notebook, "
        "not this file. -->",
        f"> **Instructor view** of [{notebook.label}](../notebooks/{notebook.file}): the "
        "notebook's text and code, with the answer after each exercise. All answers: "
        f"[{ANSWER_KEY}]({ANSWER_KEY}).",
    ]
    for cell in cells:
        if not cell.source.strip():
            continue
        if cell.kind == "markdown":
            parts.append(_relink(cell.source.strip("\n")))
        elif cell.kind == "code":
            parts.append(_fence(cell.source))
            parts.extend(_answer_block(a) for a in by_cell.get(cell.index, []))
    return "\n\n".join(parts) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _key(written: list[tuple[Notebook, list[ExerciseAnswer]]]) -> str:
    present = {nb.file for nb, _ in written}
    parts = [
        f"<!-- Generated from notebooks/*.ipynb by `{COMMAND}`: edit the notebooks, "
        "not this file. -->",
        "# Answer key",
        "Every exercise of the course with its right answer, in course order. Each notebook's "
        "page shows the answers in place, after the exercise, with the explanations.",
    ]
    for nb, found in written:
        lines = [f"## [{nb.label}]({instructor_file(nb)})"]
        if not found:
            lines.append("No exercises.")
        for a in found:
            slug = a.exercise.misconception
            meets = f" · misconception `{slug}`" if slug else ""
            lines.append(
                f"[**{a.label}**]({instructor_file(nb)}#{a.anchor}) `{a.exercise.id}` "
                f"{_one_line(_md(a.exercise.question))}  \n**Answer:** {_one_line(_md(a.answer))}{meets}"
            )
        parts.append("\n\n".join(lines))
    missing = [nb for nb in NOTEBOOKS if nb.file not in present]
    if missing:
        parts.append("Not written yet: " + ", ".join(nb.label for nb in missing) + ".")
    met: dict[str, list[str]] = {}
    for _, found in written:
        for a in found:
            if a.exercise.misconception:
                met.setdefault(a.exercise.misconception, []).append(
                    f"[{a.label}]({instructor_file(a.notebook)}#{a.anchor})"
                )
    rows = ["## Misconceptions and the exercises that meet them", "",
            "| misconception | belief | truth | exercises |", "|---|---|---|---|"]  # fmt: skip
    for slug, m in MISCONCEPTIONS.items():
        rows.append(
            f"| `{slug}` | {m.belief} | {m.truth} | {', '.join(met.get(slug, [])) or 'none yet'} |"
        )
    parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"


def instructor_view(notebooks_dir: Path | str) -> dict[str, str]:
    """The instructor view of the notebooks that exist: file name -> Markdown text."""
    notebooks_dir = Path(notebooks_dir)
    files: dict[str, str] = {}
    written: list[tuple[Notebook, list[ExerciseAnswer]]] = []
    for nb in NOTEBOOKS:
        path = notebooks_dir / nb.file
        if not path.exists():
            continue
        cells = read_cells(path)
        found = answers(nb, cells)
        files[instructor_file(nb)] = _page(nb, cells, found)
        written.append((nb, found))
    files[ANSWER_KEY] = _key(written)
    return files


def write_instructor_view(notebooks_dir: Path | str, outdir: Path | str) -> list[Path]:
    """Write the view into ``outdir``; remove generated pages of notebooks that are gone."""
    files = instructor_view(notebooks_dir)
    outdir = Path(outdir)
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
