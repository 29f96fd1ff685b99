"""Pictures of the model: pure functions from model objects to ``graphviz.Digraph``."""

from .drivers import cost_chart, drivers_side_by_side, layer_layout
from .picture import Picture
from .reuse import build_cache, shared_layers
from .stack import image_stack

__all__ = [
    "Picture", "build_cache", "cost_chart", "drivers_side_by_side", "image_stack", "layer_layout", "shared_layers",
]  # fmt: skip
