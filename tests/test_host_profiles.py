"""A simulated host prints what the engine it plays prints: Engine 20.10, Engine 28 with the
classic store, Engine 28 with the containerd image store.

Every expected value is what one of the three real engines printed for the course's test
image (``tests/lab_image.py``), quoted from its capture: ``<engine>/<command>.txt`` in the
issue's measurements (``/tmp/engine-captures``, summarised in its findings).
"""

from __future__ import annotations

import re

import pytest

from lab_image import INDEX, engine_target, lab_image
from layerlab.build.context import BuildContext
from layerlab.drivers import DriverError
from layerlab.engine.host import Host, HostError
from layerlab.engine.profile import ProfileError

CLASSIC = ("20.10", "28")
C1 = ["sh", "-c", "echo hi > /app/new.txt; rm /app/hello.txt; echo x > /vol/x; mkdir -p /tmp/t"]
C2 = ["sh", "-c", "echo running > /data/run.txt; sleep 3600"]


def lab_host(engine: str, *, volume: bool = True) -> Host:
    """The test image as ``lab:1`` (with the containerd store: under the engine's own index)
    and the two containers of the findings: c1 exited, c2 running."""
    host = Host(engine=engine, seed=1)
    if host.profile.containerd:
        host.image_store.add(lab_image(), "lab:1", target=engine_target())
    else:
        host.add(lab_image(), "lab:1")
    c1 = host.run("lab:1", C1 if volume else C1[:2] + [C1[2].replace("echo x > /vol/x; ", "")], name="c1",
                  volumes=["vol1:/vol"] if volume else ())
    c1.fs.write("/tmp/t/z", bytes(5000))  # head -c 5000 /dev/zero (the model has no /dev/zero)
    host.run("lab:1", C2, name="c2")
    return host


def column(table: str, name: str) -> list[str]:
    header, *rows = table.splitlines()
    start = header.index(name)
    return [row[start:].split("   ")[0].strip() for row in rows]


# -- docker history, docker ps -s, docker images ------------------------------------------


@pytest.mark.parametrize(("engine", "sizes"), [
    # <engine>/history.txt: file bytes in the classic store (WORKDIR and the symlink RUN 0B)
    ("20.10", ["0B", "0B", "100kB", "20kB", "0B", "0B", "0B", "1.98MB"]),
    ("28", ["0B", "0B", "100kB", "20kB", "0B", "0B", "0B", "1.98MB"]),
    # 28-containerd/history.txt: 4 KiB blocks of each snapshot, directories included
    ("28-containerd", ["0B", "0B", "119kB", "32.8kB", "0B", "8.19kB", "20.5kB", "1.99MB"]),
])
def test_history_sizes_are_the_store_s(engine: str, sizes: list[str]) -> None:
    host = lab_host(engine)
    assert [row["SIZE"] for row in host.history_rows("lab:1")] == sizes
    assert host.history_rows("lab:1")[0]["IMAGE"] == host.image_id("lab:1")[7:19]


@pytest.mark.parametrize(("engine", "sizes"), [
    # <engine>/ps-s-a.txt: c2 then c1
    ("20.10", ["8B (virtual 2.1MB)", "5kB (virtual 2.11MB)"]),
    ("28", ["8B (virtual 2.1MB)", "5kB (virtual 2.11MB)"]),
    ("28-containerd", ["12.3kB (virtual 2.2MB)", "32.8kB (virtual 2.22MB)"]),
])
def test_ps_size_is_the_store_s(engine: str, sizes: list[str]) -> None:
    host = lab_host(engine)
    assert [r["SIZE"] for r in host.ps_rows(all=True, size=True)] == sizes
    assert "CREATED" in host.ps(all=True) and "STATUS" in host.ps(all=True)


def test_images_size_id_and_digest_per_store() -> None:
    # <engine>/images.txt and image-ls-digests.txt
    classic = lab_host("28")
    assert classic.images_table(digests=True).splitlines()[0].split() == [
        "REPOSITORY", "TAG", "DIGEST", "IMAGE", "ID", "CREATED", "SIZE"]
    row = classic.image_rows(digests=True)[0]
    assert (row["DIGEST"], row["SIZE"]) == ("<none>", "2.1MB")
    row = lab_host("28-containerd").image_rows(digests=True)[0]
    # lab 1 sha256:6ccbb414… 6ccbb41465da 3 seconds ago 3.28MB: the index digest, snapshots + content
    assert (row["IMAGE ID"], row["DIGEST"], row["SIZE"]) == ("6ccbb41465da", INDEX, "3.28MB")


def test_created_column_has_a_time_that_does_not_move() -> None:
    host = Host(engine="28", seed=1)
    host.build(BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "1"}), "lab:1")
    host.add(lab_image(), "old:1")  # made elsewhere: its config says 1970
    created = {r["REPOSITORY"]: r["CREATED"] for r in host.image_rows()}
    assert created == {"lab": "Less than a second ago", "old": "56 years ago"}
    assert [line.split()[:2] for line in host.images_table().splitlines()[:1]] == [["REPOSITORY", "TAG"]]


# -- docker system df ---------------------------------------------------------------------


def test_system_df_classic_counts_file_bytes() -> None:
    # 28-overlay2/system-df.txt (20.10 printed the same)
    df = lab_host("28").system_df_text().splitlines()
    assert df[1].split() == ["Images", "1", "1", "2.102MB", "0B", "(0%)"]
    assert df[2].split() == ["Containers", "2", "1", "5.011kB", "5.003kB", "(99%)"]


def test_system_df_containerd_counts_snapshots_and_content() -> None:
    # 28-containerd/with-containers.txt (no volume): Images 1 1 3.363MB 82.78kB (2%),
    # Containers 2 1 40.96kB 28.67kB (70%); ps -s: 28.7kB and 12.3kB
    host = lab_host("28-containerd", volume=False)
    df = host.system_df_text().splitlines()
    assert df[1].split() == ["Images", "1", "1", "3.363MB", "82.78kB", "(2%)"]
    assert df[2].split() == ["Containers", "2", "1", "40.96kB", "28.67kB", "(70%)"]
    verbose = host.system_df_text(verbose=True)
    # 28-containerd/system-df-v.txt: lab 1 6ccbb41465da ... 3.28MB 0B 3.28MB 2
    assert "3.28MB    0B            3.28MB        2" in verbose


def test_system_df_verbose_image_size_digits_per_engine() -> None:
    # system-df-v.txt: 20.10 SIZE 2.102MB, 28 2.1MB (UNIQUE SIZE 2.102MB on both)
    for engine, size in (("20.10", "2.102MB"), ("28", "2.1MB")):
        line = next(x for x in lab_host(engine).system_df_text(verbose=True).splitlines() if x.startswith("lab "))
        assert re.split(r"\s{3,}", line)[4:8] == [size, "0B", "2.102MB", "2"]


# -- docker image inspect -----------------------------------------------------------------


def test_inspect_fields_per_engine() -> None:
    # <engine>/image-inspect.txt: the keys in the order each engine prints them
    assert list(lab_host("20.10").inspect("lab:1")) == [
        "Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig",
        "DockerVersion", "Author", "Config", "Architecture", "Os", "Size", "VirtualSize", "GraphDriver",
        "RootFS", "Metadata"]
    classic = lab_host("28").inspect("lab:1")
    assert list(classic) == ["Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "DockerVersion",
                             "Author", "Architecture", "Os", "Size", "GraphDriver", "RootFS", "Metadata", "Config"]
    assert (classic["Size"], classic["RepoDigests"], classic["Comment"]) == (2102288, [], "buildkit.dockerfile.v0")
    assert list(classic["GraphDriver"]["Data"]) == ["LowerDir", "MergedDir", "UpperDir", "WorkDir"]
    # 28: Config keys sorted, the legacy ones always there (Entrypoint null ...)
    assert list(classic["Config"]) == sorted(classic["Config"]) and classic["Config"]["Entrypoint"] is None
    c8d = lab_host("28-containerd").inspect("lab:1")
    assert list(c8d)[-2:] == ["Descriptor", "Config"]
    assert c8d["Id"] == INDEX and c8d["RepoDigests"] == [f"lab@{INDEX}"]
    assert c8d["Size"] == 1108153  # the index, manifest, config and gzip layers
    assert c8d["GraphDriver"] == {"Data": None, "Name": "overlayfs"}
    assert c8d["Descriptor"] == {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": INDEX,
                                 "size": 856}


# -- removing -----------------------------------------------------------------------------


def test_rmi_of_an_image_in_use_in_each_store_s_words() -> None:
    # <engine>/rmi-in-use.txt
    with pytest.raises(HostError, match=r'unable to remove repository reference "lab:1" \(must force\) - '
                                        r"container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}$"):
        lab_host("28").rmi("lab:1")
    with pytest.raises(HostError, match=r"unable to delete lab:1 \(must be forced\) - container [0-9a-f]{12} "
                                        r"is using its referenced image 6ccbb41465da$"):
        lab_host("28-containerd").rmi("lab:1")


def test_rmi_prints_layers_only_in_the_classic_store() -> None:
    # <engine>/rmi-after-prune.txt: classic adds "Deleted: <chain id>" per freed layer;
    # containerd only ever prints "Untagged:" and "Deleted: <index digest>"
    classic = Host(engine="28", seed=1)
    image = classic.add(lab_image(), "lab:1")
    lines = classic.rmi("lab:1")
    assert lines == ["Untagged: lab:1", f"Deleted: {image.image_id}",
                     *(f"Deleted: {chain}" for chain in reversed(image.chain_ids))]
    c8d = Host(engine="28-containerd", seed=1)
    c8d.image_store.add(lab_image(), "lab:1", target=engine_target())
    assert c8d.rmi("lab:1") == ["Untagged: lab:1", f"Deleted: {INDEX}"]


def test_a_tag_taken_by_a_new_build_leaves_a_dangling_image_only_in_the_classic_store() -> None:
    # <engine>/images-after-changed.txt: classic keeps <none> <none>; containerd does not
    for engine, rows in (("28", 2), ("28-containerd", 1)):
        host = Host(engine=engine, seed=1)
        for text in ("one", "two"):
            host.build(BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": text}), "lab:1")
        assert len(host.image_rows()) == rows


def test_containerd_build_ids_change_every_build_unless_provenance_is_off() -> None:
    # 28-containerd/build-again.txt: the same manifest and config, a new attestation and index;
    # build-provenance-false-again.txt: one manifest, the same id
    host = Host(engine="28-containerd", seed=1)
    context = BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "1"})
    ids = [host.build(context, f"lab:{n}").image and host.image_id(f"lab:{n}") for n in (1, 2)]
    assert ids[0] != ids[1]
    targets = [host.images[i].target for i in ids]
    assert targets[0].manifest == targets[1].manifest and targets[0].config == targets[1].config
    host.build(context, "lab:np", provenance=False)
    host.build(context, "lab:np2", provenance=False)
    assert host.image_id("lab:np") == host.image_id("lab:np2")
    np = host.images[host.image_id("lab:np")].target
    assert np.target.media_type == "application/vnd.docker.distribution.manifest.v2+json"
    classic = Host(engine="28", seed=1)
    assert classic.build(context, "a").image.image_id == classic.build(context, "b").image.image_id


def test_builder_prune_is_a_list_on_20_10_and_a_table_on_28() -> None:
    context = BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "12345"})
    old = Host(engine="20.10", seed=1)
    old.build(context, "lab:1")
    # 20.10-overlay2/builder-prune.txt
    lines = old.builder_prune().splitlines()
    assert lines[0] == "Deleted build cache objects:" and lines[-2:] == ["", "Total reclaimed space: 5B"]
    new = Host(engine="28", seed=1)
    new.build(context, "lab:1")
    # 28-overlay2/builder-prune.txt (tabs as printed)
    lines = new.builder_prune().splitlines()
    assert lines[0] == "ID\t\t\t\t\t\tRECLAIMABLE\tSIZE\t\tLAST ACCESSED"
    assert lines[1].split("\t")[1:3] == ["true ", ""] and lines[-1] == "Total:\t5B"
    assert not new.build_cache.layers


# -- docker info --------------------------------------------------------------------------


@pytest.mark.parametrize(("engine", "storage"), [
    # <engine>/info.txt
    ("20.10", ["Storage Driver: overlay2", " Backing Filesystem: extfs", " Supports d_type: true",
               " Native Overlay Diff: true", " userxattr: false"]),
    ("28", ["Storage Driver: overlay2", " Backing Filesystem: extfs", " Supports d_type: true",
            " Using metacopy: false", " Native Overlay Diff: true", " userxattr: false"]),
    ("28-containerd", ["Storage Driver: overlayfs", " driver-type: io.containerd.snapshotter.v1"]),
])
def test_docker_info_storage_lines(engine: str, storage: list[str]) -> None:
    lines = Host(engine=engine).docker_info_lines()
    assert lines[lines.index(storage[0]):lines.index("Docker Root Dir: /var/lib/docker")] == storage


# -- choosing an engine -------------------------------------------------------------------


def test_host_takes_its_profile_and_keeps_the_old_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAYERLAB_ENGINE", raising=False)
    assert Host().profile.name == "28-containerd" and Host().storage_driver == "overlayfs"  # a fresh Engine 29's store
    assert Host(engine="28-containerd").storage_driver == "overlayfs"
    assert Host(engine_version="24.0").profile.name == "28"
    assert Host(engine="28", storage_driver="vfs").storage_driver == "vfs"
    assert Host(engine="28-containerd", storage_driver="native").storage.name == "vfs"
    monkeypatch.setenv("LAYERLAB_ENGINE", "28-containerd")
    assert Host().profile.containerd
    with pytest.raises(DriverError, match="snapshotter, not a graph driver: 'overlay2'"):
        Host(engine="28-containerd", storage_driver="overlay2")
    with pytest.raises(ProfileError, match="pick engine='28'"):
        Host(engine="20.10", engine_version="28.5")


@pytest.mark.parametrize(("driver", "removed"), [("aufs", "24.0"), ("overlay", "24.0"), ("devicemapper", "25.0")])
def test_a_driver_the_engine_removed_is_refused_with_the_version_and_the_replacement(driver: str, removed: str) -> None:
    with pytest.raises(DriverError, match=rf"Engine 28.5 cannot use the {driver} storage driver: removed in "
                                          rf"Engine {removed} .*replaced by overlay2"):
        Host(engine="28", storage_driver=driver)
    assert Host(engine="20.10", storage_driver=driver).storage_driver == driver
