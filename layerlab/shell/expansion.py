"""Word expansion, done on the source text because bashlex's tree has dropped the quotes.

Quote removal (``'...'`` ``"..."`` ``\\``), parameter expansion (``$VAR`` ``${VAR}``
``${VAR:-x}`` ``${VAR-x}`` ``${VAR:+x}`` ``${VAR:=x}`` ``${VAR:?x}`` ``${#VAR}`` ``$?``),
command substitution (``$(...)`` and backquotes), field splitting of unquoted expansions,
then globbing against the overlay's listing.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from layerlab.i18n import _
from layerlab.model.overlay import FsError

from .errors import ShellExit, ShellSyntaxError
from .registry import UnsupportedCommand

if TYPE_CHECKING:
    from .process import Process

#: One field while it is built: each character and whether it was quoted.
Chars = list[tuple[str, bool]]


def expand(sh: Process, text: str, node: Any, src: str, *, split: bool = True, offset: int = 0) -> list[str]:
    """Quote removal, parameter and command substitution, field splitting, globbing."""
    base = node.pos[0] + offset
    substs = {n.pos[0] - base: n.pos[1] - base for n in _substitutions(node)}
    fields = _Expander(sh, text, substs, split).run()
    if not split:
        return ["".join(c for c, _unused in fields[0])] if fields else [""]
    out: list[str] = []
    for chars in fields:
        out += glob(sh, chars)
    return out


def glob(sh: Process, chars: Chars) -> list[str]:
    """The paths an unquoted ``*`` ``?`` ``[...]`` matches, sorted; the word itself if none."""
    word = "".join(c for c, _unused in chars)
    if not any(c in "*?[" and not quoted for c, quoted in chars):
        return [word]
    pattern = "".join(("[" + c + "]" if c in "*?[]" else c) if quoted else c for c, quoted in chars)
    matches = _glob_paths(sh, pattern)
    return sorted(matches) if matches else [word]


def _glob_paths(sh: Process, pattern: str) -> list[str]:
    absolute = pattern.startswith("/")
    parts = [p for p in pattern.split("/") if p]
    results = ["/" if absolute else ""]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        found: list[str] = []
        for base in results:
            where = base or "."
            if not any(c in part for c in "*?["):
                literal = re.sub(r"\[(.)\]", r"\1", part)
                candidate = posixpath.join(base, literal) if base else literal
                if sh.fs.lstat(candidate, cwd=sh.cwd) is not None or (not last and sh.fs.is_dir(candidate, cwd=sh.cwd)):
                    found.append(candidate)
                continue
            try:
                names = sh.fs.listdir(where, cwd=sh.cwd)
            except FsError:
                continue
            for name in names:
                if name.startswith(".") and not part.startswith("."):
                    continue
                if fnmatch.fnmatchcase(name, part):
                    candidate = posixpath.join(base, name) if base else name
                    if last or sh.fs.is_dir(candidate, cwd=sh.cwd):
                        found.append(candidate)
        results = found
    return results


def _substitutions(node: Any) -> Iterator[Any]:
    """The command substitutions directly in a word (not those nested inside them)."""
    for part in getattr(node, "parts", []) or []:
        if part.kind == "commandsubstitution":
            yield part
        elif part.kind in ("parameter", "tilde"):
            continue
        else:
            yield from _substitutions(part)


class _Expander:
    """Scan one word's source text: quotes, ``$`` expansions; yield fields of (char, quoted)."""

    def __init__(self, shell: Process, text: str, substs: dict[int, int], split: bool) -> None:
        self.sh, self.text, self.substs, self.split = shell, text, substs, split
        self.fields: list[Chars] = [[]]
        self.has_field = False  # "" makes an empty field that survives

    def emit(self, s: str, quoted: bool, from_expansion: bool = False) -> None:
        for c in s:
            if from_expansion and not quoted and self.split and c in " \t\n":
                if self.fields[-1] or self.has_field:
                    self.fields.append([])
                    self.has_field = False
                continue
            self.fields[-1].append((c, quoted))

    def run(self) -> list[Chars]:
        text, i = self.text, 0
        while i < len(text):
            c = text[i]
            if c == "'":
                end = text.index("'", i + 1)
                self.emit(text[i + 1 : end], True)
                self.has_field = True
                i = end + 1
            elif c == '"':
                i = self.double(i + 1)
                self.has_field = True
            elif c == "\\":
                if i + 1 < len(text) and text[i + 1] != "\n":
                    self.emit(text[i + 1], True)
                i += 2
            elif c in "$`":
                i = self.dollar(i, quoted=False)
            else:
                self.emit(c, False)
                i += 1
        fields = [f for f in self.fields if f] if self.split else self.fields
        if self.split and not fields and self.has_field:
            fields = [[]]
        return fields

    def double(self, i: int) -> int:
        """Inside ``"..."``: like :meth:`run`, but a backslash escapes only ``$``, the backquote,
        ``"``, ``\\`` and newline (POSIX 2.2.3), and nothing is split."""
        text = self.text
        while i < len(text) and text[i] != '"':
            c = text[i]
            if c == "\\" and i + 1 < len(text) and text[i + 1] in '$`"\\\n':
                if text[i + 1] != "\n":
                    self.emit(text[i + 1], True)
                i += 2
            elif c in "$`":
                i = self.dollar(i, quoted=True)
            else:
                self.emit(c, True)
                i += 1
        return i + 1

    def dollar(self, i: int, quoted: bool) -> int:
        text = self.text
        if i in self.substs:
            end = self.substs[i]
            inner = text[i + 2 : end - 1] if text[i] == "$" else text[i + 1 : end - 1]
            self.emit(self.sh.substitute(inner), quoted, True)
            return end
        if text[i] == "`" or text.startswith("$(", i):
            raise UnsupportedCommand(text[i : i + 2], self.sh.line, _("command substitution bashlex did not parse"))
        if text.startswith("${", i):
            end = _matching_brace(text, i + 2)
            value = self.parameter(text[i + 2 : end], quoted)
            self.emit(value, quoted, True)
            return end + 1
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9?#@*$!-]").match(text, i + 1)
        if not m:
            self.emit("$", quoted)
            return i + 1
        value = self.sh.lookup(m.group()) or ""
        self.emit(value, quoted, True)
        return m.end()

    def parameter(self, body: str, quoted: bool) -> str:
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*|[0-9?#@*$!])(?:(:?[-=+?])(.*))?", body, re.S)
        if not m:
            if body.startswith("#"):
                return str(len(self.sh.vars.get(body[1:], "")))
            raise UnsupportedCommand("${" + body + "}", self.sh.line, _("parameter expansion form"))
        name, op, word = m.group(1), m.group(2), m.group(3) or ""
        if op is None:
            return self.sh.lookup(name) or ""
        value = self.sh.vars.get(name) if name not in "?#@*$!" else self.sh.lookup(name)
        unset = value is None or (op.startswith(":") and value == "")
        alt = "".join(c for f in _Expander(self.sh, word, {}, False).run() for c, _unused in f)
        if op.endswith("-"):
            return alt if unset else value or ""
        if op.endswith("="):
            if unset:
                self.sh.vars[name] = alt
                return alt
            return value or ""
        if op.endswith("+"):
            return "" if unset else alt
        if unset:
            self.sh.stderr_now(f"sh: {name}: {alt or 'parameter not set'}\n")
            raise ShellExit(2)
        return value or ""


def _matching_brace(text: str, i: int) -> int:
    depth = 1
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ShellSyntaxError("sh: syntax error: bad substitution")

