"""Docker storage drivers behind one interface: facts, status by version, disk costs.

>>> from layerlab.drivers import get_driver, choose_driver, compare_costs
>>> get_driver("btrfs").first_write_cost(1 << 30, 1)
4096
>>> choose_driver("ext4")
'overlay2'

Core only: no rendering, Jupyter or engine imports.
"""

from .base import (
    LAYER_STORE_MAX_DEPTH,
    SOURCES,
    Availability,
    ContainerCost,
    DriverError,
    DriverStatus,
    Fact,
    GiB,
    KiB,
    MiB,
    Op,
    StorageDriver,
    append,
    chmod,
    create,
    delete,
    ops_from_overlay,
    write_at,
)
from .costs import WORKLOADS, CostRow, Workload, compare_costs, cost_row
from .registry import (
    DRIVERS,
    PRIORITY,
    PRIORITY_BEFORE_23,
    choose_driver,
    get_driver,
    priority_list,
    works_on,
)

__all__ = [
    "DRIVERS", "PRIORITY", "PRIORITY_BEFORE_23", "SOURCES", "WORKLOADS", "LAYER_STORE_MAX_DEPTH",
    "KiB", "MiB", "GiB",
    "Availability", "ContainerCost", "CostRow", "DriverError", "DriverStatus", "Fact", "Op",
    "StorageDriver", "Workload",
    "append", "chmod", "create", "delete", "write_at", "ops_from_overlay",
    "choose_driver", "compare_costs", "cost_row", "get_driver", "priority_list", "works_on",
]
