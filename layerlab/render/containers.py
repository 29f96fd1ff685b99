"""Pictures of containers: the stack a container sees, copy-on-write step by step, which
layer serves a path, and several containers over one image.

Pure functions of the model (a :class:`~layerlab.model.container.Container`, an
:class:`~layerlab.model.operation.Outcome`, a :class:`~layerlab.engine.host.Host`): they read and
never change it. Node names come from positions, never from ids or addresses, so the
same model gives the same DOT source.
"""

from __future__ import annotations

import html

from layerlab.engine.host import Host
from layerlab.model.container import Container
from layerlab.model.image import Image
from layerlab.model.lookup import (
    HIDDEN_BY_MOUNT,
    MERGED,
    OPAQUE_ABOVE,
    SERVES,
    SKIPPED,
    WHITEOUT_HERE,
    Lookup,
    lookup,
    mount_label,
)
from layerlab.model.operation import Outcome, describe
from layerlab.model.units import human_size

from . import theme
from .picture import Picture

__all__ = ["container_stack", "containers_over_image", "copy_up_steps", "path_lookup"]

INIT_LAYER = "#fff2cc"  # Docker's own small layer: pale yellow
INIT_LAYER_EDGE = "#bf9000"
MOUNT = "#d9ead3"  # outside the layers: green
MOUNT_EDGE = "#38761d"
MARK_EDGE = "#d55e00"  # the layer a picture points at


def _esc(text: str, width: int = 46) -> str:
    return html.escape(theme.clip(text, width))


def _rw_counts(container: Container) -> tuple[int, int, int]:
    upper = container.rw.upper_paths()
    diff = container.rw.diff()
    return len(diff.entries), len(diff.whiteouts), len(container.rw.opaque_dirs) if upper else 0


def _layer_texts(image: Image) -> list[str]:
    """What made each layer (its history step, else ``layer N``), bottom first, escaped."""
    rows = [entry.created_by for entry, layer in image.steps() if layer is not None]
    return [
        _esc(theme.step_text(rows[n]) if n < len(rows) else f"layer {n + 1}")
        for n in range(len(image.layers))
    ]


def _mark(attrs: dict[str, str], marked: bool) -> dict[str, str]:
    return {**attrs, "penwidth": "3", "color": MARK_EDGE} if marked else attrs


# -- the container stack -------------------------------------------------------------------


def container_stack(
    container: Container, *, mark: str | None = None, mark_note: str = "", title: str | None = None
) -> Picture:
    """RW layer on top of the -init layer on top of the image layers; mounts beside them.

    ``mark`` names one box to outline (``"rw"``, ``"init"``, ``"image:<n>"`` with n = 0
    for the bottom layer, ``"mount:<target>"``), with ``mark_note`` written in it.
    """
    graph = Picture(
        "container", graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB"}, node_attr=theme.NODE_ATTR
    )
    note = (
        f'<br/><font color="{MARK_EDGE}"><b>◀ {html.escape(mark_note)}</b></font>'
        if mark_note
        else ""
    )
    files, whiteouts, opaque = _rw_counts(container)
    rw_changes = f"{theme.count(files, 'entry', 'entries')}, {theme.count(whiteouts, 'whiteout')}"
    if opaque:
        rw_changes += f", {theme.count(opaque, 'opaque dir')}"
    heading = title or (
        f"container {container.name} · image {container.image_ref} · "
        f"size {human_size(container.size())} (virtual {human_size(container.virtual_size())})"
    )
    graph.node("title", f"<<b>{html.escape(heading)}</b>>", shape="plaintext", style="")
    graph.node(
        "rw",
        f"<<b>RW layer (container)</b><br/>read-write · private · {human_size(container.size())}"
        f"<br/>{rw_changes}{note if mark == 'rw' else ''}>",
        **_mark({"fillcolor": theme.CONTAINER_LAYER, "color": "#e69138"}, mark == "rw"),
    )
    init = container.init_layer
    graph.node(
        "init",
        f"<<b>-init layer</b><br/>read-only · made by Docker · {theme.count(len(init.entries), 'entry', 'entries')}"
        f"<br/>/etc/hosts, /.dockerenv, /dev/console …: docker diff ignores it"
        f"{note if mark == 'init' else ''}>",
        **_mark({"fillcolor": INIT_LAYER, "color": INIT_LAYER_EDGE}, mark == "init"),
    )
    order = ["title", "rw", "init"]
    texts = _layer_texts(container.image)
    for n in reversed(range(len(container.image.layers))):
        layer = container.image.layers[n]
        key = f"image:{n}"
        graph.node(
            f"l{n}",
            f"<<b>image layer {n + 1}</b>: {texts[n]}<br/>read-only · shared · {human_size(layer.size)}"
            f"{note if mark == key else ''}>",
            **_mark({"fillcolor": theme.IMAGE_LAYER, "color": theme.IMAGE_LAYER_EDGE}, mark == key),
        )
        order.append(f"l{n}")
    for upper, lower in zip(order, order[1:]):
        graph.edge(upper, lower, style="invis")
    mounts = container.user_mounts
    if mounts:
        with graph.subgraph(name="cluster_mounts") as side:
            side.attr(
                label="mounts: outside the layers",
                fontsize="10",
                fontcolor=theme.MUTED,
                color=MOUNT_EDGE,
                style="rounded,dashed",
            )
            for i, mount in enumerate(mounts):
                key = f"mount:{mount.destination}"
                size = mount.volume.size() if mount.volume is not None else 0
                ro = " · read-only" if mount.read_only else ""
                side.node(
                    f"m{i}",
                    f"<<b>{html.escape(mount_label(mount))}</b><br/>at {html.escape(mount.destination)}"
                    f" · {human_size(size)}{ro}{note if mark == key else ''}>",
                    **_mark({"fillcolor": MOUNT, "color": MOUNT_EDGE}, mark == key),
                )
        for i in range(len(mounts)):
            graph.edge(
                f"m{i}",
                "rw",
                style="dashed",
                color=MOUNT_EDGE,
                arrowhead="none",
                label="mounted over",
                fontsize="9",
                fontcolor=MOUNT_EDGE,
            )
    return graph


# -- copy-on-write step by step ------------------------------------------------------------


def _landed_label(kind: str, path: str, detail: str) -> str:
    colour = theme.WHITEOUT if kind in ("whiteout", "opaque dir", "removed") else "#000000"
    return (
        f'<font color="{colour}"><b>{html.escape(kind)}</b></font> '
        f'<font face="monospace">{_esc(path, 40)}</font><br/><font point-size="9">{_esc(detail, 60)}</font>'
    )


def copy_up_steps(outcome: Outcome) -> Picture:
    """Three panels, left to right: before, copy-up (the overlay's records), after.

    Everything comes from the outcome the model produced: the layer that served the path
    before, each copy-up record (path, bytes, source layer, reason), and what landed in the
    RW layer (files, whiteouts, opaque directories).
    """
    graph = Picture(
        "copy_up",
        graph_attr={**theme.GRAPH_ATTR, "rankdir": "LR", "ranksep": "0.4", "compound": "true"},
        node_attr=theme.NODE_ATTR,
    )
    path = outcome.before.real
    served = outcome.before.served_by
    graph.attr(
        label=f"$ {outcome.command}  ·  {outcome.summary()}  ·  RW layer {human_size(outcome.size_before)} → "
        f"{human_size(outcome.size_after)}",
        labelloc="t",
        fontsize="12",
    )

    with graph.subgraph(name="cluster_before") as c:
        c.attr(label="1 · before", fontsize="11", style="rounded", color="#bbbbbb")
        first = outcome.before.steps[0] if outcome.before.steps else None
        if served is not None and served.key == "rw":
            rw_text = _esc(describe(outcome.before.entry), 50)
        elif first is not None and first.key == "rw" and first.status == WHITEOUT_HERE:
            rw_text = (
                f'<font color="{theme.WHITEOUT}"><b>whiteout</b></font>: {_esc(first.note, 50)}'
            )
        else:
            rw_text = "nothing at this path yet"
        c.node(
            "b_rw",
            f"<<b>RW layer</b><br/>{rw_text}>",
            fillcolor=theme.CONTAINER_LAYER,
            color="#e69138",
        )
        if served is None:
            stop = next((s for s in outcome.before.steps if s.status == WHITEOUT_HERE), None)
            where = (
                f"whited out in {html.escape(stop.label)}"
                if stop is not None
                else "no layer has it"
            )
            c.node(
                "b_low",
                f'<<b>{where}</b><br/><font face="monospace">{_esc(path, 40)}</font>: ENOENT>',
                fillcolor=theme.EMPTY_STEP,
                color=theme.EMPTY_STEP_EDGE,
                style="rounded,dashed",
            )
        elif served.key != "rw":
            fill, edge = (
                (MOUNT, MOUNT_EDGE)
                if served.key == "mount"
                else (INIT_LAYER, INIT_LAYER_EDGE)
                if served.key == "init"
                else (theme.IMAGE_LAYER, theme.IMAGE_LAYER_EDGE)
            )
            c.node(
                "b_low",
                f'<<b>{html.escape(served.label)}</b> serves<br/><font face="monospace">'
                f"{_esc(path, 40)}</font><br/>{_esc(describe(outcome.before.entry), 50)}>",
                fillcolor=fill,
                color=edge,
                penwidth="2",
            )
        else:
            c.node(
                "b_low",
                "<<b>lower layers</b><br/>not looked at: the RW layer has it>",
                fillcolor=theme.EMPTY_STEP,
                color=theme.EMPTY_STEP_EDGE,
                style="rounded,dashed",
            )
        c.edge("b_rw", "b_low", style="invis")

    with graph.subgraph(name="cluster_copy") as c:
        c.attr(label="2 · copy-up", fontsize="11", style="rounded", color="#bbbbbb")
        if not outcome.copy_ups:
            why = (
                outcome.result
                or "nothing came from a lower layer:<br/>the change was made in the RW layer or a mount"
            )
            c.node(
                "c0",
                f"<<b>no copy-up</b><br/>{why if not outcome.result else _esc(why, 70)}>",
                fillcolor=theme.EMPTY_STEP,
                color=theme.EMPTY_STEP_EDGE,
                style="rounded,dashed",
            )
        for i, record in enumerate(outcome.copy_ups):
            kind = "data" if record.bytes else "metadata only"
            c.node(
                f"c{i}",
                f'<<font face="monospace"><b>{_esc(record.path, 40)}</b></font><br/>'
                f"{record.bytes:,} bytes ({kind}) from {html.escape(outcome.source_of(record))}"
                f'<br/><font point-size="9">{html.escape(record.reason)}</font>>',
                fillcolor=theme.CACHE_MISS if record.bytes else "#fdf3e7",
                color=theme.CACHE_MISS_EDGE,
                penwidth="2" if record.bytes else "1",
            )
        count = max(1, len(outcome.copy_ups))
        for i in range(count - 1):
            c.edge(f"c{i}", f"c{i + 1}", style="invis")

    with graph.subgraph(name="cluster_after") as c:
        c.attr(label="3 · after", fontsize="11", style="rounded", color="#bbbbbb")
        landed = outcome.landed
        if landed:
            rows = "<br/>".join(_landed_label(x.what, x.path, x.detail) for x in landed[:8])
            if len(landed) > 8:
                rows += f"<br/>… and {len(landed) - 8} more"
            c.node(
                "a_rw",
                f"<<b>RW layer now holds</b><br/>{rows}>",
                fillcolor=theme.CONTAINER_LAYER,
                color="#e69138",
                penwidth="2",
            )
        else:
            c.node(
                "a_rw",
                "<<b>RW layer</b><br/>unchanged>",
                fillcolor=theme.CONTAINER_LAYER,
                color="#e69138",
            )
        now = outcome.after.served_by
        if served is not None and served.key not in ("rw", "mount"):
            state = (
                "still serves it"
                if now is not None and now.key == served.key
                else "unchanged, now hidden"
            )
            c.node(
                "a_low",
                f"<<b>{html.escape(served.label)}</b><br/>{state} (read-only: never modified)>",
                fillcolor=theme.IMAGE_LAYER if served.key.startswith("image") else INIT_LAYER,
                color=theme.IMAGE_LAYER_EDGE,
            )
        else:
            text = f"served by {now.label}" if now is not None else "no layer has it"
            c.node(
                "a_low",
                f"<<b>the path now</b><br/>{html.escape(text)}>",
                fillcolor=theme.EMPTY_STEP,
                color=theme.EMPTY_STEP_EDGE,
                style="rounded,dashed",
            )
        c.edge("a_rw", "a_low", style="invis")

    graph.edge(
        "b_low",
        "c0",
        color=theme.CACHE_MISS_EDGE,
        label="copy" if outcome.copy_ups else "",
        fontsize="9",
    )
    last = f"c{max(0, len(outcome.copy_ups) - 1)}"
    graph.edge(last, "a_rw", color=theme.CACHE_MISS_EDGE)
    return graph


# -- path lookup ---------------------------------------------------------------------------

_STATUS_STYLE = {
    SERVES: ("#cdeee3", theme.CACHE_HIT_EDGE, "rounded,filled,bold"),
    MERGED: (theme.IMAGE_LAYER, theme.IMAGE_LAYER_EDGE, "rounded,filled"),
    WHITEOUT_HERE: ("#f4cccc", theme.WHITEOUT, "rounded,filled,bold"),
    OPAQUE_ABOVE: ("#f4cccc", theme.WHITEOUT, "rounded,filled"),
    SKIPPED: (theme.EMPTY_STEP, theme.EMPTY_STEP_EDGE, "rounded,dashed"),
    HIDDEN_BY_MOUNT: (theme.EMPTY_STEP, theme.EMPTY_STEP_EDGE, "rounded,dashed"),
}


def path_lookup(container: Container, path: str, *, result: Lookup | None = None) -> Picture:
    """The layers in the order the kernel consults them, each with what it found there."""
    found = result if result is not None else lookup(container, path)
    graph = Picture(
        "lookup", graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB"}, node_attr=theme.NODE_ATTR
    )
    served = found.served_by
    answer = (
        f"served by {served.label}: {describe(found.entry)}"
        if served is not None
        else "ENOENT: no such file or directory"
    )
    shown = (
        found.path
        if found.real == "/" + found.path.strip("/")
        else f"{found.path} (resolves to {found.real})"
    )
    graph.node(
        "title",
        f"<<b>lookup {html.escape(shown)}</b><br/>{_esc(answer, 70)}>",
        shape="plaintext",
        style="",
    )
    order = ["title"]
    for i, step in enumerate(found.steps):
        fill, edge, style = _STATUS_STYLE.get(
            step.status, ("#ffffff", theme.MUTED, "rounded,filled")
        )
        marker = "◀ " if step.status == SERVES else ""
        note = f'<br/><font point-size="9">{html.escape(step.note)}</font>' if step.note else ""
        graph.node(
            f"s{i}",
            f"<<b>{i + 1}. {html.escape(step.label)}</b>: {marker}{html.escape(step.status)}{note}>",
            fillcolor=fill,
            color=edge,
            style=style,
            penwidth="2" if step.status == SERVES else "1",
        )
        order.append(f"s{i}")
    for upper, lower in zip(order, order[1:]):
        graph.edge(upper, lower, color=theme.MUTED, arrowsize="0.6")
    return graph


# -- several containers over one image -----------------------------------------------------


def containers_over_image(host: Host, image_ref: str) -> Picture:
    """Each container of the image with its own RW and -init layers, the image's read-only
    layers drawn once underneath: they are stored once, however many containers run."""
    image = host.image(image_ref)
    containers = sorted(
        (c for c in host.containers.values() if c.image.image_id == image.image_id),
        key=lambda c: c.created,
    )
    graph = Picture(
        "containers_over_image",
        graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB", "ranksep": "0.3"},
        node_attr=theme.NODE_ATTR,
    )
    for i, c in enumerate(containers):
        with graph.subgraph(name=f"cluster_c{i}") as side:
            side.attr(label=f"container {c.name}", fontsize="10", style="rounded", color="#e69138")
            changes = len(c.diff())
            side.node(
                f"rw{i}",
                f"<<b>RW layer</b> · private<br/>{human_size(c.size())} · "
                f"{theme.count(changes, 'line')} in docker diff<br/>virtual {human_size(c.virtual_size())}>",
                fillcolor=theme.CONTAINER_LAYER,
                color="#e69138",
            )
            side.node(
                f"init{i}", "<<b>-init layer</b>>", fillcolor=INIT_LAYER, color=INIT_LAYER_EDGE
            )
            side.edge(f"rw{i}", f"init{i}", arrowhead="none", color=theme.MUTED)
    texts = _layer_texts(image)
    n_layers = len(image.layers)
    holders = (
        f"shared by {theme.count(len(containers), 'container')}"
        if containers
        else "no container yet"
    )
    for n in reversed(range(n_layers)):
        graph.node(
            f"l{n}",
            f"<<b>image layer {n + 1}</b>: {texts[n]}<br/>read-only · {human_size(image.layers[n].size)}"
            f" · {holders}>",
            fillcolor=theme.IMAGE_LAYER,
            color=theme.IMAGE_LAYER_EDGE,
            penwidth="2" if len(containers) > 1 else "1",
        )
    for n in range(n_layers - 1, 0, -1):
        graph.edge(f"l{n}", f"l{n - 1}", arrowhead="none", color=theme.MUTED)
    if n_layers:
        for i in range(len(containers)):
            graph.edge(f"init{i}", f"l{n_layers - 1}", color=theme.IMAGE_LAYER_EDGE)
    stored = image.size + sum(c.size() for c in containers)
    summed = sum(c.virtual_size() for c in containers)
    graph.attr(
        label=f"on disk: image {human_size(image.size)} once + RW layers "
        f"{human_size(stored - image.size)} = {human_size(stored)} · sum of virtual sizes "
        f"{human_size(summed)} (counts the image {theme.count(len(containers), 'time')})",
        labelloc="b",
        fontsize="12",
    )
    return graph
