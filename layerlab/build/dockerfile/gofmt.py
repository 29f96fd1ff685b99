"""Go's formatting (``fmt`` ``%q`` and ``%v``, ``time.Duration``), which BuildKit's history strings use."""

from __future__ import annotations

import re
from collections.abc import Sequence

from layerlab.i18n import _

from .errors import DockerfileError


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s: str, quote: str = '"') -> str:
    """Go's strconv.Quote (``%q`` of a string)."""
    out = [quote]
    for ch in s:
        if ch == quote or ch == "\\":
            out.append("\\" + ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out) + quote


def go_quote_list(words: Sequence[str]) -> str:
    """``%q`` of a []string: ``["a" "b"]``."""
    return "[" + " ".join(go_quote(w) for w in words) + "]"


def go_duration(ns: int) -> str:
    """Go's time.Duration.String() for whole nanoseconds (``1m30s``, ``500ms``, ``0s``)."""
    if ns == 0:
        return "0s"
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + _trim(ns / size) + unit
    h, rest = divmod(ns, 3_600_000_000_000)
    m, rest = divmod(rest, 60_000_000_000)
    secs = _trim(rest / 1e9)
    if h:
        return f"{sign}{h}h{m}m{secs}s"
    if m:
        return f"{sign}{m}m{secs}s"
    return f"{sign}{secs}s"


def _trim(x: float) -> str:
    return f"{x:.9f}".rstrip("0").rstrip(".")


def parse_duration(text: str) -> int:
    """Go's time.ParseDuration, in nanoseconds (``30s``, ``1m30s``, ``1.5s``, ``100ms``)."""
    units = {"ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}
    parts = re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        raise DockerfileError(_("invalid duration {text!r}", text=text))
    return int(sum(float(n) * units[u] for n, u in parts))


def go_quote_rune(n: int) -> str:
    ch = chr(n)
    if ch == "'":
        return "'\\''"
    return go_quote(ch, "'") if ch != '"' else "'\"'"
