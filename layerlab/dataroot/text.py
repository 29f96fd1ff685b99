"""The data root as ``tree -L N`` prints it (names sorted, ``name -> target`` for links)."""

from __future__ import annotations

from collections.abc import Callable

from .node import Node


def tree_text(
    top: Node, children: Callable[[str], list[Node]], max_depth: int | None = None
) -> str:
    lines = [top.path]
    counts = [0, 0]  # directories, files

    def walk(path: str, prefix: str, depth: int) -> None:
        kids = children(path)
        for i, node in enumerate(kids):
            last = i == len(kids) - 1
            name = f"{node.name} -> {node.content}" if node.kind == "symlink" else node.name
            lines.append(f"{prefix}{'└── ' if last else '├── '}{name}")
            counts[0 if node.is_dir or _links_to_dir(node) else 1] += 1
            if node.is_dir and (max_depth is None or depth < max_depth):
                walk(node.path, prefix + ("    " if last else "│   "), depth + 1)

    walk(top.path, "", 1)
    d, f = counts
    lines += ["", f"{d} director{'y' if d == 1 else 'ies'}, {f} file{'' if f == 1 else 's'}"]
    return "\n".join(lines)


def _links_to_dir(node: Node) -> bool:
    """tree counts a symlink to a directory (overlay2/l/*) as a directory."""
    return node.kind == "symlink" and (node.content or "").endswith("/diff")
