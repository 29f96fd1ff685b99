"""A documented subset of ``/bin/sh`` that runs a Dockerfile ``RUN`` step inside the model.

A ``RUN`` line must do to the step's :class:`~layerlab.overlay.Overlay` what ``/bin/sh -c``
does in a real container, so the layer the model builds has the paths, kinds, sizes, modes,
whiteouts and opaque directories the engine's layer has. The shell is busybox ``ash`` (the
engine tests build FROM scratch with static busybox); Debian's dash and GNU coreutils
differ only in wording, noted where it matters.

Parsing is done by ``bashlex`` (a port of bash's own parser): lists (``;`` ``&&`` ``||``),
pipelines, ``!``, ``{ ...; }``, ``( ... )``, ``if``/``elif``/``else``, ``for``,
redirections and command substitution come from its tree. Words are expanded here from the
source text, because the tree has already dropped the quotes that decide splitting and
globbing: ``'...'``, ``"..."``, ``\\``, ``$VAR`` ``${VAR}`` ``${VAR:-x}`` ``${VAR-x}``
``${VAR:+x}`` ``${VAR:=x}`` ``$?`` ``$(...)`` and backquotes, field splitting of unquoted
expansions, then globs (``*`` ``?`` ``[...]``) against the overlay's listing, sorted, and
left literal when nothing matches (like sh).

What the model does differently, on purpose:

- commands run one after another, also in a pipeline (``a | b`` runs ``a`` to the end, then
  ``b`` with its output): every supported command ends by itself, so the result is the same;
- ``dd if=/dev/urandom`` writes :class:`~layerlab.content.SyntheticContent` seeded from the
  output path and the whole command text, so rebuilding the same Dockerfile in the model
  gives the same bytes and the same diff_id (a real engine's bytes differ every build);
- ``wget`` and ``curl`` fail as they would under ``--network none`` (the engine tests build
  that way), with a message saying so;
- file times are not modelled (every new or touched entry gets mtime ``$SOURCE_DATE_EPOCH``
  or 0) and permission checks for a non-root ``USER`` are not made;
- ``echo`` interprets backslash escapes only with ``-e`` (busybox, bash); dash's echo always
  does.

Anything else raises :class:`UnsupportedCommand`, which names the command, the Dockerfile
line and every supported command (generated from :data:`COMMANDS`, never hand-written).
Package managers (``apt-get``, ``apk``, ``pip``) install from :mod:`layerlab.build.catalogue`.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import bashlex
import bashlex.errors

from ..content import BytesContent, ConcatContent, Content, PrefixContent, SyntheticContent, ZeroContent
from ..errors import LayerlabError
from ..fs import Dir, Entry, File, Symlink
from ..overlay import FsError, Overlay

UMASK = 0o022
#: Well-known account names, used when the image has no /etc/passwd or /etc/group.
DEFAULT_USERS = {"root": (0, 0), "www-data": (33, 33), "nobody": (65534, 65534)}
DEFAULT_GROUPS = {"root": 0, "www-data": 33, "nogroup": 65534, "nobody": 65534}
#: How much of a command's stdout/stderr ShellResult keeps (a `cat` of a 1 GiB file...).
MAX_SHOWN = 1 << 20

_ERRNO_TEXT = {
    "ENOENT": "No such file or directory",
    "EEXIST": "File exists",
    "ENOTDIR": "Not a directory",
    "EISDIR": "Is a directory",
    "ENOTEMPTY": "Directory not empty",
    "EXDEV": "Invalid cross-device link",
    "EPERM": "Operation not permitted",
    "EINVAL": "Invalid argument",
    "ELOOP": "Symbolic link loop",
    "EBUSY": "Resource busy",
}


class UnsupportedCommand(LayerlabError):
    """A RUN step uses a command or shell feature the model cannot run faithfully."""

    def __init__(self, name: str, line: int | None = None, detail: str = "") -> None:
        self.name = name
        self.line = line
        where = f"Dockerfile line {line}: " if line is not None else ""
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"{where}RUN uses '{name}', which layerlab's model of /bin/sh does not support{extra}. "
            f"Supported commands: {', '.join(supported_commands())}"
        )


@dataclass(frozen=True)
class ShellResult:
    """What ``sh -c`` left behind besides the filesystem: exit status and the two streams."""

    status: int
    stdout: str
    stderr: str


class _Exit(Exception):
    """``exit N`` or ``set -e``: leave the current shell with this status."""

    def __init__(self, status: int) -> None:
        self.status = status


def _fs_text(exc: FsError) -> str:
    return _ERRNO_TEXT.get(exc.code, exc.strerror)


# -- output streams ----------------------------------------------------------------------------


class Sink:
    """Where a file descriptor writes: the shell's own stream, a pipe buffer or /dev/null."""

    def __init__(self) -> None:
        self.parts: list[Content] = []

    def write(self, data: Content | bytes | str) -> None:
        content = data if isinstance(data, Content) else BytesContent(data)
        if content.size:
            self.parts.append(content)

    def content(self) -> Content:
        if len(self.parts) == 1:
            return self.parts[0]
        return ConcatContent(*self.parts)

    def text(self) -> str:
        out, left = [], MAX_SHOWN
        for part in self.parts:
            if left <= 0:
                break
            data = part.read() if part.size <= left else PrefixContent(part, left).read()
            out.append(data)
            left -= len(data)
        return b"".join(out).decode("utf-8", "replace")


class NullSink(Sink):
    def write(self, data: Content | bytes | str) -> None:
        pass


class FileSink(Sink):
    """A redirect target: every write appends to the file in the overlay at once."""

    def __init__(self, fs: Overlay, path: str, cwd: str) -> None:
        super().__init__()
        self.fs, self.path, self.cwd = fs, path, cwd

    def write(self, data: Content | bytes | str) -> None:
        content = data if isinstance(data, Content) else BytesContent(data)
        if content.size:
            self.fs.write(self.path, content, append=True, cwd=self.cwd)


@dataclass
class IO:
    """The three standard streams of one command."""

    stdin: Content
    stdout: Sink
    stderr: Sink

    def out(self, text: str | bytes | Content) -> None:
        self.stdout.write(text)

    def err(self, text: str) -> None:
        self.stderr.write(text)


# -- the shell -----------------------------------------------------------------------------------


Command = Callable[["Shell", list[str], IO], int]
COMMANDS: dict[str, Command] = {}


def command(*names: str) -> Callable[[Command], Command]:
    """Register a command under one or more names (the registry is the supported list)."""

    def register(func: Command) -> Command:
        for name in names:
            COMMANDS[name] = func
        return func

    return register


def supported_commands() -> list[str]:
    return sorted(COMMANDS)


@dataclass
class Shell:
    """One shell process: its variables, working directory, options and last status."""

    fs: Overlay
    vars: dict[str, str]
    exported: set[str]
    cwd: str = "/"
    user: tuple[int, int] = (0, 0)
    line: int | None = None
    source: str = ""
    errexit: bool = False
    nounset: bool = False
    xtrace: bool = False
    pipefail: bool = False
    status: int = 0
    suppress: int = 0  # > 0 where set -e is ignored (if conditions, && / || operands)
    depth: int = 0
    stdout: Sink = field(default_factory=Sink)
    stderr: Sink = field(default_factory=Sink)

    # -- entry points ----------------------------------------------------------------------
    def run(self, text: str, io: IO) -> int:
        """Parse and run ``text`` (``sh -c text``); ``exit`` and ``set -e`` stop here."""
        if self.depth > 20:
            io.err("sh: too deeply nested\n")
            return 2
        nodes = self.parse(text)
        try:
            for node in nodes:
                self.status = self.eval(node, text, io)
        except _Exit as stop:
            self.status = stop.status
        return self.status

    def parse(self, text: str) -> list[Any]:
        if not text.strip():
            return []
        try:
            nodes = bashlex.parse(text)
        except NotImplementedError as exc:
            raise UnsupportedCommand(str(exc), self.line, "shell syntax") from None
        except bashlex.errors.ParsingError as exc:
            raise ShellSyntaxError(f"sh: syntax error: {exc.message}") from None
        for node in nodes:
            _check_supported(node, text, self.line)
        return nodes

    def child(self) -> Shell:
        """A subshell or ``sh -c``: its own copy of variables and cwd."""
        return replace(self, vars=dict(self.vars), exported=set(self.exported), depth=self.depth + 1)

    def env(self) -> dict[str, str]:
        return {k: v for k, v in self.vars.items() if k in self.exported}

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
        raise UnsupportedCommand(kind, self.line, "shell construct")

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
            raise _Exit(status)
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
        except _Exit as stop:
            return stop.status

    def eval_compound(self, node: Any, src: str, io: IO) -> int:
        io = self.redirect(getattr(node, "redirects", []) or [], src, io)
        if io is None:
            return 1
        first = node.list[0]
        if first.kind == "reservedword" and first.word == "{":
            return self.eval_body(node.list[1:-1], src, io)
        if first.kind == "reservedword" and first.word == "(":
            sub = self.child()
            try:
                return sub.eval_body(node.list[1:-1], src, io)
            except _Exit as stop:
                return stop.status
        if first.kind == "if":
            return self.eval_if(first, src, io)
        if first.kind == "for":
            return self.eval_for(first, src, io)
        raise UnsupportedCommand(first.kind, self.line, "shell construct")

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
                    words += self.expand(src[p.pos[0] : p.pos[1]], p, src)
        else:
            words = []
        for p in parts:
            if p.kind == "list" or p.kind in ("command", "pipeline", "compound"):
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
                name, _, value = text.partition("=")
                assigns.append((name, self.expand(value, part, src, split=False, offset=len(name) + 1)[0]))
            elif part.kind in ("word", "assignment"):
                argv += self.expand(text, part, src)
            elif part.kind == "redirect":
                redirects.append(part)
            else:
                raise UnsupportedCommand(part.kind, self.line, "shell construct")
        if self.xtrace:
            shown = " ".join([f"{k}={shlex.quote(v)}" for k, v in assigns] + [shlex.quote(a) for a in argv])
            io.err(f"+ {shown}\n")
        if not argv:
            for name, value in assigns:
                self.vars[name] = value
            stage = self.redirect(redirects, src, io)
            return self.status if stage is not None and not redirects else (0 if stage is not None else 1)
        stage = self.redirect(redirects, src, io)
        if stage is None:
            return 1
        return self.call(argv, stage, assigns)

    def call(self, argv: list[str], io: IO, assigns: list[tuple[str, str]] = ()) -> int:  # type: ignore[assignment]
        name = argv[0]
        func = COMMANDS.get(name) or COMMANDS.get(posixpath.basename(name))
        if func is None:
            raise UnsupportedCommand(name, self.line)
        saved = {k: self.vars.get(k) for k, _ in assigns}
        saved_exported = set(self.exported)
        for key, value in assigns:  # VAR=x cmd: in cmd's environment only
            self.vars[key] = value
            self.exported.add(key)
        try:
            return func(self, argv, io)
        except FsError as exc:  # a command that did not catch its own error
            io.err(f"{posixpath.basename(name)}: {exc.path}: {_fs_text(exc)}\n")
            return 1
        finally:
            if func not in _STATE_COMMANDS:
                for key, old in saved.items():
                    if old is None:
                        self.vars.pop(key, None)
                    else:
                        self.vars[key] = old
                self.exported = saved_exported

    def redirect(self, redirects: list[Any], src: str, io: IO) -> IO | None:
        """Apply ``>`` ``>>`` ``<`` ``2>&1`` ``&>`` left to right; None if one fails (status 1)."""
        fds: dict[int, Any] = {0: io.stdin, 1: io.stdout, 2: io.stderr}
        for r in redirects:
            kind = r.type
            if kind in ("<<", "<<<", "<<-", "<>"):
                raise UnsupportedCommand(kind, self.line, "here-documents and read-write redirections")
            if isinstance(r.output, int):  # 2>&1, >&2
                source = r.input if r.input is not None else (0 if kind == "<&" else 1)
                fds[source] = fds[r.output]
                continue
            words = self.expand(src[r.output.pos[0] : r.output.pos[1]], r.output, src)
            if len(words) != 1:
                io.err(f"sh: {src[r.output.pos[0]:r.output.pos[1]]}: ambiguous redirect\n")
                return None
            target = words[0]
            if kind == "<":
                try:
                    fds[r.input if r.input is not None else 0] = self._read_input(target)
                except FsError as exc:
                    io.err(f"sh: can't open '{target}': {_fs_text(exc)}\n")
                    return None
                continue
            sink = self._open_output(target, append=kind == ">>", io=io)
            if sink is None:
                return None
            if kind in ("&>", ">&"):
                fds[1] = fds[2] = sink
            else:
                fds[r.input if r.input is not None else 1] = sink
        return IO(fds[0], fds[1], fds[2])

    def _read_input(self, target: str) -> Content:
        if target == "/dev/null":
            return BytesContent(b"")
        return self.fs.read(target, cwd=self.cwd)

    def _open_output(self, target: str, *, append: bool, io: IO) -> Sink | None:
        if target in ("/dev/null", "/dev/zero"):
            return NullSink()
        if target in ("/dev/stdout", "/proc/self/fd/1"):
            return io.stdout
        if target in ("/dev/stderr", "/proc/self/fd/2"):
            return io.stderr
        try:
            entry = self.fs.stat(target, cwd=self.cwd)
            if entry is None or not append:
                self.fs.write(target, b"", append=append, uid=self.user[0], gid=self.user[1], cwd=self.cwd)
        except FsError as exc:
            why = "nonexistent directory" if exc.code == "ENOENT" else _fs_text(exc)
            io.err(f"sh: can't create {target}: {why}\n")
            return None
        return FileSink(self.fs, target, self.cwd)

    # -- words -------------------------------------------------------------------------------
    def expand(self, text: str, node: Any, src: str, *, split: bool = True, offset: int = 0) -> list[str]:
        """Quote removal, parameter and command substitution, field splitting, globbing."""
        base = node.pos[0] + offset
        substs = {n.pos[0] - base: n.pos[1] - base for n in _substitutions(node)}
        fields = _Expander(self, text, substs, split).run()
        if not split:
            return ["".join(c for c, _ in fields[0])] if fields else [""]
        out: list[str] = []
        for chars in fields:
            out += self.glob(chars)
        return out

    def lookup(self, name: str) -> str | None:
        if name == "?":
            return str(self.status)
        if name in ("#",):
            return "0"
        if name in ("@", "*"):
            return ""
        if name == "$":
            return "1"
        if name == "0":
            return "sh"
        if name == "PWD":
            return self.cwd
        value = self.vars.get(name)
        if value is None and self.nounset and not name.isdigit():
            self.stderr_now(f"sh: {name}: parameter not set\n")
            raise _Exit(2)
        return value

    def stderr_now(self, text: str) -> None:
        self.stderr.write(text)

    def substitute(self, inner: str) -> str:
        """``$(...)``: run in a subshell, capture stdout, drop trailing newlines."""
        sub = self.child()
        out = Sink()
        try:
            sub.run(inner, IO(BytesContent(b""), out, self.stderr))
        except _Exit as stop:
            sub.status = stop.status
        self.status = sub.status
        return out.text().rstrip("\n")

    def glob(self, chars: list[tuple[str, bool]]) -> list[str]:
        word = "".join(c for c, _ in chars)
        if not any(c in "*?[" and not quoted for c, quoted in chars):
            return [word]
        pattern = "".join(("[" + c + "]" if c in "*?[]" else c) if quoted else c for c, quoted in chars)
        matches = self._glob(pattern)
        return sorted(matches) if matches else [word]

    def _glob(self, pattern: str) -> list[str]:
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
                    if self.fs.lstat(candidate, cwd=self.cwd) is not None or (not last and self.fs.is_dir(candidate, cwd=self.cwd)):
                        found.append(candidate)
                    continue
                try:
                    names = self.fs.listdir(where, cwd=self.cwd)
                except FsError:
                    continue
                for name in names:
                    if name.startswith(".") and not part.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, part):
                        candidate = posixpath.join(base, name) if base else name
                        if last or self.fs.is_dir(candidate, cwd=self.cwd):
                            found.append(candidate)
            results = found
        return results

    # -- helpers for commands ------------------------------------------------------------------
    def path(self, arg: str) -> str:
        """An absolute container path for a command argument."""
        return posixpath.normpath(posixpath.join(self.cwd, arg))

    @property
    def mtime(self) -> int:
        try:
            return int(self.vars.get("SOURCE_DATE_EPOCH", "0"))
        except ValueError:
            return 0

    def own(self, path: str) -> None:
        """Give a new entry to the running user (entries are created root-owned)."""
        if self.user != (0, 0):
            self.fs.chown(path, *self.user, cwd=self.cwd, follow=False)


class ShellSyntaxError(LayerlabError):
    """Text ``sh`` itself would refuse (status 2)."""


def _negated(node: Any) -> bool:
    return node.kind == "pipeline" and any(p.kind == "reservedword" and p.word == "!" for p in node.parts)


def _substitutions(node: Any) -> Iterator[Any]:
    """The command substitutions directly in a word (not those nested inside them)."""
    for part in getattr(node, "parts", []) or []:
        if part.kind == "commandsubstitution":
            yield part
        elif part.kind in ("parameter", "tilde"):
            continue
        else:
            yield from _substitutions(part)


_CONSTRUCTS = {"while", "until", "function", "case", "select", "arith"}


def _check_supported(node: Any, src: str, line: int | None) -> None:
    """Refuse unknown commands and constructs before anything runs (no half-built layer)."""
    kind = node.kind
    if kind in _CONSTRUCTS:
        raise UnsupportedCommand(kind, line, "shell construct")
    if kind == "processsubstitution":
        raise UnsupportedCommand("<(...)", line, "process substitution")
    if kind == "redirect" and node.type in ("<<", "<<<", "<<-"):
        raise UnsupportedCommand(node.type, line, "here-documents")
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
            _check_supported(part, src, line)
    for attr in ("parts", "list"):
        for part in getattr(node, attr, None) or []:
            if kind != "compound" or attr != "list":
                _check_supported(part, src, line)
    command_node = getattr(node, "command", None)
    if command_node is not None and kind == "commandsubstitution":
        _check_supported(command_node, src, line)


class _Expander:
    """Scan one word's source text: quotes, ``$`` expansions; yield fields of (char, quoted)."""

    def __init__(self, shell: Shell, text: str, substs: dict[int, int], split: bool) -> None:
        self.sh, self.text, self.substs, self.split = shell, text, substs, split
        self.fields: list[list[tuple[str, bool]]] = [[]]
        self.has_field = False  # "" makes an empty field that survives

    def emit(self, s: str, quoted: bool, from_expansion: bool = False) -> None:
        for c in s:
            if from_expansion and not quoted and self.split and c in " \t\n":
                if self.fields[-1] or self.has_field:
                    self.fields.append([])
                    self.has_field = False
                continue
            self.fields[-1].append((c, quoted))

    def run(self) -> list[list[tuple[str, bool]]]:
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
        if self.split and self.has_field and self.fields and not self.fields[-1] and self.fields[-1] not in fields:
            pass
        return fields

    def double(self, i: int) -> int:
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
            raise UnsupportedCommand(text[i : i + 2], self.sh.line, "command substitution bashlex did not parse")
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
            raise UnsupportedCommand("${" + body + "}", self.sh.line, "parameter expansion form")
        name, op, word = m.group(1), m.group(2), m.group(3) or ""
        if op is None:
            return self.sh.lookup(name) or ""
        value = self.sh.vars.get(name) if name not in "?#@*$!" else self.sh.lookup(name)
        unset = value is None or (op.startswith(":") and value == "")
        alt = "".join(c for f in _Expander(self.sh, word, {}, False).run() for c, _ in f)
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
            raise _Exit(2)
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


# -- public API ----------------------------------------------------------------------------------


def run_shell(
    fs: Overlay,
    command: str,
    *,
    env: dict[str, str],
    cwd: str = "/",
    user: tuple[int, int] = (0, 0),
    line: int | None = None,
) -> ShellResult:
    """``/bin/sh -c command`` in the model: changes ``fs`` and returns status and output.

    Raises UnsupportedCommand (before changing anything, when the command names are plain
    words) for commands and constructs outside the documented subset.
    """
    shell = _new_shell(fs, env, cwd, user, line, command)
    io = IO(BytesContent(b""), shell.stdout, shell.stderr)
    try:
        status = shell.run(command, io)
    except ShellSyntaxError as exc:
        shell.stderr.write(str(exc) + "\n")
        status = 2
    return ShellResult(status, shell.stdout.text(), shell.stderr.text())


def run_exec(
    fs: Overlay,
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: str = "/",
    user: tuple[int, int] = (0, 0),
    line: int | None = None,
) -> ShellResult:
    """Exec-form ``RUN ["cmd", "arg"]``: no shell, no expansion; argv goes to the command."""
    if not argv:
        raise UnsupportedCommand("[]", line, "an empty exec form runs nothing")
    shell = _new_shell(fs, env, cwd, user, line, " ".join(argv))
    io = IO(BytesContent(b""), shell.stdout, shell.stderr)
    try:
        status = shell.call(list(argv), io)
    except _Exit as stop:
        status = stop.status
    except ShellSyntaxError as exc:
        shell.stderr.write(str(exc) + "\n")
        status = 2
    return ShellResult(status, shell.stdout.text(), shell.stderr.text())


def _new_shell(fs: Overlay, env: dict[str, str], cwd: str, user: tuple[int, int], line: int | None, source: str) -> Shell:
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", **env}
    return Shell(fs=fs, vars=dict(env), exported=set(env), cwd=posixpath.normpath("/" + cwd), user=user, line=line, source=source)


# -- commands --------------------------------------------------------------------------------------
# Each takes (shell, argv, io) and returns the exit status; messages follow busybox.

_STATE_COMMANDS: set[Command] = set()


def state_command(*names: str) -> Callable[[Command], Command]:
    """A builtin that changes the shell itself (cd, export, set): VAR=x before it sticks."""

    def register(func: Command) -> Command:
        _STATE_COMMANDS.add(func)
        return command(*names)(func)

    return register


def _options(argv: list[str], letters: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    """Short options (``-rf``, ``-m 755``, ``-m755``) until ``--`` or the first operand."""
    flags: set[str] = set()
    values: dict[str, str] = {}
    rest = argv[1:]
    while rest and rest[0].startswith("-") and rest[0] != "-":
        arg = rest.pop(0)
        if arg == "--":
            break
        if arg.startswith("--"):
            flags.add(arg)
            continue
        j = 1
        while j < len(arg):
            c = arg[j]
            if c in with_value:
                value = arg[j + 1 :] or (rest.pop(0) if rest else "")
                values[c] = value
                break
            if c not in letters:
                raise _BadOption(c)
            flags.add(c)
            j += 1
    return flags, values, rest


class _BadOption(Exception):
    def __init__(self, letter: str) -> None:
        self.letter = letter


def _opts(sh: Shell, argv: list[str], io: IO, letters: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]] | None:
    try:
        return _options(argv, letters, with_value)
    except _BadOption as bad:
        raise UnsupportedCommand(f"{argv[0]} -{bad.letter}", sh.line, f"option -{bad.letter} of {argv[0]}") from None


@command("true", ":")
def _true(sh: Shell, argv: list[str], io: IO) -> int:
    return 0


@command("false")
def _false(sh: Shell, argv: list[str], io: IO) -> int:
    return 1


@command("sleep", "sync")
def _sleep(sh: Shell, argv: list[str], io: IO) -> int:
    """No time passes in the model; the filesystem is the same either way."""
    return 0


@state_command("cd")
def _cd(sh: Shell, argv: list[str], io: IO) -> int:
    target = argv[1] if len(argv) > 1 else sh.vars.get("HOME", "/root")
    if not sh.fs.is_dir(target, cwd=sh.cwd):
        why = "Not a directory" if sh.fs.exists(target, cwd=sh.cwd) else "No such file or directory"
        io.err(f"sh: cd: can't cd to {target}: {why}\n")
        return 2
    sh.cwd = sh.path(target)
    return 0


@state_command("export")
def _export(sh: Shell, argv: list[str], io: IO) -> int:
    for arg in argv[1:]:
        if arg.startswith("-"):
            continue
        name, eq, value = arg.partition("=")
        if eq:
            sh.vars[name] = value
        sh.exported.add(name)
    return 0


@state_command("unset")
def _unset(sh: Shell, argv: list[str], io: IO) -> int:
    for name in argv[1:]:
        if not name.startswith("-"):
            sh.vars.pop(name, None)
            sh.exported.discard(name)
    return 0


_SET_LONG = {"errexit": "e", "nounset": "u", "xtrace": "x", "pipefail": "pipefail"}


@state_command("set")
def _set(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    while args:
        arg = args.pop(0)
        if arg in ("-o", "+o"):
            name = args.pop(0) if args else ""
            letters = [_SET_LONG.get(name, "?" + name)]
        elif arg[:1] in "-+" and len(arg) > 1 and arg != "--":
            letters = list(arg[1:])
        else:
            break
        on = arg[0] == "-"
        for letter in letters:
            if letter == "e":
                sh.errexit = on
            elif letter == "u":
                sh.nounset = on
            elif letter == "x":
                sh.xtrace = on
            elif letter == "pipefail":
                sh.pipefail = on
            elif letter in ("v", "f", "C", "a", "b", "h", "m", "n"):
                continue
            else:
                raise UnsupportedCommand(f"set {arg} {letter.lstrip('?')}".strip(), sh.line, "shell option")
    return 0


@command("exit")
def _exit(sh: Shell, argv: list[str], io: IO) -> int:
    status = int(argv[1]) & 0xFF if len(argv) > 1 and argv[1].lstrip("-").isdigit() else sh.status
    raise _Exit(status)


@command("echo")
def _echo(sh: Shell, argv: list[str], io: IO) -> int:
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
def _printf(sh: Shell, argv: list[str], io: IO) -> int:
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
def _cat(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "uv")
    assert opts
    _, _, files = opts
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
                io.err(f"cat: can't open '{name}': {_fs_text(exc)}\n")
            status = 1
    return status


@command("head")
def _head(sh: Shell, argv: list[str], io: IO) -> int:
    args = [("-n" + a[1:]) if re.fullmatch(r"-[0-9]+", a) else a for a in argv]
    opts = _opts(sh, args, io, "q", "cn")
    assert opts
    _, values, files = opts
    status = 0
    for name in files or ["-"]:
        try:
            data = io.stdin if name == "-" else sh.fs.read(name, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"head: can't open '{name}': {_fs_text(exc)}\n")
            status = 1
            continue
        if "c" in values:
            io.out(PrefixContent(data, min(_size(values["c"]), data.size)))
        else:
            count = int(values.get("n", "10"))
            lines = data.read().split(b"\n")
            io.out(b"\n".join(lines[:count]) + (b"\n" if len(lines) > count else b""))
    return status


@command("tee")
def _tee(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "ai")
    assert opts
    flags, _, files = opts
    status = 0
    data = io.stdin
    for name in files:
        sink = sh._open_output(name, append="a" in flags, io=IO(io.stdin, io.stdout, NullSink()))
        if sink is None:
            io.err(f"tee: {name}: No such file or directory\n")
            status = 1
            continue
        sink.write(data)
    io.out(data)
    return status


@command("ls")
def _ls(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "1aAlFdhR")
    assert opts
    flags, _, names = opts
    status = 0
    for i, name in enumerate(names or ["."]):
        entry = _lstat(sh, name)
        if entry is None:
            io.err(f"ls: {name}: No such file or directory\n")
            status = 2 if len(names) == 1 else 1
            continue
        if isinstance(sh.fs.stat(name, cwd=sh.cwd), Dir) and "d" not in flags:
            if len(names) > 1:
                io.out(("\n" if i else "") + f"{name}:\n")
            children = sh.fs.listdir(name, cwd=sh.cwd)
            if "a" not in flags and "A" not in flags:
                children = [c for c in children if not c.startswith(".")]
            for child in children:
                io.out(_ls_line(sh, posixpath.join(name, child), child, flags))
        else:
            io.out(_ls_line(sh, name, name, flags))
    return status


def _ls_line(sh: Shell, path: str, shown: str, flags: set[str]) -> str:
    if "l" not in flags:
        return shown + "\n"
    entry = _lstat(sh, path)
    assert entry is not None
    target = f" -> {entry.target}" if isinstance(entry, Symlink) else ""
    return f"{entry.mode_string()} 1 {entry.uid:<8} {entry.gid:<8} {entry.size:>8} {shown}{target}\n"


def _lstat(sh: Shell, path: str) -> Entry | None:
    try:
        return sh.fs.lstat(path, cwd=sh.cwd)
    except FsError:
        return None


def _stat(sh: Shell, path: str) -> Entry | None:
    try:
        return sh.fs.stat(path, cwd=sh.cwd)
    except FsError:
        return None


@command("test", "[")
def _test(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if posixpath.basename(argv[0]) == "[":
        if not args or args[-1] != "]":
            io.err("sh: [: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _test_expr(sh, args) else 1
    except ValueError as exc:
        io.err(f"sh: {argv[0]}: {exc}\n")
        return 2


def _test_expr(sh: Shell, args: list[str]) -> bool:
    """test's expressions by argument count (POSIX), with -a and -o."""
    for op in ("-o", "-a"):
        if op in args[1:-1]:
            i = len(args) - 1 - args[::-1].index(op)
            left, right = _test_expr(sh, args[:i]), _test_expr(sh, args[i + 1 :])
            return (left or right) if op == "-o" else (left and right)
    if not args:
        return False
    if args[0] == "!" and len(args) > 1:
        return not _test_expr(sh, args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        op, arg = args
        if op == "-n":
            return arg != ""
        if op == "-z":
            return arg == ""
        if op in ("-h", "-L"):
            return isinstance(_lstat(sh, arg), Symlink)
        entry = _stat(sh, arg)
        checks: dict[str, Callable[[Entry | None], bool]] = {
            "-e": lambda e: e is not None,
            "-f": lambda e: isinstance(e, File),
            "-d": lambda e: isinstance(e, Dir),
            "-s": lambda e: isinstance(e, File) and e.size > 0,
            "-r": lambda e: e is not None,
            "-w": lambda e: e is not None,
            "-x": lambda e: e is not None and (isinstance(e, Dir) or bool(e.mode & 0o111)),
        }
        if op not in checks:
            raise ValueError(f"{op}: unary operator expected")
        return checks[op](entry)
    if len(args) == 3:
        left, op, right = args
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        numeric = {"-eq": int.__eq__, "-ne": int.__ne__, "-lt": int.__lt__, "-gt": int.__gt__, "-le": int.__le__, "-ge": int.__ge__}
        if op in numeric:
            try:
                return bool(numeric[op](int(left), int(right)))
            except ValueError:
                raise ValueError(f"{left if not left.lstrip('-').isdigit() else right}: bad number") from None
        raise ValueError(f"{op}: binary operator expected")
    raise ValueError("too many arguments")


@command("mkdir")
def _mkdir(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "pv", "m")
    assert opts
    flags, values, dirs = opts
    mode = parse_mode(values["m"], 0o777 & ~UMASK, is_dir=True, umask=0) if "m" in values else 0o777 & ~UMASK
    if mode is None:
        io.err(f"mkdir: invalid mode '{values['m']}'\n")
        return 1
    status = 0
    for name in dirs:
        try:
            if "p" in flags:
                _mkdir_parents(sh, name, mode)
            else:
                sh.fs.mkdir(name, mode, cwd=sh.cwd)
                sh.own(name)
        except FsError as exc:
            io.err(f"mkdir: can't create directory '{name}': {_fs_text(exc)}\n")
            status = 1
    return status


def _mkdir_parents(sh: Shell, name: str, mode: int) -> None:
    """``mkdir -p``: existing directories are left alone (no copy-up), new ones made in turn."""
    parts = [p for p in name.split("/") if p]
    prefix = "/" if name.startswith("/") else ""
    for i, part in enumerate(parts):
        prefix = posixpath.join(prefix, part) if prefix else part
        entry = sh.fs.stat(prefix, cwd=sh.cwd)
        last = i == len(parts) - 1
        if entry is None:
            sh.fs.mkdir(prefix, mode if last else 0o777 & ~UMASK, cwd=sh.cwd)
            sh.own(prefix)
        elif not isinstance(entry, Dir):
            raise FsError("EEXIST" if last else "ENOTDIR", sh.path(prefix))


@command("rmdir")
def _rmdir(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "p")
    assert opts
    flags, _, dirs = opts
    status = 0
    for name in dirs:
        targets = [name]
        if "p" in flags:
            parent = posixpath.dirname(name.rstrip("/"))
            while parent not in ("", "/", "."):
                targets.append(parent)
                parent = posixpath.dirname(parent)
        for target in targets:
            try:
                sh.fs.rmdir(target, cwd=sh.cwd)
            except FsError as exc:
                io.err(f"rmdir: '{target}': {_fs_text(exc)}\n")
                status = 1
                break
    return status


@command("touch")
def _touch(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "cham", "dtr")
    assert opts
    flags, _, files = opts
    status = 0
    for name in files:
        try:
            if _stat(sh, name) is None:
                if "c" in flags:
                    continue
                sh.fs.write(name, b"", uid=sh.user[0], gid=sh.user[1], cwd=sh.cwd)
                sh.fs.utime(name, sh.mtime, cwd=sh.cwd)
            else:
                sh.fs.utime(name, sh.mtime, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"touch: {name}: {_fs_text(exc)}\n")
            status = 1
    return status


@command("rm")
def _rm(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "rRfiv")
    assert opts
    flags, _, names = opts
    force, recursive = "f" in flags, bool(flags & {"r", "R"})
    status = 0
    for name in names:
        entry = _lstat(sh, name)
        if entry is None:
            if not force:
                io.err(f"rm: can't remove '{name}': No such file or directory\n")
                status = 1
            continue
        if posixpath.basename(name.rstrip("/")) in (".", ".."):
            io.err("rm: '.' or '..' may not be removed\n")
            status = 1
            continue
        try:
            if isinstance(entry, Dir):
                if not recursive:
                    io.err(f"rm: '{name}' is a directory\n")
                    status = 1
                    continue
                if sh.path(name) == "/":
                    io.err("rm: it is dangerous to operate recursively on '/'\n")
                    status = 1
                    continue
                sh.fs.remove_tree(name, cwd=sh.cwd)
            else:
                sh.fs.unlink(name, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"rm: can't remove '{name}': {_fs_text(exc)}\n")
            status = 1
    return status


def _dest_in_dir(sh: Shell, src: str, dst: str, follow: bool = True) -> str:
    """``cp a dir`` and ``mv a dir`` put ``a`` inside an existing directory."""
    entry = _stat(sh, dst) if follow else _lstat(sh, dst)
    if isinstance(entry, Dir):
        return posixpath.join(dst, posixpath.basename(src.rstrip("/")))
    return dst


@command("cp")
def _cp(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "rRapdPLHfinuvT")
    assert opts
    flags, _, args = opts
    if len(args) < 2:
        io.err("cp: missing file operand\n" if not args else f"cp: missing destination file operand after '{args[0]}'\n")
        return 1
    recursive = bool(flags & {"r", "R", "a"})
    preserve = bool(flags & {"p", "a"})
    no_deref = bool(flags & {"d", "P", "a"}) or (recursive and "L" not in flags)
    *sources, dest = args
    if len(sources) > 1 and not isinstance(_stat(sh, dest), Dir):
        io.err(f"cp: '{dest}' is not a directory\n")
        return 1
    status = 0
    for src in sources:
        entry = _lstat(sh, src) if no_deref else _stat(sh, src)
        if entry is None:
            io.err(f"cp: can't stat '{src}': No such file or directory\n")
            status = 1
            continue
        if isinstance(entry, Dir) and not recursive:
            io.err(f"cp: omitting directory '{src}'\n")
            status = 1
            continue
        target = dest if "T" in flags else _dest_in_dir(sh, src, dest)
        if sh.path(target) == sh.path(src):
            io.err(f"cp: '{src}' and '{target}' are the same file\n")
            status = 1
            continue
        if isinstance(entry, Dir) and sh.path(target).startswith(sh.path(src) + "/"):
            io.err(f"cp: cannot copy a directory, '{src}', into itself, '{target}'\n")
            status = 1
            continue
        status |= copy_tree(sh, src, target, io, preserve=preserve, no_deref=no_deref, name="cp")
    return status


def copy_tree(sh: Shell, src: str, dst: str, io: IO, *, preserve: bool, no_deref: bool, name: str) -> int:
    """Copy one entry (a directory recursively) as cp does, entry by entry through the overlay."""
    entry = _lstat(sh, src) if no_deref else _stat(sh, src)
    assert entry is not None
    existing = _lstat(sh, dst)
    owner = (entry.uid, entry.gid) if preserve else sh.user
    try:
        if isinstance(entry, Dir):
            if existing is None:
                sh.fs.mkdir(dst, entry.mode if preserve else entry.mode & ~UMASK, cwd=sh.cwd)
            elif not isinstance(_stat(sh, dst), Dir):
                io.err(f"{name}: can't create directory '{dst}': File exists\n")
                return 1
            status = 0
            for child in sh.fs.listdir(src, cwd=sh.cwd):
                status |= copy_tree(sh, posixpath.join(src, child), posixpath.join(dst, child), io,
                                    preserve=preserve, no_deref=True, name=name)
            if existing is None or preserve:
                if preserve:
                    sh.fs.chmod(dst, entry.mode, cwd=sh.cwd)
                _set_owner(sh, dst, owner, follow=True)
            return status
        if existing is not None and (isinstance(entry, Symlink) or not isinstance(existing, File)):
            if isinstance(existing, Dir):
                io.err(f"{name}: can't create '{dst}': Is a directory\n")
                return 1
            sh.fs.unlink(dst, cwd=sh.cwd)
            existing = None
        if isinstance(entry, Symlink):
            sh.fs.symlink(entry.target, dst, cwd=sh.cwd)
            _set_owner(sh, dst, owner, follow=False)
            return 0
        if not isinstance(entry, File):
            io.err(f"{name}: '{src}': special files are not modelled\n")
            return 1
        if existing is None:
            sh.fs.write(dst, entry.content, mode=entry.mode if preserve else entry.mode & ~UMASK,
                        uid=owner[0], gid=owner[1], cwd=sh.cwd)
        else:  # an existing file is opened with O_TRUNC and keeps its inode and mode
            sh.fs.write(dst, entry.content, cwd=sh.cwd)
            if preserve:
                sh.fs.chmod(dst, entry.mode, cwd=sh.cwd)
                _set_owner(sh, dst, owner, follow=True)
        if preserve:
            sh.fs.utime(dst, entry.mtime, cwd=sh.cwd)
    except FsError as exc:
        io.err(f"{name}: can't create '{dst}': {_fs_text(exc)}\n")
        return 1
    return 0


def _set_owner(sh: Shell, path: str, owner: tuple[int, int], *, follow: bool) -> None:
    entry = sh.fs.stat(path, cwd=sh.cwd) if follow else sh.fs.lstat(path, cwd=sh.cwd)
    if entry is not None and (entry.uid, entry.gid) != owner:
        sh.fs.chown(path, *owner, cwd=sh.cwd, follow=follow)


@command("mv")
def _mv(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "finvT")
    assert opts
    flags, _, args = opts
    if len(args) < 2:
        io.err("mv: missing file operand\n")
        return 1
    *sources, dest = args
    if len(sources) > 1 and not isinstance(_stat(sh, dest), Dir):
        io.err(f"mv: '{dest}' is not a directory\n")
        return 1
    status = 0
    for src in sources:
        target = dest if "T" in flags else _dest_in_dir(sh, src, dest)
        entry = _lstat(sh, src)
        if entry is None:
            io.err(f"mv: can't rename '{src}': No such file or directory\n")
            status = 1
            continue
        try:
            sh.fs.rename(src, target, cwd=sh.cwd)
        except FsError as exc:
            if exc.code != "EXDEV":
                io.err(f"mv: can't rename '{src}': {_fs_text(exc)}\n")
                status = 1
                continue
            # Docker's overlay mount has no redirect_dir: copy everything, then delete.
            existing = _lstat(sh, target)
            if existing is not None:
                if isinstance(existing, Dir) and not isinstance(entry, Dir):
                    io.err("mv: can't overwrite directory with non-directory\n")
                    status = 1
                    continue
                if isinstance(existing, Dir) and sh.fs.listdir(target, cwd=sh.cwd):
                    io.err(f"mv: can't remove '{target}': Directory not empty\n")
                    status = 1
                    continue
                sh.fs.remove_tree(target, cwd=sh.cwd)
            if copy_tree(sh, src, target, io, preserve=True, no_deref=True, name="mv"):
                status = 1
                continue
            sh.fs.remove_tree(src, cwd=sh.cwd)
    return status


@command("ln")
def _ln(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "sfnvTL")
    assert opts
    flags, _, args = opts
    if not args:
        io.err("ln: missing file operand\n")
        return 1
    if len(args) == 1:
        args = [args[0], "."]
    *targets, dest = args
    status = 0
    for target in targets:
        follow = "n" not in flags
        link = dest if "T" in flags or (len(targets) == 1 and not _dest_is_dir(sh, dest, follow)) else posixpath.join(dest, posixpath.basename(target.rstrip("/")))
        try:
            if _lstat(sh, link) is not None:
                if "f" not in flags:
                    io.err(f"ln: {link}: File exists\n")
                    status = 1
                    continue
                if isinstance(_lstat(sh, link), Dir):
                    io.err(f"ln: {link}: Is a directory\n")
                    status = 1
                    continue
                sh.fs.unlink(link, cwd=sh.cwd)
            if "s" in flags:
                sh.fs.symlink(target, link, cwd=sh.cwd)
                sh.own(link)
            else:
                source = _lstat(sh, target)
                if source is None:
                    io.err(f"ln: {target}: No such file or directory\n")
                    status = 1
                    continue
                if isinstance(source, Dir):
                    io.err(f"ln: {target}: hard link not allowed for directory\n")
                    status = 1
                    continue
                sh.fs.link(target, link, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"ln: {link}: {_fs_text(exc)}\n")
            status = 1
    return status


def _dest_is_dir(sh: Shell, dest: str, follow: bool) -> bool:
    return isinstance(_stat(sh, dest) if follow else _lstat(sh, dest), Dir)


# -- modes and owners ----------------------------------------------------------------------------


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


@command("chmod")
def _chmod(sh: Shell, argv: list[str], io: IO) -> int:
    # A symbolic mode like -w looks like an option: take it as the mode.
    args = argv[1:]
    recursive = False
    while args and args[0] in ("-R", "-v", "-f", "-c", "--"):
        recursive = recursive or args[0] == "-R"
        args = args[1:]
    if len(args) < 2:
        io.err("chmod: missing operand\n")
        return 1
    text, files = args[0], args[1:]
    status = 0
    for name in files:
        targets = _walk(sh, name) if recursive else [name]
        for target in targets:
            entry = _stat(sh, target)
            if entry is None:
                if _lstat(sh, target) is not None and target != name:
                    continue  # a dangling symlink met while recursing
                io.err(f"chmod: {target}: No such file or directory\n")
                status = 1
                continue
            if isinstance(_lstat(sh, target), Symlink) and target != name:
                continue  # -R does not follow symlinks below the top
            mode = parse_mode(text, entry.mode, is_dir=isinstance(entry, Dir))
            if mode is None:
                io.err(f"chmod: invalid mode '{text}'\n")
                return 1
            sh.fs.chmod(target, mode, cwd=sh.cwd)
    return status


def _walk(sh: Shell, top: str) -> list[str]:
    """``top`` and, if it is a directory (not a symlink to one), everything below it."""
    out = [top]
    entry = _lstat(sh, top)
    if isinstance(entry, Dir):
        for child in sh.fs.listdir(top, cwd=sh.cwd):
            out += _walk(sh, posixpath.join(top, child))
    return out


def _accounts(sh: Shell, path: str) -> list[list[str]]:
    try:
        text = sh.fs.read(path).read().decode("utf-8", "replace")
    except FsError:
        return []
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def lookup_user(sh: Shell, name: str) -> tuple[int, int] | None:
    """uid and login gid from the image's /etc/passwd (well-known names if it has none)."""
    rows = _accounts(sh, "/etc/passwd")
    for row in rows:
        if len(row) >= 4 and row[0] == name:
            return int(row[2]), int(row[3])
    if name.isdigit():
        return int(name), -1
    return DEFAULT_USERS.get(name) if not rows else None


def lookup_group(sh: Shell, name: str) -> int | None:
    rows = _accounts(sh, "/etc/group")
    for row in rows:
        if len(row) >= 3 and row[0] == name:
            return int(row[2])
    if name.isdigit():
        return int(name)
    return DEFAULT_GROUPS.get(name) if not rows else None


@command("chown", "chgrp")
def _chown(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "RhHLPfvc")
    assert opts
    flags, _, args = opts
    name = posixpath.basename(argv[0])
    if len(args) < 2:
        io.err(f"{name}: missing operand\n")
        return 1
    spec, files = args[0], args[1:]
    if name == "chgrp":
        spec = ":" + spec
    user_part, sep, group_part = spec.replace(".", ":", 1).partition(":") if ":" not in spec and "." in spec else spec.partition(":")
    uid = gid = None
    if user_part:
        found = lookup_user(sh, user_part)
        if found is None:
            io.err(f"{name}: unknown user {user_part}\n")
            return 1
        uid = found[0]
        if sep and not group_part and found[1] >= 0:
            gid = found[1]
    if group_part:
        gid = lookup_group(sh, group_part)
        if gid is None:
            io.err(f"{name}: unknown group {group_part}\n")
            return 1
    status = 0
    for top in files:
        for target in _walk(sh, top) if "R" in flags else [top]:
            follow = target == top and "h" not in flags
            entry = _stat(sh, target) if follow else _lstat(sh, target)
            if entry is None:
                io.err(f"{name}: {target}: No such file or directory\n")
                status = 1
                continue
            sh.fs.chown(target, entry.uid if uid is None else uid, entry.gid if gid is None else gid,
                        cwd=sh.cwd, follow=follow)
    return status


# -- sizes and data --------------------------------------------------------------------------------

_SUFFIXES = {"": 1, "c": 1, "w": 2, "b": 512, "kB": 1000, "KB": 1000, "k": 1024, "K": 1024, "KiB": 1024,
             "MB": 1000**2, "M": 1024**2, "m": 1024**2, "MiB": 1024**2, "GB": 1000**3, "G": 1024**3,
             "g": 1024**3, "GiB": 1024**3, "TB": 1000**4, "T": 1024**4, "t": 1024**4}


def _size(text: str) -> int:
    m = re.fullmatch(r"([0-9]+)([A-Za-z]*)", text)
    if not m or m.group(2) not in _SUFFIXES:
        raise ValueError(text)
    return int(m.group(1)) * _SUFFIXES[m.group(2)]


@command("dd")
def _dd(sh: Shell, argv: list[str], io: IO) -> int:
    ops: dict[str, str] = {}
    for arg in argv[1:]:
        key, eq, value = arg.partition("=")
        if not eq:
            io.err(f"dd: unknown operand {arg}\n")
            return 1
        ops[key] = value
    try:
        bs = _size(ops.get("bs", ops.get("obs", ops.get("ibs", "512"))))
        count = _size(ops["count"]) if "count" in ops else None
        skip = _size(ops.get("skip", "0"))
        seek = _size(ops.get("seek", "0"))
    except ValueError as exc:
        io.err(f"dd: invalid number '{exc}'\n")
        return 1
    source = ops.get("if", "-")
    if source == "/dev/zero":
        if count is None:
            raise UnsupportedCommand("dd if=/dev/zero without count=", sh.line, "it never ends")
        data: Content = ZeroContent(bs * count)
    elif source in ("/dev/urandom", "/dev/random"):
        if count is None:
            raise UnsupportedCommand(f"dd if={source} without count=", sh.line, "it never ends")
        # Reproducible in the model: the same command writing the same path gives the same bytes.
        data = SyntheticContent(bs * count, seed=f"dd:{sh.path(ops.get('of', '-'))}:{sh.source}")
    else:
        try:
            whole = io.stdin if source == "-" else sh.fs.read(source, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"dd: can't open '{source}': {_fs_text(exc)}\n")
            return 1
        start = min(skip * bs, whole.size)
        size = whole.size - start if count is None else min(bs * count, whole.size - start)
        data = _slice(whole, start, size)
    out = ops.get("of", "-")
    if out == "-":
        io.out(data)
    else:
        try:
            notrunc = "notrunc" in ops.get("conv", "").split(",")
            existing = _stat(sh, out)
            if seek or (notrunc and isinstance(existing, File)):
                old = existing.content if isinstance(existing, File) else BytesContent(b"")
                head = PrefixContent(old, seek * bs)
                tail = _slice(old, seek * bs + data.size, max(0, old.size - seek * bs - data.size)) if notrunc else BytesContent(b"")
                data = ConcatContent(head, data, tail)
            sh.fs.write(out, data, uid=sh.user[0], gid=sh.user[1], cwd=sh.cwd)
        except FsError as exc:
            io.err(f"dd: can't open '{out}': {_fs_text(exc)}\n")
            return 1
    if ops.get("status") not in ("none", "noxfer"):
        full, part = divmod(data.size, bs)
        io.err(f"{full}+{1 if part else 0} records in\n{full}+{1 if part else 0} records out\n{data.size} bytes copied\n")
    return 0


def _slice(content: Content, start: int, size: int) -> Content:
    if start == 0:
        return PrefixContent(content, size) if size != content.size else content
    return BytesContent(content.read()[start : start + size])


@command("truncate")
def _truncate(sh: Shell, argv: list[str], io: IO) -> int:
    opts = _opts(sh, argv, io, "c", "s")
    assert opts
    flags, values, files = opts
    if "s" not in values:
        io.err("truncate: you must specify -s SIZE\n")
        return 1
    text = values["s"]
    try:
        size = _size(text.lstrip("+-<>"))
    except ValueError:
        io.err(f"truncate: invalid number '{text}'\n")
        return 1
    status = 0
    for name in files:
        entry = _stat(sh, name)
        if entry is None and "c" in flags:
            continue
        current = entry.size if isinstance(entry, File) else 0
        new = {"+": current + size, "-": max(0, current - size)}.get(text[:1], size)
        try:
            if entry is None:
                sh.fs.write(name, b"", uid=sh.user[0], gid=sh.user[1], cwd=sh.cwd)
            sh.fs.truncate(name, new, cwd=sh.cwd)
        except FsError as exc:
            io.err(f"truncate: {name}: {_fs_text(exc)}\n")
            status = 1
    return status


# -- shells and the network ------------------------------------------------------------------------


@command("sh", "ash", "dash", "bash")
def _sh(sh: Shell, argv: list[str], io: IO) -> int:
    """``sh -c TEXT``, ``sh -ec TEXT`` or ``sh FILE``: a new shell with the exported variables."""
    args = argv[1:]
    options: list[str] = []
    text = None
    while args and args[0].startswith("-") and args[0] not in ("-", "--"):
        arg = args.pop(0)
        if "c" in arg:
            text = args.pop(0) if args else ""
            options += [f"-{c}" for c in arg[1:] if c != "c"]
            break
        options += [f"-{c}" for c in arg[1:]]
    if text is None:
        if not args:
            text = io.stdin.read().decode("utf-8", "replace")
        else:
            try:
                text = sh.fs.read(args[0], cwd=sh.cwd).read().decode("utf-8", "replace")
            except FsError as exc:
                io.err(f"sh: can't open '{args[0]}': {_fs_text(exc)}\n")
                return 2
    sub = Shell(fs=sh.fs, vars=sh.env(), exported=set(sh.env()), cwd=sh.cwd, user=sh.user, line=sh.line,
                source=sh.source, depth=sh.depth + 1, stdout=io.stdout, stderr=io.stderr)
    if options:
        _set(sub, ["set", *options], io)
    try:
        return sub.run(text, io)
    except ShellSyntaxError as exc:
        io.err(str(exc) + "\n")
        return 2


@command("wget", "curl")
def _network(sh: Shell, argv: list[str], io: IO) -> int:
    """Builds run with ``--network none`` (the engine tests do): a download fails, as there."""
    name = posixpath.basename(argv[0])
    url = next((a for a in argv[1:] if "://" in a), "")
    host = url.split("://", 1)[-1].split("/", 1)[0] if url else "?"
    if name == "curl":
        io.err(f"curl: (6) Could not resolve host: {host} (layerlab builds run with --network none)\n")
        return 6
    io.err(f"wget: bad address '{host}' (layerlab builds run with --network none)\n")
    return 1


# -- package managers --------------------------------------------------------------------------------
# Packages come from layerlab.build.catalogue: resolve(manager, names, recommends=, installed=)
# gives install order with dependencies; package_entries(pkg, site=) the files (layer-relative
# paths); status_entry(pkg) the dpkg/apk database stanza; apt_lists(release) and
# apk_index(version) the indexes an update writes.

APT_LISTS = "/var/lib/apt/lists"
DPKG_STATUS = "/var/lib/dpkg/status"
APK_INSTALLED = "/lib/apk/db/installed"
APK_CACHE = "/var/cache/apk"


def _catalogue() -> Any:
    import importlib

    return importlib.import_module("layerlab.build.catalogue")


def _unknown(manager: str, names: list[str]) -> str | None:
    """The first name the catalogue does not know, if any."""
    cat = _catalogue()
    for name in names:
        try:
            cat.package(manager, name)
        except cat.CatalogueError:
            return name
    return None


def _os_release(sh: Shell) -> dict[str, str]:
    text = _read_text(sh, "/etc/os-release") or _read_text(sh, "/usr/lib/os-release")
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {k: v.strip().strip('"') for k, v in pairs}


def install_files(sh: Shell, pkg: Any, site: str | None = None) -> list[str]:
    """Write a package's files, replacing existing ones (dpkg and apk rename over them)."""
    cat = _catalogue()
    entries = cat.package_entries(pkg, site=site) if site else cat.package_entries(pkg)
    written: list[str] = []
    for raw, entry in sorted(entries.items()):
        path = "/" + str(raw).lstrip("/")
        _mkdir_parents(sh, posixpath.dirname(path), 0o755)
        existing = _lstat(sh, path)
        if isinstance(entry, Dir):
            if existing is None:
                sh.fs.mkdir(path, entry.mode)
            continue
        if existing is not None and not isinstance(existing, Dir):
            sh.fs.unlink(path)
        if isinstance(entry, Symlink):
            sh.fs.symlink(entry.target, path)
        elif isinstance(entry, File):
            sh.fs.write(path, entry.content, mode=entry.mode, uid=entry.uid, gid=entry.gid)
        written.append(path)
    return written


def _append(sh: Shell, path: str, text: str) -> None:
    _mkdir_parents(sh, posixpath.dirname(path), 0o755)
    sh.fs.write(path, text, append=True)


def _read_text(sh: Shell, path: str) -> str:
    try:
        return sh.fs.read(path).read().decode("utf-8", "replace")
    except FsError:
        return ""


def _listdir(sh: Shell, path: str) -> list[str]:
    try:
        return sh.fs.listdir(path)
    except FsError:
        return []


def _write_index(sh: Shell, files: dict[str, Content]) -> None:
    for raw, content in sorted(files.items()):
        path = "/" + raw.lstrip("/")
        _mkdir_parents(sh, posixpath.dirname(path), 0o755)
        if isinstance(_lstat(sh, path), File):
            sh.fs.unlink(path)  # apt and apk write a new file and rename it into place
        sh.fs.write(path, content, mode=0o640 if path.endswith("/lock") else 0o644)


@command("apt-get", "apt")
def _apt_get(sh: Shell, argv: list[str], io: IO) -> int:
    args, words, options = argv[1:], [], set()
    while args:
        arg = args.pop(0)
        if arg in ("-o", "-t", "-c"):
            args = args[1:]
        elif arg.startswith("-"):
            options.add(arg)
        else:
            words.append(arg)
    if not words:
        io.err("E: Invalid operation\n")
        return 100
    action, names = words[0], words[1:]
    if action == "update":
        codename = _os_release(sh).get("VERSION_CODENAME", "")
        cat = _catalogue()
        try:
            lists = cat.apt_lists(codename)
        except cat.CatalogueError as exc:
            io.err(f"E: {exc}\n")
            return 100
        _write_index(sh, lists)
        _mkdir_parents(sh, APT_LISTS + "/partial", 0o700)
        io.out("Reading package lists... Done\n")
        return 0
    if action == "install":
        return _apt_install(sh, names, "--no-install-recommends" not in options, io)
    if action in ("remove", "purge"):
        return _apt_remove(sh, names, io)
    if action in ("clean", "autoclean"):
        for sub in ("/var/cache/apt/archives", "/var/cache/apt"):
            for child in _listdir(sh, sub):
                path = posixpath.join(sub, child)
                if child not in ("partial", "lock") and not isinstance(_lstat(sh, path), Dir):
                    sh.fs.unlink(path)
        return 0
    if action in ("upgrade", "dist-upgrade", "autoremove"):
        io.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")
        return 0
    raise UnsupportedCommand(f"apt-get {action}", sh.line, "apt-get update, install, remove, purge, clean")


def _has_lists(sh: Shell) -> bool:
    return any(n not in ("lock", "partial", "auxfiles") for n in _listdir(sh, APT_LISTS))


def _dpkg_installed(sh: Shell) -> set[str]:
    return set(re.findall(r"^Package: (\S+)", _read_text(sh, DPKG_STATUS), re.M))


def _apt_install(sh: Shell, names: list[str], recommends: bool, io: IO) -> int:
    io.out("Reading package lists...\nBuilding dependency tree...\n")
    wanted = [re.split(r"[=:]", n)[0] for n in names]
    # A fresh Debian/Ubuntu image has empty lists: apt knows no package before `apt-get update`.
    missing = wanted[0] if wanted and not _has_lists(sh) else _unknown("apt", wanted)
    if missing is not None:
        io.err(f"E: Unable to locate package {missing}\n")
        return 100
    installed = _dpkg_installed(sh)
    new = _catalogue().resolve("apt", wanted, recommends=recommends, installed=installed)
    for name in wanted:
        if name in installed:
            io.out(f"{name} is already the newest version.\n")
    io.out(f"0 upgraded, {len(new)} newly installed, 0 to remove and 0 not upgraded.\n")
    for pkg in new:
        io.out(f"Setting up {pkg.name} ({pkg.version}) ...\n")
        files = install_files(sh, pkg)
        _append(sh, f"/var/lib/dpkg/info/{pkg.name}.list", "".join(f"{p}\n" for p in files))
        _append(sh, DPKG_STATUS, _catalogue().status_entry(pkg))
    return 0


def _apt_remove(sh: Shell, names: list[str], io: IO) -> int:
    installed = _dpkg_installed(sh)
    for name in names:
        if name not in installed:
            io.out(f"Package '{name}' is not installed, so not removed\n")
            continue
        for path in _read_text(sh, f"/var/lib/dpkg/info/{name}.list").splitlines():
            if isinstance(_lstat(sh, path), (File, Symlink)):
                sh.fs.unlink(path)
        if _lstat(sh, f"/var/lib/dpkg/info/{name}.list") is not None:
            sh.fs.unlink(f"/var/lib/dpkg/info/{name}.list")
        stanzas = [s for s in _read_text(sh, DPKG_STATUS).split("\n\n") if s.strip() and not s.strip().startswith(f"Package: {name}\n")]
        sh.fs.write(DPKG_STATUS, "".join(s.strip("\n") + "\n\n" for s in stanzas))
    return 0


@command("apk")
def _apk(sh: Shell, argv: list[str], io: IO) -> int:
    flags = {a for a in argv[1:] if a.startswith("-")}
    words = [a for a in argv[1:] if not a.startswith("-")]
    if not words or words[0] not in ("add", "update"):
        raise UnsupportedCommand(f"apk {' '.join(words[:1])}".strip(), sh.line, "apk add and apk update")
    action, names = words[0], words[1:]
    no_cache = "--no-cache" in flags
    version = ".".join(_os_release(sh).get("VERSION_ID", "3.20").split(".")[:2])
    if not no_cache and (action == "update" or flags & {"--update", "-U", "--update-cache"}):
        _write_index(sh, _catalogue().apk_index(version))  # --no-cache fetches it to memory only
    if action == "update":
        return 0
    has_index = no_cache or any(n.startswith("APKINDEX") for n in _listdir(sh, APK_CACHE))
    missing = (names[0] if names else None) if not has_index else _unknown("apk", names)
    if missing is not None:
        io.err(f"ERROR: unable to select packages:\n  {missing} (no such package):\n    required by: world[{missing}]\n")
        return 1
    installed = set(re.findall(r"^P:(\S+)", _read_text(sh, APK_INSTALLED), re.M))
    new = _catalogue().resolve("apk", names, installed=installed)
    for i, pkg in enumerate(new, start=1):
        io.out(f"({i}/{len(new)}) Installing {pkg.name} ({pkg.version})\n")
        install_files(sh, pkg)
        _append(sh, APK_INSTALLED, _catalogue().status_entry(pkg))
    world = _read_text(sh, "/etc/apk/world").split()
    added = [n for n in names if n not in world]
    if added:
        _append(sh, "/etc/apk/world", "".join(f"{n}\n" for n in added))
    io.out("OK\n")
    return 0


def _python_site(sh: Shell) -> str | None:
    """Where pip installs: the newest pythonX.Y in /usr/local/bin (site-packages) or /usr/bin
    (a distro python: dist-packages, as Debian's pip does); None without a python."""
    for prefix, kind in (("/usr/local/bin", "site-packages"), ("/usr/bin", "dist-packages")):
        versions = sorted((tuple(int(x) for x in m.group(1).split(".")), m.group(1))
                          for n in _listdir(sh, prefix) if (m := re.fullmatch(r"python(\d\.\d+)", n)))
        if versions:
            return f"usr/local/lib/python{versions[-1][1]}/{kind}"
    return None


@command("pip", "pip3")
def _pip(sh: Shell, argv: list[str], io: IO) -> int:
    site = _python_site(sh)
    if site is None:
        io.err(f"sh: {argv[0]}: not found\n")
        return 127
    args = argv[1:]
    if not args or args[0] != "install":
        raise UnsupportedCommand(f"pip {' '.join(args[:1])}".strip(), sh.line, "only pip install is modelled")
    options, specs, rest = set(), [], args[1:]
    while rest:
        arg = rest.pop(0)
        if arg in ("-r", "--requirement", "-e", "--editable"):
            raise UnsupportedCommand(f"pip install {arg}", sh.line, "pip install NAME[==VERSION]...")
        if arg in ("-i", "--index-url", "--extra-index-url", "-t", "--target", "--prefix", "-c"):
            rest = rest[1:]
        elif arg.startswith("-"):
            options.add(arg)
        else:
            specs.append(arg)
    names = [re.split(r"[=<>!~\[;]", s)[0] for s in specs]
    missing = _unknown("pip", names)
    cat = _catalogue()
    for spec, name in zip(specs, names):
        pin = re.search(r"==([^,;]+)", spec)
        if missing is None and pin and cat.package("pip", name).version != pin.group(1).strip():
            missing = spec
    if missing is not None:
        io.err(f"ERROR: Could not find a version that satisfies the requirement {missing}\n"
               f"ERROR: No matching distribution found for {missing}\n")
        return 1
    cache = posixpath.join(sh.vars.get("HOME", "/root"), ".cache/pip")
    done = []
    for pkg in cat.resolve("pip", names):
        files = cat.package_files(pkg, site=site)
        if all(_lstat(sh, "/" + p) is not None for p in files):
            io.out(f"Requirement already satisfied: {pkg.name}\n")
            continue
        install_files(sh, pkg, site)
        done.append(pkg)
        if "--no-cache-dir" not in options:  # pip keeps the downloaded wheel in its http cache
            key = _hex_key(f"{pkg.name}-{pkg.version}")
            path = f"{cache}/http-v2/{key[0]}/{key[1]}/{key[2]}/{key[3]}/{key[4]}/{key}.body"
            _mkdir_parents(sh, posixpath.dirname(path), 0o755)
            sh.fs.write(path, SyntheticContent(_wheel_size(files), seed=f"pip-cache:{pkg.name}-{pkg.version}"))
    if done:
        io.out(f"Successfully installed {' '.join(f'{p.name}-{p.version}' for p in done)}\n")
    return 0


def _wheel_size(files: dict[str, Content]) -> int:
    """A wheel is zipped sources without the __pycache__ pip compiles: about 40% of the files."""
    return sum(c.size for p, c in files.items() if "__pycache__" not in p) * 2 // 5


def _hex_key(text: str) -> str:
    import hashlib

    return hashlib.sha224(text.encode()).hexdigest()


@command("python", "python3")
def _python(sh: Shell, argv: list[str], io: IO) -> int:
    """Only ``python -m pip ...``: running Python code is outside the model."""
    if argv[1:3] == ["-m", "pip"]:
        return _pip(sh, ["pip", *argv[3:]], io)
    raise UnsupportedCommand(" ".join(argv[:2]), sh.line, "only 'python -m pip install' is modelled")
