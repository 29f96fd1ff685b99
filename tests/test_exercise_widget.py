"""The exercise widget without a browser: simulated clicks, Enter, and failures."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("ipywidgets")

from layerlab.course.exercise import Feedback, MultipleChoice, ShortAnswer
from layerlab import widgets
from layerlab.widgets import ExerciseWidget, ask
from layerlab.widgets.exercise import display_exercise


def mc() -> MultipleChoice:
    return MultipleChoice(
        "Deleting a file in a later layer makes the image…",
        ["smaller", "the same size or bigger"],
        answer=1,
        explanation="A whiteout hides the file; the lower layer still holds the bytes.",
        hints={0: "Lower layers are read-only."},
    )


def classes(widget) -> set[str]:
    return set(widget.feedback._dom_classes)


def test_structure_and_css_classes() -> None:
    wid = ask(mc())
    assert isinstance(wid, ExerciseWidget)
    assert "layerlab-exercise" in wid._dom_classes
    assert "layerlab-feedback" in classes(wid) and "layerlab-pending" in classes(wid)
    assert wid.choice is not None and wid.choice.options == ("smaller", "the same size or bigger")
    assert wid.choice.value is None  # no pre-selected answer: the learner must commit
    assert wid.check_button.description == "Check" and wid.feedback.value == ""
    assert "layerlab-check" in wid.check_button._dom_classes


def test_click_check_wrong_then_right() -> None:
    wid = ExerciseWidget(mc())
    wid.choice.value = "smaller"
    wid.check_button.click()
    assert wid.state == "wrong" and "layerlab-wrong" in classes(wid)
    assert "✗" in wid.feedback.value and "read-only" in wid.feedback.value
    assert "whiteout" not in wid.feedback.value  # explanation only after a right answer

    wid.choice.value = "the same size or bigger"
    wid.check_button.click()
    assert wid.state == "correct"
    assert "layerlab-correct" in classes(wid) and "layerlab-wrong" not in classes(wid)
    assert "✓" in wid.feedback.value and "whiteout" in wid.feedback.value
    assert wid.attempts == 2 and wid.last == Feedback(True, "Correct!")


def test_check_with_nothing_chosen_explains() -> None:
    wid = ExerciseWidget(mc())
    wid.check_button.click()
    assert wid.state == "wrong" and "Choose one of the options" in wid.feedback.value


def test_show_answer_reveals_answer_and_explanation() -> None:
    wid = ExerciseWidget(mc())
    wid.reveal_button.click()
    assert wid.state == "revealed"
    assert "the same size or bigger" in wid.feedback.value and "whiteout" in wid.feedback.value
    assert not {"layerlab-correct", "layerlab-wrong"} & classes(wid)


def test_short_answer_text_enter_and_click() -> None:
    wid = ExerciseWidget(ShortAnswer("How many layers?", "3", "Three `COPY`/`RUN` steps."))
    assert wid.text is not None and wid.choice is None
    wid.text.value = " 3.0 "
    wid.text._handle_custom_msg({"event": "submit"}, [])  # what the browser sends on Enter
    assert wid.state == "correct" and "<code>COPY</code>" in wid.feedback.value
    wid.text.value = "4"
    wid.check_button.click()
    assert wid.state == "wrong"
    wid.text._handle_custom_msg({"event": "something-else"}, [])  # ignored
    assert wid.state == "wrong" and wid.attempts == 2


def test_raising_custom_check_shows_a_message_not_a_traceback() -> None:
    def broken(text: str) -> bool:
        raise RuntimeError("checker exploded")

    wid = ExerciseWidget(ShortAnswer("q", "a", "e", check=broken))
    wid.text.value = "b"
    wid.check_button.click()
    assert wid.state == "wrong"
    assert "checker exploded" in wid.feedback.value and "Traceback" not in wid.feedback.value


def test_exception_inside_the_widget_callback_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    ex = mc()

    def explode(answer: object) -> Feedback:
        raise ValueError("bad state")

    monkeypatch.setattr(ex, "check", explode)
    wid = ExerciseWidget(ex)
    wid.check_button.click()  # must not raise
    assert wid.state == "error" and "layerlab-error" in classes(wid)
    assert "ValueError: bad state" in wid.feedback.value and "Traceback" not in wid.feedback.value
    wid.text = None  # even an Enter message on a broken widget does not raise
    wid._on_text_msg(None, {"event": "submit"})
    assert wid.state == "error"


def test_html_in_exercises_is_escaped() -> None:
    ex = MultipleChoice("<script>x</script>?", ["<b>a</b>", "b"], 0, explanation="<img src=x>")
    wid = ExerciseWidget(ex)
    assert "<script>" not in wid.question.value and "&lt;script&gt;" in wid.question.value
    wid.choice.value = "<b>a</b>"
    wid.check_button.click()
    assert "<img" not in wid.feedback.value and wid.state == "correct"


def test_wrong_type_is_refused_early() -> None:
    with pytest.raises(TypeError, match="MultipleChoice or ShortAnswer"):
        ExerciseWidget("not an exercise")  # type: ignore[arg-type]


def test_interactions_are_fast() -> None:
    wid = ExerciseWidget(mc())
    start = time.perf_counter()
    for value in ["smaller", "the same size or bigger"] * 10:
        wid.choice.value = value
        wid.check_button.click()
    wid.reveal_button.click()
    per_click = (time.perf_counter() - start) / 21
    assert per_click < 0.1, f"{per_click * 1000:.1f} ms per interaction"


def test_exercises_display_as_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exercises notebooks import from layerlab.widgets show themselves as widgets."""
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    shown_mc = widgets.MultipleChoice("q", ["a", "b"], answer=1, explanation="e")
    shown_mc._ipython_display_()
    widgets.ShortAnswer("q", "a", "e")._ipython_display_()
    display_exercise(ShortAnswer("q", "a", "e"))
    assert [type(s) for s in shown] == [ExerciseWidget, ExerciseWidget, ExerciseWidget]
    assert repr(shown[0]).startswith("ExerciseWidget(MultipleChoice(")
    assert isinstance(shown_mc, MultipleChoice) and shown_mc.check("b").correct


def test_the_plain_exercises_know_no_widget() -> None:
    """The logic lives below the widgets: it does not display itself."""
    assert not hasattr(mc(), "_ipython_display_")
