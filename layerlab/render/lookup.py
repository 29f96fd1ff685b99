"""Which layer serves a path: the layers in the order the kernel consults them, each with
what it found there (the entry, a whiteout, an opaque directory above, nothing)."""

from __future__ import annotations

import html

from layerlab.i18n import Texts, _
from layerlab.model.container import Container
from layerlab.model.lookup import (
    HIDDEN_BY_MOUNT,
    MERGED,
    NOT_HERE,
    OPAQUE_ABOVE,
    SERVES,
    SKIPPED,
    WHITEOUT_HERE,
    Lookup,
    lookup,
)
from layerlab.model.operation import describe

from . import theme
from .picture import Picture

__all__ = ["path_lookup"]

#: (fill, edge, style) of a layer by what the lookup found in it.
STATUS_STYLE = {
    SERVES: ("#cdeee3", theme.CACHE_HIT_EDGE, "rounded,filled,bold"),
    MERGED: (theme.IMAGE_LAYER, theme.IMAGE_LAYER_EDGE, "rounded,filled"),
    WHITEOUT_HERE: ("#f4cccc", theme.WHITEOUT, "rounded,filled,bold"),
    OPAQUE_ABOVE: ("#f4cccc", theme.WHITEOUT, "rounded,filled"),
    SKIPPED: (theme.EMPTY_STEP, theme.EMPTY_STEP_EDGE, "rounded,dashed"),
    HIDDEN_BY_MOUNT: (theme.EMPTY_STEP, theme.EMPTY_STEP_EDGE, "rounded,dashed"),
}
OTHER_STYLE = ("#ffffff", theme.MUTED, "rounded,filled")
#: What the lookup found in a layer, in words (the model's status, in the learner's language).
STATUS_WORDS = Texts({
    SERVES: "serves", MERGED: "merged", NOT_HERE: "not here", WHITEOUT_HERE: "whiteout",
    OPAQUE_ABOVE: "opaque", SKIPPED: "not looked at", HIDDEN_BY_MOUNT: "hidden by a mount",
})  # fmt: skip


def path_lookup(container: Container, path: str, *, result: Lookup | None = None) -> Picture:
    """The layers in the order the kernel consults them, each with what it found there.

    ``result`` is the lookup already made for ``path`` (the container lab has it), else
    it is made here.
    """
    found = result if result is not None else lookup(container, path)
    graph = Picture(
        "lookup", graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB"}, node_attr=theme.NODE_ATTR
    )
    served = found.served_by
    answer = (
        _("served by {layer}: {entry}", layer=served.label, entry=describe(found.entry))
        if served is not None
        else "ENOENT: no such file or directory"  # the kernel's words, as a shell prints them
    )
    shown = (
        found.path
        if found.real == "/" + found.path.strip("/")
        else _("{path} (resolves to {real})", path=found.path, real=found.real)
    )
    graph.node(
        "title",
        "<<b>" + _("lookup {path}", path=html.escape(shown)) + f"</b><br/>{theme.label_text(answer, 70)}>",
        shape="plaintext",
        style="",
    )
    order = ["title"]
    for i, step in enumerate(found.steps):
        fill, edge, style = STATUS_STYLE.get(step.status, OTHER_STYLE)
        marker = "◀ " if step.status == SERVES else ""
        note = f'<br/><font point-size="{theme.SMALL_SIZE}">{html.escape(step.note)}</font>' if step.note else ""
        graph.node(
            f"s{i}",
            f"<<b>{i + 1}. {html.escape(step.label)}</b>: {marker}{html.escape(STATUS_WORDS.get(step.status, step.status))}{note}>",
            fillcolor=fill,
            color=edge,
            style=style,
            penwidth="2" if step.status == SERVES else "1",
        )
        order.append(f"s{i}")
    for upper, lower in zip(order, order[1:]):
        graph.edge(upper, lower, color=theme.MUTED, arrowsize="0.6")
    return graph
