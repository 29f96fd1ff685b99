"""layerlab against a real Docker Engine: the same bytes give the same identities.

Images built by the engine are read back by layerlab with the ids the engine computed;
images made by layerlab load into the engine with the ids layerlab computed and run.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from layerlab import (
    BytesContent,
    File,
    Image,
    Layer,
    Symlink,
    read_archive,
    save_docker_archive,
    unpack_image,
)

from layerlab.compare.simulated import host_playing
from layerlab.model.errors import LayerlabError

pytestmark = pytest.mark.engine

# Paths every container gets from the engine (the -init layer and runtime mounts).
ENGINE_PATHS = {".dockerenv", "dev", "etc/hostname", "etc/hosts", "etc/mtab", "etc/resolv.conf", "proc", "sys"}


@pytest.fixture(scope="module")
def sample(sample_image_tar):
    [archived] = read_archive(sample_image_tar.tar)
    return sample_image_tar, archived


def _saved_config_digest(tar: Path) -> str:
    """The config the engine's own archive names (manifest.json), read without layerlab."""
    import json

    with tarfile.open(tar) as tf:
        config = json.load(tf.extractfile("manifest.json"))[0]["Config"]  # type: ignore[arg-type]
        data = tf.extractfile(config).read()  # type: ignore[union-attr]
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_ids_read_from_docker_save_are_the_engines(sample, engine):
    """The image id is the config digest in the classic store and the digest of what the
    name points to (BuildKit's index) in the containerd store: layerlab reads both."""
    real, archived = sample
    assert archived.image.image_id == _saved_config_digest(real.tar)
    if engine.profile().containerd:
        assert archived.target is not None, "an OCI archive of the containerd store names its target"
        assert archived.target.image_id == real.image_id == engine.inspect_image(real.tag)["Descriptor"]["digest"]
    else:
        assert archived.image.image_id == real.image_id
    assert archived.image.diff_ids == real.diff_ids
    assert archived.tags == [real.tag]


def _layer_store_has(engine, archived) -> None:  # type: ignore[no-untyped-def]
    """The classic store: layerdb/<chain id>/{diff,size} as the model computes them."""
    info = engine.info()
    layerdb = Path(info["DockerRootDir"]) / "image" / info["Driver"] / "layerdb" / "sha256"
    if not layerdb.is_dir():
        pytest.skip(f"engine data root {layerdb} is not on this machine")
    for layer, chain in zip(archived.image.layers, archived.image.chain_ids):
        entry = layerdb / chain[7:]
        assert entry.is_dir(), f"the engine has no layer stored under chain id {chain}"
        assert (entry / "diff").read_text() == layer.diff_id
        assert int((entry / "size").read_text()) == layer.size, f"size of {layer.diff_id[:19]}"


def _snapshots_have(engine, archived) -> None:  # type: ignore[no-untyped-def]
    """The containerd store: a committed snapshot keyed by each chain id, as containerd's
    own ``ctr`` lists them (the private containerd's socket is in ``docker info``)."""
    ctr = engine.ctr_command()
    if ctr is None:
        pytest.skip("containerd's socket or ctr is not usable here")
    out = subprocess.run([*ctr, "snapshots", "--snapshotter", engine.info()["Driver"], "ls"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    committed = {line.split()[0] for line in out.splitlines()[1:] if line.split()[-1:] == ["Committed"]}
    assert set(archived.image.chain_ids) <= committed, sorted(set(archived.image.chain_ids) - committed)


def test_chain_ids_and_sizes_match_the_engines_layer_store(sample, engine):
    real, archived = sample
    if engine.profile().containerd:
        _snapshots_have(engine, archived)
        # image inspect's Size: the compressed blobs of the content store, not the files' bytes
        assert engine.inspect_image(real.tag)["Size"] == archived.target.content_size
        assert archived.target.content_size != archived.image.size
    else:
        _layer_store_has(engine, archived)
        assert engine.inspect_image(real.tag)["Size"] == archived.image.size


def test_history_matches_docker_history(sample, engine):
    """Rows and sizes: the layer's file bytes in the classic store, its snapshot's disk
    usage in the containerd store; a host playing the engine shows what the engine shows."""
    real, archived = sample
    ours = list(reversed(archived.image.steps()))
    assert [row["CreatedBy"] for row in real.history] == [h.created_by for h, _ in ours]
    host = host_playing(engine.profile())
    host.load(real.tar)
    assert [row["SIZE"] for row in host.history_rows(real.tag)] == [row["Size"] for row in real.history]


def test_the_sample_shows_every_kind_of_change(sample):
    _, archived = sample
    layers = archived.image.layers
    assert any(l.whiteouts for l in layers) and any(l.opaque for l in layers) or any(
        len(l.whiteouts) > 1 for l in layers
    )
    kinds = {e.kind for l in layers for e in l.entries.values()}
    assert {"file", "dir", "symlink", "hardlink"} <= kinds


def _listing(root: Path) -> dict[str, tuple]:
    """path -> (type, mode, size, link target or content hash) for a directory tree."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = Path(dirpath) / name
            rel = str(full.relative_to(root))
            if rel in ENGINE_PATHS or rel.split("/")[0] in ("dev", "proc", "sys"):
                continue
            st = full.lstat()
            if full.is_symlink():
                out[rel] = ("l", os.readlink(full))
            elif full.is_dir():
                out[rel] = ("d", oct(st.st_mode & 0o7777))
            else:
                out[rel] = ("f", oct(st.st_mode & 0o7777), hashlib.sha256(full.read_bytes()).hexdigest())
    return out


def test_unpack_gives_the_filesystem_docker_export_gives(sample, engine, tmp_path):
    real, archived = sample
    exported = tmp_path / "export.tar"
    engine.export_filesystem(real.tag, exported)
    (tmp_path / "engine").mkdir()
    with tarfile.open(exported) as tar:
        tar.extractall(tmp_path / "engine", filter="fully_trusted")
    ours = unpack_image(archived.image, tmp_path / "ours")
    theirs = _listing(tmp_path / "engine")
    # An empty etc/ may exist only because the runtime mounted etc/hosts there.
    if "etc" in theirs and "etc" not in _listing(ours):
        del theirs["etc"]
    assert _listing(ours) == theirs
    rootfs = archived.image.rootfs()
    assert sorted(p for p in rootfs if p.split("/")[0] not in ("dev", "proc", "sys") and p not in ENGINE_PATHS) == sorted(
        p for p in _listing(ours)
    )


def _busybox_image(tmp_path: Path, busybox: Path, arch: str) -> Image:
    base = Layer.from_files({
        "bin/busybox": File(content=BytesContent(busybox.read_bytes()), mode=0o755),
        "bin/sh": Symlink(target="busybox"),
        "bin/cat": Symlink(target="busybox"),
        "bin/ls": Symlink(target="busybox"),
    })
    app = Layer.from_files({"app/hello.txt": b"made by layerlab\n", "app/old.txt": b"old\n"})
    cleanup = Layer.from_files({"app/new.txt": b"new\n"}, delete=["app/old.txt"])
    return Image.build([base, app, cleanup], cmd=["cat", "/app/hello.txt"], architecture=arch)


def test_an_image_made_by_layerlab_loads_with_the_same_ids_and_runs(engine, tmp_path):
    """Loaded by the engine and by a host playing it, the image gets the same id: the config
    digest in the classic store, the manifest containerd's importer writes in the other."""
    from engine_support import busybox_path

    arch = engine.version()["Arch"]
    image = _busybox_image(tmp_path, busybox_path(), arch)
    archive = save_docker_archive({"layerlab-made/hello:1": image}, tmp_path / "made.tar")
    host = host_playing(engine.profile())
    host.load(archive)
    engine.load(archive)
    try:
        inspect = engine.inspect_image("layerlab-made/hello:1")
        assert inspect["Id"] == host.image_id("layerlab-made/hello:1")
        assert (inspect["Id"] == image.image_id) != engine.profile().containerd
        assert inspect["RootFS"]["Layers"] == image.diff_ids
        assert engine.run("layerlab-made/hello:1") == "made by layerlab\n"
        assert engine.run("layerlab-made/hello:1", "ls", "/app").split() == ["hello.txt", "new.txt"]
        # and back again: the engine's save of it reads as the same bytes
        engine.save(["layerlab-made/hello:1"], tmp_path / "again.tar")
        [again] = read_archive(tmp_path / "again.tar")
        assert again.image.config_bytes == image.config_bytes
    finally:
        engine.remove_image("layerlab-made/hello:1", force=True)


def _deep_archive(path: Path, layers: list[Layer]) -> bytes:
    """A docker save archive of one image with these layers (tagged deep:<n>); its config."""
    import io
    import json

    config = Image.build(layers[:1]).config  # a valid config, then with every diff_id
    config["rootfs"]["diff_ids"] = [layer.diff_id for layer in layers]
    config["history"] = [{"created_by": f"step {i}"} for i in range(len(layers))]
    config_bytes = json.dumps(config).encode()
    with tarfile.open(path, "w") as tar:

        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

        names = []
        for layer in layers:
            names.append(f"{layer.diff_id[7:]}/layer.tar")
            add(names[-1], b"".join(layer.tar_chunks()))
        add("config.json", config_bytes)
        manifest = [{"Config": "config.json", "RepoTags": [f"deep:{len(layers)}"], "Layers": names}]
        add("manifest.json", json.dumps(manifest).encode())
    return config_bytes


def test_the_engine_refuses_chains_beyond_layerlabs_limit(engine, tmp_path):
    """The classic store refuses a 126th layer (its layer store's limit, MAX_CHAIN_DEPTH);
    the containerd store has no such limit. A host playing the engine does the same.
    125 layers load first, so the 126-layer image finds them stored (the slow part, once)."""
    from layerlab.model import digest
    from layerlab.real import EngineError

    layers = [Layer.from_files({f"f{i}": str(i)}) for i in range(digest.MAX_CHAIN_DEPTH + 1)]
    limited = not engine.profile().containerd
    host = host_playing(engine.profile())
    try:
        for depth in (digest.MAX_CHAIN_DEPTH, digest.MAX_CHAIN_DEPTH + 1):
            archive = tmp_path / f"deep{depth}.tar"
            config_bytes = _deep_archive(archive, layers[:depth])
            if limited and depth > digest.MAX_CHAIN_DEPTH:
                with pytest.raises(EngineError, match="max depth exceeded"):
                    engine.load(archive)
                with pytest.raises(LayerlabError, match="max depth exceeded"):
                    host.load(archive)
                continue
            engine.load(archive)
            host.load(archive)
            engine_id = engine.inspect_image(f"deep:{depth}")["Id"]
            assert engine_id == host.image_id(f"deep:{depth}")
            assert (engine_id == digest.image_id(config_bytes)) == limited
    finally:
        for depth in (digest.MAX_CHAIN_DEPTH, digest.MAX_CHAIN_DEPTH + 1):
            try:
                engine.remove_image(f"deep:{depth}", force=True)
            except EngineError:
                pass


def test_the_cli_reads_each_engines_archive_with_the_engines_ids(sample, engine, tmp_path):
    """layerlab inspect / analyze / unpack on the engine's own docker save: the ids docker
    image inspect gives, every layer, and the files docker export gives."""
    import json
    import sys

    real, archived = sample

    def layerlab(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "layerlab", "-q", *args], capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        return done

    inspected = json.loads(layerlab("inspect", "--json", str(real.tar)).stdout)
    engine_id = inspected["containerd_image_id"] if engine.profile().containerd else inspected["image_id"]
    assert engine_id == engine.inspect_image(real.tag)["Id"]
    assert inspected["diff_ids"] == engine.inspect_image(real.tag)["RootFS"]["Layers"]
    analysed = json.loads(layerlab("analyze", "--json", str(real.tar)).stdout)
    assert len(analysed["layers"]) == len(real.diff_ids)
    layerlab("unpack", str(real.tar), str(tmp_path / "root"))
    exported = tmp_path / "export.tar"
    engine.export_filesystem(real.tag, exported)
    (tmp_path / "engine").mkdir()
    with tarfile.open(exported) as tar:
        tar.extractall(tmp_path / "engine", filter="fully_trusted")
    theirs = _listing(tmp_path / "engine")
    if "etc" in theirs and "etc" not in _listing(tmp_path / "root"):
        del theirs["etc"]  # only there because the runtime mounted etc/hosts
    assert _listing(tmp_path / "root") == theirs
