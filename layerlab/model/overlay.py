"""A writable filesystem over read-only layers, with the kernel overlayfs's semantics.

Docker gives every build step and every container one of these: the image layers are the
read-only lower directories, the step's or container's layer is the upper directory.
Lookups are :class:`~layerlab.model.merged.MergedView`'s; this module is the one place
where copy-up, whiteouts and opaque directories happen:

- the first change to a lower file or directory copies it up whole (its parents first):
  on open for write or append, chmod, chown, utime, truncate, hard link, rename of a file;
  a write that truncates (``>``) copies no data, as the kernel's O_TRUNC copy-up does;
  with the kernel's ``metacopy`` (:mod:`.kernel_options`) chmod, chown, utime, a hard link
  and a file rename copy up metadata only, and the data follows on the first append or
  truncate;
- deleting a lower entry leaves a whiteout; making a directory where a whiteout is makes
  an opaque directory; removing a lower directory tree leaves one whiteout, not an opaque dir;
- renaming a directory that exists in a lower layer fails with EXDEV unless the kernel has
  ``redirect_dir`` on (Docker does not set it: the kernel's default decides, off on most
  distributions), which is why ``mv`` falls back to copy and delete; with it the directory
  alone is copied up and carries a redirect to its old name, and the old name gets a
  whiteout; a directory made in the upper layer can always move, and moved into a merged
  directory it becomes opaque.

``diff()`` returns the upper directory as a Layer: what ``docker diff``, ``docker commit``
and a build step's layer are made of.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from layerlab.i18n import Texts, _

from .content import ConcatContent, Content, PrefixContent, as_content
from .fs import Dir, Entry, File, Symlink, ancestors, is_within
from .merged import WHITEOUT, MergedView, Whiteout
from .pathwalk import FsError

__all__ = ["WHITEOUT", "Checkpoint", "CopyUp", "FsError", "Overlay", "Whiteout"]

#: Copy-ups that need only the file's metadata when the kernel has metacopy on.
METADATA_REASONS = frozenset({"chmod", "chown", "utime", "hard link", "rename"})
#: How a copy-up's reason reads to a learner (:attr:`CopyUp.reason_text`); the reason itself
#: stays as written, since the driver lab reads it.
REASON_TEXT = Texts({
    "open for append": "open for append",
    "open for write (O_TRUNC)": "open for write (O_TRUNC)",
    "directory changed": "directory changed",
    "hard link": "hard link",
    "rename": "rename",
})
_PARENT_OF = "parent of /"
_METACOPY = " (metacopy: metadata only)"
_DATA_LATER = ": the data of a metadata-only copy"


@dataclass(frozen=True)
class CopyUp:
    """One copy-up: which path, how many bytes of data were copied, from which lower layer."""

    path: str
    bytes: int
    layer: int
    reason: str

    @property
    def reason_text(self) -> str:
        """:attr:`reason` in the learner's language (``open for append (metacopy: metadata only)``)."""
        base, meta, later = self.reason, "", ""
        if base.endswith(_DATA_LATER):
            base, later = base.removesuffix(_DATA_LATER), _(": the data of a metadata-only copy")
        if base.endswith(_METACOPY):
            base, meta = base.removesuffix(_METACOPY), _(" (metacopy: metadata only)")
        if base.startswith(_PARENT_OF):
            text = _("parent of /{path}", path=base.removeprefix(_PARENT_OF))
        else:
            text = REASON_TEXT[base] if base in REASON_TEXT else base
        return text + meta + later

    def __repr__(self) -> str:
        data = f"{self.bytes:,} bytes of data" if self.bytes else "metadata only, no data"
        return f"copy-up of /{self.path.lstrip('/')}: {data}, from lower layer {self.layer} (0 is the bottom): {self.reason}"


@dataclass(frozen=True)
class Checkpoint:
    """An overlay's upper layer at one moment, to compare with later or to roll back to."""

    upper: Mapping[str, Entry | Whiteout]
    opaque: frozenset[str]
    copy_ups: int  # how many copy-up records there were
    redirects: Mapping[str, str] = field(default_factory=dict)
    metacopy: frozenset[str] = frozenset()
    root: Dir = field(default_factory=Dir)


class Overlay(MergedView):
    """Read-only layers (bottom first) plus one writable upper layer."""

    copy_ups: list[CopyUp]

    # -- checkpoints ----------------------------------------------------------------------
    def checkpoint(self) -> Checkpoint:
        """The upper layer now (entries are immutable: a shallow copy keeps them)."""
        return Checkpoint(dict(self._upper), frozenset(self._opaque), len(self.copy_ups), dict(self._redirect),
                          frozenset(self._metacopy), self._root)

    def rollback(self, checkpoint: Checkpoint) -> None:
        """Put the upper layer back as it was at ``checkpoint`` (copy-up records too)."""
        self._upper, self._opaque, self._root = dict(checkpoint.upper), set(checkpoint.opaque), checkpoint.root
        self._redirect, self._metacopy = dict(checkpoint.redirects), set(checkpoint.metacopy)
        del self.copy_ups[checkpoint.copy_ups :]

    def place(self, path: str, entry: Entry) -> None:
        """Put ``entry`` at a layer path as it is (a fresh volume filled from an image)."""
        self._put(path, entry)

    # -- copy-up ------------------------------------------------------------------------
    def _copy_up(self, path: str, reason: str, *, data: bool = True) -> None:
        """Bring a visible lower entry (and its parents) into the upper layer."""
        for parent in ancestors(path):
            if parent not in self._upper:
                entry = self.entry(parent)
                assert isinstance(entry, Dir), parent
                origin = self._origin.get(self._lower_name(parent) or parent, 0)
                self._upper[parent] = entry
                self.copy_ups.append(CopyUp("/" + parent, 0, origin, f"{_PARENT_OF}{path}"))
        if path in self._upper or path == "":
            if data and path in self._metacopy and reason not in METADATA_REASONS:
                self._copy_data(path, reason)
            return
        entry = self.entry(path)
        assert entry is not None, path
        meta = self.kernel.metacopy and isinstance(entry, File) and reason in METADATA_REASONS
        size = entry.size if isinstance(entry, File) and data and not meta else 0
        origin = self._origin.get(self._lower_name(path) or path, 0)
        if isinstance(entry, File):
            entry = replace(entry)  # a new inode: copy-up breaks hard links
        self._upper[path] = entry
        if meta:
            self._metacopy.add(path)
            reason += _METACOPY
        self.copy_ups.append(CopyUp("/" + path, size, origin, reason))

    def _copy_data(self, path: str, reason: str) -> None:
        """The first write to a metadata-only copy: the kernel copies the data up now."""
        entry = self._upper[path]
        self._metacopy -= {p for p in self._metacopy if self._upper.get(p) is entry}
        size = entry.size if isinstance(entry, File) else 0
        origin = self._origin.get(self._lower_name(path) or path, 0)
        self.copy_ups.append(CopyUp("/" + path, size, origin, f"{reason}{_DATA_LATER}"))

    def _parent_for_create(self, real: str) -> None:
        parent = self._check_parent(real)
        if parent:
            self._copy_up(parent, "directory changed", data=False)

    def _put(self, real: str, entry: Entry) -> None:
        """Create or replace an upper entry, making a directory over a whiteout opaque."""
        if isinstance(entry, Dir) and self._upper.get(real) is WHITEOUT:
            self._opaque.add(real)
        self._upper[real] = entry

    def _create(self, real: str, entry: Entry) -> None:
        """A new entry: in a setgid directory it takes the directory's group (a new
        directory also inherits the setgid bit), as Linux's inode_init_owner does. With
        redirect_dir a new directory in a merged one is made opaque (the kernel's shortcut)."""
        parent = self.entry(real.rpartition("/")[0])
        if isinstance(parent, Dir) and parent.mode & 0o2000:
            entry = replace(entry, gid=parent.gid)
            if isinstance(entry, Dir):
                entry = replace(entry, mode=entry.mode | 0o2000)
        self._put(real, entry)
        if isinstance(entry, Dir) and self.kernel.redirects and self._is_merged(real.rpartition("/")[0]):
            self._opaque.add(real)

    # -- changes ------------------------------------------------------------------------
    def write(
        self,
        path: str,
        data: Content | bytes | str,
        *,
        append: bool = False,
        mode: int = 0o644,
        uid: int = 0,
        gid: int = 0,
        cwd: str = "/",
    ) -> None:
        """``>`` (create or truncate, then write) or ``>>`` (append) to a file."""
        real = self.resolve(path, cwd=cwd)
        content = as_content(data)
        entry = self.entry(real)
        if isinstance(entry, Dir):
            raise FsError("EISDIR", real)
        if entry is None:
            self._parent_for_create(real)
            self._create(real, File(content=content, mode=mode, uid=uid, gid=gid))
            return
        if not isinstance(entry, File):
            raise FsError("EINVAL", real, _("not a regular file"))
        self._copy_up(real, "open for append" if append else "open for write (O_TRUNC)", data=append)
        if not append:  # O_TRUNC: nothing of a metadata-only copy's data is needed any more
            self._metacopy -= {p for p in self._metacopy if self._upper.get(p) is self._upper[real]}
        current = self._upper[real]
        assert isinstance(current, File)
        new = ConcatContent(current.content, content) if append else content
        self._replace_inode(real, replace(current, content=new))
        self.timed.add(real)

    def _replace_inode(self, real: str, entry: Entry) -> None:
        """Replace an upper entry and every other name of the same inode (hard links)."""
        old = self._upper[real]
        for path, other in list(self._upper.items()):
            if other is old:
                self._upper[path] = entry

    def truncate(self, path: str, size: int, *, cwd: str = "/") -> None:
        real = self.resolve(path, cwd=cwd)
        entry = self.entry(real)
        if entry is None:
            self.write(path, b"", cwd=cwd)
            entry = self.entry(real)
        if not isinstance(entry, File):
            raise FsError("EISDIR" if isinstance(entry, Dir) else "EINVAL", real)
        self._copy_up(real, "truncate")
        current = self._upper[real]
        assert isinstance(current, File)
        self._replace_inode(real, replace(current, content=PrefixContent(current.content, size)))

    def mkdir(self, path: str, mode: int = 0o755, *, parents: bool = False, cwd: str = "/") -> None:
        real = self.resolve(path, cwd=cwd, follow=False)
        if parents:
            for parent in ancestors(real) + [real]:
                entry = self.entry(parent)
                if entry is None:
                    self._parent_for_create(parent)
                    self._create(parent, Dir(mode=mode))
                elif not isinstance(entry, Dir):
                    raise FsError("EEXIST" if parent == real else "ENOTDIR", parent)
            return
        if self.entry(real) is not None:
            raise FsError("EEXIST", real)
        self._parent_for_create(real)
        self._create(real, Dir(mode=mode))

    def _delete(self, real: str) -> None:
        """Drop an entry (and all below it) from the upper layer; whiteout what is below."""
        whiteout = self._lower_positive(real)
        for path in [p for p in self._upper if is_within(p, real)]:
            del self._upper[path]
        self._opaque = {p for p in self._opaque if not is_within(p, real)}
        self._redirect = {p: r for p, r in self._redirect.items() if not is_within(p, real)}
        self._metacopy = {p for p in self._metacopy if not is_within(p, real)}
        if whiteout:
            self._upper[real] = WHITEOUT

    def unlink(self, path: str, *, cwd: str = "/") -> None:
        real = self.resolve(path, cwd=cwd, follow=False)
        entry = self.entry(real)
        if entry is None:
            raise FsError("ENOENT", real)
        if isinstance(entry, Dir):
            raise FsError("EISDIR", real)
        self._parent_for_create(real)
        self._delete(real)

    def rmdir(self, path: str, *, cwd: str = "/") -> None:
        real = self.resolve(path, cwd=cwd, follow=False)
        entry = self.entry(real)
        if entry is None:
            raise FsError("ENOENT", real)
        if not isinstance(entry, Dir):
            raise FsError("ENOTDIR", real)
        if self.children(real):
            raise FsError("ENOTEMPTY", real)
        self._parent_for_create(real)
        self._delete(real)

    def remove_tree(self, path: str, *, cwd: str = "/") -> None:
        """``rm -r``: the end state the kernel reaches after deleting children one by one."""
        real = self.resolve(path, cwd=cwd, follow=False)
        if self.entry(real) is None:
            raise FsError("ENOENT", real)
        if real == "":
            raise FsError("EBUSY", real)
        self._parent_for_create(real)
        self._delete(real)

    def rename(self, src: str, dst: str, *, cwd: str = "/") -> None:
        # the order of checks is the kernel's: both parents are looked up, then the VFS
        # checks (ancestry, same inode, file vs dir), then overlayfs (EXDEV), then emptiness
        old = self.resolve(src, cwd=cwd, follow=False)
        self._check_parent(old)
        new = self.resolve(dst, cwd=cwd, follow=False)
        self._check_parent(new)
        entry = self.entry(old)
        if entry is None:
            raise FsError("ENOENT", old)
        if old == new:
            return
        if is_within(new, old):
            raise FsError("EINVAL", new, _("cannot move a directory into itself"))
        if is_within(old, new):
            raise FsError("ENOTEMPTY", new, _("the target is an ancestor of the source"))
        target = self.entry(new)
        if target is not None and old in self._upper and self._upper.get(new) is self._upper[old]:
            return  # two names of one (upper) inode: rename(2) does nothing
        if isinstance(entry, Dir):
            if target is not None and not isinstance(target, Dir):
                raise FsError("ENOTDIR", new)
        elif isinstance(target, Dir):
            raise FsError("EISDIR", new)
        redirect = None
        if isinstance(entry, Dir):
            if self._has_lower(old) or any(self._has_lower(p) for p in self._subtree(old)):
                if not self.kernel.redirects:
                    raise FsError("EXDEV", old, _("a lower directory cannot be renamed without redirect_dir"))
                redirect = self._redirect_for_move(old, new) if self._has_lower(old) else None
            if isinstance(target, Dir) and self.children(new):
                raise FsError("ENOTEMPTY", new)
        self._parent_for_create(new)
        self._copy_up(old, "rename")
        moved = {p: e for p, e in self._upper.items() if is_within(p, old)}
        opaque = {p for p in self._opaque if is_within(p, old)}
        redirects = {p: r for p, r in self._redirect.items() if is_within(p, old) and p != old}
        metacopy = {p for p in self._metacopy if is_within(p, old)}
        self._parent_for_create(old)
        self._delete(old)
        if target is not None:
            self._delete(new)
        for path, moved_entry in moved.items():
            if moved_entry is WHITEOUT:  # deleted lower children stay deleted below a redirect
                self._upper[new + path[len(old) :]] = WHITEOUT
            else:
                self._put(new + path[len(old) :], moved_entry)  # type: ignore[arg-type]
        self._opaque |= {new + p[len(old) :] for p in opaque}
        self._redirect |= {new + p[len(old) :]: r for p, r in redirects.items()}
        self._metacopy |= {new + p[len(old) :] for p in metacopy}
        if redirect is not None:  # a merged or lower directory: found below by its old name
            self._redirect[new] = redirect
            self._opaque.discard(new)
        elif isinstance(entry, Dir) and old not in opaque and self._is_merged(new.rpartition("/")[0]):
            # the kernel marks a (pure upper) directory moved into a merged directory
            # opaque, so nothing a lower layer holds at the new name can show through
            self._opaque.add(new)

    def _change_meta(self, path: str, cwd: str, follow: bool, reason: str, **changes: int) -> None:
        real = self.resolve(path, cwd=cwd, follow=follow)
        if self.entry(real) is None:
            raise FsError("ENOENT", real)
        if real == "":  # the root (a volume's, a container's /): changed in place, no copy-up
            return self._change_root(**changes)
        self._copy_up(real, reason)
        self._replace_inode(real, replace(self._upper[real], **changes))  # type: ignore[type-var]

    def chmod(self, path: str, mode: int, *, cwd: str = "/") -> None:
        self._change_meta(path, cwd, True, "chmod", mode=mode & 0o7777)

    def chown(self, path: str, uid: int, gid: int, *, cwd: str = "/", follow: bool = True) -> None:
        entry = self.entry(self.resolve(path, cwd=cwd, follow=follow))
        if entry is None or isinstance(entry, (Dir, Symlink)):
            self._change_meta(path, cwd, follow, "chown", uid=uid, gid=gid)
            return
        # chown(2) of a non-directory clears setuid, and setgid when group-executable
        mode = entry.mode & ~0o4000 & ~(0o2000 if entry.mode & 0o010 else 0)
        self._change_meta(path, cwd, follow, "chown", uid=uid, gid=gid, mode=mode)

    def utime(self, path: str, mtime: int, *, cwd: str = "/") -> None:
        self._change_meta(path, cwd, True, "utime", mtime=mtime)
        self.timed.add(self.resolve(path, cwd=cwd))

    def symlink(self, target: str, path: str, *, cwd: str = "/") -> None:
        real = self.resolve(path, cwd=cwd, follow=False)
        if self.entry(real) is not None:
            raise FsError("EEXIST", real)
        self._parent_for_create(real)
        self._create(real, Symlink(target=target))

    def link(self, src: str, dst: str, *, cwd: str = "/") -> None:
        old = self.resolve(src, cwd=cwd, follow=False)
        entry = self.entry(old)
        if entry is None:
            raise FsError("ENOENT", old)
        new = self.resolve(dst, cwd=cwd, follow=False)
        self._check_parent(new)  # the kernel looks the new name up before anything else
        if self.entry(new) is not None:
            raise FsError("EEXIST", new)
        if isinstance(entry, Dir):
            raise FsError("EPERM", old, _("hard links to directories are not allowed"))
        self._copy_up(old, "hard link")
        self._parent_for_create(new)
        self._put(new, self._upper[old])  # type: ignore[arg-type]
        self._metacopy |= {new} if old in self._metacopy else set()
