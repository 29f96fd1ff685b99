"""``docker commit`` with the containerd image store (D5), against Engine 28.5's own output:
``docker save`` of the committed image, ``ctr snapshots usage`` and ``docker inspect --size``."""

from __future__ import annotations

from layerlab.engine.host import Host
from layerlab.engine.sizes import container_size, container_virtual_size, init_snapshot, snapshot_size
from layerlab.model.image import Image
from layerlab.model.layer import Layer


def app(engine: str) -> Host:
    host = Host(engine=engine, seed=5)
    host.add(Image.build([Layer.from_files({"d/one": "1", "d/sub/two": "2", "keep/k": "k"})]), "app:1")
    return host


def test_a_directory_made_again_is_a_whiteout_per_old_name_not_an_opaque_directory() -> None:
    # engine (28-containerd): tar -tvzf of the committed layer: d/, d/new, d/.wh.one, d/.wh.sub
    for engine, opaque in (("28-containerd", False), ("28", True)):
        host = app(engine)
        host.run("app:1", ["sh", "-c", "rm -rf /d && mkdir /d && echo n > /d/new"], name="re4")
        layer = host.commit("re4", "recreated:1").layers[-1]
        assert ("d" in layer.opaque) is opaque
        if not opaque:
            assert set(layer.whiteouts) == {"d/one", "d/sub"} and set(layer.entries) == {"d", "d/new"}


def test_the_committed_snapshot_sits_on_the_container_s_init() -> None:
    # ctr snapshots ls: sha256:<new chain> has parent <c11>-init (20.0 KiB, 11 inodes); the
    # second container's -init on it: 12.0 KiB, 9 inodes; docker images committed:1 3.18MB
    # where app is 3.14MB
    host = app("28-containerd")
    host.run("app:1", ["sh", "-c", "echo v2 > /version"], name="c11")
    image = host.commit("c11", "committed:1")
    first = host.container("c11")
    assert image.extra_snapshots == (first.init_layer,)
    second = host.run("committed:1", ["cat", "/version"], name="c11b")
    assert snapshot_size(init_snapshot(second)) == 12288
    # c11b: its own writable and -init snapshots, the committed layer and c11's -init under it
    assert container_virtual_size(second, True) - container_virtual_size(first, True) == (
        container_size(second, True) + 12288 + snapshot_size(image.layers[-1]) - container_size(first, True))
