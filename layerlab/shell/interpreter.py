"""The shell itself: one ``sh`` process walking bashlex's tree.

Lists (``;`` ``&&`` ``||``), pipelines and ``!``, ``{ ...; }``, ``( ... )``, ``if``/``elif``/``else``
and ``for``; simple commands with their assignments and redirections; the rules of
``set -e`` (if conditions and all but the last operand of ``&&``/``||`` are exempt, and so
is a ``!`` pipeline). Pipeline stages run one after another, each but the last in a
subshell, like ash.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, replace
from typing import Any

from layerlab.i18n import _
from layerlab.model.content import BytesContent
from layerlab.model.overlay import FsError

from .errors import ShellExit, fs_error_text
from .expansion import expand
from .parsing import parse
from .process import Process
from .redirection import redirect
from .registry import COMMANDS, STATE_COMMANDS, UnsupportedCommand
from .streams import IO, Sink


@dataclass
class Shell(Process):
    """The interpreter: walks bashlex's tree for one :class:`~.process.Process`."""

    # -- entry points ----------------------------------------------------------------------
    def run(self, text: str, io: IO) -> int:
        """Parse and run ``text`` (``sh -c text``); ``exit`` and ``set -e`` stop here."""
        if self.depth > 20:
            io.err("sh: too deeply nested\n")
            return 2
        nodes = parse(text, self.line)
        try:
            for node in nodes:
                self.status = self.eval(node, text, io)
        except ShellExit as stop:
            self.status = stop.status
        return self.status

    def child(self) -> Shell:
        """A subshell (``( ... )``, ``$(...)``, a pipeline stage): its own copy of variables and cwd."""
        return replace(self, vars=dict(self.vars), exported=set(self.exported), depth=self.depth + 1)

    def spawn(self, io: IO) -> Shell:
        """A new ``sh`` process: only the exported variables, default options, writing where ``io`` points."""
        env = self.env()
        return Shell(fs=self.fs, vars=env, exported=set(env), cwd=self.cwd, user=self.user, line=self.line,
                     source=self.source, depth=self.depth + 1, stdout=io.stdout, stderr=io.stderr)

    # -- evaluation ------------------------------------------------------------------------
    def eval(self, node: Any, src: str, io: IO) -> int:
        kind = node.kind
        if kind == "list":
            return self.eval_list(node.parts, src, io)
        if kind == "pipeline":
            return self.eval_pipeline(node, src, io)
        if kind == "command":
            return self.eval_command(node, src, io)
        if kind == "compound":
            return self.eval_compound(node, src, io)
        raise UnsupportedCommand(kind, self.line, _("shell construct"))

    def eval_list(self, parts: list[Any], src: str, io: IO) -> int:
        """``a && b || c ; d``: && and || bind equally, left to right; ``;`` separates."""
        status = self.status
        groups: list[list[Any]] = [[]]
        for part in parts:
            if part.kind == "operator" and part.op in (";", "&", "\n"):
                groups.append([])
            else:
                groups[-1].append(part)
        for group in groups:
            if not group:
                continue
            status = self.eval_and_or(group, src, io)
        return status

    def eval_and_or(self, group: list[Any], src: str, io: IO) -> int:
        """One and-or list; ``set -e`` only looks at its last command (POSIX)."""
        commands = [p for p in group if p.kind != "operator"]
        ops = [p.op for p in group if p.kind == "operator"]
        last = 0
        status = self.eval_part(commands[0], src, io, checked=len(commands) == 1)
        for i, op in enumerate(ops, start=1):
            if (op == "&&" and status == 0) or (op == "||" and status != 0):
                status = self.eval_part(commands[i], src, io, checked=i == len(commands) - 1)
                last = i
        self.status = status
        if status != 0 and self.errexit and not self.suppress and last == len(commands) - 1 and not _negated(commands[last]):
            raise ShellExit(status)
        return status

    def eval_part(self, node: Any, src: str, io: IO, *, checked: bool) -> int:
        """Run a command of an and-or list; inside one that is not last, ``set -e`` is off."""
        if not checked:
            self.suppress += 1
        try:
            status = self.eval(node, src, io)
        finally:
            if not checked:
                self.suppress -= 1
        self.status = status
        return status

    def eval_pipeline(self, node: Any, src: str, io: IO) -> int:
        parts = [p for p in node.parts if p.kind not in ("pipe", "reservedword")]
        negate = _negated(node)
        stdin = io.stdin
        statuses = []
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            sink = io.stdout if last else Sink()
            stage = IO(stdin, sink, io.stderr)
            status = self.eval(part, src, stage) if len(parts) == 1 else self._pipe_stage(part, src, stage)
            statuses.append(status)
            stdin = sink.content() if not last else stdin
        status = statuses[-1]
        if self.pipefail:
            status = next((s for s in reversed(statuses) if s != 0), 0)
        if negate:
            status = 0 if status else 1
        return status

    def _pipe_stage(self, node: Any, src: str, io: IO) -> int:
        """A stage that is not the last runs in a subshell, like every pipeline stage in ash."""
        sub = self.child()
        try:
            return sub.eval(node, src, io)
        except ShellExit as stop:
            return stop.status

    def eval_compound(self, node: Any, src: str, io: IO) -> int:
        io = redirect(self, getattr(node, "redirects", []) or [], src, io)
        if io is None:
            return 1
        first = node.list[0]
        if first.kind == "reservedword" and first.word == "{":
            return self.eval_body(node.list[1:-1], src, io)
        if first.kind == "reservedword" and first.word == "(":
            sub = self.child()
            try:
                return sub.eval_body(node.list[1:-1], src, io)
            except ShellExit as stop:
                return stop.status
        if first.kind == "if":
            return self.eval_if(first, src, io)
        if first.kind == "for":
            return self.eval_for(first, src, io)
        raise UnsupportedCommand(first.kind, self.line, _("shell construct"))

    def eval_body(self, nodes: list[Any], src: str, io: IO) -> int:
        status = 0
        for node in nodes:
            if node.kind in ("reservedword", "operator"):
                continue
            status = self.eval(node, src, io)
            self.status = status
        return status

    def eval_if(self, node: Any, src: str, io: IO) -> int:
        parts = node.parts
        i, status = 0, 0
        while i < len(parts):
            word = parts[i].word if parts[i].kind == "reservedword" else ""
            if word in ("if", "elif"):
                self.suppress += 1
                try:
                    cond = self.eval_body([parts[i + 1]], src, io)
                finally:
                    self.suppress -= 1
                if cond == 0:
                    return self.eval_body([parts[i + 3]], src, io)
                i += 4
            elif word == "else":
                return self.eval_body([parts[i + 1]], src, io)
            else:
                i += 1
        return status

    def eval_for(self, node: Any, src: str, io: IO) -> int:
        parts = node.parts
        name = parts[1].word
        words: list[str] = []
        body = None
        if len(parts) > 2 and parts[2].kind == "reservedword" and parts[2].word == "in":
            for p in parts[3:]:
                if p.kind == "word":
                    words += expand(self, src[p.pos[0] : p.pos[1]], p, src)
        for p in parts:
            if p.kind in ("list", "command", "pipeline", "compound"):
                body = p
        status = 0
        for value in words:
            self.vars[name] = value
            if body is not None:
                status = self.eval(body, src, io)
        return status

    # -- one simple command -----------------------------------------------------------------
    def eval_command(self, node: Any, src: str, io: IO) -> int:
        assigns: list[tuple[str, str]] = []
        argv: list[str] = []
        redirects: list[Any] = []
        for part in node.parts:
            text = src[part.pos[0] : part.pos[1]]
            if part.kind == "assignment" and not argv:
                name, _unused, value = text.partition("=")
                assigns.append((name, expand(self, value, part, src, split=False, offset=len(name) + 1)[0]))
            elif part.kind in ("word", "assignment"):
                argv += expand(self, text, part, src)
            elif part.kind == "redirect":
                redirects.append(part)
            else:
                raise UnsupportedCommand(part.kind, self.line, _("shell construct"))
        if self.xtrace:
            shown = " ".join([f"{k}={shlex.quote(v)}" for k, v in assigns] + [shlex.quote(a) for a in argv])
            io.err(f"+ {shown}\n")
        if not argv:
            for name, value in assigns:
                self.vars[name] = value
            stage = redirect(self, redirects, src, io)
            return self.status if stage is not None and not redirects else (0 if stage is not None else 1)
        stage = redirect(self, redirects, src, io)
        if stage is None:
            return 1
        return self.call(argv, stage, assigns)

    def call(self, argv: list[str], io: IO, assigns: list[tuple[str, str]] = ()) -> int:  # type: ignore[assignment]
        name = argv[0]
        func = COMMANDS.get(name) or COMMANDS.get(posixpath.basename(name))
        if func is None:
            raise UnsupportedCommand(name, self.line)
        saved = {k: self.vars.get(k) for k, _unused in assigns}
        saved_exported = set(self.exported)
        for key, value in assigns:  # VAR=x cmd: in cmd's environment only
            self.vars[key] = value
            self.exported.add(key)
        try:
            return func(self, argv, io)
        except FsError as exc:  # a command that did not catch its own error
            io.err(f"{posixpath.basename(name)}: {exc.path}: {fs_error_text(exc)}\n")
            return 1
        finally:
            if func not in STATE_COMMANDS:
                for key, old in saved.items():
                    if old is None:
                        self.vars.pop(key, None)
                    else:
                        self.vars[key] = old
                self.exported = saved_exported

    # -- command substitution -------------------------------------------------------------------
    def substitute(self, inner: str) -> str:
        """``$(...)``: run in a subshell, capture stdout, drop trailing newlines."""
        sub = self.child()
        out = Sink()
        try:
            sub.run(inner, IO(BytesContent(b""), out, self.stderr))
        except ShellExit as stop:
            sub.status = stop.status
        self.status = sub.status
        return out.text().rstrip("\n")


def _negated(node: Any) -> bool:
    """Whether a pipeline starts with ``!`` (``set -e`` ignores it)."""
    return node.kind == "pipeline" and any(p.kind == "reservedword" and p.word == "!" for p in node.parts)
