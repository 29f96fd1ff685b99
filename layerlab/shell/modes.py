"""File modes: the umask and the octal or symbolic modes ``chmod`` and ``mkdir -m`` take."""

from __future__ import annotations

import re

UMASK = 0o022


def parse_mode(text: str, current: int, *, is_dir: bool, umask: int = UMASK) -> int | None:
    """An octal mode or a symbolic one (``u+x,go-w``, ``+x``, ``a=rX``, ``g=u``); None if bad.

    As POSIX says, ``+x`` without a who-list works like ``a+x`` but leaves the bits set in
    the umask alone (``chmod +w`` on 0644 stays 0644 with umask 022, as busybox does).
    """
    if re.fullmatch(r"[0-7]{1,4}", text):
        return int(text, 8)
    mode = current & 0o7777
    for clause in text.split(","):
        m = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXstugo]*)+)", clause)
        if not m:
            return None
        who_text, actions = m.groups()
        who = 0
        for c in who_text or "":
            who |= {"u": 0o4700, "g": 0o2070, "o": 0o1007, "a": 0o7777}[c]
        masked = not who_text
        if masked:
            who = 0o7777
        for op, perms in re.findall(r"([-+=])([rwxXstugo]*)", actions):
            bits = 0
            for c in perms:
                if c in "ugo":
                    shift = {"u": 6, "g": 3, "o": 0}[c]
                    part = (mode >> shift) & 7
                    bits |= part << 6 | part << 3 | part
                else:
                    bits |= {"r": 0o444, "w": 0o222, "x": 0o111, "s": 0o6000, "t": 0o1000,
                             "X": 0o111 if is_dir or mode & 0o111 else 0}[c]
            bits &= who
            if masked:
                bits &= ~umask
            if op == "+":
                mode |= bits
            elif op == "-":
                mode &= ~bits
            else:
                clear = who & (0o777 | (0o6000 if who & 0o6000 else 0))
                if masked:
                    clear = 0o7777 & ~0o1000
                mode = (mode & ~clear) | bits
    return mode
