"""The ``layerlab`` command: inspect, unpack and analyze real images; play and compare
scenarios; write the course map and instructor view."""

from .main import main

__all__ = ["main"]
