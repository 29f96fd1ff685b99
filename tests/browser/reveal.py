"""Every exercise answered once and opened with Show me, so what proves its answer is on screen.

An exercise keeps its proof (a picture, a table, the model's output) hidden until the
learner has tried; these are the course's widest and busiest outputs, so the browser test
opens every one of them the way a learner does: pick the first option (or type ``0``),
Check, then Show me, and wait until the exercise says what the answer is.
"""

from __future__ import annotations

from typing import Any

from .checks.common import WAIT_MS
from .lab import wait_kernel_idle

EXERCISES = ".jp-NotebookPanel:not(.lm-mod-hidden) .layerlab-exercise"
#: Any attempt unlocks Show me: right or wrong does not matter here.
SOME_ANSWER = "0"


class NoShowMe(Exception):
    """These exercises have no Show me button (a course from before it existed)."""


def reveal_every_proof(page: Any) -> int:
    """Open every exercise of the visible notebook with Show me; return how many there were.
    Raises :class:`NoShowMe` at once if the exercises have no such button."""
    from playwright.sync_api import Error as PlaywrightError  # only where a browser runs

    exercises = page.locator(EXERCISES)
    count = exercises.count()
    if count and exercises.locator(".layerlab-reveal").count() == 0:
        raise NoShowMe(f"{count} exercises, none with a Show me button")
    for i in range(count):
        exercise = exercises.nth(i)
        exercise.scroll_into_view_if_needed()
        options = exercise.locator(".layerlab-choice .widget-radio-box label")
        if options.count():
            options.first.click()
        else:
            exercise.locator(".layerlab-answer input").fill(SOME_ANSWER)
        exercise.locator(".layerlab-check").click()
        try:
            exercise.locator(".layerlab-reveal").click(timeout=WAIT_MS)  # enabled by the attempt
            exercise.locator(".layerlab-feedback.layerlab-revealed").wait_for(timeout=WAIT_MS)
        except PlaywrightError as exc:
            said = exercise.locator(".layerlab-feedback").first.inner_text().strip()
            raise AssertionError(
                f"exercise {i + 1} of {count} did not open with Show me after an attempt "
                f"(it says {said[:200]!r}): {str(exc).splitlines()[0]}"
            ) from None
    wait_kernel_idle(page)  # every update of the proofs has reached the page
    return count
