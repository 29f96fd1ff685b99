"""Pictures where there is no ``dot`` program to run: drawn in the page, by Graphviz compiled
to WebAssembly (``@viz-js/viz``), through a small anywidget.

This is how JupyterLite (the course in the browser, Python under Pyodide) draws: Pyodide
can start no process, so :class:`~layerlab.render.picture.Picture` hands its DOT source,
the same one with the same theme, to :class:`DotView` instead of piping it through ``dot``.
The widget's module imports ``static/layerlab/viz.js`` from the site itself (``scripts/lite``
puts it there), so nothing is fetched from elsewhere at run time; it applies the same two
text fixes as :func:`~layerlab.render.picture.svg_for_page`.

A picture inside another widget's HTML (``Picture.to_html()``) is a placeholder,
``<div class="layerlab-dot" data-dot=...>``, holding the DOT source as text; once one
:class:`DotView` has been shown on the page (:func:`draw_here`, which the site's first cell
calls), its module watches the page and draws every placeholder that appears.

Only imported where pictures are drawn in the page: anywidget is needed then, not by the
rest of layerlab.
"""

from __future__ import annotations

import html
import sys
from typing import Any

from . import theme

#: True under Pyodide (JupyterLite), where no process can be started: no ``dot``.
IN_BROWSER = sys.platform == "emscripten"
#: Where the site serves the WebAssembly Graphviz, relative to its root.
VIZ_PATH = "static/layerlab/viz.js"
PLACEHOLDER = "layerlab-dot"

ESM = r"""
const VIZ_PATH = %(viz)s;
const PLACEHOLDER = %(placeholder)s;
// Graphviz in WebAssembly has no fonts: it estimates text widths from Times' metrics, or
// Arial's for a font named Helvetica or Arial, or Courier's. The theme's fonts are laid out
// as the closest of these (DejaVu Sans Mono has Courier's widths, DejaVu Sans is a little
// wider than Arial) and drawn as the theme's again.
const LAYOUT_FONTS = %(fonts)s;
let viz;

function forLayout(dot) {
  for (const [theme, layout] of LAYOUT_FONTS) dot = dot.split(theme).join(layout);
  return dot;
}

function themeFonts(svg) {
  for (const t of svg.querySelectorAll("[font-family]")) {
    const found = LAYOUT_FONTS.find(([, layout]) => layout === t.getAttribute("font-family"));
    if (found) t.setAttribute("font-family", found[0]);
  }
  return svg;
}

function siteRoot() {
  // JupyterLite's page names the site's root in its config; its pages are one level down
  const el = document.getElementById("jupyter-config-data");
  try {
    const base = JSON.parse(el.textContent).baseUrl;
    if (base) return new URL(base, document.baseURI);
  } catch (e) { /* not a JupyterLite page */ }
  return new URL("../", document.baseURI);
}

function loadViz() {
  viz ??= import(new URL(VIZ_PATH, siteRoot()).href).then((m) => m.instance());
  return viz;
}

// picture.py's svg_for_page, on the drawn SVG: spaces kept, runs fitted to the width measured
function fixText(svg) {
  for (const t of svg.querySelectorAll("text")) {
    t.textContent = t.textContent.replace(/^ +| +$|(?<= ) /g, "\u00a0");
  }
  for (const g of svg.querySelectorAll("g.node, g.edge, g.cluster, g.graph")) {
    const runs = [...g.querySelectorAll(":scope > text[text-anchor='start'], :scope > a > text[text-anchor='start'], :scope > g > a > text[text-anchor='start']")];
    runs.forEach((run, i) => {
      const next = runs[i + 1];
      if (!next || run.getAttribute("y") !== next.getAttribute("y")) return;
      const width = parseFloat(next.getAttribute("x")) - parseFloat(run.getAttribute("x"));
      if (width > 0) { run.setAttribute("textLength", String(width)); run.setAttribute("lengthAdjust", "spacing"); }
    });
  }
  return svg;
}

// Once drawn, any text wider than the room its box leaves (its width was estimated, see
// LAYOUT_FONTS) is drawn condensed to fit that room.
function fitToShapes(svg) {
  for (const g of svg.querySelectorAll("g.node, g.cluster, g.graph")) {
    const shape = g.querySelector(":scope > polygon, :scope > ellipse, :scope > path, :scope > g > polygon, :scope > g > path");
    if (!shape) continue;
    const box = shape.getBBox();
    for (const t of g.querySelectorAll("text")) {
      const len = t.getComputedTextLength();
      const x = parseFloat(t.getAttribute("x"));
      const anchor = t.getAttribute("text-anchor");
      const room = anchor === "start" ? box.x + box.width - 4 - x
        : anchor === "end" ? x - box.x - 4
        : 2 * Math.min(x - box.x, box.x + box.width - x) - 8;
      if (len > room && room > 0 && !t.hasAttribute("textLength")) {
        t.setAttribute("textLength", String(room));
        t.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    }
  }
}

async function draw(el, dot, alt) {
  const v = await loadViz();
  const svg = themeFonts(fixText(v.renderSVGElement(forLayout(dot))));
  svg.style.maxWidth = "100%%";
  svg.style.height = "auto";
  svg.setAttribute("role", "img");
  if (alt) svg.setAttribute("aria-label", alt);
  el.replaceChildren(svg);
  try { fitToShapes(svg); } catch (e) { /* not laid out (hidden): drawn as measured */ }
}

function drawPlaceholders(root) {
  for (const el of root.querySelectorAll(`.${PLACEHOLDER}[data-dot]`)) {
    const dot = el.getAttribute("data-dot");
    el.removeAttribute("data-dot");
    draw(el, dot, el.getAttribute("aria-label")).catch((err) => { el.title = String(err); });
  }
}

function watchPage() {
  if (globalThis.__layerlabDotWatch) return;
  globalThis.__layerlabDotWatch = new MutationObserver(() => drawPlaceholders(document.body));
  globalThis.__layerlabDotWatch.observe(document.body, { childList: true, subtree: true });
  drawPlaceholders(document.body);
}

export default {
  async render({ model, el }) {
    watchPage();
    const redraw = () => {
      const dot = model.get("dot");
      if (!dot) { el.replaceChildren(); return; }
      return draw(el, dot, model.get("alt")).catch((err) => {
        const pre = document.createElement("pre");
        pre.textContent = `Graphviz (WebAssembly) could not draw this picture: ${err}\n\n${dot}`;
        el.replaceChildren(pre);
      });
    };
    model.on("change:dot", redraw);
    await redraw();
  },
};
"""


def _esm() -> str:
    import json

    fonts = [[theme.MONO, "Courier"], [theme.FONT, "Helvetica"]]
    return ESM % {"viz": json.dumps(VIZ_PATH), "placeholder": json.dumps(PLACEHOLDER), "fonts": json.dumps(fonts)}


_view_class: Any = None


def dot_view_class() -> Any:
    """The anywidget class (made on first use, so importing this module needs no anywidget)."""
    global _view_class
    if _view_class is None:
        import anywidget
        import traitlets

        class DotView(anywidget.AnyWidget):
            """One picture drawn in the page from its DOT source."""

            _esm = _esm()
            dot = traitlets.Unicode("").tag(sync=True)
            alt = traitlets.Unicode("").tag(sync=True)

        _view_class = DotView
    return _view_class


def dot_view(dot: str, alt: str = "") -> Any:
    """A widget that draws ``dot`` in the page."""
    return dot_view_class()(dot=dot, alt=alt)


def draw_here() -> None:
    """Show an empty :class:`DotView`: its module then draws every picture placeholder on the
    page, those inside other widgets included (the site's first cell calls this)."""
    from IPython.display import display

    display(dot_view(""))


def placeholder_html(dot: str, alt: str) -> str:
    """A picture inside HTML: drawn by the page once a :class:`DotView` is on it, its DOT
    source (as text) until then."""
    return (
        f"<div class='{PLACEHOLDER}' role='img' aria-label='{html.escape(alt)}' "
        f"data-dot='{html.escape(dot)}' style='max-width:100%'>"
        f"<pre style='white-space:pre-wrap;font-size:70%'>{html.escape(dot)}</pre></div>"
    )
