"""The graph type every renderer returns, and how it shows itself without Graphviz."""

from __future__ import annotations

import html
from typing import Any

import graphviz

#: One line a learner can act on when the ``dot`` program is missing.
INSTALL_HINT = (
    "Graphviz's `dot` program is not installed, so here is the picture's DOT source instead. "
    "Install it with `apt-get install graphviz` or `conda install -c conda-forge graphviz`."
)


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` with a stable repr, so notebook outputs do not change per run.

    Without ``dot`` (a fresh laptop, some Binder images) it still displays: as its DOT
    source plus an install hint, instead of a traceback.
    """

    def __repr__(self) -> str:
        return f"<layerlab picture {self.name!r}: {len(self.body)} statements>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except graphviz.ExecutableNotFound:
            return fallback_bundle(self.source)

    def to_html(self) -> str:
        """Inline SVG for an ``ipywidgets.HTML``; the DOT source and hint if ``dot`` is missing."""
        try:
            svg = self.pipe(format="svg", encoding="utf-8")
        except graphviz.ExecutableNotFound:
            return fallback_bundle(self.source)["text/html"]
        start = svg.find("<svg")  # drop the XML prolog and DOCTYPE: this goes inside HTML
        return svg[start:] if start >= 0 else svg


def fallback_bundle(source: str) -> dict[str, str]:
    """text/plain and text/html showing ``source`` with the install hint."""
    hint_html = html.escape(INSTALL_HINT).replace("`", "")
    return {
        "text/plain": f"{INSTALL_HINT.replace('`', '')}\n\n{source}",
        "text/html": (
            f'<div class="layerlab-no-graphviz"><p><b>⚠</b> {hint_html}</p>'
            f"<pre>{html.escape(source)}</pre></div>"
        ),
    }
