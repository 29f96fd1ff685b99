"""The containerd image store (placeholder until its layout lands)."""

from __future__ import annotations

from typing import Any

from .root import DataRootError


def containerd_layout(*_: Any) -> Any:
    raise DataRootError(
        "the containerd image store layout is not available yet (supported: overlay2)"
    )
