"""A statement about a driver always names where it comes from (see docker-storage-facts.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layerlab.i18n import _, translate

from .errors import DriverError

#: Source keys: the documents and observations a fact may cite.
SOURCES: dict[str, str] = {
    "DOV": "docker/docs engine/storage/drivers/overlayfs-driver.md",
    "DSD": "docker/docs engine/storage/drivers/_index.md",
    "DSEL": "docker/docs engine/storage/drivers/select-storage-driver.md",
    "DCTD": "docker/docs engine/storage/containerd.md",
    "DEP": "docker/cli docs/deprecated.md",
    "KOV": "linux Documentation/filesystems/overlayfs.rst",
    "M": "moby/moby source (daemon/graphdriver/...)",
    "ENGINE": "observed on a real Docker Engine (tests/engine/test_driver_engines.py)",
}


@dataclass(frozen=True)
class Fact:
    """One statement about a driver and the source key it comes from."""

    text: str
    source: str

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise DriverError(_("unknown source key {source!r} (known: {known})", source=self.source, known=", ".join(SOURCES)))


class Translated:
    """A driver's class attribute written in English and marked with ``N_`` (a sentence, or a
    tuple of them): reading it gives it in the learner's language."""

    def __init__(self, text: str | tuple[str, ...]) -> None:
        self.text = text

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if isinstance(self.text, tuple):
            return tuple(translate(t) for t in self.text)
        return translate(self.text)
