"""Pictures of the model: pure functions from model objects to ``graphviz.Digraph``."""

from .picture import Picture
from .reuse import build_cache, shared_layers
from .stack import image_stack

__all__ = ["Picture", "build_cache", "image_stack", "shared_layers"]
