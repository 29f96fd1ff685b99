"""A simulated host on any storage driver: validated like dockerd's --storage-driver, shown
by docker info, and costing the disk its driver's rules say (docker's own sizes unchanged)."""

from __future__ import annotations

import pytest

from layerlab.dataroot import DataRoot, DataRootError
from layerlab.drivers import DRIVERS, DriverError
from layerlab.engine.host import Host
from layerlab.engine.profile import ProfileError
from layerlab.model.image import Image
from layerlab.model.layer import Layer

BLOCK = 4096


def image_pair() -> tuple[Image, Image]:
    """Two images sharing a base layer (1000 + 10 bytes); one adds a 5000-byte file,
    the other a 300-byte one."""
    base = Layer.from_files({"a.bin": bytes(1000), "etc/x": b"0123456789"})
    app = Image.build([base, Layer.from_files({"big.bin": bytes(5000)})], cmd=["sh"])
    other = Image.build([base, Layer.from_files({"small.bin": bytes(300)})], cmd=["sh"])
    return app, other


def host_on(driver: str) -> Host:
    host = Host(seed=3, storage_driver=driver, engine="20.10")
    app, other = image_pair()
    host.add(app, "app")
    host.add(other, "other")
    host.run("app", ["sh", "-c", "echo x >> /big.bin"], name="c1")  # appends 2 bytes
    return host


def test_engine_20_10_defaults_to_overlay2_on_extfs():
    host = Host(engine="20.10")
    assert (host.storage_driver, host.engine_version, host.backing_fs) == (
        "overlay2",
        "20.10",
        "extfs",
    )
    assert host.warnings == ()
    info = host.docker_info_lines()
    start = info.index("Storage Driver: overlay2")
    # what Debian's Engine 20.10 on ext4 prints (observed with `docker info`)
    assert info[start : start + 5] == [
        "Storage Driver: overlay2",
        " Backing Filesystem: extfs",
        " Supports d_type: true",
        " Native Overlay Diff: true",
        " userxattr: false",
    ]


def test_an_unknown_driver_lists_the_known_ones():
    with pytest.raises(DriverError) as err:
        Host(storage_driver="overlay3", engine="20.10")
    assert "'overlay3'" in str(err.value)
    for name in DRIVERS:
        assert name in str(err.value)


@pytest.mark.parametrize(
    ("driver", "removed"), [("aufs", "24.0"), ("overlay", "24.0"), ("devicemapper", "25.0")]
)
def test_a_removed_driver_says_when_and_what_replaced_it(driver, removed):
    with pytest.raises(DriverError) as err:
        Host(storage_driver=driver, engine_version=removed)
    text = str(err.value)
    assert (
        driver in text and f"removed in Engine {removed}" in text and "replaced by overlay2" in text
    )
    with pytest.raises(DriverError, match=f"removed in Engine {removed}"):
        Host(storage_driver=driver, engine_version="29.0")


def test_a_deprecated_driver_works_and_docker_info_warns_as_the_engine_does():
    host = Host(storage_driver="overlay", engine_version="20.10")
    warning = "WARNING: the overlay storage-driver is deprecated, and will be removed in a future release."
    assert host.warnings == (warning,)
    assert host.docker_info_lines()[-1] == warning  # the CLI prints warnings after everything
    dm = Host(storage_driver="devicemapper", engine_version="24.0")
    assert dm.warnings[0].startswith("WARNING: The devicemapper storage-driver is deprecated")
    assert any("loopback devices" in w for w in dm.warnings)
    assert Host(storage_driver="btrfs", engine="20.10").warnings == ()


def test_without_a_driver_the_engine_version_chooses_on_the_backing_filesystem():
    # Engine 20.10 tries btrfs first; 23.0 (moby#42661) puts overlay2 first everywhere
    assert Host(backing_fs="btrfs", engine="20.10").storage_driver == "btrfs"
    assert Host(backing_fs="btrfs", engine_version="24.0").storage_driver == "overlay2"
    assert Host(backing_fs="ext4", engine_version="24.0").storage_driver == "overlay2"
    with pytest.raises(DriverError, match="needs a btrfs backing filesystem"):
        Host(storage_driver="btrfs", backing_fs="ext4", engine="20.10")
    with pytest.raises(ProfileError, match="not an engine version: 'latest'"):
        Host(engine_version="latest")


def test_the_data_root_shows_the_same_docker_info_as_the_host():
    host = host_on("overlay2")
    assert DataRoot.from_host(host).docker_info() == host.docker_info_lines()
    vfs = host_on("vfs")
    assert "Storage Driver: vfs" in vfs.docker_info_lines()
    assert not any(line.startswith(" Backing") for line in vfs.docker_info_lines())
    with pytest.raises(DataRootError, match="runs vfs"):
        DataRoot.from_host(vfs)
    info = DataRoot.from_host(vfs, store="containerd").docker_info()
    assert (
        "Storage Driver: overlayfs" in info
        and "Storage Driver: vfs" not in info
        and "Containers: 1" in info
    )


def test_disk_usage_follows_each_drivers_rules():
    app, other = image_pair()
    base_chain, app_chain = app.chain_ids
    other_chain = other.chain_ids[1]
    overlay2 = host_on("overlay2").disk_usage()
    # each layer's own files once; the shared base once; the container copies big.bin up whole
    assert overlay2.layers == {base_chain: 1010, app_chain: 5000, other_chain: 300}
    assert overlay2.containers == {"c1": 5000 + 2}
    vfs = host_on("vfs").disk_usage()
    # every layer a full copy of its parent plus its own files; -init and RW each a full copy
    assert vfs.layers == {base_chain: 1010, app_chain: 6010, other_chain: 1310}
    assert vfs.containers == {"c1": 2 * 6010 + 2}
    btrfs = host_on("btrfs").disk_usage()
    # files in whole 4 KiB blocks; the 2-byte append at offset 5000 rewrites block 1 only
    assert btrfs.layers == {base_chain: 2 * BLOCK, app_chain: 2 * BLOCK, other_chain: BLOCK}
    assert btrfs.containers == {"c1": BLOCK}
    assert btrfs.total == 5 * BLOCK + BLOCK and btrfs.images == 5 * BLOCK


def test_docker_sizes_do_not_depend_on_the_driver():
    outputs = {}
    for driver in ("overlay2", "vfs", "btrfs"):
        host = host_on(driver)
        outputs[driver] = (
            host.ps(all=True, size=True),
            host.system_df_text(),
            host.system_df_text(True),
        )
        assert host.container("c1").size() == 5002  # the RW layer's files: big.bin, copied up
    assert outputs["overlay2"] == outputs["vfs"] == outputs["btrfs"]
