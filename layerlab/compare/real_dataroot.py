"""Read a real engine's data root into a listing the model's can be compared with.

Needs read access to the data root (root, for a daemon's own). Leaves out what a data root
holds that the model does not: the files inside layer and container diff directories
(``docker diff`` and the archive tests check those), the private containerd state under
``containerd/``, BuildKit's internals below its top level.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .normalise import NAMING_FILES, TEACHING_FILES, Listing, compared
from .normalise_containerd import BLOBS, DOCUMENT_BYTES, compared_in_containerd

#: Where containerd may keep its root, below a data root first: dockerd running its own
#: containerd (``<data-root>/containerd/daemon``), scripts/private-dockerd's containerd
#: (``<data-root>/containerd``); else the system's.
CONTAINERD_ROOTS = ("containerd/daemon", "containerd")
SYSTEM_CONTAINERD_ROOT = Path("/var/lib/containerd")


def read_data_root(path: str | Path) -> tuple[Listing, dict[str, bytes]]:
    """(listing, image configs by hex id) of the data root at ``path``."""
    top = Path(path)
    listing: Listing = {}
    for dirpath, dirnames, filenames in os.walk(top):
        rel_dir = os.path.relpath(dirpath, top)
        rel_dir = "" if rel_dir == "." else rel_dir
        if rel_dir and not compared(f"{rel_dir}/*"):  # nothing below is compared: do not walk it
            dirnames[:] = []
            continue
        for name in sorted(dirnames + filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not compared(rel):
                continue
            full = top / rel
            st = full.lstat()
            if stat.S_ISLNK(st.st_mode):
                listing[rel] = ("symlink", os.readlink(full))
            elif stat.S_ISDIR(st.st_mode):
                listing[rel] = ("dir", None)
            elif stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
                listing[rel] = ("whiteout", None)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                listing[rel] = ("device", None)
            else:
                text = (
                    full.read_text(errors="replace")
                    if name in TEACHING_FILES | NAMING_FILES
                    else None
                )
                listing[rel] = ("file", text)
    configs: dict[str, bytes] = {}
    content = top / "image" / "overlay2" / "imagedb" / "content" / "sha256"
    if content.is_dir():
        configs = {p.name: p.read_bytes() for p in content.iterdir()}
    return listing, configs



def containerd_root_of(docker_root: str | Path) -> Path:
    """containerd's root for the engine whose data root is ``docker_root``."""
    for below in CONTAINERD_ROOTS:
        candidate = Path(docker_root) / below
        if (candidate / "io.containerd.metadata.v1.bolt").is_dir():
            return candidate
    return SYSTEM_CONTAINERD_ROOT


def read_containerd_root(path: str | Path) -> Listing:
    """containerd's root as a listing: what a comparison looks at, documents' text kept
    (an index, manifest, config or attestation names the blobs it refers to)."""
    top = Path(path)
    listing: Listing = {}
    for dirpath, dirnames, filenames in os.walk(top):
        rel_dir = os.path.relpath(dirpath, top)
        rel_dir = "" if rel_dir == "." else rel_dir
        for name in sorted(dirnames + filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not compared_in_containerd(rel):
                if name in dirnames:
                    dirnames.remove(name)
                continue
            full = top / rel
            st = full.lstat()
            if stat.S_ISDIR(st.st_mode):
                listing[rel] = ("dir", None)
            elif stat.S_ISLNK(st.st_mode):
                listing[rel] = ("symlink", os.readlink(full))
            elif rel.startswith(BLOBS + "/") and st.st_size <= DOCUMENT_BYTES:
                head = full.read_bytes()
                listing[rel] = ("file", head.decode(errors="replace") if head[:1] == b"{" else None)
            else:
                listing[rel] = ("file", None)
    return listing
