"""A size the model knows only within an interval, and the rule for comparing it.

With the containerd image store, ``docker images`` SIZE, ``system df``'s image sizes and
``image inspect``'s Size count compressed blobs: layerlab compresses with zlib, the engine
with Go's deflate, and the engine writes times whose digit count varies from build to
build, so those bytes are known only within bounds
(:attr:`~layerlab.model.compression.GzipBlob.engine_bounds`,
:func:`~layerlab.engine.sizes.content_slack`). Everything else stays exact.

The rule: the engine's printed value agrees when some size within the model's interval
prints as it does; when it does not, the difference shows the interval
(``'7.3MB..7.34MB'``). A :class:`SizeRange` compares equal to every printed value it
admits, so facts holding one (alone or in a row tuple) compare by that rule as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from layerlab.engine.sizes import content_slack, image_size
from layerlab.model.reference import split_tag
from layerlab.model.units import human_size

if TYPE_CHECKING:
    from layerlab.engine.host import Host

    from .lines import Command

__all__ = ["SizeRange", "admitted_lines", "image_size_facts", "image_size_ranges", "inspect_size_fact", "ranged_printed", "size_fact",
           "within_sizes"]

_PRINTED = re.compile(r"^(\d+(?:\.\d+)?)(B|kB|MB|GB|TB)(.*)$")
_UNITS = {"B": 1, "kB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}


def _value(printed: str) -> float | None:
    match = _PRINTED.match(printed)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


class SizeRange:
    """Sizes from ``low`` to ``high`` bytes, printed with ``precision`` significant digits
    and ``suffix`` after the size (``' (100%)'``)."""

    def __init__(self, low: int, high: int, precision: int = 3, suffix: str = "") -> None:
        self.low, self.high, self.precision, self.suffix = min(low, high), max(low, high), precision, suffix

    def admits(self, printed: object) -> bool:
        """Whether some size in the interval prints as ``printed`` (a number of bytes: whether
        it lies within)."""
        if isinstance(printed, int) and not isinstance(printed, bool):
            return self.low <= printed <= self.high
        if not isinstance(printed, str) or not printed.endswith(self.suffix):
            return False
        text = printed[: len(printed) - len(self.suffix)] if self.suffix else printed
        target = _value(text)
        if target is None:
            return False
        lo, hi = self.low, self.high  # the smallest size whose printed value reaches target
        while lo < hi:
            mid = (lo + hi) // 2
            if (_value(human_size(mid, self.precision)) or 0.0) < target:
                lo = mid + 1
            else:
                hi = mid
        return human_size(lo, self.precision) == text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SizeRange):
            return (self.low, self.high, self.precision, self.suffix) == (
                other.low, other.high, other.precision, other.suffix)
        return self.admits(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self.low, self.high, self.precision, self.suffix))

    def __lt__(self, other: object) -> bool:  # rows are sorted by their first field; never reached
        return str(self) < str(other)

    def __str__(self) -> str:
        low, high = human_size(self.low, self.precision), human_size(self.high, self.precision)
        return f"{low}{self.suffix}" if low == high else f"{low}..{high}{self.suffix}"

    def __repr__(self) -> str:
        return repr(str(self))


def size_fact(size: int, slack: tuple[int, int], precision: int = 3, suffix: str = "") -> str | SizeRange:
    """A printed size, or the interval the engine's value may lie in (``slack``: bytes less
    and more than ``size``)."""
    if slack == (0, 0):
        return human_size(size, precision) + suffix
    return SizeRange(size - slack[0], size + slack[1], precision, suffix)


def admitted_lines(mine: Sequence[str], theirs: Sequence[str], ranges: dict[str, SizeRange]) -> list[str]:
    """The model's table lines with each ranged size (``ranges``: the line's first words ->
    its interval) replaced by the engine's printed value when the interval admits it (the
    engine's line for the same first words), else by the interval."""
    engine = {" ".join(line.split()[:2]): line for line in theirs}
    out = []
    for line in mine:
        key = " ".join(line.split()[:2])
        size = ranges.get(key)
        words = line.rsplit(None, 1)
        if size is None or len(words) != 2:
            out.append(line)
            continue
        other = engine.get(key, "").rsplit(None, 1)
        shown = other[1] if len(other) == 2 and size.admits(other[1]) else str(size)
        out.append(line[: len(line) - len(words[1])] + shown)
    return out


def image_size_facts(host: Host) -> list[tuple[str, str | SizeRange]]:
    """``docker images`` rows as facts: (repository:tag, SIZE or its interval)."""
    rows = []
    store = host.image_store
    for image_id, record in store.newest_first():
        for tag in store.tags_of(image_id) or ["<none>:<none>"]:
            repository, name = split_tag(tag)
            rows.append((f"{repository}:{name}", size_fact(image_size(record), content_slack(record))))
    return sorted(rows, key=lambda row: row[0])


def image_size_ranges(host: Host) -> dict[str, SizeRange]:
    """``docker images`` lines' first two words (REPOSITORY TAG) -> the interval of their
    SIZE, for the images whose size is not exact."""
    out = {}
    for key, size in image_size_facts(host):
        if isinstance(size, SizeRange):
            repository, _, name = key.rpartition(":")
            out[f"{repository} {name}"] = size
    return out


def ranged_printed(printed: str, size: int, slack: tuple[int, int], precision: int) -> str | SizeRange:
    """A printed ``size`` with what follows it (``7.22MB (100%)``) as :func:`size_fact`."""
    match = _PRINTED.match(printed)
    return size_fact(size, slack, precision, match.group(3) if match else "")


def within_sizes(command: Command, host: Host, mine: list[str], theirs: list[str]) -> list[str]:
    """The simulator's lines of ``command`` for a side-by-side view: a ``docker images``
    SIZE the model knows within an interval shows the engine's value when the interval
    admits it, else the interval (:func:`admitted_lines`)."""
    if command.verb != "images":
        return mine
    return admitted_lines(mine, theirs, image_size_ranges(host))


def inspect_size_fact(host: Host, ref: str, size: int) -> int | SizeRange:
    """``docker image inspect``'s Size (bytes) as a fact: the content's interval with the
    containerd store (:func:`~layerlab.engine.sizes.content_slack`), else exact."""
    record = host.image_store.record(ref)
    less, more = content_slack(record) if record is not None else (0, 0)
    return size if (less, more) == (0, 0) else SizeRange(size - less, size + more)
