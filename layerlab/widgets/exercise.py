"""The ipywidgets view of a predict-then-check exercise.

``ExerciseWidget(exercise)`` shows the question, RadioButtons (multiple choice) or a
Text box (short answer), a Check button, a Show answer button and a feedback area.
Every callback is guarded: an exception ends up as a message inside the widget, never
as a traceback in the notebook. Stable CSS classes (``layerlab-exercise``,
``layerlab-feedback``, ``layerlab-correct`` / ``layerlab-wrong`` / ``layerlab-error``)
let browser tests and themes find the parts.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as w

from layerlab.course.exercise import Exercise, Feedback, MultipleChoice, ShortAnswer

__all__ = ["ExerciseWidget", "ask", "display_exercise"]

#: CSS classes that mark the verdict on the feedback widget; exactly one is set at a time.
STATE_CLASSES = ("layerlab-pending", "layerlab-correct", "layerlab-wrong", "layerlab-error")

_CODE = re.compile(r"`([^`]+)`")
F = TypeVar("F", bound=Callable[..., Any])


def _markup(text: str) -> str:
    """Escape text for HTML, then show `backticks` as code: exercises are plain text."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text))


def _guarded(method: F) -> F:
    """Run a callback; show any exception inside the widget instead of a traceback."""

    @functools.wraps(method)
    def wrapper(self: ExerciseWidget, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the learner must never see a traceback
            self._show_error(f"Something went wrong while checking ({type(exc).__name__}: {exc}).")
            return None

    return wrapper  # type: ignore[return-value]


class ExerciseWidget(w.VBox):
    """A question with an input, Check and Show answer buttons, and a feedback area."""

    def __init__(self, exercise: Exercise, **kwargs: Any) -> None:
        if not isinstance(exercise, (MultipleChoice, ShortAnswer)):
            raise TypeError(
                f"ExerciseWidget needs a MultipleChoice or ShortAnswer, got {type(exercise).__name__}"
            )
        self.exercise = exercise
        self.question = w.HTML(
            f'<div class="layerlab-question"><b>Predict:</b> {_markup(exercise.question)}</div>'
        )
        self.question.add_class("layerlab-question")
        self.choice: w.RadioButtons | None = None
        self.text: w.Text | None = None
        if isinstance(exercise, MultipleChoice):
            self.choice = w.RadioButtons(
                options=list(exercise.options), value=None, layout=w.Layout(width="auto")
            )
            self.choice.add_class("layerlab-choice")
            answer_input: w.Widget = self.choice
        else:
            self.text = w.Text(placeholder="Type your answer, then press Enter or Check")
            self.text.add_class("layerlab-answer")
            # The front end sends {"event": "submit"} on Enter (Text.on_submit is deprecated).
            self.text.on_msg(self._on_text_msg)
            answer_input = self.text
        self.check_button = w.Button(description="Check", button_style="primary", icon="check")
        self.check_button.add_class("layerlab-check")
        self.check_button.on_click(self._on_check)
        self.reveal_button = w.Button(description="Show answer", icon="eye")
        self.reveal_button.add_class("layerlab-reveal")
        self.reveal_button.on_click(self._on_reveal)
        self.feedback = w.HTML("")
        self.feedback.add_class("layerlab-feedback")
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

    # -- reading the input ---------------------------------------------------------
    def current_answer(self) -> object:
        """What the learner has chosen or typed right now (None if nothing chosen)."""
        if self.choice is not None:
            return self.choice.value
        assert self.text is not None
        return self.text.value

    # -- callbacks -----------------------------------------------------------------
    @_guarded
    def _on_check(self, _button: object = None) -> Feedback:
        return self.check()

    @_guarded
    def _on_reveal(self, _button: object = None) -> None:
        self.reveal()

    @_guarded
    def _on_text_msg(self, _widget: object, content: dict, _buffers: object = None) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            self.check()

    # -- actions (also usable from code and tests) -----------------------------------
    def check(self, answer: object = ...) -> Feedback:
        """Check ``answer`` (default: the current input) and show the feedback."""
        given = self.current_answer() if answer is ... else answer
        result = self.exercise.check(given)
        self.last = result
        self.attempts += 1
        body = f"<span class='layerlab-verdict'>{result.symbol}</span> {_markup(result.message)}"
        if result.correct:
            body += self._explanation_html()
            self._set_state("layerlab-correct", body)
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
        for cls in (*STATE_CLASSES, "layerlab-revealed"):
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
        try:
            self._set_state(
                "layerlab-error",
                f"<span class='layerlab-verdict'>⚠</span> {html.escape(message)}",
            )
        except Exception:  # noqa: BLE001, S110 - last resort: the widget itself is broken
            pass

    @property
    def state(self) -> str:
        """The current state class: pending, correct, wrong, error or revealed."""
        for cls in (*STATE_CLASSES, "layerlab-revealed"):
            if cls in self.feedback._dom_classes:
                return cls.removeprefix("layerlab-")
        return "pending"

    def __repr__(self) -> str:
        return f"ExerciseWidget({self.exercise!r}, state={self.state!r})"


def ask(exercise: Exercise) -> ExerciseWidget:
    """The widget for ``exercise``; the last expression of a cell displays it."""
    return ExerciseWidget(exercise)


def display_exercise(exercise: Exercise) -> None:
    """Display ``exercise`` as its widget (what ``Exercise._ipython_display_`` calls)."""
    from IPython.display import display

    display(ExerciseWidget(exercise))
