"""docker run's -v and --mount flags as the model reads them, and an image's VOLUME paths."""

from __future__ import annotations

from layerlab.engine.host import Host
from layerlab.engine.mounts import MountSpec, mount_specs, parse_mount_flag, parse_volume_flag
from layerlab.engine.processes import keeps_running
from layerlab.model.image import Image
from layerlab.model.layer import Layer


def test_volume_flags() -> None:
    assert parse_volume_flag("/data") == MountSpec("volume", "", "/data")
    assert parse_volume_flag("v1:/data:ro") == MountSpec("volume", "v1", "/data", True)
    assert parse_volume_flag("/srv:/mnt:z") == MountSpec("bind", "/srv", "/mnt", False)


def test_mount_flags_as_text_or_fields() -> None:
    assert parse_mount_flag("type=tmpfs,target=/t") == MountSpec("tmpfs", "", "/t")
    assert parse_mount_flag("type=bind,src=/srv,dst=/mnt,readonly") == MountSpec("bind", "/srv", "/mnt", True, must_exist=True)
    assert parse_mount_flag({"source": "v", "target": "/d", "readonly": "false"}) == MountSpec("volume", "v", "/d")


def test_an_image_volume_no_flag_covers_gets_an_anonymous_volume() -> None:
    specs = mount_specs(["v:/data/"], [], ["/data", "/cache"])
    assert [(s.source, s.target) for s in specs] == [("v", "/data/"), ("", "/cache")]
    host = Host(seed=2)
    host.add(Image.build([Layer.from_files({"cache/x": b"x"})], cmd=["sh"], volumes=["/cache"]), "img")
    c = host.run("img", "true")
    [volume] = c.volumes
    assert volume.anonymous and volume.data.listdir("/") == ["x"]  # populated from the image


def test_which_commands_keep_a_container_running() -> None:
    assert keeps_running(["sleep", "1000"]) and keeps_running(["sh", "-c", "echo hi; exec tail -f /dev/null"])
    assert not keeps_running(["sh", "-c", "sleep 1000; echo done"]) and not keeps_running(["true"])
