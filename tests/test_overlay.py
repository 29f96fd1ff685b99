"""The writable layer's overlayfs semantics, case by case (the kernel comparison is separate)."""

import pytest

from layerlab import Layer, Symlink, SyntheticContent
from layerlab.model.overlay import FsError, Overlay


@pytest.fixture
def fs():
    base = Layer.from_files({
        "etc/conf": b"a=1\n",
        "data/old/a": b"A",
        "data/old/in/i": b"I",
        "big": SyntheticContent(1_000_000, 1),
        "lnk": Symlink(target="/data"),
    })
    return Overlay([base, Layer.from_files({"etc/extra": b"x"})])


def test_append_copies_up_the_whole_file_and_its_parents(fs):
    fs.write("/etc/conf", b"b=2\n", append=True)
    assert [(c.path, c.bytes) for c in fs.copy_ups] == [("/etc", 0), ("/etc/conf", 4)]
    assert fs.read("/etc/conf").read() == b"a=1\nb=2\n"


def test_truncating_write_copies_no_data(fs):
    fs.write("/big", b"small")
    assert [(c.path, c.bytes) for c in fs.copy_ups] == [("/big", 0)]


def test_chmod_of_a_big_file_copies_it_whole(fs):
    fs.chmod("/big", 0o755)
    assert fs.copy_ups[-1].bytes == 1_000_000 and fs.copy_ups[-1].layer == 0
    assert fs.diff().size == 1_000_000


def test_delete_leaves_a_whiteout_and_recreating_a_dir_makes_it_opaque(fs):
    fs.remove_tree("/data/old")
    assert fs.diff().whiteouts == {"data/old"} and not fs.diff().opaque
    fs.mkdir("/data/old")
    layer = fs.diff()
    assert layer.opaque == {"data/old"} and not layer.whiteouts
    assert fs.listdir("/data/old") == []


def test_rename_of_a_lower_directory_is_exdev_and_of_a_file_copies_up(fs):
    with pytest.raises(FsError, match="EXDEV"):
        fs.rename("/data/old", "/data/new")
    fs.rename("/big", "/big2")
    assert fs.copy_ups[-1].bytes == 1_000_000
    assert fs.diff().whiteouts == {"big"} and "big2" in fs.diff().entries


def test_writes_follow_symlinks_inside_the_root(fs):
    fs.write("/lnk/new", b"n")
    assert fs.read("/data/new").read() == b"n"
    assert fs.source_of("/data/new") == "upper" and fs.source_of("/etc/extra") == 1


@pytest.mark.parametrize(
    "action, code",
    [
        (lambda o: o.read("/nope"), "ENOENT"),
        (lambda o: o.read("/data"), "EISDIR"),
        (lambda o: o.mkdir("/etc"), "EEXIST"),
        (lambda o: o.rmdir("/data"), "ENOTEMPTY"),
        (lambda o: o.write("/etc/conf/x", b""), "ENOTDIR"),
        (lambda o: o.unlink("/data"), "EISDIR"),
    ],
)
def test_errors_name_the_errno_and_the_path(fs, action, code):
    with pytest.raises(FsError, match=code) as info:
        action(fs)
    assert info.value.path.startswith("/")


def test_hard_link_shares_the_inode_and_becomes_typeflag_1(fs):
    fs.link("/etc/conf", "/etc/conf2")
    fs.write("/etc/conf", b"!", append=True)
    assert fs.read("/etc/conf2").read() == b"a=1\n!"
    layer = fs.diff()
    assert layer.entries["etc/conf2"].kind == "hardlink"


def test_no_operation_changes_a_lower_layer(fs):
    before = [layer.diff_id for layer in fs.layers]
    fs.write("/etc/conf", b"z")
    fs.remove_tree("/data")
    fs.chmod("/big", 0o700)
    assert [layer.diff_id for layer in fs.layers] == before


def test_a_checkpoint_rolls_back_entries_whiteouts_opaque_dirs_and_records(fs):
    fs.write("/etc/conf", b"z")
    saved = fs.checkpoint()
    upper, records = dict(fs.upper), len(fs.copy_ups)
    fs.remove_tree("/data/old")
    fs.mkdir("/data/old")
    fs.chmod("/big", 0o700)
    fs.rollback(saved)
    assert dict(fs.upper) == upper and fs.opaque_dirs == frozenset() and len(fs.copy_ups) == records
    assert fs.read("/data/old/a").read() == b"A"


def test_the_public_reads_take_layer_paths(fs):
    fs.unlink("/etc/extra")
    fs.symlink("/etc/conf", "/etc/alias")
    assert fs.entry("etc/extra") is None and fs.lower_entry("etc/extra") is not None
    assert fs.children("etc") == ["alias", "conf"] and fs.lower_children("etc") == {"conf", "extra"}
    assert set(fs.upper) == {"etc", "etc/extra", "etc/alias"}
    assert fs.upper_size() == len("/etc/conf")  # a symlink counts its target's length


def test_upper_size_counts_a_hard_linked_file_once(fs):
    fs.write("/f", b"12345")
    fs.link("/f", "/g")
    assert fs.upper_size() == 5


def test_a_symlink_loop_is_eloop_and_exists_says_no(fs):
    fs.symlink("/loop2", "/loop1")
    fs.symlink("/loop1", "/loop2")
    with pytest.raises(FsError, match="ELOOP"):
        fs.stat("/loop1")
    assert not fs.exists("/loop1") and not fs.is_dir("/loop1")
