"""A corpus of hostile and malformed archives: each gets a clear layerlab error, nothing
is written outside the target, nothing partial is left behind."""

import gzip
import json
import os
from pathlib import Path

import pytest
from rawtar import config_for, docker_save, sha, tar_bytes

from layerlab import (
    ArchiveError,
    DigestMismatch,
    Layer,
    LimitExceeded,
    UnsafeArchive,
    read_archive,
    save_oci_layout,
    unpack_image,
)
from layerlab.archive.read import select


@pytest.fixture
def area(tmp_path):
    """A sandbox: archives and targets inside ``box``, a canary directory outside it."""
    box = tmp_path / "box"
    box.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    return box, outside


def assert_clean(box: Path, target: Path, outside: Path) -> None:
    assert not target.exists(), "a failed unpack left its target behind"
    assert not [p for p in box.iterdir() if ".unpack-" in p.name], "temporary files left behind"
    assert list(outside.iterdir()) == [], "something was written outside the target"


def unpack(archive: Path, target: Path, **kw):
    return unpack_image(select(read_archive(archive), None).image, target, **kw)


@pytest.mark.parametrize(
    "members, match",
    [
        ([("../escape", "file", b"x")], "climbs out"),
        ([("a/../../escape", "file", b"x")], "climbs out"),
        ([("/abs", "file", b"x")], "absolute"),
        ([("link", "hardlink", "../../outside/x")], "climbs out"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "hardlink-dotdot"],
)
def test_paths_that_leave_the_root_are_refused_on_read(area, members, match):
    box, outside = area
    archive = docker_save(box / "a.tar", [tar_bytes(members)])
    with pytest.raises(UnsafeArchive, match=match):
        read_archive(archive)
    assert list(outside.iterdir()) == []


def test_write_through_a_symlink_that_climbs_out_is_refused(area):
    box, outside = area
    climb = "../" * 12 + str(outside).lstrip("/")
    archive = docker_save(box / "a.tar", [tar_bytes([("evil", "symlink", climb), ("evil/pwned", "file", b"x")])])
    target = box / "root"
    with pytest.raises(UnsafeArchive, match="outside the target"):
        unpack(archive, target)
    assert_clean(box, target, outside)


def test_absolute_symlinks_resolve_inside_the_target_like_a_chroot(area):
    box, outside = area
    archive = docker_save(box / "a.tar", [tar_bytes([("evil", "symlink", str(outside)), ("evil/pwned", "file", b"x")])])
    root = unpack(archive, box / "root")
    assert (root / str(outside).lstrip("/") / "pwned").read_bytes() == b"x"
    assert list(outside.iterdir()) == []


def test_symlink_escape_across_layers_is_refused(area):
    box, outside = area
    lower = tar_bytes([("etc", "symlink", "../../../../../../../../" + str(outside).lstrip("/"))])
    upper = tar_bytes([("etc/passwd", "file", b"root::0:0::/:/bin/sh\n")])
    archive = docker_save(box / "a.tar", [lower, upper])
    target = box / "root"
    with pytest.raises(UnsafeArchive):
        unpack(archive, target)
    assert_clean(box, target, outside)


def test_hard_link_through_a_symlink_to_outside_is_refused(area):
    box, outside = area
    (outside / "secret").write_text("s")
    layer = tar_bytes([("sym", "symlink", str(outside)), ("steal", "hardlink", "sym/secret")])
    target = box / "root"
    with pytest.raises(UnsafeArchive, match="no such file in the image"):
        unpack(docker_save(box / "a.tar", [layer]), target)
    assert not target.exists() and (outside / "secret").stat().st_nlink == 1
    (outside / "secret").unlink()


def test_device_nodes_are_refused_unless_allowed(area):
    box, outside = area
    archive = docker_save(box / "a.tar", [tar_bytes([("dev", "dir"), ("dev/mem", "char", b"", {"dev": (1, 1)})])])
    target = box / "root"
    with pytest.raises(UnsafeArchive, match="device node"):
        unpack(archive, target)
    assert_clean(box, target, outside)
    if os.geteuid() == 0:
        root = unpack(archive, target, allow_devices=True)
        assert os.major(os.lstat(root / "dev/mem").st_rdev) == 1


def test_duplicate_entries_are_refused(area):
    box, _ = area
    layer = tar_bytes([("a", "file", b"1"), ("a", "file", b"2")])
    with pytest.raises(ArchiveError, match="duplicate"):
        read_archive(docker_save(box / "a.tar", [layer]))


def test_config_diff_ids_must_match_the_layers(area):
    box, _ = area
    layer = tar_bytes([("a", "file", b"1")])
    with pytest.raises(DigestMismatch, match="diff_id"):
        read_archive(docker_save(box / "a.tar", [layer], diff_ids=[sha(b"something else")]))


def test_a_blob_whose_digest_does_not_match_is_refused(area):
    box, _ = area
    root = save_oci_layout(small_image(), box / "oci")
    manifest = json.loads((root / "index.json").read_text())["manifests"][0]["digest"]
    layer_digest = json.loads((root / "blobs/sha256" / manifest[7:]).read_text())["layers"][0]["digest"]
    blob = root / "blobs/sha256" / layer_digest[7:]
    data = bytearray(blob.read_bytes())
    data[600] ^= 1  # flip one bit of the file contents, keep the size
    blob.write_bytes(bytes(data))
    with pytest.raises(DigestMismatch, match="named"):
        read_archive(root)


def small_image():
    from layerlab import Image

    return Image.build([Layer.from_files({"file": b"content " * 100})])


def test_truncated_layer_tar(area):
    box, _ = area
    layer = tar_bytes([("a", "file", b"x" * 5000)])
    with pytest.raises(ArchiveError, match="truncated"):
        read_archive(docker_save(box / "a.tar", [layer[:3000]], diff_ids=[sha(layer)]))


def test_truncated_archive(area, tmp_path):
    box, _ = area
    whole = docker_save(box / "a.tar", [tar_bytes([("a", "file", b"x" * 50_000)])]).read_bytes()
    cut = box / "cut.tar"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ArchiveError):
        read_archive(cut)


def test_truncated_gzip_layer(area):
    box, _ = area
    layer = tar_bytes([("a", "file", os.urandom(20_000))])
    packed = gzip.compress(layer)
    with pytest.raises(ArchiveError, match="truncated|decompress"):
        read_archive(docker_save(box / "a.tar", [packed[: len(packed) // 2]], diff_ids=[sha(layer)]))


def test_corrupt_gzip_layer(area):
    box, _ = area
    layer = tar_bytes([("a", "file", b"x" * 20_000)])
    packed = bytearray(gzip.compress(layer))
    packed[20:30] = b"\xff" * 10
    with pytest.raises(ArchiveError):
        read_archive(docker_save(box / "a.tar", [bytes(packed)], diff_ids=[sha(layer)]))


def test_gzip_bomb_is_stopped_early(area):
    box, outside = area
    # 64 MiB of zeros in one tar entry, compressed once and repeated as 40 gzip members:
    # 2.5 GiB uncompressed from about 2.5 MB.
    header = tar_bytes([("bomb", "file", b"")], end=False)
    member = gzip.compress(bytes(64 << 20), compresslevel=9)
    head = bytearray(header)
    head[124:136] = f"{(40 * (64 << 20)):011o}\x00".encode()
    head[148:156] = b" " * 8
    head[148:156] = f"{sum(head):06o}\x00 ".encode()
    bomb = gzip.compress(bytes(head)) + member * 40
    archive = docker_save(box / "a.tar", [bomb], diff_ids=[sha(b"unknown")])
    assert archive.stat().st_size < 4 << 20
    with pytest.raises(LimitExceeded, match="bomb"):
        read_archive(archive)
    assert list(outside.iterdir()) == []


def test_missing_blob(area):
    box, _ = area
    layer = tar_bytes([("a", "file", b"1")])
    config = config_for([sha(layer)])
    manifest = [{"Config": sha(config)[7:] + ".json", "Layers": ["nowhere/layer.tar"]}]
    with pytest.raises(ArchiveError, match="missing nowhere/layer.tar"):
        read_archive(docker_save(box / "a.tar", [layer], config=config, manifest=manifest))


@pytest.mark.parametrize("manifest", [b"{not json", b"[1, 2]", b'{"a": 1}'])
def test_bad_manifest_json(area, manifest):
    box, _ = area
    with pytest.raises(ArchiveError, match="manifest"):
        read_archive(docker_save(box / "a.tar", [tar_bytes([])], manifest=manifest))


def test_bad_config_json(area):
    box, _ = area
    with pytest.raises(ArchiveError, match="rootfs.diff_ids"):
        read_archive(docker_save(box / "a.tar", [tar_bytes([])], config=b"{oops"))


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "a/../../x"])
def test_manifest_paths_outside_the_archive(area, path):
    box, _ = area
    manifest = [{"Config": path, "Layers": []}]
    with pytest.raises(UnsafeArchive, match="outside the archive"):
        read_archive(docker_save(box / "a.tar", [], manifest=manifest))


def test_a_symlinked_blob_in_a_layout_is_not_followed(area):
    box, outside = area
    root = save_oci_layout(small_image(), box / "oci")
    (outside / "index.json").write_text("{}")
    (root / "index.json").unlink()
    (root / "index.json").symlink_to(outside / "index.json")
    with pytest.raises(UnsafeArchive, match="not a regular file"):
        read_archive(root)


def test_a_chain_deeper_than_an_engine_allows(area):
    # read, but refused by a host with the classic store (its layer store's limit)
    from layerlab.engine.host import Host

    box, _ = area
    layers = [tar_bytes([(f"f{i}", "file", b"x")]) for i in range(126)]
    archive = docker_save(box / "a.tar", layers)
    assert len(read_archive(archive)[0].image.layers) == 126
    with pytest.raises(LimitExceeded, match="max 125"):
        Host(engine="20.10").load(archive)


def test_a_compressed_outer_archive_gets_an_instruction(area):
    box, _ = area
    plain = docker_save(box / "a.tar", [tar_bytes([])])
    packed = box / "a.tar.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    with pytest.raises(ArchiveError, match="decompress it first"):
        read_archive(packed)


def test_a_layer_stored_twice_as_a_symlink_reads_like_docker_20_saves_it(area):
    """docker save (20.10) writes a second identical layer.tar as a symlink to the first."""
    box, _ = area
    layer = tar_bytes([("same", "file", b"twice")])
    archive = docker_save(box / "a.tar", [layer, layer])
    import tarfile

    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read() if m.isreg() else None) for m in tar.getmembers()]
    rebuilt = box / "linked.tar"
    with tarfile.open(rebuilt, "w") as tar:
        for member, data in members:
            if member.name == "layer1/layer.tar":
                link = tarfile.TarInfo(member.name)
                link.type, link.linkname = tarfile.SYMTYPE, "../layer0/layer.tar"
                tar.addfile(link)
            else:
                import io

                tar.addfile(member, io.BytesIO(data))
    [archived] = read_archive(rebuilt)
    assert archived.image.layers[0].diff_id == archived.image.layers[1].diff_id


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside", "layer0"])
def test_a_symlinked_member_that_leaves_the_archive_or_names_a_directory_is_refused(area, target):
    box, _ = area
    layer = tar_bytes([("x", "file", b"1")])
    config = config_for([sha(layer)])
    manifest = json.dumps([{"Config": sha(config)[7:] + ".json", "Layers": ["evil/layer.tar"]}]).encode()
    import io
    import tarfile

    path = box / "evil.tar"
    with tarfile.open(path, "w") as tar:
        for name, data in ((sha(config)[7:] + ".json", config), ("manifest.json", manifest), ("layer0/layer.tar", layer)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("evil/layer.tar")
        link.type, link.linkname = tarfile.SYMTYPE, target
        tar.addfile(link)
    with pytest.raises(UnsafeArchive, match="not a regular file"):
        read_archive(path)
