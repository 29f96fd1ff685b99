"""One visual language for every picture in the course: colours, legends, label text."""

from __future__ import annotations

import html

import graphviz

FONT = "Helvetica,Arial,sans-serif"
IMAGE_LAYER = "#cfe2f3"  # read-only, shared: cool blue
IMAGE_LAYER_EDGE = "#3d85c6"
EMPTY_STEP = "#ffffff"
EMPTY_STEP_EDGE = "#999999"
CONTAINER_LAYER = "#fce5cd"  # read-write, private: warm orange
CONTAINER_LAYER_EDGE = "#e69138"
INIT_LAYER = "#fff2cc"  # Docker's own small layer under the RW layer: pale yellow
INIT_LAYER_EDGE = "#bf9000"
MOUNT = "#d9ead3"  # volumes and bind mounts, outside the layers: green
MOUNT_EDGE = "#38761d"
MARK_EDGE = "#d55e00"  # the box a picture points at
PANEL_EDGE = "#bbbbbb"  # the frame of a legend, a panel or a table
WHITEOUT = "#cc0000"
ADDED = "#38761d"
MUTED = "#666666"

GRAPH_ATTR = {"fontname": FONT, "bgcolor": "transparent", "nodesep": "0.15", "ranksep": "0.12"}
NODE_ATTR = {"fontname": FONT, "fontsize": "11", "shape": "box", "style": "rounded,filled", "margin": "0.15,0.06"}

# -- reuse pictures (shared layers, build cache) -------------------------------------------
# Okabe-Ito hues (safe for the common colour-vision deficiencies) as borders, with light
# tints as fills; every state is also spelled out in the label, never by colour alone.
SHARED = "#cfe2f3"  # a layer several images hold: the image-layer blue
SHARED_EDGE = "#0072b2"
UNIQUE = "#f3dbe8"  # held by one image only: reddish purple tint
UNIQUE_EDGE = "#cc79a7"
CACHE_HIT = "#cdeee3"  # CACHED: bluish green
CACHE_HIT_EDGE = "#009e73"
CACHE_MISS = "#fbe3cc"  # built again: orange
CACHE_MISS_EDGE = "#e69f00"
FIRST_MISS = "#f6cdb5"  # where the cache broke: vermillion, thick border
FIRST_MISS_EDGE = "#d55e00"
BASE = "#eeeeee"
BASE_EDGE = "#666666"
IMAGE_NODE = "#ffffff"


def legend_table(items: list[tuple[str, str, str, str]]) -> str:
    """An HTML-like table (swatch + text per row) for a plaintext legend node.

    ``items``: (fill, border, style word shown in the swatch, meaning).
    """
    rows = "".join(
        f'<tr><td bgcolor="{fill}" color="{edge}" border="1" width="28">{mark}</td>'
        f'<td align="left">{text}</td></tr>'
        for fill, edge, mark, text in items
    )
    return f'<<table border="0" cellborder="0" cellspacing="3" cellpadding="2">{rows}</table>>'


def add_legend(graph: graphviz.Digraph, items: list[tuple[str, str, str, str]]) -> None:
    """A small 'legend' cluster with one table node, so every picture explains its colours."""
    with graph.subgraph(name="cluster_legend") as legend:
        legend.attr(label="legend", fontsize="10", fontcolor=MUTED, color=PANEL_EDGE, style="rounded")
        legend.node("legend", legend_table(items), shape="plaintext", style="", fontsize="10")


# -- label text ----------------------------------------------------------------------------


def clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters: white space folded, an ellipsis where cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def label_text(text: str, width: int = 46) -> str:
    """``text`` clipped to ``width`` characters and escaped, ready for an HTML-like label."""
    return html.escape(clip(text, width))


def count(n: int, word: str, plural: str | None = None) -> str:
    """``1 layer``, ``2 layers``; ``plural`` for a word that does not just take an s."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def step_text(created_by: str) -> str:
    """History text as the Dockerfile said it: BuildKit's ``RUN /bin/sh -c x # buildkit`` -> ``RUN x``."""
    text = created_by.removesuffix(" # buildkit")
    text = text.replace("/bin/sh -c #(nop) ", "").replace("RUN /bin/sh -c ", "RUN ")
    return " ".join(text.split())
