"""Pictures of the model: pure functions from model objects to ``graphviz.Digraph``."""

from .stack import image_stack

__all__ = ["image_stack"]
