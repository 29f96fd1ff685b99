"""The container lab without a browser: choose an operation and a path, click Apply, read
the views. Expected bytes and layers come from how cow_image() was made."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("ipywidgets")

from layerlab.course.container_examples import BIG_FILE, BIG_FILE_SIZE
from layerlab.engine.host import Host
from layerlab.widgets import ContainerLab


def shown(part) -> str:
    """What a reader sees: SVG text elements joined by spaces, other markup as it is."""
    value = part.value
    if "<svg" in value:
        texts = re.findall(r"<text[^>]*>(.*?)</text>", value, flags=re.S)
        return " ".join(html.unescape(" ".join(texts)).split())
    return html.unescape(value)


def run(lab: ContainerLab, operation: str, path: str, argument: str = "") -> None:
    lab.operation.value, lab.path.value, lab.argument.value = operation, path, argument
    lab.apply_button.click()


def views(lab: ContainerLab) -> tuple:
    return (
        lab.picture.value,
        lab.status.value,
        lab.diff_a.value,
        lab.diff_b.value,
        lab.isolation.value,
        lab.a.diff(),
        lab.a.size(),
        dict(lab.a.rw._upper),
    )


@pytest.fixture()
def lab() -> ContainerLab:
    return ContainerLab(Host(seed=5))


def test_structure_and_fresh_state(lab: ContainerLab) -> None:
    assert "layerlab-containerlab" in lab._dom_classes
    for part, cls in [
        (lab.operation, "operation"),
        (lab.path, "path"),
        (lab.argument, "argument"),
        (lab.apply_button, "apply"),
        (lab.reset_button, "reset"),
        (lab.error, "error"),
        (lab.status, "status"),
        (lab.picture, "picture"),
        (lab.diff_a, "diff-a"),
        (lab.diff_b, "diff-b"),
        (lab.isolation, "isolation"),
    ]:
        assert f"layerlab-containerlab-{cls}" in part._dom_classes
    assert {
        "chmod",
        "write",
        "append",
        "truncate",
        "delete",
        "delete tree",
        "mkdir",
        "rename",
        "chown",
        "touch",
        "symlink",
        "hard link",
        "read",
        "rmdir",
    } <= set(lab.operation.options)
    assert BIG_FILE in lab.path.options and "/etc/app/app.conf" in lab.path.options
    assert (
        "<svg" in lab.picture.value
        and "(no changes)" in lab.diff_a.value
        and "(no changes)" in lab.diff_b.value
    )
    assert [c.name for c in lab.host.containers.values()] == ["lab-a", "lab-b"]


def test_chmod_of_a_big_file_copies_it_up_and_diff_shows_c(lab: ContainerLab) -> None:
    before = lab.picture.value
    run(lab, "chmod", BIG_FILE, "600")
    assert lab.error.value == ""
    assert lab.picture.value != before
    assert f"{BIG_FILE_SIZE:,} bytes (data) from image layer 2" in shown(lab.picture)
    assert f"{BIG_FILE_SIZE:,} bytes of data" in shown(lab.status)
    assert f"RW layer 0 → {BIG_FILE_SIZE:,} bytes" in shown(lab.status)
    assert ">C /data\nC /data/model.bin</pre>" in lab.diff_a.value
    assert "SIZE</b> 50MB" in lab.diff_a.value
    # isolation: the second container sees the image's file, unchanged, and no diff
    assert "(no changes)" in lab.diff_b.value and "SIZE</b> 0B" in lab.diff_b.value
    assert "-rw-r--r-- 50MB" in shown(lab.isolation) and "image layer 2" in shown(lab.isolation)
    assert lab.b.diff() == [] and lab.b.size() == 0


def test_delete_tree_makes_a_whiteout_then_mkdir_an_opaque_directory(lab: ContainerLab) -> None:
    run(lab, "delete tree", "/etc/app")
    assert "whiteout /etc/app" in shown(lab.picture) and "opaque dir" not in shown(lab.picture)
    assert "C /etc\nD /etc/app" in shown(lab.diff_a)
    run(lab, "mkdir", "/etc/app")
    assert "opaque dir /etc/app" in shown(lab.picture)
    assert "C /etc/app\nD /etc/app/app.conf\nD /etc/app/secrets.env" in shown(lab.diff_a)
    assert "app.conf" not in shown(lab.diff_b) and lab.b.exists("/etc/app/app.conf")


@pytest.mark.parametrize(
    ("operation", "path", "argument", "message"),
    [
        ("rename", "/etc/app", "/tmp/app", "EXDEV"),
        ("rename", "/etc/app", "/srv/app", "ENOENT"),  # the new parent is looked up first
        ("chmod", "/no/such/file", "600", "ENOENT"),
        ("append", "/etc", "x", "EISDIR"),
        ("mkdir", "/data", "", "EEXIST"),
        ("rmdir", "/etc/app", "", "ENOTEMPTY"),
        ("read", "data/model.bin", "", "not an absolute path inside the container"),
        ("chmod", BIG_FILE, "rwx", "octal mode"),
        ("truncate", BIG_FILE, "-1", "size >= 0"),
        ("chown", BIG_FILE, "bob", "numeric uid:gid"),
        ("rename", BIG_FILE, "", "needs new path"),
    ],
)
def test_errors_show_inside_and_change_nothing(
    lab: ContainerLab, operation, path, argument, message
) -> None:
    run(lab, "append", "/var/log/app/app.log", "first")
    before = views(lab)
    run(lab, operation, path, argument)
    assert message in shown(lab.error), lab.error.value
    assert "Nothing changed" in lab.error.value and "Traceback" not in lab.error.value
    assert views(lab) == before
    run(lab, "touch", "/tmp/ok")
    assert lab.error.value == ""  # the next good operation clears the message


def test_rename_through_mv_semantics_and_links(lab: ContainerLab) -> None:
    run(
        lab, "rename", "/etc/app/app.conf", "/etc/app/app.conf.bak"
    )  # a file can be renamed: it is copied up
    assert lab.error.value == ""
    assert "A /etc/app/app.conf.bak" in shown(lab.diff_a) and "D /etc/app/app.conf" in shown(
        lab.diff_a
    )
    run(lab, "hard link", BIG_FILE, "/data/model.link")
    assert f"{BIG_FILE_SIZE:,} bytes (data)" in shown(
        lab.picture
    )  # a hard link copies the file up first
    run(lab, "symlink", "/model", "/data/model.bin")  # ln -s /data/model.bin /model
    assert "A /model" in shown(lab.diff_a)


def test_read_changes_nothing_and_volumes_are_shared(lab: ContainerLab) -> None:
    run(lab, "read", BIG_FILE)
    assert (
        f"read {BIG_FILE_SIZE:,} bytes" in shown(lab.status) and "(no changes)" in lab.diff_a.value
    )
    shared = ContainerLab(Host(seed=2), volumes=["logs:/var/log/app"])
    run(shared, "append", "/var/log/app/app.log", "from a")
    assert "no copy-up" in shown(shared.picture)  # a volume is not an overlay layer
    assert "volume logs" in shown(
        shared.isolation
    )  # the named volume is the same in both containers
    assert shared.b.read("/var/log/app/app.log").read().endswith(b"from a\n")


def test_reset_starts_two_fresh_containers(lab: ContainerLab) -> None:
    run(lab, "chmod", BIG_FILE, "600")
    old = (lab.a.id, lab.b.id)
    lab.reset_button.click()
    assert (lab.a.id, lab.b.id) != old and set(lab.host.containers) == {lab.a.id, lab.b.id}
    assert "(no changes)" in lab.diff_a.value and lab.a.size() == 0
    assert "nothing copied up yet" in lab.status.value


def test_hint_is_the_command_filled_in_never_a_template() -> None:
    """The hint shows what a shell user would type, with this path and argument: no {path}."""
    lab = ContainerLab(Host(seed=0))
    assert "chmod 600 /data/model.bin" in html.unescape(lab.hint.value)
    lab.path.value = "/etc/app/app.conf"
    lab.operation.value = "append"
    lab.argument.value = "one more"
    assert "echo one more &gt;&gt; /etc/app/app.conf" in lab.hint.value
    for name in ("read", "delete", "mkdir", "write"):
        lab.operation.value = name
        assert "{" not in lab.hint.value and "}" not in lab.hint.value


def test_the_pictures_after_apply_sit_side_by_side_and_scale() -> None:
    lab = ContainerLab(Host(seed=0))
    lab.apply()
    shown = lab.picture.value
    assert "flex-wrap:wrap" in shown and "overflow-x" not in shown
    assert shown.count("max-width:100%") == 2
    assert set(lab.pictures) == {"steps", "stack"} and lab.pictures["steps"].name == "copy_up"


# -- the host's kernel and disk as switches ------------------------------------------------------


def test_redirect_dir_lets_the_lab_rename_a_lower_directory() -> None:
    """Off (the common default): EXDEV, nothing changes. On: the rename succeeds, docker
    diff shows the new name added and the old one deleted, and ps -s counts the moved file
    (no native diff: the changes are compared), while the disk holds no copy of it."""
    lab = ContainerLab(Host(seed=5))
    run(lab, "rename", "/data", "/srv")
    assert "EXDEV" in lab.error.value and lab.a.diff() == []
    lab.redirect_dir.value = True
    assert "redirect_dir on" in lab.host_line.value and "Native Overlay Diff: false" in lab.host_line.value
    run(lab, "rename", "/data", "/srv")
    assert lab.error.value == ""
    assert lab.a.diff() == [("A", "/srv"), ("A", "/srv/model.bin"), ("D", "/data")]
    assert lab.a.size() == BIG_FILE_SIZE
    assert "+0 bytes" in lab.status.value  # what df sees: only a directory was copied up


def test_metacopy_makes_chmod_copy_metadata_only_and_turns_redirect_dir_on() -> None:
    lab = ContainerLab(Host(seed=5))
    run(lab, "chmod", BIG_FILE, "600")
    assert [c.bytes for c in lab.last.copy_ups if c.path == BIG_FILE] == [BIG_FILE_SIZE]
    assert f"+{BIG_FILE_SIZE:,} bytes" in shown(lab.status)
    lab.metacopy.value = True
    assert lab.redirect_dir.value, "the kernel turns redirect_dir on with metacopy"
    run(lab, "chmod", BIG_FILE, "600")
    assert [c.bytes for c in lab.last.copy_ups if c.path == BIG_FILE] == [0]
    assert "+0 bytes" in shown(lab.status) and "metadata only" in shown(lab.picture)
    run(lab, "append", BIG_FILE, "x")  # the first write brings the data up
    assert [c.bytes for c in lab.last.copy_ups if c.path == BIG_FILE] == [BIG_FILE_SIZE]


def test_unticking_redirect_dir_under_metacopy_is_refused_in_the_widget() -> None:
    lab = ContainerLab(Host(seed=5))
    lab.metacopy.value = True
    host = lab.host
    lab.redirect_dir.value = False
    assert "conflicting options" in lab.error.value and lab.host is host


def test_on_xfs_a_copy_up_shares_the_files_blocks() -> None:
    lab = ContainerLab(Host(seed=5))
    lab.backing_fs.value = "xfs"
    assert "reflink" in lab.host_line.value
    run(lab, "append", BIG_FILE, "x")
    status = shown(lab.status)
    assert f"RW layer 0 → {BIG_FILE_SIZE + 2:,} bytes" in status  # what ps -s counts
    assert "+4,096 bytes" in status  # what df sees: the one block the append wrote
    lab.backing_fs.value = "ext4"
    run(lab, "append", BIG_FILE, "x")
    assert f"+{BIG_FILE_SIZE + 2:,} bytes" in shown(lab.status)


def test_a_switch_keeps_kernel_time_low() -> None:
    import time

    lab = ContainerLab(Host(seed=5))
    started = time.process_time()
    lab.backing_fs.value = "btrfs"
    assert time.process_time() - started < 0.1
