"""Pictures of the model: pure functions from model objects to a :class:`Picture` (a
``graphviz.Digraph`` with a stable repr). They read the model and never change it; the
same model gives the same DOT source.

One module per kind of picture, all in one visual language (:mod:`.theme`):
``stack`` an image's layers, ``waste`` what an analysed image wastes, ``reuse`` shared
layers and the build cache, ``containers`` a container's stack and several containers over
an image, ``copy_up`` copy-on-write step by step, ``lookup`` which layer serves a path,
``dataroot`` the data root as a tree, ``identities`` an image from config to directories,
``drivers`` what a workload costs on each storage driver, ``layout`` where a driver keeps
each layer, ``side_by_side`` the simulator beside a real engine (text and HTML). Data
that is a table is an HTML table, not a picture (``tables``): ``driver_table`` shows the
drivers' facts side by side, ``history`` which history rows made a layer, ``report_tables`` an
analysed image's figures.
"""

from .containers import container_stack, containers_over_image
from .copy_up import copy_up_steps
from .dataroot import dataroot_tree
from .driver_table import drivers_side_by_side
from .drivers import cost_chart
from .history import image_steps
from .identities import identities
from .layout import layer_layout
from .lookup import path_lookup
from .picture import Picture
from .report_tables import efficiency_table, fixes_table, largest_files_table, layer_changes_table
from .reuse import build_cache, shared_layers
from .stack import image_stack
from .waste import waste_stack

__all__ = [
    "Picture", "build_cache", "container_stack", "containers_over_image", "copy_up_steps", "cost_chart", "dataroot_tree", "drivers_side_by_side", "efficiency_table", "fixes_table", "identities", "image_stack", "image_steps", "largest_files_table", "layer_changes_table", "layer_layout", "path_lookup", "shared_layers", "waste_stack",
]  # fmt: skip
