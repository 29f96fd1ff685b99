"""Docker's word processing: ``$VAR`` substitution, quote removal and word splitting, as
BuildKit applies them to the instructions in :data:`~.instructions.EXPANDS`, and the
``KEY=value`` pairs of ENV, LABEL and ARG."""

from __future__ import annotations

import re
from collections.abc import Mapping

from layerlab.i18n import _

from .errors import DockerfileError


class _Lexer:
    """Docker's word processing (moby/buildkit ``frontend/dockerfile/shell/lex.go``):
    ``$VAR``, ``${VAR}``, ``${VAR:-word}``, ``${VAR:+word}`` (and ``-``/``+`` without the
    colon), single quotes literal, double quotes expanding, the escape token escaping."""

    def __init__(self, text: str, env: Mapping[str, str], escape: str) -> None:
        self.s, self.i, self.env, self.esc = text, 0, env, escape

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def next(self) -> str:
        ch = self.peek()
        self.i += 1
        return ch

    def words(self, split: bool, stop: str = "") -> list[str]:
        """Process up to ``stop`` (or the end); split on unquoted whitespace if asked."""
        words: list[str] = []
        cur: list[str] = []
        in_word = False
        while self.i < len(self.s):
            ch = self.peek()
            if stop and ch == stop:
                self.i += 1
                words.append("".join(cur))
                return words
            if split and ch in " \t\n":
                self.i += 1
                if in_word:
                    words.append("".join(cur))
                    cur, in_word = [], False
                continue
            in_word = True
            if ch == "'":
                self.i += 1
                end = self.s.find("'", self.i)
                if end < 0:
                    raise DockerfileError("unexpected end of statement while looking for matching single-quote")
                cur.append(self.s[self.i : end])
                self.i = end + 1
            elif ch == '"':
                self.i += 1
                cur.append(self.double_quoted())
            elif ch == "$":
                self.i += 1
                value = self.dollar()
                if not split:
                    cur.append(value)
                    continue
                for c in value:  # an unquoted expansion is split into words too
                    if c in " \t\n":
                        if cur:
                            words.append("".join(cur))
                        cur = []
                    else:
                        cur.append(c)
                in_word = bool(cur)
            elif ch == self.esc:
                self.i += 1
                cur.append(self.next())  # a trailing escape is dropped
            else:
                self.i += 1
                cur.append(ch)
        if stop:
            raise DockerfileError(_("syntax error: missing '{stop}' in {text!r}", stop=stop, text=self.s))
        if in_word or not split:
            words.append("".join(cur))
        return words

    def double_quoted(self) -> str:
        out: list[str] = []
        while True:
            if self.i >= len(self.s):
                raise DockerfileError("unexpected end of statement while looking for matching double-quote")
            ch = self.next()
            if ch == '"':
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
            elif ch == self.esc and self.peek() in ('"', "$", self.esc):
                out.append(self.next())
            else:
                out.append(ch)

    def dollar(self) -> str:
        if self.peek() != "{":
            name = self.name()
            return self.env.get(name, "") if name else "$"
        self.i += 1
        name = self.name()
        if not name:
            raise DockerfileError(_("bad substitution in {text!r}", text=self.s))
        ch = self.next()
        if ch == "}":
            return self.env.get(name, "")
        colon = ch == ":"
        if colon:
            ch = self.next()
        if ch not in "-+" or not ch:
            raise DockerfileError(_("unsupported modifier ({modifier}) in substitution of {name}",
                                   modifier=(":" if colon else "") + ch, name=name))
        word = "".join(self.words(split=False, stop="}"))
        value = self.env.get(name)
        is_set = value is not None and (value != "" or not colon)
        if ch == "-":
            return value if is_set else word  # type: ignore[return-value]
        return word if is_set else ""

    def name(self) -> str:
        start = self.i
        if self.peek().isdigit():
            while self.peek().isdigit():
                self.i += 1
            return self.s[start : self.i]
        while self.peek() and (self.peek().isalnum() or self.peek() == "_"):
            self.i += 1
        return self.s[start : self.i]


def expand(text: str, env: Mapping[str, str], *, escape: str = "\\") -> str:
    """Substitute variables and remove quotes in one word, as Docker does for the
    instructions in :data:`EXPANDS`. Unset variables become ``""``; ``\\$`` is a literal."""
    return _Lexer(text, env, escape).words(split=False)[0]


_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def expand_for_display(text: str, env: Mapping[str, str]) -> str:
    """Variables substituted, quotes kept: how BuildKit names a step in its progress log
    (``RUN echo "$A"`` shows as ``RUN echo "hello"``)."""
    out = []
    for piece in re.split(r"('[^']*')", text):
        if piece.startswith("'") and piece.endswith("'") and len(piece) > 1:
            out.append(piece)
            continue
        out.append(_VARIABLE.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), piece))
    return "".join(out)


def expand_words(text: str, env: Mapping[str, str], *, escape: str = "\\") -> list[str]:
    """Like :func:`expand`, then split on unquoted whitespace (EXPOSE, VOLUME, COPY sources)."""
    return _Lexer(text, env, escape).words(split=True)


def split_words(text: str, escape: str = "\\") -> list[str]:
    """Whitespace-separated words, keeping quotes and escapes as written (no expansion)."""
    words, cur, quote, i = [], [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == escape and i + 1 < len(text) and quote != "'":
            cur.append(text[i : i + 2])
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch.isspace():
            if cur:
                words.append("".join(cur))
                cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    if cur:
        words.append("".join(cur))
    return words


def parse_env_pairs(
    args: str,
    env: Mapping[str, str] | None = None,
    *,
    keyword: str = "ENV",
    escape: str = "\\",
    line: int | None = None,
) -> list[tuple[str, str | None]]:
    """``K=V K2="v 2"`` (or legacy ``K V w``) for ENV/LABEL, ``NAME[=default] ...`` for ARG.

    Keys and values are expanded against ``env`` (the environment *before* this
    instruction: ``ENV A=1 B=$A`` gives B the old A) with quotes removed. Only ARG may
    leave a value out (``None``).
    """
    env = env or {}
    words = split_words(args, escape)
    if not words:
        raise DockerfileError(f"{keyword} requires at least one argument", line)
    if keyword != "ARG" and "=" not in words[0]:
        parts = args.split(None, 1)
        if len(parts) < 2:
            raise DockerfileError(_("{keyword} names {name} but gives no value (use {keyword} {name}=value)",
                                     keyword=keyword, name=parts[0]), line)
        return [(expand(parts[0], env, escape=escape), expand(parts[1], env, escape=escape))]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        if "=" not in word:
            if keyword != "ARG":
                raise DockerfileError(_("syntax error - can't find = in {word!r}: must be of the form name=value", word=word), line)
            pairs.append((expand(word, env, escape=escape), None))
            continue
        key, _unused, value = word.partition("=")
        key = expand(key, env, escape=escape)
        if not key:
            raise DockerfileError(_("{keyword} names must not be blank", keyword=keyword), line)
        pairs.append((key, expand(value, env, escape=escape)))
    return pairs
