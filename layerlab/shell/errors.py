"""What can go wrong in a RUN step: a command outside the model, bad syntax, ``exit``.

Also the wording of the overlay's errors as busybox prints them.
"""

from __future__ import annotations

from layerlab.model.errors import LayerlabError
from layerlab.model.overlay import FsError

from .registry import supported_commands

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


class ShellSyntaxError(LayerlabError):
    """Text ``sh`` itself would refuse (status 2)."""


class ShellExit(Exception):
    """``exit N`` or ``set -e``: leave the current shell with this status."""

    def __init__(self, status: int) -> None:
        self.status = status


def fs_error_text(exc: FsError) -> str:
    """The message busybox prints for an overlay error (``No such file or directory``)."""
    return _ERRNO_TEXT.get(exc.code, exc.strerror)
