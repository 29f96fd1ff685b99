"""Helpers shared by the notebook checks: waiting for the kernel's answer, finding what it
says in the notebook's language, and exercises."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from ..language import Say

#: How long a check waits for the kernel to redraw a widget after a click, in ms.
WAIT_MS = 15_000


def wait_changed(page: Any, element: Any, old_html: str) -> None:
    """Wait until ``element``'s inner HTML is no longer ``old_html``: the widget redrew."""
    page.wait_for_function(
        "([el, old]) => el.innerHTML !== old", arg=[element.element_handle(), old_html],
        timeout=WAIT_MS,
    )  # fmt: skip


def wait_text(page: Any, element: Any, text: str | re.Pattern[str]) -> None:
    """Wait until ``element``'s text contains ``text``, or matches it if it is a pattern (the
    widget may be replaced inside)."""
    if isinstance(text, re.Pattern):
        flags = "i" if text.flags & re.IGNORECASE else ""
        page.wait_for_function(
            "([el, source, flags]) => new RegExp(source, flags).test(el.textContent)",
            arg=[element.element_handle(), text.pattern, flags], timeout=WAIT_MS,
        )  # fmt: skip
        return
    page.wait_for_function(
        "([el, text]) => el.textContent.includes(text)", arg=[element.element_handle(), text],
        timeout=WAIT_MS,
    )  # fmt: skip


def wait_said(page: Any, element: Any, say: Say, *english: str, **values: Any) -> str:
    """Wait until ``element`` shows one of the ``english`` sentences in the notebook's language
    (fields not in ``values`` match any text); its text then. A sentence that never shows
    fails with what the catalogue gave for it and what the element shows instead."""
    wanted = say.pattern(*english, **values)
    try:
        wait_text(page, element, wanted)
    except Exception as exc:  # noqa: BLE001 - Playwright's timeout, said in the course's words
        if type(exc).__name__ != "TimeoutError":
            raise
        shown = " ".join(element.text_content().split())
        raise AssertionError(
            f"never shown: {' or '.join(say.describe(e) for e in english)}; "
            f"the element shows {shown[:300]!r}"
        ) from None
    return element.text_content()


def assert_said(text: str, say: Say, *english: str, **values: Any) -> None:
    """``text`` holds one of the ``english`` sentences in the notebook's language."""
    assert say.pattern(*english, **values).search(text), (
        f"not shown: {' or '.join(say.describe(e) for e in english)}; shown: "
        f"{' '.join(text.split())[:300]!r}"
    )


def answer(page: Any, exercise: Any, label: Any, attempt: int) -> tuple[bool, str]:
    """Choose ``label``, press Check, wait for this attempt's feedback; (correct?, text)."""
    label.click()
    exercise.locator(".layerlab-check").click()
    body = exercise.locator(f".layerlab-feedback-body[data-attempt='{attempt}']")
    body.wait_for(timeout=WAIT_MS)
    classes = body.get_attribute("class") or ""
    assert ("layerlab-correct" in classes) != ("layerlab-wrong" in classes), classes
    return "layerlab-correct" in classes, body.inner_text()


def check_multiple_choice(page: Any, exercise: Any, artifacts: Path, name: str) -> None:
    """Find the right option by trying them all, then prove wrong -> ✗ and right -> ✓.

    The test does not know the answer: it learns it from the widget's own feedback, and
    requires exactly one option to be right and at least one to be wrong.
    """
    exercise.scroll_into_view_if_needed()
    labels = exercise.locator(".layerlab-choice .widget-radio-box label")
    count = labels.count()
    assert count >= 2, f"{name}: the exercise should be multiple choice with at least two options"
    attempt = 0
    verdicts: list[bool] = []
    for i in range(count):
        attempt += 1
        verdicts.append(answer(page, exercise, labels.nth(i), attempt)[0])
    assert verdicts.count(True) == 1, f"exactly one option should be right, got {verdicts}"
    right = verdicts.index(True)
    wrong = verdicts.index(False)

    attempt += 1
    correct, text = answer(page, exercise, labels.nth(wrong), attempt)
    assert not correct and "✗" in text
    assert exercise.locator(".layerlab-explanation").count() == 0, (
        "explanation shown after a wrong answer"
    )
    exercise.screenshot(path=str(artifacts / f"{name}-exercise-wrong.png"))

    attempt += 1
    t0 = time.perf_counter()
    correct, text = answer(page, exercise, labels.nth(right), attempt)
    round_trip = time.perf_counter() - t0
    assert correct and "✓" in text
    assert exercise.locator(".layerlab-explanation").count() == 1, (
        "no explanation after a right answer"
    )
    assert "layerlab-correct" in (
        exercise.locator(".layerlab-feedback").first.get_attribute("class") or ""
    )
    exercise.screenshot(path=str(artifacts / f"{name}-exercise-right.png"))
    print(
        f"{name} exercise: {count} options, right one is #{right}, check round trip {round_trip * 1000:.0f} ms"
    )


def exercise_asking(page: Any, say: Say, exercise_id: str) -> Any:
    """The exercise widget asking the course's exercise ``exercise_id``, found by the first
    line of its question in the notebook's language (the widget shows no id)."""
    from layerlab.course.exercises import find  # the course's data, read as the kernel does

    question = find(exercise_id).source_texts()[0]
    line = say.shown(question).strip().splitlines()[0]
    found = page.locator(".layerlab-exercise").filter(has_text=line)
    if found.count() == 0:
        asked = page.locator(".layerlab-exercise .layerlab-question").all_inner_texts()
        raise AssertionError(
            f"no exercise asks {exercise_id}: {say.describe(question)}; the exercises ask "
            f"{[' '.join(q.split())[:80] for q in asked]}"
        )
    return found.first
