"""A workload a learner describes in three typed values: containers, file size, bytes written.

The driver lab's "custom" workload: an image whose top layer holds one file of the given
size, and N containers that each append the given number of bytes to it. Values typed as
text (``"1 GiB"``, ``"4096"``, ``"1.5 MB"``) are read here, so a bad value becomes one
clear :class:`DriverError` before any cost is computed.
"""

from __future__ import annotations

import re
from fractions import Fraction

from layerlab.model.content import SyntheticContent
from layerlab.model.layer import Layer

from .base import DriverError, GiB, KiB, MiB, append
from .costs import Workload, _base

__all__ = ["MAX_CONTAINERS", "MAX_SIZE", "UNITS", "custom_workload", "parse_bytes", "parse_count"]

#: Units a typed size may carry (decimal as docker prints them, binary as dd and du do).
UNITS: dict[str, int] = {
    "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
    "kib": KiB, "mib": MiB, "gib": GiB, "tib": 1024**4,
}  # fmt: skip
MAX_CONTAINERS = 10_000
MAX_SIZE = 1024**4  #: 1 TiB: big enough to teach, small enough to stay a plain int everywhere

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_UNIT_LIST = "B, kB, MB, GB, TB, KiB, MiB, GiB, TiB"


def parse_bytes(text: object, what: str = "size") -> int:
    """``"1 GiB"`` -> 1073741824; a whole number of bytes, 0 .. 1 TiB."""
    raw = str(text).strip()
    cleaned = raw.replace("_", "").replace(",", "").lower()
    match = _SIZE.fullmatch(cleaned)
    if not match or match.group(2) not in ("", *UNITS):
        raise DriverError(
            f"{what}: {raw!r} is not a size; type a number of bytes or a number with a unit "
            f"({_UNIT_LIST}), e.g. '4096' or '1 GiB'"
        )
    exact = Fraction(match.group(1)) * UNITS[match.group(2) or "b"]
    if exact.denominator != 1:
        raise DriverError(f"{what}: {raw!r} is not a whole number of bytes; use a smaller unit")
    value = int(exact)
    if value > MAX_SIZE:
        raise DriverError(f"{what}: {raw!r} is more than 1 TiB; the lab models sizes up to 1 TiB")
    return value


def parse_count(text: object, what: str = "containers", maximum: int = MAX_CONTAINERS) -> int:
    """A whole number 0 .. ``maximum``, typed as text (``"10"``, ``"1_000"``)."""
    raw = str(text).strip()
    cleaned = raw.replace("_", "").replace(",", "")
    if not cleaned.isdigit() or not cleaned.isascii():
        raise DriverError(
            f"{what}: {raw!r} is not a whole number; type e.g. '10' (0 to {maximum:,})"
        )
    value = int(cleaned)
    if value > maximum:
        raise DriverError(f"{what}: {value:,} is too many; the lab models 0 to {maximum:,}")
    return value


def custom_workload(
    containers: int | str, file_size: int | str, bytes_written: int | str
) -> Workload:
    """``containers`` containers of one image, each appending ``bytes_written`` to its big file."""
    n = parse_count(containers)
    size = parse_bytes(file_size, "file size")
    nbytes = parse_bytes(bytes_written, "bytes written")
    return Workload(
        "custom",
        f"{n} container{'s' * (n != 1)} each append {nbytes:,} B to a {size:,} B file of the image",
        lambda: [
            _base(),
            Layer.from_files({"data/file.bin": SyntheticContent(size, seed="custom")}),
        ],
        containers=n,
        ops=(append("data/file.bin", nbytes),),
    )
