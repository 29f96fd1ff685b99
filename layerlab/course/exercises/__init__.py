"""Every exercise of the course, as data: one module per notebook (``nb00`` ... ``nb08``).

An exercise's question, options, answer, a hint for every wrong option, explanation, the
misconception it meets and what proves the answer (:class:`~layerlab.course.proof.Proof`)
live here, in one place: the notebook shows it with ``exercise("04-chmod")``, the instructor
view and the answer key are written from it, and the course tests check it (every
misconception met, every exercise used once, in its own notebook).
"""

from __future__ import annotations

from layerlab.i18n import Texts
from layerlab.model.errors import LayerlabError

from ..exercise import Exercise
from . import nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08

__all__ = ["EXERCISES", "UnknownExercise", "find", "of_notebook"]

#: What :func:`find` says about an id it does not know.
MESSAGES = Texts({
    "unknown": "There is no exercise {given!r}. {where}",
    "same_notebook": "Notebook {number:02d}'s exercises are: {ids}.",
    "all": "Exercise ids are like '04-chmod' (notebook number, then words); the course has: {ids}.",
    "not_text": "An exercise id is text like '04-chmod', not {kind}.",
})

_MODULES = (nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08)


class UnknownExercise(LayerlabError):
    """An id that names no exercise of the course."""


def _collect() -> dict[str, Exercise]:
    found: dict[str, Exercise] = {}
    for number, module in enumerate(_MODULES):
        for ex in module.EXERCISES:
            if ex.id is None or ex.notebook_number != number:
                raise ValueError(
                    f"{module.__name__}: exercise {ex.id!r} must start with {number:02d}-"
                )
            if ex.id in found:
                raise ValueError(f"{module.__name__}: exercise id {ex.id!r} is used twice")
            found[ex.id] = ex
    return found


#: Every exercise by id, in course order.
EXERCISES: dict[str, Exercise] = _collect()


def of_notebook(number: int) -> list[Exercise]:
    """The exercises of notebook ``number``, in the order they are asked."""
    return [ex for ex in EXERCISES.values() if ex.notebook_number == number]


def find(exercise_id: object) -> Exercise:
    """The exercise named ``exercise_id``; :class:`UnknownExercise` says which ids exist."""
    if not isinstance(exercise_id, str):
        raise UnknownExercise(MESSAGES["not_text"].format(kind=type(exercise_id).__name__))
    wanted = exercise_id.strip()
    if wanted in EXERCISES:
        return EXERCISES[wanted]
    same = [ex.id for ex in EXERCISES.values() if ex.id and ex.id[:3] == wanted[:3]]
    if same and wanted[:2].isdigit():
        where = MESSAGES["same_notebook"].format(
            number=int(wanted[:2]), ids=", ".join(map(str, same))
        )
    else:
        where = MESSAGES["all"].format(ids=", ".join(EXERCISES))
    raise UnknownExercise(MESSAGES["unknown"].format(given=exercise_id, where=where))
