"""A statement about a driver always names where it comes from (see docker-storage-facts.md)."""

from __future__ import annotations

from dataclasses import dataclass

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
            raise DriverError(f"unknown source key {self.source!r} (known: {', '.join(SOURCES)})")
