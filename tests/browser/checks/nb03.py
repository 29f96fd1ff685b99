"""03 · image vs container layer: the exercise on where a container's writes go answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..language import Say
from .common import check_multiple_choice, exercise_asking


def check(page: Any, artifacts: Path, say: Say) -> None:
    """The exercise asking where a container's writes go (03-where-writes)."""
    check_multiple_choice(page, exercise_asking(page, say, "03-where-writes"), artifacts, "03")
