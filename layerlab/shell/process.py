"""One ``sh`` process as a command sees it: what commands, expansion and redirection need.

A command takes ``(process, argv, io)``. It reads and changes the process's variables, working
directory and options, writes to the overlay as the process's user, and reaches back into the
interpreter only through :meth:`Process.substitute` (``$(...)``) and :meth:`Process.spawn`
(``sh -c``). :class:`~layerlab.shell.interpreter.Shell` is the one implementation; typing
against this Protocol keeps the command modules below the interpreter that calls them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from layerlab.model.overlay import Overlay

    from .streams import IO, Sink


class Process(Protocol):
    """The state of one shell process and the few things a command may ask of it."""

    fs: Overlay
    vars: dict[str, str]
    exported: set[str]
    cwd: str
    user: tuple[int, int]
    #: The Dockerfile line of the RUN step (for messages), None outside a build.
    line: int | None
    #: The whole command text (``dd if=/dev/urandom`` seeds its bytes from it).
    source: str
    status: int
    errexit: bool
    nounset: bool
    xtrace: bool
    pipefail: bool
    depth: int
    stdout: Sink
    stderr: Sink

    def env(self) -> dict[str, str]:
        """The exported variables: what a program started from here sees."""
        ...

    def lookup(self, name: str) -> str | None:
        """A parameter's value (``$?``, ``$PWD``...); ``set -u`` stops on an unset one."""
        ...

    def stderr_now(self, text: str) -> None:
        """Write to the process's own stderr, whatever the command's redirections are."""
        ...

    def path(self, arg: str) -> str:
        """An absolute container path for a command argument."""
        ...

    @property
    def mtime(self) -> int:
        """The time new entries get: ``$SOURCE_DATE_EPOCH`` or 0 (times are not modelled)."""
        ...

    def own(self, path: str) -> None:
        """Give a new entry to the running user (entries are created root-owned)."""
        ...

    def substitute(self, inner: str) -> str:
        """``$(inner)``: its output, run in a subshell."""
        ...

    def spawn(self, io: IO) -> Process:
        """A new ``sh`` process: only the exported variables, writing where ``io`` points."""
        ...

    def run(self, text: str, io: IO) -> int:
        """Parse and run ``text`` in this process; its exit status."""
        ...
