"""Layers: the OCI tar form, its determinism, and parsing it back."""

import io
import tarfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rawtar import tar_bytes

from layerlab import Dir, File, Hardlink, InvalidPath, Layer, Symlink, SyntheticContent
from layerlab.model.errors import ArchiveError, UnsafeArchive


def members(layer: Layer) -> list[tarfile.TarInfo]:
    return tarfile.open(fileobj=io.BytesIO(b"".join(layer.tar_chunks()))).getmembers()


def test_whiteouts_opaque_dirs_and_hard_links_follow_the_oci_spec():
    layer = Layer(
        {"etc": Dir(), "etc/a": File(content=b"x"), "etc/b": Hardlink(target="etc/a"), "var": Dir()},
        whiteouts=["etc/old", "gone"],
        opaque=["var"],
    )
    by_name = {m.name: m for m in members(layer)}
    assert by_name["etc/.wh.old"].isreg() and by_name["etc/.wh.old"].size == 0
    assert by_name[".wh.gone"].isreg()
    assert by_name["var/.wh..wh..opq"].isreg()
    assert by_name["etc/b"].type == tarfile.LNKTYPE and by_name["etc/b"].linkname == "etc/a"
    assert by_name["etc"].isdir()


def test_tar_is_in_walk_order_and_ends_with_two_zero_blocks():
    layer = Layer.from_files({"b/x": b"1", "a": b"2", "b/a/y": b"3"}, delete=["b/c"])
    names = [m.name for m in members(layer)]
    assert names == ["a", "b", "b/a", "b/a/y", "b/.wh.c", "b/x"]
    data = b"".join(layer.tar_chunks())
    assert data.endswith(bytes(1024)) and len(data) % 512 == 0


def test_same_changes_give_the_same_diff_id_and_any_change_a_new_one():
    def make(mode=0o644, data=b"hello"):
        return Layer.from_files({"app/x": File(content=data, mode=mode)})

    assert make().diff_id == make().diff_id
    assert make().diff_id != make(mode=0o755).diff_id
    assert make().diff_id != make(data=b"hellO").diff_id


def test_size_counts_regular_files_once_like_the_engine():
    layer = Layer.from_files(
        {"a": b"12345", "b": Symlink(target="a"), "c": Hardlink(target="a"), "d": Dir()}
    )
    assert layer.size == 5


def test_synthetic_content_streams_and_is_reproducible():
    big = SyntheticContent(5_000_000, seed="x")
    assert sum(len(c) for c in big.chunks()) == 5_000_000
    assert big.sha256 == SyntheticContent(5_000_000, seed="x").sha256
    assert big.sha256 != SyntheticContent(5_000_000, seed="y").sha256


@pytest.mark.parametrize("bad", ["../x", "a/../../x", "", "/"])
def test_layer_paths_cannot_climb_out(bad):
    with pytest.raises(InvalidPath):
        Layer.from_files({bad: b"x"})


def test_deleting_and_adding_one_path_in_one_layer_is_refused():
    with pytest.raises(InvalidPath):
        Layer({"a": File(content=b"x")}, whiteouts=["a"])


names = st.text(alphabet="abcxyz._-", min_size=1, max_size=6).filter(
    lambda s: s not in (".", "..") and not s.startswith(".wh.")
)
paths = st.lists(names, min_size=1, max_size=3).map("/".join)
entries = st.one_of(
    st.binary(max_size=300).map(lambda b: File(content=b, mode=0o644)),
    st.integers(0, 0o7777).map(lambda m: File(content=b"m", mode=m)),
    names.map(lambda t: Symlink(target=t)),
    st.just(Dir(mode=0o750)),
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(paths, entries, max_size=8), st.sets(paths, max_size=3))
def test_tar_round_trip_keeps_every_change(files, deleted):
    def related(a, b):
        return a == b or a.startswith(b + "/") or b.startswith(a + "/")

    deleted = {p for p in deleted if not any(related(p, f) for f in files)}
    deleted = {p for p in deleted if not any(q != p and q.startswith(p + "/") for q in deleted)}
    layer = Layer.from_files(files, delete=deleted)
    back = Layer.from_tar(b"".join(layer.tar_chunks()))
    assert back.diff_id == layer.diff_id
    assert back.whiteouts == layer.whiteouts
    assert set(back.entries) == set(layer.entries)
    for path, entry in layer.entries.items():
        got = back.entries[path]
        assert (got.kind, got.mode) == (entry.kind, entry.mode)
        if isinstance(entry, File):
            assert got.content.read() == entry.content.read()
        if isinstance(entry, Symlink):
            assert got.target == entry.target


def test_reader_understands_gnu_long_names_and_pax_headers_written_by_tarfile():
    long = "d/" + "n" * 150
    for fmt in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
            info = tarfile.TarInfo(long)
            info.size, info.uid = 3, 3_000_000
            tar.addfile(info, io.BytesIO(b"abc"))
            link = tarfile.TarInfo("d/l")
            link.type, link.linkname = tarfile.SYMTYPE, "t" * 120
            tar.addfile(link)
        layer = Layer.from_tar(buf.getvalue())
        assert layer.entries[long].content.read() == b"abc"
        assert layer.entries[long].uid == 3_000_000
        assert layer.entries["d/l"].target == "t" * 120


def test_reader_refuses_absolute_and_parent_paths():
    with pytest.raises(UnsafeArchive, match="absolute"):
        Layer.from_tar(tar_bytes([("/etc/passwd", "file", b"x")]))
    with pytest.raises(UnsafeArchive, match=r"\.\."):
        Layer.from_tar(tar_bytes([("a/../../x", "file", b"x")]))


def test_reader_detects_truncation_and_garbage():
    data = tar_bytes([("a", "file", b"x" * 2000)])
    with pytest.raises(ArchiveError, match="truncated"):
        Layer.from_tar(data[:1500])
    with pytest.raises(ArchiveError, match="truncated"):
        Layer.from_tar(data[:-1024])
    with pytest.raises(ArchiveError, match="checksum"):
        Layer.from_tar(b"not a tar" * 100)
