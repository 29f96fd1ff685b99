"""The storage-driver models (layerlab.drivers) against real Docker Engines.

- vfs: a private daemon with ``--storage-driver vfs``; each layer dir under
  ``<data-root>/vfs/dir/`` and a container's two dirs hold what ``Vfs.layer_disk`` and
  ``Vfs.container_disk`` say (full copies).
- btrfs: a private daemon on a loop-mounted btrfs: one subvolume per layer plus two per
  container; a one-byte append to a 5 MB image file costs one 4 KiB block (exclusive
  bytes of the container's subvolume), as ``Btrfs.first_write_cost`` says, not the whole
  file as on overlay2. With no ``--storage-driver`` the daemon picks what
  ``choose_driver`` says.
- overlay2: the session engine; a one-byte append makes the upper dir hold the whole file.

Every daemon, mount and loop device is removed even when a test fails.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_support import PRIVATE_DOCKERD, _skip_or_fail, busybox_context

from layerlab.archive.read import load_image
from layerlab.drivers import append, choose_driver, get_driver
from layerlab.model.image import Image
from layerlab.real.engine import Engine

pytestmark = pytest.mark.engine

BIG = 5_000_000  # not a multiple of 4096: the append rewrites a partly filled block
THREE_MB = 3_000_000

DOCKERFILE = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY big.bin /big.bin
COPY small.txt /etc/small.txt
RUN echo changed >> /etc/small.txt
"""


def _context(tmp: Path, size: int) -> Path:
    return busybox_context(
        tmp / "ctx",
        DOCKERFILE,
        {"big.bin": bytes(range(256)) * (size // 256) + b"\x01" * (size % 256), "small.txt": "small\n"},
    )


def _need_root_and_dockerd() -> None:
    if os.geteuid() != 0:
        _skip_or_fail("driver engine tests start private daemons: need root")
    if shutil.which("dockerd") is None:
        _skip_or_fail("no dockerd: apt-get install docker.io")


@contextlib.contextmanager
def private_daemon(driver: str, extra_args: str = "") -> Iterator[Engine]:
    """A private dockerd (scripts/private-dockerd) with ``driver`` ("" lets the daemon choose)."""
    _need_root_and_dockerd()
    dir_ = tempfile.mkdtemp(prefix="ll-dd", dir="/tmp")
    env = dict(os.environ)
    env["LAYERLAB_STORAGE_DRIVER"] = driver or "overlay2"
    env["LAYERLAB_DOCKERD_ARGS"] = ((" --storage-driver=" if not driver else "") + " " + extra_args).strip()
    try:
        proc = subprocess.run(
            [str(PRIVATE_DOCKERD), "start", dir_], env=env, capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL, check=False,
        )
        host = next((ln.split("=", 1)[1] for ln in proc.stdout.splitlines() if ln.startswith("DOCKER_HOST=")), None)
        if proc.returncode != 0 or host is None:
            _skip_or_fail(f"private dockerd ({driver or 'auto'}) did not start:\n{proc.stderr.strip()[-2000:]}")
        yield Engine(host)
    finally:
        subprocess.run([str(PRIVATE_DOCKERD), "stop", dir_], capture_output=True, timeout=120, check=False)


def du_regular(path: Path) -> int:
    """``du -sb`` restricted to regular files: sum of sizes, each inode once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            if (st.st_mode & 0o170000) == 0o100000 and (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def fs_type(path: str) -> str:
    out = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True, check=True).stdout.strip()
    return {"ext2/ext3": "ext4"}.get(out, out)


def build_and_load(engine: Engine, tmp: Path, tag: str, size: int) -> Image:
    engine.build(_context(tmp, size), tag)
    engine.save([tag], tmp / "img.tar")
    return load_image(tmp / "img.tar", tag)


def layerdb(engine_root: Path, driver: str) -> Path:
    return engine_root / "image" / driver / "layerdb"


def cache_ids(engine: Engine, root: Path, driver: str, tag: str) -> list[str]:
    """cache-id of each image layer, bottom first (layerdb/sha256/<chain-id>/cache-id)."""
    from layerlab.model.digest import chain_ids

    diff_ids = engine.inspect_image(tag)["RootFS"]["Layers"]
    db = layerdb(root, driver) / "sha256"
    return [(db / c.split(":", 1)[1] / "cache-id").read_text().strip() for c in chain_ids(diff_ids)]


def mount_ids(root: Path, driver: str, container: str) -> tuple[str, str]:
    m = layerdb(root, driver) / "mounts" / container
    return (m / "mount-id").read_text().strip(), (m / "init-id").read_text().strip()


def docker(engine: Engine, *args: str) -> str:
    return engine.docker(list(args)).stdout.strip()


# -- vfs ---------------------------------------------------------------------------------


def test_vfs_layers_and_containers_are_full_copies(tmp_path):
    vfs = get_driver("vfs")
    with private_daemon("vfs") as engine:
        root = Path(engine.info()["DockerRootDir"])
        image = build_and_load(engine, tmp_path, "ll-drivers/vfs:1", THREE_MB)
        dirs = [root / "vfs" / "dir" / cid for cid in cache_ids(engine, root, "vfs", "ll-drivers/vfs:1")]
        measured = [du_regular(d) for d in dirs]
        assert measured == vfs.layer_disk(image)
        # every layer dir holds everything below it: the busybox binary is in all of them
        assert all((d / "bin" / "busybox").is_file() for d in dirs)
        # cache-ids are random, not digests: 64 hex from the daemon, but BuildKit-made
        # layers (seen on 20.10) get BuildKit's 25-char base-36 ids
        assert all(re.fullmatch(r"[0-9a-f]{64}|[0-9a-z]{25}", d.name) for d in dirs)

        created = docker(engine, "create", "--network", "none", "ll-drivers/vfs:1", "sh", "-c", "printf x >> /big.bin")
        mount_id, init_id = mount_ids(root, "vfs", created)
        assert re.fullmatch(r"[0-9a-f]{64}", mount_id) and init_id == mount_id + "-init"
        pair = [root / "vfs" / "dir" / mount_id, root / "vfs" / "dir" / init_id]
        assert sum(du_regular(d) for d in pair) == vfs.container_disk(image) == 2 * image.rootfs().size

        docker(engine, "start", "-a", created)
        assert sum(du_regular(d) for d in pair) == vfs.container_disk(image, [append("big.bin", 1)])
        assert vfs.container_disk(image, [append("big.bin", 1)]) - vfs.container_disk(image) == 1


# -- btrfs -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def btrfs_mount() -> Iterator[Path]:
    """A 1 GiB btrfs image file on a loop device, mounted; all undone afterwards."""
    _need_root_and_dockerd()
    if shutil.which("mkfs.btrfs") is None or shutil.which("btrfs") is None:
        _skip_or_fail("no btrfs-progs: apt-get install btrfs-progs")
    if "btrfs" not in Path("/proc/filesystems").read_text():
        _skip_or_fail("the kernel has no btrfs")
    work = Path(tempfile.mkdtemp(prefix="ll-bt", dir="/tmp"))
    img, mnt = work / "fs.img", work / "mnt"
    mnt.mkdir()
    loop = None
    mounted = False
    try:
        with img.open("wb") as f:
            f.truncate(1 << 30)
        subprocess.run(["mkfs.btrfs", "-q", str(img)], check=True, capture_output=True)
        proc = subprocess.run(["losetup", "--find", "--show", str(img)], capture_output=True, text=True)
        if proc.returncode != 0:
            _skip_or_fail(f"no loop device: {proc.stderr.strip()}")
        loop = proc.stdout.strip()
        subprocess.run(["mount", "-t", "btrfs", loop, str(mnt)], check=True, capture_output=True)
        mounted = True
        yield mnt
    finally:
        if mounted:
            subprocess.run(["umount", str(mnt)], check=False, capture_output=True)
        if loop:
            subprocess.run(["losetup", "-d", loop], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def subvolumes(mnt: Path) -> set[str]:
    out = subprocess.run(["btrfs", "subvolume", "list", str(mnt)], capture_output=True, text=True, check=True).stdout
    return {line.split(" path ", 1)[1] for line in out.splitlines() if " path " in line}


def exclusive_bytes(path: Path) -> int:
    subprocess.run(["sync"], check=True)
    out = subprocess.run(
        ["btrfs", "filesystem", "du", "-s", "--raw", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return int(out[-1].split()[1])  # Total  Exclusive  Set shared  Filename


def test_btrfs_snapshots_and_block_level_first_write(btrfs_mount, tmp_path):
    btrfs, overlay2 = get_driver("btrfs"), get_driver("overlay2")
    root = btrfs_mount / "root"
    with private_daemon("btrfs", f"--data-root {root}") as engine:
        assert engine.info()["Driver"] == "btrfs"
        image = build_and_load(engine, tmp_path, "ll-drivers/btrfs:1", BIG)
        layers = cache_ids(engine, root, "btrfs", "ll-drivers/btrfs:1")
        before = subvolumes(btrfs_mount)
        # one subvolume per image layer (BuildKit keeps a few more for its own snapshots)
        assert {f"root/btrfs/subvolumes/{c}" for c in layers} <= before
        assert len(set(layers)) == len(image.layers)

        created = docker(engine, "create", "--network", "none", "ll-drivers/btrfs:1", "sh", "-c", "printf x >> /big.bin")
        mount_id, init_id = mount_ids(root, "btrfs", created)
        assert subvolumes(btrfs_mount) - before == {
            f"root/btrfs/subvolumes/{mount_id}", f"root/btrfs/subvolumes/{init_id}"
        }
        rw = root / "btrfs" / "subvolumes" / mount_id
        assert exclusive_bytes(rw) == btrfs.container_disk(image) == 0  # snapshots share every block

        docker(engine, "start", "-a", created)
        assert (rw / "big.bin").stat().st_size == BIG + 1
        grown = exclusive_bytes(rw)
        assert grown == btrfs.container_disk(image, [append("big.bin", 1)]) == btrfs.first_write_cost(BIG, 1) == 4096
        assert overlay2.first_write_cost(BIG, 1) == BIG + 1 > 1000 * grown


def test_btrfs_default_choice(btrfs_mount):
    root = btrfs_mount / "auto-root"
    with private_daemon("", f"--data-root {root}") as engine:
        version = engine.version()["Version"]
        chosen = engine.info()["Driver"]
        assert fs_type(str(root)) == "btrfs"
        assert chosen == choose_driver("btrfs", engine_version=version, kernel=os.uname().release)


# -- overlay2 / ext4 ---------------------------------------------------------------------


def test_default_choice_on_this_machine():
    with private_daemon("") as engine:
        info = engine.info()
        fs = fs_type(info["DockerRootDir"])
        version = engine.version()["Version"]
        assert info["Driver"] == choose_driver(fs, engine_version=version, kernel=os.uname().release)
        if fs in ("ext4", "xfs"):
            assert info["Driver"] == "overlay2"


def _overlay_upper(engine: Engine, container: str) -> Path:
    """The upper dir of a container's overlay mount: GraphDriver's UpperDir in the classic
    store; in the containerd store (GraphDriver has no paths) the upperdir option of the
    running container's rootfs mount, read from the kernel's mount table."""
    inspected = json.loads(docker(engine, "inspect", container))[0]
    data = inspected["GraphDriver"].get("Data") or {}
    if data.get("UpperDir"):
        return Path(data["UpperDir"])
    rootfs = f"{engine.info()['DockerRootDir']}/rootfs/overlayfs/{inspected['Id']}"
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        if fields[4] == rootfs:
            options = dict(o.split("=", 1) for o in fields[-1].split(",") if "=" in o)
            return Path(options["upperdir"])
    raise AssertionError(f"no overlay mount at {rootfs}: is the container running?")


def test_overlay2_append_copies_the_whole_file(engine, tmp_path):
    """overlay2 (classic store) and the overlayfs snapshotter (containerd store) both copy a
    whole file up for a one-byte append: the kernel's overlayfs does it, whoever mounts it."""
    driver = engine.info()["Driver"]
    if driver not in ("overlay2", "overlayfs"):
        _skip_or_fail(f"the session engine uses {driver}, not overlay2 or the overlayfs snapshotter")
    overlay2 = get_driver("overlay2")
    image = build_and_load(engine, tmp_path, "ll-drivers/ovl:1", BIG)
    created = docker(engine, "run", "-d", "--network", "none", "ll-drivers/ovl:1", "sh", "-c",
                     "printf x >> /big.bin; touch /appended; exec sleep 60")
    try:
        upper = _overlay_upper(engine, created)
        if not upper.is_dir():
            pytest.skip(f"the engine's upper dir {upper} is not on this machine")
        deadline = time.monotonic() + 20
        while not (upper / "appended").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert du_regular(upper) == overlay2.container_disk(image, [append("big.bin", 1)])
        assert du_regular(upper) == overlay2.first_write_cost(BIG, 1) == BIG + 1
    finally:
        engine.docker(["rm", "-f", created])
        engine.remove_image("ll-drivers/ovl:1", force=True)


def test_a_vfs_host_shows_what_a_vfs_engine_shows(tmp_path):
    """``Host(storage_driver="vfs")``: docker info's driver lines, the disk each layer and
    the container use (du of vfs/dir), and ps -s sizes as on a dockerd --storage-driver vfs."""
    from layerlab.engine.host import Host

    with private_daemon("vfs") as engine:
        root = Path(engine.info()["DockerRootDir"])
        tag = "ll-drivers/vfs-host:1"
        engine.build(_context(tmp_path, THREE_MB), tag)
        engine.save([tag], tmp_path / "img.tar")
        host = Host(engine=engine.profile(), storage_driver="vfs")
        host.load(tmp_path / "img.tar")
        command = ["sh", "-c", "printf x >> /big.bin"]
        docker(engine, "run", "--name", "c1", "--network", "none", tag, *command)
        host.run(tag, command, name="c1")

        info = engine.docker(["info"]).stdout.splitlines()
        start = next(i for i, line in enumerate(info) if line.strip().startswith("Storage Driver:"))
        engine_lines = [info[start].strip()] + [
            line.strip() for line in itertools.takewhile(lambda x: x.startswith("   "), info[start + 1:])]
        model = host.docker_info_lines()
        at = model.index("Storage Driver: vfs")
        model_lines = [model[at]] + [line.strip() for line in itertools.takewhile(
            lambda x: x.startswith(" "), model[at + 1:])]
        assert engine_lines == model_lines == ["Storage Driver: vfs"]

        usage = host.disk_usage()
        measured = dict(zip(host.image(tag).chain_ids, (
            du_regular(root / "vfs" / "dir" / cid) for cid in cache_ids(engine, root, "vfs", tag))))
        assert measured == usage.layers
        container = docker(engine, "inspect", "-f", "{{.Id}}", "c1")
        mount_id, init_id = mount_ids(root, "vfs", container)
        assert du_regular(root / "vfs" / "dir" / mount_id) + du_regular(root / "vfs" / "dir" / init_id) \
            == usage.containers["c1"]
        # docker ps -s reports the writable layer's changes, not the vfs copies
        size = docker(engine, "ps", "-a", "-s", "--format", "{{.Size}}")
        assert size == host.ps_rows(all=True, size=True)[0]["SIZE"]
        assert usage.containers["c1"] > 2 * THREE_MB > host.container("c1").size()
