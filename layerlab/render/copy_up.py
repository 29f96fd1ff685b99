"""Copy-on-write step by step: what served a path before, what the overlay copied up, and
what the RW layer holds after.

Everything comes from the :class:`~layerlab.model.operation.Outcome` the model produced:
the layer that served the path before, each copy-up record (path, bytes, source layer,
reason), and what landed in the RW layer (files, whiteouts, opaque directories).
"""

from __future__ import annotations

import html

from layerlab.i18n import N_, Texts, _, translate
from layerlab.model.lookup import WHITEOUT_HERE, LookupStep
from layerlab.model.operation import Outcome, describe
from layerlab.model.units import human_size

from . import theme
from .picture import Picture

__all__ = ["copy_up_steps"]

#: How many landed paths the "after" panel lists before it says "… and N more".
MAX_LANDED = 8
#: The fill of a copy-up that copied no data (a chmod of an empty file, a mkdir's parent).
METADATA_COPY = "#fdf3e7"
#: The words of the picture, in one place.
COPY_EDGE = N_("copy")
RW_GROWTH = N_("RW layer {before} → {after}")
#: What landed in the RW layer, by the model's word for it (others are shown as they are).
LANDED_WORDS = Texts({
    "whiteout": "whiteout", "opaque dir": "opaque dir", "removed": "removed", "file": "file",
    "dir": "dir", "symlink": "symlink", "hardlink": "hardlink", "device": "device",
})  # fmt: skip
_DASHED = {"fillcolor": theme.EMPTY_STEP, "color": theme.EMPTY_STEP_EDGE, "style": "rounded,dashed"}


def copy_up_steps(outcome: Outcome) -> Picture:
    """Three panels, top to bottom: 1 before, 2 copy-up (the overlay's records), 3 after.

    Top to bottom, not left to right, so the "after" panel (the whiteout, the opaque
    directory, the copied file) is on the page at the column's width, not off to the side.
    """
    graph = Picture(
        "copy_up",
        graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB", "ranksep": "0.25", "compound": "true"},
        node_attr=theme.NODE_ATTR,
        edge_attr=theme.EDGE_ATTR,
    )
    graph.attr(label=_heading(outcome), labelloc="t", labeljust="l")
    _before_panel(graph, outcome)
    _copy_panel(graph, outcome)
    _after_panel(graph, outcome)
    graph.edge(
        "b_low",
        "c0",
        color=theme.CACHE_MISS_EDGE,
        label=f" {translate(COPY_EDGE)}" if outcome.copy_ups else "",
    )
    last = f"c{max(0, len(outcome.copy_ups) - 1)}"
    graph.edge(last, "a_rw", color=theme.CACHE_MISS_EDGE)
    return graph


def _heading(outcome: Outcome) -> str:
    """The command in bold, then what the overlay did and how the RW layer grew."""
    sizes = translate(RW_GROWTH).format(before=human_size(outcome.size_before), after=human_size(outcome.size_after))
    return (
        f"<{theme.mono(f'<b>$ {html.escape(outcome.command)}</b>')}<br align=\"left\"/>"
        f"{theme.wrapped(outcome.summary(), 80, max_lines=2)}<br align=\"left\"/>{sizes}<br align=\"left\"/>>"
    )


# -- 1 · before ----------------------------------------------------------------------------


def _before_panel(graph: Picture, outcome: Outcome) -> None:
    """The RW layer and the lower layer that served the path before the operation."""
    with graph.subgraph(name="cluster_before") as c:
        c.attr(label=_("1 · before"), labeljust="l", **theme.PANEL_ATTR)
        c.node(
            "b_rw",
            f"<<b>{_('RW layer')}</b><br/>{_rw_before(outcome)}>",
            fillcolor=theme.CONTAINER_LAYER,
            color=theme.CONTAINER_LAYER_EDGE,
        )
        label, attrs = _lower_before(outcome)
        c.node("b_low", label, **attrs)
        c.edge("b_rw", "b_low", style="invis")


def _rw_before(outcome: Outcome) -> str:
    """What the RW layer held at the path: the entry, a whiteout, or nothing."""
    first = outcome.before.steps[0] if outcome.before.steps else None
    served = outcome.before.served_by
    if served is not None and served.key == "rw":
        return theme.label_text(describe(outcome.before.entry), 50)
    if first is not None and first.key == "rw" and first.status == WHITEOUT_HERE:
        return f'<font color="{theme.WHITEOUT}"><b>{_("whiteout")}</b></font>: {theme.label_text(first.note, 50)}'
    return _("nothing at this path yet")


def _lower_before(outcome: Outcome) -> tuple[str, dict[str, str]]:
    """(label, attributes) of the box under the RW layer: who served the path, if anyone."""
    path = theme.label_text(outcome.before.real, 40)
    served = outcome.before.served_by
    if served is None:
        stop = next((s for s in outcome.before.steps if s.status == WHITEOUT_HERE), None)
        where = _("whited out in {layer}", layer=html.escape(stop.label)) if stop is not None else _("no layer has it")
        return f"<<b>{where}</b><br/>{theme.mono(path)}: ENOENT>", _DASHED
    if served.key == "rw":
        return "<" + _("<b>lower layers</b><br/>not looked at: the RW layer has it") + ">", _DASHED
    fill, edge = _colours(served)
    label = (
        "<" + _("<b>{layer}</b> serves", layer=html.escape(served.label)) + f"<br/>{theme.mono(path)}<br/>"
        f"{theme.label_text(describe(outcome.before.entry), 50)}>"
    )
    return label, {"fillcolor": fill, "color": edge, "penwidth": "2"}


def _colours(layer: LookupStep) -> tuple[str, str]:
    """(fill, edge) of a lower layer: a mount, the -init layer or an image layer."""
    if layer.key == "mount":
        return theme.MOUNT, theme.MOUNT_EDGE
    if layer.key == "init":
        return theme.INIT_LAYER, theme.INIT_LAYER_EDGE
    return theme.IMAGE_LAYER, theme.IMAGE_LAYER_EDGE


# -- 2 · copy-up ---------------------------------------------------------------------------


def _copy_panel(graph: Picture, outcome: Outcome) -> None:
    """One box per copy-up record, or one saying why nothing was copied."""
    with graph.subgraph(name="cluster_copy") as c:
        c.attr(label=_("2 · copy-up"), labeljust="l", **theme.PANEL_ATTR)
        if not outcome.copy_ups:
            why = (
                theme.label_text(outcome.result, 70)
                if outcome.result
                else _("nothing came from a lower layer:<br/>the change was made in the RW layer or a mount")
            )
            c.node("c0", f"<<b>{_('no copy-up')}</b><br/>{why}>", **_DASHED)
        for i, record in enumerate(outcome.copy_ups):
            copied = (
                _("{bytes:,} bytes (data) from {layer}") if record.bytes else _("{bytes:,} bytes (metadata only) from {layer}")
            )
            c.node(
                f"c{i}",
                f"<{theme.mono(f'<b>{theme.label_text(record.path, 40)}</b>')}<br/>"
                f"{copied.format(bytes=record.bytes, layer=html.escape(outcome.source_of(record)))}"
                f"<br/>{theme.small(html.escape(record.reason_text))}>",
                fillcolor=theme.CACHE_MISS if record.bytes else METADATA_COPY,
                color=theme.CACHE_MISS_EDGE,
                penwidth="2" if record.bytes else "1",
            )
        for i in range(max(1, len(outcome.copy_ups)) - 1):
            c.edge(f"c{i}", f"c{i + 1}", style="invis")


# -- 3 · after -----------------------------------------------------------------------------


def _landed_label(kind: str, path: str, detail: str) -> str:
    colour = theme.WHITEOUT if kind in ("whiteout", "opaque dir", "removed") else "#000000"
    return (
        f'<font color="{colour}"><b>{html.escape(LANDED_WORDS.get(kind, kind))}</b></font> '
        f"{theme.mono(theme.label_text(path, 40))}<br/>"
        f"{theme.small(theme.label_text(detail, 60))}"
    )


def _after_panel(graph: Picture, outcome: Outcome) -> None:
    """What the RW layer holds now, and what became of the layer that served the path."""
    with graph.subgraph(name="cluster_after") as c:
        c.attr(label=_("3 · after"), labeljust="l", **theme.PANEL_ATTR)
        landed = outcome.landed
        if landed:
            rows = "<br/>".join(_landed_label(x.what, x.path, x.detail) for x in landed[:MAX_LANDED])
            if len(landed) > MAX_LANDED:
                rows += "<br/>" + _("… and {n} more", n=len(landed) - MAX_LANDED)
            c.node(
                "a_rw",
                f"<<b>{_('RW layer now holds')}</b><br/>{rows}>",
                fillcolor=theme.CONTAINER_LAYER,
                color=theme.CONTAINER_LAYER_EDGE,
                penwidth="2",
            )
        else:
            c.node(
                "a_rw",
                "<" + _("<b>RW layer</b><br/>unchanged") + ">",
                fillcolor=theme.CONTAINER_LAYER,
                color=theme.CONTAINER_LAYER_EDGE,
            )
        label, attrs = _lower_after(outcome)
        c.node("a_low", label, **attrs)
        c.edge("a_rw", "a_low", style="invis")


def _lower_after(outcome: Outcome) -> tuple[str, dict[str, str]]:
    """(label, attributes): the read-only layer that served the path, never modified, or
    what serves the path now."""
    served, now = outcome.before.served_by, outcome.after.served_by
    if served is not None and served.key not in ("rw", "mount"):
        state = (
            _("still serves it (read-only: never modified)")
            if now is not None and now.key == served.key
            else _("unchanged, now hidden (read-only: never modified)")
        )
        fill = theme.IMAGE_LAYER if served.key.startswith("image") else theme.INIT_LAYER
        label = f"<<b>{html.escape(served.label)}</b><br/>{state}>"
        return label, {"fillcolor": fill, "color": theme.IMAGE_LAYER_EDGE}
    text = _("served by {layer}", layer=now.label) if now is not None else _("no layer has it")
    return f"<<b>{_('the path now')}</b><br/>{html.escape(text)}>", _DASHED
