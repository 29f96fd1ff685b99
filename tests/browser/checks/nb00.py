"""00 · start here: the first exercise answers right and wrong in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..language import Say
from .common import check_multiple_choice


def check(page: Any, artifacts: Path, say: Say) -> None:
    check_multiple_choice(page, page.locator(".layerlab-exercise").first, artifacts, "00")
