"""08 · when the disk fills up: the exercise on where an application's logs go answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .common import check_multiple_choice


def check(page: Any, artifacts: Path) -> None:
    exercise = page.locator(".layerlab-exercise").filter(has_text="printed 520 kB of log lines")
    check_multiple_choice(page, exercise.first, artifacts, "08")
