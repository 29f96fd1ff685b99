"""CSS classes on a widget's parts: how browser tests and themes find them.

Each widget has one box class (``layerlab-buildlab``) and names its parts after it
(``layerlab-buildlab-error``, ``layerlab-buildlab-picture``); :func:`part` adds them.
"""

from __future__ import annotations

from typing import TypeVar

import ipywidgets as w

__all__ = ["PRE", "part"]

#: A ``<pre>`` that wraps a line longer than its column instead of scrolling sideways.
PRE = "<pre style='white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px'>"

Widget = TypeVar("Widget", bound=w.DOMWidget)


def part(widget: Widget, box: str, *names: str) -> Widget:
    """``widget``, given the class ``<box>-<name>`` for each of ``names``."""
    for name in names:
        widget.add_class(f"{box}-{name}")
    return widget
