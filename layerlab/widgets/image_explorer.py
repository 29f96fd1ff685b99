"""The image explorer: load a ``docker save`` tar or an OCI layout, pick an image and a
layer, see that layer's files with A / M / D marks, its largest files and the waste.

``ImageExplorer(source)`` takes an archive path, an :class:`~layerlab.model.image.Image` or an
:class:`~layerlab.analysis.ImageAnalysis` (or a list of them). Every failure (no such
file, not an archive, a path that climbs out of the image) is one message in the error
area; what was shown before stays as it was.

CSS classes: ``layerlab-explorer`` (the box), ``-path``, ``-load``, ``-image``, ``-layer``,
``-under``, ``-changes``, ``-error``, ``-summary``, ``-picture``, ``-tree``, ``-largest``,
and on tree rows ``-row`` plus ``-mark-A`` / ``-mark-M`` / ``-mark-D`` / ``-mark-none``.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from layerlab.analysis import Change, ImageAnalysis, analyze
from layerlab.archive import read_archive
from layerlab.i18n import Texts, _
from layerlab.model.errors import LayerlabError
from layerlab.model.fs import is_within, normalize_path
from layerlab.model.image import Image
from layerlab.model.units import human_size
from layerlab.render import Picture, theme
from layerlab.render.waste import waste_stack

from .css import part
from .fallback import Fallback, ReadableBeforeRun, run_to_use
from .errors import error_html, guard

__all__ = ["ImageExplorer"]

_BOX = "layerlab-explorer"  # the widget's CSS class; a part's is _BOX + "-<part>"
_MARK_TEXT = Texts({"A": "added", "M": "modified", "D": "removed", "": "listed, unchanged"})
#: The tree's heading counts each mark: ``A 1 added``.
_MARK_COUNT = Texts({"A": "{n} added", "M": "{n} modified", "D": "{n} removed"})
_MARK_COLOUR = {"A": theme.ADDED, "M": "#b45f06", "D": theme.WHITEOUT, "": theme.MUTED}
Source = str | Path | Image | ImageAnalysis


class ImageExplorer(ReadableBeforeRun, w.VBox):
    """Pick a layer, see its tree with A / M / D marks; errors appear inside the widget."""

    def __init__(
        self, source: Source | Sequence[Source] | None = None, *, max_rows: int = 300, **kwargs: Any
    ) -> None:
        self.max_rows = max_rows
        self.analyses: list[ImageAnalysis] = []
        self.seconds: list[float] = []  # kernel time of each interaction, for measurements
        self.pictures: dict[str, Picture] = {}  # what the last redraw drew, by name
        self.path = part(
            w.Text(placeholder=_("path to a docker save .tar or an OCI layout"), layout=w.Layout(width="60%")),
            _BOX, "path",
        )  # fmt: skip
        self.load_button = part(w.Button(description=_("Load"), icon="folder-open"), _BOX, "load")
        self.image_pick = part(w.Dropdown(description=_("image"), layout=w.Layout(width="60%")), _BOX, "image")
        self.layer_pick = part(w.Dropdown(description=_("layer"), layout=w.Layout(width="90%")), _BOX, "layer")
        self.under = part(
            w.Text(value="/", description=_("under"), continuous_update=False, layout=w.Layout(width="40%")),
            _BOX, "under",
        )  # fmt: skip
        self.only_changes = part(
            w.Checkbox(value=True, description=_("changes only (hide unchanged parents)"), indent=False),
            _BOX, "changes",
        )  # fmt: skip
        self.error = part(w.HTML(""), _BOX, "error")
        self.summary = part(w.HTML(""), _BOX, "summary")
        self.picture = part(w.HTML(""), _BOX, "picture")
        self.tree = part(w.HTML(""), _BOX, "tree")
        self.largest = part(w.HTML(""), _BOX, "largest")
        self._shown_under = ""
        self.load_button.on_click(lambda _b: self._act(self._load_path))
        self.image_pick.observe(lambda _c: self._act(self._show_image), names="value")
        self.layer_pick.observe(lambda _c: self._act(self._show_layer), names="value")
        self.only_changes.observe(lambda _c: self._act(self._show_layer), names="value")
        # continuous_update=False: on Enter or when the box loses focus
        self.under.observe(lambda _c: self._act(self._apply_under), names="value")
        super().__init__(
            children=[
                w.HBox([self.path, self.load_button]),
                self.error,
                self.image_pick,
                self.summary,
                self.picture,
                self.layer_pick,
                w.HBox([self.under, self.only_changes]),
                self.tree,
                self.largest,
            ],
            **kwargs,
        )
        self.add_class(_BOX)
        if source is not None:
            self._act(lambda: self.load(source))

    # -- loading -------------------------------------------------------------------------
    def load(self, source: Source | Sequence[Source]) -> None:
        """Analyse ``source`` (paths are read as archives) and show its first image."""
        items = list(source) if isinstance(source, (list, tuple)) else [source]
        analyses: list[ImageAnalysis] = []
        for item in items:
            if isinstance(item, ImageAnalysis):
                analyses.append(item)
            elif isinstance(item, Image):
                analyses.append(analyze(item, _("image {n}", n=len(analyses))))
            elif isinstance(item, (str, Path)):
                for archived in read_archive(Path(item).expanduser(), progress=False):
                    name = archived.tags[0] if archived.tags else Path(item).name
                    analyses.append(analyze(archived.image, name, archived.tags, progress=False))
            else:
                raise LayerlabError(
                    _("cannot explore a {kind}: give a path to a docker save tar or OCI layout, "
                      "an Image or an ImageAnalysis", kind=type(item).__name__)
                )
        if not analyses:
            raise LayerlabError(_("no image found in what was given"))
        self.analyses = analyses
        self.error.value = ""
        with self.hold_trait_notifications():
            self.image_pick.options = [(a.name or _("image {n}", n=n), n) for n, a in enumerate(analyses)]
        self.image_pick.value = 0
        self._show_image()

    def _load_path(self) -> None:
        text = self.path.value.strip()
        if not text:
            raise LayerlabError(
                _("type the path of a docker save .tar, an OCI layout directory or an OCI layout .tar")
            )
        self.load(text)

    # -- views ---------------------------------------------------------------------------
    @property
    def current(self) -> ImageAnalysis | None:
        index = self.image_pick.value
        return self.analyses[index] if self.analyses and index is not None else None

    def _show_image(self) -> None:
        analysis = self.current
        if analysis is None:
            return
        figures = analysis.figures
        sizes = _("total_bytes <b>{total}</b> (all layers) · final_bytes <b>{final}</b> (what a container sees) · "
                  "wasted_bytes {wasted} · efficiency <b>{efficiency:.1%}</b> = final_bytes / total_bytes",
                  total=human_size(figures.total_bytes), final=human_size(figures.final_bytes),
                  wasted=f"<b style='color:{theme.WHITEOUT}'>{human_size(figures.wasted_bytes)}</b>",
                  efficiency=figures.efficiency)  # fmt: skip
        self.summary.value = (
            f"<div class='{_BOX}-summary-body'><b>{html.escape(analysis.name)}</b> · "
            f"<code>{analysis.image.image_id[:19]}</code><br/>{sizes}</div>"
        )
        self.pictures = {"waste": waste_stack(analysis)}
        self.picture.value = self.pictures["waste"].to_html()
        options = [
            (
                f"{r.index}: {theme.clip(r.created_by or _('(no history)'), 60)} · {human_size(r.size)}",
                r.index,
            )
            for r in analysis.layers
        ]
        with self.layer_pick.hold_trait_notifications():
            self.layer_pick.options = options
        if options:
            self.layer_pick.value = max(0, len(options) - 1)
        self._show_layer()

    def _apply_under(self) -> None:
        text = self.under.value.strip()
        try:
            under = "" if text in ("", "/") else normalize_path(text)
        except LayerlabError as err:
            raise LayerlabError(
                _("{error}; type a path inside the image such as / or /etc or /app/src", error=err)
            ) from None
        self._shown_under = under
        self._show_layer()

    def _show_layer(self) -> None:
        started = time.process_time()
        analysis = self.current
        index = self.layer_pick.value
        if analysis is None or index is None:
            return
        under = self._shown_under
        rows = [
            c
            for c in analysis.changes(index)
            if (not under or is_within(c.path, under)) and (c.mark or not self.only_changes.value)
        ]
        self.tree.value = (
            f"<div class='{_BOX}-tree-body'><div>{_tree_head(index, under, rows)}</div>"
            f"{_tree_body(rows, under, self.max_rows)}</div>"
        )
        self.largest.value = _largest_html(analysis, index)
        self.seconds.append(time.process_time() - started)

    # -- errors --------------------------------------------------------------------------
    def _act(self, action: Callable[[], object]) -> None:
        """Run a learner's action; a message in the error area if it fails, else none."""
        if guard(action, self._show_error):
            self.error.value = ""

    def _show_error(self, message: str) -> None:
        kept = " " + _("What is shown below is unchanged.") if self.analyses else ""
        self.error.value = error_html(
            _BOX, message,
            note=_("Supported: a docker save .tar (any engine), an OCI layout directory or .tar; "
                   "paths inside the image like /etc.") + kept,
        )  # fmt: skip

    def fallback(self) -> Fallback:
        """What the explorer's output reads like before its cell runs."""
        return Fallback(_("Image explorer"), (_("Pick an image and a layer: its files marked A (added), M (modified) "
                                                "or D (removed), its largest files, and what the image wastes."),),
                        action=run_to_use(_("the image explorer")))  # fmt: skip

    def __repr__(self) -> str:
        return f"<ImageExplorer {len(self.analyses)} images>"


# -- the layer's tree, as HTML -------------------------------------------------------------


def _tree_head(index: int, under: str, rows: list[Change]) -> str:
    """``layer 2 under /etc: A 1 added · M 0 modified · D 3 removed``."""
    counts = {m: sum(1 for c in rows if c.mark == m) for m in ("A", "M", "D")}
    layer = (_("<b>layer {index}</b> under /{path}", index=index, path=html.escape(under)) if under
             else _("<b>layer {index}</b>", index=index))  # fmt: skip
    return (
        f"{layer}: "
        + " · ".join(
            f"<span style='color:{_MARK_COLOUR[m]}'>{m} {_MARK_COUNT[m].format(n=counts[m])}</span>"
            for m in ("A", "M", "D")
        )
    )


def _tree_row(c: Change) -> str:
    """One path: its mark, its size (or what it removed), its name indented by depth."""
    depth = c.path.count("/")
    name = c.path.rsplit("/", 1)[-1] + ("/" if c.kind == "dir" else "")
    size = (
        human_size(c.size) if c.size else (f"−{human_size(c.removed_bytes)}" if c.removed_bytes else "")
    )
    css = f"{_BOX}-row {_BOX}-mark-{c.mark or 'none'}"
    return (
        f"<div class='{css}' title='/{html.escape(c.path)}: {_MARK_TEXT[c.mark]}' "
        f"style='font-family:monospace;white-space:pre;line-height:1.3'>"
        f"<span style='color:{_MARK_COLOUR[c.mark]};font-weight:bold'>{c.mark or '·'}</span> "
        f"{size:>8}  {'  ' * depth}{html.escape(name)}</div>"
    )


def _tree_body(rows: list[Change], under: str, max_rows: int) -> str:
    body = [_tree_row(c) for c in rows[:max_rows]]
    if len(rows) > max_rows:
        body.append(
            "<div><i>" + _("… and {n} more (type a path in 'under' to narrow)", n=len(rows) - max_rows) + "</i></div>"
        )
    if not rows:
        where = (_("nothing changed here under /{path}", path=html.escape(under)) if under
                 else _("nothing changed here"))  # fmt: skip
        body.append(f"<div><i>{where}</i></div>")
    return "".join(body)


def _largest_html(analysis: ImageAnalysis, index: int) -> str:
    top = analysis.largest_files(5, layer=index)
    if not top:
        return f"<i>{_('this layer stores no file bytes')}</i>"
    return f"<b>{_('largest files this layer stores')}</b><br/>" + "".join(
        f"<code>{human_size(x.size):>8}  {html.escape(x.path)}</code><br/>" for x in top
    )
