"""Two data roots side by side with their random ids replaced by what the ids stand for.

A data root is full of ids: content digests (image ids, diff ids, chain ids) and random
ones (cache-ids, mount-ids, container ids, short links). To compare the model's data root
with a real engine's, every id is renamed after the thing it names, read from the tree
itself: an image after its tag (repositories.json), a layer after an image that has it and
its index there, a cache-id after its layer, a mount-id after its container's name, a
short link after the directory it points to. Both sides go through the same function, so
equal trees give equal listings whatever the ids were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from layerlab.model.digest import chain_ids

#: What a data root looks like to a comparison: relative path -> (kind, content or None).
Listing = dict[str, tuple[str, str | None]]

#: Read for naming: a container's name is in its config.v2.json (its content is not compared).
NAMING_FILES = frozenset({"config.v2.json"})
#: Files whose contents are compared (after renaming ids).
TEACHING_FILES = frozenset(
    {
        "link",
        "lower",
        "cache-id",
        "diff",
        "parent",
        "size",
        "mount-id",
        "init-id",
        "repositories.json",
    }
)
_TOKEN = re.compile(
    r"(?<![0-9A-Za-z])([0-9a-f]{64}|[0-9a-z]{25}|[A-Z2-7]{26}|moby-detect-rro[0-9]+)(?![0-9A-Za-z])"
)
#: The folder Engine 25+ makes (and keeps) in ``tmp/`` when it first checks for recursively
#: read-only mounts: ``moby-detect-rro`` and random digits.
_RRO_DETECT = re.compile(r"^tmp/(moby-detect-rro[0-9]+)$")
_IMG = "image/overlay2"


def compared(rel: str) -> bool:
    """Paths a comparison looks at: not the files inside layer directories (docker diff
    and the archive tests check those), not BuildKit's internals, not a private containerd."""
    parts = rel.split("/")
    if len(parts) >= 4 and parts[0] == "overlay2" and parts[2] == "diff":
        return False
    if len(parts) >= 5 and parts[0] == "overlay2" and parts[2:4] == ["work", "work"]:
        return False  # the kernel's scratch files (#<n> whiteouts left by deletes)
    return not ((parts[0] == "buildkit" and len(parts) > 2) or parts[0] == "containerd")


def listing_of(nodes: Mapping[str, object], root: str) -> Listing:
    """A model DataRoot's nodes as a listing (contents of teaching files only)."""
    out: Listing = {}
    for path, node in nodes.items():
        if path == root or not path.startswith(root + "/"):
            continue
        rel = path[len(root) + 1 :]
        if not compared(rel):
            continue
        kind, text = node.kind, node.content  # type: ignore[attr-defined]
        keep = kind == "symlink" or rel.rsplit("/", 1)[-1] in TEACHING_FILES | NAMING_FILES
        out[rel] = (kind, text if keep else None)
    return out


def id_names(listing: Listing, configs: Mapping[str, bytes]) -> dict[str, str]:
    """Raw id (hex or token) -> a name that says what it is. ``configs``: image id hex -> bytes."""
    names: dict[str, str] = {}
    repos = (
        json.loads((listing.get(f"{_IMG}/repositories.json") or ("", "{}"))[1] or "{}").get(
            "Repositories"
        )
        or {}
    )
    tag_of: dict[str, str] = {}
    for tags in repos.values():
        for tag, image_id in tags.items():
            hexid = image_id.removeprefix("sha256:")
            tag_of[hexid] = min(tag_of.get(hexid, tag), tag)
    layer_names: dict[str, str] = {}
    for hexid, data in sorted(configs.items(), key=lambda kv: tag_of.get(kv[0], "~")):
        label = tag_of.get(hexid, "untagged").replace("/", "|")
        names[hexid] = f"<image {label}>"
        diff_ids = (json.loads(data).get("rootfs") or {}).get("diff_ids") or []
        for i, chain in enumerate(chain_ids(diff_ids)):
            name = f"{label}#{i}"
            if chain[7:] not in layer_names or name < layer_names[chain[7:]]:
                layer_names[chain[7:]] = name
            diff = diff_ids[i][7:]
            names.setdefault(diff, f"<diff {label}#{i}>")
    prefix = f"{_IMG}/layerdb/sha256/"
    orphans = sorted(
        {p[len(prefix) :].split("/")[0] for p in listing if p.startswith(prefix)} - set(layer_names)
    )
    for hexc in orphans:  # kept by the build cache after rmi: named by depth and size
        depth, parent = 0, hexc
        while (entry := listing.get(f"{prefix}{parent}/parent")) and entry[1]:
            depth, parent = depth + 1, entry[1].removeprefix("sha256:")
        size = (listing.get(f"{prefix}{hexc}/size") or ("", "?"))[1]
        layer_names[hexc] = f"cached layer depth {depth} size {size}"
    for hexc, name in layer_names.items():
        names[hexc] = f"<layer {name}>"
        cache = listing.get(f"{prefix}{hexc}/cache-id")
        if cache and cache[1]:
            names[cache[1]] = f"<cache {name}>"
    mounts = f"{_IMG}/layerdb/mounts/"
    for cid in {p[len(mounts) :].split("/")[0] for p in listing if p.startswith(mounts)}:
        cname = _container_names(listing).get(cid, "?")
        names[cid] = f"<container {cname}>"
        mount = listing.get(f"{mounts}{cid}/mount-id")
        if mount and mount[1]:
            names[mount[1]] = f"<mount {cname}>"
    for cid, cname in _container_names(listing).items():
        names.setdefault(cid, f"<container {cname}>")
    for path, (kind, target) in listing.items():
        if path.startswith("overlay2/l/") and kind == "symlink" and target:
            names[path.rsplit("/", 1)[1]] = (
                "<link " + _rename(target, names).removeprefix("../").removesuffix("/diff") + ">"
            )
    for path in listing:
        parts = path.split("/")
        if len(parts) == 2 and parts[0] == "volumes" and re.fullmatch(r"[0-9a-f]{64}", parts[1]):
            names.setdefault(parts[1], "<anonymous volume>")
        if rro := _RRO_DETECT.match(path):
            names[rro.group(1)] = "moby-detect-rro<random>"
    return names


def _container_names(listing: Listing) -> dict[str, str]:
    found = {}
    for path, (_, text) in listing.items():
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "containers" and parts[2] == "config.v2.json" and text:
            found[parts[1]] = json.loads(text).get("Name", "?").lstrip("/")
    return found


def _rename(text: str, names: Mapping[str, str]) -> str:
    return _TOKEN.sub(lambda m: names.get(m.group(1), "<unknown id>"), text)


def normalise(
    listing: Listing, configs: Mapping[str, bytes], *, skip_unreferenced: bool = False
) -> tuple[Listing, int]:
    """The listing with every id renamed; with ``skip_unreferenced``, driver directories no
    layer or container names (BuildKit's snapshots of build contexts) and their short
    links are left out. Returns the listing and how many directories were left out."""
    names = id_names(listing, configs)
    skipped: set[str] = set()
    if skip_unreferenced:
        for path in listing:
            parts = path.split("/")
            if len(parts) == 2 and parts[0] == "overlay2" and parts[1] != "l":
                if parts[1].removesuffix("-init") not in names:
                    skipped.add(parts[1])
    out: Listing = {}
    for path, (kind, text) in listing.items():
        parts = path.split("/")
        if len(parts) >= 2 and parts[0] == "overlay2" and parts[1] in skipped:
            continue
        if (
            kind == "symlink"
            and path.startswith("overlay2/l/")
            and (text or "").split("/")[1] in skipped
        ):
            continue
        if text is not None and kind != "symlink" and path.rsplit("/", 1)[-1] not in TEACHING_FILES:
            text = None
        out[_rename(path, names)] = (kind, _rename(text, names) if text is not None else None)
    return out, len(skipped)


def within_depth(listing: Listing, max_depth: int | None) -> Listing:
    """The paths at most ``max_depth`` levels down (``tree -L``); all of them for None."""
    if max_depth is None:
        return dict(listing)
    return {p: v for p, v in listing.items() if p.count("/") < max_depth}
