"""What proves an exercise's answer: the model's own output, shown once the learner has predicted.

A learner commits to an answer first; only then does the exercise show what the model says
(the picture, the table, what a command prints), so that Run All never puts the answer on
screen beside the question. A :class:`Proof` is data: a title, the names of the notebook
objects it needs (``exercise("04-chmod", result=chmod)``), and a small function that turns
those objects into :data:`Part`\\ s. Nothing here knows how the parts are drawn: the exercise
widget does that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Union, runtime_checkable

from layerlab.i18n import Texts
from layerlab.model.errors import LayerlabError

__all__ = [
    "MESSAGES",
    "Part",
    "Picture",
    "Printed",
    "Proof",
    "ProofError",
    "Said",
    "Table",
    "expect",
]

#: Every sentence this module says to a learner or an author, in one place.
MESSAGES = Texts({
    "missing": "To check with the model, this exercise needs {names} from the notebook: pass "
               "{calls} (and run the cells above first).",
    "unknown": "This exercise does not use {names}; it uses {known}.",
    "uses_nothing": "This exercise does not use {names}; it needs no objects from the notebook.",
    "mismatch": "The course's text and the model disagree: {what}.",
})  # fmt: skip


class ProofError(LayerlabError):
    """A proof that cannot be shown: objects missing, or the course text and the model disagree."""


@runtime_checkable
class Picture(Protocol):
    """A picture of :mod:`layerlab.render` (anything that renders itself as HTML)."""

    def to_html(self) -> str: ...  # pragma: no cover - protocol


@dataclass(frozen=True)
class Said:
    """Prose: sentences, ``code`` in backticks, ``**bold**``, and lines starting ``- `` as a list."""

    text: str


@dataclass(frozen=True)
class Printed:
    """What a command printed, shown as it is (monospace, no wrapping of its columns)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A small table: text columns left-aligned, ``int`` cells right-aligned with separators."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {row!r} has {len(row)} cells for {len(self.columns)} columns"
                )


Part = Union[Said, Printed, Table, Picture]


@dataclass(frozen=True)
class Proof:
    """How to show what proves an answer: ``show(**objects)`` gives the parts, in order.

    ``needs`` names the objects the notebook passes (``exercise(id, lab=lab)``); a proof that
    needs none computes everything from course data.
    """

    title: str
    show: Callable[..., Sequence[Part]]
    needs: tuple[str, ...] = field(default=())

    def parts(self, objects: Mapping[str, Any]) -> list[Part]:
        """The parts for the notebook's ``objects``; :class:`ProofError` if they do not fit."""
        unknown = sorted(set(objects) - set(self.needs))
        if unknown:
            key = "unknown" if self.needs else "uses_nothing"
            raise ProofError(MESSAGES[key].format(names=_names(unknown), known=_names(self.needs)))
        missing = [name for name in self.needs if name not in objects]
        if missing:
            calls = ", ".join(f"{name}=..." for name in missing)
            raise ProofError(MESSAGES["missing"].format(names=_names(missing), calls=calls))
        return list(self.show(**{name: objects[name] for name in self.needs}))


def expect(holds: bool, what: str) -> None:
    """Stop the proof when the course's text says something the model does not (``what``)."""
    if not holds:
        raise ProofError(MESSAGES["mismatch"].format(what=what))


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)
