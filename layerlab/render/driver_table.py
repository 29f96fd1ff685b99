"""Storage drivers side by side, as HTML tables: one row per driver, so the table reads down
the drivers and fits a notebook column, and its text can be selected and copied.

Three tables instead of one wide one: what copy-on-write costs, what each driver needs, and
its status in each Engine release. Every byte count comes from the driver's own model
(:func:`.drivers.driver_facts`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from layerlab.drivers import StorageDriver
from layerlab.i18n import N_, Texts, _, translate

from . import theme
from .drivers import COW_EDGE, COW_FILL, ENGINE_VERSIONS, chosen_drivers, driver_facts
from .tables import Column, html_table, text_table

__all__ = ["DriverTable", "drivers_side_by_side"]

_BOX = "layerlab-drivers"
#: The three tables: (caption, the facts each shows); the Engine releases are the third.
COSTS = (N_("What copy-on-write costs (a 2 MiB base image with one 1 GiB file)"),
         ("cow", "first_write", "layer", "container"))  # fmt: skip
NEEDS = (N_("What each driver needs, and where it stands"), ("limit", "page_cache", "backing", "status"))
RELEASES = N_("Status in each Engine release")
#: Shorter headings than the facts' full names, the full name in the caption or legend.
HEADINGS = Texts({
    "cow": "copy-on-write unit",
    "first_write": "first write: append 1 B to the 1 GiB file",
    "layer": "the layer adding the 1 GiB file",
    "container": "a new container",
    "limit": "layer limit",
    "page_cache": "page cache shared",
    "backing": "backing filesystem",
    "status": "status",
})
NUMERIC = {"first_write", "layer", "container"}
LEGEND = N_("Colour of a driver's name: orange per-file copy-on-write, green per-block, red none (full copies).")
TEXT_TITLE = N_("storage drivers side by side")


def _name_cell(driver: StorageDriver) -> str:
    """The driver's name on its copy-on-write colour (the unit is also in a column)."""
    return (
        f"<span style='background:{COW_FILL[driver.cow_unit]};border:1px solid {COW_EDGE[driver.cow_unit]};"
        f"padding:0 4px;border-radius:3px;font-weight:bold'>{html.escape(driver.name)}</span>"
    )


def _cell(key: str, value: str) -> str:
    """A fact as HTML; exact byte counts keep their digits together, the binary size below."""
    if key in NUMERIC and " (" in value:
        exact, readable = value.split(" (", 1)
        return f"<span style='white-space:nowrap'>{html.escape(exact)}</span><br/>({html.escape(readable)}"
    muted = value in (_("removed"), _("not yet"))
    text = html.escape(value)
    return f"<span style='color:{theme.MUTED}'>{text}</span>" if muted else text


class DriverTable:
    """The drivers' facts; shows as three HTML tables in Jupyter, as text elsewhere."""

    def __init__(self, drivers: list[StorageDriver]) -> None:
        self.drivers = drivers
        #: driver name -> fact key (:data:`FACTS`, then ``Engine <version>``) -> text
        self.facts = {d.name: driver_facts(d) for d in drivers}

    def _tables(self) -> list[tuple[str, list[Column], list[str], list[list[str]]]]:
        """(caption, columns, fact keys, rows of plain text) of each table."""
        out = []
        for caption, keys in (COSTS, NEEDS):
            columns = [Column(_("driver")), *(Column(HEADINGS[k], k in NUMERIC) for k in keys)]
            rows = [[d.name, *(self.facts[d.name][k] for k in keys)] for d in self.drivers]
            out.append((translate(caption), columns, list(keys), rows))
        keys = [f"Engine {v}" for v in ENGINE_VERSIONS]
        columns = [Column(_("driver")), *(Column(v) for v in ENGINE_VERSIONS)]
        rows = [[d.name, *(self.facts[d.name][k] for k in keys)] for d in self.drivers]
        out.append((translate(RELEASES), columns, keys, rows))
        return out

    def to_html(self) -> str:
        parts = []
        for caption, columns, keys, rows in self._tables():
            cells = [
                [_name_cell(d), *(_cell(k, v) for k, v in zip(keys, row[1:]))]
                for d, row in zip(self.drivers, rows)
            ]
            parts.append(html_table(columns, cells, css_class=f"{_BOX}-table", caption=caption))
        legend = f"<p style='margin:0;color:{theme.MUTED}'>{html.escape(translate(LEGEND))}</p>"
        return f"<div class='{_BOX}'>{''.join(parts)}{legend}</div>"

    def to_text(self) -> str:
        blocks = [translate(TEXT_TITLE)]
        for caption, columns, _keys, rows in self._tables():
            blocks.append(f"{caption}\n{text_table(columns, rows)}")
        return "\n\n".join(blocks)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": self.to_text()}


def drivers_side_by_side(drivers: Iterable[str | StorageDriver] | None = None) -> DriverTable:
    """Every driver (or those named), one row each, in three tables; every byte count
    computed by the driver's model."""
    return DriverTable(chosen_drivers(drivers))
