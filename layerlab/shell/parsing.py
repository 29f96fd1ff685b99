"""From ``RUN`` text to bashlex's tree, refusing what the model cannot run before anything runs."""

from __future__ import annotations

import posixpath
from typing import Any

import bashlex
import bashlex.errors

from layerlab.i18n import _

from .errors import ShellSyntaxError
from .registry import COMMANDS, UnsupportedCommand

_CONSTRUCTS = {"while", "until", "function", "case", "select", "arith"}


def parse(text: str, line: int | None) -> list[Any]:
    """The top-level nodes of ``text``; raises UnsupportedCommand or ShellSyntaxError."""
    if not text.strip():
        return []
    try:
        nodes = bashlex.parse(text)
    except NotImplementedError as exc:
        raise UnsupportedCommand(str(exc), line, _("shell syntax")) from None
    except bashlex.errors.ParsingError as exc:
        raise ShellSyntaxError(f"sh: syntax error: {exc.message}") from None
    for node in nodes:
        check_supported(node, text, line)
    return nodes


def check_supported(node: Any, src: str, line: int | None) -> None:
    """Refuse unknown commands and constructs before anything runs (no half-built layer)."""
    kind = node.kind
    if kind in _CONSTRUCTS:
        raise UnsupportedCommand(kind, line, _("shell construct"))
    if kind == "processsubstitution":
        raise UnsupportedCommand("<(...)", line, _("process substitution"))
    if kind == "redirect" and node.type in ("<<", "<<<", "<<-"):
        raise UnsupportedCommand(node.type, line, _("here-documents"))
    if kind == "command":
        words = [p for p in node.parts if p.kind == "word"]
        if words:
            raw = src[words[0].pos[0] : words[0].pos[1]]
            if not any(c in raw for c in "$`*?[") and raw.strip("'\"") not in ("",):
                name = words[0].word
                if name not in COMMANDS and posixpath.basename(name) not in COMMANDS:
                    raise UnsupportedCommand(name, line)
    if kind == "compound":
        for part in node.list:
            check_supported(part, src, line)
    for attr in ("parts", "list"):
        for part in getattr(node, attr, None) or []:
            if kind != "compound" or attr != "list":
                check_supported(part, src, line)
    command_node = getattr(node, "command", None)
    if command_node is not None and kind == "commandsubstitution":
        check_supported(command_node, src, line)
