"""A workload a learner describes in three typed values: containers, file size, bytes written.

The driver lab's "custom" workload: an image whose top layer holds one file of the given
size, and N containers that each append the given number of bytes to it. Values typed as
text (``"1 GiB"``, ``"4096"``, ``"1.5 MB"``) are read here, so a bad value becomes one
clear :class:`DriverError` before any cost is computed.
"""

from __future__ import annotations

from layerlab.i18n import N_, _, translate
from layerlab.model.content import SyntheticContent
from layerlab.model.layer import Layer
from layerlab.model.units import SIZE_UNITS, SIZE_UNITS_TEXT, TiB, NotASize, NotWholeBytes, parse_size

from .errors import DriverError
from .ops import append
from .costs import Workload, base_layer

__all__ = ["MAX_CONTAINERS", "MAX_SIZE", "UNITS", "custom_workload", "parse_bytes", "parse_count"]

#: Units a typed size may carry: :data:`layerlab.model.units.SIZE_UNITS`.
UNITS = SIZE_UNITS
MAX_CONTAINERS = 10_000
MAX_SIZE = TiB  #: big enough to teach, small enough to stay a plain int everywhere


def parse_bytes(text: object, what: str = N_("size")) -> int:
    """``"1 GiB"`` -> 1073741824; a whole number of bytes, 0 .. 1 TiB (units: :func:`parse_size`)."""
    raw, what = str(text).strip(), translate(what)
    try:
        value = parse_size(raw)
    except NotWholeBytes:
        raise DriverError(_("{what}: {raw!r} is not a whole number of bytes; use a smaller unit", what=what, raw=raw)) from None
    except NotASize:
        raise DriverError(_(
            "{what}: {raw!r} is not a size; type a number of bytes or a number with a unit "
            "({units}), e.g. '4096' or '1 GiB'",
            what=what, raw=raw, units=SIZE_UNITS_TEXT,
        )) from None
    if value > MAX_SIZE:
        raise DriverError(_("{what}: {raw!r} is more than 1 TiB; the lab models sizes up to 1 TiB", what=what, raw=raw))
    return value


def parse_count(text: object, what: str = N_("containers"), maximum: int = MAX_CONTAINERS) -> int:
    """A whole number 0 .. ``maximum``, typed as text (``"10"``, ``"1_000"``)."""
    raw, what = str(text).strip(), translate(what)
    cleaned = raw.replace("_", "").replace(",", "")
    if not cleaned.isdigit() or not cleaned.isascii():
        raise DriverError(_(
            "{what}: {raw!r} is not a whole number; type e.g. '10' (0 to {maximum:,})", what=what, raw=raw, maximum=maximum
        ))
    value = int(cleaned)
    if value > maximum:
        raise DriverError(_("{what}: {value:,} is too many; the lab models 0 to {maximum:,}", what=what, value=value, maximum=maximum))
    return value


def custom_workload(
    containers: int | str, file_size: int | str, bytes_written: int | str
) -> Workload:
    """``containers`` containers of one image, each appending ``bytes_written`` to its big file."""
    n = parse_count(containers)
    size = parse_bytes(file_size, N_("file size"))
    nbytes = parse_bytes(bytes_written, N_("bytes written"))
    if n == 1:
        text = _("{n} container each append {nbytes:,} B to a {size:,} B file of the image", n=n, nbytes=nbytes, size=size)
    else:
        text = _("{n} containers each append {nbytes:,} B to a {size:,} B file of the image", n=n, nbytes=nbytes, size=size)
    return Workload(
        "custom",
        text,
        lambda: [
            base_layer(),
            Layer.from_files({"data/file.bin": SyntheticContent(size, seed="custom")}),
        ],
        containers=n,
        ops=(append("data/file.bin", nbytes),),
    )
