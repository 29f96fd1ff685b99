"""docker system df as Engine 20.10 computes it, missing images in the engine's words, and
docker build -f on the simulated side (each checked against the engine in scenarios/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerlab.compare.lines import parse_scenario
from layerlab.compare.simulated import SimulatedSide
from layerlab.engine.host import Host, HostError
from layerlab.model.image import Image
from layerlab.model.layer import Layer


def host_with_users() -> Host:
    """base (1000 B) shared by two images; app adds 500 B, tool 250 B; two containers of app
    (one running, one stopped, which wrote 3 B), a named volume in use and an idle one."""
    base = Layer.from_files({"a.bin": bytes(1000)})
    host = Host(seed=5, engine="20.10")
    host.add(Image.build([base, Layer.from_files({"app.bin": bytes(500)})], cmd=["sh"]), "app")
    host.add(Image.build([base, Layer.from_files({"tool.bin": bytes(250)})], cmd=["sh"]), "tool")
    host.volume_create("idle").data.write("/f", b"0123456789")  # 10 B nobody mounts
    host.run("app", ["sleep", "1000"], name="up", volumes=["data:/data"])
    host.run("app", ["sh", "-c", "echo hi > /x"], name="down")
    return host


def test_images_reclaimable_leaves_out_what_used_images_hold_uniquely():
    df = host_with_users().system_df()
    total = 1000 + 500 + 250
    assert (df.images.total, df.images.active, df.images.size) == (2, 1, total)
    # only app is used: its unique 500 B stay; the shared base and tool are reclaimable
    assert df.images.reclaimable == total - 500
    text = host_with_users().system_df_text()
    assert text.splitlines()[1].split() == [
        "Images",
        "2",
        "1",
        "1.75kB",
        "1.25kB",
        "(71%)",
    ]  # 1250*100//1750
    assert text.splitlines()[2].split() == ["Containers", "2", "1", "3B", "3B", "(100%)"]
    assert text.splitlines()[3].split() == ["Local", "Volumes", "2", "1", "10B", "10B", "(100%)"]
    assert text.splitlines()[4].split()[:2] == ["Build", "Cache"]


def test_with_nothing_used_every_image_byte_is_reclaimable():
    host = host_with_users()
    for name in ("up", "down"):
        host.rm(name, force=True)
    assert host.system_df_text().splitlines()[1].split()[-2:] == ["1.75kB", "(100%)"]


def test_verbose_has_every_section_and_counts_containers_per_image():
    text = host_with_users().system_df_text(verbose=True)
    sections = [
        line
        for line in text.splitlines()
        if line.endswith(":") or line.startswith("Build cache usage")
    ]
    assert sections == [
        "Images space usage:",
        "Containers space usage:",
        "Local Volumes space usage:",
        "Build cache usage: 0B",
    ]
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line.strip()}
    assert rows["app"][-1] == "2" and rows["tool"][-1] == "0"  # CONTAINERS
    assert rows["idle"][1:] == ["0", "10B"] and rows["data"][1:] == ["1", "0B"]  # LINKS, SIZE
    down = next(line for line in text.splitlines() if line.endswith("down"))
    assert "\"sh -c 'echo hi > /x'\"" in down and " 3B " in down
    assert text.splitlines()[-1].split() == [
        "CACHE",
        "ID",
        "CACHE",
        "TYPE",
        "SIZE",
        "CREATED",
        "LAST",
        "USED",
        "USAGE",
        "SHARED",
    ]


def test_missing_images_in_the_words_of_the_20_10_cli_and_daemon():
    host = host_with_users()
    # seen on Engine 20.10 with its CLI: rmi and image inspect are refused by the CLI...
    for call in (lambda: host.rmi("nosuch"), lambda: host.inspect("nosuch")):
        with pytest.raises(HostError, match=r"^Error: No such image: nosuch$"):
            call()
    # ... history, tag and save by the daemon, which parsed the name first
    with pytest.raises(
        HostError, match=r"^Error response from daemon: No such image: nosuch:latest$"
    ):
        host.history("nosuch")
    with pytest.raises(
        HostError, match=r"^Error response from daemon: No such image: nosuch:latest$"
    ):
        host.tag("nosuch", "other")
    with pytest.raises(
        HostError, match=r"^Error response from daemon: No such image: sha256:abcdef$"
    ):
        host.history("sha256:abcdef")
    with pytest.raises(HostError, match=r"^Error response from daemon: No such image: nosuch$"):
        host.save(["nosuch"], Path("/nonexistent/x.tar"))
    assert host.rmi("nosuch", force=True) == []  # rmi -f of a missing image: silent success


def test_build_with_a_dockerfile_of_another_name(tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile.x").write_text("FROM scratch\nCOPY notes.txt /notes.txt\n")
    (ctx / "notes.txt").write_text("twelve bytes")
    side = SimulatedSide(tmp_path)
    [build, again] = parse_scenario("docker build -f Dockerfile.x -t flag:1 ctx\n" * 2)
    first = side.run(build)
    assert first.ok, first.output
    image = side.host.image("flag:1")
    assert [layer.size for layer in image.layers] == [12]
    assert side.run(again).facts["steps"] == [("COPY notes.txt /notes.txt", True)]
    missing = side.run(parse_scenario("docker build -f Nope -t x ctx")[0])
    assert not missing.ok and "Nope" in missing.output
