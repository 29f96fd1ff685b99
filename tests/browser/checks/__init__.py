"""Per-notebook browser checks: ``nbNN.py`` holds ``check(page, artifacts, say)`` for notebook
NN, in every track (``04-copy-on-write.ipynb`` and ``ko/04-copy-on-write.ipynb``).

Each check uses one widget of its notebook in the real browser after Run All and proves
that the picture or output changed as it should. What it checks is structure and numbers;
where it looks for a sentence, it names the English sentence and ``say``
(:class:`~tests.browser.language.Say`) gives it in the notebook's language, as the kernel's
catalogue does. ``artifacts`` is the track's folder for its screenshots (the English ones
in the artefacts' root as before, the Korean ones under ``ko/``). A notebook without a
module here is only run and checked for errors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any

from ..language import Say

Check = Callable[[Any, Path, Say], None]


def find_check(notebook: PathLike[str]) -> Check | None:
    """The ``check`` for ``notebook`` (by its file's two-digit number, in any track), or None."""
    number = Path(notebook).name[:2]
    if not number.isdigit():
        return None
    try:
        module = importlib.import_module(f"{__name__}.nb{number}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.nb{number}":
            return None
        raise
    return module.check
