"""The instructor view: every notebook's text and code with each exercise's answer after it.

Generated from the notebooks themselves, so it never drifts from what learners see.
Answers are read, not run: each exercise call's arguments are evaluated with
:func:`ast.literal_eval` and handed to the real exercise class, so the answer shown is
the one ``check`` accepts (an option given by index is shown as its text), and an
exercise that would fail in the notebook fails here too. Nothing in a notebook is
executed; an argument that is not a literal (a computed answer, a custom checker) is
shown as the source code that computes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import MISCONCEPTIONS, NOTEBOOKS, Notebook, exercise
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
_CALLABLES = ("check", "normalise")  # functions: shown as code, never evaluated
_MD_TARGET = re.compile(r"(\]\(\s*<?)([^)\s>]+)")
_HTML_TARGET = re.compile(r"""(\b(?:href|src)\s*=\s*["'])([^"']+)""")


@dataclass(frozen=True)
class ExerciseAnswer:
    """What an instructor needs about one exercise. Computed values are given as code."""

    notebook: Notebook
    number: int
    call: ExerciseCall
    question: str
    answer: str
    explanation: str
    options: tuple[str, ...] = ()
    answer_index: int | None = None
    accepted: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    custom_check: str | None = None
    misconception: str | None = None
    computed: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return f"{self.notebook.number:02d}.{self.number}"

    @property
    def anchor(self) -> str:
        """The answer's anchor on its notebook's page."""
        return f"exercise-{self.notebook.number:02d}-{self.number}"


def instructor_file(notebook: Notebook) -> str:
    """The instructor view's file name for a notebook: ``NN-name.md``."""
    return notebook.file.removesuffix(".ipynb") + ".md"


def _answer(notebook: Notebook, number: int, call: ExerciseCall) -> ExerciseAnswer:
    """The answer to one exercise call: read from its literals, or partly shown as code."""
    computed = tuple(
        name for name, arg in call.arguments.items() if not arg.literal and name not in _CALLABLES
    )
    if computed:
        return _partly_computed(notebook, number, call, computed)
    kwargs = {name: arg.value for name, arg in call.arguments.items() if name not in _CALLABLES}
    try:
        ex = getattr(exercise, call.kind)(**kwargs)
    except (ValueError, TypeError) as err:
        raise CourseSourceError(
            f"{notebook.file}: {call.where}: {call.kind}(...) is not a valid exercise: {err}"
        ) from None
    if isinstance(ex, exercise.MultipleChoice):
        hints = tuple(f"{ex.options[i]}: {h}" for i, h in sorted(ex.hints.items()))
        return ExerciseAnswer(
            notebook, number, call, ex.question, ex.answer_text, ex.explanation,
            options=ex.options, answer_index=ex.answer_index, hints=hints,
            misconception=ex.misconception,
        )  # fmt: skip
    assert isinstance(ex, exercise.ShortAnswer)
    return ExerciseAnswer(
        notebook, number, call, ex.question, ex.answer_text, ex.explanation,
        accepted=ex.accept, hints=(ex.hint,) if ex.hint else (), custom_check=_custom_check(call),
        misconception=ex.misconception,
    )  # fmt: skip


def _custom_check(call: ExerciseCall) -> str | None:
    """The source of a custom ``check=`` function, if the call passes one."""
    check = call.arguments.get("check")
    return check.source if check is not None and not check.literal else None


def _partly_computed(
    notebook: Notebook, number: int, call: ExerciseCall, computed: tuple[str, ...]
) -> ExerciseAnswer:
    """An exercise whose question, answer or options the notebook computes when it runs:
    what is literal is shown as it is, the rest as the code that computes it."""

    def text(name: str) -> str:
        arg = call.arguments.get(name)
        if arg is None:
            return ""
        return str(arg.value) if arg.literal else f"computed in the notebook: `{arg.source}`"

    options = call.literal("options", ())
    misconception = call.literal("misconception")
    return ExerciseAnswer(
        notebook, number, call, text("question"), text("answer"), text("explanation"),
        options=tuple(map(str, options)) if isinstance(options, (list, tuple)) else (),
        custom_check=_custom_check(call),
        misconception=misconception if isinstance(misconception, str) else None,
        computed=computed,
    )  # fmt: skip


def answers(notebook: Notebook, cells: list[Cell]) -> list[ExerciseAnswer]:
    """The answers to a notebook's exercises, in order."""
    calls = exercise_calls(cells, notebook.file)
    return [_answer(notebook, i, call) for i, call in enumerate(calls, 1)]


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))


def _answer_block(a: ExerciseAnswer) -> str:
    kind = "multiple choice" if a.call.kind == "MultipleChoice" else "short answer"
    parts = [f'<a id="{a.anchor}"></a>**Answer to exercise {a.label}** ({kind})']
    if a.misconception:
        m = MISCONCEPTIONS.get(a.misconception)
        belief = f": “{m.belief}”" if m else " (not a known misconception)"
        parts.append(f"Confronts the misconception `{a.misconception}`{belief}.")
    parts.append(f"**Question:** {a.question}")
    if a.options:
        parts.append(
            "\n".join(
                f"{i}. {'✓ **' + o + '**' if i == a.answer_index else o}"
                for i, o in enumerate(a.options)
            )
        )
    if a.answer_index is not None:
        parts.append(f"**Right answer:** option {a.answer_index}, {a.answer}")
    else:
        parts.append(f"**Right answer:** {a.answer}")
    if a.accepted:
        parts.append("Also accepted: " + ", ".join(f"`{s}`" for s in a.accepted))
    if a.custom_check:
        parts.append(f"Other answers are judged by a custom check: `{a.custom_check}`")
    parts.append(f"**Explanation:** {a.explanation}")
    if a.hints:
        label = "Hints for wrong options" if a.options else "Hint after a wrong answer"
        parts.append(f"{label}:\n" + "\n".join(f"- {h}" for h in a.hints))
    if a.computed:
        parts.append("Computed when the notebook runs: " + ", ".join(f"`{n}`" for n in a.computed))
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
            answer = (
                f"option {a.answer_index}, {a.answer}" if a.answer_index is not None else a.answer
            )
            meets = f" · misconception `{a.misconception}`" if a.misconception else ""
            lines.append(
                f"[**{a.label}**]({instructor_file(nb)}#{a.anchor}) {_one_line(a.question)}  \n"
                f"**Answer:** {_one_line(answer)}{meets}"
            )
        parts.append("\n\n".join(lines))
    missing = [nb for nb in NOTEBOOKS if nb.file not in present]
    if missing:
        parts.append("Not written yet: " + ", ".join(nb.label for nb in missing) + ".")
    met: dict[str, list[str]] = {}
    for _, found in written:
        for a in found:
            if a.misconception:
                met.setdefault(a.misconception, []).append(
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
