"""What a learner touches in Jupyter: the labs, the explorers and the exercises.

Each module composes pictures (:mod:`layerlab.render`) and model calls into an ipywidgets
view; the logic it shows lives below (the exercises' checking in
:mod:`layerlab.course.exercise`, the model in :mod:`layerlab.model`), testable without a
browser. Notebooks import from here: ``from layerlab.widgets import BuildLab, exercise``.
"""

from __future__ import annotations

from .build_lab import BuildLab
from .container_lab import ContainerLab
from .dataroot_explorer import DataRootExplorer
from .driver_lab import DriverLab
from .exercise import ExerciseWidget, MultipleChoice, ShortAnswer, ask, display_exercise, exercise
from .fallback import Fallback, ReadableBeforeRun
from .image_explorer import ImageExplorer
from .log_lab import LogLab

__all__ = [
    "BuildLab", "ContainerLab", "DataRootExplorer", "DriverLab", "ExerciseWidget", "Fallback", "ImageExplorer", "LogLab",
    "MultipleChoice", "ReadableBeforeRun", "ShortAnswer", "ask", "display_exercise", "exercise",
]  # fmt: skip
