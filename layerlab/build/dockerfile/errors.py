"""A Dockerfile Docker would refuse: one error type, naming the line."""

from __future__ import annotations

from layerlab.i18n import _
from layerlab.model.errors import LayerlabError


class DockerfileError(LayerlabError):
    """A Dockerfile Docker would refuse; ``line`` is 1-based (``None``: the whole file)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(_("Dockerfile line {line}: {message}", line=line, message=message) if line else f"Dockerfile: {message}")

