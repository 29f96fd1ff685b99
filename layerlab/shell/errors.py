"""What stops a RUN step's shell: bad syntax, ``exit`` (and ``set -e``), and the wording
of the overlay's errors as busybox prints them. A command outside the model is
:class:`~.registry.UnsupportedCommand`, next to the list of supported ones.
"""

from __future__ import annotations

from layerlab.model.errors import LayerlabError
from layerlab.model.overlay import FsError

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


class ShellSyntaxError(LayerlabError):
    """Text ``sh`` itself would refuse (status 2)."""


class ShellExit(Exception):
    """``exit N`` or ``set -e``: leave the current shell with this status."""

    def __init__(self, status: int) -> None:
        self.status = status


def fs_error_text(exc: FsError) -> str:
    """The message busybox prints for an overlay error (``No such file or directory``)."""
    return _ERRNO_TEXT.get(exc.code, exc.strerror)
