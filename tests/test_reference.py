"""Image references: one normalisation (``app`` -> ``app:latest``) for the host, the data
root and the comparison with an engine."""

from __future__ import annotations

import pytest

from layerlab.engine.host import Host
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.reference import full_ref, is_id_of, split_tag, tags_of


@pytest.mark.parametrize("ref, full", [
    ("app", "app:latest"), ("app:1", "app:1"), ("localhost:5000/app", "localhost:5000/app:latest"),
    ("localhost:5000/app:2", "localhost:5000/app:2"), ("sha256:" + "a" * 64, "sha256:" + "a" * 64),
])
def test_full_ref(ref: str, full: str) -> None:
    assert full_ref(ref) == full


def test_ids_prefixes_and_tags() -> None:
    image_id = "sha256:" + "0123abcd" * 8
    assert is_id_of("0123", image_id) and is_id_of("sha256:0123ab", image_id) and is_id_of(image_id, image_id)
    assert not is_id_of("012", image_id) and not is_id_of("0124", image_id) and not is_id_of("app", image_id)
    assert tags_of({"b:1": image_id, "a:latest": image_id, "c:1": "other"}, image_id) == ["a:latest", "b:1"]
    assert split_tag("localhost:5000/app:2") == ("localhost:5000/app", "2")


def test_the_host_and_its_data_root_find_an_image_the_same_ways() -> None:
    from layerlab.dataroot import DataRoot

    host = Host(seed=1)
    image = host.add(Image.build([Layer.from_files({"f": b"f"})]), "localhost:5000/app")
    root = DataRoot.from_host(host)
    for ref in ("localhost:5000/app", "localhost:5000/app:latest", image.image_id, image.image_id[7:19]):
        assert host.image(ref) is image
        assert root.identity(ref).image_id == image.image_id
