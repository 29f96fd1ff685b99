"""Predict-then-check exercises as a notebook shows them: ``exercise("04-chmod")``.

The exercise's question, options, answer, hints, explanation and what proves the answer are
course data (:mod:`layerlab.course.exercises`); this module only shows them. The learner
predicts (RadioButtons, or a Text box with Enter), presses **Check** and gets feedback at a
glance: an icon, a word and a colour (never colour alone); a wrong answer gets that option's
hint and can try again; a right one, or **Show me** after a first attempt, gives the
explanation and what the model says ("Check with the model"): the picture, table or output
that proves it, computed when the cell runs and kept hidden until then, so Run All never
puts it beside the question. Objects the proof needs come from the notebook:
``exercise("04-chmod", result=chmod, container=c, host=h)``.

Before the cell runs, the stored output reads as the question with its options and "Run
this cell to answer" (:mod:`.fallback`). Every callback is guarded (:mod:`.errors`): an
exception ends up as a message inside the widget, never as a traceback. Stable CSS classes
(``layerlab-exercise``, ``layerlab-choice``, ``layerlab-answer``, ``layerlab-check``,
``layerlab-reveal``, ``layerlab-feedback`` with ``layerlab-correct`` / ``-wrong`` /
``-revealed`` / ``-error``, ``layerlab-explanation``, ``layerlab-proof``) let browser tests
and themes find the parts.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from layerlab.i18n import Texts, _, translate
from layerlab.course import exercise as plain
from layerlab.course.exercise import MESSAGES, Exercise, Feedback
from layerlab.course.exercises import UnknownExercise, find

from .css import part
from .errors import error_html, guard
from .exercise_html import feedback_html, markup, proof_html
from .fallback import RUN_TO_ANSWER, Fallback, ReadableBeforeRun

__all__ = ["ExerciseWidget", "MultipleChoice", "ShortAnswer", "ask", "display_exercise", "exercise"]

#: Every word the exercise widget shows, in one place.
TEXT = Texts({
    "label": "Predict, then check",
    "title": "Predict, then check (exercise {id})",
    "check": "Check",
    "reveal": "Show me",
    "reveal_locked": "Make a prediction first: choose or type an answer, then press Check.",
    "reveal_tip": "Show the answer, why, and what the model says",
    "placeholder": "Your answer (then Enter)",
    "type_here": "(type your answer)",
    "again_choice": "Pick another option and press Check again, or press Show me.",
    "again_text": "Change your answer and press Check again, or press Show me.",
    "answer_is": "**{answer}**",
    "model": "Check with the model",
    "no_proof": "The model's check cannot be shown: {message}",
    "unknown": "This cell asks for an exercise the course does not have.",
})
#: CSS classes that mark the verdict on the feedback widget; exactly one is set at a time.
STATE_CLASSES = (
    "layerlab-pending", "layerlab-correct", "layerlab-wrong", "layerlab-error", "layerlab-revealed",
)  # fmt: skip


_BOX = "layerlab"  # exercise parts are named layerlab-<part>
_CODE = re.compile(r"`([^`]*)`")


def _leads() -> tuple[str, ...]:
    """The leading phrases of the course's feedback, in the learner's language: "Correct!",
    "Not quite: try another option.", "Not quite: try again." and the "Not quite." before a hint."""
    before_hint = MESSAGES["wrong_hint"].partition("{hint}")[0].strip()
    leads = (MESSAGES["correct"], MESSAGES["wrong_option"], MESSAGES["wrong_text"], before_hint)
    return tuple(lead for lead in leads if lead)


def _emphasise(message: str) -> str:
    """``message`` with its verdict phrase ("Correct!", "Not quite.") in bold."""
    for lead in _leads():
        if message.startswith(lead):
            return f"**{lead}**{message[len(lead) :]}"
    return message


class ExerciseWidget(ReadableBeforeRun, w.VBox):
    """A question, an input, Check and Show me, feedback, and what proves the answer."""

    def __init__(
        self, exercise: Exercise, objects: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if not isinstance(exercise, (plain.MultipleChoice, plain.ShortAnswer)):
            raise TypeError(
                f"ExerciseWidget needs a MultipleChoice or ShortAnswer, got {type(exercise).__name__}"
            )
        self.exercise = exercise
        self.seconds: list[float] = []  # kernel time of each Check / Show me, for measurements
        self.last: Feedback | None = None
        self.attempts = 0
        self.proof_problem = ""
        self._proof = self._proof_of(exercise, objects or {})
        self.question = part(w.HTML(self._question_html()), _BOX, "question")
        self.choice: w.RadioButtons | None = None
        self.text: w.Text | None = None
        answer_input = self._answer_input(exercise)
        self.check_button = part(
            w.Button(description=TEXT["check"], button_style="primary", icon="check"), _BOX, "check"
        )
        self.check_button.on_click(lambda _b: self._act(self.check))
        self.reveal_button = part(
            w.Button(description=TEXT["reveal"], icon="eye", disabled=True, tooltip=TEXT["reveal_locked"]),
            _BOX, "reveal",
        )  # fmt: skip
        self.reveal_button.on_click(lambda _b: self._act(self.reveal))
        self.feedback = part(w.HTML(""), _BOX, "feedback")
        self.proof = part(w.HTML(self._problem_html()), _BOX, "proof")
        self._set_state("layerlab-pending", "")
        super().__init__(
            children=[
                self.question,
                answer_input,
                w.HBox([self.check_button, self.reveal_button]),
                self.feedback,
                self.proof,
            ],
            **kwargs,
        )
        self.add_class("layerlab-exercise")

    # -- building ------------------------------------------------------------------------
    def _proof_of(self, exercise: Exercise, objects: Mapping[str, Any]) -> str:
        """The proof's HTML, computed now (so Check stays fast); "" when there is none."""
        proof = exercise.proof
        if proof is None:
            if objects:
                self.proof_problem = _("this exercise needs no objects, got {names}", names=", ".join(sorted(objects)))
            return ""
        shown: list[str] = []
        guard(
            lambda: shown.append(proof_html(TEXT["model"], translate(proof.title), proof.parts(objects))),
            self._note_problem,
        )
        return shown[0] if shown else ""

    def _note_problem(self, message: str) -> None:
        self.proof_problem = message

    def _problem_html(self) -> str:
        if not self.proof_problem:
            return ""
        return error_html(_BOX, TEXT["no_proof"].format(message=self.proof_problem))

    def _question_html(self) -> str:
        return (
            f"<div class='layerlab-question' style='line-height:1.45'><div style='font-weight:bold;"
            f"color:#00507d'>{html.escape(TEXT['label'])}</div>{markup(self.exercise.question)}</div>"
        )

    def _answer_input(self, exercise: Exercise) -> w.Widget:
        """RadioButtons for multiple choice (nothing chosen), a Text box for a short answer."""
        if isinstance(exercise, plain.MultipleChoice):
            # Labels are plain text: `code` backticks would show as they are.
            labels = [(_CODE.sub(r"\1", option), option) for option in exercise.options]
            self.choice = w.RadioButtons(options=labels, value=None, layout=w.Layout(width="auto"))
            return part(self.choice, _BOX, "choice")
        self.text = w.Text(
            placeholder=TEXT["placeholder"], layout=w.Layout(width="100%", max_width="24em")
        )
        # The front end sends {"event": "submit"} on Enter (Text.on_submit is deprecated).
        self.text.on_msg(self._on_text_msg)
        return part(self.text, _BOX, "answer")

    # -- reading the input ---------------------------------------------------------------
    def current_answer(self) -> object:
        """What the learner has chosen or typed right now (None if nothing chosen)."""
        if self.choice is not None:
            return self.choice.value
        assert self.text is not None
        return self.text.value

    def _on_text_msg(self, _widget: object, content: dict, _buffers: object = None) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            self._act(self.check)

    def _act(self, action: Any) -> None:
        start = time.perf_counter()
        guard(action, self._show_error)
        self.seconds.append(time.perf_counter() - start)

    # -- actions (also usable from code and tests) ----------------------------------------
    def check(self, answer: object = ...) -> Feedback:
        """Check ``answer`` (default: the current input) and show the feedback."""
        given = self.current_answer() if answer is ... else answer
        result = self.exercise.check(given)
        self.last = result
        self.attempts += 1
        if result.correct:
            self._unlock_reveal()
            self._set_state(
                "layerlab-correct", _emphasise(result.message), self._explanation_html()
            )
            self._show_proof()
        elif given is None or not str(given).strip():  # nothing chosen yet: no prediction made
            self._set_state("layerlab-wrong", result.message)
        else:
            self._unlock_reveal()
            again = TEXT["again_choice"] if self.choice is not None else TEXT["again_text"]
            self._set_state("layerlab-wrong", f"{_emphasise(result.message)}\n\n{again}")
        return result

    def _unlock_reveal(self) -> None:
        """A prediction was made: Show me may now give the answer away."""
        self.reveal_button.disabled = False
        self.reveal_button.tooltip = TEXT["reveal_tip"]

    def reveal(self) -> None:
        """Show the right answer, why, and the proof, without grading anything."""
        answer = TEXT["answer_is"].format(answer=self.exercise.answer_text)
        self._set_state("layerlab-revealed", answer, self._explanation_html())
        self._show_proof()

    def _show_proof(self) -> None:
        if self._proof and self.proof.value != self._proof:
            self.proof.value = self._proof

    # -- rendering -------------------------------------------------------------------------
    def _explanation_html(self) -> str:
        if not self.exercise.explanation:
            return ""
        return f"<div class='layerlab-explanation' style='margin-top:4px'>{markup(self.exercise.explanation)}</div>"

    def _set_state(self, state: str, message: str, extra: str = "") -> None:
        """Show ``message`` in the feedback area and mark it with exactly one state class."""
        for cls in STATE_CLASSES:
            if cls != state and cls in self.feedback._dom_classes:
                self.feedback.remove_class(cls)
        if state not in self.feedback._dom_classes:
            self.feedback.add_class(state)
        # data-attempt changes on every check, so a browser test can wait for *this* answer.
        kind = state.removeprefix("layerlab-")
        self.feedback.value = feedback_html(kind, self.attempts, message, extra) if message else ""

    def _show_error(self, message: str) -> None:
        self._set_state("layerlab-error", message)

    @property
    def state(self) -> str:
        """The current state class: pending, correct, wrong, error or revealed."""
        for cls in STATE_CLASSES:
            if cls in self.feedback._dom_classes:
                return cls.removeprefix("layerlab-")
        return "pending"

    def fallback(self) -> Fallback:
        """The question and its options, and "Run this cell to answer"."""
        ex = self.exercise
        body = [ex.question]
        if isinstance(ex, plain.MultipleChoice):
            body += [f"- {option}" for option in ex.options]
        else:
            body.append(TEXT["type_here"])
        if self.proof_problem:
            body.append("⚠ " + TEXT["no_proof"].format(message=self.proof_problem))
        title = TEXT["title"].format(id=ex.id) if ex.id else TEXT["label"]
        return Fallback(title, tuple(body), translate(RUN_TO_ANSWER))

    def __repr__(self) -> str:
        return f"ExerciseWidget({self.exercise!r}, state={self.state!r})"


class UnknownExerciseNote:
    """What ``exercise()`` shows for an id the course does not have: a message, not a traceback."""

    def __init__(self, message: str) -> None:
        self.message = message

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        return {
            "text/html": error_html(_BOX, self.message, title=TEXT["unknown"]),
            "text/plain": f"⚠ {TEXT['unknown']} {self.message}",
        }

    def __repr__(self) -> str:
        return f"⚠ {TEXT['unknown']} {self.message}"


def exercise(exercise_id: str, **objects: Any) -> ExerciseWidget | UnknownExerciseNote:
    """The course's exercise ``exercise_id`` (``"04-chmod"``) as a widget; the last expression
    of a cell shows it. ``objects`` are what its proof needs from the notebook."""
    try:
        found = find(exercise_id)
    except UnknownExercise as err:
        return UnknownExerciseNote(str(err))
    return ExerciseWidget(found, objects)


def ask(exercise: Exercise) -> ExerciseWidget:
    """The widget for an exercise of your own; the last expression of a cell displays it."""
    return ExerciseWidget(exercise)


def display_exercise(exercise: Exercise) -> None:
    """Display an exercise of your own as its widget."""
    from IPython.display import display

    display(ExerciseWidget(exercise))


class _ShownAsWidget:
    """In Jupyter, the exercise displays as its :class:`ExerciseWidget`."""

    def _ipython_display_(self) -> None:
        display_exercise(self)  # type: ignore[arg-type]


class MultipleChoice(_ShownAsWidget, plain.MultipleChoice):
    """:class:`layerlab.course.exercise.MultipleChoice`, shown as a widget in Jupyter."""


class ShortAnswer(_ShownAsWidget, plain.ShortAnswer):
    """:class:`layerlab.course.exercise.ShortAnswer`, shown as a widget in Jupyter."""
