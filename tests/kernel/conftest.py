"""Kernel tests: the overlay model against the Linux kernel's overlayfs (root only).

``kernel_scratch`` is a tmpfs mounted for the session (lower, upper and work dirs of every
example live there: fast, and tmpfs supports the trusted.* xattrs and whiteouts overlayfs
needs). Without root/Linux/overlayfs the tests skip; ``LAYERLAB_REQUIRE_KERNEL=1`` (CI)
turns the skip into a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from layerlab.real import kernel


def skip_or_fail(reason: str) -> None:
    if os.environ.get("LAYERLAB_REQUIRE_KERNEL") == "1":
        pytest.fail(f"LAYERLAB_REQUIRE_KERNEL=1 but {reason}", pytrace=False)
    pytest.skip(reason)


class Scratch:
    """A session tmpfs handing out fresh, never reused directories."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._counter = itertools.count()

    def fresh(self) -> Path:
        return self.path / f"ex{next(self._counter)}"


@pytest.fixture(scope="session")
def kernel_scratch() -> Iterator[Scratch]:
    reason = kernel.kernel_available()
    if reason is not None:
        skip_or_fail(reason)
    base = Path(tempfile.mkdtemp(prefix="layerlab-kernel-"))
    mounted = False
    try:
        try:
            kernel._mount("tmpfs", base, "tmpfs", "size=512m,mode=0755")
            mounted = True
        except OSError:
            pass  # fall back to the temp dir's own filesystem
        yield Scratch(base)
    finally:
        if mounted:
            kernel._umount(base)
        shutil.rmtree(base, ignore_errors=True)
