"""Per-notebook browser checks: ``nbNN.py`` holds ``check(page, artifacts)`` for notebook NN.

Each check uses one widget of its notebook in the real browser after Run All and proves
that the picture or output changed as it should. A notebook without a module here is only
run and checked for errors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

Check = Callable[[Any, Path], None]


def find_check(notebook: Path) -> Check | None:
    """The ``check`` for ``notebook`` (by its two-digit number), or None."""
    number = notebook.name[:2]
    if not number.isdigit():
        return None
    try:
        module = importlib.import_module(f"{__name__}.nb{number}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.nb{number}":
            return None
        raise
    return module.check
