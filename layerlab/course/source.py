"""The course's notebooks read as source: cells, links and the exercises they pose.

The course checks and the instructor view both need to know what a notebook *says*
without running it. Notebooks are read as plain JSON; code cells are parsed with
:mod:`ast` after IPython's magics are blanked out, so an ``exercise("04-chmod")`` call is
found by its syntax, never by a regular expression over code.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from layerlab.i18n import _
from layerlab.model.errors import LayerlabError

__all__ = [
    "EXERCISE_FUNCTION",
    "EXERCISE_MODULES",
    "INLINE_KINDS",
    "Cell",
    "CourseSourceError",
    "ExerciseCall",
    "exercise_calls",
    "inline_exercises",
    "markdown_lines",
    "markdown_links",
    "python_source",
    "read_cells",
]

#: The function a notebook poses an exercise with: ``exercise("04-chmod", lab=lab)``.
EXERCISE_FUNCTION = "exercise"
#: Where a notebook imports it from.
EXERCISE_MODULES = ("layerlab.widgets", "layerlab.widgets.exercise")
#: Exercise classes that would put a question and its answer into a notebook's own code.
INLINE_KINDS = ("MultipleChoice", "ShortAnswer")

# [text](target) and <a href="target"> / <img src="target">; a target has no spaces.
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


class CourseSourceError(LayerlabError):
    """A notebook that cannot be read as course source (bad JSON, a cell that does not parse)."""


@dataclass(frozen=True)
class Cell:
    """One notebook cell: its 0-based position, ``code``/``markdown``/``raw``, its text."""

    index: int
    kind: str
    source: str


@dataclass(frozen=True)
class ExerciseCall:
    """``exercise("04-chmod", result=chmod)`` as written in a code cell.

    ``exercise_id`` is the id when it is a string literal (else None, with ``id_source``
    the code that computes it); ``objects`` are the names of the keyword arguments, the
    objects the exercise's proof is given.
    """

    exercise_id: str | None
    cell: int
    line: int
    objects: tuple[str, ...] = ()
    id_source: str = ""

    @property
    def where(self) -> str:
        return _("cell {cell}, line {line}", cell=self.cell, line=self.line)


def read_cells(path: Path | str) -> list[Cell]:
    """The cells of an ``.ipynb`` file, in order."""
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
        return [
            Cell(i, str(c["cell_type"]), _joined(c.get("source", ""))) for i, c in enumerate(cells)
        ]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CourseSourceError(
            _("{name}: not a readable notebook ({error})", name=path.name, error=err)
        ) from None


def _joined(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def python_source(code: str) -> str | None:
    """A code cell as plain Python; ``None`` for a cell magic (``%%...``), which is not Python.

    A cell that parses as it is stays as it is. Otherwise its IPython line magics and shell
    escapes (lines starting with ``%`` or ``!``) become blank lines, keeping line numbers.
    """
    first = next((line.strip() for line in code.split("\n") if line.strip()), "")
    if first.startswith("%%"):
        return None
    try:
        ast.parse(code)
        return code
    except SyntaxError:
        pass
    return "\n".join(
        "" if line.strip().startswith(("%", "!")) else line for line in code.split("\n")
    )


def _parsed(cells: list[Cell], name: str) -> list[tuple[Cell, str, ast.Module]]:
    """Every Python code cell with its source and syntax tree; ``name`` labels errors."""
    parsed = []
    for cell in cells:
        if cell.kind != "code":
            continue
        source = python_source(cell.source)
        if source is None:
            continue
        try:
            parsed.append((cell, source, ast.parse(source)))
        except SyntaxError as err:
            raise CourseSourceError(
                _(
                    "{name}: cell {cell} is not valid Python (line {line}: {error})",
                    name=name,
                    cell=cell.index,
                    line=err.lineno,
                    error=err.msg,
                )
            ) from None
    return parsed


def _exercise_names(trees: list[ast.Module]) -> set[str]:
    """Local names that mean :data:`EXERCISE_FUNCTION`: its own name, and ``as`` aliases of it
    imported from one of :data:`EXERCISE_MODULES`."""
    names = {EXERCISE_FUNCTION}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in EXERCISE_MODULES:
                for alias in node.names:
                    if alias.name == EXERCISE_FUNCTION and alias.asname:
                        names.add(alias.asname)
    return names


def _calls(tree: ast.Module, wanted: set[str] | tuple[str, ...]) -> list[ast.Call]:
    """Calls of a bare name in ``wanted`` (or an attribute of that name), in source order."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        if name in wanted:
            found.append(node)
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def exercise_calls(cells: list[Cell], name: str = "notebook") -> list[ExerciseCall]:
    """Every ``exercise(...)`` call in the code cells, in order; ``name`` labels errors."""
    parsed = _parsed(cells, name)
    names = _exercise_names([tree for _, _, tree in parsed])
    calls: list[ExerciseCall] = []
    for cell, source, tree in parsed:
        for node in _calls(tree, names):
            where = f"{name}: " + _("cell {cell}, line {line}", cell=cell.index, line=node.lineno)
            if len(node.args) != 1 or any(isinstance(a, ast.Starred) for a in node.args):
                raise CourseSourceError(
                    _('{where}: exercise(...) takes one id, like exercise("04-chmod")', where=where)
                )
            if any(k.arg is None for k in node.keywords):
                raise CourseSourceError(
                    _("{where}: exercise(...) with **objects cannot be read", where=where)
                )
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            calls.append(
                ExerciseCall(
                    first.value if literal else None,  # type: ignore[union-attr]
                    cell.index,
                    node.lineno,
                    tuple(k.arg for k in node.keywords if k.arg),
                    ""
                    if literal
                    else (ast.get_source_segment(source, first) or ast.unparse(first)),
                )
            )
    return calls


def inline_exercises(cells: list[Cell], name: str = "notebook") -> list[str]:
    """Where a code cell builds an exercise itself (``MultipleChoice(...)``), putting its
    answer on the page: "cell N, line L: MultipleChoice(...)" for each."""
    return [
        _("cell {cell}, line {line}", cell=cell.index, line=node.lineno)
        + f": {node.func.id if isinstance(node.func, ast.Name) else node.func.attr}(...)"  # type: ignore[union-attr]
        for cell, _source, tree in _parsed(cells, name)
        for node in _calls(tree, INLINE_KINDS)
    ]


def markdown_lines(text: str) -> list[tuple[str, bool]]:
    """Each line of Markdown text, and whether it is code: a fence or a line inside one."""
    lines = []
    in_fence = False
    for line in text.split("\n"):
        fence = bool(_FENCE.match(line))
        if fence:
            in_fence = not in_fence
        lines.append((line, fence or in_fence))
    return lines


def markdown_links(text: str) -> list[str]:
    """Link targets in Markdown text (``[x](target)``, ``href=``, ``src=``), outside code."""
    prose = [re.sub(r"`[^`]*`", "", line) for line, code in markdown_lines(text) if not code]
    body = "\n".join(prose)
    found = [(m.start(), m.group(1)) for m in _MD_LINK.finditer(body)]
    found += [(m.start(), m.group(1)) for m in _HTML_LINK.finditer(body)]
    return [target for _, target in sorted(found)]
