"""Pictures of the model: pure functions from model objects to ``graphviz.Digraph``."""

from .containers import container_stack, containers_over_image
from .copy_up import copy_up_steps
from .dataroot import dataroot_tree
from .drivers import cost_chart, drivers_side_by_side
from .identities import identities
from .layout import layer_layout
from .lookup import path_lookup
from .picture import Picture
from .reuse import build_cache, shared_layers
from .stack import image_stack
from .waste import waste_stack

__all__ = [
    "Picture", "build_cache", "container_stack", "containers_over_image", "copy_up_steps", "cost_chart", "dataroot_tree", "drivers_side_by_side", "identities", "image_stack", "layer_layout", "path_lookup", "shared_layers", "waste_stack",
]  # fmt: skip
