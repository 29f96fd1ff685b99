"""Dockerfile text -> instructions and stages, with Docker's variable substitution.

Lines are split into instructions by the maintained ``dockerfile-parse`` library (its
``structure``: line continuations, comments, the ``# escape=`` directive). Where it falls
short of Docker's parser this module fixes the input or the output, each place marked
``dockerfile-parse falls short``. What an instruction *means* (flags, exec form, stages,
``$VAR`` expansion, the ``created_by`` text of ``docker history``) follows BuildKit.

History text, as observed on a real engine
------------------------------------------
Docker Engine 20.10.24 (BuildKit v0.8 built in, ``DOCKER_BUILDKIT=1``), image config
``history[].created_by`` and ``empty_layer`` for each instruction kind. ``|2 VERSION=1.0
NODEFAULT=`` is the prefix RUN gets when the stage has declared ``ARG VERSION=1.0`` and
``ARG NODEFAULT``; without stage ARGs there is no prefix. Flags (``--chown``, ``--chmod``,
``--from``) never appear. Values are shown after substitution and quote removal, unquoted.

=====================================  ==================================================  ===========
Dockerfile                             created_by                                          layer?
=====================================  ==================================================  ===========
RUN echo hi > /f && echo $VERSION      RUN |2 VERSION=1.0 NODEFAULT= /bin/sh -c echo hi    layer
                                       > /f && echo $VERSION # buildkit
RUN a \\ (newline)   && b              RUN /bin/sh -c a   && b # buildkit (continuation     layer
                                       joined as written, ``$`` not expanded)
RUN ["/bin/busybox","--install", ...]  RUN /bin/busybox --install -s /bin # buildkit       layer
                                       (exec form: words joined by spaces, no quoting)
RUN after SHELL ["/bin/sh","-e","-c"]  RUN /bin/sh -e -c echo shell # buildkit             layer
COPY file.txt /dst/                    COPY file.txt /dst/ # buildkit                      layer
COPY --chown=1:2 a b /owned/           COPY a b /owned/ # buildkit                         layer
COPY --chmod=600 f /chm/               COPY f /chm/ # buildkit                             layer
COPY --from=build /x /y                COPY /x /y # buildkit                               layer
ADD file.txt /added/ ; ADD d /dir      ADD file.txt /added/ # buildkit ; ADD d /dir # ...  layer
WORKDIR /app ; WORKDIR sub             WORKDIR /app ; WORKDIR /app/sub (resolved)          layer
WORKDIR /                              WORKDIR /                                           empty_layer
ENV PATH=/bin A=1 B="two words"        ENV PATH=/bin A=1 B=two words                       empty_layer
ENV LEGACY legacy value                ENV LEGACY=legacy value                             empty_layer
ARG VERSION=1.0 ; ARG NODEFAULT        ARG VERSION=1.0 ; ARG NODEFAULT                     empty_layer
LABEL k=v "other key"="v 2"            LABEL k=v other key=v 2                             empty_layer
EXPOSE 80 443/udp 8080/tcp             EXPOSE map[443/udp:{} 80/tcp:{} 8080/tcp:{}]        empty_layer
                                       (Go map: keys sorted as strings)
USER 1000:1000                         USER 1000:1000                                      empty_layer
VOLUME /data /logs ; VOLUME ["/json"]  VOLUME [/data /logs] ; VOLUME [/json]               empty_layer
SHELL ["/bin/sh", "-e", "-c"]          SHELL [/bin/sh -e -c]                               empty_layer
STOPSIGNAL SIGTERM                     STOPSIGNAL SIGTERM                                  empty_layer
HEALTHCHECK --interval=5s CMD ["true"] HEALTHCHECK &{["CMD" "true"] "5s" "0s" "0s" '\\x00'}  empty_layer
MAINTAINER someone                     MAINTAINER someone                                  empty_layer
ENTRYPOINT ["/bin/sh", "-c"]           ENTRYPOINT ["/bin/sh" "-c"]                         empty_layer
ENTRYPOINT echo shellform              ENTRYPOINT ["/bin/sh" "-c" "echo shellform"]        empty_layer
CMD ["echo", "x"] ; CMD echo shell     CMD ["echo" "x"] ; CMD ["/bin/sh" "-c" "echo shell"] empty_layer
ONBUILD RUN echo onbuild               (no history entry at all)                           --
=====================================  ==================================================  ===========

Newer BuildKit releases print HEALTHCHECK with one more duration (start interval); the
rest is unchanged as far as the BuildKit source shows. ``tests/build/test_dockerfile.py``
rebuilds this table on a real engine (``pytest -m engine``).
"""

from __future__ import annotations

import io
import json
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from layerlab.model.errors import LayerlabError

SUPPORTED = (
    "FROM RUN COPY ADD WORKDIR ENV ARG LABEL CMD ENTRYPOINT EXPOSE USER VOLUME SHELL "
    "STOPSIGNAL HEALTHCHECK ONBUILD MAINTAINER"
).split()

#: Instructions whose arguments get ``$VAR`` substitution (RUN, CMD, ENTRYPOINT go to the shell).
EXPANDS = frozenset(
    "ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME WORKDIR ONBUILD ARG".split()
)

#: Instructions whose arguments may be a JSON array (exec form).
JSON_FORMS = frozenset("RUN CMD ENTRYPOINT SHELL COPY ADD VOLUME".split())

#: Flags each instruction accepts; ``None`` marks a boolean flag (``--link``).
FLAGS: dict[str, dict[str, str | None]] = {
    "FROM": {"platform": ""},
    "RUN": {"mount": "", "network": "", "security": ""},
    "COPY": {"from": "", "chown": "", "chmod": "", "link": None, "parents": None, "exclude": ""},
    "ADD": {"chown": "", "chmod": "", "link": None, "checksum": "", "keep-git-dir": None, "exclude": ""},
    "HEALTHCHECK": {
        "interval": "",
        "timeout": "",
        "start-period": "",
        "start-interval": "",
        "retries": "",
    },
}

DEFAULT_SHELL = ("/bin/sh", "-c")


class DockerfileError(LayerlabError):
    """A Dockerfile Docker would refuse; ``line`` is 1-based (``None``: the whole file)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"Dockerfile line {line}: {message}" if line else f"Dockerfile: {message}")


@dataclass(frozen=True)
class Instruction:
    """One instruction as written.

    ``args`` is the value after the keyword with the leading ``--flags`` taken out (into
    ``flags``) and continuations joined; ``json_form`` is the exec form when the value is a
    JSON array of strings; ``original`` is the text as written (continuation lines
    included, comment lines left out).
    """

    keyword: str
    args: str
    line: int
    flags: dict[str, str] = field(default_factory=dict)
    json_form: list[str] | None = None
    original: str = ""
    escape: str = "\\"

    @property
    def expands(self) -> bool:
        return self.keyword in EXPANDS


@dataclass
class Stage:
    """``FROM base [AS name]`` and the instructions up to the next FROM.

    ``base`` has the global ARGs substituted; ``meta_args`` are those ARGs (declared
    before the first FROM), which a stage's ``ARG NAME`` without a value inherits.
    """

    base: str
    name: str | None
    index: int
    instructions: list[Instruction]
    platform: str | None = None
    line: int = 0
    meta_args: dict[str, str | None] = field(default_factory=dict)


# -- parsing --------------------------------------------------------------------------

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_HEREDOC = re.compile(r"<<-?\s*[\"']?[A-Za-z_][A-Za-z0-9_]*")


def _escape_token(lines: list[str]) -> str:
    """The ``# escape=`` directive (parser directives are only read before anything else)."""
    escape = "\\"
    for line in lines:
        m = _DIRECTIVE.match(line.strip())
        if not m:
            break
        name, value = m.group(1).lower(), m.group(2)
        if name == "escape":
            if value not in ("\\", "`"):
                raise DockerfileError(f"invalid escape token {value!r}: must be ` or \\")
            escape = value
    return escape


def _prepare(text: str, escape: str) -> str:
    """Make the text safe for dockerfile-parse without moving any line.

    dockerfile-parse falls short: (1) an empty line inside a continuation ends the
    instruction there, where Docker skips it and goes on; such lines become comment lines,
    which both skip. (2) The last line is dropped when it is a lone keyword without a
    newline (``CMD``); a final newline is added.
    """
    lines = text.split("\n")
    cont = re.compile(re.escape(escape) + r"[ \t]*$")
    inside = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        if inside and not stripped:
            lines[i] = "#"
            continue
        inside = bool(cont.search(line))
    return "\n".join(lines) + ("" if text.endswith("\n") else "\n")


def parse_dockerfile(text: str) -> list[Instruction]:
    """Split a Dockerfile into instructions, refusing what Docker refuses."""
    from dockerfile_parse import DockerfileParser

    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    escape = _escape_token(lines)
    parser = DockerfileParser(fileobj=io.BytesIO(_prepare(text, escape).encode()))
    raw = [s for s in parser.structure if s["instruction"] != "COMMENT"]
    raw.sort(key=lambda s: s["startline"])
    if not raw:
        raise DockerfileError("the file is empty: a Dockerfile needs at least a FROM instruction")
    out: list[Instruction] = []
    for s in raw:
        line = s["startline"] + 1
        keyword = s["instruction"].upper()
        original = s["content"].rstrip("\n")
        out.append(_instruction(keyword, s["value"].strip(), line, original, escape))
    return out


def _instruction(keyword: str, value: str, line: int, original: str, escape: str) -> Instruction:
    if keyword not in SUPPORTED:
        raise DockerfileError(
            f"unknown instruction {keyword} (supported: {' '.join(SUPPORTED)})", line
        )
    if keyword in ("RUN", "COPY", "ADD") and _HEREDOC.search(value) and not value.startswith("["):
        raise DockerfileError(f"{keyword} with a heredoc (<<EOF) is not supported", line)
    flags, rest = _extract_flags(keyword, value, line)
    if not rest and keyword not in ("CMD", "ENTRYPOINT"):
        raise DockerfileError(f"{keyword} requires at least one argument", line)
    json_form = _json_array(rest) if keyword in JSON_FORMS else None
    if keyword == "SHELL" and json_form is None:
        raise DockerfileError('SHELL requires the arguments to be in JSON form (SHELL ["sh", "-c"])', line)
    if keyword == "ONBUILD":
        inner = rest.split(None, 1)[0].upper()
        if inner == "ONBUILD":
            raise DockerfileError("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", line)
        if inner in ("FROM", "MAINTAINER"):
            raise DockerfileError(f"{inner} isn't allowed as an ONBUILD trigger", line)
        if inner not in SUPPORTED:
            raise DockerfileError(f"unknown instruction {inner} in ONBUILD", line)
    return Instruction(keyword, rest, line, flags, json_form, original, escape)


_FLAG = re.compile(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\"[^\"]*\"|'[^']*'|\S*))?(?:\s+|$)")


def _extract_flags(keyword: str, value: str, line: int) -> tuple[dict[str, str], str]:
    """Leading ``--name[=value]`` words; unknown or repeated flags are errors, as in Docker."""
    flags: dict[str, str] = {}
    allowed = FLAGS.get(keyword, {})
    rest = value
    while rest.startswith("--"):
        if rest == "--" or rest.startswith("-- "):
            rest = rest[2:].lstrip()
            break
        m = _FLAG.match(rest)
        if not m:
            break
        name, given = m.group(1).lower(), m.group(2)
        if name not in allowed:
            raise DockerfileError(f"unknown flag --{name} for {keyword}", line)
        if name in flags:
            raise DockerfileError(f"flag --{name} given more than once", line)
        if given is None:
            if allowed[name] is not None:
                raise DockerfileError(f"missing a value on flag --{name}", line)
            given = "true"
        elif given[:1] in "\"'" and len(given) >= 2:
            given = given[1:-1]
        flags[name] = given
        rest = rest[m.end() :]
    return flags, rest.strip()


def _json_array(value: str) -> list[str] | None:
    """The exec form if ``value`` is a JSON array of strings (else it is shell form)."""
    if not value.startswith("["):
        return None
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        return None
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        return data
    return None


# -- stages ---------------------------------------------------------------------------

_STAGE_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")


def split_stages(
    instructions: Sequence[Instruction], build_args: Mapping[str, str] | None = None
) -> list[Stage]:
    """Group instructions by FROM; ARGs before the first FROM are global (usable in FROM).

    ``build_args`` (``--build-arg``) override the global ARG defaults.
    """
    build_args = build_args or {}
    meta: dict[str, str | None] = {}
    stages: list[Stage] = []
    names: set[str] = set()
    for ins in instructions:
        if ins.keyword == "FROM":
            env = {k: v for k, v in meta.items() if v is not None}
            words = split_words(ins.args, ins.escape)
            if len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as"):
                raise DockerfileError("FROM requires either one or three arguments (FROM image [AS name])", ins.line)
            base = expand(words[0], env, escape=ins.escape)
            if not base:
                raise DockerfileError(f"base name ({words[0]}) should not be blank", ins.line)
            name = words[2].lower() if len(words) == 3 else None
            if name is not None:
                if not _STAGE_NAME.match(name):
                    raise DockerfileError(f"invalid name for build stage: {words[2]!r}", ins.line)
                if name in names:
                    raise DockerfileError(f"duplicate stage name {name!r}", ins.line)
                names.add(name)
            platform = ins.flags.get("platform")
            if platform is not None:
                platform = expand(platform, env, escape=ins.escape)
            stages.append(Stage(base, name, len(stages), [], platform, ins.line, meta))
        elif not stages:
            if ins.keyword != "ARG":
                raise DockerfileError(
                    f"{ins.keyword} before the first FROM: only ARG may come before FROM", ins.line
                )
            env = {k: v for k, v in meta.items() if v is not None}
            for key, val in parse_env_pairs(ins.args, env, keyword="ARG", escape=ins.escape, line=ins.line):
                meta[key] = build_args.get(key, val)
        else:
            stages[-1].instructions.append(ins)
    if not stages:
        raise DockerfileError("no FROM instruction: every build stage starts with FROM")
    return stages


# -- variable substitution ------------------------------------------------------------


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
            raise DockerfileError(f"syntax error: missing '{stop}' in {self.s!r}")
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
            raise DockerfileError(f"bad substitution in {self.s!r}")
        ch = self.next()
        if ch == "}":
            return self.env.get(name, "")
        colon = ch == ":"
        if colon:
            ch = self.next()
        if ch not in "-+" or not ch:
            raise DockerfileError(f"unsupported modifier ({':' if colon else ''}{ch}) in substitution of {name}")
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
    out, quote = [], False
    for piece in re.split(r"('[^']*')", text):
        if piece.startswith("'") and piece.endswith("'") and len(piece) > 1:
            out.append(piece)
            continue
        out.append(_VARIABLE.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), piece))
    del quote
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
            raise DockerfileError(f"{keyword} names {parts[0]} but gives no value (use {keyword} {parts[0]}=value)", line)
        return [(expand(parts[0], env, escape=escape), expand(parts[1], env, escape=escape))]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        if "=" not in word:
            if keyword != "ARG":
                raise DockerfileError(f"syntax error - can't find = in {word!r}: must be of the form name=value", line)
            pairs.append((expand(word, env, escape=escape), None))
            continue
        key, _, value = word.partition("=")
        key = expand(key, env, escape=escape)
        if not key:
            raise DockerfileError(f"{keyword} names must not be blank", line)
        pairs.append((key, expand(value, env, escape=escape)))
    return pairs


# -- history --------------------------------------------------------------------------


def run_build_args(declared: Iterable[tuple[str, str | None]], env: Mapping[str, str]) -> list[tuple[str, str]]:
    """The ``KEY=value`` pairs BuildKit puts before a RUN in history: the stage's declared
    ARGs in order, each shown with the ENV value of the same name if any, else its own."""
    return [(k, env[k] if k in env else (v or "")) for k, v in declared]


def resolve_workdir(path: str, current: str = "/") -> str:
    """WORKDIR's path, relative ones joined to the current working directory."""
    return path if path.startswith("/") else posixpath.normpath(posixpath.join("/", current or "/", path))


def makes_layer(instruction: Instruction, *, workdir: str = "/", env: Mapping[str, str] | None = None) -> bool:
    """True for RUN, COPY, ADD, and WORKDIR to anywhere but ``/`` (BuildKit mkdirs it even
    when it exists, an empty layer); every other step is an ``empty_layer`` history row."""
    if instruction.keyword in ("RUN", "COPY", "ADD"):
        return True
    if instruction.keyword == "WORKDIR":
        path = expand(instruction.args, env or {}, escape=instruction.escape)
        return resolve_workdir(path, workdir) != "/"
    return False


def history_text(
    instruction: Instruction,
    *,
    shell: Sequence[str] = DEFAULT_SHELL,
    expanded_args: str | None = None,
    build_args: Sequence[tuple[str, str]] = (),
    workdir: str = "/",
    env: Mapping[str, str] | None = None,
) -> str | None:
    """The ``created_by`` BuildKit writes for this instruction (see the module docstring).

    ``env`` substitutes variables for the instructions in :data:`EXPANDS` (ENV, LABEL and
    ARG see the environment *before* the instruction); ``expanded_args`` instead gives
    the already-substituted value (WORKDIR, USER, STOPSIGNAL; COPY, ADD, EXPOSE and VOLUME
    split it on whitespace). ``build_args`` are the RUN prefix pairs from
    :func:`run_build_args`; ``workdir`` the working directory before a WORKDIR; ``shell``
    the SHELL in effect (shell-form RUN, CMD, ENTRYPOINT). ONBUILD and FROM write no
    history row: ``None``.
    """
    kw, esc, raw = instruction.keyword, instruction.escape, instruction.args
    env = env or {}

    def words() -> list[str]:
        if expanded_args is not None:
            return expanded_args.split()
        if instruction.json_form is not None:
            return [expand(w, env, escape=esc) for w in instruction.json_form]
        return expand_words(raw, env, escape=esc)

    def text() -> str:
        return expanded_args if expanded_args is not None else expand(raw, env, escape=esc)

    if kw == "RUN":
        cmd = instruction.json_form if instruction.json_form is not None else [*shell, raw]
        prefix = [f"|{len(build_args)}", *(f"{k}={v}" for k, v in build_args)] if build_args else []
        return "RUN " + " ".join([*prefix, *cmd]) + " # buildkit"
    if kw in ("COPY", "ADD"):
        return f"{kw} {' '.join(words())} # buildkit"
    if kw in ("CMD", "ENTRYPOINT"):
        cmd = instruction.json_form if instruction.json_form is not None else [*shell, raw]
        return f"{kw} {go_quote_list(cmd)}"
    if kw == "WORKDIR":
        return "WORKDIR " + resolve_workdir(text(), workdir)
    if kw in ("ENV", "LABEL"):
        pairs = parse_env_pairs(raw, env, keyword=kw, escape=esc, line=instruction.line)
        return kw + "".join(f" {k}={v}" for k, v in pairs)
    if kw == "ARG":
        pairs = parse_env_pairs(raw, env, keyword="ARG", escape=esc, line=instruction.line)
        return "ARG " + " ".join(k if v is None else f"{k}={v}" for k, v in pairs)
    if kw == "EXPOSE":
        return "EXPOSE map[" + " ".join(f"{p}:{{}}" for p in port_specs(words())) + "]"
    if kw == "VOLUME":
        return f"VOLUME [{' '.join(words())}]"
    if kw == "SHELL":
        return f"SHELL [{' '.join(instruction.json_form or [])}]"
    if kw in ("USER", "STOPSIGNAL"):
        return f"{kw} {text()}"
    if kw == "MAINTAINER":
        return f"MAINTAINER {raw}"
    if kw == "HEALTHCHECK":
        return "HEALTHCHECK " + _healthcheck_text(instruction)
    return None  # ONBUILD writes no history; FROM's base brings its own


def port_specs(ports: Iterable[str]) -> list[str]:
    """EXPOSE words as ``port/proto`` keys (ranges expanded, tcp by default), like nat.ParsePortSpecs."""
    out: set[str] = set()
    for spec in ports:
        port, _, proto = spec.partition("/")
        proto = (proto or "tcp").lower()
        lo, _, hi = port.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise DockerfileError(f"invalid port {spec!r} in EXPOSE")
        for n in range(int(lo), int(hi or lo) + 1):
            out.add(f"{n}/{proto}")
    return sorted(out)


# -- Go formatting (fmt %q / %v), which BuildKit's history strings use ----------------

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
        raise DockerfileError(f"invalid duration {text!r}")
    return int(sum(float(n) * units[u] for n, u in parts))


def _healthcheck_text(ins: Instruction) -> str:
    """``%q`` of BuildKit's HealthConfig: ``&{[test] "interval" "timeout" "start" 'retries'}``."""
    first, _, rest = ins.args.partition(" ")
    if first.upper() == "NONE":
        test = ["NONE"]
    else:
        rest = rest.strip()
        exec_form = _json_array(rest)
        test = ["CMD", *exec_form] if exec_form is not None else ["CMD-SHELL", rest]
    durations = [parse_duration(ins.flags[f]) if f in ins.flags else 0 for f in ("interval", "timeout", "start-period")]
    retries = int(ins.flags.get("retries", "0"))
    fields = [go_quote_list(test), *(go_quote(go_duration(d)) for d in durations), _go_quote_rune(retries)]
    return "&{" + " ".join(fields) + "}"


def _go_quote_rune(n: int) -> str:
    ch = chr(n)
    if ch == "'":
        return "'\\''"
    return go_quote(ch, "'") if ch != '"' else "'\"'"
