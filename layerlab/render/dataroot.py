"""The data root as a tree: what the last command added, changed or removed stands out.

Reads a :class:`~layerlab.dataroot.DataRoot` and never changes it. The tree is cut at a
depth, and each directory shows at most a few children, so a picture stays readable after a
build that unpacked hundreds of files; a directory that hides changes says how many. Node
names come from positions in a sorted walk, never from ids or clocks, so the same data root
gives the same DOT source. One image's identities, config to directories, is :mod:`.identities`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from layerlab.dataroot import DataRoot, DataRootError, Node, RootDiff
from layerlab.i18n import N_, Texts, _, translate

from . import theme
from .picture import Picture

__all__ = ["MARKS", "TreeRow", "dataroot_tree", "short_name", "tree_picture", "tree_rows"]

#: Colours of a change; each is also spelled out in the node's label, never by colour alone.
NEW, NEW_EDGE = theme.CACHE_HIT, theme.CACHE_HIT_EDGE
CHANGED, CHANGED_EDGE = theme.CACHE_MISS, theme.CACHE_MISS_EDGE
REMOVED_EDGE = theme.WHITEOUT
DIR_FILL, FILE_FILL = "#f4f4f4", "#ffffff"
SELECTED_EDGE = "#000000"
#: The word a changed path is marked with, by its status in a :class:`RootDiff` (in the
#: learner's language when read).
MARKS = Texts({"added": "NEW", "changed": "CHANGED", "removed": "REMOVED"})
#: The legend; each meaning is marked with ``N_`` and translated when drawn.
LEGEND = [
    (NEW, NEW_EDGE, "", N_("NEW: made by the last command")),
    (CHANGED, CHANGED_EDGE, "", N_("CHANGED: content rewritten")),
    (FILE_FILL, REMOVED_EDGE, "- -", N_("REMOVED by the last command")),
    (DIR_FILL, NEW_EDGE, "", N_("folded: changes inside")),
]


def short_name(name: str, width: int = 16) -> str:
    """Long ids (64 hex characters, base32 links) cut to ``width`` characters and an
    ellipsis; a suffix such as ``-init`` or ``-json.log`` stays, other names stay whole."""
    stem, dash, suffix = name.partition("-")
    if len(stem) <= width + 2 or not stem.isalnum():
        return name
    return stem[:width] + "…" + dash + suffix


def name_lines(name: str, width: int = 26) -> list[str]:
    """A name on lines of about ``width`` characters, broken after a dot: containerd's
    plugin directories (``io.containerd.snapshotter.v1.overlayfs/``) would otherwise set
    the width of their whole column. Other names stay on one line."""
    if len(name) <= width or "." not in name:
        return [name]
    lines = [""]
    for part in re.findall(r"[^.]*\.|[^.]+$", name):
        if lines[-1] and len(lines[-1]) + len(part) > width:
            lines.append("")
        lines[-1] += part
    return lines


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


# -- which rows ----------------------------------------------------------------------------


def tree_rows(
    root: DataRoot,
    *,
    max_depth: int = 2,
    since: DataRoot | None = None,
    top: str | None = None,
    open_paths: Iterable[str] = (),
    max_children: int = 12,
    diff: RootDiff | None = None,
) -> list[TreeRow]:
    """The rows a depth-limited tree shows, in order: what the picture draws and what a list
    of directories offers. ``open_paths`` (and their parents) are listed beyond the depth;
    paths removed since ``since`` appear where they were; a directory with more than
    ``max_children`` entries keeps the changed and opened ones and folds the rest.

    ``diff`` is ``root.diff_since(since)`` when the caller has it already.
    """
    if max_depth < 1:
        raise DataRootError(_("the tree needs a depth of at least 1, got {depth}", depth=max_depth))
    if diff is None and since is not None:
        diff = root.diff_since(since)
    walk = _TreeWalk(root, since, diff, max_depth, max_children, _with_parents(root, open_paths))
    for path in [top] if top else root.roots:
        walk.visit(root.node(path), 0)
    return walk.rows


def _with_parents(root: DataRoot, paths: Iterable[str]) -> set[str]:
    """The paths (as the data root spells them) and every directory above them."""
    opened: set[str] = set()
    for path in paths:
        full = root.node(path).path if path in root else path
        while full:
            opened.add(full)
            full = full.rsplit("/", 1)[0]
    return opened


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


class _TreeWalk:
    """One depth-first walk of the data root, collecting the rows to show."""

    def __init__(self, root: DataRoot, since: DataRoot | None, diff: RootDiff | None,
                 max_depth: int, max_children: int, opened: set[str]) -> None:  # fmt: skip
        self.root, self.diff = root, diff
        self.max_depth, self.max_children, self.opened = max_depth, max_children, opened
        self.below = _changes_below(diff)
        #: removed paths by the directory that still holds their place (only the topmost
        #: removed path of a removed subtree)
        self.removed_under: dict[str, list[Node]] = {}
        if diff is not None and since is not None:
            for path in diff.removed:
                parent = path.rsplit("/", 1)[0]
                if parent in root:
                    self.removed_under.setdefault(parent, []).append(since.nodes[path])
        self.rows: list[TreeRow] = []

    def status(self, path: str) -> str | None:
        return self.diff.status(path) if self.diff is not None else None

    def visit(self, node: Node, depth: int) -> None:
        is_open = node.is_dir and (depth < self.max_depth or node.path in self.opened)
        inside = 0 if is_open else self.below.get(node.path, 0)
        self.rows.append(TreeRow(node.path, depth, node, self.status(node.path), is_open, inside))
        if not is_open:
            return
        kids = [(n, False) for n in self.root.children(node.path)]
        kids += [(n, True) for n in self.removed_under.get(node.path, [])]
        kids.sort(key=lambda k: k[0].name)
        shown = self._fold(kids)
        for kid, gone in shown:
            if gone:
                below = self.below.get(kid.path, 0)
                self.rows.append(TreeRow(kid.path, depth + 1, kid, "removed", False, below))
            else:
                self.visit(kid, depth + 1)
        if len(shown) < len(kids):
            hidden = len(kids) - len(shown)
            self.rows.append(
                TreeRow(f"{node.path}/…", depth + 1, None, None, False, 0, hidden=hidden)
            )

    def _fold(self, kids: list[tuple[Node, bool]]) -> list[tuple[Node, bool]]:
        """At most ``max_children`` of a directory's entries, in order: the removed, opened
        and changed ones first, then the others while there is room."""
        if len(kids) <= self.max_children:
            return kids

        def wanted(kid: tuple[Node, bool]) -> bool:
            n, gone = kid
            return (
                gone or n.path in self.opened or self.status(n.path) is not None
                or n.path in self.below
            )  # fmt: skip

        keep = [k for k in kids if wanted(k)]
        rest = [k for k in kids if not wanted(k)]
        room = max(self.max_children - len(keep), 0)
        chosen = {id(k) for k in keep + rest[:room]}
        return [k for k in kids if id(k) in chosen]


# -- the picture ---------------------------------------------------------------------------


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
    diff = root.diff_since(since) if since is not None else None
    rows = tree_rows(
        root,
        max_depth=max_depth,
        since=since,
        top=top,
        open_paths=[*open_paths, *([selected] if selected else [])],
        max_children=max_children,
        diff=diff,
    )
    return tree_picture(root, rows, diff=diff, top=top, selected=selected, explain=explain,
                        title=title)  # fmt: skip


def tree_picture(
    root: DataRoot,
    rows: list[TreeRow],
    *,
    diff: RootDiff | None = None,
    top: str | None = None,
    selected: str | None = None,
    explain: bool = True,
    title: str | None = None,
) -> Picture:
    """Draw the rows :func:`tree_rows` chose; ``diff`` (what changed since the snapshot
    they were chosen against) goes into the caption."""
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
    parents: list[str] = []  # node ids of the current row's ancestors, by depth
    for n, row in enumerate(rows):
        node_id = f"n{n}"
        attrs = _style(row, selected=row.node is not None and row.node.path == chosen)
        graph.node(node_id, _label(row, explain), **attrs)
        del parents[row.depth :]
        if parents:
            graph.edge(parents[-1], node_id)
        parents.append(node_id)
    legend = [(fill, edge, mark, translate(text)) for fill, edge, mark, text in LEGEND]
    graph.attr(label=theme.caption(_caption(root, top, diff, title), legend), labelloc="t", labeljust="l")
    return graph


def _caption(root: DataRoot, top: str | None, diff: RootDiff | None, title: str | None) -> list[str]:
    """``title`` (default: what is shown, in which store), then what the last command did,
    as lines of HTML."""
    if not title:
        shown = _(" and ").join([top] if top else root.roots)
        store = (
            _("classic image store, overlay2") if root.store == "overlay2" else _("containerd image store")
        )
        title = f"{shown} · {store}"
    lines = [f"<b>{html.escape(title)}</b>"]
    if diff is not None:
        lines.append(theme.wrapped(_("since the last command: {summary}", summary=diff.summary()), 90, max_lines=2))
    return lines


def _style(row: TreeRow, *, selected: bool) -> dict[str, str]:
    """A node's fill and border: by what the last command did to it, or what it is."""
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
    if selected:
        attrs.update(color=SELECTED_EDGE, penwidth="3")
    return attrs


def _label(row: TreeRow, explain: bool) -> str:
    if row.node is None:
        return f'<<i><font color="{theme.MUTED}">{_("… {n} more", n=row.hidden)}</font></i>>'
    node = row.node
    name = node.path if row.depth == 0 else node.name
    name = short_name(name, 30 if row.depth == 0 else 14) + ("/" if node.is_dir else "")
    text = f"<b>{'<br/>'.join(html.escape(line) for line in name_lines(name))}</b>"
    if node.kind == "symlink":
        text += f"<br/>→ {theme.label_text(node.content or '', 24)}"
    if row.status:
        colour = {"added": NEW_EDGE, "changed": CHANGED_EDGE, "removed": REMOVED_EDGE}[row.status]
        text += f' <font color="{colour}"><b>{MARKS[row.status]}</b></font>'
    if row.changes_inside:
        inside = theme.count(row.changes_inside, N_("{n} change inside"), N_("{n} changes inside"))
        text += f'<br/><font color="{NEW_EDGE}">{inside}</font>'
    if explain:
        text += f"<br/>{theme.small(theme.wrapped(node.explanation, 26, max_lines=3), theme.MUTED)}"
    content = node.content
    if node.kind == "file" and content and "\n" not in content.strip() and len(content) <= 90:
        text += f'<br/><font face="{theme.MONO}" point-size="{theme.SMALL_SIZE}">= {theme.label_text(content, 26)}</font>'
    return f"<{text}>"
