"""Progress bars for long reads and writes: a terminal bar in the CLI, a widget bar in Jupyter."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Work smaller than this finishes too fast for a bar to help.
MIN_BYTES_FOR_BAR = 64 << 20

Tick = Callable[[int], None]


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    try:
        return shell is not None and shell.get_ipython().__class__.__name__ == "ZMQInteractiveShell"  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no IPython running
        return False


@contextmanager
def byte_progress(total: int, description: str, show: bool | None = None) -> Iterator[Tick]:
    """Yield a function to call with each number of bytes done.

    ``show=None`` decides by itself: a bar when the work is big and someone is watching
    (a terminal or a notebook).
    """
    if show is None:
        show = total >= MIN_BYTES_FOR_BAR and (sys.stderr.isatty() or _in_notebook())
    if not show:
        yield lambda n: None
        return
    # our own test of where we run, not tqdm.auto's guess (which a test's IPython shell fools)
    if _in_notebook():
        from tqdm.notebook import tqdm
    else:
        from tqdm.std import tqdm

    with tqdm(total=total, desc=description, unit="B", unit_scale=True, unit_divisor=1024, leave=False) as bar:
        yield bar.update
