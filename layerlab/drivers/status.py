"""A driver's life cycle in Docker Engine versions: added, default, deprecated, removed.

``DriverStatus.available_in("24.0")`` says whether an engine of that version can use the
driver and why; the driver choice and the data-root checks read versions the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import DriverError


def parse_version(version: str) -> tuple[int, ...]:
    """``"20.10.24+dfsg1"`` -> ``(20, 10, 24)``; refuses text without a leading number."""
    match = re.match(r"^v?(\d+(?:\.\d+)*)", version.strip())
    if not match:
        raise DriverError(f"not an engine or kernel version: {version!r} (expected e.g. '24.0' or '5.11')")
    return tuple(int(p) for p in match.group(1).split("."))


def version_at_least(version: str, minimum: str) -> bool:
    have, want = parse_version(version), parse_version(minimum)
    width = max(len(have), len(want))
    return have + (0,) * (width - len(have)) >= want + (0,) * (width - len(want))


@dataclass(frozen=True)
class Availability:
    """Whether an engine version can use a driver, and why (truthy when it can)."""

    ok: bool
    reason: str

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class DriverStatus:
    """A driver's life cycle in Docker Engine versions (``None``: never happened)."""

    added: str | None = None
    default_since: str | None = None
    deprecated: str | None = None
    disabled_by_default: str | None = None  #: still there, but needs an explicit opt-in
    removed: str | None = None
    note: str = ""
    source: str = "DEP"
    replaced_by: str | None = None  #: the driver the engine's docs send users to instead

    @property
    def supported(self) -> bool:
        """Supported in current engines: not deprecated, not removed."""
        return self.deprecated is None and self.removed is None

    def available_in(self, engine_version: str) -> Availability:
        if self.added and not version_at_least(engine_version, self.added):
            return Availability(False, f"added in Engine {self.added}, after {engine_version}")
        if self.removed and version_at_least(engine_version, self.removed):
            instead = f"; replaced by {self.replaced_by}" if self.replaced_by else ""
            return Availability(False, f"removed in Engine {self.removed} (deprecated in {self.deprecated}){instead}")
        if self.disabled_by_default and version_at_least(engine_version, self.disabled_by_default):
            return Availability(
                True,
                f"deprecated in {self.deprecated}; disabled by default since {self.disabled_by_default} "
                f"(opt-in only), removed in {self.removed}",
            )
        if self.deprecated and version_at_least(engine_version, self.deprecated):
            return Availability(True, f"deprecated since Engine {self.deprecated}; removed in {self.removed or 'a later release'}")
        return Availability(True, "supported" + (f" ({self.note})" if self.note else ""))

    def __str__(self) -> str:
        parts = []
        if self.added:
            parts.append(f"added {self.added}")
        if self.default_since:
            parts.append(f"default since {self.default_since}")
        if self.deprecated:
            parts.append(f"deprecated {self.deprecated}")
        if self.disabled_by_default:
            parts.append(f"off by default {self.disabled_by_default}")
        if self.removed:
            parts.append(f"removed {self.removed}")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts) or "supported"
