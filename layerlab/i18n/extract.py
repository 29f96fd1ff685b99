"""The sentences a Python source file marks for the catalogue, read from its syntax tree.

A sentence is marked by ``_("...")``, ``N_("...")`` or as a value of ``Texts({...})``;
adjacent literals count as one. A marked f-string is an error: its text changes at run
time, so no catalogue entry could match it (write ``_("... {name} ...", name=value)``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Marked", "MarkingError", "marked_in"]

_MARKERS = {"_", "N_"}


@dataclass(frozen=True)
class Marked:
    text: str
    path: Path
    line: int


class MarkingError(ValueError):
    """A marked sentence the catalogue cannot hold (an f-string, a variable)."""


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _literal(node: ast.expr, path: Path) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    raise MarkingError(
        f"{path}:{node.lineno}: a marked sentence must be a plain string literal, not "
        f"{type(node).__name__} (use _('... {{name}} ...', name=value))"
    )


def marked_in(path: Path) -> Iterator[Marked]:
    """Every marked sentence of the Python file ``path``, in source order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Marked] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in _MARKERS and node.args:
            found.append(Marked(_literal(node.args[0], path), path, node.lineno))
        elif name == "Texts" and node.args and isinstance(node.args[0], ast.Dict):
            found += [Marked(_literal(v, path), path, v.lineno) for v in node.args[0].values]
    yield from sorted(found, key=lambda m: m.line)
