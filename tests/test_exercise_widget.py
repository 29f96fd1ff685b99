"""The exercise widget without a browser: simulated clicks, Enter, proofs, fallbacks, failures."""

from __future__ import annotations

import re
import time

import pytest

pytest.importorskip("ipywidgets")

from layerlab import widgets
from layerlab.course.exercise import Feedback, MultipleChoice, ShortAnswer
from layerlab.course.exercises import EXERCISES
from layerlab.course.proof import Printed, Proof, Said, Table
from layerlab.widgets import ExerciseWidget, ask, exercise
from layerlab.widgets.exercise import UnknownExerciseNote, display_exercise
from layerlab.widgets.exercise_html import markup

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class FakePicture:
    """Stands in for a render.Picture: anything with to_html()."""

    def to_html(self) -> str:
        return "<svg class='fake-picture'></svg>"


def proven(**needs: object) -> Proof:
    def show(**objects: object) -> list[object]:
        return [
            Said(f"The model says **{objects.get('n', 12288)}** bytes."),
            Printed("$ docker diff app\nC /data"),
            Table(("path", "bytes"), (("/data/model.bin", 50_000_000),)),
            FakePicture(),
        ]

    return Proof("what the model says", show, needs=tuple(needs))


def mc(proof: Proof | None = None) -> MultipleChoice:
    return MultipleChoice(
        "Deleting a file in a later layer makes the image…",
        ["smaller", "the same size or bigger"],
        answer=1,
        explanation="A whiteout hides the file; the lower layer still holds the bytes.",
        hints={0: "Lower layers are read-only."},
        id="00-test-exercise",
        proof=proof,
    )


def classes(widget) -> set[str]:
    return set(widget.feedback._dom_classes)


def test_structure_and_css_classes() -> None:
    wid = ask(mc())
    assert isinstance(wid, ExerciseWidget)
    assert "layerlab-exercise" in wid._dom_classes
    assert "layerlab-feedback" in classes(wid) and "layerlab-pending" in classes(wid)
    assert wid.choice is not None
    assert wid.choice._options_labels == ("smaller", "the same size or bigger")
    assert wid.choice.value is None  # no pre-selected answer: the learner must commit
    assert wid.check_button.description == "Check" and wid.feedback.value == ""
    assert "layerlab-check" in wid.check_button._dom_classes
    assert "layerlab-reveal" in wid.reveal_button._dom_classes
    assert "layerlab-proof" in wid.proof._dom_classes and wid.proof.value == ""


def test_click_check_wrong_then_right() -> None:
    wid = ExerciseWidget(mc())
    wid.choice.value = "smaller"
    wid.check_button.click()
    assert wid.state == "wrong" and "layerlab-wrong" in classes(wid)
    assert "✗" in wid.feedback.value and "Not quite." in wid.feedback.value
    assert "read-only" in wid.feedback.value  # that option's hint
    assert "Pick another option and press Check again" in wid.feedback.value  # a way to try again
    assert "whiteout" not in wid.feedback.value  # explanation only after a right answer

    wid.choice.value = "the same size or bigger"
    wid.check_button.click()
    assert wid.state == "correct"
    assert "layerlab-correct" in classes(wid) and "layerlab-wrong" not in classes(wid)
    assert "✓" in wid.feedback.value and "Correct!" in wid.feedback.value
    assert "layerlab-explanation" in wid.feedback.value and "whiteout" in wid.feedback.value
    assert wid.attempts == 2 and wid.last == Feedback(True, "Correct!")
    assert re.search(r"data-attempt='2'", wid.feedback.value)


def test_feedback_is_never_colour_alone() -> None:
    """Each verdict has its own icon and words besides its colour."""
    wid = ExerciseWidget(mc())
    seen = {}
    for choice in ("smaller", "the same size or bigger"):
        wid.choice.value = choice
        wid.check_button.click()
        seen[wid.state] = wid.feedback.value
    wid.reveal_button.click()
    seen[wid.state] = wid.feedback.value
    icons = {state: re.search(r"class='layerlab-verdict'[^>]*>(.)<", body).group(1) for state, body in seen.items()}  # fmt: skip
    assert icons == {"wrong": "✗", "correct": "✓", "revealed": "→"}
    assert "Not quite." in seen["wrong"] and "Correct!" in seen["correct"] and "The answer:" in seen["revealed"]
    borders = {re.search(r"border-left:5px solid (#\w+)", body).group(1) for body in seen.values()}
    assert len(borders) == 3


def test_option_labels_are_plain_text() -> None:
    """RadioButtons show text as it is: `code` backticks are dropped from the label only."""
    ex = MultipleChoice("q", ["`sha256:<hex>` strings", "bare hex"], 0, "e")
    wid = ExerciseWidget(ex)
    assert wid.choice._options_labels == ("sha256:<hex> strings", "bare hex")
    wid.choice.label = "sha256:<hex> strings"  # what a click on the label does
    wid.check_button.click()
    assert wid.state == "correct"


def test_check_with_nothing_chosen_explains_and_unlocks_nothing() -> None:
    wid = ExerciseWidget(mc(proven()))
    wid.check_button.click()
    assert wid.state == "wrong" and "Choose one of the options" in wid.feedback.value
    assert wid.reveal_button.disabled  # no prediction yet, so no answer on offer
    assert wid.proof.value == ""


def test_show_me_needs_a_prediction_first() -> None:
    wid = ExerciseWidget(mc(proven()))
    assert wid.reveal_button.disabled and "prediction first" in wid.reveal_button.tooltip
    wid.choice.value = "smaller"
    wid.check_button.click()
    assert not wid.reveal_button.disabled
    assert wid.proof.value == ""  # a wrong answer does not give the proof away
    wid.reveal_button.click()
    assert wid.state == "revealed"
    assert "the same size or bigger" in wid.feedback.value and "whiteout" in wid.feedback.value
    assert not {"layerlab-correct", "layerlab-wrong"} & classes(wid)
    assert "Check with the model" in wid.proof.value and "what the model says" in wid.proof.value


def test_the_proof_appears_only_after_a_right_answer_or_show_me() -> None:
    wid = ExerciseWidget(mc(proven()))
    assert wid.proof.value == "" and wid._proof  # computed when the cell runs, kept hidden
    wid.choice.value = "the same size or bigger"
    wid.check_button.click()
    proof = wid.proof.value
    assert "<b>12288</b>" in proof  # Said, marked up
    assert "<pre class='layerlab-proof-printed'" in proof and "C /data" in proof
    assert "text-align:right'>50,000,000</td>" in proof  # numbers right-aligned, with separators
    assert "text-align:left'>/data/model.bin</td>" in proof
    assert "fake-picture" in proof


def test_a_proof_gets_the_notebooks_objects() -> None:
    wid = ExerciseWidget(mc(proven(n=None)), {"n": 4096})
    wid.choice.value = "the same size or bigger"
    wid.check_button.click()
    assert "<b>4096</b>" in wid.proof.value and wid.proof_problem == ""


def test_a_proof_missing_its_objects_says_what_to_pass() -> None:
    wid = ExerciseWidget(mc(proven(result=None)))
    assert "needs `result`" in wid.proof_problem and "result=..." in wid.proof_problem
    assert "needs" in wid.proof.value  # shown at once, in the widget: an author sees it
    assert "⚠" in wid.fallback().plain()  # and in the stored text, so nbval sees the change
    other = ExerciseWidget(mc(proven()), {"reslt": 1})
    assert "does not use `reslt`" in other.proof_problem


def test_a_failing_proof_is_a_message_not_a_traceback() -> None:
    def broken() -> list[object]:
        raise KeyError("no such layer")

    wid = ExerciseWidget(mc(Proof("broken", broken)))
    assert "KeyError" in wid.proof_problem and "Traceback" not in wid.proof.value
    wid.choice.value = "the same size or bigger"
    wid.check_button.click()
    assert wid.state == "correct"  # the exercise itself still works


def test_short_answer_text_enter_and_click() -> None:
    wid = ExerciseWidget(ShortAnswer("How many layers?", "3", "Three `COPY`/`RUN` steps.", hint="Count the RUNs."))
    assert wid.text is not None and wid.choice is None
    assert wid.text.placeholder and len(wid.text.placeholder) <= 28  # fits its box, never cut
    wid.text.value = " 3.0 "
    wid.text._handle_custom_msg({"event": "submit"}, [])  # what the browser sends on Enter
    assert wid.state == "correct" and "<code" in wid.feedback.value and "COPY</code>" in wid.feedback.value
    wid.text.value = "4"
    wid.check_button.click()
    assert wid.state == "wrong" and "Count the RUNs." in wid.feedback.value
    assert "Change your answer and press Check again" in wid.feedback.value
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
    assert "⚠" in wid.feedback.value
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


def test_markup_of_course_prose() -> None:
    assert markup("one `code` and **bold** and *it*") == (
        "one <code style='background:#f2f2f2;padding:0 3px;border-radius:3px'>code</code> and "
        "<b>bold</b> and <i>it</i>"
    )
    assert markup("a [whiteout](glossary.md#whiteout) hides it") == "a whiteout hides it"
    listed = markup("Read:\n- first\n- second\n\nThen more.")
    assert listed.count("<li>") == 2 and listed.count("<p") == 2
    assert markup("2 * 3 * 4") == "2 * 3 * 4"  # stars between spaces are not italics


def test_wrong_type_is_refused_early() -> None:
    with pytest.raises(TypeError, match="MultipleChoice or ShortAnswer"):
        ExerciseWidget("not an exercise")  # type: ignore[arg-type]


def test_before_the_cell_runs_it_reads_as_the_question() -> None:
    """The stored output: the widget, plus the question as Markdown and plain text."""
    bundle = ExerciseWidget(mc())._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    page = bundle["text/markdown"]
    assert page.startswith("**Predict, then check (exercise 00-test-exercise)**\n")
    assert "- smaller\n- the same size or bigger\n" in page
    assert page.rstrip().endswith("▶ *Run this cell to answer.*")
    plain = bundle["text/plain"]
    assert "Deleting a file in a later layer makes the image…" in plain
    assert "ExerciseWidget(" not in plain and "MultipleChoice(" not in plain
    short = ExerciseWidget(ShortAnswer("How many?", "3", "e"))._repr_mimebundle_()["text/plain"]
    assert "(type your answer)" in short and short.endswith("▶ Run this cell to answer.")


def test_every_course_exercise_reads_before_running_without_a_repr() -> None:
    for ex in EXERCISES.values():
        bundle = ExerciseWidget(ex)._repr_mimebundle_()
        assert ex.question in bundle["text/plain"], ex.id
        assert "Run this cell to answer" in bundle["text/markdown"], ex.id
        assert not re.search(r"\w+\((question|options)=", bundle["text/plain"]), ex.id


def test_exercise_by_id_with_its_proof() -> None:
    wid = exercise("00-delete-later")
    assert isinstance(wid, ExerciseWidget) and wid.exercise is EXERCISES["00-delete-later"]
    assert wid.proof_problem == "" and "<svg" in wid._proof  # the finished image's picture
    wid.choice.value = wid.exercise.options[wid.exercise.answer_index]
    wid.check_button.click()
    assert "The finished image, layer by layer" in wid.proof.value


def test_an_unknown_exercise_is_a_message_naming_the_ids() -> None:
    note = exercise("04-chmd")
    assert isinstance(note, UnknownExerciseNote)
    bundle = note._repr_mimebundle_()
    assert "There is no exercise '04-chmd'" in bundle["text/plain"] and "04-chmod" in bundle["text/plain"]
    assert "⚠" in bundle["text/html"] and "Traceback" not in bundle["text/html"]
    assert "Notebook 04's exercises are: 04-chmod, 04-append-bytes" in note.message
    assert exercise("99-x").message.endswith(", ".join(EXERCISES) + ".")  # no such notebook: all ids
    assert exercise(4).message == "An exercise id is text like '04-chmod', not int."  # type: ignore[arg-type]


def test_check_is_fast_in_the_kernel() -> None:
    """Check and Show me only fill in HTML computed when the cell ran: well under 100 ms."""
    wid = exercise("04-chmod", **notebook_04_objects())
    for option in list(wid.exercise.options) * 5:
        wid.choice.value = option
        wid.check_button.click()
    wid.reveal_button.click()
    slowest = max(wid.seconds)
    assert len(wid.seconds) == 21 and slowest < 0.05, f"slowest Check {slowest * 1000:.1f} ms"


def notebook_04_objects() -> dict[str, object]:
    from layerlab.course.container_examples import BIG_FILE, cow_image
    from layerlab.engine.host import Host
    from layerlab.model.operation import apply

    h = Host(seed=4)
    h.add(cow_image(), "cow-demo")
    c = h.run("cow-demo", name="app", detach=True)
    return {"result": apply(c, "chmod", BIG_FILE, "600"), "container": c, "host": h}


def test_exercises_of_your_own_display_as_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    shown_mc = widgets.MultipleChoice("q", ["a", "b"], answer=1, explanation="e")
    shown_mc._ipython_display_()
    widgets.ShortAnswer("q", "a", "e")._ipython_display_()
    display_exercise(ShortAnswer("q", "a", "e"))
    assert [type(s) for s in shown] == [ExerciseWidget, ExerciseWidget, ExerciseWidget]
    assert isinstance(shown_mc, MultipleChoice) and shown_mc.check("b").correct


def test_the_plain_exercises_know_no_widget() -> None:
    """The logic lives below the widgets: it does not display itself."""
    assert not hasattr(mc(), "_ipython_display_")


def test_interactions_are_fast() -> None:
    wid = ExerciseWidget(mc(proven()))
    start = time.perf_counter()
    for value in ["smaller", "the same size or bigger"] * 10:
        wid.choice.value = value
        wid.check_button.click()
    wid.reveal_button.click()
    per_click = (time.perf_counter() - start) / 21
    assert per_click < 0.1, f"{per_click * 1000:.1f} ms per interaction"


def test_tables_right_align_numbers_and_sizes() -> None:
    from layerlab.widgets.exercise_html import table_html

    html = table_html(Table(("layer", "stored", "step"), ((4, "1.05MB", "COPY tool.bin"), (5, "0B", "RUN chmod"))))
    assert "text-align:right'>stored</th>" in html and "text-align:right'>1.05MB</td>" in html
    assert "text-align:left'>COPY tool.bin</td>" in html and "text-align:right'>4</td>" in html
