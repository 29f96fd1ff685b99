"""Every picture the course draws (tests/picture_gallery.py), checked as SVG: one font
family, a readable smallest size, and a width that fits a notebook column.

How the browser draws the same SVGs (text boxes that overlap) is tests/browser/test_pictures.py.
"""

from __future__ import annotations

import functools
import re

import pytest
from picture_gallery import NOT_PICTURES, RENDERERS, gallery

import layerlab.render
from layerlab.i18n import set_language
from layerlab.render import theme

FAMILIES = {theme.FONT, theme.MONO}


@functools.cache
def drawn(language: str) -> dict[str, str]:
    """Every picture as SVG, drawn in ``language``."""
    set_language(language)
    try:
        return {name: picture.svg() for name, picture in gallery(language).items()}
    finally:
        set_language(None)


@pytest.fixture(scope="module", params=["en", "ko"])
def svgs(request: pytest.FixtureRequest) -> dict[str, str]:
    """Every picture, drawn in each language the course speaks (Korean labels are wider)."""
    return drawn(request.param)


def test_the_gallery_covers_every_renderer() -> None:
    assert set(layerlab.render.__all__) == RENDERERS | NOT_PICTURES
    drawn = {picture.name for picture in gallery().values()}
    names = {"build_cache", "container", "containers_over_image", "copy_up", "cost_chart", "dataroot",
             "identities", "image", "layer_layout", "lookup", "shared_layers", "waste"}  # fmt: skip
    assert drawn == names  # one kind of picture per renderer
    assert any(name.startswith("lab-") for name in gallery())  # and the labs' own states


def test_every_label_is_in_the_theme_font(svgs: dict[str, str]) -> None:
    """Edge labels too (graphviz's default is Times): dot measures what the browser draws."""
    for name, svg in svgs.items():
        families = set(re.findall(r'font-family="([^"]*)"', svg))
        assert families <= FAMILIES, f"{name}: {families - FAMILIES}"


def test_no_text_below_the_smallest_size(svgs: dict[str, str]) -> None:
    smallest = float(theme.SMALL_SIZE)
    for name, svg in svgs.items():
        sizes = {float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)}
        assert sizes and min(sizes) >= smallest, f"{name}: text at {min(sizes)} pt"


def test_no_text_run_starts_or_ends_with_a_space_the_page_would_drop(svgs: dict[str, str]) -> None:
    """SVG collapses a leading space that dot measured: '3 B' + ' on disk' read '3 Bon disk'."""
    for name, svg in svgs.items():
        runs = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
        assert runs, name
        bad = [r for r in runs if r != r.strip(" ") or "  " in r]
        assert not bad, f"{name}: {bad[:3]}"


#: Data-root trees drawn three or four levels deep (notebook 01) are wider than a column:
#: they scale down to it, to no less than 60 % (a click shows them at full size).
DEEP_TREES = {"01-after-pull": 3, "01-volume": 3, "01-containerd-root": 4}


def test_every_picture_fits_a_notebook_column(svgs: dict[str, str]) -> None:
    """At 1280 px with JupyterLab's file browser open the column is about 848 px: a picture
    no wider is drawn at full size, its text at the sizes above."""
    too_wide = {}
    for name, svg in svgs.items():
        width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
        limit = theme.MAX_WIDTH_PT / 0.6 if name in DEEP_TREES else theme.MAX_WIDTH_PT
        if width > limit:
            too_wide[name] = round(width * 4 / 3)
    assert not too_wide, f"wider than {theme.MAX_WIDTH_PT} pt ({theme.MAX_WIDTH_PT * 4 // 3} px): {too_wide}"


def test_the_korean_pictures_are_labelled_in_hangul_in_a_font_that_has_it() -> None:
    """Every picture of the gallery drawn in Korean carries Hangul, in a family list naming
    NanumGothic; where fontconfig is there, that font is installed (set-up and Binder's
    apt.txt install it), so dot measures the labels in it."""
    import shutil
    import subprocess

    svgs = drawn("ko")
    without = sorted(name for name, svg in svgs.items() if not re.search(r"[\uac00-\ud7a3]", svg))
    assert not without, f"Korean pictures without Hangul: {without}"
    assert "NanumGothic" in theme.FONT.split(",")
    if shutil.which("fc-list") is None:
        pytest.skip("no fontconfig here to ask which fonts are installed")
    installed = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True).stdout
    assert "NanumGothic" in installed, "fonts-nanum is not installed (scripts/setup installs it)"
