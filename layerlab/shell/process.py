"""One ``sh`` process as a command sees it: its state, and the few ways back into the interpreter.

A command takes ``(process, argv, io)``. It reads and changes the process's variables, working
directory and options, writes to the overlay as the process's user, and reaches back into the
interpreter only through :meth:`Process.substitute` (``$(...)``), :meth:`Process.spawn` (``sh
-c``) and :meth:`Process.run`. :class:`~layerlab.shell.interpreter.Shell` implements those;
commands, expansion and redirection know only this class, so they sit below the interpreter
that calls them.
"""

from __future__ import annotations

import posixpath
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from layerlab.model.overlay import Overlay

from .errors import ShellExit
from .streams import IO, Sink


@dataclass
class Process(ABC):
    """One shell process: its variables, working directory, options and last status."""

    fs: Overlay
    vars: dict[str, str]
    exported: set[str]
    cwd: str = "/"
    user: tuple[int, int] = (0, 0)
    #: The Dockerfile line of the RUN step (for messages), None outside a build.
    line: int | None = None
    #: The whole command text (``dd if=/dev/urandom`` seeds its bytes from it).
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

    # -- what the interpreter provides -------------------------------------------------------
    @abstractmethod
    def run(self, text: str, io: IO) -> int:
        """Parse and run ``text`` in this process; its exit status."""

    @abstractmethod
    def spawn(self, io: IO) -> Process:
        """A new ``sh`` process: only the exported variables, writing where ``io`` points."""

    @abstractmethod
    def substitute(self, inner: str) -> str:
        """``$(inner)``: its output, run in a subshell."""

    # -- variables ----------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        """The exported variables: what a program started from here sees."""
        return {k: v for k, v in self.vars.items() if k in self.exported}

    def lookup(self, name: str) -> str | None:
        """A parameter's value (``$?``, ``$PWD``...); ``set -u`` stops on an unset one."""
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
            raise ShellExit(2)
        return value

    def stderr_now(self, text: str) -> None:
        """Write to the process's own stderr, whatever the command's redirections are."""
        self.stderr.write(text)

    # -- helpers for commands ---------------------------------------------------------------
    def path(self, arg: str) -> str:
        """An absolute container path for a command argument."""
        return posixpath.normpath(posixpath.join(self.cwd, arg))

    @property
    def mtime(self) -> int:
        """The time new entries get: ``$SOURCE_DATE_EPOCH`` or 0 (times are not modelled)."""
        try:
            return int(self.vars.get("SOURCE_DATE_EPOCH", "0"))
        except ValueError:
            return 0

    def own(self, path: str) -> None:
        """Give a new entry to the running user (entries are created root-owned)."""
        if self.user != (0, 0):
            self.fs.chown(path, *self.user, cwd=self.cwd, follow=False)
