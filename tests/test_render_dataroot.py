"""Pictures of the data root: what they label and highlight is checked against facts computed
here (hashlib over the layers' tars, set differences of the snapshots' paths, the files the
layer store writes), never against the renderer's own helpers."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from layerlab.build.context import BuildContext
from layerlab.dataroot import DataRoot, DataRootError
from layerlab.engine.host import Host
from layerlab.model.digest import chain_ids
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.render import dataroot_tree, identities

R = "/var/lib/docker"
IMG = f"{R}/image/overlay2"
NODE = re.compile(r"^\t(n\d+) \[label=<(.*)>(.*)\]$")


def loaded_host(files: int = 0) -> Host:
    host = Host(seed=3, engine="20.10")
    many = {f"lib/f{i:02}": b"z" for i in range(files)}
    layers = [
        Layer.from_files({"bin/tool": b"x" * 100, **many}),
        Layer.from_files({"app/main": b"m" * 7}),
        Layer.from_files({"app/data": b"dd"}),
    ]
    host.add(Image.build(layers, cmd=["sh"]), "app:1")
    return host


def tar_digest(layer: Layer) -> str:
    return "sha256:" + hashlib.sha256(b"".join(layer.tar_chunks())).hexdigest()


def drawn(picture) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """path (the node's tooltip) -> (label, other attributes) of every tree node."""
    out = {}
    for line in picture.source.splitlines():
        m = NODE.match(line)
        if m:
            tip = re.search(r'tooltip="([^"]*)"', m.group(3))
            assert tip, line
            out[tip.group(1)] = (m.group(2), m.group(3))
    return out


def test_tree_is_cut_at_the_depth_and_labels_each_node_with_its_name():
    root = DataRoot.from_host(loaded_host())
    nodes = drawn(dataroot_tree(root, max_depth=1))
    expected = {R} | {p for p in root.paths() if p.startswith(R + "/") and p.count("/") == 4}
    assert set(nodes) == expected
    for path in expected - {R}:
        assert f"<b>{path.rsplit('/', 1)[-1]}" in nodes[path][0]
    deeper = drawn(dataroot_tree(root, max_depth=2))
    assert f"{IMG[:-9]}/overlay2" in deeper and f"{IMG}/layerdb" not in deeper


def test_what_a_run_added_is_marked_new_and_a_folded_directory_counts_it():
    host = loaded_host()
    before = DataRoot.from_host(host)
    c = host.run("app:1", "sh -c 'echo hi > /app/new'", name="c1")
    after = DataRoot.from_host(host)
    added = set(after.nodes) - set(before.nodes)
    assert added
    nodes = drawn(dataroot_tree(after, since=before, max_depth=3))
    for path, (label, _) in nodes.items():
        assert ("NEW" in label) == (path in added), path
    assert f"{R}/containers/{c.id}" in nodes
    folded = drawn(dataroot_tree(after, since=before, max_depth=1))
    inside = sum(p.startswith(f"{R}/containers/") for p in added)
    assert f"{inside} changes inside" in folded[f"{R}/containers"][0]
    untouched = drawn(dataroot_tree(after, max_depth=1))  # no since: nothing is marked
    assert not [p for p, (label, _) in untouched.items() if "NEW" in label or "inside" in label]


def test_rm_draws_the_removed_directories_dashed_and_tag_marks_repositories_json_changed():
    host = loaded_host()
    c = host.run("app:1", "true", name="c1")
    with_c = DataRoot.from_host(host)
    host.rm("c1")
    gone = DataRoot.from_host(host)
    nodes = drawn(dataroot_tree(gone, since=with_c, max_depth=2))
    for path in (f"{R}/containers/{c.id}",):
        label, attrs = nodes[path]
        assert "REMOVED" in label and "dashed" in attrs
    mount = with_c.node(f"{IMG}/layerdb/mounts/{c.id}/mount-id").content
    assert "REMOVED" in nodes[f"{R}/overlay2/{mount}"][0]
    assert "REMOVED" in nodes[f"{R}/overlay2/{mount}-init"][0]
    assert not [p for p in nodes if p.startswith(f"{R}/containers/{c.id}/")]  # only the top one
    host.tag("app:1", "app:2")
    tagged = DataRoot.from_host(host)
    repos = f"{IMG}/repositories.json"
    assert json.loads(tagged.node(repos).content or "") != json.loads(
        gone.node(repos).content or ""
    )
    label, _ = drawn(dataroot_tree(tagged, since=gone, max_depth=4))[repos]
    assert "CHANGED" in label


def test_a_selected_node_is_drawn_beyond_the_depth_with_a_thick_border():
    host = loaded_host()
    root = DataRoot.from_host(host)
    chain = chain_ids([tar_digest(layer) for layer in host.image("app:1").layers])[1]
    path = f"{IMG}/layerdb/sha256/{chain[7:]}/cache-id"
    nodes = drawn(dataroot_tree(root, max_depth=1, selected=path))
    assert "penwidth=3" in nodes[path][1]
    cache = root.node(path).content
    assert cache and f"= {cache[:20]}" in nodes[path][0]  # a file that teaches shows its content
    parent = path.rsplit("/", 1)[0]
    while parent != R:
        assert parent in nodes
        parent = parent.rsplit("/", 1)[0]


def test_a_crowded_directory_folds_all_but_a_few_children():
    host = loaded_host(files=30)
    root = DataRoot.from_host(host)
    base = root.identity("app:1").layers[0].directory
    lib = f"{base}/diff/lib"
    picture = dataroot_tree(root, max_depth=1, open_paths=[lib], max_children=8)
    nodes = drawn(picture)
    shown = [p for p in nodes if p.startswith(lib + "/") and not p.endswith("/…")]
    assert len(shown) == 8
    assert "… 22 more" in picture.source


def test_tree_depth_below_one_is_refused():
    with pytest.raises(DataRootError, match="at least 1"):
        dataroot_tree(DataRoot.from_host(loaded_host()), max_depth=0)


def test_containerd_store_draws_both_roots():
    root = DataRoot.from_host(loaded_host(), "containerd")
    nodes = drawn(dataroot_tree(root, max_depth=1))
    assert R in nodes and "/var/lib/containerd" in nodes
    assert f"{R}/image" not in nodes and f"{R}/overlay2" not in nodes
    content = "/var/lib/containerd/io.containerd.content.v1.content"
    # not cut like an id: broken after a dot, so the column stays narrow
    assert "<b>io.containerd.content.v1.<br/>content/</b>" in nodes[content][0]


# -- identities ---------------------------------------------------------------------------


def tooltips(picture) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """node name -> tooltip."""
    out = {}
    for line in picture.source.splitlines():
        m = re.match(r'^\t(\w+) \[.*tooltip=(?:"([^"]*)"|(\w+))', line)
        if m:
            out[m.group(1)] = m.group(2) or m.group(3)
    return out


def test_identities_follow_config_diff_ids_to_chain_ids_cache_ids_and_links():
    host = loaded_host()
    image = host.image("app:1")
    config_diff_ids = json.loads(image.config_bytes)["rootfs"]["diff_ids"]
    assert config_diff_ids == [tar_digest(layer) for layer in image.layers]
    chains = chain_ids(config_diff_ids)
    root = DataRoot.from_host(host)
    picture = identities(root, "app:1")
    tips = tooltips(picture)
    assert tips["config"] == "sha256:" + hashlib.sha256(image.config_bytes).hexdigest()
    for i, (diff, chain) in enumerate(zip(config_diff_ids, chains)):
        assert tips[f"diff{i}"] == diff and tips[f"chain{i}"] == chain
        layerdb = f"{IMG}/layerdb/sha256/{chain[7:]}"
        cache = root.node(f"{layerdb}/cache-id").content
        assert tips[f"cache{i}"] == cache and tips[f"dir{i}"] == f"{R}/overlay2/{cache}"
        link = root.node(f"{R}/overlay2/{cache}/link").content
        assert tips[f"link{i}"] == f"{link} -> ../{cache}/diff"
        assert root.node(f"{R}/overlay2/l/{link}").content == f"../{cache}/diff"
        assert f"rootfs.diff_ids[{i}]" in picture.source
    # the chain id hashes the full "sha256:..." strings: the bare-hex hash is not drawn
    bare = hashlib.sha256(f"{chains[0][7:]} {config_diff_ids[1][7:]}".encode()).hexdigest()
    assert bare[:12] not in picture.source and chains[1][7:19] in picture.source
    heads = dict(re.findall(r"^\t(h_\w+) \[label=<(.*)>", picture.source, re.M))
    assert [k for k, v in heads.items() if "made up" in v] == ["h_cache", "h_link"]
    assert all("sha256" in heads[k] for k in ("h_config", "h_diff", "h_chain"))


def test_identities_from_a_host_with_the_containerd_store_name_numbered_snapshots():
    host = loaded_host()
    image = host.image("app:1")
    picture = identities(host, "app:1", store="containerd")
    tips = tooltips(picture)
    root = DataRoot.from_host(host, "containerd")
    manifest = root.node(
        f"/var/lib/containerd/io.containerd.content.v1.content/blobs/sha256/{tips['config'][7:]}"
    )
    assert json.loads(manifest.content or "")["config"]["digest"] == image.image_id
    assert tips["config"] != image.image_id  # the image id is the manifest's digest here
    numbers = [tips[f"cache{i}"] for i in range(3)]
    assert all(n.isdigit() for n in numbers) and len(set(numbers)) == 3
    for i, n in enumerate(numbers):
        assert tips[f"dir{i}"].endswith(f"/snapshots/{n}") and tips[f"dir{i}"] in root
    assert "link0" not in tips and "short link" not in picture.source


def test_identities_of_an_unknown_image_name_what_there_is():
    with pytest.raises(DataRootError, match="no image 'nope'.*app:1"):
        identities(loaded_host(), "nope")


def test_identities_say_whether_a_containerd_id_is_a_manifests_or_an_indexs_digest():
    """BuildKit's build is an index (with its attestation); a loaded legacy archive one manifest."""
    host = Host(engine="28-containerd", seed=1)
    host.build(BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "a"}), "built:1")
    assert "image id (index digest)" in identities(host, "built:1").source
    assert "image id (manifest digest)" in identities(loaded_host(), "app:1", store="containerd").source
