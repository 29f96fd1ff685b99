"""ADD's archives: a local tar (plain, gzip, bzip2 or xz) is unpacked into the destination."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
from typing import BinaryIO

from layerlab.archive.blobs import ChunkStream
from layerlab.i18n import _
from layerlab.model.fs import Dir, File, Symlink
from layerlab.model.layer import member_path
from layerlab.model.overlay import Overlay
from layerlab.model.tarstream import TarReader

from .placing import put_entry


def _archive_stream(entry: File) -> BinaryIO:
    """The uncompressed bytes of a tar, gzip, bzip2 or xz file, as ADD unpacks them."""
    raw = io.BufferedReader(ChunkStream(entry.content.chunks()), 1 << 20)
    head = raw.peek(6)[:6]
    if head.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw)
    if head.startswith(b"BZh"):
        return bz2.BZ2File(raw)
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(raw)
    return raw


def is_archive(entry: File) -> bool:
    """ADD unpacks a local file only when it really is a (compressed) tar, whatever its name."""
    try:
        block = _archive_stream(entry).read(512)
    except (OSError, EOFError, ValueError):
        return False
    return len(block) == 512 and block[257:262] == b"ustar"


def extract(entry: File, fs: Overlay, root: str, line: int) -> None:
    """Unpack the archive ``entry`` under ``root``, members' owners and modes kept."""
    if not fs.exists(root):
        fs.mkdir(root, parents=True)
    reader = TarReader(_archive_stream(entry), label=_("line {line}: ADD", line=line))
    for member in reader:
        path = member_path(member.name, reader)
        if path is None:
            continue
        target = posixpath.join(root, path)
        meta = {"mode": member.mode, "uid": member.uid, "gid": member.gid}
        if member.type == "dir":
            put_entry(fs, target, Dir(**meta), member.uid, member.gid, None)
        elif member.type == "file":
            data = b"".join(reader.data())
            put_entry(fs, target, File(content=data, **meta), member.uid, member.gid, None)
        elif member.type == "symlink":
            put_entry(fs, target, Symlink(target=member.linkname), member.uid, member.gid, None)
        elif member.type == "hardlink":
            fs.link(posixpath.join(root, member_path(member.linkname, reader) or ""), target)
