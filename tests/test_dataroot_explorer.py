"""The data-root walk (commands stepped through, a snapshot after each) and its explorer widget.

Expectations come from the images' own bytes (hashlib, layerlab.model.digest over the config's
diff_ids), from JSON parsed here, or from a host driven directly, not from the widget."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import pytest

from layerlab.build.catalogue import base_image
from layerlab.compare.arguments import TreeArgs
from layerlab.compare.walk import DataRootWalk, WalkError, parse_line
from layerlab.dataroot import DataRoot
from layerlab.engine.host import Host
from layerlab.model.digest import chain_ids
from layerlab.widgets.dataroot_explorer import COURSE_COMMANDS, DataRootExplorer

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
R = "/var/lib/docker"
IMG = f"{R}/image/overlay2"
COMMANDS = list(COURSE_COMMANDS[:5])  # the notebook's, without the last (docker rmi)


def walk() -> DataRootWalk:
    return DataRootWalk(COMMANDS, cwd=SCENARIOS, engine="20.10")


def repositories(root: DataRoot) -> dict:
    return json.loads(root.node(f"{IMG}/repositories.json").content or "")


def test_pull_stores_the_config_by_its_sha256_and_the_layer_by_its_chain_id():
    wk = walk()
    assert wk.position == 0 and wk.before() is None
    wk.forward()
    image = base_image("alpine:3.20")
    image_id = "sha256:" + hashlib.sha256(image.config_bytes).hexdigest()
    root = wk.root()
    assert repositories(root) == {"Repositories": {"alpine": {"alpine:3.20": image_id}}}
    assert f"{IMG}/imagedb/content/sha256/{image_id[7:]}" in root
    diff_ids = json.loads(image.config_bytes)["rootfs"]["diff_ids"]
    for chain in chain_ids(diff_ids):
        cache = root.node(f"{IMG}/layerdb/sha256/{chain[7:]}/cache-id").content
        assert cache and f"{R}/overlay2/{cache}/diff" in root
        assert cache not in {d[7:] for d in diff_ids} | {c[7:] for c in chain_ids(diff_ids)}
    added = set(root.nodes) - set(wk.before().nodes)
    assert f"{IMG}/imagedb/content/sha256/{image_id[7:]}" in added
    assert "Downloaded newer image for alpine:3.20" in wk.step.output


def test_each_step_matches_the_same_commands_run_on_a_host_directly():
    wk = walk()
    wk.go_to(3)
    host = Host(seed=9, engine="20.10")
    host.add(base_image("alpine:3.20"), "alpine:3.20")
    host.build(SCENARIOS / "builds/course-app", "course-app")
    c = host.run("alpine:3.20", ["sh", "-c", "echo hello > /greeting"], name="web")
    direct = DataRoot.from_host(host)
    mine = wk.root()
    # random ids differ between the two hosts: compare the shape (how many of each thing)
    for top in (
        "containers",
        "overlay2",
        "image/overlay2/layerdb/sha256",
        "image/overlay2/layerdb/mounts",
    ):
        assert len(mine.children(top)) == len(direct.children(top)), top
    assert [n.name for n in direct.children("containers")] == [c.id]
    assert repositories(mine) == repositories(direct)


def test_container_ids_are_not_cache_ids():
    wk = walk()
    wk.go_to(3)
    root = wk.root()
    containers = {n.name for n in root.children("containers")}
    dirs = {n.name.removesuffix("-init") for n in root.children("overlay2")}
    assert containers and not containers & dirs


def test_back_shows_the_older_snapshot_and_forward_shows_it_again():
    wk = walk()
    wk.go_to(4)
    after_rm = wk.root()
    wk.back()
    with_web = wk.root()
    removed = set(with_web.nodes) - set(after_rm.nodes)
    assert any(p.startswith(f"{R}/containers/") for p in removed)
    assert wk.forward().roots["overlay2"] is after_rm  # not run again
    wk.go_to(0)
    assert wk.root().paths() == DataRoot.from_host(Host(seed=4, engine="20.10")).paths()  # a fresh engine
    with pytest.raises(WalkError, match="already at the start"):
        wk.back()
    wk.go_to(len(COMMANDS))
    with pytest.raises(WalkError, match="no more commands"):
        wk.forward()


def test_a_typed_command_goes_after_the_current_step_and_ids_stay_the_same():
    wk = walk()
    wk.go_to(3)
    cache_dirs = {n.name for n in wk.root().children("overlay2")}
    wk.go_to(1)
    wk.run("docker volume create extra")
    assert wk.position == 2
    assert wk.commands == [*COMMANDS[:1], "docker volume create extra", *COMMANDS[1:]]
    assert f"{R}/volumes/extra/_data" in wk.root()
    wk.go_to(4)  # the build and the run again, on a host rebuilt from the same seed
    assert {n.name for n in wk.root().children("overlay2")} == cache_dirs


def test_a_refused_command_changes_nothing():
    wk = walk()
    wk.go_to(2)
    before = (list(wk.commands), wk.position, wk.root().paths())
    with pytest.raises(WalkError, match="No such image: nope"):
        wk.run("docker rmi nope")
    with pytest.raises(WalkError, match="course catalogue has no 'nginx'"):
        wk.run("docker pull nginx")
    wk.go_to(1)
    with pytest.raises(WalkError, match="No such container: web"):
        wk.run("docker rm web")  # the host was ahead and was rebuilt: it is put back
    wk.go_to(2)
    assert (list(wk.commands), wk.position, wk.root().paths()) == before


def test_lines_that_are_not_docker_commands_are_named():
    with pytest.raises(WalkError, match="is not a docker command"):
        parse_line("ls /var/lib/docker")
    with pytest.raises(WalkError, match="unsupported docker command 'pul alpine'.*docker pull"):
        parse_line("docker pul alpine")
    assert parse_line("tree /var/lib/docker/overlay2 -L 3") == TreeArgs("overlay2", 3)
    with pytest.raises(WalkError, match="command 2: .* is a tree view"):
        DataRootWalk(["docker pull alpine", "tree /var/lib/docker"])
    with pytest.raises(WalkError, match="is not a docker command"):
        DataRootWalk(["docker pull alpine", "rm -rf /"])


# -- the widget -------------------------------------------------------------------------------


def explorer(engine: str, **kwargs) -> DataRootExplorer:  # type: ignore[no-untyped-def]
    return DataRootExplorer(COMMANDS, cwd=SCENARIOS, engine=engine, **kwargs)


def tooltips(html_text: str) -> set[str]:
    """What the SVG's nodes name as their tooltip (the path, for a tree node)."""
    return {html.unescape(t) for t in re.findall(r'xlink:title="([^"]*)"', html_text)}


def test_next_runs_the_command_and_the_picture_marks_what_it_added():
    x = explorer("20.10")
    first = x.picture.value
    assert x.back_button.disabled and not x.next_button.disabled
    x.next_button.click()
    assert x.walk.position == 1 and x.error.value == ""
    assert x.picture.value != first and "NEW" in x.picture.value
    assert "docker pull alpine:3.20" in x.output.value
    x.next_button.click()
    x.next_button.click()  # docker run
    cid = x.walk.root().children("containers")[0].path
    labels = dict((p, label) for label, p in x.listing.options)
    assert "[NEW]" in labels[cid]
    x.next_button.click()  # docker rm
    labels = dict((p, label) for label, p in x.listing.options)
    assert "[REMOVED]" in labels[cid]
    x.listing.value = cid
    assert "REMOVED" in x.detail.value and "container web" in x.detail.value


def test_picking_a_file_shows_what_it_holds_and_who_made_it():
    x = explorer("20.10", step=1, max_depth=3)
    path = f"{IMG}/repositories.json"
    assert path in {p for _, p in x.listing.options}
    x.listing.value = path
    image_id = "sha256:" + hashlib.sha256(base_image("alpine:3.20").config_bytes).hexdigest()
    assert image_id in x.detail.value and "docker build -t / tag / load / rmi" in x.detail.value
    assert "CHANGED" in x.detail.value  # the pull rewrote it
    assert path in tooltips(x.picture.value)


def test_picking_a_deep_directory_opens_it_in_the_picture_and_the_list():
    x = explorer("20.10", step=1, max_depth=1)
    chain = chain_ids(json.loads(base_image("alpine:3.20").config_bytes)["rootfs"]["diff_ids"])[0]
    layer = f"{IMG}/layerdb/sha256/{chain[7:]}"
    assert layer not in {p for _, p in x.listing.options}
    x.pick(layer)
    listed = {p for _, p in x.listing.options}
    assert {f"{layer}/cache-id", f"{layer}/diff", f"{layer}/size"} <= listed
    assert f"{layer}/cache-id" in tooltips(x.picture.value)
    assert "4: cache-id, diff, size, tar-split.json.gz" in html.unescape(x.detail.value)


def test_bad_input_shows_an_error_inside_and_changes_nothing():
    x = explorer("20.10", step=2)
    picture, steps, options = x.picture.value, list(x.walk.commands), x.listing.options
    for line, message in (
        ("docker pul alpine", "unsupported docker command"),
        ("rm -rf /var/lib/docker", "is not a docker command"),
        ("docker rmi nope", "No such image: nope"),
        ("tree /var/lib/docker/nothing-here", "no such path in the data root"),
        ("tree /var/lib/docker -L zero", "-L needs a level"),
    ):
        x.command.value = line
        x.run_button.click()
        assert message in x.error.value and "Traceback" not in x.error.value, line
        assert x.picture.value == picture and x.walk.commands == steps
        assert x.listing.options == options and x.walk.position == 2
    x.walk.go_to(0)
    x._safely(x.back)  # what the Back button calls (it is disabled at the start)
    assert "already at the start" in x.error.value


def test_a_typed_command_and_a_tree_line():
    x = explorer("20.10", step=1)
    x.command.value = "docker volume create extra"
    x.run_button.click()
    assert x.error.value == "" and x.walk.position == 2 and x.command.value == ""
    assert f"{R}/volumes/extra" in {p for _, p in x.listing.options}
    x.command.value = "tree /var/lib/docker/volumes -L 2"
    x.run_button.click()
    assert x.error.value == "" and x.depth.value == 2
    listed = [p for _, p in x.listing.options]
    assert listed[0] == f"{R}/volumes" and f"{R}/volumes/extra/_data" in listed
    assert f"{R}/image" not in listed


def test_the_containerd_store_shows_its_own_root_and_docker_info():
    x = explorer("20.10", step=1)
    x.store.value = "containerd"
    listed = {p for _, p in x.listing.options}
    assert "/var/lib/containerd" in listed and f"{R}/image" not in listed
    assert "driver-type: io.containerd.snapshotter.v1" in x.output.value
    assert x.error.value == ""


def test_a_redraw_works_out_what_changed_once(monkeypatch: pytest.MonkeyPatch):
    """The picture, the list, the output line and the detail share one diff of the snapshots."""
    x = explorer("20.10", step=1)
    x.pick(f"{R}/overlay2")
    calls: list[int] = []
    real = DataRoot.diff_since

    def counted(self: DataRoot, other: DataRoot):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self, other)

    monkeypatch.setattr(DataRoot, "diff_since", counted)
    x.next_button.click()
    assert x.error.value == "" and x.walk.position == 2
    assert "NEW" in x.picture.value and "[NEW]" in " ".join(t for t, _ in x.listing.options)
    assert len(calls) == 1
