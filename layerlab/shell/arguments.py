"""Reading commands' arguments: short options and sizes with suffixes (``10M``, ``4k``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from layerlab.i18n import _

from .registry import UnsupportedCommand

if TYPE_CHECKING:
    from .process import Process

#: busybox's size suffixes (``k`` is 1024, ``b`` a 512-byte block, ``w`` two bytes): what
#: ``dd``, ``head -c`` and ``truncate -s`` accept, not the units a learner types elsewhere
#: (:func:`layerlab.model.units.parse_size`).
_SUFFIXES = {"": 1, "c": 1, "w": 2, "b": 512, "kB": 1000, "KB": 1000, "k": 1024, "K": 1024, "KiB": 1024,
             "MB": 1000**2, "M": 1024**2, "m": 1024**2, "MiB": 1024**2, "GB": 1000**3, "G": 1024**3,
             "g": 1024**3, "GiB": 1024**3, "TB": 1000**4, "T": 1024**4, "t": 1024**4}


def parse_options(sh: Process, argv: list[str], letters: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    """Short options (``-rf``, ``-m 755``, ``-m755``) until ``--`` or the first operand.

    Returns the flags, the options' values and the operands. An option letter outside
    ``letters`` and ``with_value`` raises UnsupportedCommand: the model does not guess.
    """
    flags: set[str] = set()
    values: dict[str, str] = {}
    rest = argv[1:]
    while rest and rest[0].startswith("-") and rest[0] != "-":
        arg = rest.pop(0)
        if arg == "--":
            break
        if arg.startswith("--"):
            flags.add(arg)
            continue
        j = 1
        while j < len(arg):
            c = arg[j]
            if c in with_value:
                value = arg[j + 1 :] or (rest.pop(0) if rest else "")
                values[c] = value
                break
            if c not in letters:
                raise UnsupportedCommand(f"{argv[0]} -{c}", sh.line, _("option -{c} of {command}", c=c, command=argv[0]))
            flags.add(c)
            j += 1
    return flags, values, rest


def parse_size(text: str) -> int:
    """``dd``/``head -c``/``truncate -s`` sizes: a number and a unit suffix; ValueError if bad."""
    m = re.fullmatch(r"([0-9]+)([A-Za-z]*)", text)
    if not m or m.group(2) not in _SUFFIXES:
        raise ValueError(text)
    return int(m.group(1)) * _SUFFIXES[m.group(2)]
