"""``test`` and ``[``: strings, integers and file checks, combined with ``!`` ``-a`` ``-o``."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from layerlab.model.fs import Dir, Entry, File, Symlink

from .files import lstat_entry, stat_entry
from .process import Process
from .registry import command
from .streams import IO


@command("test", "[")
def _test(sh: Process, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if posixpath.basename(argv[0]) == "[":
        if not args or args[-1] != "]":
            io.err("sh: [: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _test_expr(sh, args) else 1
    except ValueError as exc:
        io.err(f"sh: {argv[0]}: {exc}\n")
        return 2


def _test_expr(sh: Process, args: list[str]) -> bool:
    """test's expressions by argument count (POSIX), with -a and -o."""
    for op in ("-o", "-a"):
        if op in args[1:-1]:
            i = len(args) - 1 - args[::-1].index(op)
            left, right = _test_expr(sh, args[:i]), _test_expr(sh, args[i + 1 :])
            return (left or right) if op == "-o" else (left and right)
    if not args:
        return False
    if args[0] == "!" and len(args) > 1:
        return not _test_expr(sh, args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        op, arg = args
        if op == "-n":
            return arg != ""
        if op == "-z":
            return arg == ""
        if op in ("-h", "-L"):
            return isinstance(lstat_entry(sh, arg), Symlink)
        entry = stat_entry(sh, arg)
        checks: dict[str, Callable[[Entry | None], bool]] = {
            "-e": lambda e: e is not None,
            "-f": lambda e: isinstance(e, File),
            "-d": lambda e: isinstance(e, Dir),
            "-s": lambda e: isinstance(e, File) and e.size > 0,
            "-r": lambda e: e is not None,
            "-w": lambda e: e is not None,
            "-x": lambda e: e is not None and (isinstance(e, Dir) or bool(e.mode & 0o111)),
        }
        if op not in checks:
            raise ValueError(f"{op}: unary operator expected")
        return checks[op](entry)
    if len(args) == 3:
        left, op, right = args
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        numeric = {"-eq": int.__eq__, "-ne": int.__ne__, "-lt": int.__lt__, "-gt": int.__gt__, "-le": int.__le__, "-ge": int.__ge__}
        if op in numeric:
            try:
                return bool(numeric[op](int(left), int(right)))
            except ValueError:
                raise ValueError(f"{left if not left.lstrip('-').isdigit() else right}: bad number") from None
        raise ValueError(f"{op}: binary operator expected")
    raise ValueError("too many arguments")
