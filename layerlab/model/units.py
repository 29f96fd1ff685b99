"""Sizes as the docker CLI prints them and as a learner types them."""

from __future__ import annotations


def human_size(n: int, precision: int = 3) -> str:
    """Sizes as the docker CLI prints them: decimal units, ``precision`` significant digits
    (3 in ``docker images`` and ``history``, 4 in ``docker system df``'s totals)."""
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.{precision}g}{unit}"
        value /= 1000
    raise AssertionError
