"""What a user sees from one line, as facts both sides can be compared on.

Each side prints what docker prints (:attr:`Observation.output`) and distils the facts a
user would check: which steps made layers and their sizes, which were CACHED, history rows,
image sizes, ``system df``, ``docker diff``, the data root. Random ids, names and times
never take part: anonymous volumes are ``<anonymous>``, ``Up 3 seconds`` is ``Up``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Any, Protocol

from layerlab.model.errors import LayerlabError
from layerlab.model.units import human_size

from .arguments import TreeArgs
from .lines import CONTAINERD_ROOT, Command
from .normalise import Listing, normalise, within_depth
from .normalise_containerd import normalise_containerd

__all__ = [
    "Observation",
    "Side",
    "anonymous_name",
    "build_facts",
    "commit_facts",
    "container_state",
    "df_rows",
    "df_summary_facts",
    "inspect_facts",
    "layer_entries",
    "observe",
    "prune_facts",
    "rmi_facts",
    "tree_facts",
    "volume_facts",
]


@dataclass
class Observation:
    """What a user sees from one command, with everything random left out."""

    ok: bool
    output: str
    facts: dict[str, Any] = field(default_factory=dict)
    #: Said beside the comparison, never compared (e.g. what an engine's side left out).
    note: str = ""


class Side(Protocol):
    """Somewhere docker lines run: the simulated host, or a real engine."""

    def run(self, command: Command) -> Observation: ...


def observe(side: Side, command: Command) -> Observation:
    """Run one line on one side; a malformed line is an ERROR output, never a traceback."""
    try:
        return side.run(command)
    except LayerlabError as err:
        return Observation(False, f"ERROR: {err}", {"error": True})
    except Exception as err:  # noqa: BLE001 - a malformed line must not show a traceback
        return Observation(False, f"ERROR: {command.text}: {type(err).__name__}: {err}".rstrip(": "), {"error": True})


_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def anonymous_name(name: str) -> str:
    """Anonymous volumes have random 64-hex names: compared as ``<anonymous>``."""
    return "<anonymous>" if _HEX64.match(name) else name


_SHORT_ID = re.compile(r"[0-9a-f]{12}")


def ps_image(image: str) -> str:
    """``docker ps`` IMAGE: the name the container was made from, or, once no tag names its
    image, the image's short id: an id of an image built here, which holds the build's
    times, so each side says only that it is an id."""
    return "<image id>" if _SHORT_ID.fullmatch(image) else image


def container_state(status: str) -> str:
    """``Up 3 seconds`` -> ``Up``; ``Exited (0) 2 minutes ago`` -> ``Exited (0)``."""
    if status.startswith("Up"):
        return "Up"
    match = re.match(r"(Exited \(\d+\))", status)
    return match.group(1) if match else status


def build_facts(steps: list[tuple[str, bool]], image: Any) -> dict[str, Any]:
    """The parts of a build a user compares: steps and their CACHED marks, layers and sizes."""
    return {
        "steps": sorted((" ".join(text.split()), cached) for text, cached in steps if not text.startswith("FROM ")),
        "history": [(h.created_by, layer is not None, human_size(layer.size) if layer else "0B")
                    for h, layer in image.steps()],
        "size": human_size(image.size),
    }


def layer_entries(layer: Any) -> list[tuple[str, ...]]:
    """A layer as comparable rows: entries (path, kind, mode, size), whiteouts, opaque dirs."""
    rows: list[tuple[str, ...]] = [
        ("/" + path, entry.kind, oct(entry.mode), str(getattr(entry, "size", 0) if entry.kind == "file" else 0))
        for path, entry in layer.entries.items()]
    rows += [("/" + p, "whiteout") for p in layer.whiteouts]
    rows += [("/" + p, "opaque") for p in layer.opaque]
    return sorted(rows)


def commit_facts(image: Any) -> dict[str, Any]:
    """A committed image: its history, the commit's own row, and what its new layer holds."""
    top = image.steps()[-1]
    return {"history": [(h.created_by, human_size(layer.size) if layer else "0B") for h, layer in image.steps()],
            "commit_row": (top[0].created_by, top[0].comment or ""),
            "layer": layer_entries(image.layers[-1])}


def rmi_facts(lines: list[str]) -> dict[str, Any]:
    """``docker rmi``: the tags it untagged, and how many images and layers it deleted."""
    return {"untagged": [x for x in lines if x.startswith("Untagged")],
            "deleted": sum(x.startswith("Deleted") for x in lines)}


def inspect_facts(inspected: dict[str, Any]) -> dict[str, Any]:
    """``docker image inspect``: the image's size and how many layers it has."""
    return {"size": inspected["Size"], "layers": len(inspected["RootFS"]["Layers"])}


def volume_facts(inspected: dict[str, Any]) -> dict[str, Any]:
    """``docker volume inspect``: the volume's name and driver (its mount point is a path)."""
    return {"name": anonymous_name(inspected["Name"]), "driver": inspected["Driver"]}


def prune_facts(text: str) -> dict[str, Any]:
    """``docker volume prune``: the volumes it deleted, and the space it says it reclaimed."""
    lines = text.strip().splitlines()
    deleted = sorted(anonymous_name(x) for x in lines if x and not x.startswith(("Deleted Volumes", "Total")))
    return {"deleted": deleted, "reclaimed": [x for x in lines if x.startswith("Total")]}


def df_rows(text: str) -> dict[str, tuple[str, ...]]:
    """``docker system df`` text -> {TYPE: (TOTAL, ACTIVE, SIZE, RECLAIMABLE)}."""
    rows: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines()[1:]:
        cols = re.split(r"\s{2,}", line.strip())
        if len(cols) >= 5:
            rows[cols[0]] = (cols[1], cols[2], cols[3], cols[4])
    return rows


def df_summary_facts(rows: dict[str, tuple[str, ...]], containers: bool) -> dict[str, Any]:
    """From ``system df``'s summary: active and reclaimable images, and (once containers
    were used) the containers' and volumes' rows."""
    facts: dict[str, Any] = {"images_active": rows["Images"][1], "images_reclaimable": rows["Images"][3]}
    if containers:
        facts |= {"containers": rows["Containers"], "volumes": rows["Local Volumes"]}
    return facts


def tree_facts(
    listing: Listing, configs: Any, args: TreeArgs, *, engine: bool,
    tags: Mapping[str, str] | None = None, containers: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], int]:
    """The data root (or containerd's root) under the tree's path, ids renamed, cut at its
    depth; and how many directories were left out (BuildKit's snapshots, on an engine).
    For containerd's root ``tags`` (image id -> tag) and ``containers`` (id -> name) name
    blobs and tasks (:mod:`.normalise_containerd`)."""
    if args.root == CONTAINERD_ROOT:
        named, skipped = normalise_containerd(listing, tags or {}, containers), 0
    else:
        named, skipped = normalise(listing, configs, skip_unreferenced=engine)
    prefix = args.path + "/" if args.path else ""
    below = {p[len(prefix) :]: v for p, v in named.items() if p.startswith(prefix) and p != args.path}
    below = within_depth(below, args.depth)
    return {"tree": {p: v[0] if v[1] is None else f"{v[0]}: {v[1]}" for p, v in below.items()}}, skipped
