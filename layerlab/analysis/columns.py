"""Columns of text that line up in a terminal once their labels are translated: a wide
character (Hangul, CJK) takes two cells, so padding counts cells, not characters."""

from __future__ import annotations

import unicodedata

__all__ = ["cells", "pad"]


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells (on the left when ``right``), as
    ``f"{text:<width}"`` / ``f"{text:>width}"`` pad ASCII."""
    fill = " " * max(0, width - cells(text))
    return fill + text if right else text + fill
