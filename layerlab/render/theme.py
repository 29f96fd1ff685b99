"""One visual language for every picture in the course: fonts, colours, legends, label text.

Why one font family, named first: ``dot`` measures every label with the first family it
finds and writes each run of text at the position those widths give, and the browser draws
it in the first family *it* finds. DejaVu Sans (and DejaVu Sans Mono) is what Debian's
graphviz pulls in (through fontconfig), what Chromium on the same machine draws with, and
what conda-forge's ``dot`` finds in ``/usr/share/fonts``; Verdana (macOS, Windows) has
close widths for a browser without it. DejaVu has no Hangul: NanumGothic (Debian's and
Ubuntu's ``fonts-nanum``, Binder's ``apt.txt``) comes next, and both ``dot`` (pango) and the
browser take each glyph from the first family in the list that has it, so the Korean track's
labels are measured and drawn in the same font.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence

from layerlab.i18n import N_, translate

FONT = "DejaVu Sans,NanumGothic,Verdana,sans-serif"
MONO = "DejaVu Sans Mono,NanumGothicCoding,Menlo,Consolas,monospace"
#: Text sizes in points (1 pt = 4/3 px at 100 %): body text, titles, and the smallest text
#: any picture has (sub-labels, edge labels, legends): 10 pt is 13.3 px.
TEXT_SIZE = "11"
TITLE_SIZE = "12"
SMALL_SIZE = "10"
#: How wide a picture may be drawn, in points: a notebook column at 1280 px with
#: JupyterLab's file browser open is about 848 px (636 pt); wider pictures are scaled down.
MAX_WIDTH_PT = 630
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

GRAPH_ATTR = {"fontname": FONT, "fontsize": TITLE_SIZE, "bgcolor": "transparent", "nodesep": "0.15",
              "ranksep": "0.12"}  # fmt: skip
NODE_ATTR = {"fontname": FONT, "fontsize": TEXT_SIZE, "shape": "box", "style": "rounded,filled",
             "margin": "0.15,0.06"}  # fmt: skip
#: Edge labels in the same family as everything else (graphviz's default is Times).
EDGE_ATTR = {"fontname": FONT, "fontsize": SMALL_SIZE, "fontcolor": MUTED}
#: A cluster's label (a panel's or the legend's title).
PANEL_ATTR = {"fontname": FONT, "fontsize": SMALL_SIZE, "style": "rounded", "color": PANEL_EDGE}

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


LegendItem = tuple[str, str, str, str]  # (fill, border, word shown in the swatch, meaning)


def _legend_rows(items: Sequence[LegendItem], per_row: int) -> str:
    """Swatch and meaning, ``per_row`` items a row, at the smallest text size."""
    rows = []
    for at in range(0, len(items), per_row):
        cells = "".join(
            f'<td bgcolor="{fill}" color="{edge}" border="1" width="28">{small(mark) if mark else ""}</td>'
            f'<td align="left">{small(html.escape(text))}</td><td width="10"></td>'
            for fill, edge, mark, text in items[at : at + per_row]
        )
        rows.append(f"<tr>{cells}</tr>")
    return "".join(rows)


def _key_rows(terms: Sequence[tuple[str, str]], span: int) -> str:
    """``what the names mean``, then each term (monospace) and its meaning."""
    if not terms:
        return ""
    head = f'<tr><td colspan="{span}" align="left"><b>{small(html.escape(translate(KEY_TITLE)))}</b></td></tr>'
    return head + "".join(
        f'<tr><td align="left" valign="top">{small(mono(html.escape(term)))}</td>'
        f'<td colspan="{span - 1}" align="left" balign="left">{small(html.escape(meaning))}</td></tr>'
        for term, meaning in terms
    )


def caption(lines: Sequence[str], items: Sequence[LegendItem] = (), *, per_row: int = 2,
            terms: Sequence[tuple[str, str]] = ()) -> str:  # fmt: skip
    """A graph label: ``lines`` (HTML, left-aligned), the legend (``per_row`` swatches a
    row), then what the picture's names mean. As the graph's label it sits above or below
    the picture, never beside it, so it adds no width and is in view wherever the picture is."""
    span = 3 * per_row
    rows = "".join(f'<tr><td colspan="{span}" align="left" balign="left">{line}</td></tr>' for line in lines)
    table = '<table border="0" cellborder="0" cellspacing="2" cellpadding="1">'
    return f"<{table}{rows}{_legend_rows(items, per_row)}{_key_rows(terms, span)}</table>>"


KEY_TITLE = N_("what the names mean")

# -- label text ----------------------------------------------------------------------------


def mono(text: str) -> str:
    """``text`` (already escaped) in the monospace family, for paths, ids and commands."""
    return f'<font face="{MONO}">{text}</font>'


def small(text: str, colour: str = "") -> str:
    """``text`` (already escaped) at the smallest size, in ``colour`` if given."""
    tint = f' color="{colour}"' if colour else ""
    return f'<font point-size="{SMALL_SIZE}"{tint}>{text}</font>'


def columns(text: str) -> int:
    """How many columns ``text`` takes: a wide character (Hangul, CJK) counts as two, as it
    is drawn about twice as wide as a Latin letter; for ASCII text, its length."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0x1000 and unicodedata.east_asian_width(ch) in "WF")


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` columns (a longer word
    keeps a line of its own): HTML-like labels do not wrap by themselves."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and columns(line) + 1 + columns(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def wrapped(text: str, width: int, *, max_lines: int = 3) -> str:
    """``text`` escaped and wrapped for an HTML-like label (``<br/>`` between lines), at
    most ``max_lines`` lines, the last one clipped with an ellipsis if there is more."""
    lines = wrap(" ".join(text.split()), width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], clip(" ".join(lines[max_lines - 1 :]), width)]
    return "<br/>".join(html.escape(line) for line in lines)


def clip(text: str, width: int) -> str:
    """One line of at most ``width`` columns: white space folded, an ellipsis where cut."""
    text = " ".join(text.split())
    if columns(text) <= width:
        return text
    cut = text[: width - 1]
    while columns(cut) > width - 1:
        cut = cut[:-1]
    return cut + "…"


def label_text(text: str, width: int = 46) -> str:
    """``text`` clipped to ``width`` characters and escaped, ready for an HTML-like label."""
    return html.escape(clip(text, width))


def count(n: int, one: str, many: str) -> str:
    """``1 layer``, ``2 layers``: ``one`` or ``many`` (marked with ``N_``, ``{n}`` in it),
    translated and filled; a language without plurals gives both the same translation."""
    return translate(one if n == 1 else many).format(n=n)


def step_text(created_by: str) -> str:
    """History text as the Dockerfile said it: BuildKit's ``RUN /bin/sh -c x # buildkit`` -> ``RUN x``."""
    text = created_by.removesuffix(" # buildkit")
    text = text.replace("/bin/sh -c #(nop) ", "").replace("RUN /bin/sh -c ", "RUN ")
    return " ".join(text.split())
