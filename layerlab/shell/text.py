"""Commands that write text or pass data through: ``echo`` ``printf`` ``cat`` ``head`` ``tee``."""

from __future__ import annotations

import re

from layerlab.model.content import PrefixContent
from layerlab.model.overlay import FsError

from .arguments import parse_options, parse_size
from .errors import fs_error_text
from .process import Process
from .redirection import open_output
from .registry import command
from .streams import IO, NullSink


@command("echo")
def _echo(sh: Process, argv: list[str], io: IO) -> int:
    args, newline, escapes = argv[1:], True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for c in args.pop(0)[1:]:
            newline = newline and c != "n"
            escapes = (escapes or c == "e") and c != "E"
    text = " ".join(args)
    if escapes:
        text, stop = _unescape(text)
        if stop:
            newline = False
    io.out(text + ("\n" if newline else ""))
    return 0


def _unescape(text: str, *, printf: bool = False) -> tuple[str, bool]:
    """Backslash escapes of echo -e / printf; True if ``\\c`` asked to stop output."""
    out, i = [], 0
    simple = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "r": "\r", "v": "\v", '"': '"'}
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n in simple:
            out.append(simple[n])
            i += 2
        elif n == "c":
            return "".join(out), True
        elif n in "01234567":
            m = re.match(r"0?[0-7]{1,3}" if not printf else r"[0-7]{1,3}", text[i + 1 :])
            digits = m.group() if m else "0"
            out.append(chr(int(digits, 8) & 0xFF))
            i += 1 + len(digits)
        else:
            out.append("\\" + n)
            i += 2
    return "".join(out), False


@command("printf")
def _printf(sh: Process, argv: list[str], io: IO) -> int:
    if len(argv) < 2:
        io.err("printf: usage: printf FORMAT [ARGUMENT...]\n")
        return 1
    fmt, args = argv[1], argv[2:]
    out: list[str] = []
    status = 0
    spec = re.compile(r"%([-+ #0]*[0-9]*(?:\.[0-9]+)?)([sdicxXobu%])")
    while True:
        used = 0

        def convert(m: re.Match[str], args: list[str] = args) -> str:
            nonlocal used, status
            flags, conv = m.groups()
            if conv == "%":
                return "%"
            arg = args[used] if used < len(args) else ""
            used += 1
            if conv == "b":
                return _unescape(arg)[0]
            if conv in "dixXou":
                try:
                    number = int(arg, 0) if arg else 0
                except ValueError:
                    io.err(f"printf: invalid number '{arg}'\n")
                    status = 1
                    number = 0
                return ("%" + flags + ("d" if conv in "iu" else conv)) % number
            if conv == "c":
                return arg[:1]
            return ("%" + flags + "s") % arg

        text = spec.sub(convert, _unescape(fmt, printf=True)[0])
        out.append(text)
        if used == 0 or used >= len(args):
            break
        args = args[used:]
    io.out("".join(out))
    return status


@command("cat")
def _cat(sh: Process, argv: list[str], io: IO) -> int:
    _, _, files = parse_options(sh, argv, "uv")
    status = 0
    for name in files or ["-"]:
        if name == "-":
            io.out(io.stdin)
            continue
        try:
            io.out(sh.fs.read(name, cwd=sh.cwd))
        except FsError as exc:
            if exc.code == "EISDIR":
                io.err("cat: read error: Is a directory\n")
            else:
                io.err(f"cat: can't open '{name}': {fs_error_text(exc)}\n")
            status = 1
    return status


@command("head")
def _head(sh: Process, argv: list[str], io: IO) -> int:
    args = [("-n" + a[1:]) if re.fullmatch(r"-[0-9]+", a) else a for a in argv]
    _, values, files = parse_options(sh, args, "q", "cn")
    status = 0
    for name in files or ["-"]:
        try:
            data = io.stdin if name == "-" else sh.fs.read(name, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"head: can't open '{name}': {fs_error_text(exc)}\n")
            status = 1
            continue
        if "c" in values:
            io.out(PrefixContent(data, min(parse_size(values["c"]), data.size)))
        else:
            count = int(values.get("n", "10"))
            lines = data.read().split(b"\n")
            io.out(b"\n".join(lines[:count]) + (b"\n" if len(lines) > count else b""))
    return status


@command("tee")
def _tee(sh: Process, argv: list[str], io: IO) -> int:
    flags, _, files = parse_options(sh, argv, "ai")
    status = 0
    data = io.stdin
    for name in files:
        sink = open_output(sh, name, append="a" in flags, io=IO(io.stdin, io.stdout, NullSink()))
        if sink is None:
            io.err(f"tee: {name}: No such file or directory\n")
            status = 1
            continue
        sink.write(data)
    io.out(data)
    return status
