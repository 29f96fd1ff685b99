"""docker load keeps the host's own copy, as an engine does."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from layerlab.archive import save_docker_archive, save_oci_layout
from layerlab.engine.host import Host, HostError
from layerlab.model.content import SyntheticContent
from layerlab.model.image import Image
from layerlab.model.layer import Layer


def sample() -> Image:
    return Image.build(
        [
            Layer.from_files({"big.bin": SyntheticContent(3_000_000, seed=4), "etc/x": b"x\n"}),
            Layer.from_files({"app/main": b"main\n"}),
        ]
    )


def test_a_loaded_image_outlives_its_archive(tmp_path: Path) -> None:
    image = sample()
    archive = save_docker_archive({"demo:1": image}, tmp_path / "demo.tar")
    host = Host()
    assert host.load(archive) == ["Loaded image: demo:1"]
    archive.unlink()

    again = host.save(["demo:1"], tmp_path / "again.tar")  # streams every layer once more
    other = Host()
    other.load(again)
    assert other.image("demo:1").image_id == image.image_id
    c = host.run("demo:1", "true", name="reader")
    assert b"".join(c.read("/app/main").chunks()) == b"main\n"
    assert sum(len(chunk) for chunk in c.read("/big.bin").chunks()) == 3_000_000


def test_an_oci_layout_is_copied_too_and_the_copy_goes_with_the_host(tmp_path: Path) -> None:
    layout = save_oci_layout(sample(), tmp_path / "layout")
    host = Host()
    host.load(layout)
    store = host.archive_copies.directory
    assert store is not None
    assert any(store.iterdir())
    del host
    gc.collect()
    assert not store.exists()


def test_loading_a_missing_archive_says_so() -> None:
    with pytest.raises(HostError, match="no such file"):
        Host().load("/nonexistent/x.tar")
