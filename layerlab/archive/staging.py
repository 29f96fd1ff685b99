"""Files and directories that appear only when complete: written beside the target under a
temporary name, renamed into place at the end, removed if anything fails."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def staged_file(path: Path) -> Iterator[BinaryIO]:
    """A file opened for writing that becomes ``path`` when the block ends without error."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@contextmanager
def staged_dir(target: Path, prefix: str) -> Iterator[Path]:
    """A new directory that becomes ``target`` (replacing an empty one) when the block ends
    without error; ``prefix`` names the temporary one (``.name.`` plus a random part)."""
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    try:
        yield work
        if target.exists():
            target.rmdir()
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
