"""Pictures of containers: the stack one container sees, and several containers over the
image they share.

Pure functions of the model (a :class:`~layerlab.model.container.Container`, a
:class:`~layerlab.engine.host.Host`): they read and never change it. Node names come from
positions, never from ids or addresses, so the same model gives the same DOT source.
Copy-on-write step by step is :mod:`.copy_up`; which layer serves a path, :mod:`.lookup`.
"""

from __future__ import annotations

import html

from layerlab.engine.host import Host
from layerlab.i18n import N_, _, translate
from layerlab.model.container import Container
from layerlab.model.image import Image
from layerlab.model.lookup import mount_label
from layerlab.model.units import human_size

from . import theme
from .picture import Picture

__all__ = ["container_stack", "containers_over_image", "layer_texts"]

#: The words of these pictures, in one place.
MOUNTS_TITLE = N_("mounts: outside the layers")
MOUNTED_OVER = N_("mounted over")


def layer_texts(image: Image) -> list[str]:
    """What made each layer (its history step, else ``layer N``), bottom first, escaped."""
    rows = [entry.created_by for entry, layer in image.steps() if layer is not None]
    return [
        theme.label_text(theme.step_text(rows[n]) if n < len(rows) else _("layer {n}", n=n + 1))
        for n in range(len(image.layers))
    ]


# -- the container stack -------------------------------------------------------------------


class _Marker:
    """Outlines the one box ``mark`` names, with ``note`` written in it."""

    def __init__(self, mark: str | None, note: str) -> None:
        self.mark = mark
        self.note = (
            f'<br/><font color="{theme.MARK_EDGE}"><b>◀ {html.escape(note)}</b></font>'
            if note
            else ""
        )

    def note_for(self, key: str) -> str:
        return self.note if self.mark == key else ""

    def style(self, key: str, fill: str, edge: str) -> dict[str, str]:
        attrs = {"fillcolor": fill, "color": edge}
        return {**attrs, "penwidth": "3", "color": theme.MARK_EDGE} if self.mark == key else attrs


def _rw_changes(container: Container) -> str:
    """``3 entries, 1 whiteout`` (and opaque directories, if any) in the RW layer."""
    diff = container.rw.diff()
    text = (
        f"{theme.count(len(diff.entries), N_('{n} entry'), N_('{n} entries'))}, "
        f"{theme.count(len(diff.whiteouts), N_('{n} whiteout'), N_('{n} whiteouts'))}"
    )
    opaque = len(container.rw.opaque_dirs) if container.rw.upper_paths() else 0
    return text + (f", {theme.count(opaque, N_('{n} opaque dir'), N_('{n} opaque dirs'))}" if opaque else "")


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
    marker = _Marker(mark, mark_note)
    heading = title or _(
        "container {name} · image {image} · size {size} (virtual {virtual})",
        name=container.name, image=container.image_ref, size=human_size(container.size()),
        virtual=human_size(container.virtual_size()),
    )  # fmt: skip
    graph.attr(label=f"<<b>{theme.wrapped(heading, 70)}</b>>", labelloc="t")
    _container_layers(graph, container, marker)
    order = ["rw", "init", *_image_layers(graph, container.image, marker)]
    for upper, lower in zip(order, order[1:]):
        graph.edge(upper, lower, style="invis")
    _mounts(graph, container, marker)
    return graph


def _container_layers(graph: Picture, container: Container, marker: _Marker) -> None:
    """The two layers a container adds: its RW layer and Docker's -init layer."""
    graph.node(
        "rw",
        "<" + _("<b>RW layer (container)</b><br/>read-write · private · {size}", size=human_size(container.size()))
        + f"<br/>{_rw_changes(container)}{marker.note_for('rw')}>",
        **marker.style("rw", theme.CONTAINER_LAYER, theme.CONTAINER_LAYER_EDGE),
    )
    entries = theme.count(len(container.init_layer.entries), N_("{n} entry"), N_("{n} entries"))
    graph.node(
        "init",
        "<" + _("<b>-init layer</b><br/>read-only · made by Docker · {entries}"
                "<br/>/etc/hosts, /.dockerenv, /dev/console …: docker diff ignores it", entries=entries)
        + f"{marker.note_for('init')}>",
        **marker.style("init", theme.INIT_LAYER, theme.INIT_LAYER_EDGE),
    )


def _image_layers(graph: Picture, image: Image, marker: _Marker) -> list[str]:
    """The image's read-only layers, top first; their node names in that order."""
    texts = layer_texts(image)
    names = []
    for n in reversed(range(len(image.layers))):
        key = f"image:{n}"
        graph.node(
            f"l{n}",
            "<" + _("<b>image layer {n}</b>: {text}<br/>read-only · shared · {size}", n=n + 1, text=texts[n],
                    size=human_size(image.layers[n].size))
            + f"{marker.note_for(key)}>",
            **marker.style(key, theme.IMAGE_LAYER, theme.IMAGE_LAYER_EDGE),
        )
        names.append(f"l{n}")
    return names


def _mounts(graph: Picture, container: Container, marker: _Marker) -> None:
    """Volumes, bind mounts and tmpfs in one box beside the RW layer: they are not layers.

    One row per mount (what it is, where, its size), so four mounts take four lines, not
    four boxes side by side; the marked mount's row is outlined.
    """
    mounts = container.user_mounts
    if not mounts:
        return
    rows = [f'<tr><td align="left"><b>{html.escape(translate(MOUNTS_TITLE))}</b></td></tr>']
    for mount in mounts:
        key = f"mount:{mount.destination}"
        size = mount.volume.size() if mount.volume is not None else 0
        where = (_("at {destination} · {size} · read-only") if mount.read_only else _("at {destination} · {size}"))
        outline = f' border="2" color="{theme.MARK_EDGE}"' if marker.mark == key else ""
        rows.append(
            f'<tr><td align="left" balign="left"{outline}><b>{html.escape(mount_label(mount))}</b><br/>'
            + where.format(destination=theme.mono(html.escape(mount.destination)), size=human_size(size))
            + f"{marker.note_for(key)}</td></tr>"
        )
    table = f'<<table border="0" cellborder="0" cellspacing="2" cellpadding="2">{"".join(rows)}</table>>'
    graph.node("mounts", table, fillcolor=theme.MOUNT, color=theme.MOUNT_EDGE, style="rounded,filled,dashed")
    with graph.subgraph() as same:
        same.attr(rank="same")
        same.node("rw")
        same.node("mounts")
    graph.edge("mounts", "rw", style="dashed", color=theme.MOUNT_EDGE, arrowhead="none",
               label=translate(MOUNTED_OVER), fontcolor=theme.MOUNT_EDGE)  # fmt: skip


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
        _own_layers(graph, i, c)
    _shared_layers(graph, image, len(containers))
    stored = image.size + sum(c.size() for c in containers)
    summed = sum(c.virtual_size() for c in containers)
    graph.attr(
        label="<" + _("on disk: image {image} once + RW layers {layers} = <b>{stored}</b><br/>"
                      "sum of virtual sizes {summed} (counts the image {times})",
                      image=human_size(image.size), layers=human_size(stored - image.size), stored=human_size(stored),
                      summed=human_size(summed), times=theme.count(len(containers), N_("{n} time"), N_("{n} times")))
              + ">",
        labelloc="b",
    )  # fmt: skip
    return graph


def _own_layers(graph: Picture, i: int, c: Container) -> None:
    """Container number ``i``: its RW layer over its -init layer, in a box of its own."""
    with graph.subgraph(name=f"cluster_c{i}") as side:
        side.attr(
            label=_("container {name}", name=c.name), fontsize="10", style="rounded",
            color=theme.CONTAINER_LAYER_EDGE,
        )  # fmt: skip
        changes = len(c.diff())
        side.node(
            f"rw{i}",
            "<" + _("<b>RW layer</b> · private<br/>{size} · {lines} in docker diff<br/>virtual {virtual}",
                    size=human_size(c.size()), lines=theme.count(changes, N_("{n} line"), N_("{n} lines")),
                    virtual=human_size(c.virtual_size())) + ">",
            fillcolor=theme.CONTAINER_LAYER,
            color=theme.CONTAINER_LAYER_EDGE,
        )
        side.node(
            f"init{i}", "<" + _("<b>-init layer</b>") + ">", fillcolor=theme.INIT_LAYER, color=theme.INIT_LAYER_EDGE
        )
        side.edge(f"rw{i}", f"init{i}", arrowhead="none", color=theme.MUTED)


def _shared_layers(graph: Picture, image: Image, containers: int) -> None:
    """The image's layers once, top first, each -init layer pointing at the top one."""
    texts = layer_texts(image)
    n_layers = len(image.layers)
    holders = (
        _("shared by {containers}", containers=theme.count(containers, N_("{n} container"), N_("{n} containers")))
        if containers
        else _("no container yet")
    )
    for n in reversed(range(n_layers)):
        graph.node(
            f"l{n}",
            "<" + _("<b>image layer {n}</b>: {text}<br/>read-only · {size} · {holders}", n=n + 1, text=texts[n],
                    size=human_size(image.layers[n].size), holders=holders) + ">",
            fillcolor=theme.IMAGE_LAYER,
            color=theme.IMAGE_LAYER_EDGE,
            penwidth="2" if containers > 1 else "1",
        )
    for n in range(n_layers - 1, 0, -1):
        graph.edge(f"l{n}", f"l{n - 1}", arrowhead="none", color=theme.MUTED)
    if n_layers:
        for i in range(containers):
            graph.edge(f"init{i}", f"l{n_layers - 1}", color=theme.IMAGE_LAYER_EDGE)
