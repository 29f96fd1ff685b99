"""03 · image vs container layer: the exercise on where a container's writes go answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .common import check_multiple_choice


def check(page: Any, artifacts: Path) -> None:
    exercise = page.locator(".layerlab-exercise").filter(
        has_text="Where do the container's writes go"
    )
    check_multiple_choice(page, exercise.first, artifacts, "03")
