"""Pictures of the data root: its tree (what the last command changed stands out) and one
image's identities, from the config's diff_ids to the directories on disk.

Both read a :class:`~layerlab.dataroot.DataRoot` and never change it. The tree is cut at a
depth, and each directory shows at most a few children, so a picture stays readable after a
build that unpacked hundreds of files; a directory that hides changes says how many. Node
names come from positions in a sorted walk, never from ids or clocks, so the same data root
gives the same DOT source.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from layerlab.dataroot import DataRoot, DataRootError, Node, RootDiff

from . import theme
from .picture import Picture

if TYPE_CHECKING:
    from layerlab.engine.host import Host

__all__ = ["TreeRow", "dataroot_tree", "identities", "short_name", "tree_rows"]

#: Colours of a change; each is also spelled out in the node's label, never by colour alone.
NEW, NEW_EDGE = theme.CACHE_HIT, theme.CACHE_HIT_EDGE
CHANGED, CHANGED_EDGE = theme.CACHE_MISS, theme.CACHE_MISS_EDGE
REMOVED_EDGE = theme.WHITEOUT
DIR_FILL, FILE_FILL = "#f4f4f4", "#ffffff"
SELECTED_EDGE = "#000000"
MARKS = {"added": "NEW", "changed": "CHANGED", "removed": "REMOVED"}


def short_name(name: str, width: int = 16) -> str:
    """Long ids (64 hex characters, base32 links) cut to ``width`` characters and an
    ellipsis; a suffix such as ``-init`` or ``-json.log`` stays, other names stay whole."""
    stem, dash, suffix = name.partition("-")
    if len(stem) <= width + 2 or not stem.isalnum():
        return name
    return stem[:width] + "…" + dash + suffix


@dataclass(frozen=True)
class TreeRow:
    """One line of the depth-limited tree: a node, a removed path (``node`` from the older
    snapshot), or a ``… N more`` placeholder (``node`` None, ``hidden`` > 0)."""

    path: str
    depth: int
    node: Node | None
    status: str | None  # "added", "changed", "removed" or None
    open: bool  # its children are listed below it
    changes_inside: int  # changed paths below it that the tree does not list
    hidden: int = 0  # for a placeholder: how many siblings it stands for


def _changes_below(diff: RootDiff | None) -> dict[str, int]:
    """For every directory, how many added, changed or removed paths lie below it."""
    counts: dict[str, int] = {}
    if diff is None:
        return counts
    for path in (*diff.added, *diff.changed, *diff.removed):
        parent = path.rsplit("/", 1)[0]
        while parent:
            counts[parent] = counts.get(parent, 0) + 1
            parent = parent.rsplit("/", 1)[0]
    return counts


def tree_rows(
    root: DataRoot,
    *,
    max_depth: int = 2,
    since: DataRoot | None = None,
    top: str | None = None,
    open_paths: Iterable[str] = (),
    max_children: int = 12,
) -> list[TreeRow]:
    """The rows a depth-limited tree shows, in order: what the picture draws and what a list
    of directories offers. ``open_paths`` (and their parents) are listed beyond the depth;
    paths removed since ``since`` appear where they were; a directory with more than
    ``max_children`` entries keeps the changed and opened ones and folds the rest."""
    if max_depth < 1:
        raise DataRootError(f"the tree needs a depth of at least 1, got {max_depth}")
    diff = root.diff_since(since) if since is not None else None
    below = _changes_below(diff)
    opened: set[str] = set()
    for path in open_paths:
        full = root.node(path).path if path in root else path
        while full:
            opened.add(full)
            full = full.rsplit("/", 1)[0]
    removed_under: dict[str, list[Node]] = {}
    if diff is not None and since is not None:
        for path in diff.removed:
            parent = path.rsplit("/", 1)[0]
            if parent in root:  # only the topmost removed path of a removed subtree
                removed_under.setdefault(parent, []).append(since.nodes[path])
    rows: list[TreeRow] = []

    def status(path: str) -> str | None:
        return diff.status(path) if diff is not None else None

    def walk(node: Node, depth: int) -> None:
        is_open = node.is_dir and (depth < max_depth or node.path in opened)
        inside = 0 if is_open else below.get(node.path, 0)
        rows.append(TreeRow(node.path, depth, node, status(node.path), is_open, inside))
        if not is_open:
            return
        kids = [(n, False) for n in root.children(node.path)]
        kids += [(n, True) for n in removed_under.get(node.path, [])]
        kids.sort(key=lambda k: k[0].name)
        shown = kids
        if len(kids) > max_children:

            def keep(kid: tuple[Node, bool]) -> bool:
                n, gone = kid
                return gone or n.path in opened or status(n.path) is not None or n.path in below

            wanted = [k for k in kids if keep(k)]
            rest = [k for k in kids if not keep(k)]
            room = max(max_children - len(wanted), 0)
            chosen = {id(k) for k in wanted + rest[:room]}
            shown = [k for k in kids if id(k) in chosen]
        for kid, gone in shown:
            if gone:
                rows.append(
                    TreeRow(kid.path, depth + 1, kid, "removed", False, below.get(kid.path, 0))
                )
            else:
                walk(kid, depth + 1)
        if len(shown) < len(kids):
            rows.append(
                TreeRow(
                    f"{node.path}/…", depth + 1, None, None, False, 0, hidden=len(kids) - len(shown)
                )
            )

    tops = [top] if top else list(root.roots)
    for path in tops:
        walk(root.node(path), 0)
    return rows


def _label(row: TreeRow, explain: bool) -> str:
    if row.node is None:
        return f'<<i><font color="{theme.MUTED}">… {row.hidden} more</font></i>>'
    node = row.node
    name = node.path if row.depth == 0 else node.name
    name = short_name(name, 40 if row.depth == 0 else 16)
    text = f"<b>{html.escape(name)}{'/' if node.is_dir else ''}</b>"
    if node.kind == "symlink":
        text += f" → {html.escape(theme.clip(node.content or '', 34))}"
    if row.status:
        colour = {"added": NEW_EDGE, "changed": CHANGED_EDGE, "removed": REMOVED_EDGE}[row.status]
        text += f' <font color="{colour}"><b>{MARKS[row.status]}</b></font>'
    if row.changes_inside:
        text += f'<br/><font color="{NEW_EDGE}">{theme.count(row.changes_inside, "change")} inside</font>'
    if explain:
        text += f'<br/><font point-size="9" color="{theme.MUTED}">{html.escape(theme.clip(node.explanation, 52))}</font>'
    content = node.content
    if node.kind == "file" and content and "\n" not in content.strip() and len(content) <= 90:
        text += f'<br/><font face="monospace" point-size="9">= {html.escape(theme.clip(content, 44))}</font>'
    return f"<{text}>"


def dataroot_tree(
    root: DataRoot,
    *,
    max_depth: int = 2,
    since: DataRoot | None = None,
    top: str | None = None,
    open_paths: Iterable[str] = (),
    selected: str | None = None,
    max_children: int = 12,
    explain: bool = True,
    title: str | None = None,
) -> Picture:
    """The data root as a tree, ``max_depth`` levels deep, each node with what it holds.

    With ``since`` (the snapshot before the last command) new and changed paths are
    filled, removed ones drawn dashed where they were, and a folded directory says how many
    changes it hides: the picture answers "what did that command do on disk?".
    """
    opened = [*open_paths, *([selected] if selected else [])]
    rows = tree_rows(
        root,
        max_depth=max_depth,
        since=since,
        top=top,
        open_paths=opened,
        max_children=max_children,
    )
    graph = Picture(
        "dataroot",
        graph_attr={
            **theme.GRAPH_ATTR,
            "rankdir": "LR",
            "ranksep": "0.3",
            "nodesep": "0.06",
            "ordering": "out",
        },
        node_attr={**theme.NODE_ATTR, "fontsize": "10"},
        edge_attr={"color": theme.MUTED, "arrowhead": "none"},
    )
    chosen = root.node(selected).path if selected and selected in root else None
    stack: list[str] = []  # node ids of the current ancestors, by depth
    for n, row in enumerate(rows):
        node_id = f"n{n}"
        attrs: dict[str, str] = {"tooltip": row.path}
        if row.node is None:
            attrs.update(style="rounded,dashed", fillcolor=FILE_FILL, color=theme.EMPTY_STEP_EDGE)
        elif row.status == "removed":
            attrs.update(style="rounded,dashed", fillcolor=FILE_FILL, color=REMOVED_EDGE)
        elif row.status == "added":
            attrs.update(fillcolor=NEW, color=NEW_EDGE, penwidth="2")
        elif row.status == "changed":
            attrs.update(fillcolor=CHANGED, color=CHANGED_EDGE, penwidth="2")
        else:
            fill = DIR_FILL if row.node.is_dir else FILE_FILL
            edge = NEW_EDGE if row.changes_inside else theme.EMPTY_STEP_EDGE
            attrs.update(fillcolor=fill, color=edge)
        if row.node is not None and row.node.path == chosen:
            attrs.update(color=SELECTED_EDGE, penwidth="3")
        graph.node(node_id, _label(row, explain), **attrs)
        del stack[row.depth :]
        if stack:
            graph.edge(stack[-1], node_id)
        stack.append(node_id)
    shown = " and ".join([top] if top else root.roots)
    store = (
        "classic image store, overlay2" if root.store == "overlay2" else "containerd image store"
    )
    caption = title or f"{shown} · {store}"
    if since is not None:
        caption += f" · since the last command: {root.diff_since(since).summary()}"
    graph.attr(label=caption, labelloc="t", labeljust="l", fontsize="12")
    theme.add_legend(
        graph,
        [
            (NEW, NEW_EDGE, "", "NEW: made by the last command"),
            (CHANGED, CHANGED_EDGE, "", "CHANGED: content rewritten"),
            (FILE_FILL, REMOVED_EDGE, "- -", "REMOVED by the last command"),
            (DIR_FILL, NEW_EDGE, "", "folded: changes inside"),
        ],
    )
    return graph


# -- identities -----------------------------------------------------------------------------


def _digest(value: str) -> str:
    return html.escape(value[:19] + "…")


def _source(source: DataRoot | Host, store: str) -> DataRoot:
    if isinstance(source, DataRoot):
        return source
    return DataRoot.from_host(source, store)


def identities(source: DataRoot | Host, image_ref: str, *, store: str = "overlay2") -> Picture:
    """One image from its config to its directories: config -> diff_ids -> chain ids ->
    cache-ids -> layer directories (and overlay2's short links), one row per layer.

    The first two columns are computed from content (sha256), the last ones are names the
    daemon made up: that is why a directory's name says nothing about what it holds.
    ``source`` is a data root or a host (then ``store`` picks the image store).
    """
    root = _source(source, store)
    ident = root.identity(image_ref)
    containerd = root.store == "containerd"
    graph = Picture(
        "identities",
        graph_attr={**theme.GRAPH_ATTR, "rankdir": "LR", "ranksep": "0.35", "nodesep": "0.12"},
        node_attr={**theme.NODE_ATTR, "fontsize": "10"},
        edge_attr={"color": theme.MUTED, "fontsize": "9", "fontname": theme.FONT},
    )
    columns = _columns(containerd)
    tags = ", ".join(ident.tags) or "no tag"
    id_kind = "manifest digest" if containerd else "sha256 of the config"
    graph.node(
        "config",
        f"<<b>{html.escape(tags)}</b><br/>image id ({id_kind})<br/>"
        f'<font face="monospace">{_digest(ident.image_id)}</font><br/>'
        f'<font point-size="9" color="{theme.MUTED}">config: …/{html.escape(short_name(_tail(ident.config_path, 1), 12))}</font>>',
        fillcolor=theme.IMAGE_NODE,
        color=theme.IMAGE_LAYER_EDGE,
        tooltip=ident.image_id,
    )
    previous_chain: str | None = None
    for layer in ident.layers:
        i = layer.index
        graph.node(
            f"diff{i}",
            f'<<b>diff_id [{i}]</b><br/><font face="monospace">{_digest(layer.diff_id)}</font><br/>'
            f'<font point-size="9" color="{theme.MUTED}">sha256 of layer {i}\'s tar</font>>',
            fillcolor=theme.IMAGE_LAYER,
            color=theme.IMAGE_LAYER_EDGE,
            tooltip=layer.diff_id,
        )
        where = "snapshot key" if containerd else "layerdb/sha256/"
        graph.node(
            f"chain{i}",
            f'<<b>chain id [{i}]</b><br/><font face="monospace">{_digest(layer.chain_id)}</font><br/>'
            f'<font point-size="9" color="{theme.MUTED}">{where}{"" if containerd else "&lt;chain id&gt;/"}</font>>',
            fillcolor=theme.IMAGE_LAYER,
            color=theme.IMAGE_LAYER_EDGE,
            tooltip=layer.chain_id,
        )
        if containerd:
            cache_label = f"<<b>snapshot {html.escape(layer.cache_id)}</b><br/><font point-size='9'>a counter, in metadata.db</font>>"
        else:
            cache_label = (
                f'<<b>cache-id</b><br/><font face="monospace">{html.escape(short_name(layer.cache_id, 25))}</font>'
                f'<br/><font point-size="9" color="{theme.MUTED}">the file layerdb/…/cache-id</font>>'
            )
        graph.node(
            f"cache{i}",
            cache_label,
            fillcolor=theme.CACHE_MISS,
            color=theme.FIRST_MISS_EDGE,
            tooltip=layer.cache_id,
        )
        graph.node(
            f"dir{i}",
            f"<<b>{html.escape(short_name(_tail(layer.directory, 2), 34))}/</b><br/>"
            f'<font point-size="9">{"fs/ work/" if containerd else "diff/ link" + (" lower work/" if layer.lower else "")}'
            f" · {layer.size:,} B</font>>",
            fillcolor=DIR_FILL,
            color=theme.EMPTY_STEP_EDGE,
            tooltip=layer.directory,
        )
        graph.edge("config", f"diff{i}", label=f"rootfs.diff_ids[{i}]")
        graph.edge(f"diff{i}", f"chain{i}", label="= diff_id" if i == 0 else "")
        if previous_chain is not None:
            graph.edge(
                previous_chain,
                f"chain{i}",
                style="dashed",
                label="sha256(parent + ' ' + diff_id)",
                constraint="false",
            )
        previous_chain = f"chain{i}"
        graph.edge(f"chain{i}", f"cache{i}", label="key" if containerd else "cache-id")
        graph.edge(f"cache{i}", f"dir{i}", label="names")
        if layer.link is not None:
            graph.node(
                f"link{i}",
                f'<<b>l/{html.escape(layer.link)}</b><br/><font point-size="9">→ ../{html.escape(short_name(layer.cache_id, 12))}/diff'
                f"{'<br/>lower: ' + html.escape(theme.clip(layer.lower, 34)) if layer.lower else ''}</font>>",
                fillcolor=theme.CACHE_MISS,
                color=theme.FIRST_MISS_EDGE,
                tooltip=f"{layer.link} -> ../{layer.cache_id}/diff",
            )
            graph.edge(f"dir{i}", f"link{i}", label="link")
    for key, heading, kind in columns:
        colour = theme.IMAGE_LAYER_EDGE if kind == "sha256" else theme.FIRST_MISS_EDGE
        graph.node(
            f"h_{key}",
            f'<<b>{heading}</b><br/><font color="{colour}">{kind}</font>>',
            shape="plaintext",
            style="",
        )
    for left, right in zip(columns, columns[1:]):
        graph.edge(f"h_{left[0]}", f"h_{right[0]}", style="invis")
    for key, *_ in columns:  # each column one rank, its heading on top
        members = ["config"] if key == "config" else [f"{key}{x.index}" for x in ident.layers]
        with graph.subgraph() as rank:
            rank.attr(rank="same")
            for name in (f"h_{key}", *members):
                rank.node(name)
    graph.attr(
        label=(
            "chain id [0] = diff_id [0]; chain id [n] = sha256(chain id [n-1] + ' ' + diff_id [n]) "
            "over the full 'sha256:…' strings · blue: computed from content, orange: made up by the daemon"
        ),
        labelloc="b",
        fontsize="11",
    )
    return graph


def _columns(containerd: bool) -> list[tuple[str, str, str]]:
    cols = [
        ("config", "image config", "sha256"),
        ("diff", "diff_ids", "sha256"),
        ("chain", "chain ids", "sha256"),
        ("cache", "snapshot number" if containerd else "cache-ids", "made up"),
        ("dir", "snapshot directory" if containerd else "layer directory", "named by it"),
    ]
    if not containerd:
        cols.append(("link", "short link", "made up"))
    return cols


def _tail(path: str, parts: int = 3) -> str:
    return "/".join(path.split("/")[-parts:])
