"""The command registry: a command is supported exactly when it is registered here.

Each command takes ``(process, argv, io)`` and returns its exit status; messages follow
busybox. :data:`COMMANDS` is also the list :class:`UnsupportedCommand` prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from layerlab.i18n import _
from layerlab.model.errors import LayerlabError

if TYPE_CHECKING:
    from .process import Process
    from .streams import IO

Command = Callable[["Process", list[str], "IO"], int]
COMMANDS: dict[str, Command] = {}
#: Builtins that change the shell itself: ``VAR=x cd ...`` keeps VAR afterwards.
STATE_COMMANDS: set[Command] = set()


def command(*names: str) -> Callable[[Command], Command]:
    """Register a command under one or more names (the registry is the supported list)."""

    def register(func: Command) -> Command:
        for name in names:
            COMMANDS[name] = func
        return func

    return register


def state_command(*names: str) -> Callable[[Command], Command]:
    """A builtin that changes the shell itself (cd, export, set): VAR=x before it sticks."""

    def register(func: Command) -> Command:
        STATE_COMMANDS.add(func)
        return command(*names)(func)

    return register


def supported_commands() -> list[str]:
    return sorted(COMMANDS)


class UnsupportedCommand(LayerlabError):
    """A RUN step uses a command or shell feature the model cannot run faithfully."""

    def __init__(self, name: str, line: int | None = None, detail: str = "") -> None:
        self.name = name
        self.line = line
        where = _("Dockerfile line {line}: ", line=line) if line is not None else ""
        extra = f" ({detail})" if detail else ""
        super().__init__(where + _(
            "RUN uses '{name}', which layerlab's model of /bin/sh does not support{extra}. "
            "Supported commands: {commands}",
            name=name, extra=extra, commands=", ".join(supported_commands()),
        ))
