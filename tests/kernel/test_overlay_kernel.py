"""layerlab.model.overlay.Overlay against the Linux kernel's overlayfs, operation by operation.

The same lower stack is given to the model and mounted with ``mount -t overlay`` (Docker's
overlay2 options); the same operations run on both. Per operation the outcome (success or
the errno name) must agree; at the end the merged view and the upper directory (the
container layer Docker would tar) must agree. Where they differ the kernel is right.

The real operations run in a forked child chrooted into the merged directory, as a
container process would: symlinks (absolute ones, or ``..`` chains) resolve inside the
container root exactly as the model resolves them, and can never reach the host.
"""

from __future__ import annotations

import errno
import json
import os
import posixpath
import stat
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from layerlab.model.content import SyntheticContent
from layerlab.model.fs import Dir, Entry, File, Hardlink, Symlink, ancestors, is_within, walk_key
from layerlab.model.layer import Layer
from layerlab.model.overlay import FsError, Overlay
from layerlab.model.tree import Tree
from layerlab.real.kernel import OverlayMount, _mount, _umount, read_upper

pytestmark = pytest.mark.kernel

Op = tuple[Any, ...]

# -- running operations ----------------------------------------------------------------


def _model_op(m: Overlay, op: Op) -> None:
    name, *args = op
    if name == "write":
        m.write(args[0], args[1])
    elif name == "append":
        m.write(args[0], args[1], append=True)
    elif name == "truncate":
        m.truncate(args[0], args[1])
    elif name == "mkdir":
        m.mkdir(args[0])
    elif name == "unlink":
        m.unlink(args[0])
    elif name == "rmdir":
        m.rmdir(args[0])
    elif name == "rm_r":
        m.remove_tree(args[0])
    elif name == "rename":
        m.rename(args[0], args[1])
    elif name == "chmod":
        m.chmod(args[0], args[1])
    elif name == "chown":
        m.chown(args[0], args[1], args[2])
    elif name == "lchown":
        m.chown(args[0], args[1], args[2], follow=False)
    elif name == "utime":
        m.utime(args[0], args[1])
    elif name == "symlink":
        m.symlink(args[0], args[1])
    elif name == "link":
        m.link(args[0], args[1])
    else:
        raise ValueError(name)


def run_model(m: Overlay, ops: Sequence[Op]) -> list[str]:
    outcomes = []
    for op in ops:
        try:
            _model_op(m, op)
            outcomes.append("ok")
        except FsError as error:
            outcomes.append(error.code)
    return outcomes


def _rm_r(path: str) -> None:
    """``rm -r``: children first, a symlink or file is unlinked, never followed."""
    if stat.S_ISDIR(os.lstat(path).st_mode):
        for name in os.listdir(path):
            _rm_r(posixpath.join(path, name))
        os.rmdir(path)
    else:
        os.unlink(path)


def _real_op(op: Op) -> None:
    name, *args = op
    if name in ("write", "append"):
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if name == "write" else os.O_APPEND)
        fd = os.open(args[0], flags, 0o644)
        try:
            os.write(fd, args[1])
        finally:
            os.close(fd)
    elif name == "truncate":  # coreutils truncate -s N: creates a missing file
        fd = os.open(args[0], os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.ftruncate(fd, args[1])
        finally:
            os.close(fd)
    elif name == "mkdir":
        os.mkdir(args[0], 0o755)
    elif name == "unlink":
        os.unlink(args[0])
    elif name == "rmdir":
        os.rmdir(args[0])
    elif name == "rm_r":
        _rm_r(args[0])
    elif name == "rename":
        os.rename(args[0], args[1])
    elif name == "chmod":
        os.chmod(args[0], args[1])
    elif name == "chown":
        os.chown(args[0], args[1], args[2])
    elif name == "lchown":
        os.lchown(args[0], args[1], args[2])
    elif name == "utime":
        os.utime(args[0], (args[1], args[1]))
    elif name == "symlink":
        os.symlink(args[0], args[1])
    elif name == "link":
        os.link(args[0], args[1], follow_symlinks=False)  # ln's default (-P)
    else:
        raise ValueError(name)


def run_real(merged: Path, ops: Sequence[Op]) -> list[str]:
    """Run ``ops`` in a child chrooted into ``merged``; each op's outcome or errno name."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.close(read_fd)
            os.chroot(merged)
            os.chdir("/")
            os.umask(0)
            outcomes = []
            for op in ops:
                try:
                    _real_op(op)
                    outcomes.append("ok")
                except OSError as error:
                    outcomes.append(errno.errorcode.get(error.errno or 0, f"errno {error.errno}"))
            payload = json.dumps(outcomes).encode()
        except BaseException:
            payload = json.dumps({"crash": traceback.format_exc()}).encode()
            code = 1
        try:
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    result = json.loads(data)
    if isinstance(result, dict):
        raise AssertionError("the chrooted child crashed:\n" + result["crash"])
    return result


# -- views to compare --------------------------------------------------------------------


def model_view(m: Overlay) -> dict[str, tuple]:
    """The merged tree: path -> (type, mode, uid, gid, bytes or target)."""
    out: dict[str, tuple] = {}

    def walk(directory: str) -> None:
        for name in m.listdir("/" + directory):
            path = f"{directory}/{name}" if directory else name
            entry = m.lstat("/" + path)
            out[path] = _describe(entry)
            if isinstance(entry, Dir):
                walk(path)

    walk("")
    return out


def _describe(entry: Entry) -> tuple:
    meta = (entry.mode, entry.uid, entry.gid)
    if isinstance(entry, File):
        return ("file", *meta, entry.content.read())
    if isinstance(entry, Dir):
        return ("dir", *meta)
    if isinstance(entry, Symlink):
        return ("symlink", entry.uid, entry.gid, entry.target)
    if isinstance(entry, Hardlink):
        return ("hardlink", *meta, entry.target)
    return (entry.kind, *meta)


def real_view(merged: Path) -> dict[str, tuple]:
    out: dict[str, tuple] = {}

    def walk(directory: str) -> None:
        base = merged / directory if directory else merged
        for name in sorted(os.listdir(base)):
            path = f"{directory}/{name}" if directory else name
            full = base / name
            s = os.lstat(full)
            meta = (stat.S_IMODE(s.st_mode), s.st_uid, s.st_gid)
            if stat.S_ISREG(s.st_mode):
                out[path] = ("file", *meta, full.read_bytes())
            elif stat.S_ISDIR(s.st_mode):
                out[path] = ("dir", *meta)
                walk(path)
            elif stat.S_ISLNK(s.st_mode):
                out[path] = ("symlink", s.st_uid, s.st_gid, os.readlink(full))
            else:
                out[path] = ("other", *meta, s.st_rdev)

    walk("")
    return out


def real_mtimes(merged: Path, paths: Sequence[str]) -> dict[str, int]:
    return {p: int(os.lstat(merged / p).st_mtime) for p in paths if os.path.lexists(merged / p)}


def layer_view(layer: Layer) -> dict[str, Any]:
    return {
        "entries": {p: _describe(e) for p, e in layer.entries.items()},
        "whiteouts": sorted(layer.whiteouts),
        "opaque": sorted(layer.opaque),
    }


class _Utimes:
    """Paths whose mtime an explicit utime set and no later operation can have changed."""

    def __init__(self) -> None:
        self.mtimes: dict[str, int] = {}

    def after(self, m: Overlay, op: Op, ok: bool) -> None:
        name, *args = op
        if name in ("chmod", "chown", "lchown"):
            return
        if name == "utime":
            if ok:
                self.mtimes[m.resolve(args[0])] = args[1]
            return
        if name in ("write", "append", "truncate"):  # data: any name of the inode may change
            self.mtimes = {p: t for p, t in self.mtimes.items() if not isinstance(m.lstat("/" + p), File)}
            # and creating the file changes its directory: fall through
        names = [a for a in (args if name != "symlink" else args[1:]) if isinstance(a, str)]
        touched: set[str] = set()
        for path in names:
            for follow in (False, True):
                try:
                    real = m.resolve(path, follow=follow)
                except FsError:
                    continue
                touched.add(real)
                touched.update(ancestors(real))
                touched.add("")
        self.mtimes = {p: t for p, t in self.mtimes.items() if not any(is_within(p, t2) for t2 in touched if t2)}
        self.mtimes = {p: t for p, t in self.mtimes.items() if p not in touched}


def check(scratch: Path, layers: Sequence[Layer], ops: Sequence[Op]) -> None:
    """Run ``ops`` on the model and on the kernel; assert that every observable agrees."""
    model = Overlay(layers)
    utimes = _Utimes()
    model_outcomes = []
    for op in ops:
        outcome = run_model(model, [op])[0]
        model_outcomes.append(outcome)
        utimes.after(model, op, outcome == "ok")
    with OverlayMount(layers, scratch) as mount:
        real_outcomes = run_real(mount.merged, ops)
        assert list(zip(ops, real_outcomes)) == list(zip(ops, model_outcomes)), "per-operation outcomes (kernel == model)"
        real, want = real_view(mount.merged), model_view(model)
        assert real == want, "merged view (kernel == model): " + _dict_diff(real, want)
        want_mtimes = {p: t for p, t in utimes.mtimes.items() if model.lstat("/" + p) is not None}
        assert real_mtimes(mount.merged, list(want_mtimes)) == want_mtimes, "mtimes set by utime"
        mount.unmount()
        upper = read_upper(mount.upper)
        real, want = layer_view(upper), layer_view(model.diff())
        assert real == want, "upper dir (kernel) == diff() (model): " + _dict_diff(
            {**real["entries"], "WHITEOUTS": real["whiteouts"], "OPAQUE": real["opaque"]},
            {**want["entries"], "WHITEOUTS": want["whiteouts"], "OPAQUE": want["opaque"]},
        )


def _dict_diff(real: dict, want: dict) -> str:
    lines = []
    for key in sorted(set(real) | set(want)):
        if real.get(key) != want.get(key):
            lines.append(f"{key}: kernel {real.get(key)!r} / model {want.get(key)!r}")
    return "; ".join(lines)


# -- strategies --------------------------------------------------------------------------

DIRS = ["a", "a/b", "c"]
FILES = ["a/f", "a/b/g", "c/h", "x"]
UNIVERSE = sorted(DIRS + FILES, key=walk_key)
OP_PATHS = UNIVERSE + ["y", "z", "c/d", "a/b/y", "y/f"]
MODES = [0o644, 0o600, 0o755, 0o700, 0o4755, 0o2755, 0o2644, 0o1777]
IDS = [(0, 0), (1000, 1000), (0, 1000)]
MTIMES = [1_000_000, 2_000_000]

data = st.binary(max_size=12)


@st.composite
def symlink_targets(draw: st.DrawFn, link: str) -> str:
    """Relative targets from the link's directory (never above the root) or absolute ones."""
    target = draw(st.sampled_from(OP_PATHS + ["nowhere", link]))
    if draw(st.booleans()):
        return "/" + target
    return posixpath.relpath(target, posixpath.dirname(link) or ".")


@st.composite
def lower_layer(draw: st.DrawFn, index: int, below: Tree) -> Layer:
    """One lower layer over ``below``. A whiteout only hides something that exists below,
    outside an opaque dir, as Docker's layers (diffs of overlay upper dirs) always do: a
    whiteout with nothing under it in a directory that is not merged would be listed by
    the kernel's readdir as a name that lookup cannot find (a pass-through readdir)."""
    entries: dict[str, Entry] = {}
    whiteouts: set[str] = set()
    opaque: set[str] = set()
    for path in UNIVERSE:
        natural = "dir" if path in DIRS else "file"
        kinds = ["absent", "absent", natural, natural, "symlink", "file" if natural == "dir" else "dir"]
        if natural == "file":
            kinds.append("hardlink")
        if index > 0:
            kinds += ["opaque"] if natural == "dir" else []
            if path in below and not any(p in opaque for p in ancestors(path)):
                kinds += ["whiteout"]
        kind = draw(st.sampled_from(kinds))
        mode = draw(st.sampled_from(MODES))
        uid, gid = draw(st.sampled_from(IDS))
        if kind == "file":
            entries[path] = File(content=draw(data), mode=mode, uid=uid, gid=gid, mtime=index)
        elif kind in ("dir", "opaque"):
            entries[path] = Dir(mode=mode | 0o700, uid=uid, gid=gid, mtime=index)
            if kind == "opaque":
                opaque.add(path)
        elif kind == "symlink":
            entries[path] = Symlink(target=draw(symlink_targets(path)), uid=uid, gid=gid)
        elif kind == "hardlink":
            entries[path] = Hardlink(target=draw(st.sampled_from(FILES)), mode=0o644)
        elif kind == "whiteout":
            whiteouts.add(path)
    # parents of anything in this layer are directories of this layer
    for path in list(entries) + list(whiteouts):
        for parent in ancestors(path):
            if not isinstance(entries.get(parent), Dir):
                whiteouts.discard(parent)
                entries[parent] = Dir(mtime=index)
    # a hard link names a file of this layer that comes earlier in walk order
    for path, entry in list(entries.items()):
        if isinstance(entry, Hardlink):
            target = entries.get(entry.target)
            if not isinstance(target, File) or walk_key(entry.target) >= walk_key(path):
                entries[path] = File(content=draw(data), mtime=index)
    return Layer(entries, whiteouts, opaque)


@st.composite
def lower_stacks(draw: st.DrawFn) -> list[Layer]:
    layers: list[Layer] = []
    for i in range(draw(st.integers(1, 3))):
        layers.append(draw(lower_layer(i, Tree.from_layers(layers))))
    return layers


path = st.sampled_from(OP_PATHS)


@st.composite
def operation(draw: st.DrawFn) -> Op:
    name = draw(st.sampled_from([
        "write", "append", "truncate", "mkdir", "mkdir", "unlink", "rmdir", "rm_r", "rm_r",
        "rename", "rename", "rename", "chmod", "chown", "lchown", "utime", "symlink", "link",
    ]))
    if name in ("write", "append"):
        return (name, "/" + draw(path), draw(data))
    if name == "truncate":
        return (name, "/" + draw(path), draw(st.integers(0, 16)))
    if name in ("mkdir", "unlink", "rmdir", "rm_r"):
        return (name, "/" + draw(path))
    if name in ("rename", "link"):
        return (name, "/" + draw(path), "/" + draw(path))
    if name == "chmod":
        return (name, "/" + draw(path), draw(st.sampled_from(MODES)))
    if name in ("chown", "lchown"):
        return (name, "/" + draw(path), *draw(st.sampled_from(IDS)))
    if name == "utime":
        return (name, "/" + draw(path), draw(st.sampled_from(MTIMES)))
    link = draw(path)
    return (name, draw(symlink_targets(link)), "/" + link)


# -- the differential test ---------------------------------------------------------------


@settings(
    max_examples=int(os.environ.get("LAYERLAB_KERNEL_EXAMPLES", "500")),
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(layers=lower_stacks(), ops=st.lists(operation(), min_size=1, max_size=10))
def test_model_matches_the_kernel(kernel_scratch, layers, ops):
    for i, layer in enumerate(layers):
        note(f"layer {i}: {dict(layer.entries)!r} whiteouts={sorted(layer.whiteouts)} opaque={sorted(layer.opaque)}")
    check(kernel_scratch.fresh(), layers, ops)


# -- counterexamples and subtle spots, as explicit cases --------------------------------

BASE = Layer.from_files({"a/f": b"lower-f", "a/b/g": b"lower-g", "c/h": b"lower-h", "x": b"lower-x"})


def case(scratch, ops, layers=(BASE,)):
    check(scratch.fresh(), list(layers), ops)


def test_append_to_a_lower_file_copies_it_up_whole(kernel_scratch):
    # the kernel copies the whole lower file into the upper dir, then appends
    case(kernel_scratch, [("append", "/a/f", b"+more")])


def test_rmdir_of_a_lower_dir_emptied_by_deletions_leaves_one_whiteout(kernel_scratch):
    # the kernel removes the upper dir with its whiteouts and leaves one whiteout: not opaque
    case(kernel_scratch, [("unlink", "/a/b/g"), ("rmdir", "/a/b")])


def test_mkdir_over_a_whiteout_makes_an_opaque_dir(kernel_scratch):
    case(kernel_scratch, [("rm_r", "/a/b"), ("mkdir", "/a/b")])


def test_rename_of_a_file_over_a_lower_file(kernel_scratch):
    # RENAME_WHITEOUT: a whiteout at the source, the copied-up file hides the lower target
    case(kernel_scratch, [("rename", "/a/f", "/x")])


def test_rename_of_a_lower_dir_is_exdev(kernel_scratch):
    case(kernel_scratch, [("rename", "/a/b", "/y"), ("rename", "/c", "/a/y")])


def test_link_of_a_lower_file_then_write_through_one_name(kernel_scratch):
    # ovl_link copies the file up first; both names are then one upper inode
    case(kernel_scratch, [("link", "/a/f", "/y"), ("append", "/y", b"!"), ("chmod", "/a/f", 0o600)])


def test_copy_up_breaks_a_lower_hard_link(kernel_scratch):
    layer = Layer.from_files({"a/f": b"shared", "x": Hardlink(target="a/f")})
    case(kernel_scratch, [("append", "/x", b"!")], layers=[layer])


def test_chmod_on_a_symlink_changes_and_copies_up_the_target(kernel_scratch):
    layer = Layer.from_files({"a/f": b"f", "y": Symlink(target="a/f")})
    case(kernel_scratch, [("chmod", "/y", 0o600), ("lchown", "/y", 1000, 1000)], layers=[BASE, layer])


def test_unlink_inside_an_opaque_dir_leaves_no_whiteout(kernel_scratch):
    # the opaque dir is pure upper: nothing below can show through, so no whiteout
    case(kernel_scratch, [("rm_r", "/a"), ("mkdir", "/a"), ("write", "/a/f", b"new"), ("unlink", "/a/f")])


def test_lower_whiteout_and_opaque_dir_hide_lower_layers(kernel_scratch):
    top = Layer({"a": Dir(), "c": Dir()}, whiteouts=["a/f"], opaque=["c"])
    case(kernel_scratch, [("write", "/c/h", b"new"), ("mkdir", "/a/f")], layers=[BASE, top])


def test_truncating_open_of_a_lower_file_copies_no_data(kernel_scratch):
    """The model's copy-up cost for ``>``: 0 bytes. Observable as room in the upper fs.

    The lower file (8 MiB) is bigger than the upper tmpfs (1 MiB): copying its data up
    would fail with ENOSPC, so a successful O_TRUNC open shows that no data was copied.
    """
    root = kernel_scratch.fresh()
    small = root / "small"
    small.mkdir(parents=True)
    _mount("tmpfs", small, "tmpfs", "size=1m")
    try:
        big = Layer.from_files({"big": SyntheticContent(8 << 20, 1)})
        model = Overlay([big])
        model.write("/big", b"small")
        assert [(c.path, c.bytes) for c in model.copy_ups] == [("/big", 0)]
        with OverlayMount([big], root / "m", upper_root=small) as mount:
            assert run_real(mount.merged, [("write", "/big", b"small")]) == ["ok"]
            assert (mount.upper / "big").read_bytes() == b"small"
            # while an append has to copy the data, which does not fit
            assert run_real(mount.merged, [("append", "/big", b"!")]) == ["ok"]
        with OverlayMount([big], root / "m2", upper_root=small) as mount:
            assert run_real(mount.merged, [("append", "/big", b"!")]) == ["ENOSPC"]
    finally:
        _umount(small)


def test_speed_budget(kernel_scratch):
    """One example must stay cheap: 500 of them have to fit in ~60 s on 2 cores."""
    start = time.perf_counter()
    for _ in range(10):
        case(kernel_scratch, [("append", "/a/f", b"!"), ("rename", "/x", "/y"), ("rm_r", "/a/b")])
    assert (time.perf_counter() - start) / 10 < 0.25


def test_rename_of_an_upper_dir_into_a_merged_dir(kernel_scratch):
    # Counterexample (model fixed): ovl_rename sets trusted.overlay.opaque=y on a pure-upper
    # dir moved into a merged parent dir, so the layer tar gets c/d/.wh..wh..opq
    case(kernel_scratch, [("mkdir", "/y"), ("write", "/y/n", b"n"), ("rename", "/y", "/c/d")])


def test_rename_of_an_upper_dir_within_the_root(kernel_scratch):
    # Counterexample (model fixed): `mkdir /y && mv /y /z` leaves an opaque /z (the root
    # is always a merged dir), even though no lower layer has a /z
    case(kernel_scratch, [("mkdir", "/y"), ("rename", "/y", "/z")])


def test_rename_of_an_upper_dir_holding_copied_up_lower_files(kernel_scratch):
    # the dir itself is pure upper, its child came from a lower layer: the kernel allows the
    # move (only a merged or lower dir is EXDEV) and makes the moved dir opaque
    case(kernel_scratch, [("mkdir", "/y"), ("rename", "/a/f", "/y/f"), ("rename", "/y", "/c/d")])


def test_rename_of_an_opaque_dir_made_over_a_whiteout(kernel_scratch):
    # the opaque dir is pure upper, so it may move; it keeps its opaque xattr, and the
    # kernel puts a whiteout back at /a/b (the lower /a/b exists)
    case(kernel_scratch, [("rm_r", "/a/b"), ("mkdir", "/a/b"), ("rename", "/a/b", "/c/d")])


def test_rename_of_an_upper_dir_over_a_whiteout(kernel_scratch):
    # the kernel exchanges the dir with the whiteout, deletes the whiteout, sets opaque
    case(kernel_scratch, [("rm_r", "/a/b"), ("mkdir", "/y"), ("rename", "/y", "/a/b")])


def test_rename_of_an_upper_dir_over_an_emptied_lower_dir(kernel_scratch):
    # the target merged dir holds only whiteouts: the kernel clears it and the moved dir
    # becomes opaque (so the lower a/b/g stays hidden)
    case(kernel_scratch, [("unlink", "/a/b/g"), ("mkdir", "/y"), ("rename", "/y", "/a/b")])


def test_rename_between_two_names_of_one_upper_inode_does_nothing(kernel_scratch):
    # Counterexample (model fixed): rename(2) with both names on one inode succeeds and
    # changes nothing (vfs_rename: source == target); the model used to drop /a/f
    case(kernel_scratch, [("link", "/a/f", "/y"), ("rename", "/a/f", "/y")])


def test_rename_onto_an_ancestor_is_enotempty(kernel_scratch):
    # Counterexample (model fixed): the VFS answers ENOTEMPTY when the target is an
    # ancestor of the source, before overlayfs' EXDEV (the model said EXDEV / EISDIR)
    case(kernel_scratch, [("rename", "/a/b", "/a"), ("rename", "/a/b/g", "/a")])


def test_link_onto_an_existing_dir_is_eexist_before_eperm(kernel_scratch):
    # Counterexample (model fixed): linkat looks the new name up first: EEXIST, and only
    # then refuses a directory source with EPERM (the model said EPERM)
    case(kernel_scratch, [("link", "/a", "/a"), ("link", "/a", "/c")])


def test_link_with_a_missing_source_is_enoent_before_the_target_lookup(kernel_scratch):
    # Counterexample (model fixed): the kernel resolves the source first: ENOENT, even
    # though the target's parent /x is a file (the model said ENOTDIR)
    case(kernel_scratch, [("link", "/nope", "/x/y"), ("rename", "/nope/z", "/x/y")])


def test_chown_clears_setuid_and_group_executable_setgid(kernel_scratch):
    # Counterexample (model fixed): chown(2) of a non-directory clears S_ISUID, and S_ISGID
    # when group-executable, even for root and even to the same owner; dirs keep theirs
    layer = Layer.from_files({
        "s": File(content=b"s", mode=0o4755),
        "g": File(content=b"g", mode=0o2755),
        "m": File(content=b"m", mode=0o2644),
        "d": Dir(mode=0o4755),
    })
    case(kernel_scratch, [("chown", "/s", 0, 0), ("chown", "/g", 1000, 1000), ("chown", "/m", 0, 0), ("chown", "/d", 0, 0)], layers=[layer])


def test_new_entries_in_a_setgid_dir_take_its_group(kernel_scratch):
    # Counterexample (model fixed): in a setgid dir (Debian's /usr/local/* are 2775
    # root:staff) new files, dirs and symlinks get the dir's group; new dirs also get 2000
    layer = Layer.from_files({"c/h": b"h"})
    layer = Layer({**layer.entries, "c": Dir(mode=0o2775, gid=1000)})
    case(kernel_scratch, [("mkdir", "/c/d"), ("write", "/c/n", b"n"), ("symlink", "n", "/c/l"), ("mkdir", "/c/d/e")], layers=[layer])
