"""Containers in the model: mount routing, EROFS, docker diff kinds, ps -s size, commit,
volume population (the engine facts are in tests/engine/test_container_scenarios.py)."""

from __future__ import annotations

import pytest

from layerlab.engine.host import Host, HostError
from layerlab.model.container import Container, Mount, init_layer
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.overlay import FsError, Overlay
from layerlab.model.volume import Volume

BIG = 5 * 1024 * 1024


def image() -> Image:
    return Image.build([Layer.from_files({
        "bin/tool": b"tool", "d/one": b"1\n", "d/sub/two": b"2\n", "data/seed.txt": b"seed\n",
        "keep/k": b"k\n", "big": bytes(BIG)})], cmd=["sh"])


def host(engine: str | None = None) -> Host:
    h = Host(seed=7, engine=engine)
    h.add(image(), "app")
    return h


def test_init_layer_holds_what_docker_makes_and_diff_never_shows_it():
    layer = init_layer(image().layers)
    for path in ("dev/pts", "dev/shm", "proc", "sys", ".dockerenv", "etc/resolv.conf", "etc/hosts",
                 "etc/hostname", "dev/console", "etc/mtab"):
        assert path in layer.entries
    assert layer.entries["etc/mtab"].target == "/proc/mounts"
    c = host().run("app", "true", name="c")
    assert c.diff() == [] and c.size() == 0
    assert c.exists("/etc/hosts")


def test_diff_kinds_and_parents():
    h = host()
    c = h.run("app", ["sh", "-c", "echo hi > /new && echo more >> /d/one && rm -rf /d/sub && rm /bin/tool"], name="c")
    assert c.diff() == [("C", "/bin"), ("D", "/bin/tool"), ("C", "/d"), ("C", "/d/one"), ("D", "/d/sub"), ("A", "/new")]
    assert h.diff("c") == "C /bin\nD /bin/tool\nC /d\nC /d/one\nD /d/sub\nA /new"


def test_recreated_dir_lists_each_old_child_as_deleted():
    c = host().run("app", ["sh", "-c", "rm -rf /d && mkdir /d && echo n > /d/new"])
    assert sorted(c.diff()) == [("A", "/d/new"), ("C", "/d"), ("D", "/d/one"), ("D", "/d/sub")]
    assert "d" in c.commit().opaque  # the committed layer is the upper dir: an opaque dir


def test_chmod_same_mode_copies_up_but_shows_no_diff():
    h = host("20.10")  # ps -s in file bytes: the classic store
    same = h.run("app", ["chmod", "644", "/big"])
    other = h.run("app", ["chmod", "600", "/big"])
    assert same.diff() == [] and same.size() == BIG
    assert other.diff() == [("C", "/big")] and other.size() == BIG
    assert "5.24MB (virtual 10.5MB)" in h.ps(all=True, size=True)


def test_size_counts_symlinks_and_hard_links_once():
    c = host().run("app", ["sh", "-c", "echo abc > /f && ln /f /g && ln -s abcdefgh /l"])
    assert c.size() == 4 + 8


def test_mv_of_a_lower_directory_copies_and_deletes():
    c = host().run("app", ["sh", "-c", "mv /d/sub /sub2"])
    assert sorted(c.diff()) == [("A", "/sub2"), ("A", "/sub2/two"), ("C", "/d"), ("D", "/d/sub")]


def test_named_volume_routing_population_and_survival():
    h = host()
    c = h.run("app", ["sh", "-c", "echo x > /data/x"], name="c", volumes=["v1:/data"])
    assert c.diff() == [] and c.size() == 0
    assert sorted(h.volumes["v1"].data.listdir("/")) == ["seed.txt", "x"]
    h.image("app").layers[0].entries["data/seed.txt"]  # the image is untouched
    h.rm("c", volumes=True)
    assert "v1" in h.volumes
    again = h.run("app", ["cat", "/data/x"], volumes=["v1:/data"])
    assert again.output[-1].stdout == "x\n"


def test_non_empty_volume_hides_image_content():
    h = host()
    volume = h.volume_create("full")
    volume.data.write("/mine", b"mine")
    c = h.run("app", ["ls", "/data"], volumes=["full:/data"])
    assert c.output[-1].stdout == "mine\n"


def test_anonymous_volume_mount_point_is_added_and_rm_v_removes_it():
    h = host("20.10")  # its volume prune takes named volumes too
    c = h.run("app", ["sh", "-c", "echo y > /newmnt/y"], name="c", volumes=["/newmnt", "n:/keep"])
    assert c.diff() == [("A", "/newmnt")]
    anonymous = [v for v in h.volumes.values() if v.anonymous]
    assert len(anonymous) == 1 and len(anonymous[0].name) == 64
    h.rm("c")
    assert len(h.volumes) == 2
    h.run("app", "true", name="c2", volumes=["/other"])
    h.rm("c2", volumes=True)
    assert len(h.volumes) == 2
    h.run("app", "true", rm=True, volumes=["/gone", "stays:/x"])
    assert "stays" in h.volumes and len(h.volumes) == 3
    assert "Deleted Volumes:" in h.volume_prune() and not h.volumes


def test_read_only_mount_refuses_writes():
    h = host()
    c = h.run("app", ["sh", "-c", "echo x > /data/x"], volumes=["v:/data:ro"])
    assert c.exit_code == 1 and "Read-only" in c.output[-1].stderr
    with pytest.raises(FsError) as err:
        c.write("/data/y", b"y")
    assert err.value.code == "EROFS"


def test_bind_and_tmpfs_mounts():
    h = host()
    h.host_dir("/srv", {"a.txt": b"host\n"})
    c = h.run("app", ["sh", "-c", "cat /mnt/a.txt && echo b > /mnt/b && echo t > /t/t"], volumes=["/srv:/mnt"],
              mounts=["type=tmpfs,target=/t"])
    assert c.output[-1].stdout == "host\n"
    assert h.host_dirs["/srv"].exists("/b")
    assert sorted(c.diff()) == [("A", "/mnt"), ("A", "/t")]


def test_rename_across_mounts_is_exdev():
    c = host().run("app", "true", volumes=["v:/data"])
    with pytest.raises(FsError) as err:
        c.rename("/d/one", "/data/one")
    assert err.value.code == "EXDEV"
    result = c.exec(["sh", "-c", "mv /d/one /data/one"])  # mv falls back to copy + delete
    assert result.status == 0 and c.exists("/data/one") and not c.exists("/d/one")


def test_commit_makes_an_image_with_the_rw_layer_and_a_commit_row():
    h = host()
    h.run("app", ["sh", "-c", "echo v2 > /version"], name="c")
    committed = h.commit("c", "committed:1")
    assert len(committed.layers) == 2 and "version" in committed.layers[-1].entries
    assert committed.history[-1].created_by == "sh -c echo v2 > /version"
    assert committed.config["config"]["Cmd"] == ["sh", "-c", "echo v2 > /version"]
    c2 = h.run("committed:1", ["cat", "/version"], name="c2")
    assert c2.output[-1].stdout == "v2\n" and c2.diff() == []


def test_exec_needs_a_running_container_and_rm_refuses_it():
    h = host()
    c = h.run("app", ["sleep", "1000"], name="s", detach=True)
    assert c.running
    h.exec("s", ["sh", "-c", "echo e > /e"])
    assert c.diff() == [("A", "/e")]
    with pytest.raises(HostError):
        h.rm("s")
    h.stop("s")
    with pytest.raises(HostError):
        h.exec("s", "true")
    h.rm("s")
    assert h.ps(all=True).count("\n") == 0


def test_container_ids_and_names():
    h = Host(seed=1)
    h.add(image(), "app")
    a, b = h.run("app", "true"), h.run("app", "true")
    assert len(a.id) == 64 and all(ch in "0123456789abcdef" for ch in a.id) and a.id != b.id
    assert "_" in a.name and a.name != b.name
    assert Host(seed=1).seed == 1


def test_system_df_counts_containers_and_volumes():
    h = host("20.10")  # file bytes: the classic store
    h.run("app", ["sh", "-c", "echo hello > /h"], volumes=["v:/data"])
    rows = {
        line[:16].strip(): line[16:].split(maxsplit=3)
        for line in h.system_df_text().splitlines()[1:]
    }
    assert rows["Containers"][:3] == ["1", "0", "6B"]
    assert rows["Local Volumes"] == ["1", "1", "5B", "0B (0%)"]


def test_volume_model():
    v = Volume("x")
    assert v.is_empty and v.size() == 0
    src = Overlay([Layer.from_files({"p/a": b"abc"})])
    v.populate_from(src, "p")
    assert v.data.listdir("/") == ["a"] and v.size() == 3


def test_container_constructor():
    img = image()
    init = init_layer(img.layers)
    c = Container("f" * 64, "n", img, init, Overlay([*img.layers, init]), [Mount("tmpfs", "t", Overlay())])
    c.write("/t/x", b"1")
    assert c.size() == 0 and c.read("/t/x").read() == b"1"
