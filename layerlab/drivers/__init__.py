"""Docker storage drivers behind one interface: facts, status by version, disk costs.

>>> from layerlab.drivers import get_driver, choose_driver, compare_costs
>>> get_driver("btrfs").first_write_cost(1 << 30, 1)
4096
>>> choose_driver("ext4")
'overlay2'

One module per driver (:mod:`.overlay2`, :mod:`.btrfs`...) over the interface in
:mod:`.base`; :mod:`.status` (life cycle by engine version), :mod:`.facts` (sourced
statements), :mod:`.ops` (what a container does), :mod:`.registry` (drivers by name),
:mod:`.choice` (which one an engine picks, and why), :mod:`.costs` and :mod:`.custom`
(workloads and their costs). Core only: no rendering, Jupyter or engine imports.
"""

from layerlab.model.units import GiB, KiB, MiB

from .base import LAYER_STORE_MAX_DEPTH, ContainerCost, StorageDriver
from .choice import PRIORITY, PRIORITY_BEFORE_23, choose_driver, priority_list, works_on
from .costs import WORKLOADS, CostRow, Workload, compare_costs, cost_row
from .errors import DriverError
from .facts import SOURCES, Fact
from .ops import Op, append, chmod, create, delete, ops_from_overlay, write_at
from .registry import DRIVERS, get_driver
from .status import Availability, DriverStatus, version_at_least

__all__ = [
    "DRIVERS", "PRIORITY", "PRIORITY_BEFORE_23", "SOURCES", "WORKLOADS", "LAYER_STORE_MAX_DEPTH",
    "KiB", "MiB", "GiB",
    "Availability", "ContainerCost", "CostRow", "DriverError", "DriverStatus", "Fact", "Op",
    "StorageDriver", "Workload",
    "append", "chmod", "create", "delete", "write_at", "ops_from_overlay",
    "choose_driver", "compare_costs", "cost_row", "get_driver", "priority_list", "version_at_least", "works_on",
]
