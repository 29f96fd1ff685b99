"""What a copy costs on the backing filesystem: the drivers' reflink model against the kernel.

On a loop-mounted ext4, XFS (``reflink=1``) and btrfs each, the disk space a copy takes is
measured as ``df`` measures it (statvfs) and compared with what the cost model says:

- overlayfs copy-up (Docker's overlay2 options) of a 50 MB lower file on a one-byte append:
  the whole file on ext4, a clone sharing every block on XFS and btrfs (the kernel tries
  ``clone_file_range`` first, fs/overlayfs/copy_up.c);
- moby's vfs copy (``FICLONE`` first, then a byte copy; daemon/graphdriver/copy/copy.go):
  a container's -init and writable layers are two full copies on ext4, clones elsewhere.

The filesystems' own metadata (journal, B-tree nodes, the new inode) is allowed for: the
measured growth must lie between the model's figure and the model's figure plus 1 MiB.
A filesystem whose mkfs is missing is skipped, naming its Debian package.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from layerlab.drivers import append, get_driver
from layerlab.model.content import SyntheticContent
from layerlab.model.layer import Layer
from layerlab.real.kernel import OverlayMount, kernel_available

pytestmark = pytest.mark.kernel

SIZE = 50_000_000
METADATA = 1 << 20  #: what a filesystem may add of its own for one copy
FICLONE = 0x40049409  #: _IOW(0x94, 9, int): linux/fs.h
MKFS = {
    "ext4": (["mkfs.ext4", "-q", "-F"], "e2fsprogs"),
    "xfs": (["mkfs.xfs", "-q", "-f", "-m", "reflink=1"], "xfsprogs"),
    "btrfs": (["mkfs.btrfs", "-q", "-f"], "btrfs-progs"),
}


def _used(path: Path) -> int:
    os.sync()
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


@pytest.fixture(params=list(MKFS))
def loop_fs(request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    """A fresh 1 GiB filesystem of the given type, loop-mounted (root only)."""
    fstype = request.param
    reason = kernel_available()
    if reason is not None:
        pytest.skip(reason)
    command, package = MKFS[fstype]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is missing: apt-get install {package}")
    base = Path(tempfile.mkdtemp(prefix=f"layerlab-{fstype}-"))
    image, mount = base / "fs.img", base / "mnt"
    mount.mkdir()
    with open(image, "wb") as f:
        f.truncate(1 << 30)
    subprocess.run([*command, str(image)], check=True, capture_output=True)
    try:
        subprocess.run(["mount", "-o", "loop", str(image), str(mount)], check=True, capture_output=True)
    except subprocess.CalledProcessError as err:
        shutil.rmtree(base)
        pytest.skip(f"cannot loop-mount {fstype} here: {err.stderr.decode().strip()}")
    try:
        yield fstype, mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)
        shutil.rmtree(base, ignore_errors=True)


def _moby_copy(src: Path, dst: Path) -> None:
    """moby's copyRegular: FICLONE, and a plain copy where the filesystem cannot clone."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        try:
            fcntl.ioctl(fout.fileno(), FICLONE, fin.fileno())
            return
        except OSError as err:
            if err.errno not in (errno.EOPNOTSUPP, errno.EXDEV, errno.EINVAL, errno.ENOTTY):
                raise
        shutil.copyfileobj(fin, fout, 1 << 20)


def test_a_copy_up_duplicates_blocks_only_without_reflink(loop_fs):
    fstype, mount = loop_fs
    lower = Layer.from_files({"data/big.bin": SyntheticContent(SIZE, seed="big")})
    expected = get_driver("overlay2").on(fstype).container_cost([lower], [append("data/big.bin", 1)]).disk
    with OverlayMount([lower], mount / "ovl") as overlay:
        before = _used(mount)
        with open(overlay.merged / "data" / "big.bin", "ab") as f:
            f.write(b"!")
        grown = _used(mount) - before
        assert os.path.getsize(overlay.upper / "data" / "big.bin") == SIZE + 1  # it was copied up
    assert expected <= grown <= expected + METADATA, (fstype, grown, expected)
    assert (expected > SIZE) == (fstype == "ext4")  # the model: only ext4 duplicates the data


def test_vfs_copies_of_an_image_cost_nothing_with_reflink(loop_fs):
    fstype, mount = loop_fs
    image = Layer.from_files({"data/big.bin": SyntheticContent(SIZE, seed="vfs")})
    cost = get_driver("vfs").on(fstype).container_cost([image])
    src = mount / "layer"
    src.mkdir()
    with open(src / "big.bin", "wb") as f:
        for chunk in image.entries["data/big.bin"].content.chunks():
            f.write(chunk)
    before = _used(mount)
    _moby_copy(src / "big.bin", mount / "init.bin")  # the container's -init layer
    _moby_copy(mount / "init.bin", mount / "rw.bin")  # its writable layer
    grown = _used(mount) - before
    assert cost.disk <= grown <= cost.disk + 2 * METADATA, (fstype, grown, cost)
    assert (cost.disk == 2 * SIZE) == (fstype == "ext4")
