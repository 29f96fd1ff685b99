"""What goes into a step's layer in each image store (the containerd store's differ compares
with the layers below). The expected layers are Engine 28.5's for the same RUN steps, from
``test_run_steps_change_layers_as_the_engine_does[28-containerd]`` (tests/build/test_shell.py),
which runs them on the engine: a hard link to a file below adds only the new name, as a plain
file; a directory removed and made again is whiteouts, not an opaque directory."""

from __future__ import annotations

from layerlab.build.differ import compared_with_lower
from layerlab.model.fs import Dir, File, Hardlink
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay
from layerlab.shell import run_shell

BASE = Layer({"data": Dir(), "data/keep": Dir(), "data/keep/k.txt": File(content=b"k\n"),
              "data/old": Dir(), "data/old/a.txt": File(content=b"a\n"), "data/old/b.txt": File(content=b"b\n")})


def step(command: str) -> tuple[Layer, Layer]:
    """(the classic store's layer, the containerd store's layer) for one RUN."""
    fs = Overlay([BASE])
    assert run_shell(fs, command, env={"PATH": "/bin"}).status == 0
    layer = fs.diff()
    return layer, compared_with_lower(layer, [BASE])


def test_a_hard_link_to_a_file_below_adds_only_the_new_name() -> None:
    classic, c8d = step("ln /data/keep/k.txt /data/hard")
    assert set(classic.entries) == {"data", "data/hard", "data/keep", "data/keep/k.txt"}
    assert isinstance(classic.entries["data/keep/k.txt"], Hardlink)
    assert set(c8d.entries) == {"data", "data/hard"} and isinstance(c8d.entries["data/hard"], File)
    assert c8d.entries["data/hard"].content.read() == b"k\n"


def test_a_directory_made_again_is_whiteouts_not_an_opaque_directory() -> None:
    classic, c8d = step("rm -rf /data/old && mkdir /data/old && echo n > /data/old/new.txt")
    assert classic.opaque == {"data/old"} and not classic.whiteouts
    assert not c8d.opaque and c8d.whiteouts == {"data/old/a.txt", "data/old/b.txt"}
    assert set(c8d.entries) == {"data", "data/old", "data/old/new.txt"}


def test_a_change_that_changes_nothing_leaves_nothing() -> None:
    classic, c8d = step("chmod 644 /data/keep/k.txt")
    assert "data/keep/k.txt" in classic.entries and c8d.is_empty


def test_a_file_below_touched_or_rewritten_stays_though_its_bytes_are_the_same() -> None:
    """Engine 28.5, containerd store (fuzz case 28-containerd-touch-below, and a build of
    ``RUN echo k > /d/k``, ``RUN echo k > /d/k``, ``RUN chmod 644 /d/k``, ``RUN touch /d/k``
    saved and read: the second, third and fourth layers hold d/k, nothing, d/k): a file
    rewritten or touched stays, as the kernel gave it a new mtime; the model keeps no clock."""
    for command in ("touch /data/keep/k.txt", "echo k > /data/keep/k.txt"):
        _, c8d = step(command)
        assert set(c8d.entries) == {"data", "data/keep", "data/keep/k.txt"}, command


def test_a_chmod_to_the_same_mode_leaves_nothing() -> None:
    """The same build's third layer: the copy-up changed nothing the differ compares."""
    _, c8d = step("chmod 644 /data/keep/k.txt")
    assert not c8d.entries


def test_a_context_file_copied_again_after_a_touch_is_a_changed_file(tmp_path) -> None:
    """scenarios/found/28-containerd-copy-touched-again: ``COPY d1/ /app/d1/`` onto an image
    that already holds the same copy. Engine 28.5's containerd store keeps the file whose
    context copy was touched in between (its mtime differs from the one below) and drops the
    one that was not; a copy of the very same context changes nothing."""
    import os

    from layerlab.engine.host import Host

    host = Host(engine="28-containerd")
    host.add(Image.build([Layer.from_files({"bin/x": b"x"})], cmd=["sh"]), "base")
    then = 1_700_000_000
    for name, source, touched in (("c1", "base", ()), ("c2", "c1", ("y.bin",)), ("c3", "c2", ())):
        context = tmp_path / name
        (context / "d1").mkdir(parents=True)
        (context / "Dockerfile").write_text(f"FROM {source}\nCOPY d1/ /app/d1/\n")
        for file in ("y.bin", "z.txt"):
            (context / "d1" / file).write_bytes(b"9" * 999)
            when = then + (3600 if file in touched or (name == "c3" and file == "y.bin") else 0)
            os.utime(context / "d1" / file, (when, when))
        host.build(context, name)
    first, again, same = (host.image(name).layers[-1] for name in ("c1", "c2", "c3"))
    assert {p for p, e in first.entries.items() if isinstance(e, File)} == {"app/d1/y.bin", "app/d1/z.txt"}
    assert {p for p, e in again.entries.items() if isinstance(e, File)} == {"app/d1/y.bin"}
    assert not [e for e in same.entries.values() if isinstance(e, File)]
