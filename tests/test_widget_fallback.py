"""A widget's stored output before its cell runs: readable Markdown and text, never a repr."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")

import ipywidgets as w

from layerlab.widgets.fallback import RUN_TO_ANSWER, Fallback, ReadableBeforeRun, markdown_text, run_to_use

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class Lab(ReadableBeforeRun, w.VBox):
    """What a lab does with the helper: say what it is and what to do."""

    def fallback(self) -> Fallback:
        return Fallback(
            "Container lab",
            ("Two containers of `cow-demo`: apply an operation to the first.", "- `chmod` a big file", "- `delete` `/bin/sh`"),
            action=run_to_use("the container lab"),
        )


def test_the_mixin_adds_markdown_and_text_to_the_widget_bundle() -> None:
    bundle = Lab()._repr_mimebundle_()
    assert WIDGET_VIEW in bundle  # the live widget still shows once the cell runs
    assert bundle["text/markdown"] == (
        "**Container lab**\n\n"
        "Two containers of `cow-demo`: apply an operation to the first.\n\n"
        "- `chmod` a big file\n"
        "- `delete` `/bin/sh`\n\n"
        "▶ *Run this cell to use the container lab.*\n"
    )
    assert bundle["text/plain"] == (
        "Container lab\nTwo containers of `cow-demo`: apply an operation to the first.\n"
        "- `chmod` a big file\n- `delete` `/bin/sh`\n▶ Run this cell to use the container lab."
    )
    assert "Lab(" not in bundle["text/plain"] and "VBox(" not in bundle["text/plain"]


def test_markdown_text_escapes_markup_but_not_code() -> None:
    assert markdown_text("overlay2/<mount-id>/diff") == "overlay2/\\<mount-id\\>/diff"
    assert markdown_text("`<mount-id>` and *not* [a link](x) #1 | a_b & c") == (
        "`<mount-id>` and \\*not\\* \\[a link\\](x) \\#1 \\| a\\_b &amp; c"
    )


def test_fallback_without_body_or_action() -> None:
    page = Fallback("Just a title")
    assert page.markdown() == "**Just a title**\n"
    assert page.plain() == "Just a title"
    assert Fallback("T", action=RUN_TO_ANSWER).markdown().endswith("▶ *Run this cell to answer.*\n")
