"""Container pictures checked against what the model holds, with expectations worked out
from how the test image was made (which layer has which file, how big it is)."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerlab.course.container_examples import BIG_FILE, BIG_FILE_SIZE, cow_image
from layerlab.engine.host import Host
from layerlab.model.lookup import SERVES, lookup
from layerlab.model.operation import OperationError, apply
from layerlab.model.overlay import FsError
from layerlab.render import container_stack, containers_over_image, copy_up_steps, path_lookup

# cow_image(): layer 1 = the demo OS (bin/busybox ...), layer 2 = data/model.bin,
# layer 3 = etc/app/{app.conf,secrets.env} and var/log/app/app.log ("started\n" * 512)
APP_LOG_SIZE = len(b"started\n" * 512)


def node(graph, name: str) -> str:
    """The DOT statement of one node: markup tags dropped, line breaks as ' | ', entities decoded."""
    for line in graph.source.splitlines():
        if line.strip().startswith(f"{name} ["):
            return html.unescape(re.sub(r"<(?!<)[^<>]*>", "", line.replace("<br/>", " | ")))
    raise AssertionError(f"no node {name!r} in {graph.source}")


def text(graph) -> str:
    return html.unescape(graph.source)


@pytest.fixture()
def host() -> Host:
    h = Host(seed=7)
    h.add(cow_image(), "cow-demo")
    return h


def state(c) -> tuple:
    return (dict(c.rw._upper), set(c.rw._opaque), len(c.rw.copy_ups), c.diff(), c.size())


def test_container_stack_layers_in_order_with_mounts_beside(host: Host) -> None:
    c = host.run("cow-demo", name="a", volumes=["logs:/var/log/app"])
    graph = container_stack(c)
    names = [n for n in ("rw", "init", "l2", "l1", "l0")]
    positions = [graph.source.index(f"\t{n} [") for n in names]
    assert positions == sorted(positions)  # drawn top-down: RW, -init, layer 3, 2, 1
    assert "RW layer (container)" in node(graph, "rw") and "read-write" in node(graph, "rw")
    assert "-init layer" in node(graph, "init") and "11 entries" in node(graph, "init")  # the image has /etc/hostname: made again (setup_unix.go)
    assert "image layer 2" in node(graph, "l1") and "COPY model.bin /data/" in node(graph, "l1")
    assert "50MB" in node(graph, "l1")
    assert "3.05MB" in node(
        graph, "l0"
    )  # busybox 1,131,168 + libc 1,922,136 + the small /etc files
    mounts = node(graph, "mounts")  # one box, a row per mount, beside the RW layer
    assert "volume logs" in mounts and "at /var/log/app" in mounts
    assert "4.1kB" in mounts  # populated from the image: app.log's 4,096 bytes
    assert mounts.count(" at ") == 1  # the engine's /etc bind mounts are not user mounts
    assert "mounts -> rw" in graph.source
    assert "penwidth=3" not in graph.source


def test_container_stack_marks_one_mount_row(host: Host) -> None:
    c = host.run("cow-demo", name="a", volumes=["logs:/var/log/app", "/cache"])
    graph = container_stack(c, mark="mount:/cache", mark_note="serves /cache")
    rows = re.findall(r"<tr><td[^>]*>.*?</td></tr>", graph.source)
    marked = [row for row in rows if 'border="2"' in row]
    assert len(marked) == 1 and "/cache" in marked[0] and "serves /cache" in marked[0]


def test_container_stack_marks_one_box_and_shows_rw_bytes(host: Host) -> None:
    c = host.run("cow-demo", name="a")
    c.chmod(BIG_FILE, 0o600)
    graph = container_stack(c, mark="rw", mark_note=f"serves {BIG_FILE}")
    assert "penwidth=3" in node(graph, "rw") and f"serves {BIG_FILE}" in node(graph, "rw")
    assert all("penwidth=3" not in node(graph, n) for n in ("init", "l0", "l1", "l2"))
    assert "50MB" in node(graph, "rw")  # the whole file was copied up
    assert "2 entries, 0 whiteouts" in node(graph, "rw")  # /data and /data/model.bin
    marked = container_stack(c, mark="image:1", mark_note="here")
    assert "penwidth=3" in node(marked, "l1") and "penwidth=3" not in node(marked, "rw")


def copy_nodes(graph) -> list[str]:
    return [node(graph, f"c{i}") for i in range(10) if re.search(rf"\sc{i} \[", graph.source)]


def test_copy_up_steps_chmod_of_a_big_file(host: Host) -> None:
    c = host.run("cow-demo", name="a")
    before = container_stack(c).source
    outcome = apply(c, "chmod", BIG_FILE, "600")
    graph = copy_up_steps(outcome)
    assert "image layer 2 serves" in node(graph, "b_low") and "-rw-r--r--" in node(graph, "b_low")
    parent, big = copy_nodes(graph)
    assert "/data" in parent and "0 bytes (metadata only) from image layer 2" in parent
    assert f"{BIG_FILE_SIZE:,} bytes (data) from image layer 2" in big and "chmod" in big
    assert "-rw-------" in node(graph, "a_rw") and "now hidden" in node(graph, "a_low")
    assert f"{BIG_FILE_SIZE:,} bytes of data" in text(
        graph
    ) and "$ chmod 600 /data/model.bin" in text(graph)
    assert outcome.copied_bytes == BIG_FILE_SIZE == c.size()
    assert container_stack(c).source != before


def test_copy_up_steps_whiteout_then_opaque_directory(host: Host) -> None:
    c = host.run("cow-demo", name="a")
    gone = copy_up_steps(apply(c, "delete tree", "/etc/app"))
    assert "whiteout /etc/app" in node(gone, "a_rw")
    assert "opaque" not in node(gone, "a_rw")  # rm -r makes a whiteout, never an opaque dir
    assert all("(data)" not in n for n in copy_nodes(gone))
    back = copy_up_steps(apply(c, "mkdir", "/etc/app"))
    assert "whited out in RW layer" in node(back, "b_low") and "whiteout" in node(back, "b_rw")
    assert "opaque dir /etc/app" in node(back, "a_rw")
    assert "no copy-up" in node(back, "c0")
    assert ("D", "/etc/app/app.conf") in c.diff()


def test_copy_up_steps_append_copies_the_old_bytes_read_copies_nothing(host: Host) -> None:
    c = host.run("cow-demo", name="a")
    read = copy_up_steps(apply(c, "read", "/var/log/app/app.log"))
    assert "no copy-up" in node(read, "c0") and f"read {APP_LOG_SIZE:,} bytes" in node(read, "c0")
    grown = copy_up_steps(apply(c, "append", "/var/log/app/app.log", "more"))
    assert f"{APP_LOG_SIZE:,} bytes (data) from image layer 3" in node(
        grown, "c3"
    )  # /var, /var/log, /var/log/app first
    assert c.size() == APP_LOG_SIZE + len("more\n")
    overwrite = copy_up_steps(apply(c, "write", "/etc/app/app.conf", "x"))
    # '>' opens with O_TRUNC: the kernel copies no data
    assert "/etc/app/app.conf" in text(
        overwrite
    ) and "0 bytes (metadata only) from image layer 3" in text(overwrite)


def test_path_lookup_marks_the_layer_that_serves(host: Host) -> None:
    c = host.run("cow-demo", name="a", volumes=["logs:/var/log/app"])
    graph = path_lookup(c, BIG_FILE)
    statuses = [node(graph, f"s{i}") for i in range(5)]
    assert "1. RW layer (container): not here" in statuses[0]
    assert "2. -init layer: not here" in statuses[1]
    assert "3. image layer 3: not here" in statuses[2]
    assert "4. image layer 2: ◀ serves" in statuses[3] and "penwidth=2" in statuses[3]
    assert "5. image layer 1: not looked at" in statuses[4]
    assert "served by image layer 2" in node(graph, "title")
    c.chmod(BIG_FILE, 0o600)
    after = path_lookup(c, BIG_FILE)
    assert "RW layer (container): ◀ serves" in node(after, "s0") and "not looked at" in node(
        after, "s3"
    )
    assert "-init layer: ◀ serves" in node(path_lookup(c, "/dev/console"), "s1")
    vol = path_lookup(c, "/var/log/app/app.log")
    assert "volume logs: ◀ serves" in node(vol, "s0") and "hidden by a mount" in node(vol, "s1")
    etc = path_lookup(c, "/etc")
    assert "image layer 3: ◀ serves" in node(etc, "s2") and "image layer 1: merged" in node(
        etc, "s4"
    )
    c.unlink("/bin/sh")
    gone = path_lookup(c, "/bin/sh")
    assert "RW layer (container): whiteout" in node(gone, "s0") and "ENOENT" in node(gone, "title")


def test_containers_over_image_draws_shared_layers_once(host: Host) -> None:
    a = host.run("cow-demo", name="a")
    host.run("cow-demo", name="b")
    a.chmod(BIG_FILE, 0o600)
    graph = containers_over_image(host, "cow-demo")
    source = text(graph)
    for n in (1, 2, 3):
        assert source.count(f"image layer {n}</b>") == 1
        assert "shared by 2 containers" in node(graph, f"l{n - 1}")
    assert "container a" in source and "container b" in source
    assert "50MB · 2 lines in docker diff" in node(graph, "rw0")
    assert "0B · 0 lines in docker diff" in node(graph, "rw1")
    image = sum(layer.size for layer in cow_image().layers)
    summed = 2 * image + BIG_FILE_SIZE
    assert f"sum of virtual sizes {summed / 1e6:.3g}MB" in source
    assert "counts the image 2 times" in source
    assert re.search(r"-> l2\b", graph.source) and graph.source.count("-> l2") == 2


def test_renderers_never_change_the_container(host: Host) -> None:
    c = host.run("cow-demo", name="a", volumes=["/data"])
    apply(c, "append", "/etc/app/app.conf", "x")
    snap = state(c)
    container_stack(c, mark="rw")
    path_lookup(c, "/etc/app/app.conf")
    containers_over_image(host, "cow-demo")
    assert state(c) == snap


def test_errors_leave_the_container_as_it_was(host: Host) -> None:
    c = host.run("cow-demo", name="a")
    c.chmod(BIG_FILE, 0o600)
    snap = state(c)
    with pytest.raises(FsError, match="EXDEV"):
        apply(c, "rename", "/etc/app", "/etc/app2")
    with pytest.raises(FsError, match="ENOENT"):
        apply(c, "chmod", "/nope", "600")
    with pytest.raises(OperationError, match="absolute"):
        apply(c, "read", "data/model.bin")
    with pytest.raises(OperationError, match="octal"):
        apply(c, "chmod", BIG_FILE, "rwx")
    assert state(c) == snap


PATHS = [
    "/data",
    BIG_FILE,
    "/etc/app",
    "/etc/app/app.conf",
    "/var/log/app/app.log",
    "/bin/sh",
    "/bin",
    "/dev/console",
    "/new",
    "/etc/app/new",
]
OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "write",
                "append",
                "chmod",
                "delete",
                "delete tree",
                "mkdir",
                "touch",
                "rename",
                "hard link",
            ]
        ),
        st.sampled_from(PATHS),
        st.sampled_from(PATHS),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_lookup_agrees_with_the_overlay(steps) -> None:
    h = Host(seed=1)
    h.add(cow_image(), "cow-demo")
    c = h.run("cow-demo", name="a")
    for op, path, other in steps:
        arg = {
            "chmod": "700",
            "write": "w",
            "append": "a",
            "rename": other,
            "hard link": other,
        }.get(op, "")
        try:
            apply(c, op, path, arg)
        except (FsError, OperationError):
            pass
    for path in PATHS:
        found = lookup(c, path)
        try:
            source = c.rw.source_of(path)
        except FsError:  # a parent is now a file: ENOTDIR
            source = None
        served = found.served_by
        if source is None:
            assert served is None, (path, found.steps)
        elif source == "upper":
            assert served is not None and served.key == "rw"
        else:
            expected = "init" if source == len(c.image.layers) else f"image:{source}"
            assert served is not None and served.key == expected, (path, source, found.steps)
        assert sum(s.status == SERVES for s in found.steps) <= 1
