"""An analysed image's figures as tables (the sections of ``layerlab analyze``'s report a
notebook shows one at a time), headed in the learner's language."""

from __future__ import annotations

from collections.abc import Sequence

from layerlab.analysis import ImageAnalysis
from layerlab.i18n import _
from layerlab.model.units import human_size

from .tables import Column, Table

__all__ = ["efficiency_table", "fixes_table", "largest_files_table", "layer_changes_table"]


def largest_files_table(analysis: ImageAnalysis, n: int = 10) -> Table:
    """The biggest files of the final filesystem, and the layer each comes from."""
    rows = tuple((human_size(f.size), str(f.layer), f.path) for f in analysis.largest_files(n))
    return Table((Column(_("size"), numeric=True), Column(_("layer"), numeric=True), Column(_("path"))), rows)


def layer_changes_table(analysis: ImageAnalysis) -> Table:
    """What each layer stores, and how many paths it adds (A), modifies (M) and deletes (D)."""
    rows = tuple(
        (str(r.index), human_size(r.size), str(r.added), str(r.modified), str(r.deleted)) for r in analysis.layers
    )
    columns = (Column(_("layer"), numeric=True), Column(_("stores"), numeric=True),
               Column(_("A (added)"), numeric=True), Column(_("M (modified)"), numeric=True),
               Column(_("D (deleted)"), numeric=True))  # fmt: skip
    return Table(columns, rows)


def fixes_table(analysis: ImageAnalysis) -> Table:
    """The suggested fixes, biggest saving first."""
    rows = tuple((human_size(fix.saves_bytes), fix.text) for fix in analysis.fixes)
    return Table((Column(_("saves"), numeric=True), Column(_("fix"))), rows)


def efficiency_table(analyses: Sequence[ImageAnalysis]) -> Table:
    """Each image's stored and wasted bytes and its efficiency, one row an image."""
    rows = tuple(
        (a.name, human_size(a.total_bytes), human_size(a.wasted_bytes), f"{a.efficiency:.1%}") for a in analyses
    )
    columns = (Column(_("image")), Column(_("stored"), numeric=True), Column(_("wasted"), numeric=True),
               Column(_("efficiency"), numeric=True))  # fmt: skip
    return Table(columns, rows)
