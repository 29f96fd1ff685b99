"""Data as HTML tables (text left, numbers right, selectable), never as pictures of tables.

JupyterLab right-aligns every table cell by default; each cell here says its alignment in
its own ``style``, which also survives the sanitiser of a notebook that is not trusted yet.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from .theme import columns as text_columns

__all__ = ["Column", "Table", "html_table", "text_table"]

_CELL = "padding:2px 8px;vertical-align:top;border-bottom:1px solid #dddddd"


@dataclass(frozen=True)
class Column:
    """A column's heading, and whether it holds numbers (right-aligned)."""

    heading: str
    numeric: bool = False

    @property
    def align(self) -> str:
        return "right" if self.numeric else "left"


def html_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], *, css_class: str,
               caption: str = "") -> str:  # fmt: skip
    """A table of already-escaped HTML cells; ``caption`` (plain text) above it."""
    head = "".join(
        f"<th style='text-align:{c.align};{_CELL}'>{html.escape(c.heading)}</th>" for c in columns
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td style='text-align:{c.align};{_CELL}'>{cell}</td>" for c, cell in zip(columns, row))
        + "</tr>"
        for row in rows
    )
    title = (
        f"<caption style='text-align:left;font-weight:bold;padding:4px 0'>{html.escape(caption)}</caption>"
        if caption
        else ""
    )
    return (
        f"<table class='{css_class}' style='border-collapse:collapse;margin:0 0 1em 0;font-size:13px'>"
        f"{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def text_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> str:
    """The same table as plain text, padded columns (numbers right-aligned; a wide character,
    Hangul or CJK, takes two columns of a terminal)."""
    widths = [max([text_columns(c.heading), *(text_columns(r[i]) for r in rows)]) for i, c in enumerate(columns)]

    def pad(cell: str, width: int, right: bool) -> str:
        room = " " * (width - text_columns(cell))
        return room + cell if right else cell + room

    def line(cells: Sequence[str]) -> str:
        return "  ".join(pad(cell, w, c.numeric) for c, cell, w in zip(columns, cells, widths)).rstrip()

    return "\n".join([line([c.heading for c in columns]), *(line(r) for r in rows)])


@dataclass(frozen=True)
class Table:
    """Plain-text cells a notebook shows as an HTML table and a terminal (or ``print``) as
    padded text: a cell's last line never shows a Python repr of the rows."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""

    def _repr_html_(self) -> str:
        cells = [[html.escape(cell) for cell in row] for row in self.rows]
        return html_table(self.columns, cells, css_class="layerlab-table", caption=self.caption)

    def __str__(self) -> str:
        text = text_table(self.columns, self.rows)
        return f"{self.caption}\n{text}" if self.caption else text

    __repr__ = __str__
