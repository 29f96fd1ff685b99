"""One image from its config to its directories: config -> diff_ids -> chain ids ->
cache-ids -> layer directories (and overlay2's short links), top to bottom, one column per
layer, each row headed by what it holds (so the picture grows down, not off the page).

The first columns are computed from content (sha256), the last ones are names the daemon
made up: that is why a directory's name says nothing about what it holds.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from layerlab.dataroot import DataRoot, ImageIdentity, LayerIdentity
from layerlab.i18n import N_, Texts, _, translate

from . import theme
from .dataroot import DIR_FILL, short_name
from .picture import Picture

if TYPE_CHECKING:
    from layerlab.engine.host import Host

__all__ = ["identities"]

#: The bottom caption: how chain ids are made, and what the two colours mean.
CAPTION = (
    N_("chain id [0] = diff_id [0]; chain id [n] = sha256(chain id [n-1] + ' ' + diff_id [n])"),
    N_("over the full 'sha256:…' strings"),
    N_("blue: computed from content · orange: made up by the daemon"),
)
#: What an image id hashes, by the data root's words for it (others are shown as they are).
ID_KINDS = Texts({
    "sha256 of the config": "sha256 of the config", "index digest": "index digest",
    "manifest digest": "manifest digest",
})  # fmt: skip
_GREY = f'<font point-size="{theme.SMALL_SIZE}" color="{theme.MUTED}">'


def identities(source: DataRoot | Host, image_ref: str, *, store: str | None = None) -> Picture:
    """One image from its config to its directories, one row per layer.

    ``source`` is a data root or a host (then ``store`` picks the image store; None: the host's).
    """
    root = source if isinstance(source, DataRoot) else DataRoot.from_host(source, store)
    ident = root.identity(image_ref)
    containerd = root.store == "containerd"
    graph = Picture(
        "identities",
        graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB", "ranksep": "0.3", "nodesep": "0.12"},
        node_attr={**theme.NODE_ATTR, "fontsize": "10"},
        edge_attr={"color": theme.MUTED},
    )
    _config(graph, ident, containerd)
    for layer in ident.layers:
        _layer_row(graph, layer, containerd)
    _headings(graph, ident, containerd)
    graph.attr(label=theme.caption([html.escape(translate(line)) for line in CAPTION]), labelloc="b", labeljust="l")
    return graph


def _digest(value: str) -> str:
    return html.escape(value[:19] + "…")


def _short_path(directory: str) -> str:
    """``overlay2/63cadb3645f9afe9…``: the store's folder and the directory's name, cut."""
    parent, _slash, name = _tail(directory, 2).rpartition("/")
    return f"{parent}/{short_name(name, 16)}" if parent else short_name(name, 16)


def _tail(path: str, parts: int = 3) -> str:
    return "/".join(path.split("/")[-parts:])


def _config(graph: Picture, ident: ImageIdentity, containerd: bool) -> None:
    """The first column: the image's tags, its id and its config file."""
    tags = ", ".join(ident.tags) or _("no tag")
    config = html.escape(short_name(_tail(ident.config_path, 1), 12))
    graph.node(
        "config",
        f"<<b>{html.escape(tags)}</b><br/>"
        + _("image id ({kind})", kind=html.escape(ID_KINDS.get(ident.id_kind, ident.id_kind))) + "<br/>"
        f'<font face="{theme.MONO}">{_digest(ident.image_id)}</font><br/>'
        f"{_GREY}" + _("config: …/{file}", file=config) + "</font>>",
        fillcolor=theme.IMAGE_NODE,
        color=theme.IMAGE_LAYER_EDGE,
        tooltip=ident.image_id,
    )


def _layer_row(graph: Picture, layer: LayerIdentity, containerd: bool) -> None:
    """One layer across the columns, and the edges that tie each column to the next."""
    i = layer.index
    where = _("snapshot key") if containerd else "layerdb/sha256/&lt;chain id&gt;/"  # HTML already
    for key, value, heading, note in (
        ("diff", layer.diff_id, "diff_id", _("sha256 of layer {i}'s tar", i=i)),
        ("chain", layer.chain_id, _("chain id"), where),
    ):
        graph.node(
            f"{key}{i}",
            f'<<b>{heading} [{i}]</b><br/><font face="{theme.MONO}">{_digest(value)}</font><br/>'
            f"{_GREY}{note}</font>>",
            fillcolor=theme.IMAGE_LAYER,
            color=theme.IMAGE_LAYER_EDGE,
            tooltip=value,
        )
    graph.node(
        f"cache{i}",
        _cache_label(layer, containerd),
        fillcolor=theme.CACHE_MISS,
        color=theme.FIRST_MISS_EDGE,
        tooltip=layer.cache_id,
    )
    holds = "fs/ work/" if containerd else "diff/ link" + (" lower work/" if layer.lower else "")
    graph.node(
        f"dir{i}",
        f"<<b>{html.escape(_short_path(layer.directory))}/</b><br/>"
        f'<font point-size="{theme.SMALL_SIZE}">{holds} · {layer.size:,} B</font>>',
        fillcolor=DIR_FILL,
        color=theme.EMPTY_STEP_EDGE,
        tooltip=layer.directory,
    )
    graph.edge("config", f"diff{i}", label=f"rootfs.diff_ids[{i}]")
    graph.edge(f"diff{i}", f"chain{i}", label="= diff_id" if i == 0 else "")
    if i > 0:
        graph.edge(
            f"chain{i - 1}",
            f"chain{i}",
            style="dashed",
            label=_("sha256(parent\\n+ ' ' + diff_id)"),
            constraint="false",
        )
    graph.edge(f"chain{i}", f"cache{i}", label=_("key") if containerd else "cache-id")
    graph.edge(f"cache{i}", f"dir{i}", label=_("names"))
    if layer.link is not None:
        _short_link(graph, layer)


def _cache_label(layer: LayerIdentity, containerd: bool) -> str:
    if containerd:
        return (
            "<<b>" + _("snapshot {number}", number=html.escape(layer.cache_id)) + "</b><br/>"
            f"{theme.small(_('a counter, in metadata.db'))}>"
        )
    return (
        f'<<b>cache-id</b><br/><font face="{theme.MONO}">{html.escape(short_name(layer.cache_id, 18))}</font>'
        f"<br/>{_GREY}" + _("the file layerdb/…/cache-id") + "</font>>"
    )


def _short_link(graph: Picture, layer: LayerIdentity) -> None:
    """overlay2's l/<short> link to the layer's diff directory (and its lower chain)."""
    i = layer.index
    lower = "<br/>lower: " + theme.label_text(layer.lower, 26) if layer.lower else ""  # a file's name
    graph.node(
        f"link{i}",
        f'<<b>l/{html.escape(layer.link or "")}</b><br/><font point-size="{theme.SMALL_SIZE}">→ '
        f"../{html.escape(short_name(layer.cache_id, 12))}/diff{lower}</font>>",
        fillcolor=theme.CACHE_MISS,
        color=theme.FIRST_MISS_EDGE,
        tooltip=f"{layer.link} -> ../{layer.cache_id}/diff",
    )
    graph.edge(f"dir{i}", f"link{i}", label="link")


def _columns(containerd: bool) -> list[tuple[str, str, str]]:
    """(node prefix, heading, how the values are made) of each column, left to right."""
    cols = [
        ("config", _("image config"), "sha256"),
        ("diff", "diff_ids", "sha256"),
        ("chain", _("chain ids"), "sha256"),
        ("cache", _("snapshot number") if containerd else "cache-ids", "made up"),
        ("dir", _("snapshot directory") if containerd else _("layer directory"), "named by it"),
    ]
    if not containerd:
        cols.append(("link", _("short link"), "made up"))
    return cols


#: How a column's values are made, as its heading says it.
KINDS = Texts({"made up": "made up", "named by it": "named by it"})


def _headings(graph: Picture, ident: ImageIdentity, containerd: bool) -> None:
    """A heading over each column, and each column kept on one rank."""
    columns = _columns(containerd)
    for key, heading, kind in columns:
        colour = theme.IMAGE_LAYER_EDGE if kind == "sha256" else theme.FIRST_MISS_EDGE
        graph.node(
            f"h_{key}",
            f'<<b>{heading}</b><br/><font color="{colour}">{KINDS.get(kind, kind)}</font>>',
            shape="plaintext",
            style="",
        )
    for left, right in zip(columns, columns[1:]):
        graph.edge(f"h_{left[0]}", f"h_{right[0]}", style="invis")
    for key, *_rest in columns:
        members = ["config"] if key == "config" else [f"{key}{x.index}" for x in ident.layers]
        with graph.subgraph() as rank:
            rank.attr(rank="same")
            for name in (f"h_{key}", *members):
                rank.node(name)
