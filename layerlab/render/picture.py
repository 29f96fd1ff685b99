"""The graph type every renderer returns, and how it shows itself in a notebook.

Three fixes between ``dot`` and the page live here, so no renderer has to think of them:

* Spaces at the start or end of a run of text, and double spaces, are written as no-break
  spaces. ``dot`` places each run of an HTML-like label (``<b>3 B</b> on disk``) at the
  width it measured *with* the space, but SVG collapses a leading space, so the page showed
  "3 Bon disk" and "image layer 2serves".
* A run followed by another on the same line is told the width ``dot`` gave it
  (``textLength``). ``dot`` measures with hinted glyph widths, rounded to whole pixels (a
  digit of DejaVu Sans at 10 pt: 6 pt instead of 6.36), so a run of digits or hex is drawn
  up to 5 % wider than ``dot`` left room for, and ran into the next run.
* A picture scales down to its column (``max-width: 100%``, height in proportion) instead of
  running off the page; a click shows it at full size, scrolling sideways.
"""

from __future__ import annotations

import html
import re
from typing import Any

import graphviz

from layerlab.i18n import N_, Texts, _, translate

from . import theme
from .browser import IN_BROWSER

__all__ = ["INSTALL_HINT", "Picture", "fallback_bundle", "figure_html", "svg_for_page"]

#: One line a learner can act on when the ``dot`` program is missing.
INSTALL_HINT = N_(
    "Graphviz's `dot` program is not installed, so here is the picture's DOT source instead. "
    "Install it with `apt-get install graphviz` or `conda install -c conda-forge graphviz`."
)
#: What each kind of picture shows, by its name: the text a screen reader or a text-only
#: frontend gets instead of the drawing.
DESCRIPTIONS = Texts({
    "image": "an image's layers, newest on top",
    "waste": "an analysed image's layers and what each one wastes",
    "shared_layers": "images over the layers they share",
    "build_cache": "a build's steps, each reused from the cache or built",
    "container": "a container's layers: RW layer, -init layer, image layers and mounts",
    "containers_over_image": "containers over the image layers they share",
    "copy_up": "copy-on-write step by step: before, copy-up, after",
    "lookup": "which layer serves a path, in the order the kernel looks",
    "dataroot": "the data root as a tree",
    "identities": "an image from its config to its layer directories",
    "cost_chart": "what a workload costs on disk with each storage driver",
    "layer_layout": "where a storage driver keeps each layer",
    "architecture": "layerlab's layers and the imports between them",
})
ZOOM_TITLE = N_("click to see it at full size; click again to fit it to the column")
_BOX = "layerlab-picture"
#: Scaled to the column; the checkbox (hidden, inside the label) remembers a click.
_STYLE = (
    f"<style>.{_BOX} label{{cursor:zoom-in}}"
    f".{_BOX}-zoom:checked + .{_BOX}-frame{{cursor:zoom-out;overflow-x:auto}}"
    f".{_BOX}-zoom:checked + .{_BOX}-frame img{{max-width:none !important}}</style>"
)
_TEXT_RUN = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")
_EDGE_SPACES = re.compile(r"^ +| +$|(?<= ) ")


def _keep_spaces(match: re.Match[str]) -> str:
    start, text, end = match.groups()
    return start + _EDGE_SPACES.sub("\u00a0", text) + end


_GROUP = re.compile(r"<g id=\"[^\"]*\" class=\"(?:node|edge|cluster|graph)\">.*?</g>", re.S)
_RUN_START = re.compile(r'<text text-anchor="start" x="([-\d.]+)" y="([-\d.]+)"')


def _fit_runs(group: re.Match[str]) -> str:
    """In one node (or edge, cluster, graph label): each run that another run follows on the
    same line gets the width ``dot`` left it, up to where the next run starts."""
    text = group.group(0)
    runs = list(_RUN_START.finditer(text))
    widths = {}
    for run, after in zip(runs, runs[1:]):
        x, y, next_x, next_y = float(run[1]), run[2], float(after[1]), after[2]
        if y == next_y and next_x > x:
            widths[run.start()] = f'{run.group(0)} textLength="{next_x - x:g}" lengthAdjust="spacing"'
    if not widths:
        return text
    out, at = [], 0
    for run in runs:
        if run.start() in widths:
            out += [text[at : run.start()], widths[run.start()]]
            at = run.end()
    return "".join([*out, text[at:]])


def svg_for_page(svg: str) -> str:
    """``dot``'s SVG as the page must draw it: every space it measured kept, and every run of
    text that another follows drawn in the width it measured (see the module doc)."""
    return _GROUP.sub(_fit_runs, _TEXT_RUN.sub(_keep_spaces, svg))


def _data_uri(svg: str) -> str:
    """``svg`` as a ``data:`` URI for a single-quoted HTML attribute. Only what a URI or
    the attribute cannot hold is escaped, so the SVG's own text stays readable (and
    comparable) in a stored notebook."""
    body = svg.replace("%", "%25").replace("#", "%23").replace("\n", "%0A")
    return "data:image/svg+xml;charset=utf-8," + body.replace("&", "&amp;").replace("'", "&#39;")


def figure_html(svg: str, alt: str) -> str:
    """The picture as a notebook shows it: an image scaled to the column, full size on click.

    An ``<img>``, not inline SVG, because JupyterLab shows a stored HTML image before the
    notebook is trusted (before its cells run), while it strips inline SVG to loose words.
    """
    start = svg.find("<svg")
    return (
        f"{_STYLE}<figure class='{_BOX}' style='margin:0'><label title='{html.escape(translate(ZOOM_TITLE))}'>"
        f"<input class='{_BOX}-zoom' type='checkbox' style='position:absolute;opacity:0;width:0;height:0'>"
        f"<span class='{_BOX}-frame' style='display:block'>"
        f"<img alt='{html.escape(alt)}' src='{_data_uri(svg[max(start, 0):])}' "
        "style='max-width:100%;height:auto'></span></label></figure>"
    )


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` that shows itself as an image scaled to its column, with a
    stable repr, so notebook outputs do not change per run.

    Without ``dot`` (a fresh laptop, some Binder images) it still displays: as its DOT
    source plus an install hint, instead of a traceback.
    """

    def __init__(self, name: str, *, graph_attr: dict[str, str] | None = None,
                 node_attr: dict[str, str] | None = None, edge_attr: dict[str, str] | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        """The theme's graph, node and edge attributes, then the picture's own over them:
        every label, edge labels included, is in the theme's font."""
        super().__init__(
            name,
            graph_attr={**theme.GRAPH_ATTR, **(graph_attr or {})},
            node_attr={**theme.NODE_ATTR, **(node_attr or {})},
            edge_attr={**theme.EDGE_ATTR, **(edge_attr or {})},
            **kwargs,
        )

    @property
    def description(self) -> str:
        """What the picture shows, in words (its alt text)."""
        return DESCRIPTIONS.get(self.name or "", _("a picture"))

    def __repr__(self) -> str:
        return f"<picture: {self.description} ({len(self.body)} statements)>"

    def pipe(self, format: str | None = None, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        """``dot``'s output; SVG as the page must draw it (:func:`svg_for_page`). Under
        Pyodide (JupyterLite), which can start no process, ``dot`` is not found."""
        if IN_BROWSER:
            raise graphviz.ExecutableNotFound(["dot"])
        out = super().pipe(format, *args, **kwargs)
        if (format or self.format) != "svg":
            return out
        if isinstance(out, bytes):
            return svg_for_page(out.decode("utf-8")).encode("utf-8")
        return svg_for_page(out)

    def svg(self) -> str:
        """The SVG, as the page draws it."""
        return self.pipe(format="svg", encoding="utf-8")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        if IN_BROWSER:  # JupyterLite: no process to run ``dot`` in, so the page draws it
            from .browser import dot_view

            bundle = dot_view(self.source, self.description)._repr_mimebundle_()
            bundle = bundle[0] if isinstance(bundle, tuple) else bundle
            return {**bundle, "text/plain": _("[picture: {description}]", description=self.description)}
        try:
            svg = self.svg()
        except graphviz.ExecutableNotFound:
            return fallback_bundle(self.source)
        return {"text/html": figure_html(svg, self.description), "text/plain": _("[picture: {description}]", description=self.description)}

    def to_html(self) -> str:
        """Inline SVG scaled to its box, for an ``ipywidgets.HTML``; the DOT source and
        hint if ``dot`` is missing; in JupyterLite, a placeholder the page draws."""
        if IN_BROWSER:
            from .browser import placeholder_html

            return placeholder_html(self.source, self.description)
        try:
            svg = self.svg()
        except graphviz.ExecutableNotFound:
            return fallback_bundle(self.source)["text/html"]
        start = svg.find("<svg")  # drop the XML prolog and DOCTYPE: this goes inside HTML
        svg = svg[start:] if start >= 0 else svg
        return svg.replace("<svg ", "<svg style='max-width:100%;height:auto' ", 1)


def fallback_bundle(source: str) -> dict[str, str]:
    """text/plain and text/html showing ``source`` with the install hint."""
    hint = translate(INSTALL_HINT)
    hint_html = html.escape(hint).replace("`", "")
    return {
        "text/plain": f"{hint.replace('`', '')}\n\n{source}",
        "text/html": (
            f'<div class="layerlab-no-graphviz"><p><b>⚠</b> {hint_html}</p>'
            f"<pre>{html.escape(source)}</pre></div>"
        ),
    }
