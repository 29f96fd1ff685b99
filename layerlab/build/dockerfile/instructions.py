"""Dockerfile text -> instructions, refusing what Docker refuses.

Lines are split into instructions by the maintained ``dockerfile-parse`` library (its
``structure``: line continuations, comments, the ``# escape=`` directive). Where it falls
short of Docker's parser this module fixes the input or the output, each place marked
``dockerfile-parse falls short``. What an instruction *means* (flags, exec form, stages,
``$VAR`` expansion, the ``created_by`` text of ``docker history``) follows BuildKit.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

from layerlab.i18n import _

from .errors import DockerfileError

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
                raise DockerfileError(_("invalid escape token {value!r}: must be ` or \\", value=value))
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
        raise DockerfileError(_("the file is empty: a Dockerfile needs at least a FROM instruction"))
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
            _("unknown instruction {keyword} (supported: {supported})", keyword=keyword, supported=" ".join(SUPPORTED)), line
        )
    if keyword in ("RUN", "COPY", "ADD") and _HEREDOC.search(value) and not value.startswith("["):
        raise DockerfileError(_("{keyword} with a heredoc (<<EOF) is not supported", keyword=keyword), line)
    flags, rest = _extract_flags(keyword, value, line)
    if not rest and keyword not in ("CMD", "ENTRYPOINT"):
        raise DockerfileError(f"{keyword} requires at least one argument", line)
    json_form = json_array(rest) if keyword in JSON_FORMS else None
    if keyword == "SHELL" and json_form is None:
        raise DockerfileError(_('SHELL requires the arguments to be in JSON form (SHELL ["sh", "-c"])'), line)
    if keyword == "ONBUILD":
        inner = rest.split(None, 1)[0].upper()
        if inner == "ONBUILD":
            raise DockerfileError("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", line)
        if inner in ("FROM", "MAINTAINER"):
            raise DockerfileError(f"{inner} isn't allowed as an ONBUILD trigger", line)
        if inner not in SUPPORTED:
            raise DockerfileError(_("unknown instruction {keyword} in ONBUILD", keyword=inner), line)
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
            raise DockerfileError(_("unknown flag --{name} for {keyword}", name=name, keyword=keyword), line)
        if name in flags:
            raise DockerfileError(_("flag --{name} given more than once", name=name), line)
        if given is None:
            if allowed[name] is not None:
                raise DockerfileError(_("missing a value on flag --{name}", name=name), line)
            given = "true"
        elif given[:1] in "\"'" and len(given) >= 2:
            given = given[1:-1]
        flags[name] = given
        rest = rest[m.end() :]
    return flags, rest.strip()


def json_array(value: str) -> list[str] | None:
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
