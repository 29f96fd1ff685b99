"""The containerd image store in the model agrees with a real containerd: a standalone
containerd (Debian's, its own root, state and socket in a temp dir, driven with ``ctr``)
imports an archive layerlab wrote, creates a container with the overlayfs snapshotter,
and its content-store blobs and snapshot directories are where the model says."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from layerlab.archive import save_docker_archive
from layerlab.dataroot import DataRoot
from layerlab.dataroot.containerd import CONTENT, SNAPSHOTTER, manifest_bytes
from layerlab.dataroot.root import CONTAINERD_ROOT
from layerlab.engine.host import Host
from layerlab.model.image import Image
from layerlab.model.layer import Layer

REQUIRED = os.environ.get("LAYERLAB_REQUIRE_ENGINE") == "1"


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


class Containerd:
    def __init__(self, top: Path) -> None:
        self.top = top
        self.root, self.socket = top / "root", top / "c.sock"
        config = top / "config.toml"
        config.write_text(
            f'version = 2\nroot = "{self.root}"\nstate = "{top / "state"}"\n'
            'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n'
            f'[grpc]\n  address = "{self.socket}"\n[ttrpc]\n  address = ""\n'
            '[debug]\n  address = ""\n[metrics]\n  address = ""\n'
        )
        self.log = (top / "containerd.log").open("w")
        self.proc = subprocess.Popen(
            ["containerd", "--config", str(config)],
            stdout=self.log,
            stderr=self.log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not self.socket.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "containerd did not start: " + (top / "containerd.log").read_text()[-800:]
                )
            time.sleep(0.1)

    def ctr(self, *args: str) -> str:
        proc = subprocess.run(
            ["ctr", "-a", str(self.socket), "-n", "moby", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if proc.returncode:
            raise AssertionError(f"ctr {' '.join(args)}: {proc.stderr.strip()}")
        return proc.stdout

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        mounts = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]
        for mount in sorted(
            (m for m in mounts if m.startswith(str(self.top) + "/")), key=len, reverse=True
        ):
            subprocess.run(["umount", "-l", mount], check=False)
        shutil.rmtree(self.top, ignore_errors=True)


@pytest.fixture
def containerd() -> Iterator[Containerd]:
    if os.geteuid() != 0:
        _missing("a standalone containerd needs root")
    if not (shutil.which("containerd") and shutil.which("ctr")):
        _missing("containerd and ctr are not installed (apt-get install containerd)")
    daemon = Containerd(Path(tempfile.mkdtemp(prefix="ll-ctrd-", dir="/tmp")))
    try:
        yield daemon
    finally:
        daemon.stop()


def sample_image() -> Image:
    return Image.build(
        [
            Layer.from_files({"etc/os": "layerlab\n", "bin/tool": b"t" * 300}),
            Layer.from_files({"app/main.txt": "main\n", "app/data/d.bin": bytes(range(256))}),
            Layer.from_files({"app/extra.txt": "x\n"}, delete=["etc/os"]),
        ],
        cmd=["/bin/tool"],
    )


def test_blobs_and_snapshots_are_where_the_model_puts_them(containerd, tmp_path):
    image = sample_image()
    host = Host(seed=11, engine="20.10")  # its images drawn in containerd's layout, as ctr import makes it
    host.add(image, "layerlab/ctrd:1")
    model = DataRoot.from_host(host, store="containerd")
    archive = save_docker_archive({"layerlab/ctrd:1": image}, tmp_path / "img.tar")

    containerd.ctr("images", "import", "--snapshotter", "overlayfs", str(archive))
    name = next(
        line.split()[0]
        for line in containerd.ctr("images", "ls").splitlines()[1:]
        if "ctrd" in line
    )
    real = containerd.root

    def model_paths(under: str) -> set[str]:
        prefix = f"{CONTAINERD_ROOT}/{under}/" if under else f"{CONTAINERD_ROOT}/"
        return {p[len(prefix) :] for p in model.paths() if p.startswith(prefix)}

    # content store: the manifest (its digest is the image id here), the config, one blob per layer
    blobs = {p.name for p in (real / CONTENT / "blobs" / "sha256").iterdir()}
    model_blobs = {p.split("/")[-1] for p in model_paths(f"{CONTENT}/blobs/sha256")}
    assert model_blobs <= blobs, f"model blobs missing on containerd: {sorted(model_blobs - blobs)}"
    extra = blobs - model_blobs
    # Besides: what the import wrote and then dropped, kept until containerd's garbage collector
    # runs (timing decides whether they are still there): the import's index, and the
    # archive's own files (VERSION, json, manifest.json...), written as blobs while unpacking.
    with tarfile.open(archive) as tar:
        archive_files = {
            hashlib.sha256(tar.extractfile(m).read()).hexdigest()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        }
    for x in extra - archive_files:
        data = (real / CONTENT / "blobs" / "sha256" / x).read_bytes()
        assert b'"manifests"' in data, (x, data[:300])
    target = containerd.ctr("images", "ls").splitlines()
    digest = next(
        re.search(r"sha256:[0-9a-f]{64}", line).group(0) for line in target if line.startswith(name)
    )
    assert digest == model.identity("layerlab/ctrd:1").image_id
    assert (real / CONTENT / "blobs" / "sha256" / digest[7:]).read_bytes() == manifest_bytes(image)

    # snapshots: one per layer, keyed by chain id, numbered 1, 2, 3 in order, files in <N>/fs
    listing = containerd.ctr("snapshots", "--snapshotter", "overlayfs", "ls")
    committed = {line.split()[0] for line in listing.splitlines()[1:] if "Committed" in line}
    assert committed == set(image.chain_ids)
    for ident in model.identity("layerlab/ctrd:1").layers:
        rel = ident.directory.removeprefix(CONTAINERD_ROOT + "/")
        fs = real / rel / "fs"
        on_disk = {str(p.relative_to(fs)) for p in fs.rglob("*")}
        in_model = {
            p.removeprefix(rel + "/fs/") for p in model_paths("") if p.startswith(rel + "/fs/")
        }
        assert on_disk == in_model, (ident.index, sorted(on_disk ^ in_model))
    whiteout = (
        real
        / model.identity("layerlab/ctrd:1").layers[2].directory.removeprefix(CONTAINERD_ROOT + "/")
        / "fs"
        / "etc"
        / "os"
    )
    assert whiteout.is_char_device() and os.stat(whiteout, follow_symlinks=False).st_rdev == 0

    # a container: an active snapshot on top, numbered next, mounted over the layers' fs dirs
    containerd.ctr("containers", "create", "--snapshotter", "overlayfs", name, "ll-c1")
    mount = containerd.ctr("snapshots", "--snapshotter", "overlayfs", "mounts", "/mnt", "ll-c1")
    options = dict(o.split("=", 1) for o in mount.split(" -o ")[-1].strip().split(",") if "=" in o)
    snaps = real / SNAPSHOTTER / "snapshots"
    layers = model.identity("layerlab/ctrd:1").layers
    assert options["lowerdir"].split(":") == [
        str(real / x.directory.removeprefix(CONTAINERD_ROOT + "/") / "fs") for x in reversed(layers)
    ]
    assert options["upperdir"] == str(snaps / str(len(layers) + 1) / "fs")
    assert options["workdir"] == str(snaps / str(len(layers) + 1) / "work")
    containerd.ctr("containers", "rm", "ll-c1")


def test_the_model_puts_docker_containers_in_two_snapshots_and_rootfs():
    host = Host(seed=11)
    host.add(sample_image(), "img")
    c = host.run("img", "sleep 100", name="up")
    root = DataRoot.from_host(host, store="containerd")
    snaps = f"{CONTAINERD_ROOT}/{SNAPSHOTTER}/snapshots"
    assert [n.name for n in root.children(snaps)] == ["1", "2", "3", "4", "5"]
    assert f"{snaps}/4/fs/.dockerenv" in root  # the -init snapshot
    assert f"/var/lib/docker/rootfs/overlayfs/{c.id}" in root
    assert "/var/lib/docker/image" not in root and "/var/lib/docker/overlay2" not in root
    assert "Storage Driver: overlayfs" in root.docker_info()
    assert " driver-type: io.containerd.snapshotter.v1" in root.docker_info()
