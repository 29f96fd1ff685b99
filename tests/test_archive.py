"""Writing and reading archives: docker save and OCI layouts, every compression."""

import gzip
import json
import os

import pytest
import zstandard

from layerlab import (
    Hardlink,
    Image,
    Layer,
    LayerlabError,
    Symlink,
    SyntheticContent,
    load_image,
    read_archive,
    save_docker_archive,
    save_oci_layout,
    unpack_image,
    unpack_layer,
)
from layerlab.course.examples import demo_image


@pytest.fixture(scope="module")
def image():
    base = Layer.from_files({
        "bin/tool": SyntheticContent(200_000, "tool"),
        "bin/alias": Symlink(target="tool"),
        "bin/twin": Hardlink(target="bin/tool"),
        "etc/conf": b"a=1\n",
        "var/cache/big": SyntheticContent(100_000, "cache"),
    })
    top = Layer.from_files({"etc/conf": b"a=2\n", "app/run.sh": b"echo hi\n"}, delete=["var/cache"])
    return Image.build([base, top], cmd=["/bin/tool"])


def same(a: Image, b: Image) -> None:
    assert (a.image_id, a.diff_ids, a.chain_ids, a.config_bytes) == (b.image_id, b.diff_ids, b.chain_ids, b.config_bytes)


def test_docker_save_round_trip_keeps_ids_and_tags(image, tmp_path):
    path = save_docker_archive({"demo/app:1": image, "demo/app:latest": image}, tmp_path / "a.tar")
    [archived] = read_archive(path)
    same(archived.image, image)
    assert sorted(archived.tags) == ["demo/app:1", "demo/app:latest"]
    assert archived.format == "docker-save"
    assert archived.image.layers[1].whiteouts == {"var/cache"}


@pytest.mark.parametrize("compression", ["none", "gzip"])
@pytest.mark.parametrize("as_tar", [False, True])
def test_oci_layout_round_trip(image, tmp_path, compression, as_tar):
    path = save_oci_layout({"demo:2": image}, tmp_path / ("oci.tar" if as_tar else "oci"), compression=compression)
    [archived] = read_archive(path)
    same(archived.image, image)
    assert archived.tags == ["demo:2"]
    assert {i.compression for i in archived.layer_info} == {compression}


def test_zstd_layers_are_read(image, tmp_path):
    root = save_oci_layout(image, tmp_path / "oci")
    index = json.loads((root / "index.json").read_text())
    blobs = root / "blobs" / "sha256"
    manifest_path = blobs / index["manifests"][0]["digest"][7:]
    manifest = json.loads(manifest_path.read_text())
    for desc in manifest["layers"]:
        raw = (blobs / desc["digest"][7:]).read_bytes()
        packed = zstandard.ZstdCompressor().compress(raw)
        from rawtar import sha

        (blobs / sha(packed)[7:]).write_bytes(packed)
        desc.update(digest=sha(packed), size=len(packed), mediaType="application/vnd.oci.image.layer.v1.tar+zstd")
    data = json.dumps(manifest).encode()
    from rawtar import sha

    (blobs / sha(data)[7:]).write_bytes(data)
    index["manifests"][0].update(digest=sha(data), size=len(data))
    (root / "index.json").write_text(json.dumps(index))
    [archived] = read_archive(root)
    same(archived.image, image)
    assert {i.compression for i in archived.layer_info} == {"zstd"}


def test_layers_shared_by_two_images_are_stored_once(image, tmp_path):
    other = Image.build([image.layers[0], Layer.from_files({"other": b"o"})])
    path = save_docker_archive({"a:1": image, "b:1": other}, tmp_path / "two.tar")
    archived = read_archive(path)
    assert len(archived) == 2
    assert archived[0].image.layers[0].diff_id == archived[1].image.layers[0].diff_id
    import tarfile

    layer_tars = [n for n in tarfile.open(path).getnames() if n.endswith("layer.tar")]
    assert len(layer_tars) == 3
    assert load_image(path, "b:1").image_id == other.image_id
    with pytest.raises(LayerlabError, match="choose one"):
        load_image(path)


def test_file_contents_are_read_back_lazily_from_the_archive(image, tmp_path):
    for path in (save_docker_archive(image, tmp_path / "a.tar"), save_oci_layout(image, tmp_path / "o", compression="gzip")):
        tree = read_archive(path)[0].image.rootfs()
        assert tree.read("etc/conf") == b"a=2\n"
        assert tree.read("bin/twin") == tree.read("bin/tool")
        assert "var/cache" not in tree


def test_unpack_writes_the_merged_filesystem(image, tmp_path):
    archived = read_archive(save_docker_archive(image, tmp_path / "a.tar"))[0]
    root = unpack_image(archived.image, tmp_path / "rootfs")
    assert (root / "etc/conf").read_bytes() == b"a=2\n"
    assert os.readlink(root / "bin/alias") == "tool"
    assert os.stat(root / "bin/twin").st_ino == os.stat(root / "bin/tool").st_ino
    assert not (root / "var/cache").exists() and (root / "var").is_dir()
    one = unpack_layer(archived.image.layers[1], tmp_path / "top")
    assert sorted(p.name for p in one.iterdir()) == ["app", "etc", "var"]


def test_unpack_of_a_model_image_matches_its_rootfs(tmp_path):
    image = demo_image()
    root = unpack_image(image, tmp_path / "demo")
    on_disk = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    assert on_disk == sorted(image.rootfs())


def test_unpack_refuses_a_non_empty_target(image, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep").write_text("mine")
    with pytest.raises(LayerlabError, match="not an empty directory"):
        unpack_image(image, tmp_path / "full")
    assert (tmp_path / "full" / "keep").read_text() == "mine"


def test_gzip_compressed_docker_save_layers(image, tmp_path):
    from rawtar import docker_save

    blobs = [gzip.compress(b"".join(l.tar_chunks())) for l in image.layers]
    path = docker_save(tmp_path / "gz.tar", blobs, config=image.config_bytes)
    same(read_archive(path)[0].image, image)


def test_docker_save_of_engines_25_and_later_oci_layout_with_manifest_json(image, tmp_path):
    """Engines 25+ write an OCI layout plus a manifest.json whose paths are blobs/sha256/..."""
    import tarfile

    root = save_oci_layout({"demo:25": image}, tmp_path / "layout")
    index = json.loads((root / "index.json").read_text())
    manifest = json.loads((root / "blobs/sha256" / index["manifests"][0]["digest"][7:]).read_text())
    blob = lambda d: "blobs/sha256/" + d["digest"][7:]  # noqa: E731
    docker_manifest = [{
        "Config": blob(manifest["config"]),
        "RepoTags": ["demo:25"],
        "Layers": [blob(d) for d in manifest["layers"]],
    }]
    (root / "manifest.json").write_text(json.dumps(docker_manifest))
    archive = tmp_path / "save25.tar"
    with tarfile.open(archive, "w") as tar:
        for path in sorted(root.rglob("*")):
            tar.add(path, str(path.relative_to(root)), recursive=False)
    [archived] = read_archive(archive)
    same(archived.image, image)
    assert archived.format == "docker-save-oci" and archived.tags == ["demo:25"]
    # a blob named by a digest it does not have is caught in this layout too
    victim = root / docker_manifest[0]["Layers"][0]
    victim.write_bytes(victim.read_bytes()[:-1024] + bytes(1023) + b"\x01")
    with pytest.raises(LayerlabError, match="hashes to"):
        read_archive(root)
