"""The one way every widget fails: a readable message inside it, never a traceback."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")

from layerlab.model.errors import LayerlabError
from layerlab.widgets.errors import error_html, guard


def run(action) -> tuple[bool, list[str]]:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    return guard(action, shown.append), shown


def raises(error: Exception):  # type: ignore[no-untyped-def]
    def action() -> None:
        raise error

    return action


def test_a_clean_action_shows_nothing() -> None:
    assert run(lambda: 42) == (True, [])


def test_a_layerlab_error_is_shown_in_its_own_words() -> None:
    assert run(raises(LayerlabError("Dockerfile line 2: unknown instruction"))) == (
        False,
        ["Dockerfile line 2: unknown instruction"],
    )


def test_an_os_error_names_the_file() -> None:
    ok, shown = run(raises(FileNotFoundError(2, "No such file or directory", "/x/image.tar")))
    assert not ok and shown == ["No such file or directory: /x/image.tar"]
    assert run(raises(PermissionError("denied")))[1] == ["denied"]


def test_anything_else_is_shown_as_a_bug_in_the_widget() -> None:
    ok, shown = run(raises(RuntimeError("kaboom")))
    assert not ok and shown == ["Something went wrong in the widget itself (RuntimeError: kaboom)."]


def test_a_broken_error_display_does_not_raise_either() -> None:
    def broken(message: str) -> None:
        raise ValueError("the widget is gone")

    assert guard(raises(RuntimeError("first")), broken) is False


def test_error_html_escapes_and_says_what_was_kept() -> None:
    box = error_html("layerlab-x", "<b>bad</b>", title="Cannot build", note="Nothing changed.")
    assert "layerlab-x-error-body" in box and "&lt;b&gt;bad&lt;/b&gt;" in box
    assert "⚠ Cannot build:" in box and "<i>Nothing changed.</i>" in box
    assert "<i>" not in error_html("layerlab-x", "bad")


def test_every_lab_reads_as_a_page_before_its_cell_runs() -> None:
    """An untrusted notebook shows a widget's text/markdown: a title and "Run this cell to
    use …", never ipywidgets' repr."""
    from layerlab.engine.host import Host
    from layerlab.widgets import BuildLab, ContainerLab, DataRootExplorer, DriverLab, ImageExplorer

    for lab in (BuildLab(Host()), ContainerLab(Host(seed=0)), DriverLab(), DataRootExplorer(),
                ImageExplorer()):  # fmt: skip
        bundle = lab._repr_mimebundle_()
        markdown, plain = bundle["text/markdown"], bundle["text/plain"]
        assert "Run this cell to use the" in markdown and "Run this cell to use the" in plain
        assert "(" not in plain.splitlines()[0] and "=" not in plain and "VBox" not in plain
        assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget is still there
