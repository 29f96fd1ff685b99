"""Show a :class:`layerlab.compare.beside.Beside`: two columns, differing lines marked.

HTML in Jupyter (CSS classes ``layerlab-beside-box``, ``-summary``, ``-command``, ``-pair``,
``-sim``, ``-engine``, ``-line``, ``-diff``), plain text everywhere else. A differing line is
marked by a ``≠`` in the gutter as well as by colour, so the mark survives colour blindness
and plain text. The two sides of a command sit side by side where the column is wide
enough for both, else one above the other: never wider than the column.
"""

from __future__ import annotations

import html
from typing import Any

from layerlab.compare.beside import Beside
from layerlab.i18n import N_, _, translate

from . import theme

__all__ = ["BesideView", "beside_html", "beside_text"]

SIM_TITLE = N_("simulator (layerlab)")
DIFF_MARK = "≠"


def _line_counts(beside: Beside) -> tuple[int, int]:
    """(output lines compared, lines that differ), over every command of the cell."""
    pairs = [same for row in beside.rows for *_sides, same in row.pairs()]
    return len(pairs), pairs.count(False)


def summary(beside: Beside) -> str:
    """``2 commands, 12 lines of output: both sides agree`` or ``…: 2 lines differ (marked ≠)``."""
    lines, bad = _line_counts(beside)
    head = _("{commands}, {lines} of output",
             commands=theme.count(len(beside.rows), N_("{n} command"), N_("{n} commands")),
             lines=theme.count(lines, N_("{n} line"), N_("{n} lines")))
    if not bad:
        return _("{head}: both sides agree", head=head)
    if bad == 1:
        return _("{head}: {n} line differs (marked {mark})", head=head, n=bad, mark=DIFF_MARK)
    return _("{head}: {n} lines differ (marked {mark})", head=head, n=bad, mark=DIFF_MARK)


def beside_text(beside: Beside, width: int = 60) -> str:
    """Two padded columns; ``≠`` in the gutter of a differing line."""
    title = translate(SIM_TITLE)
    left = max([theme.columns(title)] + [len(a or "") for row in beside.rows for a, _b, _same in row.pairs()])
    left = min(left, width)
    out = [f"  {title}{' ' * (left - theme.columns(title))} | {beside.engine_label}", summary(beside)]
    for row in beside.rows:
        out.append(f"$ {row.command}" + (f"   ({row.note})" if row.note else ""))
        for a, b, same in row.pairs():
            mark = " " if same else DIFF_MARK
            out.append(f"{mark} {(a or '').ljust(left)} | {b or ''}".rstrip())
    return "\n".join(out)


_BOX = "layerlab-beside"
_MONO = "font-family:var(--jp-code-font-family,monospace);font-size:12px"
#: Both sides of a command sit side by side when the longest line fits twice in the column,
#: else one above the other (CSS grid, auto-fit); a line longer than its side wraps.
_PAIR = _MONO + ";display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,{width}ch),1fr));gap:2px 1.5em"
_STYLE = f"""<style>
.{_BOX}-line {{ white-space: pre-wrap; overflow-wrap: anywhere; padding-left: 1.4em; text-indent: -1.4em; }}
.{_BOX}-diff {{ background: {theme.CACHE_MISS}; }}
.{_BOX}-mark {{ color: {theme.FIRST_MISS_EDGE}; font-weight: bold; }}
</style>"""


def _side(title: str, lines: list[str | None], same: list[bool], css: str) -> str:
    """One side of a command: its title, then its lines, each differing one marked ≠."""
    esc = html.escape
    body = "".join(
        f"<div class='{_BOX}-line{'' if ok else f' {_BOX}-diff'}' style='text-align:left'>"
        f"<span class='{_BOX}-mark'>{'  ' if ok else DIFF_MARK + ' '}</span>{esc(line or '')}</div>"
        for line, ok in zip(lines, same)
    )
    return (
        f"<div class='{_BOX}-{css}' style='min-width:0'><div style='color:{theme.MUTED};font-size:11px'>"
        f"{esc(title)}</div><div style='{_MONO}'>{body}</div></div>"
    )


def beside_html(beside: Beside) -> str:
    """Each command, then what the simulator and the engine printed, differing lines marked.

    No table: JupyterLab right-aligns table cells and cannot stack a table's columns, while
    two blocks per command can sit side by side or one above the other as the column allows.
    """
    esc = html.escape
    longest = max([len(x or "") for row in beside.rows for a, b, _same in row.pairs() for x in (a, b)] + [20])
    blocks = []
    for row in beside.rows:
        pairs = row.pairs()
        same = [ok for *_sides, ok in pairs]
        note = f" <span style='color:{theme.MUTED};font-weight:normal'>({esc(row.note)})</span>" if row.note else ""
        blocks.append(
            f"<div class='{_BOX}-command' style='{_MONO};font-weight:bold;margin-top:0.6em;"
            f"border-top:1px solid #dddddd;text-align:left'>$ {esc(row.command)}{note}</div>"
            f"<div class='{_BOX}-pair' style='{_PAIR.format(width=longest + 3)}'>"
            f"{_side(translate(SIM_TITLE), [a for a, _b, _same in pairs], same, 'sim')}"
            f"{_side(beside.engine_label, [b for _a, b, _same in pairs], same, 'engine')}</div>"
        )
    state = "agree" if not beside.differing else "differ"
    return (
        f"{_STYLE}<div class='{_BOX}-box {_BOX}-{state}' style='text-align:left'>"
        f"<div class='{_BOX}-summary' style='margin:4px 0'>{esc(summary(beside))}</div>"
        f"{''.join(blocks)}</div>"
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
