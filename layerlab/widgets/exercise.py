"""Predict-then-check exercises as notebooks use them: each shows itself as a widget.

``MultipleChoice`` and ``ShortAnswer`` here are the plain exercises of
:mod:`layerlab.course.exercise` (same arguments, same ``check``) that, as the last
expression of a cell or given to ``display``, show an :class:`ExerciseWidget`: the
question, RadioButtons (multiple choice) or a Text box (short answer), a Check button, a
Show answer button and a feedback area. The logic stays below, in the course, and knows
nothing of this view.

Every callback is guarded (:mod:`layerlab.widgets.errors`): an exception ends up as a
message inside the widget, never as a traceback in the notebook. Stable CSS classes
(``layerlab-exercise``, ``layerlab-feedback``, ``layerlab-correct`` / ``layerlab-wrong`` /
``layerlab-error``) let browser tests and themes find the parts.
"""

from __future__ import annotations

import html
import re
from typing import Any

import ipywidgets as w

from layerlab.course import exercise as plain
from layerlab.course.exercise import Exercise, Feedback

from .css import part
from .errors import guard

__all__ = ["ExerciseWidget", "MultipleChoice", "ShortAnswer", "ask", "display_exercise"]

#: CSS classes that mark the verdict on the feedback widget; exactly one is set at a time.
STATE_CLASSES = (
    "layerlab-pending", "layerlab-correct", "layerlab-wrong", "layerlab-error", "layerlab-revealed",
)  # fmt: skip

_BOX = "layerlab"  # exercise parts are named layerlab-<part>
_CODE = re.compile(r"`([^`]+)`")


def _markup(text: str) -> str:
    """Escape text for HTML, then show `backticks` as code: exercises are plain text."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text))


class ExerciseWidget(w.VBox):
    """A question with an input, Check and Show answer buttons, and a feedback area."""

    def __init__(self, exercise: Exercise, **kwargs: Any) -> None:
        if not isinstance(exercise, (plain.MultipleChoice, plain.ShortAnswer)):
            raise TypeError(
                f"ExerciseWidget needs a MultipleChoice or ShortAnswer, got {type(exercise).__name__}"
            )
        self.exercise = exercise
        self.question = part(
            w.HTML(
                f'<div class="layerlab-question"><b>Predict:</b> {_markup(exercise.question)}</div>'
            ),
            _BOX, "question",
        )  # fmt: skip
        self.choice: w.RadioButtons | None = None
        self.text: w.Text | None = None
        answer_input = self._answer_input(exercise)
        self.check_button = part(
            w.Button(description="Check", button_style="primary", icon="check"), _BOX, "check"
        )
        self.check_button.on_click(lambda _b: guard(self.check, self._show_error))
        self.reveal_button = part(w.Button(description="Show answer", icon="eye"), _BOX, "reveal")
        self.reveal_button.on_click(lambda _b: guard(self.reveal, self._show_error))
        self.feedback = part(w.HTML(""), _BOX, "feedback")
        self.last: Feedback | None = None
        self.attempts = 0
        self._set_state("layerlab-pending", "")
        super().__init__(
            children=[
                self.question,
                answer_input,
                w.HBox([self.check_button, self.reveal_button]),
                self.feedback,
            ],
            **kwargs,
        )
        self.add_class("layerlab-exercise")

    def _answer_input(self, exercise: Exercise) -> w.Widget:
        """RadioButtons for multiple choice (nothing chosen), a Text box for a short answer."""
        if isinstance(exercise, plain.MultipleChoice):
            self.choice = w.RadioButtons(
                options=list(exercise.options), value=None, layout=w.Layout(width="auto")
            )
            return part(self.choice, _BOX, "choice")
        self.text = w.Text(placeholder="Type your answer, then press Enter or Check")
        # The front end sends {"event": "submit"} on Enter (Text.on_submit is deprecated).
        self.text.on_msg(self._on_text_msg)
        return part(self.text, _BOX, "answer")

    # -- reading the input ---------------------------------------------------------
    def current_answer(self) -> object:
        """What the learner has chosen or typed right now (None if nothing chosen)."""
        if self.choice is not None:
            return self.choice.value
        assert self.text is not None
        return self.text.value

    def _on_text_msg(self, _widget: object, content: dict, _buffers: object = None) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            guard(self.check, self._show_error)

    # -- actions (also usable from code and tests) -----------------------------------
    def check(self, answer: object = ...) -> Feedback:
        """Check ``answer`` (default: the current input) and show the feedback."""
        given = self.current_answer() if answer is ... else answer
        result = self.exercise.check(given)
        self.last = result
        self.attempts += 1
        body = f"<span class='layerlab-verdict'>{result.symbol}</span> {_markup(result.message)}"
        if result.correct:
            self._set_state("layerlab-correct", body + self._explanation_html())
        else:
            self._set_state("layerlab-wrong", body)
        return result

    def reveal(self) -> None:
        """Show the right answer and why, without grading anything."""
        body = (
            f"<span class='layerlab-verdict'>→</span> The answer is "
            f"<b>{_markup(self.exercise.answer_text)}</b>.{self._explanation_html()}"
        )
        self._set_state("layerlab-revealed", body)

    # -- rendering -----------------------------------------------------------------
    def _explanation_html(self) -> str:
        if not self.exercise.explanation:
            return ""
        return f"<div class='layerlab-explanation'>{_markup(self.exercise.explanation)}</div>"

    def _set_state(self, state: str, body: str) -> None:
        """Put ``body`` into the feedback area and mark it with exactly one state class."""
        for cls in STATE_CLASSES:
            if cls != state and cls in self.feedback._dom_classes:
                self.feedback.remove_class(cls)
        if state not in self.feedback._dom_classes:
            self.feedback.add_class(state)
        # data-attempt changes on every check, so a browser test can wait for *this* answer.
        self.feedback.value = (
            f"<div class='layerlab-feedback-body {state}' data-attempt='{self.attempts}'>"
            f"{body}</div>"
            if body
            else ""
        )

    def _show_error(self, message: str) -> None:
        self._set_state(
            "layerlab-error", f"<span class='layerlab-verdict'>⚠</span> {html.escape(message)}"
        )

    @property
    def state(self) -> str:
        """The current state class: pending, correct, wrong, error or revealed."""
        for cls in STATE_CLASSES:
            if cls in self.feedback._dom_classes:
                return cls.removeprefix("layerlab-")
        return "pending"

    def __repr__(self) -> str:
        return f"ExerciseWidget({self.exercise!r}, state={self.state!r})"


def ask(exercise: Exercise) -> ExerciseWidget:
    """The widget for ``exercise``; the last expression of a cell displays it."""
    return ExerciseWidget(exercise)


def display_exercise(exercise: Exercise) -> None:
    """Display ``exercise`` as its widget."""
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
