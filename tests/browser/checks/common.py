"""Helpers shared by the notebook checks."""

from __future__ import annotations

from typing import Any


def answer(page: Any, exercise: Any, label: Any, attempt: int) -> tuple[bool, str]:
    """Choose ``label``, press Check, wait for this attempt's feedback; (correct?, text)."""
    label.click()
    exercise.locator(".layerlab-check").click()
    body = exercise.locator(f".layerlab-feedback-body[data-attempt='{attempt}']")
    body.wait_for(timeout=15_000)
    classes = body.get_attribute("class") or ""
    assert ("layerlab-correct" in classes) != ("layerlab-wrong" in classes), classes
    return "layerlab-correct" in classes, body.inner_text()
