"""The data root generated from the host: every expectation here is computed from the
images' own bytes (hashlib) or read back through other nodes, never copied from the model."""

from __future__ import annotations

import hashlib
import json

import pytest

from layerlab.build.context import BuildContext
from layerlab.dataroot import DataRoot, DataRootError
from layerlab.engine.host import Host
from layerlab.model.image import Image
from layerlab.model.layer import Layer

R = "/var/lib/docker"
IMG = f"{R}/image/overlay2"


def chain_ids(diff_ids: list[str]) -> list[str]:
    out = [diff_ids[0]]
    for d in diff_ids[1:]:
        out.append("sha256:" + hashlib.sha256(f"{out[-1]} {d}".encode()).hexdigest())
    return out


def tar_digest(layer: Layer) -> str:
    return "sha256:" + hashlib.sha256(b"".join(layer.tar_chunks())).hexdigest()


def loaded_host(seed: int = 7) -> Host:
    host = Host(seed=seed, engine="20.10")
    layers = [
        Layer.from_files({"bin/tool": b"x" * 100, "etc/conf": b"c"}),
        Layer.from_files({"app/main": b"m" * 7}),
        Layer.from_files({"app/data": b"dd"}),
    ]
    host.add(Image.build(layers, cmd=["sh"]), "app:1")
    return host


def content(root: DataRoot, path: str) -> str:
    text = root.node(path).content
    assert text is not None, path
    return text


def test_layerdb_has_one_directory_per_chain_id_with_diff_size_parent_and_cache_id():
    host = loaded_host()
    image = host.image("app:1")
    root = DataRoot.from_host(host)
    diffs = [tar_digest(layer) for layer in image.layers]
    chains = chain_ids(diffs)
    names = [n.name for n in root.children(f"{IMG}/layerdb/sha256")]
    assert sorted(names) == sorted(c.removeprefix("sha256:") for c in chains)
    for i, (diff, chain) in enumerate(zip(diffs, chains)):
        d = f"{IMG}/layerdb/sha256/{chain.removeprefix('sha256:')}"
        assert content(root, f"{d}/diff") == diff
        assert content(root, f"{d}/size") == str(
            sum(len(f) for f in (b"x" * 100 + b"c", b"m" * 7, b"dd")[i : i + 1])
        )
        if i:
            assert content(root, f"{d}/parent") == chains[i - 1]
        else:
            assert f"{d}/parent" not in root
        assert f"{d}/tar-split.json.gz" in root
        cache = content(root, f"{d}/cache-id")
        assert len(cache) == 64 and int(cache, 16) >= 0  # a loaded layer: 64 random hex
        assert root.node(f"{R}/overlay2/{cache}").is_dir


def test_image_config_is_stored_under_its_sha256_and_tags_in_repositories_json():
    host = loaded_host()
    host.tag("app:1", "other")
    image = host.image("app:1")
    root = DataRoot.from_host(host)
    hexid = hashlib.sha256(image.config_bytes).hexdigest()
    assert content(root, f"{IMG}/imagedb/content/sha256/{hexid}") == image.config_bytes.decode()
    assert json.loads(content(root, f"{IMG}/repositories.json")) == {
        "Repositories": {
            "app": {"app:1": "sha256:" + hexid},
            "other": {"other:latest": "sha256:" + hexid},
        }
    }
    assert f"{IMG}/imagedb/metadata/sha256/{hexid}/lastUpdated" in root


def test_link_lower_and_short_links_agree():
    host = loaded_host()
    root = DataRoot.from_host(host)
    chains = chain_ids([tar_digest(layer) for layer in host.image("app:1").layers])
    dirs = [
        content(root, f"{IMG}/layerdb/sha256/{c.removeprefix('sha256:')}/cache-id") for c in chains
    ]
    links = [content(root, f"{R}/overlay2/{d}/link") for d in dirs]
    for d, link in zip(dirs, links):
        assert len(link) == 26 and set(link) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        node = root.node(f"{R}/overlay2/l/{link}")
        assert (node.kind, node.content) == ("symlink", f"../{d}/diff")
    assert (
        f"{R}/overlay2/{dirs[0]}/lower" not in root and f"{R}/overlay2/{dirs[0]}/work" not in root
    )
    assert content(root, f"{R}/overlay2/{dirs[1]}/lower") == f"l/{links[0]}"
    assert content(root, f"{R}/overlay2/{dirs[2]}/lower") == f"l/{links[1]}:l/{links[0]}"
    assert root.node(f"{R}/overlay2/{dirs[2]}/work").is_dir
    # a parent gets "committed" once a child exists; the top layer has none yet
    assert (
        f"{R}/overlay2/{dirs[0]}/committed" in root
        and f"{R}/overlay2/{dirs[2]}/committed" not in root
    )
    assert {n.name for n in root.children(f"{R}/overlay2/{dirs[1]}/diff")} == {"app"}
    assert {n.name for n in root.children(f"{R}/overlay2/l")} == set(links)


def test_a_container_gets_mount_metadata_an_init_dir_and_a_writable_dir():
    host = loaded_host()
    before = DataRoot.from_host(host)
    c = host.run("app:1", "sh -c 'echo new > /app/new && rm /app/main && sleep 100'", name="c1")
    root = DataRoot.from_host(host)
    chains = chain_ids([tar_digest(layer) for layer in host.image("app:1").layers])
    m = f"{IMG}/layerdb/mounts/{c.id}"
    mount = content(root, f"{m}/mount-id")
    assert content(root, f"{m}/init-id") == mount + "-init"
    assert content(root, f"{m}/parent") == chains[-1]
    assert mount != c.id and len(mount) == 64
    init, rw = f"{R}/overlay2/{mount}-init", f"{R}/overlay2/{mount}"
    init_files = {
        n.path.removeprefix(init + "/diff/")
        for n in root.nodes.values()
        if n.path.startswith(init + "/diff/")
    }
    assert {
        ".dockerenv",
        "etc/hosts",
        "etc/hostname",
        "etc/resolv.conf",
        "etc/mtab",
        "dev/console",
        "proc",
        "sys",
    } <= init_files
    assert root.node(f"{init}/diff/etc/mtab").content == "/proc/mounts"
    top_cache = content(root, f"{IMG}/layerdb/sha256/{chains[-1].removeprefix('sha256:')}/cache-id")
    top_link = content(root, f"{R}/overlay2/{top_cache}/link")
    assert content(root, f"{init}/lower").startswith(f"l/{top_link}:")
    assert content(root, f"{rw}/lower") == f"l/{content(root, init + '/link')}:" + content(
        root, f"{init}/lower"
    )
    assert root.node(f"{rw}/diff/app/new").kind == "file"
    assert root.node(f"{rw}/diff/app/main").kind == "whiteout"
    assert root.node(f"{rw}/merged").is_dir  # running: mounted
    assert f"{R}/overlay2/{top_cache}/committed" in root and f"{init}/committed" in root
    assert f"{rw}/committed" not in root
    files = {n.name for n in root.children(f"{R}/containers/{c.id}")}
    assert {
        "config.v2.json",
        "hostconfig.json",
        f"{c.id}-json.log",
        "hostname",
        "hosts",
        "resolv.conf",
        "resolv.conf.hash",
        "mounts",
        "checkpoints",
    } == files
    assert json.loads(content(root, f"{R}/containers/{c.id}/config.v2.json"))["Name"] == "/c1"
    changes = root.diff_since(before)
    assert f"{R}/containers/{c.id}" in changes.added and not changes.removed
    host.stop("c1")
    assert f"{rw}/merged" not in DataRoot.from_host(host)


def test_docker_rm_removes_the_container_dirs_but_not_committed_or_named_volumes():
    host = loaded_host()
    c = host.run("app:1", "sh -c 'echo x > /data/f'", name="c1", volumes=["keep:/data"])
    root = DataRoot.from_host(host)
    mount = content(root, f"{IMG}/layerdb/mounts/{c.id}/mount-id")
    assert root.node(f"{R}/volumes/keep/_data/f").kind == "file"
    host.rm("c1", volumes=True)
    after = DataRoot.from_host(host)
    gone = after.diff_since(root).removed
    for path in (
        f"{R}/containers/{c.id}",
        f"{IMG}/layerdb/mounts/{c.id}",
        f"{R}/overlay2/{mount}",
        f"{R}/overlay2/{mount}-init",
    ):
        assert path in gone and path not in after
    assert not [p for p in after.paths() if mount in p]
    assert f"{R}/volumes/keep/_data/f" in after
    top = chain_ids([tar_digest(layer) for layer in host.image("app:1").layers])[-1]
    cache = content(after, f"{IMG}/layerdb/sha256/{top.removeprefix('sha256:')}/cache-id")
    assert f"{R}/overlay2/{cache}/committed" in after


def test_ids_are_stable_from_command_to_command_and_seeded():
    a, b = loaded_host(seed=1), loaded_host(seed=1)
    first, again = DataRoot.from_host(a), DataRoot.from_host(b)
    assert first.paths() == again.paths()
    a.volume_create("v")
    later = DataRoot.from_host(a)
    assert set(first.paths()) <= set(later.paths())
    assert DataRoot.from_host(loaded_host(seed=2)).paths() != first.paths()


def build_host() -> tuple[Host, Image]:
    host = Host(seed=5, engine="20.10")
    ctx = BuildContext.from_files({"Dockerfile": "FROM ubuntu:16.04\nRUN echo hi > /hello\n"})
    return host, host.build(ctx, "built").image


def test_built_layers_get_buildkit_ids_and_outlive_rmi_until_the_build_cache_goes():
    host, image = build_host()
    root = DataRoot.from_host(host)
    top = image.chain_ids[-1].removeprefix("sha256:")
    cache = content(root, f"{IMG}/layerdb/sha256/{top}/cache-id")
    assert len(cache) == 25 and set(cache) <= set("0123456789abcdefghijklmnopqrstuvwxyz")
    assert root.node(
        f"{R}/overlay2/{cache}/work/work"
    ).is_dir  # BuildKit mounted it to run the step
    host.rmi("built")
    after = DataRoot.from_host(host)
    assert f"{IMG}/layerdb/sha256/{top}" in after and json.loads(
        content(after, f"{IMG}/repositories.json")
    ) == {"Repositories": {}}
    assert not after.children(f"{IMG}/imagedb/content/sha256")
    host.build_cache.clear()
    assert not DataRoot.from_host(host).children(f"{IMG}/layerdb/sha256")


def test_loaded_layers_go_with_their_last_image():
    host = loaded_host()
    host.rmi("app:1")
    root = DataRoot.from_host(host)
    assert not root.children(f"{IMG}/layerdb/sha256")
    assert [n.name for n in root.children(f"{R}/overlay2")] == ["l"] and not root.children(
        f"{R}/overlay2/l"
    )


def test_tree_text_and_depth():
    root = DataRoot.from_host(loaded_host())
    text = root.tree(max_depth=1)
    top = [line[4:] for line in text.splitlines()[1:] if line.startswith(("├── ", "└── "))]
    assert top == sorted(
        [
            "buildkit",
            "containers",
            "image",
            "network",
            "overlay2",
            "plugins",
            "runtimes",
            "swarm",
            "tmp",
            "trust",
            "volumes",
        ]
    )
    assert text.splitlines()[0] == R and text.endswith("11 directories, 0 files")
    deep = root.tree()
    assert " -> ../" in deep and "repositories.json" in deep
    with pytest.raises(DataRootError, match="at least 1"):
        root.tree(max_depth=0)


def test_every_node_explains_itself_and_bad_paths_are_named():
    root = DataRoot.from_host(loaded_host())
    assert all(n.explanation and n.made_by for n in root.nodes.values())
    assert root.node("image/overlay2/repositories.json") == root.node(f"{IMG}/repositories.json")
    with pytest.raises(DataRootError, match="no such path"):
        root.node("nope")
    with pytest.raises(DataRootError, match="supported: overlay2, containerd"):
        DataRoot.from_host(loaded_host(), store="aufs")


def test_identity_chain_matches_the_tree():
    host = loaded_host()
    root = DataRoot.from_host(host)
    ident = root.identity("app:1")
    image = host.image("app:1")
    assert ident.image_id == "sha256:" + hashlib.sha256(image.config_bytes).hexdigest()
    assert [x.chain_id for x in ident.layers] == chain_ids(
        [tar_digest(layer) for layer in image.layers]
    )
    for x in ident.layers:
        assert content(root, f"{IMG}/layerdb/sha256/{x.chain_id[7:]}/cache-id") == x.cache_id
        assert content(root, f"{x.directory}/link") == x.link
        assert (root.node(f"{x.directory}/lower").content if x.lower else None) == x.lower
    with pytest.raises(DataRootError, match="no image"):
        root.identity("missing")


def test_docker_info_names_the_driver_and_counts():
    host = loaded_host()
    host.run("app:1", "sleep 100", name="up")
    info = DataRoot.from_host(host).docker_info()
    assert "Storage Driver: overlay2" in info and " Running: 1" in info and "Images: 1" in info
    assert f"Docker Root Dir: {R}" in info


def test_storage_ids_are_drawn_independently_of_container_ids():
    """A daemon's cache-ids and mount-ids have nothing to do with its container ids."""
    host = loaded_host(seed=1)
    containers = [host.run("app:1", "true", name=f"c{i}") for i in range(3)]
    root = DataRoot.from_host(host)
    storage_ids = [
        content(root, f"{IMG}/layerdb/mounts/{c.id}/mount-id") for c in containers
    ] + [layer.cache_id for layer in root.identity("app:1").layers]
    for c in containers:
        pieces = {c.id[i : i + 12] for i in range(len(c.id) - 11)}
        assert not any(p in s for s in storage_ids for p in pieces), c.id


def test_layerdb_mounts_appears_with_the_first_container_and_stays():
    host = loaded_host()
    mounts = f"{IMG}/layerdb/mounts"
    assert mounts not in DataRoot.from_host(host)
    host.run("app:1", "true", name="c1")
    assert mounts in DataRoot.from_host(host)
    host.rm("c1")
    root = DataRoot.from_host(host)
    assert mounts in root and root.children(mounts) == []


@pytest.mark.parametrize("engine", ["20.10", "28-containerd"])
def test_a_running_containers_mount_shows_its_union_from_the_host(engine: str):
    """scenarios/found/28-running-merged: while a container runs, the host sees its mounted
    root filesystem (overlay2/<mount-id>/merged, or rootfs/overlayfs/<id> with the containerd
    store) with the image's files, the -init layer's and the container's own, deletions applied."""
    host = loaded_host()
    if engine != "20.10":
        host = Host(seed=7, engine=engine)
        host.add(loaded_host().image("app:1"), "app:1")
    c = host.run("app:1", "sh -c 'echo new > /app/new && rm /app/main && sleep 100'", name="c1", detach=True)
    root = DataRoot.from_host(host)
    mounted = [p for p in root.nodes if p.endswith(("/merged", f"/rootfs/overlayfs/{c.id}"))]
    assert len(mounted) == 1
    seen = {p.removeprefix(mounted[0] + "/") for p in root.nodes if p.startswith(mounted[0] + "/")}
    assert {"bin/tool", "etc/conf", "app/data", "app/new", "etc/hosts", ".dockerenv"} <= seen
    assert "app/main" not in seen
    host.stop("c1")
    assert not any(p.startswith(mounted[0]) for p in DataRoot.from_host(host).nodes)
