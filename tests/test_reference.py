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

    host = Host(seed=1, engine="20.10")
    image = host.add(Image.build([Layer.from_files({"f": b"f"})]), "localhost:5000/app")
    root = DataRoot.from_host(host)
    for ref in ("localhost:5000/app", "localhost:5000/app:latest", image.image_id, image.image_id[7:19]):
        assert host.image(ref) is image
        assert root.identity(ref).image_id == image.image_id


def test_with_the_containerd_store_the_image_id_is_the_manifest_blob_s_digest() -> None:
    """docs.docker.com engine/storage/containerd.md: images are content in containerd's store;
    the id ``docker images`` shows is the digest of the manifest (or index) blob, and the host
    and its data root find the image by that id, its short form and its name alike."""
    import hashlib
    import json

    from layerlab.dataroot import DataRoot
    from layerlab.dataroot.containerd import CONTENT
    from layerlab.dataroot.root import CONTAINERD_ROOT

    host = Host(seed=1, engine="28-containerd")
    image = host.add(Image.build([Layer.from_files({"f": b"f"})]), "localhost:5000/app")
    root = DataRoot.from_host(host)
    found = root.identity("localhost:5000/app").image_id
    blob = root.node(f"{CONTAINERD_ROOT}/{CONTENT}/blobs/sha256/{found[7:]}").content or ""
    assert "sha256:" + hashlib.sha256(blob.encode()).hexdigest() == found
    assert json.loads(blob)["config"]["digest"] == "sha256:" + hashlib.sha256(image.config_bytes).hexdigest()
    assert found != image.image_id  # not the config digest the classic store names it by
    for ref in ("localhost:5000/app:latest", found, found[7:19]):
        assert host.image(ref) is image
        assert root.identity(ref).image_id == found
