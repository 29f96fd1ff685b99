"""Pictures of the model: pure functions from model objects to ``graphviz.Digraph``."""

from .picture import Picture
from .stack import image_stack

__all__ = ["Picture", "image_stack"]
