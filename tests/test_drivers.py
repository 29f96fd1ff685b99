"""layerlab.drivers: each driver's facts, choose_driver's rules, and the cost model."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layerlab.drivers import (
    DRIVERS,
    LAYER_STORE_MAX_DEPTH,
    SOURCES,
    WORKLOADS,
    DriverError,
    GiB,
    KiB,
    MiB,
    StorageDriver,
    append,
    chmod,
    choose_driver,
    compare_costs,
    create,
    delete,
    get_driver,
    ops_from_overlay,
    write_at,
)
from layerlab.model.content import SyntheticContent
from layerlab.model.errors import LayerlabError
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay

ALL = ["overlay2", "fuse-overlayfs", "btrfs", "zfs", "vfs", "overlay", "aufs", "devicemapper"]
FILE_LEVEL = ["overlay2", "overlay", "aufs", "fuse-overlayfs"]
BLOCK_LEVEL = ["btrfs", "zfs", "devicemapper"]


def layers_big(size: int = 5 * MiB) -> list[Layer]:
    return [
        Layer.from_files({"bin/busybox": SyntheticContent(2 * MiB, "bb"), "etc/small.txt": b"small\n"}),
        Layer.from_files({"data/big.bin": SyntheticContent(size, "big")}),
    ]


# -- facts -------------------------------------------------------------------------------


def test_registry_has_every_driver():
    assert sorted(DRIVERS) == sorted(ALL)
    for name in ALL:
        d = get_driver(name)
        assert isinstance(d, StorageDriver) and d.name == name
        assert d.facts and all(f.source in SOURCES for f in d.facts)
        assert d.layout_note and d.backing_filesystems
        assert d.describe()["name"] == name


def test_unknown_driver_lists_the_known_ones():
    with pytest.raises(DriverError) as err:
        get_driver("zfs2")
    assert isinstance(err.value, LayerlabError)
    for name in ALL:
        assert name in str(err.value)


@pytest.mark.parametrize(
    "name, unit, block, cache_sharing",
    [
        ("overlay2", "file", None, True),
        ("overlay", "file", None, True),
        ("aufs", "file", None, True),
        ("fuse-overlayfs", "file", None, True),
        ("devicemapper", "block", 64 * KiB, False),
        ("btrfs", "block", 4 * KiB, False),
        ("zfs", "block", 128 * KiB, True),
        ("vfs", "none", None, False),
    ],
)
def test_cow_unit_and_block_size(name, unit, block, cache_sharing):
    d = get_driver(name)
    assert (d.cow_unit, d.block_size, d.page_cache_sharing) == (unit, block, cache_sharing)


def test_layouts_name_the_data_root_dirs():
    assert "overlay2/l/" in get_driver("overlay2").layout_note
    assert "diff" in get_driver("overlay2").layout_note and "lower" in get_driver("overlay2").layout_note
    assert "vfs/dir/" in get_driver("vfs").layout_note
    assert "btrfs/subvolumes/" in get_driver("btrfs").layout_note
    assert "devicemapper/devicemapper/{data,metadata}" in get_driver("devicemapper").layout_note
    assert "dataset" in get_driver("zfs").layout_note
    assert get_driver("btrfs").backing_filesystems == ("btrfs",)
    assert get_driver("zfs").backing_filesystems == ("zfs",)


def test_status_by_version():
    aufs, overlay, dm = get_driver("aufs"), get_driver("overlay"), get_driver("devicemapper")
    assert aufs.status.available_in("23.0") and not aufs.status.available_in("24.0")
    assert "removed in Engine 24.0" in aufs.status.available_in("24.0").reason
    assert "deprecated" in aufs.status.available_in("19.03").reason
    assert not overlay.status.available_in("24.0.7")
    assert overlay.status.available_in("20.10.24+dfsg1")
    assert dm.status.available_in("24.0") and "disabled by default" in dm.status.available_in("24.0").reason
    assert not dm.status.available_in("25.0")
    assert not get_driver("fuse-overlayfs").status.available_in("19.03")
    for name in ("overlay2", "btrfs", "zfs", "vfs", "fuse-overlayfs"):
        assert get_driver(name).status.supported
        assert get_driver(name).status.available_in("29.0")
    for name in ("overlay", "aufs", "devicemapper"):
        assert not get_driver(name).status.supported
    with pytest.raises(DriverError):
        aufs.status.available_in("latest")


def test_max_layers():
    assert all(d.max_layers <= LAYER_STORE_MAX_DEPTH == 125 for d in DRIVERS.values())
    too_deep = [Layer.from_files({f"f{i}": b"x"}) for i in range(126)]
    with pytest.raises(DriverError, match="at most 125"):
        get_driver("overlay2").layer_disk(too_deep)
    # an image of 124 layers cannot run: -init and the writable layer make 126
    with pytest.raises(DriverError):
        get_driver("overlay2").container_disk(too_deep[:124])


# -- choose_driver -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fs, kwargs, want",
    [
        ("ext4", {}, "overlay2"),
        ("xfs", {}, "overlay2"),
        ("extfs", {"engine_version": "20.10"}, "overlay2"),
        ("btrfs", {}, "overlay2"),  # 23.0+: overlay2 first (moby#42661)
        ("btrfs", {"engine_version": "20.10.24"}, "btrfs"),  # seen on the real 20.10 daemon
        ("zfs", {}, "zfs"),  # overlay2 refuses zfs (< OpenZFS 2.2)
        ("zfs", {"engine_version": "19.03"}, "zfs"),
        ("overlay", {}, "vfs"),  # docker-in-docker without a volume
        ("overlay", {"fuse_overlayfs": True}, "fuse-overlayfs"),
        ("ext4", {"rootless": True, "kernel": "5.4.0"}, "fuse-overlayfs"),
        ("ext4", {"rootless": True, "kernel": "5.11"}, "overlay2"),
        ("ext4", {"rootless": True, "kernel": "4.15", "fuse_overlayfs": True}, "vfs"),
        ("zfs", {"rootless": True, "kernel": "6.1", "fuse_overlayfs": False}, "vfs"),
        ("ext4", {"kernel": "3.10"}, "vfs"),
    ],
)
def test_choose_driver(fs, kwargs, want):
    assert choose_driver(fs, **kwargs) == want


def test_choose_driver_prefers_a_prior_driver():
    assert choose_driver("ext4", existing=["btrfs"]) == "btrfs"
    assert choose_driver("ext4", existing=["vfs"]) == "overlay2"  # a vfs dir does not count
    assert choose_driver("ext4", existing=["devicemapper"], engine_version="20.10") == "devicemapper"
    # since 23.0 a deprecated prior driver needs configuring (moby v23.0.0 driver.go New)
    with pytest.raises(DriverError, match="prior storage driver devicemapper is deprecated"):
        choose_driver("ext4", existing=["devicemapper"], engine_version="24.0")
    # a removed driver is not scanned: its directory is ignored (moby v25.0.0 scanPriorDrivers)
    assert choose_driver("ext4", existing=["aufs"], engine_version="24.0") == "overlay2"
    assert choose_driver("ext4", existing=["devicemapper"], engine_version="25.0") == "overlay2"
    with pytest.raises(DriverError, match="several graphdrivers"):
        choose_driver("ext4", existing=["overlay2", "btrfs"])


@given(
    fs=st.sampled_from(["ext4", "xfs", "btrfs", "zfs", "overlay", "tmpfs", "nfs"]),
    version=st.sampled_from(["17.06", "18.09", "19.03", "20.10", "23.0", "24.0", "25.0", "29.0"]),
    rootless=st.booleans(),
    kernel=st.sampled_from(["3.10", "4.15", "5.4", "5.11", "6.1"]),
)
def test_choose_driver_never_picks_a_deprecated_driver(fs, version, rootless, kernel):
    name = choose_driver(fs, engine_version=version, rootless=rootless, kernel=kernel)
    assert get_driver(name).status.supported
    assert get_driver(name).status.available_in(version)


# -- costs -------------------------------------------------------------------------------


def test_first_write_cost_of_a_1gib_file():
    costs = {n: get_driver(n).first_write_cost(GiB, 1) for n in ALL}
    for n in FILE_LEVEL:
        assert costs[n] == GiB + 1  # the whole file copied up, then the byte written
    assert costs["btrfs"] == 4 * KiB
    assert costs["zfs"] == 128 * KiB
    assert costs["devicemapper"] == 64 * KiB
    assert costs["vfs"] == 1  # the container already has its own copy


def test_first_write_cost_offsets():
    btrfs = get_driver("btrfs")
    assert btrfs.first_write_cost(5_000_000, 1) == 4096  # tail block rewritten
    assert btrfs.first_write_cost(GiB, 10_000, offset=4090) == 4096 * 4  # blocks 0..3
    assert get_driver("zfs").first_write_cost(10_000, 1) == 12 * KiB  # one small block, rewritten
    assert btrfs.first_write_cost(GiB, 0) == 0
    with pytest.raises(DriverError):
        btrfs.first_write_cost(-1, 1)


def test_layer_disk_file_level_counts_each_layers_files():
    layers = layers_big() + [Layer.from_files({"etc/small.txt": b"changed\n"}, delete=["data/big.bin"])]
    assert get_driver("overlay2").layer_disk(layers) == [2 * MiB + 6, 5 * MiB, 8]
    # vfs: each layer is the whole tree; the deleted file is gone from the last copy
    assert get_driver("vfs").layer_disk(layers) == [2 * MiB + 6, 7 * MiB + 6, 2 * MiB + 8]
    assert get_driver("btrfs").layer_disk(layers) == [2 * MiB + 4096, 5 * MiB, 4096]
    assert get_driver("overlay").layer_inodes(layers) == [4, 6, 5]


def test_container_costs():
    layers = layers_big()
    one = [append("data/big.bin", 1)]
    assert get_driver("overlay2").container_disk(layers) == 0
    assert get_driver("overlay2").container_disk(layers, one) == 5 * MiB + 1
    assert get_driver("btrfs").container_disk(layers, one) == 4096
    assert get_driver("vfs").container_disk(layers) == 2 * (7 * MiB + 6)
    assert get_driver("vfs").container_disk(layers, one) == 2 * (7 * MiB + 6) + 1
    # chmod copies the whole file up on overlay2, no data blocks on btrfs
    assert get_driver("overlay2").container_cost(layers, [chmod("data/big.bin")]).copied == 5 * MiB
    assert get_driver("btrfs").container_disk(layers, [chmod("data/big.bin")]) == 0
    # deleting an image file: a whiteout (free) on COW drivers, frees the copy on vfs
    assert get_driver("overlay2").container_disk(layers, [delete("data/big.bin")]) == 0
    assert get_driver("vfs").container_disk(layers, [delete("data/big.bin")]) == 2 * (7 * MiB + 6) - 5 * MiB
    # a second write to the same block costs nothing more on btrfs
    twice = [append("data/big.bin", 1), write_at("data/big.bin", 5 * MiB, 1)]
    assert get_driver("btrfs").container_disk(layers, twice) == 4096
    # new file, then replaced
    assert get_driver("zfs").container_disk(layers, [create("log", 5000), create("log", 100)]) == 4096
    with pytest.raises(DriverError, match="no such file"):
        get_driver("btrfs").container_disk(layers, [append("nope", 1)])


def test_container_cost_from_an_overlay():
    layers = layers_big()
    ov = Overlay(layers)
    ov.write("/data/big.bin", b"x", append=True)
    ov.chmod("/etc/small.txt", 0o600)
    ov.write("/new.txt", b"hello")
    ov.unlink("/bin/busybox")
    ops = ops_from_overlay(ov)
    assert append("data/big.bin", 1) in ops and chmod("etc/small.txt") in ops
    assert create("new.txt", 5) in ops and delete("bin/busybox") in ops
    overlay2 = get_driver("overlay2")
    assert overlay2.container_disk(layers, ov) == ov.diff().size == 5 * MiB + 1 + 6 + 5
    assert overlay2.container_cost(layers, ov).copied == sum(c.bytes for c in ov.copy_ups)  # chmod too


sizes = st.integers(min_value=0, max_value=3 * GiB)


@given(size=sizes, written=st.integers(min_value=0, max_value=64 * MiB))
def test_block_level_first_write_never_exceeds_file_level(size, written):
    file_cost = get_driver("overlay2").first_write_cost(size, written)
    for name in BLOCK_LEVEL:
        d = get_driver(name)
        cost = d.first_write_cost(size, written)
        assert cost <= file_cost + d.block_size
        assert cost >= written
    assert get_driver("vfs").first_write_cost(size, written) == written <= file_cost


layer_strategy = st.lists(
    st.dictionaries(
        st.sampled_from(["a", "b", "d/c", "d/e", "f/g/h"]),
        st.integers(min_value=0, max_value=3 * MiB),
        min_size=1,
        max_size=4,
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60)
@given(spec=layer_strategy)
def test_vfs_uses_at_least_as_much_disk_as_overlay2(spec):
    layers = [Layer.from_files({p: SyntheticContent(n, p) for p, n in files.items()}) for files in spec]
    vfs, overlay2 = get_driver("vfs"), get_driver("overlay2")
    assert vfs.image_disk(layers) >= overlay2.image_disk(layers)
    assert vfs.container_disk(layers) >= overlay2.container_disk(layers)
    for name in BLOCK_LEVEL:  # whole blocks: never less than the files' bytes
        assert get_driver(name).image_disk(layers) >= overlay2.image_disk(layers)


def test_compare_costs_workloads():
    assert {"append-1-byte-to-1GiB", "50-containers", "100-layers", "delete-in-later-layer"} <= set(WORKLOADS)
    rows = {r.driver: r for r in compare_costs("append-1-byte-to-1GiB")}
    assert set(rows) == set(DRIVERS)
    assert rows["overlay2"].copied == 10 * GiB and rows["overlay2"].containers_disk == 10 * (GiB + 1)
    assert rows["btrfs"].containers_disk == 10 * 4096
    assert rows["zfs"].containers_disk == 10 * 128 * KiB
    assert rows["vfs"].total_disk > rows["overlay2"].total_disk > rows["btrfs"].total_disk
    deep = {r.driver: r for r in compare_costs("100-layers", drivers=["vfs", "overlay2"])}
    assert deep["vfs"].image_disk == sum((2 * MiB + 8) + i * MiB for i in range(100))
    assert deep["overlay2"].image_disk == 2 * MiB + 8 + 99 * MiB
    gone = {r.driver: r for r in compare_costs("delete-in-later-layer")}
    assert gone["overlay2"].image_disk > 500 * MiB  # deleting in a later layer frees nothing
    assert gone["vfs"].layer_disk[-1] < 3 * MiB  # the last vfs copy no longer holds it
    many = {r.driver: r for r in compare_costs("50-containers")}
    assert many["vfs"].containers_disk > 50 * 2 * 98 * MiB
    assert many["overlay2"].containers_disk == 50 * 4096
    assert rows["overlay2"].as_dict()["driver"] == "overlay2"
    with pytest.raises(DriverError, match="unknown workload"):
        compare_costs("nope")
