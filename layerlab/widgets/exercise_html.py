"""The HTML of an exercise: its prose, the feedback box, and what proves the answer.

Course text is plain: `code` in backticks, ``**bold**``, ``*italic*``, ``[text](target)``
and lines starting ``- `` as list items. It is escaped first and then marked up, so nothing
in it can inject HTML. Links show as their text only: a relative link inside a widget would
lead away from the notebook.

Feedback is told apart by an icon and a word as well as by colour (Okabe-Ito hues, safe for
the common colour-vision deficiencies), so it never rests on colour alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import graphviz

from layerlab.course.proof import Part, Picture, Printed, Said, Table
from layerlab.i18n import N_, _, translate
from layerlab.render.picture import figure_html

from .errors import ERROR_COLOUR

__all__ = [
    "VERDICTS",
    "Verdict",
    "feedback_html",
    "markup",
    "parts_html",
    "proof_html",
    "table_html",
]

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]+\)")
_CODE_STYLE = "background:#f2f2f2;padding:0 3px;border-radius:3px"
_CELL = "padding:2px 10px 2px 0;border-bottom:1px solid #dddddd;vertical-align:top"
#: A table cell that reads as a number: 12,288 · 1.05MB · 4.0 MiB · 0B.
_NUMBER = re.compile(r"^-?[\d.,]+\s?([KMGT]i?B|[kMGT]B|B|%)?$")


@dataclass(frozen=True)
class Verdict:
    """How one kind of feedback looks: icon, word, border colour, tint, text colour."""

    icon: str
    word: str
    edge: str
    tint: str
    ink: str


#: Right, wrong, shown, and a failure of the exercise itself. Right and wrong answers carry
#: their word in the message ("Correct!", "Not quite."), so their verdict is the icon alone.
VERDICTS = {
    "correct": Verdict("✓", "", "#009e73", "#e6f5ef", "#00664a"),
    "wrong": Verdict("✗", "", "#d55e00", "#fbeee4", "#9c3d00"),
    "revealed": Verdict("→", N_("The answer:"), "#0072b2", "#e6f0f7", "#00507d"),
    "error": Verdict("⚠", N_("Cannot check:"), ERROR_COLOUR, "#fbe9ec", ERROR_COLOUR),
}


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = _LINK.sub(r"\1", out)
    out = _CODE.sub(lambda m: f"<code style='{_CODE_STYLE}'>{m.group(1)}</code>", out)
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _ITALIC.sub(r"<i>\1</i>", out)


def markup(text: str) -> str:
    """Course prose as HTML: paragraphs, lists, code, bold, italic (see the module doc)."""
    blocks: list[str] = []
    items: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(f"<p style='margin:4px 0'>{' '.join(para)}</p>")
            para.clear()
        if items:
            blocks.append(
                "<ul style='margin:4px 0'>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
            )
            items.clear()

    for line in text.split("\n"):
        if line.startswith("- "):
            if para:
                flush()
            items.append(_inline(line[2:]))
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            para.append(_inline(line))
    flush()
    if len(blocks) == 1 and not items and text.strip() and not text.lstrip().startswith("- "):
        return _inline(" ".join(text.split("\n")))  # one paragraph: no <p> around it
    return "".join(blocks)


def feedback_html(state: str, attempt: int, message: str, extra: str = "") -> str:
    """The feedback box: ``state`` is a key of :data:`VERDICTS`; ``message`` is course text.

    The icon stands in its own column, so the message's paragraphs line up beside it.
    """
    v = VERDICTS[state]
    css = f"layerlab-feedback-body layerlab-{state}"
    style = (
        f"border-left:5px solid {v.edge};background:{v.tint};padding:6px 10px;margin-top:6px;"
        "color:#1b1b1b;line-height:1.45;display:flex;gap:8px;align-items:flex-start"
    )
    icon = (
        f"<span class='layerlab-verdict' aria-hidden='true' style='color:{v.ink};font-weight:bold;"
        f"font-size:1.25em;line-height:1.2'>{v.icon}</span>"
    )
    word = f"<b style='color:{v.ink}'>{html.escape(translate(v.word))}</b> " if v.word else ""
    return (
        f"<div class='{css}' data-attempt='{attempt}' style='{style}'>{icon}"
        f"<div style='flex:1'>{word}{markup(message)}{extra}</div></div>"
    )


def _cell(tag: str, value: str | int, right: bool) -> str:
    text = f"{value:,}" if isinstance(value, int) else _inline(str(value))
    return f"<{tag} style='{_CELL};text-align:{'right' if right else 'left'}'>{text}</{tag}>"


def _is_number(value: str | int) -> bool:
    return isinstance(value, int) or bool(_NUMBER.match(str(value).strip()))


def table_html(table: Table) -> str:
    """Text columns left-aligned, columns of numbers and sizes right-aligned (their heading too)."""
    numeric = [
        bool(table.rows) and all(_is_number(row[i]) for row in table.rows)
        for i in range(len(table.columns))
    ]
    head = "".join(_cell("th", c, numeric[i]) for i, c in enumerate(table.columns))
    body = "".join(
        "<tr>" + "".join(_cell("td", v, numeric[i]) for i, v in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return (
        "<table class='layerlab-proof-table' style='border-collapse:collapse;margin:6px 0'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _part_html(part: Part) -> str:
    if isinstance(part, Said):
        return f"<div class='layerlab-proof-said'>{markup(part.text)}</div>"
    if isinstance(part, Printed):
        return (
            "<pre class='layerlab-proof-printed' style='white-space:pre-wrap;font-size:12px;"
            f"background:#f7f7f7;padding:6px 8px;margin:6px 0'>{html.escape(part.text)}</pre>"
        )
    if isinstance(part, Table):
        return table_html(part)
    if isinstance(part, Picture):
        return f"<div class='layerlab-proof-picture' style='max-width:100%'>{_picture(part)}</div>"
    raise TypeError(
        f"a proof part must be Said, Printed, Table or a picture, not {type(part).__name__}"
    )


def _picture(picture: Picture) -> str:
    """A picture scaled to the column, full size on a click, as the notebook shows pictures;
    without Graphviz's ``dot``, what the picture shows instead (its source and how to install)."""
    svg = getattr(picture, "svg", None)
    if callable(svg):
        try:
            description = getattr(picture, "description", None)
            return figure_html(svg(), _("a picture") if description is None else description)
        except graphviz.ExecutableNotFound:
            pass
    return picture.to_html()


def parts_html(parts: Sequence[Part]) -> str:
    """Every part of a proof, in order."""
    return "".join(_part_html(part) for part in parts)


def proof_html(heading: str, title: str, parts: Sequence[Part]) -> str:
    """What proves the answer, under ``heading`` ("Check with the model") and its title."""
    return (
        "<div class='layerlab-proof-body' style='border-top:1px solid #cccccc;margin-top:8px;"
        f"padding-top:6px;line-height:1.45'><div class='layerlab-proof-title'><b>{html.escape(heading)}:</b> "
        f"{_inline(title)}</div>{parts_html(parts)}</div>"
    )
