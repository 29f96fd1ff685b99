"""A build that cannot finish: one error type, naming the Dockerfile line."""

from __future__ import annotations

from layerlab.model.errors import LayerlabError


class BuildError(LayerlabError):
    """A build step failed; the message names the Dockerfile line."""
