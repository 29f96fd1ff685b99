"""Sizes as the docker CLI prints them and as a learner types them.

One set of units for every size a person types (the CLI's ``--highest-wasted-bytes``, the
driver lab's file size): plain bytes, decimal ``kB`` ``MB`` ``GB`` ``TB`` as docker prints
sizes, binary ``KiB`` ``MiB`` ``GiB`` ``TiB`` as ``du``, ``dd`` and the kernel count. Each
caller turns :class:`NotASize` into its own error and applies its own limits.

>>> parse_size("1.5 kB"), parse_size("1GiB"), parse_size("1,000,000")
(1500, 1073741824, 1000000)
>>> human_size(1_234_567)
'1.23MB'
"""

from __future__ import annotations

import re
from fractions import Fraction

from layerlab.i18n import _

KB = 1000
MB = 1000 * KB
GB = 1000 * MB
TB = 1000 * GB
KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
TiB = 1024 * GiB

#: The units :func:`parse_size` reads, by lower-cased name (the case of a unit is not checked).
SIZE_UNITS: dict[str, int] = {
    "b": 1, "kb": KB, "mb": MB, "gb": GB, "tb": TB,
    "kib": KiB, "mib": MiB, "gib": GiB, "tib": TiB,
}  # fmt: skip
#: The same units as a person writes them, for messages.
SIZE_UNITS_TEXT = "B, kB, MB, GB, TB, KiB, MiB, GiB, TiB"

_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)")


class NotASize(ValueError):
    """Text that is not a number of bytes, with or without one of :data:`SIZE_UNITS`."""


class NotWholeBytes(NotASize):
    """A size such as ``1.3 B`` or ``0.1 KiB`` that does not come to a whole number of bytes."""


def parse_size(text: str) -> int:
    """A typed size in bytes: a number (``_`` or ``,`` may group its digits, a decimal point
    is allowed), optional spaces, then an optional unit from :data:`SIZE_UNITS`.

    Raises :class:`NotWholeBytes` for a fraction of a byte, :class:`NotASize` for anything
    else that is not a size (a sign, an unknown unit, no number).
    """
    cleaned = text.strip().replace("_", "").replace(",", "").lower()
    match = _SIZE.fullmatch(cleaned)
    if not match or match.group(2) not in ("", *SIZE_UNITS):
        raise NotASize(_("{text!r} is not a size", text=text))
    exact = Fraction(match.group(1)) * SIZE_UNITS[match.group(2) or "b"]
    if exact.denominator != 1:
        raise NotWholeBytes(_("{text!r} is not a whole number of bytes", text=text))
    return int(exact)


def human_size(n: int, precision: int = 3) -> str:
    """Sizes as the docker CLI prints them: decimal units, ``precision`` significant digits
    (3 in ``docker images`` and ``history``, 4 in ``docker system df``'s totals)."""
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.{precision}g}{unit}"
        value /= 1000
    raise AssertionError
