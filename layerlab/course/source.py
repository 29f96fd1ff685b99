"""The course's notebooks read as source: cells, links and the exercises they pose.

The course checks and the instructor view both need to know what a notebook *says*
without running it. Notebooks are read as plain JSON; code cells are parsed with
:mod:`ast` after IPython's magics are blanked out, so an exercise call is found by its
syntax, never by a regular expression over code.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from dataclasses import dataclass
from pathlib import Path

from layerlab.model.errors import LayerlabError

from . import exercise

__all__ = [
    "EXERCISE_KINDS",
    "EXERCISE_MODULES",
    "Argument",
    "Cell",
    "CourseSourceError",
    "ExerciseCall",
    "exercise_calls",
    "markdown_lines",
    "markdown_links",
    "python_source",
    "read_cells",
]

#: The exercise classes a notebook may call (their arguments are those of
#: :mod:`layerlab.course.exercise`'s classes).
EXERCISE_KINDS = ("MultipleChoice", "ShortAnswer")
#: Where a notebook imports them from: the widgets that show them, or the plain logic.
EXERCISE_MODULES = ("layerlab.widgets", "layerlab.widgets.exercise", "layerlab.course.exercise")

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
class Argument:
    """One argument of an exercise call: its source text and, if it is a literal, its value."""

    source: str
    value: object = None
    literal: bool = False


@dataclass(frozen=True)
class ExerciseCall:
    """``MultipleChoice(...)`` or ``ShortAnswer(...)`` as written in a code cell.

    ``arguments`` maps each parameter name of the class (positional arguments bound to
    their names) to what was passed.
    """

    kind: str
    cell: int
    line: int
    arguments: dict[str, Argument]

    def literal(self, name: str, default: object = None) -> object:
        """The literal value passed as ``name``, else ``default``."""
        arg = self.arguments.get(name)
        return arg.value if arg is not None and arg.literal else default

    @property
    def where(self) -> str:
        return f"cell {self.cell}, line {self.line}"


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
        raise CourseSourceError(f"{path.name}: not a readable notebook ({err})") from None


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


def _exercise_names(trees: list[ast.Module]) -> dict[str, str]:
    """Local names that mean an exercise class: the class names, and ``as`` aliases of
    them imported from one of :data:`EXERCISE_MODULES`."""
    names = {kind: kind for kind in EXERCISE_KINDS}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in EXERCISE_MODULES:
                for alias in node.names:
                    if alias.name in EXERCISE_KINDS and alias.asname:
                        names[alias.asname] = alias.name
    return names


def _kind(func: ast.expr, names: dict[str, str]) -> str | None:
    if isinstance(func, ast.Name):
        return names.get(func.id)
    if isinstance(func, ast.Attribute) and func.attr in EXERCISE_KINDS:
        return func.attr
    return None


def _argument(node: ast.expr, source: str) -> Argument:
    text = ast.get_source_segment(source, node) or ast.unparse(node)
    try:
        return Argument(text, ast.literal_eval(node), True)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Argument(text)


def _bind(kind: str, call: ast.Call, source: str, where: str) -> dict[str, Argument]:
    """The call's arguments bound to the parameter names of the exercise class."""
    signature = inspect.signature(getattr(exercise, kind))
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        raise CourseSourceError(f"{where}: {kind}(...) with *args or **kwargs cannot be read")
    args = [_argument(a, source) for a in call.args]
    kwargs = {k.arg: _argument(k.value, source) for k in call.keywords if k.arg}
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as err:
        raise CourseSourceError(f"{where}: {kind}(...) has wrong arguments: {err}") from None
    return dict(bound.arguments)


def exercise_calls(cells: list[Cell], name: str = "notebook") -> list[ExerciseCall]:
    """Every exercise call in the code cells, in order; ``name`` labels errors."""
    parsed: list[tuple[Cell, str, ast.Module]] = []
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
                f"{name}: cell {cell.index} is not valid Python (line {err.lineno}: {err.msg})"
            ) from None
    names = _exercise_names([tree for _, _, tree in parsed])
    calls: list[ExerciseCall] = []
    for cell, source, tree in parsed:
        nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _kind(n.func, names)]
        for node in sorted(nodes, key=lambda n: (n.lineno, n.col_offset)):
            kind = _kind(node.func, names)
            assert kind is not None
            where = f"{name}: cell {cell.index}, line {node.lineno}"
            arguments = _bind(kind, node, source, where)
            calls.append(ExerciseCall(kind, cell.index, node.lineno, arguments))
    return calls


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
