"""The one error the simulated daemon raises for a command it refuses."""

from __future__ import annotations

from layerlab.model.errors import LayerlabError


class HostError(LayerlabError):
    """A docker command that the daemon would refuse (no such image, image in use...),
    worded as the docker CLI prints it."""
