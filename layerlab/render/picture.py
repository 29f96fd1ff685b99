"""The graph type every renderer returns."""

from __future__ import annotations

import graphviz


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` with a stable repr, so notebook outputs do not change per run."""

    def __repr__(self) -> str:
        return f"<layerlab picture {self.name!r}: {len(self.body)} statements>"
