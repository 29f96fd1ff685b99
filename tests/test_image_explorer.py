"""The image explorer widget and the waste picture, without a browser."""

from __future__ import annotations

from layerlab import save_docker_archive
from layerlab.analysis import analyze
from layerlab.course.examples import demo_image
from layerlab.render import waste_stack
from layerlab.widgets import ImageExplorer


def rows(explorer: ImageExplorer) -> int:
    return explorer.tree.value.count("layerlab-explorer-row ")


def test_picking_a_layer_shows_its_marks(tmp_path):
    archive = save_docker_archive({"demo:1": demo_image()}, tmp_path / "demo.tar")
    explorer = ImageExplorer(archive)
    assert explorer.error.value == ""
    assert [name for name, _ in explorer.image_pick.options] == ["demo:1"]
    assert explorer.layer_pick.value == 3  # the top layer first
    explorer.layer_pick.value = 2  # RUN rm /data/dataset.bin
    assert (
        "layerlab-explorer-mark-D" in explorer.tree.value and "dataset.bin" in explorer.tree.value
    )
    assert rows(explorer) == 1
    explorer.layer_pick.value = 0
    expected = sum(1 for c in analyze(demo_image()).changes(0) if c.mark)
    assert rows(explorer) == expected > 10
    explorer.under.value = "/etc"
    under_etc = [
        c for c in analyze(demo_image()).changes(0) if c.path == "etc" or c.path.startswith("etc/")
    ]
    assert rows(explorer) == len(under_etc) == 5
    assert "30MB" in explorer.summary.value and "efficiency" in explorer.summary.value


def test_errors_stay_inside_and_change_nothing(tmp_path):
    explorer = ImageExplorer(demo_image())
    before = (explorer.tree.value, explorer.summary.value)
    explorer.under.value = "../etc"
    assert "climbs out" in explorer.error.value and "Traceback" not in explorer.error.value
    explorer.path.value = str(tmp_path / "missing.tar")
    explorer.load_button.click()
    assert "no such file" in explorer.error.value
    (tmp_path / "junk.tar").write_bytes(b"junk" * 300)
    explorer.path.value = str(tmp_path / "junk.tar")
    explorer.load_button.click()
    assert "layerlab-explorer-error-body" in explorer.error.value
    assert (explorer.tree.value, explorer.summary.value) == before
    explorer.layer_pick.value = 1
    assert explorer.error.value == ""  # a good action clears the message


def test_waste_picture_names_who_wasted_what():
    source = waste_stack(analyze(demo_image())).source
    assert "deletes 30MB" in source
    assert "30MB of it wasted" in source
