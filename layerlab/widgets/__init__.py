"""ipywidgets views for layerlab (imported only where Jupyter widgets are wanted).

The pure logic lives elsewhere (e.g. :mod:`layerlab.course.exercise`) so it stays testable
without a browser; these modules only draw it.
"""

from __future__ import annotations

from .build_lab import BuildLab
from .container_lab import ContainerLab
from .dataroot_explorer import DataRootExplorer
from .driver_lab import DriverLab
from .exercise import ExerciseWidget, ask, display_exercise
from .image_explorer import ImageExplorer

__all__ = ["BuildLab", "ContainerLab", "DataRootExplorer", "DriverLab", "ExerciseWidget", "ImageExplorer", "ask", "display_exercise"]
