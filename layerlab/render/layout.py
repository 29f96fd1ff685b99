"""Where a storage driver keeps each layer of an image under ``/var/lib/docker``.

Ids are placeholders (``<cache-id 2>``): real cache-ids are random, so a picture that
showed them would change on every run. Each driver's way of making a layer from its
parent (overlay2's lower chain, a btrfs snapshot, a vfs copy, ...) is one entry of
:data:`LAYER_DIRS`; the disk figures come from the driver's own model.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from layerlab.drivers import StorageDriver, get_driver
from layerlab.i18n import N_, Texts, _, translate
from layerlab.model.digest import short_id
from layerlab.model.image import Image
from layerlab.model.layer import Layer

from . import theme
from .drivers import bytes_label, cow_text
from .picture import Picture

__all__ = ["EDGE_WORDS", "LAYER_DIRS", "TERMS", "layer_layout"]

#: (directory of layer ``i`` of ``n`` under the data root, what it holds); layer 1 is the bottom.
LayerDirs = Callable[[str, int, int], tuple[str, list[str]]]


def _cache_id(i: int) -> str:
    return f"&lt;cache-id {i}&gt;"


def _overlay2_dirs(name: str, i: int, n: int) -> tuple[str, list[str]]:
    lowers = ":".join(f"l/&lt;short {j}&gt;" for j in range(i - 1, 0, -1))
    held = [_("diff/ · this layer's files"), f"link · &lt;short {i}&gt;"]
    if i > 1:
        held += [f"lower · {lowers}", "work/"]
    if i < n:
        held.append(_("committed · a child layer exists"))
    return f"{name}/{_cache_id(i)}/", held


def _overlay_dirs(name: str, i: int, n: int) -> tuple[str, list[str]]:
    if i > 1:
        return f"overlay/{_cache_id(i)}/", [_("root/ · a full tree: hard links to the parent's files + changes")]
    return f"overlay/{_cache_id(i)}/", [_("root/ · a full tree")]


def _aufs_dirs(name: str, i: int, n: int) -> tuple[str, list[str]]:
    cid = _cache_id(i)
    parents = _("ids of layers {top}..1", top=i - 1) if i > 1 else _("empty: no parent")
    return f"aufs/diff/{cid}/", [
        _("this layer's files; whiteouts as .wh. files"),
        f"aufs/layers/{cid} · {parents}",
        _("aufs/mnt/{cid}/ · the union mount", cid=cid),
    ]


@dataclass(frozen=True)
class _MadeFromParent:
    """A driver that makes each layer from a whole copy, snapshot or clone of its parent.

    ``{cid}`` is the layer's cache-id, ``{parent}`` its parent's; the texts are marked
    with ``N_`` and translated when drawn.
    """

    path: str
    from_parent: str
    first: str
    also: tuple[str, ...] = ()

    def __call__(self, name: str, i: int, n: int) -> tuple[str, list[str]]:
        cid = _cache_id(i)
        made = translate(self.from_parent).format(parent=_cache_id(i - 1)) if i > 1 else translate(self.first)
        return self.path.format(cid=cid), [made, *(translate(x).format(cid=cid) for x in self.also)]


LAYER_DIRS: dict[str, LayerDirs] = {
    "overlay2": _overlay2_dirs,
    "fuse-overlayfs": _overlay2_dirs,
    "overlay": _overlay_dirs,
    "aufs": _aufs_dirs,
    "btrfs": _MadeFromParent(
        "btrfs/subvolumes/{cid}", N_("snapshot of {parent}, then this layer's changes"), N_("a new subvolume")
    ),
    "zfs": _MadeFromParent(
        "&lt;pool&gt;/&lt;dataset&gt;/{cid}", N_("clone of {parent}@snapshot, then this layer's changes"),
        N_("a new dataset"), (N_("mounted at zfs/graph/{cid}"),),
    ),  # fmt: skip
    "devicemapper": _MadeFromParent(
        "devicemapper/mnt/{cid}/", N_("thin snapshot of {parent}'s device"),
        N_("a thin device with a new filesystem"), (N_("devicemapper/metadata/{cid} · device id and size"),),
    ),  # fmt: skip
    "vfs": _MadeFromParent(
        "vfs/dir/{cid}/", N_("copy of {parent}, then this layer's changes"), N_("this layer's files")
    ),
}
#: What each name the pictures use means, explained under the picture: all of them for
#: overlay2 (and fuse-overlayfs, its layout), the first and last for the other drivers.
#: The meanings are marked with ``N_`` and translated when drawn.
TERMS = (
    ("<cache-id N>", N_("layer N's directory (N counts from the bottom): a random name the daemon made up")),
    ("diff/", N_("the layer's own files: what it added or changed, deletions as whiteouts")),
    ("link", N_("a file holding the layer's short name")),
    ("<short N>", N_("layer N's short name: a 26-character link in l/ to its diff/, so mount options stay short")),
    ("lower", N_("a file naming the layers below, top first, as l/<short> links: overlayfs's lowerdir")),
    ("work/", N_("an empty directory overlayfs needs beside an upper directory (its copy-up scratch space)")),
    ("committed", N_("a marker file: a child layer was made on top of this one")),
    ("<mount-id>", N_("a container's layer directory; <mount-id>-init holds what Docker writes (/etc/hosts...)")),
)
#: What ties a layer to the one below it, by driver (drawn on the dashed edges).
EDGE_WORDS = Texts({
    "overlay2": "lower", "fuse-overlayfs": "lower", "overlay": "hard links", "aufs": "parent",
    "btrfs": "snapshot", "zfs": "clone", "devicemapper": "thin snapshot", "vfs": "full copy",
})  # fmt: skip


def _layer_dirs(driver: StorageDriver, i: int, n: int) -> tuple[str, list[str]]:
    dirs = LAYER_DIRS.get(driver.name)
    if dirs is None:  # a driver the table does not know: its own note
        return f"{driver.name}/{_cache_id(i)}/", [html.escape(str(driver.layout_note))]
    return dirs(driver.name, i, n)


def layer_layout(driver: str | StorageDriver, image: Image | Sequence[Layer]) -> Picture:
    """Where ``driver`` keeps each of ``image``'s layers under ``/var/lib/docker``, and the
    disk each uses (exact bytes from the driver's model), top layer first."""
    drv = get_driver(driver) if isinstance(driver, str) else driver
    layers = image.layers if isinstance(image, Image) else tuple(image)
    diff_ids = image.diff_ids if isinstance(image, Image) else [None] * len(layers)
    graph = Picture(
        "layer_layout",
        graph_attr={**theme.GRAPH_ATTR, "rankdir": "LR", "ranksep": "0.3"},
        node_attr=theme.NODE_ATTR,
    )
    graph.node(
        "root",
        "<<b>/var/lib/docker/</b><br/>"
        + _("{driver} · {cow} COW", driver=html.escape(drv.name), cow=html.escape(cow_text(drv))) + ">",
        fillcolor=theme.BASE,
        color=theme.BASE_EDGE,
    )
    _layer_nodes(graph, drv, layers, diff_ids)
    if drv.name in ("overlay2", "fuse-overlayfs"):
        _short_links(graph, drv.name, len(layers))
    container = drv.container_cost(layers)
    graph.node(
        "container",
        "<" + _("a container adds &lt;mount-id&gt;-init and &lt;mount-id&gt;<br/>"
                "(here {size} before it writes anything)", size=html.escape(bytes_label(container.disk))) + ">",
        fillcolor=theme.CONTAINER_LAYER,
        color=theme.CACHE_MISS_EDGE,
        style="rounded,filled,dashed",
    )
    graph.edge("root", "container", color=theme.MUTED, arrowhead="none", style="dashed")
    shown = TERMS if drv.name in ("overlay2", "fuse-overlayfs") else [TERMS[0], TERMS[-1]]
    terms = [(term, translate(meaning)) for term, meaning in shown]
    graph.attr(label=theme.caption([], terms=terms), labelloc="b", labeljust="l")
    return graph


def _layer_nodes(graph: Picture, drv: StorageDriver, layers: Sequence[Layer],
                 diff_ids: Sequence[str | None]) -> None:  # fmt: skip
    """One box per layer, top first: its directory, what it holds, its disk; each tied to
    the layer below by the driver's word for how it was made."""
    disk = drv.layer_disk(layers)
    n = len(layers)
    for i in range(n, 0, -1):
        path, held = _layer_dirs(drv, i, n)
        diff_id = diff_ids[i - 1]
        ident = f' · diff-id <font face="{theme.MONO}">{short_id(diff_id)}</font>' if diff_id else ""
        label = (f'<<b><font face="{theme.MONO}">{path}</font></b><br/>{_("layer {i} of {n}", i=i, n=n)}{ident}<br/>'
                 + "<br/>".join(held)
                 + "<br/>" + _("<b>{size}</b> on disk", size=html.escape(bytes_label(disk[i - 1]))) + ">")  # fmt: skip
        graph.node(f"l{i}", label, fillcolor=theme.IMAGE_LAYER, color=theme.IMAGE_LAYER_EDGE)
        graph.edge("root", f"l{i}", color=theme.MUTED, arrowhead="none")
    for i in range(n, 1, -1):
        graph.edge(
            f"l{i}",
            f"l{i - 1}",
            label=EDGE_WORDS.get(drv.name, _("parent")),
            fontsize=theme.SMALL_SIZE,
            fontcolor=theme.MUTED,
            color=theme.IMAGE_LAYER_EDGE,
            style="dashed",
            constraint="false",
        )


def _short_links(graph: Picture, name: str, n: int) -> None:
    """overlay2's l/ directory: one short link per layer, to the layer's diff/."""
    links = "<br/>".join(f"&lt;short {i}&gt; → ../&lt;cache-id {i}&gt;/diff" for i in range(n, 0, -1))
    graph.node(
        "l",
        f'<<b><font face="{theme.MONO}">{name}/l/</font></b><br/>{links}>',
        fillcolor=theme.EMPTY_STEP,
        color=theme.EMPTY_STEP_EDGE,
    )
    graph.edge("root", "l", color=theme.MUTED, arrowhead="none")
