"""The course's exercises as data: complete (a hint for every wrong option, an explanation, a
proof), named by notebook, and each proof that needs nothing from a notebook agrees with the model.

Proofs that need a notebook's objects run when the notebooks run (nbval): a proof that fails
there shows "⚠" in the exercise's stored text, which ``test_notebooks_clean`` refuses.
"""

from __future__ import annotations

import re

import pytest

from layerlab.course import MISCONCEPTIONS
from layerlab.course.exercise import MultipleChoice, ShortAnswer
from layerlab.course.exercises import EXERCISES, UnknownExercise, find, of_notebook
from layerlab.course.proof import Printed, Proof, ProofError, Said, Table, expect

ALL = list(EXERCISES.values())
IDS = [ex.id for ex in ALL]


def test_the_course_has_its_exercises_in_notebook_order() -> None:
    assert len(ALL) >= 30
    numbers = [ex.notebook_number for ex in ALL]
    assert numbers == sorted(numbers) and set(numbers) == set(range(9))
    assert [ex.id for ex in of_notebook(4)] == [i for i in IDS if i.startswith("04-")]


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_every_wrong_answer_gets_a_hint(ex: MultipleChoice | ShortAnswer) -> None:
    if isinstance(ex, MultipleChoice):
        missing = [ex.options[i] for i in ex.wrong_options if not ex.hints.get(i, "").strip()]
        assert not missing, f"{ex.id}: wrong options without a hint: {missing}"
    else:
        assert ex.hint.strip(), f"{ex.id}: a short answer needs a hint for a wrong answer"


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_every_exercise_explains_and_proves(ex: MultipleChoice | ShortAnswer) -> None:
    assert len(ex.explanation.split()) >= 12, f"{ex.id}: explanation too short to explain"
    assert ex.proof is not None and ex.proof.title.strip(), f"{ex.id}: nothing proves the answer"
    assert ex.misconception is None or ex.misconception in MISCONCEPTIONS


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_course_text_has_no_template_left_in_it(ex: MultipleChoice | ShortAnswer) -> None:
    texts = [ex.question, ex.explanation, *getattr(ex, "options", ()), *getattr(ex, "hints", {}).values()]
    texts.append(getattr(ex, "hint", ""))
    assert not [t for t in texts if re.search(r"\{[a-z_]+\}", t)], ex.id


NEEDS_NOTHING = [ex for ex in ALL if ex.proof is not None and not ex.proof.needs]


@pytest.mark.parametrize("ex", NEEDS_NOTHING, ids=[ex.id for ex in NEEDS_NOTHING])
def test_proofs_from_course_data_alone_agree_with_the_model(ex: MultipleChoice | ShortAnswer) -> None:
    """These proofs compute everything themselves; their expect() checks hold the course's
    text to the model (a disagreement raises ProofError)."""
    assert ex.proof is not None
    parts = ex.proof.parts({})
    assert parts and all(isinstance(p, (Said, Printed, Table)) or hasattr(p, "to_html") for p in parts)


def test_find_names_the_ids_there_are() -> None:
    assert find(" 04-chmod ") is EXERCISES["04-chmod"]
    with pytest.raises(UnknownExercise, match=r"There is no exercise '04-chmd'\. Notebook 04's exercises are: 04-chmod, 04-append-bytes"):  # fmt: skip
        find("04-chmd")
    with pytest.raises(UnknownExercise, match=r"Exercise ids are like '04-chmod'"):
        find("chmod")
    with pytest.raises(UnknownExercise, match=r"not NoneType"):
        find(None)


def test_course_data_refuses_bad_ids_and_misconceptions() -> None:
    with pytest.raises(ValueError, match="is not NN-words-with-dashes"):
        MultipleChoice("q", ["a", "b"], 0, "e", id="4-chmod")
    with pytest.raises(ValueError, match="unknown misconception 'nope'"):
        ShortAnswer("q", "a", "e", misconception="nope", id="04-x")
    assert ShortAnswer("q", "a", "e", id="04-x").notebook_number == 4


def test_a_proof_says_which_objects_it_needs() -> None:
    proof = Proof("t", lambda result, host: [Said(f"{result} on {host}")], needs=("result", "host"))
    assert proof.parts({"result": 1, "host": "h"}) == [Said("1 on h")]
    with pytest.raises(ProofError, match=r"needs `host` from the notebook: pass host=\.\.\."):
        proof.parts({"result": 1})
    with pytest.raises(ProofError, match=r"does not use `walk`; it uses `result`, `host`"):
        proof.parts({"result": 1, "host": "h", "walk": 0})
    with pytest.raises(ProofError, match="needs no objects"):
        Proof("t", lambda: []).parts({"walk": 0})


def test_expect_and_tables_check_their_input() -> None:
    expect(True, "fine")
    with pytest.raises(ProofError, match="The course's text and the model disagree: 2 is not 3"):
        expect(False, "2 is not 3")
    with pytest.raises(ValueError, match="has 1 cells for 2 columns"):
        Table(("a", "b"), (("only",),))
