"""Notebook 04 · Copy-on-write: what chmod, an append, rm -r, mkdir and mv cost on overlayfs.

Each proof draws an operation the notebook's cell has just applied (``apply(c, ...)``): the
three steps of its copy-up, what the overlay recorded, and ``docker diff``.
"""

from __future__ import annotations

from typing import Any

from layerlab.course.container_examples import BIG_FILE, BIG_FILE_SIZE
from layerlab.i18n import _
from layerlab.render import copy_up_steps, path_lookup

from ..exercise import MultipleChoice, ShortAnswer
from ..proof import Part, Printed, Proof, Said, expect

__all__ = ["EXERCISES"]


def _chmod(result: Any, container: Any, host: Any) -> list[Part]:
    expect(
        result.copied_bytes == BIG_FILE_SIZE,
        _("chmod should copy {size:,} bytes up", size=BIG_FILE_SIZE),
    )
    return [
        copy_up_steps(result),
        Said(
            _(
                "Read it from the top. **1 · before**: image layer 2 serves the file. **2 · copy-up**: "
                "the overlay copies `/data` (a directory: metadata only) and then the whole file, "
                "50,000,000 bytes. **3 · after**: the RW layer holds the copy with the new mode; image "
                "layer 2 is unchanged, and now hidden at that path."
            )
        ),
        Said(_("The RW layer now holds {size:,} bytes. `docker diff app`:", size=container.size())),
        Printed(host.diff(container)),
        Said(_("And the lookup of the same path: the RW layer serves it now.")),
        path_lookup(container, BIG_FILE),
    ]


CHMOD = MultipleChoice(
    "In the container you run `chmod 600 /data/model.bin` (50 MB, from an image layer). "
    "How much does the container's RW layer grow on overlayfs?",
    options=[
        "Nothing: chmod changes metadata, not data",
        "A few bytes: only the inode's new mode is stored",
        "About 50 MB: the whole file is copied up first",
        "Only the 4 KiB block that holds the mode",
    ],
    answer=2,
    explanation=(
        "Image layers are read-only, so overlayfs must change a copy. On the first change of any kind "
        "(open for write, chmod, chown, touch, a hard link) it copies the whole file, and its parent "
        "directories, into the RW layer, and then changes the copy. That is with the common kernel "
        "default, metacopy off. Neither Docker nor containerd asks for a metadata-only copy, but "
        "neither switches it off: where the kernel turns metacopy on, chmod copies only the metadata "
        "(with the classic store, `docker info` then says `Using metacopy: true`). On XFS with reflink "
        "or btrfs the copy shares the file's blocks, so `df` hardly moves, though the classic store's "
        "`docker ps -s` still counts 50 MB."
    ),
    hints={
        0: "Where would the new mode be stored? The image layer is read-only.",
        1: "overlay2 has no place to store a mode apart from the file it belongs to: what must it "
        "copy before it can change the mode?",
        3: "overlay2 works on whole files (on XFS with reflink or btrfs the kernel makes that whole-file "
        "copy by sharing blocks); block-level copy-on-write is what btrfs, zfs and devicemapper do.",
    },
    misconception="chmod-is-free",
    id="04-chmod",
    proof=Proof("What the chmod copied up", _chmod, needs=("result", "container", "host")),
)


def _append(append: Any, overwrite: Any) -> list[Part]:
    expect(append.copied_bytes == 4096, _("the append should copy the 4096-byte log"))
    return [
        copy_up_steps(append),
        Said(
            _(
                "In numbers: {append}. The old bytes must still be there after the append, so "
                "the whole log is copied up first. The truncating write of the same cell, "
                "`echo mode=prod > /etc/app/app.conf`, is different: {overwrite}. The "
                "kernel copies a file opened with `O_TRUNC` up without its data, since it would be "
                "thrown away.",
                append=append.summary(),
                overwrite=overwrite.summary(),
            )
        ),
    ]


APPEND_BYTES = ShortAnswer(
    "`/var/log/app/app.log` is 4096 bytes in image layer 3. `echo request >> /var/log/app/app.log` "
    "appends 8 bytes. How many bytes of data does the copy-up copy? (a number)",
    answer=4096,
    explanation=(
        "An append keeps the old content, so the whole 4096-byte file is copied up before the 8 new "
        "bytes are written. The RW layer then holds 4104 bytes for the log. A truncating write (`>`) "
        "would copy 0 bytes of data."
    ),
    hint="Which bytes must still be there after the append?",
    id="04-append-bytes",
    proof=Proof("What the append copied up", _append, needs=("append", "overwrite")),
)


def _rm_dir(result: Any) -> list[Part]:
    expect(
        result.whiteouts == ["/etc/app"] and not result.opaque_dirs,
        _("rm -r should leave one whiteout"),
    )
    return [
        copy_up_steps(result),
        Said(
            _(
                "The RW layer holds one **whiteout** at `/etc/app`: a character device 0/0 on disk, "
                "`.wh.app` in a layer tar. The children need no whiteouts of their own, since their "
                "parent is hidden. The picture says *no copy-up*: deleting never copies data, and "
                "`/etc` and `/etc/app` were already in the RW layer, copied up when the cell above "
                "wrote `/etc/app/app.conf`; that copy of `app.conf` is simply dropped."
            )
        ),
    ]


RM_DIR = MultipleChoice(
    "`/etc/app` is a directory from image layer 3 with two files in it. You run `rm -r /etc/app`. "
    "What does the RW layer hold at /etc/app afterwards?",
    options=[
        "An opaque directory that hides the old children",
        "A whiteout for /etc/app",
        "Nothing: the directory is gone from the image",
        "One whiteout per file that was in it, and nothing for the directory",
    ],
    answer=1,
    explanation=(
        "Removing a lower directory leaves one whiteout of that name: the children need no whiteouts "
        "of their own, since their parent is hidden. An opaque directory appears only when a directory "
        "is created again where a whiteout is: then it must hide the old children."
    ),
    hints={
        0: "Is there a directory at /etc/app after rm -r?",
        2: "Can anything in a container change an image layer?",
        3: "Once /etc/app itself is hidden, can anything below it still show through?",
    },
    misconception="rm-dir-makes-opaque",
    id="04-rm-dir",
    proof=Proof("What rm -r left in the RW layer", _rm_dir, needs=("result",)),
)


def _mkdir_again(result: Any, host: Any, container: Any) -> list[Part]:
    expect(
        result.opaque_dirs == ["/etc/app"],
        _("mkdir over a whiteout should make an opaque directory"),
    )
    return [
        copy_up_steps(result),
        Said(
            _(
                "Now `/etc/app` is an [opaque directory](glossary.md#opaque-directory) "
                "(`trusted.overlay.opaque=y` on disk, `.wh..wh..opq` in a layer tar): it exists, it is "
                "empty, and none of the image's old children show through. `docker diff` reports the "
                "directory as changed and each old child as deleted:"
            )
        ),
        Printed(host.diff(container)),
    ]


MKDIR_AGAIN = MultipleChoice(
    "Right after `rm -r /etc/app`, you run `mkdir /etc/app`. What does `ls /etc/app` show in the container?",
    options=[
        "nothing: a new, empty directory that hides the image's old children",
        "app.conf and secrets.env: the image's files show through again",
        "an error: a deleted directory cannot be created again",
    ],
    answer=0,
    explanation=(
        "The new directory replaces the whiteout and is marked opaque (trusted.overlay.opaque=y), so "
        "the lookup stops there and never reaches image layer 3's /etc/app: the directory is empty. "
        "Without the mark, the image's old files would come back."
    ),
    hints={
        1: "The files were deleted a moment ago: would it be right for mkdir to bring them back?",
        2: "The name is free in the merged view after rm -r: what stops a plain mkdir?",
    },
    id="04-mkdir-again",
    proof=Proof("What mkdir made", _mkdir_again, needs=("result", "host", "container")),
)


def _mv_lines(host: Any, container: Any) -> list[Part]:
    diff = host.diff(container)
    expect(len(diff.splitlines()) == 5, _("docker diff after mv /etc/app should print 5 lines"))
    return [
        Printed(diff),
        Said(
            _(
                "`mv` copied the tree (three `A` lines), deleted the original (one `D` line: a deleted "
                "directory is one line, its children are not listed), and `/etc` changed to hold both."
            )
        ),
    ]


MV_LINES = ShortAnswer(
    "In another fresh container, `mv /etc/app /etc/app.old` succeeds. How many lines does "
    "`docker diff` print? (/etc/app holds app.conf and secrets.env)",
    answer=5,
    explanation=(
        "`C /etc` (a child changed), `A /etc/app.old`, `A /etc/app.old/app.conf`, "
        "`A /etc/app.old/secrets.env` for the copy, and `D /etc/app` for the removed original: "
        "a deleted directory is one D line, its children are not listed. (Where the kernel has "
        "redirect_dir on, the directory is renamed instead of copied, and `docker diff` prints the "
        "same five lines.)"
    ),
    hint="mv copied the tree and deleted the original: count the added entries, the deleted one, and their parent.",
    id="04-mv-lines",
    proof=Proof("docker diff after the mv", _mv_lines, needs=("host", "container")),
)

EXERCISES = (CHMOD, APPEND_BYTES, RM_DIR, MKDIR_AGAIN, MV_LINES)
