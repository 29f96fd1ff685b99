"""Look inside an image: each layer's changes (A / M / D), the largest files, what each
layer costs, wasted space and efficiency, fixes, images side by side, per-driver costs.

Core only: no rendering, widgets or engines.

    wasted_bytes = total_bytes - final_bytes   (every stored copy the final filesystem does not use)
    efficiency   = final_bytes / total_bytes
"""

from .compare import Comparison, PathDifference, SharedLayer, compare
from .costs import DriverCost, driver_costs
from .fixes import Fix, suggest_fixes
from .report import (
    FileFigure,
    ImageAnalysis,
    LayerFigures,
    analyze,
    compare_analyses,
    comparison_json,
    comparison_text,
)
from .stack import Change, LostCopy, StackWalk, same_entry, walk
from .steps import step_kind
from .waste import FORMULA, Efficiency, efficiency

__all__ = [
    "FORMULA",
    "Change",
    "Comparison",
    "DriverCost",
    "Efficiency",
    "FileFigure",
    "Fix",
    "ImageAnalysis",
    "LayerFigures",
    "LostCopy",
    "PathDifference",
    "SharedLayer",
    "StackWalk",
    "analyze",
    "compare",
    "compare_analyses",
    "comparison_json",
    "comparison_text",
    "driver_costs",
    "efficiency",
    "same_entry",
    "step_kind",
    "suggest_fixes",
    "walk",
]
