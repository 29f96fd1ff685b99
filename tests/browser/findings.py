"""What is wrong on a learner's screen, as precise messages: which cell, what, how wide.

Each function reads the views of :mod:`.learner_view` and returns :class:`Finding`s; the
tests assert there are none, and the report (:mod:`.report`) lists them by kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .language import ENGLISH, Say
from .learner_view import OutputView

#: Python showing through where a learner should read a sentence, a picture or a widget.
RAW_PYTHON = {
    "a widget's repr": re.compile(r"\b\w*(Widget|Lab|Explorer)\(|<\w*(Lab|Explorer)\b[^<>\n]*>"),
    "a dataclass or call repr": re.compile(r"\b[A-Z]\w*\((\w+=|'|\")"),
    "an object repr": re.compile(
        r"<layerlab\b[^<>\n]*>|<[A-Z]\w*[ :][^<>\n]*>|<(\w+\.)+\w+( object)?\b[^<>\n]*>|object at 0x[0-9a-f]+"
    ),
    "a Python set or view": re.compile(r"\bfrozenset\(|\bset\(\)|\bdict_(keys|values|items)\("),
    "a template not filled in": re.compile(r"\{[a-z_]+\}"),
}
#: What the widget renderer writes when a stored widget cannot be shown.
WIDGET_FAILED = re.compile(r"Error (displaying|creating) widget[^\n]*|Loading widget\.\.\.")
#: Errors a learner must never see after Run All.
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|\b\w*(Error|Exception)\b")
#: What an exercise says before its cell runs, as layerlab writes it (English, the catalogue's
#: source): ``RUN_TO_ANSWER`` in layerlab/widgets/fallback.py, which the exercise widget
#: (layerlab/widgets/exercise.py) prints; test_harness checks the two are the same.
RUN_TO_ANSWER = "Run this cell to answer."
#: What a lab or explorer says before its cell runs (``RUN_TO_USE``; ``what``: "the build lab").
RUN_TO_USE = "Run this cell to use {what}."


def run_this_cell(say: Say = ENGLISH) -> re.Pattern[str]:
    """Either sentence in ``say``'s language, as the catalogue gives it (whatever ``what``)."""
    return re.compile(f"{say.pattern(RUN_TO_ANSWER).pattern}|{say.pattern(RUN_TO_USE).pattern}",
                      re.IGNORECASE)  # fmt: skip


#: What an exercise or lab says before its cell runs, in an English notebook.
RUN_THIS_CELL = run_this_cell()
STDERR = "application/vnd.jupyter.stderr"


@dataclass(frozen=True)
class Finding:
    kind: str
    cell: int
    message: str

    def __str__(self) -> str:
        return self.message


def _quote(text: str, limit: int = 90) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _thing(out: OutputView) -> str:
    return {"text": "text output", "html": "HTML output"}.get(out.kind, out.kind)


def fit(notebook: str, outs: list[OutputView], when: str = "after Run All") -> list[Finding]:
    """Outputs wider than their column, boxes that scroll sideways, text cut off."""
    found = []
    for out in outs:
        at = f"{notebook} {out.where} ({_thing(out)}, {when})"
        scrollers = [p for p in out.problems if p.kind == "scrolls"]
        if out.too_wide:
            how = f"; {scrollers[0].what} scrolls sideways" if scrollers else ""
            found.append(Finding("too wide", out.cell,
                f"{at}: {out.widest_what} reaches {out.widest} px in a {out.column} px column{how}"))  # fmt: skip
        for p in out.problems:
            if p.kind == "scrolls":
                if out.too_wide and p is scrollers[0]:
                    continue  # said above
                found.append(Finding("scrolls sideways", out.cell,
                    f"{at}: {p.what} scrolls sideways ({p.width} px of content in {p.room} px)"))  # fmt: skip
            elif p.kind == "placeholder":
                found.append(Finding("cut off", out.cell,
                    f"{at}: {p.what}'s placeholder {_quote(p.text)} needs {p.width} px, has {p.room} px"))  # fmt: skip
            else:
                how = "ends in '…'" if p.kind == "ellipsis" else "is clipped"
                found.append(Finding("cut off", out.cell,
                    f"{at}: {p.what} {how} ({p.width} px of content in {p.room} px): {_quote(p.text)}"))  # fmt: skip
    return found


def raw_python(notebook: str, outs: list[OutputView], when: str) -> list[Finding]:
    """Reprs, unfilled templates and failed widgets in what the learner reads."""
    found = []
    for out in outs:
        for label, pattern in RAW_PYTHON.items():
            match = pattern.search(out.text)
            if match:
                line = next(ln for ln in out.text.splitlines() if match.group(0) in ln)
                found.append(Finding("raw Python", out.cell,
                    f"{notebook} {out.where} ({when}) shows {label}: {_quote(line)}"))  # fmt: skip
                break  # one message an output: the first thing a learner would trip over
        failed = WIDGET_FAILED.search(out.text)
        if failed:
            found.append(Finding("widget not shown", out.cell,
                f"{notebook} {out.where} ({when}) shows {_quote(failed.group(0))} instead of a widget"))  # fmt: skip
    return found


def unreadable_widgets(
    notebook: str, outs: list[OutputView], widget_cells: dict[int, str], say: Say = ENGLISH
) -> list[Finding]:
    """Exercise and lab cells that, before running, do not tell the learner to run them, in
    the notebook's language (``say``: the sentence as its kernel's catalogue gives it)."""
    shown: dict[int, str] = {}
    for out in outs:
        shown[out.cell] = shown.get(out.cell, "") + "\n" + out.text
    wanted = run_this_cell(say)
    found = []
    for cell, what in sorted(widget_cells.items()):
        text = shown.get(cell, "").strip()
        if not wanted.search(text):
            seen = _quote(text.splitlines()[-1]) if text else "nothing"
            said = say(RUN_TO_ANSWER) if what == "exercise" else say(RUN_TO_USE, what="…")
            found.append(Finding("no 'run this cell'", cell,
                f"{notebook} cell {cell} ({what}, before running) shows {seen}, not {said!r}"))  # fmt: skip
    return found


def errors(notebook: str, outs: list[OutputView], when: str = "after Run All") -> list[Finding]:
    """Tracebacks, stderr that names an error, widgets the renderer could not show, and
    widgets showing their own error box."""
    found = []
    for out in outs:
        for box in out.error_boxes:
            found.append(Finding("error output", out.cell,
                f"{notebook} {out.where} ({when}): the {out.kind} shows an error: {_quote(box, 300)}"))  # fmt: skip
        if out.mime == STDERR and ERROR_TEXT.search(out.text):
            found.append(Finding("error output", out.cell,
                f"{notebook} {out.where} ({when}): stderr {_quote(out.text, 400)}"))  # fmt: skip
        elif "Traceback (most recent call last)" in out.text:
            found.append(Finding("error output", out.cell,
                f"{notebook} {out.where} ({when}): a traceback in a {_thing(out)}: {_quote(out.text, 400)}"))  # fmt: skip
        failed = WIDGET_FAILED.search(out.text)
        if failed:
            found.append(Finding("error output", out.cell,
                f"{notebook} {out.where} ({when}): {_quote(failed.group(0))}"))  # fmt: skip
    return found
