"""Images: config bytes, identities, history, and the merged filesystem."""

import json

import pytest

from layerlab import (
    ArchiveError,
    Dir,
    File,
    HistoryEntry,
    Image,
    Layer,
    LayerlabError,
    LimitExceeded,
)
from layerlab.course.examples import demo_image


def test_image_id_is_the_hash_of_the_config_bytes_as_stored():
    layer = Layer.from_files({"a": b"x"})
    image = Image.build([layer])
    spaced = json.dumps(json.loads(image.config_bytes), indent=2).encode()
    other = Image([layer], spaced)
    assert other.config == image.config
    assert other.image_id != image.image_id  # same JSON, other bytes, other id


def test_config_must_list_the_layers_it_has():
    a, b = Layer.from_files({"a": b"1"}), Layer.from_files({"b": b"2"})
    config = Image.build([a, b]).config_bytes
    with pytest.raises(ArchiveError, match="diff_id"):
        Image([b, a], config)
    with pytest.raises(ArchiveError, match="2 diff_ids"):
        Image([a], config)


def test_history_must_match_the_layers():
    with pytest.raises(LayerlabError, match="history"):
        Image.build([Layer()], history=[HistoryEntry("ENV A=1", empty_layer=True)])


def test_only_filesystem_steps_make_layers_in_the_demo():
    image = demo_image()
    made = [h.created_by.split()[0] for h, layer in image.steps() if layer is not None]
    empty = [h.created_by.split()[0] for h, layer in image.steps() if layer is None]
    assert made == ["ADD", "RUN", "RUN", "COPY"]
    assert set(empty) == {"ENV", "CMD"}
    assert len(image.layers) == len(image.diff_ids) == len(image.chain_ids) == 4


def test_deleting_in_a_later_layer_keeps_the_bytes_in_the_image():
    image = demo_image()
    rootfs = image.rootfs()
    assert "data/dataset.bin" not in rootfs
    assert image.size - rootfs.size >= 30_000_000


def test_rootfs_applies_whiteouts_opaque_dirs_and_replacements():
    base = Layer.from_files({"d/a": b"1", "d/b": b"2", "f/x": b"3", "g": b"4", "h/i": b"5"})
    top = Layer(
        {"d": Dir(), "d/c": File(content=b"new"), "f": File(content=b"was a dir"), "h": Dir(), "h/j": File(content=b"6")},
        whiteouts=["g"],
        opaque=["d"],
    )
    tree = Image.build([base, top]).rootfs()
    assert sorted(tree) == ["d", "d/c", "f", "h", "h/i", "h/j"]
    assert tree.read("f") == b"was a dir"
    assert tree.listdir("/h") == ["i", "j"]


def test_too_many_layers_is_refused_like_the_engine():
    # the classic store's layer store refuses a 126th layer; the containerd store does not
    # (tests/engine/test_engine_archives.py loads one into each engine)
    from layerlab.engine.host import Host

    layers = [Layer.from_files({f"f{i}": b"x"}) for i in range(126)]
    with pytest.raises(LimitExceeded, match="max 125"):
        Host(engine="28").add(Image.build(layers))
    assert len(Host(engine="28-containerd").add(Image.build(layers)).layers) == 126
    assert len(Host(engine="28").add(Image.build(layers[:125])).layers) == 125
