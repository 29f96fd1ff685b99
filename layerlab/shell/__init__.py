"""A documented subset of ``/bin/sh`` that runs a Dockerfile ``RUN`` step inside the model.

A ``RUN`` line must do to the step's :class:`~layerlab.model.overlay.Overlay` what ``/bin/sh -c``
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
- ``dd if=/dev/urandom`` writes :class:`~layerlab.model.content.SyntheticContent` seeded from the
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
Package managers (``apt-get``, ``apk``, ``pip``) install from :mod:`.catalogue`.

The package, one concept a module: :mod:`.parsing` (bashlex and what is refused up
front), :mod:`.interpreter` (the :class:`Shell` walking the tree; ``set -e``),
:mod:`.process` (the state a command sees), :mod:`.expansion` (words),
:mod:`.redirection`, :mod:`.streams`, :mod:`.registry` (:data:`COMMANDS` and
:class:`UnsupportedCommand`), :mod:`.arguments` (options and sizes), :mod:`.errors`; the
commands in :mod:`.builtins`,
:mod:`.text`, :mod:`.conditions`, :mod:`.files`, :mod:`.copying`, :mod:`.modes`,
:mod:`.permissions`, :mod:`.data`, :mod:`.network` and :mod:`.packages`, which installs
from :mod:`.catalogue` (the packages apt, apk and pip know).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from layerlab.i18n import _
from layerlab.model.content import BytesContent
from layerlab.model.overlay import Overlay

# The command modules register their commands in COMMANDS when imported.
from . import builtins, conditions, copying, data, files, network, packages, permissions, text  # noqa: F401
from .copying import copy_tree
from .errors import ShellExit, ShellSyntaxError
from .interpreter import Shell
from .modes import UMASK, parse_mode
from .packages import APK_CACHE, APK_INSTALLED, APT_LISTS, DPKG_STATUS, install_files
from .permissions import DEFAULT_GROUPS, DEFAULT_USERS, lookup_group, lookup_user
from .registry import COMMANDS, Command, UnsupportedCommand, command, state_command, supported_commands
from .streams import IO, MAX_SHOWN, FileSink, NullSink, Sink

__all__ = [
    "APK_CACHE", "APK_INSTALLED", "APT_LISTS", "COMMANDS", "DEFAULT_GROUPS", "DEFAULT_USERS", "DPKG_STATUS",
    "IO", "MAX_SHOWN", "UMASK", "Command", "FileSink", "NullSink", "Shell", "ShellResult", "ShellSyntaxError",
    "Sink", "UnsupportedCommand", "command", "copy_tree", "install_files", "lookup_group", "lookup_user",
    "parse_mode", "run_exec", "run_shell", "state_command", "supported_commands",
]


@dataclass(frozen=True)
class ShellResult:
    """What ``sh -c`` left behind besides the filesystem: exit status and the two streams."""

    status: int
    stdout: str
    stderr: str


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
        raise UnsupportedCommand("[]", line, _("an empty exec form runs nothing"))
    shell = _new_shell(fs, env, cwd, user, line, " ".join(argv))
    io = IO(BytesContent(b""), shell.stdout, shell.stderr)
    try:
        status = shell.call(list(argv), io)
    except ShellExit as stop:
        status = stop.status
    except ShellSyntaxError as exc:
        shell.stderr.write(str(exc) + "\n")
        status = 2
    return ShellResult(status, shell.stdout.text(), shell.stderr.text())


def _new_shell(fs: Overlay, env: dict[str, str], cwd: str, user: tuple[int, int], line: int | None, source: str) -> Shell:
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", **env}
    return Shell(fs=fs, vars=dict(env), exported=set(env), cwd=posixpath.normpath("/" + cwd), user=user, line=line, source=source)
