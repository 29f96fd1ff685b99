"""What kind of Dockerfile step made a layer, read from its history ``created_by`` text.

BuildKit writes ``RUN /bin/sh -c ...``, ``COPY src /dst # buildkit``, ``WORKDIR /app``;
the classic builder ``/bin/sh -c #(nop) COPY file:... in /dst`` and ``/bin/sh -c cmd``
for a RUN.
"""

from __future__ import annotations

import re

_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL = re.compile(
    r"^\|\d+ (?:\S+=\S* )*"
)  # classic builder's build-arg prefix: "|1 A=b /bin/sh -c ..."

#: Words in a RUN that install build tools, or remove packages again.
INSTALLERS = (
    "apt-get install",
    "apt install",
    "apk add",
    "yum install",
    "dnf install",
    "pip install",
    "npm install",
    "go build",
    "make",
    "gcc",
    "cargo build",
)
REMOVERS = (
    "apt-get remove",
    "apt-get purge",
    "apt-get autoremove",
    "apk del",
    "yum remove",
    "dnf remove",
    "pip uninstall",
    "npm prune",
)
#: Paths that belong to compilers and build tool chains.
BUILD_TOOL_PATHS = (
    "usr/lib/gcc",
    "usr/libexec/gcc",
    "usr/bin/gcc",
    "usr/bin/cc",
    "usr/bin/g++",
    "usr/bin/make",
    "usr/include",
    "usr/local/go",
    "usr/lib/go",
    "root/.cargo",
    "usr/share/build-essential",
)


def step_kind(created_by: str) -> str:
    """``RUN``, ``COPY``, ``ADD``, ``WORKDIR``, another instruction's name, or ``""`` (unknown)."""
    text = " ".join(created_by.split())
    text = _SHELL.sub("", text)
    nop = _NOP.match(text)
    if nop:
        word = text[nop.end() :].split(" ", 1)[0]
        return word.upper()
    if text.startswith("/bin/sh -c ") or text.startswith("RUN "):
        return "RUN"
    word = text.split(" ", 1)[0].upper() if text else ""
    return word if word.isalpha() else ""


def mentions(created_by: str, words: tuple[str, ...]) -> bool:
    text = " ".join(created_by.split())
    return any(w in text for w in words)


def is_build_tool_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in BUILD_TOOL_PATHS)
