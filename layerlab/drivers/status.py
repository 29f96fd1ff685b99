"""A driver's life cycle in Docker Engine versions: added, default, deprecated, removed.

``DriverStatus.available_in("24.0")`` says whether an engine of that version can use the
driver and why; the driver choice and the data-root checks read versions the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layerlab.i18n import _, translate

from .errors import DriverError


def parse_version(version: str) -> tuple[int, ...]:
    """``"20.10.24+dfsg1"`` -> ``(20, 10, 24)``; refuses text without a leading number."""
    match = re.match(r"^v?(\d+(?:\.\d+)*)", version.strip())
    if not match:
        raise DriverError(_("not an engine or kernel version: {version!r} (expected e.g. '24.0' or '5.11')", version=version))
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
            return Availability(False, _("added in Engine {added}, after {version}", added=self.added, version=engine_version))
        if self.removed and version_at_least(engine_version, self.removed):
            instead = _("; replaced by {driver}", driver=self.replaced_by) if self.replaced_by else ""
            return Availability(False, _("removed in Engine {removed} (deprecated in {deprecated}){instead}",
                                         removed=self.removed, deprecated=self.deprecated, instead=instead))
        if self.disabled_by_default and version_at_least(engine_version, self.disabled_by_default):
            return Availability(
                True,
                _("deprecated in {deprecated}; disabled by default since {disabled} "
                  "(opt-in only), removed in {removed}",
                  deprecated=self.deprecated, disabled=self.disabled_by_default, removed=self.removed),
            )
        if self.deprecated and version_at_least(engine_version, self.deprecated):
            return Availability(True, _("deprecated since Engine {deprecated}; removed in {removed}", deprecated=self.deprecated,
                                        removed=self.removed or _("a later release")))
        return Availability(True, _("supported") + (f" ({translate(self.note)})" if self.note else ""))

    def __str__(self) -> str:
        parts = []
        if self.added:
            parts.append(_("added {version}", version=self.added))
        if self.default_since:
            parts.append(_("default since {version}", version=self.default_since))
        if self.deprecated:
            parts.append(_("deprecated {version}", version=self.deprecated))
        if self.disabled_by_default:
            parts.append(_("off by default {version}", version=self.disabled_by_default))
        if self.removed:
            parts.append(_("removed {version}", version=self.removed))
        if self.note:
            parts.append(translate(self.note))
        return ", ".join(parts) or _("supported")
