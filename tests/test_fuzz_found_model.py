"""What the fuzzer found, checked on the model alone (each case's engine run is
tests/engine/test_fuzz_found.py over scenarios/found/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layerlab.engine.host import Host
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay


def test_chmod_of_a_volume_mount_point_changes_the_volume_root() -> None:
    """scenarios/found/20.10-volume-root-chmod: ``chmod 700 /srv`` where a volume is
    mounted is chmod(2) of the volume's _data directory; the model raised KeyError ''."""
    host = Host(seed=1)
    host.add(Image.build([Layer.from_files({"bin/x": b"x"})], cmd=["sh"], volumes=["/srv"]), "img")
    c = host.run("img", ["sleep", "300"], detach=True, name="c1", volumes=["v:/srv"])
    result = host.exec(c, ["sh", "-c", "chmod 700 /srv && chown 5:6 /srv"])
    assert result.status == 0, result
    [volume] = c.volumes
    root = volume.data.entry("")
    assert (root.mode & 0o7777, root.uid, root.gid) == (0o700, 5, 6)
    other = host.run("img", ["sleep", "300"], detach=True, name="c2", volumes=["v:/mnt"])
    assert other.volumes[0].data.entry("").mode & 0o7777 == 0o700  # the same volume, seen again


def test_a_checkpoint_keeps_the_root_directory() -> None:
    fs = Overlay()
    saved = fs.checkpoint()
    fs.chmod("/", 0o750)
    assert fs.entry("").mode & 0o7777 == 0o750
    fs.rollback(saved)
    assert fs.entry("").mode & 0o7777 == 0o755


def _engine_written(image: Image) -> Image:
    """The same image as an engine's BuildKit would have written it: the same settings,
    other bytes (Go's field order, its own spacing), so another image id."""
    config = json.loads(image.config_bytes)
    reordered = {key: config[key] for key in sorted(config, reverse=True)}
    return Image(image.layers, json.dumps(reordered, indent=1).encode())


@pytest.mark.parametrize("engine", ["20.10", "28"])
def test_a_dockerfile_that_only_names_an_engine_built_image_makes_that_image(tmp_path: Path, engine: str) -> None:
    """scenarios/found/20.10-from-only: ``FROM fz-base`` alone gave a new image id in the
    model; Engine 20.10 and 28 tag the base's own id (BuildKit writes the same config)."""
    host = Host(engine=engine)
    made = Image.build([Layer.from_files({"bin/x": b"x"})], cmd=["sh"], working_dir="/app")
    base = _engine_written(made)
    assert base.image_id != made.image_id
    host.add(base, "fz-base")
    (tmp_path / "Dockerfile").write_text("FROM fz-base\n")
    host.build(tmp_path, "fz-a:1")
    assert host.image("fz-a:1").image_id == base.image_id
    (tmp_path / "Dockerfile").write_text("FROM fz-base\nCMD [\"true\"]\n")
    host.build(tmp_path, "fz-b:1")  # a step that changes the config: a new image
    assert host.image("fz-b:1").image_id != base.image_id


def test_ps_names_the_image_by_id_once_its_tag_names_another(tmp_path: Path) -> None:
    """scenarios/found/20.10-ps-rebuilt-tag: ``docker ps -a`` after fz-a:2 was rebuilt shows
    the exited container's image as its short id on Engine 20.10 (the model kept the tag)."""
    host = Host(engine="20.10")
    host.add(Image.build([Layer.from_files({"bin/x": b"x"})], cmd=["sh"]), "fz-base")
    (tmp_path / "Dockerfile").write_text("FROM fz-base\nLABEL v=1\n")
    host.build(tmp_path, "fz-a:2")
    first = host.image_store.id_of("fz-a:2").split(":")[-1][:12]
    host.run("fz-a:2", ["true"], name="c1")
    host.run(first[:7], ["true"], name="c2")  # made by an id prefix: shown as given
    assert [r["IMAGE"] for r in host.ps_rows(all=True)] == [first[:7], "fz-a:2"]
    (tmp_path / "Dockerfile").write_text("FROM fz-base\nLABEL v=2\n")
    host.build(tmp_path, "fz-a:2")
    rows = {r["NAMES"]: r["IMAGE"] for r in host.ps_rows(all=True)}
    assert rows == {"c1": first, "c2": first[:7]}
