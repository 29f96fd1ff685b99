"""Predict-then-check logic: right, wrong and bad answers, without Jupyter."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layerlab.course.exercise import Feedback, MultipleChoice, ShortAnswer, normalise_text


def mc() -> MultipleChoice:
    return MultipleChoice(
        "Deleting a file in a later layer makes the image…",
        ["smaller", "the same size or bigger", "impossible to build"],
        answer=1,
        explanation="The delete is a whiteout entry; the lower layer still carries the bytes.",
        hints={"smaller": "Lower layers are read-only and shared."},
    )


# -- Feedback -------------------------------------------------------------------------
def test_feedback_is_frozen_and_truthy() -> None:
    fb = Feedback(True, "ok")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fb.correct = False  # type: ignore[misc]
    assert fb and not Feedback(False, "no")
    assert fb.symbol == "✓" and Feedback(False, "").symbol == "✗"


# -- MultipleChoice -------------------------------------------------------------------
def test_mc_right_answer_by_text_and_index() -> None:
    ex = mc()
    assert ex.answer == "the same size or bigger"
    assert ex.check("the same size or bigger") == Feedback(True, "Correct!")
    assert ex.check(1).correct
    assert ex.check("  The SAME size  or bigger ").correct  # normalised text
    assert ex.check("1").correct  # a digit string in code means an index


def test_mc_answer_given_as_text() -> None:
    ex = MultipleChoice("q", ["a", "b"], answer="b", explanation="e")
    assert ex.answer_index == 1 and ex.check("b").correct and not ex.check("a").correct


def test_mc_wrong_answer_shows_hint() -> None:
    fb = mc().check("smaller")
    assert not fb.correct
    assert "read-only" in fb.message
    plain = mc().check("impossible to build")
    assert not plain.correct and "try another option" in plain.message


@pytest.mark.parametrize("bad", [None, "", "   "])
def test_mc_empty_answer_asks_for_a_choice(bad: object) -> None:
    fb = mc().check(bad)
    assert not fb.correct and "Choose one of the options" in fb.message


@pytest.mark.parametrize("bad", ["bigger", 3, -1, True, 1.5, object(), ["smaller"]])
def test_mc_unknown_option_says_what_is_expected(bad: object) -> None:
    fb = mc().check(bad)
    assert not fb.correct
    assert "is not one of the options" in fb.message and "0–2" in fb.message


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"options": ["only"], "answer": 0}, "at least two"),
        ({"options": ["a", "a"], "answer": 0}, "distinct"),
        ({"options": ["a", "b"], "answer": "c"}, "not one of the options"),
        ({"options": ["a", "b"], "answer": 2}, "not one of the options"),
        ({"options": ["a", "b"], "answer": 0, "hints": {"zzz": "h"}}, "hint for"),
    ],
)
def test_mc_authoring_errors_fail_early(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        MultipleChoice("q", explanation="e", **kwargs)


def test_mc_repr_helps_without_giving_the_answer_away() -> None:
    text = repr(mc())
    assert text.startswith("MultipleChoice(") and "smaller" in text and ".check(" in text
    assert "answer=" not in text


# -- ShortAnswer ----------------------------------------------------------------------
def test_normalise_text() -> None:
    assert normalise_text("  Copy\t ON\nWrite ") == "copy on write"


@pytest.mark.parametrize("given", ["whiteout", "  WhiteOut ", "white-out", ".wh.", "White  Out"])
def test_short_answer_normalises_and_accepts_alternatives(given: str) -> None:
    ex = ShortAnswer(
        "What marks a deleted file?", "whiteout", "e", accept=("white-out", ".wh.", "white out")
    )
    assert ex.check(given).correct, given


@pytest.mark.parametrize("given", ["3", "3.0", " 3.00 ", "3e0", 3, 3.0])
def test_short_answer_numbers_compare_numerically(given: object) -> None:
    assert ShortAnswer("How many layers?", 3, "e").check(given).correct


@pytest.mark.parametrize("given", ["4", "three?", "nan", "inf", "0x3"])
def test_short_answer_wrong(given: str) -> None:
    fb = ShortAnswer("How many layers?", "3", "e", hint="Count the FROM layer too.").check(given)
    assert not fb.correct and "Count the FROM layer" in fb.message


def test_short_answer_lone_accept_string_is_one_alternative() -> None:
    ex = ShortAnswer("q", "overlay2", "e", accept="overlay")
    assert ex.check("overlay").correct and not ex.check("o").correct


@pytest.mark.parametrize("bad", ["", "  \n", None, object(), True, ["x"]])
def test_short_answer_bad_input_is_explained(bad: object) -> None:
    fb = ShortAnswer("q", "a", "e").check(bad)
    assert not fb.correct
    assert "Type an answer" in fb.message or "Expected a typed answer" in fb.message


def test_short_answer_custom_check() -> None:
    def sha_prefix(text: str) -> bool:
        return "sha256:abcdef".startswith(text) and len(text) >= 10

    ex = ShortAnswer("Image id?", "sha256:abcdef", "e", check=sha_prefix)
    assert ex.check("sha256:abc").correct
    assert not ex.check("sha256:x").correct


def test_short_answer_custom_check_may_return_feedback_or_hint() -> None:
    ex = ShortAnswer(
        "q",
        "a",
        "e",
        check=lambda t: "Close: think in bytes." if t == "b" else Feedback(True, "Also fine."),
    )
    assert ex.check("b") == Feedback(False, "Close: think in bytes.")
    assert ex.check("c") == Feedback(True, "Also fine.")
    assert ex.check("a") == Feedback(True, "Correct!")  # the spelled answer never reaches check


def test_short_answer_raising_check_becomes_a_message() -> None:
    def broken(text: str) -> bool:
        raise KeyError("boom")

    fb = ShortAnswer("q", "a", "e", check=broken).check("zzz")
    assert not fb.correct
    assert (
        "checker failed" in fb.message
        and "KeyError" in fb.message
        and "not your answer" in fb.message
    )


def test_short_answer_raising_normaliser_becomes_a_message() -> None:
    fb = ShortAnswer("q", "a", "e", normalise=lambda t: 1 / 0).check("x")
    assert not fb.correct and "normaliser failed" in fb.message


def test_short_answer_authoring_error() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        ShortAnswer("q", "  ", "e")


def test_short_answer_repr() -> None:
    text = repr(ShortAnswer("What is a whiteout?", "x", "e", accept=["y"], check=bool))
    assert text.startswith("ShortAnswer(") and "1 alternative" in text and "custom check" in text
    assert "'x'" not in text


def test_long_answers_are_echoed_short() -> None:
    fb = mc().check("z" * 10_000)
    assert len(fb.message) < 200


# -- properties: check never raises, always returns Feedback --------------------------
anything = st.one_of(
    st.text(),
    st.integers(),
    st.floats(),
    st.none(),
    st.booleans(),
    st.binary(),
    st.lists(st.text(), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_mc_check_never_raises(answer: object) -> None:
    fb = mc().check(answer)
    assert isinstance(fb, Feedback) and isinstance(fb.message, str) and fb.message


@settings(max_examples=300, deadline=None)
@given(anything)
def test_short_answer_check_never_raises(answer: object) -> None:
    # The custom check raises ValueError on words: that must come back as Feedback too.
    ex = ShortAnswer("q", "3", "e", accept=("three",), check=lambda t: int(t) == 4)
    fb = ex.check(answer)
    assert isinstance(fb, Feedback) and fb.message
    if isinstance(answer, str) and answer.strip() in {"3", "three", "4"}:
        assert fb.correct


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1).filter(lambda s: s.strip()))
def test_short_answer_accepts_its_own_answer_in_any_case(text: str) -> None:
    ex = ShortAnswer("q", text, "e")
    assert ex.check(f"  {text.upper()} ").correct or text.upper().casefold() != text.casefold()


def test_exercise_module_imports_no_widgets() -> None:
    code = "import sys, layerlab.course.exercise; assert 'ipywidgets' not in sys.modules, 'ipywidgets imported'"
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1]
    )


def test_exercise_names_a_known_misconception() -> None:
    from layerlab.course import MISCONCEPTIONS

    slug = next(iter(MISCONCEPTIONS))
    assert MultipleChoice("q", ["a", "b"], 0, "e", misconception=slug).misconception == slug
    assert ShortAnswer("q", "a", "e", misconception=slug).misconception == slug
    with pytest.raises(ValueError, match="unknown misconception 'no-such'"):
        ShortAnswer("q", "a", "e", misconception="no-such")
