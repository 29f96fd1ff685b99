"""An analysed image as a stack: what each layer stores, what of it is wasted, and which
later layer deleted or rewrote it (an arrow from the layer that lost the bytes)."""

from __future__ import annotations

import html

from layerlab.analysis import ImageAnalysis
from layerlab.i18n import Texts, _
from layerlab.model.digest import short_id
from layerlab.model.units import human_size

from . import theme
from .picture import Picture

#: The edge from the layer that made a copy useless, by what it did, with how many bytes.
_FATE = Texts({"deleted": "deletes {size}", "rewritten": "rewrites {size}", "metadata": "re-stores (mode/owner) {size}"})


def waste_stack(analysis: ImageAnalysis, *, max_label: int = 46) -> Picture:
    """One box per layer, newest on top: size stored, wasted bytes in red, and arrows from
    each layer that deletes or rewrites files to the layer whose copies it made useless."""
    graph = Picture(
        "waste",
        graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB", "ranksep": "0.2"},
        node_attr=theme.NODE_ATTR,
    )
    f = analysis.figures
    heading = _(
        "{stored} stored · {used} used · {wasted} wasted · efficiency {efficiency:.1%}",
        stored=human_size(f.total_bytes), used=human_size(f.final_bytes), wasted=human_size(f.wasted_bytes),
        efficiency=f.efficiency,
    )
    graph.node("title", f"<<b>{html.escape(heading)}</b>>", shape="plaintext", style="")
    for row in reversed(analysis.layers):
        text = html.escape(theme.clip(row.created_by or _("(no history)"), max_label))
        marks = f"A {row.added} · M {row.modified} · D {row.deleted}"
        waste = (
            f'<br/><font color="{theme.WHITEOUT}">{_("{size} of it wasted", size=human_size(row.wasted_bytes))}</font>'
            if row.wasted_bytes
            else ""
        )
        label = (
            f"<<b>{row.index}: {text}</b><br/>{_('{size} stored', size=human_size(row.size))} · {marks} · "
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
                label=" " + _FATE[fate].format(size=human_size(size)),
                color=theme.WHITEOUT,
                fontcolor=theme.WHITEOUT,
                fontsize="10",
                constraint="false",
            )
    return graph
