"""Predict-then-check exercises, as plain logic.

A notebook asks a question *before* it shows the answer: the learner commits to a
prediction, then the model proves or disproves it. This module holds only the checking
logic, so it can be tested without Jupyter and knows nothing of how it is shown. The
course's own exercises are data in :mod:`layerlab.course.exercises`, each with an ``id``
(``"04-chmod"``) and a :class:`~layerlab.course.proof.Proof`; a notebook shows one with
``exercise("04-chmod")`` from :mod:`layerlab.widgets`. ``check`` never raises on learner
input: whatever is typed or clicked comes back as a :class:`Feedback` that says what was
wrong and what is expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Union

from layerlab.i18n import Texts, translate

from . import MISCONCEPTIONS
from .proof import Proof

__all__ = ["MESSAGES", "Exercise", "Feedback", "MultipleChoice", "ShortAnswer", "normalise_text"]

#: Every sentence a learner or an author reads from this module, in one place.
MESSAGES = Texts({
    "correct": "Correct!",
    "wrong_option": "Not quite: try another option.",
    "wrong_text": "Not quite: try again.",
    "wrong_hint": "Not quite. {hint}",
    "choose_first": "Choose one of the options first, then press Check.",
    "not_an_option": "{given} is not one of the options: choose one of the {n} options "
                     "(or give its number 0–{last}).",
    "type_first": "Type an answer first, then press Check or Enter.",
    "not_typed": "Expected a typed answer (text or a number), got {kind}.",
    "broken": "Could not check {given}: the exercise's {part} failed ({error}). "
              "This is a bug in the exercise, not your answer.",
    "could_not_check": "Could not check this answer ({error}).",
    "unknown_misconception": "unknown misconception {slug!r}; known: {known}",
    "bad_id": "exercise id {id!r} is not NN-words-with-dashes (like '04-chmod')",
})  # fmt: skip
_ID = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*$")

#: What a custom checker of a :class:`ShortAnswer` may return.
CheckResult = Union[bool, "Feedback", str, None]

_SPACES = re.compile(r"\s+")
_MAX_ECHO = 60


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: shown to the learner as ✓/✗ plus ``message``."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    @property
    def symbol(self) -> str:
        """✓ or ✗, so every view shows the verdict the same way."""
        return "✓" if self.correct else "✗"


def normalise_text(text: str) -> str:
    """Case-fold, strip and collapse inner whitespace: what a human means is equal."""
    return _SPACES.sub(" ", str(text)).strip().casefold()


def _as_number(text: str) -> float | None:
    """The finite number ``text`` spells (``"3"``, ``" 3.0 "``, ``"1_000"``, ``"1e3"``), else None."""
    try:
        value = float(text.strip())
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _echo(value: object) -> str:
    """A short, safe rendering of what the learner gave, for messages."""
    text = value if isinstance(value, str) else repr(value)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > _MAX_ECHO:
        text = text[: _MAX_ECHO - 1] + "…"
    return repr(text)


def _broken(given: str, part: str, exc: Exception) -> Feedback:
    """The learner's answer could not be judged because the exercise itself failed."""
    error = f"{type(exc).__name__}: {exc}"
    return Feedback(False, MESSAGES["broken"].format(given=_echo(given), part=part, error=error))


def _short(text: str, limit: int = 50) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Exercise:
    """What every exercise has: a question, an explanation and ``check``; the course's own
    also an ``id`` (``"04-chmod"``: notebook number, then words) and a ``proof``.

    Its texts are kept as written (English, the catalogue's source) and read in the
    learner's language (:mod:`layerlab.i18n`)."""

    _question: str
    _explanation: str
    #: Slug of the :data:`layerlab.course.MISCONCEPTIONS` entry this exercise confronts.
    misconception: str | None = None
    id: str | None = None
    #: What proves the answer, shown after the learner's attempt.
    proof: Proof | None = None

    def _set_course_data(
        self, slug: str | None, exercise_id: str | None, proof: Proof | None
    ) -> None:
        if slug is not None and slug not in MISCONCEPTIONS:
            raise ValueError(
                MESSAGES["unknown_misconception"].format(slug=slug, known=", ".join(MISCONCEPTIONS))
            )
        if exercise_id is not None and not _ID.match(exercise_id):
            raise ValueError(MESSAGES["bad_id"].format(id=exercise_id))
        self.misconception = slug
        self.id = exercise_id
        self.proof = proof

    @property
    def question(self) -> str:
        return translate(self._question)

    @property
    def explanation(self) -> str:
        return translate(self._explanation)

    def source_texts(self) -> list[str]:
        """Every text of the exercise as written: what the catalogue translates."""
        return [self._question, self._explanation]

    @property
    def notebook_number(self) -> int | None:
        """The number of the notebook an ``id`` names (``"04-chmod"`` is in notebook 4)."""
        return int(self.id[:2]) if self.id else None

    def check(self, answer: object) -> Feedback:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def answer_text(self) -> str:  # pragma: no cover - interface
        """The right answer, as the "Show answer" button prints it."""
        raise NotImplementedError


class MultipleChoice(Exercise):
    """Pick one of several options; an optional hint per wrong option explains the trap.

    ``answer`` is the right option's text or its 0-based index. ``hints`` maps a wrong
    option (text or index) to what is wrong about it. ``misconception`` names the
    :data:`layerlab.course.MISCONCEPTIONS` entry the question confronts, if any.
    """

    def __init__(
        self,
        question: str,
        options: Sequence[str],
        answer: str | int,
        explanation: str,
        hints: Mapping[str | int, str] | None = None,
        *,
        misconception: str | None = None,
        id: str | None = None,  # noqa: A002 - the exercise's name in the course
        proof: Proof | None = None,
    ) -> None:
        self._set_course_data(misconception, id, proof)
        self._question = str(question)
        self._options: tuple[str, ...] = tuple(str(o) for o in options)
        self._explanation = str(explanation)
        if len(self._options) < 2:
            raise ValueError("a multiple-choice exercise needs at least two options")
        if len(set(self._options)) != len(self._options):
            raise ValueError(f"options must be distinct, got {list(self._options)!r}")
        index = self._index_of(answer)
        if index is None:
            raise ValueError(f"answer {answer!r} is not one of the options {list(self._options)!r}")
        self.answer_index: int = index
        self._hints: dict[int, str] = {}
        for key, hint in (hints or {}).items():
            i = self._index_of(key)
            if i is None:
                raise ValueError(f"hint for {key!r}, which is not one of the options")
            self._hints[i] = str(hint)

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(translate(o) for o in self._options)

    @property
    def hints(self) -> dict[int, str]:
        """What is wrong about each wrong option that has a hint, by its index."""
        return {i: translate(h) for i, h in self._hints.items()}

    def source_texts(self) -> list[str]:
        return [*super().source_texts(), *self._options, *self._hints.values()]

    @property
    def answer(self) -> str:
        return self.options[self.answer_index]

    @property
    def answer_text(self) -> str:
        return self.answer

    def _index_of(self, choice: object) -> int | None:
        """Index of an option given as its index or text (text compared normalised)."""
        if isinstance(choice, bool):
            return None
        if isinstance(choice, int):
            return choice if 0 <= choice < len(self._options) else None
        if isinstance(choice, str):
            wanted = normalise_text(choice)
            for options in (self._options, self.options):  # as written, or as the learner reads it
                for i, option in enumerate(options):
                    if normalise_text(option) == wanted:
                        return i
            if choice.strip().isdecimal():  # "2" typed in code means option 2
                return self._index_of(int(choice.strip()))
        return None

    @property
    def wrong_options(self) -> list[int]:
        """The indexes of every option that is not the answer."""
        return [i for i in range(len(self.options)) if i != self.answer_index]

    def check(self, answer: object) -> Feedback:
        """Feedback on one choice (option text or 0-based index); never raises."""
        try:
            if answer is None or (isinstance(answer, str) and not answer.strip()):
                return Feedback(False, MESSAGES["choose_first"])
            index = self._index_of(answer)
            if index is None:
                n = len(self.options)
                return Feedback(
                    False,
                    MESSAGES["not_an_option"].format(given=_echo(answer), n=n, last=n - 1),
                )
            if index == self.answer_index:
                return Feedback(True, MESSAGES["correct"])
            hint = self.hints.get(index)
            return Feedback(
                False,
                MESSAGES["wrong_hint"].format(hint=hint) if hint else MESSAGES["wrong_option"],
            )
        except Exception as exc:  # noqa: BLE001 - check must never raise
            return Feedback(
                False, MESSAGES["could_not_check"].format(error=f"{type(exc).__name__}: {exc}")
            )

    def __repr__(self) -> str:
        # No answer here: a learner printing the exercise should not see it.
        return (
            f"MultipleChoice(question={_short(self.question)!r}, "
            f"options={list(self.options)!r}, {len(self.hints)} hint(s); "
            f"call .check(option) to answer)"
        )


class ShortAnswer(Exercise):
    """Type a short answer: a word, a path, a number.

    Answers compare after ``normalise`` (default: case, outer whitespace, inner runs of
    whitespace) and numbers compare numerically, so ``"3"`` equals ``"3.0"``. ``accept``
    lists other correct spellings. ``check``, if given, is called with the stripped
    answer when no spelling matched; it returns a bool, a :class:`Feedback` or a message
    string (meaning wrong, with that hint). If it raises, the learner sees a message.
    """

    def __init__(
        self,
        question: str,
        answer: str | float,
        explanation: str,
        *,
        accept: Sequence[str | int | float] = (),
        normalise: Callable[[str], str] = normalise_text,
        check: Callable[[str], CheckResult] | None = None,
        hint: str = "",
        misconception: str | None = None,
        id: str | None = None,  # noqa: A002 - the exercise's name in the course
        proof: Proof | None = None,
    ) -> None:
        self._set_course_data(misconception, id, proof)
        self._question = str(question)
        self.answer = str(answer)
        self._explanation = str(explanation)
        if isinstance(accept, (str, int, float)):  # a lone alternative, not its characters
            accept = (accept,)
        self.accept: tuple[str, ...] = tuple(str(a) for a in accept)
        self.normalise = normalise
        self.custom_check = check
        self._hint = str(hint)
        if not self.answer.strip():
            raise ValueError("a short-answer exercise needs a non-empty answer")

    @property
    def hint(self) -> str:
        return translate(self._hint) if self._hint else ""

    def source_texts(self) -> list[str]:
        return [*super().source_texts(), *([self._hint] if self._hint else [])]

    @property
    def answer_text(self) -> str:
        return self.answer

    def _matches(self, given: str) -> bool:
        given_norm = self.normalise(given)
        given_num = _as_number(given)
        for candidate in (self.answer, *self.accept):
            if self.normalise(candidate) == given_norm:
                return True
            want_num = _as_number(candidate)
            if (
                want_num is not None
                and given_num is not None
                and math.isclose(want_num, given_num, rel_tol=1e-9, abs_tol=1e-12)
            ):
                return True
        return False

    def _wrong(self) -> Feedback:
        hint = self.hint
        return Feedback(
            False, MESSAGES["wrong_hint"].format(hint=hint) if hint else MESSAGES["wrong_text"]
        )

    def check(self, answer: object) -> Feedback:
        """Feedback on one typed answer; never raises."""
        if answer is None or not isinstance(answer, (str, int, float)) or isinstance(answer, bool):
            return Feedback(False, MESSAGES["not_typed"].format(kind=type(answer).__name__))
        text = str(answer).strip()
        if not text:
            return Feedback(False, MESSAGES["type_first"])
        try:
            if self._matches(text):
                return Feedback(True, MESSAGES["correct"])
        except Exception as exc:  # noqa: BLE001 - a broken normaliser must not break the page
            return _broken(text, "normaliser", exc)
        if self.custom_check is None:
            return self._wrong()
        try:
            verdict = self.custom_check(text)
        except Exception as exc:  # noqa: BLE001
            return _broken(text, "checker", exc)
        if isinstance(verdict, Feedback):
            return verdict
        if isinstance(verdict, str):
            return Feedback(False, verdict or self._wrong().message)
        if verdict:
            return Feedback(True, MESSAGES["correct"])
        return self._wrong()

    def __repr__(self) -> str:
        extra = f", {len(self.accept)} alternative(s)" if self.accept else ""
        custom = ", custom check" if self.custom_check is not None else ""
        return (
            f"ShortAnswer(question={_short(self.question)!r}{extra}{custom}; "
            f"call .check(text) to answer)"
        )
