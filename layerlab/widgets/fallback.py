"""What a widget's output reads like before its cell runs: a few readable lines, never a repr.

Seen in JupyterLab 4.6 with jupyterlab_widgets 3 (headless Chromium, notebooks as
``scripts/run-notebooks`` stores them, without widget state):

* a notebook opened fresh (a clone, Binder) is *not trusted*, so each output shows its best
  *safe* type, and a widget's is ``text/plain``: ipywidgets' repr,
  ``ExerciseWidget(MultipleChoice(question='…``. Stored widget state would not help: the
  widget renderer is not safe, so an untrusted notebook never uses it;
* a notebook the learner saved after running it is trusted; without a kernel's models it
  says "Error displaying widget: model not found", with or without this module.

So every widget of the course adds a readable fallback to its mimebundle: ``text/markdown``
(what an untrusted notebook renders) and ``text/plain`` (consoles, ``nbconvert --to
markdown``), saying what the widget is and "Run this cell to …". Use it as a mixin, first
among the bases, and say what the widget is in :meth:`ReadableBeforeRun.fallback`::

    class ContainerLab(ReadableBeforeRun, w.VBox):
        def fallback(self) -> Fallback:
            return Fallback("Container lab", ("Two containers of `cow-demo` …",),
                            action=run_to_use("the container lab"))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from layerlab.i18n import N_, translate

__all__ = ["RUN_TO_ANSWER", "Fallback", "ReadableBeforeRun", "markdown_text", "run_to_use"]

#: What an exercise says before its cell runs.
RUN_TO_ANSWER = N_("Run this cell to answer.")
#: What a lab or explorer says before its cell runs (``what``: "the container lab").
RUN_TO_USE = N_("Run this cell to use {what}.")

_CODE = re.compile(r"(`[^`]*`)")
_SPECIAL = re.compile(r"([\\*_\[\]<>#|~!])")


def run_to_use(what: str) -> str:
    """``"Run this cell to use the container lab."`` for ``what="the container lab"``."""
    return translate(RUN_TO_USE).format(what=what)


def markdown_text(text: str) -> str:
    """Plain text (with `code` in backticks) as Markdown that renders it as written: the
    characters Markdown or HTML would take as markup are escaped, except inside code."""
    pieces = _CODE.split(text)
    for i in range(0, len(pieces), 2):
        pieces[i] = _SPECIAL.sub(r"\\\1", pieces[i].replace("&", "&amp;"))
    return "".join(pieces)


@dataclass(frozen=True)
class Fallback:
    """A widget as a short page: a bold title, lines of text, and what to do.

    Each line of ``body`` is a paragraph, or a list item when it starts with ``"- "``; text
    is plain, with `code` in backticks.
    """

    title: str
    body: tuple[str, ...] = ()
    action: str = ""

    def markdown(self) -> str:
        lines = [f"**{markdown_text(self.title)}**", ""]
        for line in self.body:
            item = line.startswith("- ")
            text = markdown_text(line[2:] if item else line)
            lines += [f"- {text}"] if item else [text, ""]
        if lines[-1] != "":
            lines.append("")
        if self.action:
            lines.append(f"▶ *{markdown_text(self.action)}*")
        return "\n".join(lines).rstrip() + "\n"

    def plain(self) -> str:
        lines = [self.title, *self.body]
        if self.action:
            lines.append(f"▶ {self.action}")
        return "\n".join(lines)

    def bundle(self) -> dict[str, str]:
        """The two readable entries of a mimebundle."""
        return {"text/markdown": self.markdown(), "text/plain": self.plain()}


class ReadableBeforeRun:
    """Mixin for a widget: its stored output reads as :meth:`fallback` until the cell runs."""

    def fallback(self) -> Fallback:  # pragma: no cover - every user defines it
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = dict(super()._repr_mimebundle_(**kwargs))  # type: ignore[misc]
        bundle.update(self.fallback().bundle())
        return bundle
