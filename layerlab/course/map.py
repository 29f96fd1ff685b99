"""The course map: one Markdown table of the notebooks, written from :data:`NOTEBOOKS`.

The README and notebook 00 show the same table; generating it from the course data
keeps titles, order, files and times in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from layerlab.i18n import _, translate

from . import NOTEBOOKS, Notebook

__all__ = ["course_map", "course_minutes"]


def _cell(text: str) -> str:
    """Table-cell text: a ``|`` would end the cell, a newline the row."""
    return " ".join(text.split()).replace("|", "\\|")


def course_map(
    base: str = "",
    *,
    current: int | None = None,
    notebooks: Sequence[Notebook] = NOTEBOOKS,
) -> str:
    """The course as a Markdown table: number, linked title, what you see, minutes.

    ``base`` is prepended to each notebook's file name in the links: ``"notebooks/"`` for
    the README at the repository's root, ``""`` inside ``notebooks/``. The notebook
    numbered ``current`` is shown in bold with "(this one)" instead of a link.
    """
    rows = [
        _("| # | notebook | what you see | minutes |"),
        "|---|---|---|---|",
    ]
    for nb in notebooks:
        if nb.number == current:
            title = _("**{title}** (this one)", title=_cell(translate(nb.title)))
        else:
            title = f"[{_cell(translate(nb.title))}]({base}{nb.file})"
        rows.append(f"| {nb.number:02d} | {title} | {_cell(translate(nb.shows))} | {nb.minutes} |")
    return "\n".join(rows) + "\n"


def course_minutes(notebooks: Sequence[Notebook] = NOTEBOOKS) -> int:
    """How long the whole course takes, by the notebooks' own estimates."""
    return sum(nb.minutes for nb in notebooks)
