"""An analysed image as a stack: what each layer stores, what of it is wasted, and which
later layer deleted or rewrote it (an arrow from the layer that lost the bytes)."""

from __future__ import annotations

import html

from layerlab.analysis import ImageAnalysis
from layerlab.model.digest import short_id
from layerlab.model.units import human_size

from . import theme
from .picture import Picture

_FATE = {"deleted": "deletes", "rewritten": "rewrites", "metadata": "re-stores (mode/owner)"}


def waste_stack(analysis: ImageAnalysis, *, max_label: int = 46) -> Picture:
    """One box per layer, newest on top: size stored, wasted bytes in red, and arrows from
    each layer that deletes or rewrites files to the layer whose copies it made useless."""
    graph = Picture(
        "waste",
        graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB", "ranksep": "0.2"},
        node_attr=theme.NODE_ATTR,
    )
    f = analysis.figures
    heading = (
        f"{human_size(f.total_bytes)} stored · {human_size(f.final_bytes)} used · "
        f"{human_size(f.wasted_bytes)} wasted · efficiency {f.efficiency:.1%}"
    )
    graph.node("title", f"<<b>{html.escape(heading)}</b>>", shape="plaintext", style="")
    for row in reversed(analysis.layers):
        text = html.escape(theme.clip(row.created_by or "(no history)", max_label))
        marks = f"A {row.added} · M {row.modified} · D {row.deleted}"
        waste = (
            f'<br/><font color="{theme.WHITEOUT}">{human_size(row.wasted_bytes)} of it wasted</font>'
            if row.wasted_bytes
            else ""
        )
        label = (
            f"<<b>{row.index}: {text}</b><br/>{human_size(row.size)} stored · {marks} · "
            f'<font face="{theme.MONO}">{short_id(row.chain_id)}</font>{waste}>'
        )
        graph.node(
            f"l{row.index}",
            label,
            fillcolor=theme.IMAGE_LAYER,
            color=theme.WHITEOUT if row.wasted_bytes else theme.IMAGE_LAYER_EDGE,
        )
    order = ["title", *[f"l{row.index}" for row in reversed(analysis.layers)]]
    for upper, lower in zip(order, order[1:]):
        graph.edge(upper, lower, style="invis")
    lost: dict[tuple[int, int, str], int] = {}
    for copy in analysis.walked.lost:
        if copy.removed_by is not None:
            key = (copy.removed_by, copy.layer, copy.fate)
            lost[key] = lost.get(key, 0) + copy.size
    for (by, of, fate), size in sorted(lost.items()):
        if size:
            graph.edge(
                f"l{by}",
                f"l{of}",
                label=f" {_FATE[fate]} {human_size(size)}",
                color=theme.WHITEOUT,
                fontcolor=theme.WHITEOUT,
                fontsize="10",
                constraint="false",
            )
    return graph
