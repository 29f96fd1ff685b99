"""A container's snapshot in the containerd store counts the xattr blocks overlayfs adds.

Expected sizes are Engine 28.5's (containerd image store, overlayfs snapshotter, ext4),
``docker ps -a -s`` for containers of ``scenarios/containers/app`` (``/d/one``,
``/d/sub/two``, ``/d/sub/deep/three``, ``/keep/k``), and ``find -printf '%k'`` on the
snapshot of the first one::

    app2x 24.6kB     echo more >> /d/sub/two     fs 4K, d 8K, d/sub 8K, d/sub/two 4K
    del3  12.3kB     rm /d/one && rm -rf /d/sub
    mv5   32.8kB     mv /d/one /moved && mv /d/sub /sub2 && ls /sub2/deep
    c11   24.6kB     echo v2 > /version && rm /d/one && echo more >> /keep/k
"""

from __future__ import annotations

import pytest

from layerlab.engine.sizes import container_size
from layerlab.model.container import Container
from layerlab.model.fs import Dir, File
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay
from layerlab.model.overlay_xattrs import directory_xattrs, inline_bytes, step_xattr_blocks, xattr_block
from layerlab.model.units import human_size
from layerlab.shell import run_shell


def app_container() -> Container:
    layer = Layer({"d": Dir(), "d/one": File(content=b"1\n"), "d/sub": Dir(), "d/sub/two": File(content=b"2\n"),
                   "d/sub/deep": Dir(), "d/sub/deep/three": File(content=b"3\n"), "keep": Dir(),
                   "keep/k": File(content=b"k\n"), "data": Dir(), "data/seed.txt": File(content=b"seed\n")})
    return Container.create("c" * 64, "c", Image.build([layer]))


@pytest.mark.parametrize(("script", "engine"), [
    ("echo more >> /d/sub/two", "24.6kB"),
    ("rm /d/one && rm -rf /d/sub", "12.3kB"),
    ("mv /d/one /moved && mv /d/sub /sub2 && ls /sub2/deep", "32.8kB"),
    ("echo v2 > /version && rm /d/one && echo more >> /keep/k", "24.6kB"),
])
def test_container_snapshot_size_is_the_engine_s(script: str, engine: str) -> None:
    container = app_container()
    result = run_shell(container.fs, script, env={})
    assert result.status == 0, result.stderr
    assert human_size(container_size(container, True)) == engine


def test_which_directories_carry_which_xattrs() -> None:
    container = app_container()
    assert run_shell(container.fs, "echo more >> /d/sub/two && echo new > /keep/new", env={}).status == 0
    xattrs = directory_xattrs(container.rw)
    assert xattrs["d"] == xattrs["d/sub"] == {"trusted.overlay.origin": 29, "trusted.overlay.impure": 1}
    assert xattrs[""] == {"trusted.overlay.impure": 1}  # the root is the upper dir itself: no origin
    assert xattrs["keep"] == {"trusted.overlay.origin": 29}  # a new file in it: no copy-up, not impure


def test_a_recreated_directory_is_opaque_only() -> None:
    view = Overlay(app_container().rw.layers)
    view.remove_tree("/d")
    view.mkdir("/d")
    assert directory_xattrs(view)["d"] == {"trusted.overlay.opaque": 1}


def test_ext4_inline_room() -> None:
    origin, impure = {"trusted.overlay.origin": 29}, {"trusted.overlay.impure": 1}
    assert inline_bytes(origin) == 68 and xattr_block(origin) == 0
    assert inline_bytes({**origin, **impure}) == 104 and xattr_block({**origin, **impure}) == 4096
    assert xattr_block({}) == 0


@pytest.mark.parametrize(("script", "blocks"), [
    # rename(2) of a lower file copies it up into /data first (ovl_copy_up of the parent, then
    # of the file): /data gets origin as a copied-up directory and impure as the directory a
    # copy-up landed in; the copied-up file then leaves, the marks stay. origin and impure
    # together need 16+16+32 + 16+16+4 + 4 = 104 bytes, more than the inode's 92: one block
    ("mkdir -p /app && mv /data/base.txt /app/a", 1),
    # unlink(2) of a lower file copies up only /data (origin alone, 68 bytes: in the inode)
    # and whites the file out: nothing was copied up into /data
    ("rm /data/base.txt", 0),
])
def test_a_build_step_that_moves_a_lower_file_away_leaves_its_old_directory_impure(script: str, blocks: int) -> None:
    """scenarios/found/28-containerd-mv-xattr-block: the step's end state (a whiteout at
    data/base.txt) is the same for both scripts; its copy-ups are not."""
    lower = Layer({"data": Dir(), "data/base.txt": File(content=b"base\n")})
    fs = Overlay([lower])
    assert run_shell(fs, script, env={}).status == 0
    step = fs.diff()
    assert step.whiteouts == {"data/base.txt"} and "data" in step.entries
    assert step_xattr_blocks(step, [lower]) == blocks * 4096
