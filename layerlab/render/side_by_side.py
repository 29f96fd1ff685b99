"""Show a :class:`layerlab.compare.beside.Beside`: two columns, differing lines marked.

HTML in Jupyter (CSS classes ``layerlab-beside``, ``-summary``, ``-command``, ``-sim``,
``-engine``, ``-diff``), plain text everywhere else. A differing line is marked by a ``≠``
in the gutter as well as by colour, so the mark survives colour blindness and plain text.
"""

from __future__ import annotations

import html
from typing import Any

from layerlab.compare.beside import Beside

from . import theme

__all__ = ["BesideView", "beside_html", "beside_text"]

SIM_TITLE = "simulator (layerlab)"
DIFF_MARK = "≠"


def summary(beside: Beside) -> str:
    """``12 lines: both sides agree`` or ``12 lines: 2 differ (marked ≠)``."""
    n, bad = len(beside.rows), len(beside.differing)
    lines = f"{n} line{'s' * (n != 1)}"
    if not bad:
        return f"{lines}: both sides agree"
    return f"{lines}: {bad} differ{'s' * (bad == 1)} (marked {DIFF_MARK})"


def beside_text(beside: Beside, width: int = 60) -> str:
    """Two padded columns; ``≠`` in the gutter of a differing line."""
    left = max([len(SIM_TITLE)] + [len(a or "") for row in beside.rows for a, _, _ in row.pairs()])
    left = min(left, width)
    out = [f"  {SIM_TITLE.ljust(left)} | {beside.engine_label}", summary(beside)]
    for row in beside.rows:
        out.append(f"$ {row.command}" + (f"   ({row.note})" if row.note else ""))
        for a, b, same in row.pairs():
            mark = " " if same else DIFF_MARK
            out.append(f"{mark} {(a or '').ljust(left)} | {b or ''}".rstrip())
    return "\n".join(out)


_STYLE = f"""<style>
.layerlab-beside {{ border-collapse: collapse; font-size: 12px; }}
.layerlab-beside th {{ text-align: left; padding: 2px 8px; border-bottom: 2px solid {theme.MUTED}; }}
.layerlab-beside td {{ font-family: monospace; white-space: pre; padding: 0 8px; vertical-align: top; }}
.layerlab-beside td.layerlab-beside-mark {{ padding: 0 2px; color: {theme.FIRST_MISS_EDGE}; font-weight: bold; }}
.layerlab-beside tr.layerlab-beside-diff td {{ background: {theme.CACHE_MISS}; }}
.layerlab-beside tr.layerlab-beside-command td {{ font-weight: bold; padding-top: 6px;
  border-top: 1px solid #dddddd; background: transparent; }}
.layerlab-beside-note {{ color: {theme.MUTED}; font-weight: normal; }}
.layerlab-beside-summary {{ margin: 4px 0; }}
</style>"""


def beside_html(beside: Beside) -> str:
    """A table: the command, then simulator and engine line by line, differing rows marked."""
    esc = html.escape
    rows = []
    for row in beside.rows:
        note = f' <span class="layerlab-beside-note">({esc(row.note)})</span>' if row.note else ""
        rows.append(
            f'<tr class="layerlab-beside-command"><td></td><td colspan="2">$ {esc(row.command)}{note}</td></tr>'
        )
        for a, b, same in row.pairs():
            cls = "" if same else ' class="layerlab-beside-diff"'
            mark = "" if same else DIFF_MARK
            rows.append(
                f'<tr{cls}><td class="layerlab-beside-mark">{mark}</td>'
                f'<td class="layerlab-beside-sim">{esc(a or "")}</td>'
                f'<td class="layerlab-beside-engine">{esc(b or "")}</td></tr>'
            )
    state = "agree" if not beside.differing else "differ"
    return (
        f'{_STYLE}<div class="layerlab-beside-box layerlab-beside-{state}">'
        f'<div class="layerlab-beside-summary">{esc(summary(beside))}</div>'
        f'<table class="layerlab-beside"><thead><tr><th></th><th>{esc(SIM_TITLE)}</th>'
        f"<th>{esc(beside.engine_label)}</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


class BesideView:
    """Displays as HTML in Jupyter and as plain text in a terminal or a text-only frontend."""

    def __init__(self, beside: Beside) -> None:
        self.beside = beside

    def __repr__(self) -> str:
        return beside_text(self.beside)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, str]:
        return {"text/plain": beside_text(self.beside), "text/html": beside_html(self.beside)}
