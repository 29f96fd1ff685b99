"""An image drawn as a stack of layers, newest on top, like the docs' diagrams."""

from __future__ import annotations


from layerlab.analysis.inspect import layer_reports
from layerlab.i18n import _
from layerlab.model.digest import short_id
from layerlab.model.image import Image
from layerlab.model.units import human_size

from . import theme
from .picture import Picture


def image_stack(image: Image, *, title: str | None = None, max_label: int = 48,
                image_id: str | None = None) -> Picture:
    """One box per history step: filled boxes are layers, dashed ones made no layer.

    A step's text longer than ``max_label`` characters wraps onto a second line. ``image_id``:
    the id a host shows (the containerd store's is not the config's digest).
    """
    graph = Picture("image", graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB"}, node_attr=theme.NODE_ATTR)
    reports = iter(layer_reports(image))
    nodes = []
    for n, (step, layer) in enumerate(image.steps()):
        text = theme.wrapped(step.created_by or _("(no history)"), max_label, max_lines=2)
        if layer is None:
            label = f'<<font color="{theme.MUTED}">{text}<br/><i>{_("no layer (config only)")}</i></font>>'
            graph.node(f"s{n}", label, fillcolor=theme.EMPTY_STEP, color=theme.EMPTY_STEP_EDGE, style="rounded,dashed")
        else:
            r = next(reports)
            changes = f"+{r.added} ~{r.changed}"
            if r.whiteouts or r.opaque_dirs:
                changes += f' <font color="{theme.WHITEOUT}">-{r.whiteouts + r.opaque_dirs}</font>'
            label = (
                f"<<b>{text}</b><br/>{human_size(r.size)} · {changes} · "
                f"{theme.mono(short_id(r.diff_id))}>"
            )
            graph.node(f"s{n}", label, fillcolor=theme.IMAGE_LAYER, color=theme.IMAGE_LAYER_EDGE)
        nodes.append(f"s{n}")
    shown = short_id(image_id or image.image_id)
    heading = title or _("image {id} · {size} · {n} layers", id=shown, size=human_size(image.size), n=len(image.layers))
    graph.attr(label=f"<<b>{theme.wrapped(heading, max(max_label, 40))}</b>>", labelloc="t")
    for upper, lower in zip(list(reversed(nodes)), list(reversed(nodes))[1:]):
        graph.edge(upper, lower, style="invis")
    return graph
