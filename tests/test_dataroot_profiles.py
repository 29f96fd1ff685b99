"""The data root each engine lays out, per profile: ``find DIR/root`` on Engine 20.10, 28 (classic
store) and 28 (containerd store) after the findings' steps (the test image, c1 exited with a
volume, c2 running): ``<engine>/find-root.txt`` and ``28-containerd/find-containerd-root.txt``."""

from __future__ import annotations

import pytest

from lab_image import INDEX, engine_target, lab_image
from layerlab.build.context import BuildContext
from layerlab.dataroot import DataRoot, DataRootError
from layerlab.engine.host import Host

R = "/var/lib/docker"
CTRD = "/var/lib/containerd"
BLOBS = f"{CTRD}/io.containerd.content.v1.content/blobs/sha256"
SNAPS = f"{CTRD}/io.containerd.snapshotter.v1.overlayfs/snapshots"


def lab(engine: str) -> Host:
    host = Host(engine=engine, seed=3)
    if host.profile.containerd:
        host.image_store.add(lab_image(), "lab:1", target=engine_target())
    else:
        host.add(lab_image(), "lab:1")
    host.run("lab:1", ["sh", "-c", "echo hi > /app/new.txt; echo x > /vol/x"], name="c1", volumes=["vol1:/vol"])
    host.run("lab:1", ["sh", "-c", "echo running > /data/run.txt; sleep 3600"], name="c2")
    return host


def top(root: DataRoot) -> set[str]:
    return {node.name for node in root.children(R)}


def test_engine_28_s_classic_root_has_an_engine_id_and_no_trust() -> None:
    # 20.10-overlay2/find-root.txt has trust/ and plugins/storage/; 28-overlay2 has engine-id
    # and buildkit/history.db instead
    old, new = DataRoot.from_host(lab("20.10")), DataRoot.from_host(lab("28"))
    assert top(new) - top(old) == {"engine-id"} and top(old) - top(new) == {"trust"}
    assert f"{R}/plugins/storage" in old and f"{R}/plugins/storage" not in new
    assert f"{R}/buildkit/history.db" in new and f"{R}/buildkit/history.db" not in old
    assert {"overlay2", "image"} <= top(new)


def test_the_containerd_store_keeps_no_images_in_the_data_root() -> None:
    host = lab("28-containerd")
    root = DataRoot.from_host(host)
    assert root.store == "containerd" and root.roots == (R, CTRD)
    # 28-containerd/find-root.txt: no overlay2/, no image/; rootfs/overlayfs/<running container>
    assert top(root) == {"buildkit", "containers", "engine-id", "network", "plugins", "rootfs", "runtimes",
                         "swarm", "tmp", "volumes"}
    c1, c2 = host.container("c1"), host.container("c2")
    assert [n.name for n in root.children(f"{R}/rootfs/overlayfs")] == [c2.id]
    assert {n.name for n in root.children(f"{R}/buildkit")} == {"cache.db", "containerd-overlayfs", "executor",
                                                               "history_c8d.db"}
    assert {n.name for n in root.children(f"{R}/buildkit/containerd-overlayfs")} == {
        "cachemounts", "metadata_v2.db", "workerid"}
    assert f"{R}/containers/{c1.id}/config.v2.json" in root and f"{R}/volumes/vol1/_data/x" in root
    assert f"{CTRD}/io.containerd.runtime.v2.task/moby/{c2.id}" in root
    assert f"{CTRD}/io.containerd.runtime.v2.task/moby/{c1.id}" not in root


def test_containerd_s_root_holds_the_blobs_and_numbered_snapshots() -> None:
    host = lab("28-containerd")
    root = DataRoot.from_host(host)
    target = engine_target()
    # find-containerd-root.txt: the index (the image id), manifests, config, attestation, gzip layers
    assert {n.name for n in root.children(BLOBS)} == {d.digest[7:] for d in target.blobs()}
    assert '"manifests"' in (root.node(f"{BLOBS}/{INDEX[7:]}").content or "")
    # five image snapshots and two per container (-init and the writable one), each fs/ and work/
    numbers = sorted(int(n.name) for n in root.children(SNAPS))
    assert numbers == list(range(1, 10))
    assert all({c.name for c in root.children(f"{SNAPS}/{n}")} == {"fs", "work"} for n in numbers)
    ident = root.identity("lab:1")
    assert ident.image_id == INDEX and ident.config_path == f"{BLOBS}/{target.config.digest[7:]}"
    assert f"{ident.layers[0].directory}/fs/bin/busybox" in root
    assert root.docker_info()[5:7] == ["Storage Driver: overlayfs", " driver-type: io.containerd.snapshotter.v1"]


def test_a_build_is_on_disk_three_times_until_the_cache_is_pruned() -> None:
    # findings section 4.7: BuildKit's snapshots, the image's snapshots, and the gzip blobs;
    # after rmi and builder prune only the build's documents stay (namespace moby_history)
    host = Host(engine="28-containerd", seed=1)
    host.build(BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\nCOPY b /b\n", "a": "1", "b": "2"}),
               "lab:1")
    root = DataRoot.from_host(host)
    # Engine 28.5 (ctr snapshots ls, by Created): BuildKit's three local sources (Dockerfile,
    # .dockerignore, the COPY sources), its two steps, a view of the first, the image's two
    assert len(root.children(SNAPS)) == 8
    target = host.images[host.image_id("lab:1")].target
    statement = target.attestation[-1].digest[7:]
    record = {n.name for n in root.children(BLOBS)} - {d.digest[7:] for d in target.blobs()}
    assert len(record) == 3  # BuildKit's build record: provenance predicate, progress log, trace
    host.rmi("lab:1")
    assert len(DataRoot.from_host(host).children(SNAPS)) == 6  # BuildKit's are left
    host.builder_prune()
    after = DataRoot.from_host(host)
    assert f"{SNAPS}" in after and not after.children(SNAPS)
    kept = {n.name for n in after.children(BLOBS)}
    # namespace moby_history: index, manifest, config, attestation manifest and config, the record;
    # not the in-toto statement, not the layers
    assert kept == {d[7:] for d in target.documents} - {statement} | record
    assert target.image_id[7:] in kept and not {d.digest[7:] for d in target.layers} & kept


@pytest.mark.parametrize(("where", "expected"), [
    (None, "/var/lib/containerd"),
    ("managed", f"{R}/containerd/daemon"),  # dockerd running its own containerd
    ("/srv/ctrd", "/srv/ctrd"),
])
def test_where_containerd_keeps_its_root(where: str | None, expected: str) -> None:
    root = DataRoot.from_host(lab("28-containerd"), containerd_root=where)
    assert f"{expected}/io.containerd.content.v1.content/blobs/sha256/{INDEX[7:]}" in root
    with pytest.raises(DataRootError, match="an absolute path or 'managed'"):
        DataRoot.from_host(lab("28-containerd"), containerd_root="relative/dir")


def test_a_committed_image_is_marked_built_locally_from_engine_26_on() -> None:
    # 28-05-commit (tests/engine/test_dataroot_engine.py on Engine 28.5): imagedb/metadata/
    # sha256/<committed id>/builtLocally; Engine 20.10 has no such file (moby added it in 26.0)
    for engine, marked in (("20.10", False), ("28", True)):
        host = Host(engine=engine, seed=1)
        host.add(lab_image(), "lab:1")
        host.run("lab:1", ["sh", "-c", "echo v > /version"], name="c")
        image = host.commit("c", "committed:1")
        meta = f"{R}/image/overlay2/imagedb/metadata/sha256/{image.image_id[7:]}"
        assert (f"{meta}/builtLocally" in DataRoot.from_host(host)) == marked
        assert f"{meta}/parent" in DataRoot.from_host(host)


# `find <containerd root>` of never-used private daemons (scripts/private-dockerd, 05:03 UTC
# 2026-12-06), before anything: Engine 20.10 runs Debian's containerd 1.6, Engine 28.5 its 2.1.
CONTAINERD_16_AT_START = """\
io.containerd.content.v1.content io.containerd.content.v1.content/ingest io.containerd.metadata.v1.bolt
io.containerd.metadata.v1.bolt/meta.db io.containerd.runtime.v1.linux io.containerd.runtime.v2.task
io.containerd.snapshotter.v1.btrfs io.containerd.snapshotter.v1.native io.containerd.snapshotter.v1.native/snapshots
io.containerd.snapshotter.v1.overlayfs io.containerd.snapshotter.v1.overlayfs/snapshots opt opt/bin opt/lib
tmpmounts""".split()
CONTAINERD_21_AT_START = """\
io.containerd.metadata.v1.bolt io.containerd.metadata.v1.bolt/meta.db io.containerd.runtime.v2.task
io.containerd.sandbox.controller.v1.shim io.containerd.snapshotter.v1.blockfile io.containerd.snapshotter.v1.btrfs
io.containerd.snapshotter.v1.erofs io.containerd.snapshotter.v1.erofs/snapshots io.containerd.snapshotter.v1.native
io.containerd.snapshotter.v1.native/snapshots io.containerd.snapshotter.v1.overlayfs
io.containerd.snapshotter.v1.overlayfs/snapshots opt opt/bin opt/lib tmpmounts""".split()


def below(root: DataRoot, top: str) -> set[str]:
    return {p[len(top) + 1:] for p in root.paths() if p.startswith(top + "/")}


@pytest.mark.parametrize(("engine", "expected"), [
    ("20.10", CONTAINERD_16_AT_START),
    ("28", CONTAINERD_21_AT_START),
    ("28-containerd", [*CONTAINERD_21_AT_START, "io.containerd.grpc.v1.introspection",
                       "io.containerd.grpc.v1.introspection/uuid"]),
])
def test_every_engine_has_containerd_s_root_as_its_containerd_makes_it(engine: str, expected: list[str]) -> None:
    assert below(DataRoot.from_host(Host(engine=engine, seed=1)), CTRD) == set(expected)


def test_with_the_classic_store_containerd_s_root_only_gets_the_task_namespace() -> None:
    # after two builds, a container run and removed (probe of 06-containerd-store on 28.5 classic):
    # no content store, no snapshots; io.containerd.runtime.v2.task/moby made with the container
    host = lab("28")
    root = DataRoot.from_host(host)
    assert below(root, CTRD) - set(CONTAINERD_21_AT_START) == {
        "io.containerd.runtime.v2.task/moby", f"io.containerd.runtime.v2.task/moby/{host.container('c2').id}"}
    assert root.roots == (R,)
