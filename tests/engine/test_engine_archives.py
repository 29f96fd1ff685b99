"""layerlab against a real Docker Engine: the same bytes give the same identities.

Images built by the engine are read back by layerlab with the ids the engine computed;
images made by layerlab load into the engine with the ids layerlab computed and run.
"""

from __future__ import annotations

import hashlib
import os
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

pytestmark = pytest.mark.engine

# Paths every container gets from the engine (the -init layer and runtime mounts).
ENGINE_PATHS = {".dockerenv", "dev", "etc/hostname", "etc/hosts", "etc/mtab", "etc/resolv.conf", "proc", "sys"}


@pytest.fixture(scope="module")
def sample(sample_image_tar):
    [archived] = read_archive(sample_image_tar.tar)
    return sample_image_tar, archived


def test_ids_read_from_docker_save_are_the_engines(sample):
    real, archived = sample
    assert archived.image.image_id == real.image_id
    assert archived.image.diff_ids == real.diff_ids
    assert archived.tags == [real.tag]


def test_chain_ids_and_sizes_match_the_engines_layer_store(sample, engine):
    real, archived = sample
    info = engine.info()
    layerdb = Path(info["DockerRootDir"]) / "image" / info["Driver"] / "layerdb" / "sha256"
    if not layerdb.is_dir():
        pytest.skip(f"engine data root {layerdb} is not on this machine")
    for layer, chain in zip(archived.image.layers, archived.image.chain_ids):
        entry = layerdb / chain[7:]
        assert entry.is_dir(), f"the engine has no layer stored under chain id {chain}"
        assert (entry / "diff").read_text() == layer.diff_id
        assert int((entry / "size").read_text()) == layer.size, f"size of {layer.diff_id[:19]}"
    assert engine.inspect_image(real.tag)["Size"] == archived.image.size


def test_history_matches_docker_history(sample):
    real, archived = sample
    ours = list(reversed(archived.image.steps()))
    assert [row["CreatedBy"] for row in real.history] == [h.created_by for h, _ in ours]
    from layerlab.model.units import human_size

    assert [row["Size"] for row in real.history] == [human_size(layer.size if layer else 0) for _, layer in ours]


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
    from engine_support import busybox_path

    arch = engine.version()["Arch"]
    image = _busybox_image(tmp_path, busybox_path(), arch)
    archive = save_docker_archive({"layerlab-made/hello:1": image}, tmp_path / "made.tar")
    engine.load(archive)
    inspect = engine.inspect_image("layerlab-made/hello:1")
    assert inspect["Id"] == image.image_id
    assert inspect["RootFS"]["Layers"] == image.diff_ids
    assert engine.run("layerlab-made/hello:1") == "made by layerlab\n"
    assert engine.run("layerlab-made/hello:1", "ls", "/app").split() == ["hello.txt", "new.txt"]
    # and back again: the engine's save of it reads as the same bytes
    engine.save(["layerlab-made/hello:1"], tmp_path / "again.tar")
    [again] = read_archive(tmp_path / "again.tar")
    assert again.image.config_bytes == image.config_bytes
    engine.remove_image("layerlab-made/hello:1", force=True)


@pytest.mark.parametrize("depth, loads", [(125, True), (126, False)])
def test_the_engine_refuses_chains_beyond_layerlabs_limit(engine, tmp_path, depth, loads):
    from layerlab.model import digest

    layers = [Layer.from_files({f"f{i}": str(i)}) for i in range(depth)]
    config = Image.build(layers[:1]).config  # a valid config, then with every diff_id
    config["rootfs"]["diff_ids"] = [l.diff_id for l in layers]
    config["history"] = [{"created_by": f"step {i}"} for i in range(depth)]
    import json

    config_bytes = json.dumps(config).encode()
    archive = tmp_path / "deep.tar"
    with tarfile.open(archive, "w") as tar:
        def add(name: str, data: bytes) -> None:
            import io

            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

        names = []
        for layer in layers:
            name = f"{layer.diff_id[7:]}/layer.tar"
            add(name, b"".join(layer.tar_chunks()))
            names.append(name)
        add("config.json", config_bytes)
        add("manifest.json", json.dumps([{"Config": "config.json", "RepoTags": [f"deep:{depth}"], "Layers": names}]).encode())
    assert (depth <= digest.MAX_CHAIN_DEPTH) == loads
    if loads:
        engine.load(archive)
        assert engine.inspect_image(f"deep:{depth}")["Id"] == digest.image_id(config_bytes)
        engine.remove_image(f"deep:{depth}", force=True)
    else:
        from layerlab.real import EngineError

        with pytest.raises(EngineError, match="max depth exceeded"):
            engine.load(archive)
