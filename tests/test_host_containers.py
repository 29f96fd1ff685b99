"""Properties of containers on the simulated host (hypothesis): no container operation
changes an image layer; containers of one image never see each other's writes; deleting
a file in a container never shrinks the image."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from layerlab.build.context import BuildContext
from layerlab.engine.host import Host
from layerlab.model.image import Image
from layerlab.model.layer import Layer

FILES = {"a/x": b"xx", "a/b/y": b"yyy", "c/z": b"z" * 10, "top": b"t"}
NAMES = ["/a/x", "/a/b/y", "/c/z", "/top", "/a", "/a/b", "/c", "/new", "/a/new", "/data/v"]

ops = st.lists(st.tuples(
    st.sampled_from(["write", "append", "rm", "rmtree", "mkdir", "chmod", "mv", "touch", "ln"]),
    st.sampled_from(NAMES), st.sampled_from(NAMES)), max_size=12)


def command(op: str, a: str, b: str) -> str:
    return {
        "write": f"echo w > {a}", "append": f"echo ap >> {a}", "rm": f"rm -f {a}", "rmtree": f"rm -rf {a}",
        "mkdir": f"mkdir -p {a}", "chmod": f"chmod 600 {a}", "mv": f"mv {a} {b}", "touch": f"touch {a}",
        "ln": f"ln -s {b} {a}",
    }[op]


def make_host() -> Host:
    h = Host(seed=3)
    h.add(Image.build([Layer.from_files(FILES), Layer.from_files({"data/seed": b"s"})], cmd=["sh"]), "img")
    return h


def snapshot(image: Image) -> list:
    return [(layer.diff_id, dict(layer.entries), set(layer.whiteouts)) for layer in image.layers]


def script(steps: list[tuple[str, str, str]]) -> str:
    return "; ".join(command(*s) for s in steps) or "true"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops, st.booleans())
@example([("rm", "/c/z", "/a/x"), ("mv", "/a", "/c/z")], False)  # a directory moved over a deleted file
def test_no_container_operation_changes_an_image_layer(steps, with_volume):
    h = make_host()
    image = h.image("img")
    before, size = snapshot(image), image.size
    c = h.run("img", ["sh", "-c", script(steps)], name="c", volumes=["v:/data"] if with_volume else [])
    c.diff()
    h.commit("c", "snap:1")
    h.rm("c", volumes=True)
    assert snapshot(image) == before and image.size == size


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_two_containers_never_see_each_others_writes(steps):
    h = make_host()
    first = h.run("img", ["sh", "-c", script(steps)], name="one")
    second = h.run("img", "true", name="two")
    assert second.diff() == [] and second.size() == 0
    fresh = make_host().run("img", "true")
    for name in NAMES:
        assert second.exists(name) == fresh.exists(name)
    assert first.image is second.image


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["/a/x", "/a/b/y", "/c/z", "/top", "/a", "/c"]), min_size=1, max_size=4))
def test_deleting_in_a_container_never_shrinks_the_image(paths):
    h = make_host()
    size = h.image("img").size
    h.run("img", ["sh", "-c", "; ".join(f"rm -rf {p}" for p in paths)], name="c")
    assert h.image("img").size == size
    committed = h.commit("c", "after:1")
    assert committed.size >= size
    assert h.container("c").size() == 0


def test_two_commits_of_one_container_are_two_images() -> None:
    """scenarios/found/20.10-commit-twice: the engine writes when it committed into the config,
    so a second commit of an unchanged container is a new image; the first, untagged, keeps
    the layers they share, and rmi of the tag deletes the new image only."""
    host = Host(engine="20.10", seed=1)
    host.build(BuildContext.from_files({"Dockerfile": "FROM alpine\nVOLUME /srv\n"}), "base:1")
    host.run("base:1", ["sleep", "300"], name="c1", detach=True)
    first = host.commit("c1", "fz-a:1")
    second = host.commit("c1", "fz-a:1")
    assert first.image_id != second.image_id and first.diff_ids == second.diff_ids
    deleted = [line for line in host.rmi("fz-a:1") if line.startswith("Deleted:")]
    assert deleted == [f"Deleted: {second.image_id}"]
