"""Writing a step's files into its overlay: where a source lands, whose it is, what replaces what."""

from __future__ import annotations

import posixpath
from dataclasses import replace

from layerlab.i18n import _
from layerlab.model.fs import Dir, Entry, File, Symlink
from layerlab.model.overlay import FsError, Overlay

from .errors import BuildError


def owner_ids(fs: Overlay, chown: str | None) -> tuple[int, int]:
    """``user[:group]`` (names or numbers) as uid and gid, names looked up in the image's
    /etc/passwd and /etc/group; without a group, the gid is the uid (as BuildKit does)."""
    if not chown:
        return 0, 0
    user, _unused, group = chown.partition(":")

    def lookup(name: str, table: str) -> int:
        if name.isdigit():
            return int(name)
        try:
            text = fs.read(table).read().decode()
        except FsError:
            text = ""
        for row in text.splitlines():
            fields = row.split(":")
            if fields and fields[0] == name and len(fields) > 2:
                return int(fields[2])
        if table.endswith("passwd"):
            raise BuildError(_("--chown: unknown user {name!r}", name=name))
        raise BuildError(_("--chown: unknown group {name!r}", name=name))

    uid = lookup(user, "/etc/passwd")
    gid = lookup(group, "/etc/group") if group else uid
    return uid, gid


def target_path(dest: str, cwd: str, name: str, into_dir: bool) -> str:
    """Where a source lands: ``dest`` (joined to the workdir), or ``dest/name`` when copied into it."""
    base = dest if dest.startswith("/") else posixpath.join(cwd, dest)
    return posixpath.join(base, name) if into_dir else base


def put_entry(fs: Overlay, path: str, entry: Entry, uid: int, gid: int, chmod: str | None) -> None:
    """Write one entry at ``path`` (parents made as needed), replacing a file but merging into a directory."""
    mode = int(chmod, 8) if chmod else entry.mode
    parent = posixpath.dirname(path.rstrip("/")) or "/"
    if not fs.exists(parent):
        fs.mkdir(parent, parents=True)
    existing = fs.lstat(path)
    if isinstance(entry, Dir):
        if existing is None:
            fs.mkdir(path, mode)
        if existing is None or (uid, gid) != (existing.uid, existing.gid) or chmod:
            fs.chown(path, uid, gid)
            fs.chmod(path, mode)
        return
    if existing is not None and not isinstance(existing, Dir):
        fs.unlink(path)
    if isinstance(entry, Symlink):
        fs.symlink(entry.target, path)
        fs.chown(path, uid, gid, follow=False)
    elif isinstance(entry, File):
        fs.write(path, entry.content, mode=mode, uid=uid, gid=gid)
        if entry.real_mtime is not None:  # the copy keeps its source's mtime
            written = fs.lstat(path)
            fs.place(fs.resolve(path, follow=False), replace(written, real_mtime=entry.real_mtime))
