"""What the docker CLI prints, character for character: tables, ``ps``, ``history``,
``images``, ``volume ls``, ``system df [-v]``, ``builder prune`` and ``info``.

Rows are dicts of column -> cell (what a notebook can also show as a table); :func:`table`
sets them as the CLI's tabwriter does. Times: an image or container made here was created
"Less than a second ago" (no time passes in the model; :mod:`.times`). Sizes are the
image store's (:mod:`.sizes`); what differs between engines comes from the host's
:class:`~.profile.EngineProfile`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from layerlab.model.digest import short_id
from layerlab.model.image import Image
from layerlab.model.reference import split_tag
from layerlab.model.units import human_size
from layerlab.model.volume import Volume

from .images import ImageRecord, ImageStore
from .processes import HostContainer
from .profile import EngineProfile
from .sizes import container_size, container_virtual_size, image_size, layer_size
from .storage import HostStorage
from .times import NOW, created_ago
from .usage import SystemDf, Usage

PS_COLUMNS = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
HISTORY_COLUMNS = ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"]
IMAGES_COLUMNS = ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]
IMAGES_DIGEST_COLUMNS = ["REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"]
#: ``docker info``'s overlay2 block; Engine 28 adds ``Using metacopy`` after d_type
_OVERLAY2_STATUS = (" Supports d_type: true", " Native Overlay Diff: true", " userxattr: false")
_TAB = "\t"


def table(rows: Sequence[dict[str, str]], columns: Sequence[str]) -> str:
    """Columns as the docker CLI's tabwriter sets them: each cell padded by 3 spaces, every
    column but the last at least 10 wide (``tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)``)."""
    widths = {c: max(10, 3 + max([len(c)] + [len(r.get(c, "")) for r in rows])) for c in columns}

    def line(cells: list[str]) -> str:
        padded = [cell.ljust(widths[c]) for c, cell in zip(columns[:-1], cells[:-1])]
        return ("".join(padded) + cells[-1]).rstrip()

    return "\n".join([line(list(columns))] + [line([r.get(c, "") for c in columns]) for r in rows])


def cut(text: str, width: int) -> str:
    """The CLI's ellipsis: text longer than ``width`` keeps ``width - 1`` characters and ``…``."""
    return text if len(text) <= width else text[: width - 1] + "\u2026"


# -- docker ps ----------------------------------------------------------------------------------
def ps_command(argv: Sequence[str]) -> str:
    """The COMMAND column: args with spaces in single quotes, cut to 20 characters, quoted."""
    text = " ".join(f"'{a}'" if " " in a else a for a in argv)
    return json.dumps(cut(text, 20), ensure_ascii=False)


def ps_rows(containers: Iterable[HostContainer], *, all: bool = False, size: bool = False,  # noqa: A002
            containerd: bool = False, image_id_of: Callable[[str], str | None] | None = None) -> list[dict[str, str]]:
    """``docker ps [-a] [-s]`` rows, newest first; SIZE is ``RW (virtual image + RW)``, in
    file bytes (classic store) or snapshot blocks (containerd store: :mod:`.sizes`). IMAGE is
    the name the container was made with, or its image's short id once ``image_id_of`` says
    that name now names another image or none (a rebuilt tag), as the daemon does."""
    rows = []
    for c in sorted(containers, key=lambda c: -c.created):
        if not all and not c.running:
            continue
        status = "Up Less than a second" if c.running else f"Exited ({c.exit_code}) {NOW}"
        moved = image_id_of is not None and image_id_of(c.image_ref) != c.image_id
        row = {"CONTAINER ID": c.id[:12], "IMAGE": short_id(c.image_id) if moved else c.image_ref,
               "COMMAND": ps_command(c.command),
               "CREATED": NOW, "STATUS": status, "PORTS": "", "NAMES": c.name}
        if size:
            row["SIZE"] = (f"{human_size(container_size(c, containerd))} "
                           f"(virtual {human_size(container_virtual_size(c, containerd))})")
        rows.append(row)
    return rows


def ps_table(rows: Sequence[dict[str, str]], *, size: bool = False) -> str:
    return table(rows, PS_COLUMNS + (["SIZE"] if size else []))


# -- images -------------------------------------------------------------------------------------
def history_rows(image: Image, image_id: str, now: datetime, *, containerd: bool = False) -> list[dict[str, str]]:
    """``docker history``: newest first; only the top row names an image (BuildKit builds).
    A layer's SIZE is its files' bytes, or its snapshot's blocks with the containerd store;
    CREATED is the row's own time (a step built here has none: less than a second ago)."""
    rows = []
    for n, (step, layer) in enumerate(reversed(image.steps())):
        rows.append({
            "IMAGE": short_id(image_id) if n == 0 else "<missing>",
            "CREATED": created_ago(step.created or "", now, made_here=step.created is None),
            "CREATED BY": step.created_by,
            "SIZE": human_size(layer_size(layer, containerd)),
            "COMMENT": step.comment or "",
        })
    return rows


def history_table(rows: Sequence[dict[str, str]], *, no_trunc: bool = False, full_id: str = "") -> str:
    """``docker history [--no-trunc]``: CREATED BY cut to 45 characters unless ``no_trunc``
    (which also shows the top row's full id, ``full_id``)."""
    if not no_trunc:
        rows = [{**row, "CREATED BY": cut(row["CREATED BY"], 45)} for row in rows]
    elif full_id and rows:
        rows = [{**rows[0], "IMAGE": full_id}, *rows[1:]]
    return table(rows, HISTORY_COLUMNS)


def image_rows(store: ImageStore, created: Callable[[ImageRecord], str], *, digests: bool = False,
               no_trunc: bool = False) -> list[dict[str, str]]:
    """``docker images``: newest first, one row per tag (``<none>`` for an untagged image).
    DIGEST (``--digests``): ``<none>`` in the classic store for an image built or loaded
    here; the image id itself in the containerd store (what its name points to)."""
    rows = []
    for image_id, record in store.newest_first():
        for tag in store.tags_of(image_id) or ["<none>:<none>"]:
            repository, name = split_tag(tag)
            row = {"REPOSITORY": repository, "TAG": name, "IMAGE ID": image_id if no_trunc else short_id(image_id),
                   "CREATED": created(record), "SIZE": human_size(image_size(record))}
            if digests:
                row["DIGEST"] = image_id if record.target is not None and tag != "<none>:<none>" else "<none>"
            rows.append(row)
    return rows


def images_table(rows: Sequence[dict[str, str]], *, digests: bool = False) -> str:
    return table(rows, IMAGES_DIGEST_COLUMNS if digests else IMAGES_COLUMNS)


def volume_table(volumes: Iterable[Volume]) -> str:
    """``docker volume ls``, by name."""
    rows = [{"DRIVER": v.driver, "VOLUME NAME": v.name} for v in sorted(volumes, key=lambda v: v.name)]
    return table(rows, ["DRIVER", "VOLUME NAME"])


# -- docker system df ---------------------------------------------------------------------------
def reclaimable(usage: Usage) -> str:
    """The RECLAIMABLE column: ``size (percent%)`` once there is anything at all."""
    if usage.size > 0:
        return f"{human_size(usage.reclaimable, 4)} ({usage.reclaimable * 100 // usage.size}%)"
    return human_size(usage.reclaimable, 4)


def system_df_table(df: SystemDf) -> str:
    """``docker system df`` (docker/cli formatter/disk_usage.go; the same on 20.10 and 28)."""
    rows = [_df_row("Images", df.images), _df_row("Containers", df.containers),
            _df_row("Local Volumes", df.volumes),
            {**_df_row("Build Cache", df.build_cache), "ACTIVE": "0",
             "RECLAIMABLE": human_size(df.build_cache.reclaimable, 4)}]
    return table(rows, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"])


def _df_row(kind: str, usage: Usage) -> dict[str, str]:
    return {"TYPE": kind, "TOTAL": str(usage.total), "ACTIVE": str(usage.active),
            "SIZE": human_size(usage.size, 4), "RECLAIMABLE": reclaimable(usage)}


def system_df_verbose(df: SystemDf, store: ImageStore, containers: Sequence[HostContainer],
                      volumes: Iterable[Volume], profile: EngineProfile,
                      created_text: Callable[[ImageRecord], str] = lambda record: NOW) -> str:
    """``docker system df -v``: images, containers, volumes and the build cache, each a table.
    An image's SIZE has 4 significant digits on 20.10, 3 on 28 (``2.102MB`` / ``2.1MB``)."""
    created = {image_id: record.created for image_id, record in store.records.items()}
    image_rows = []
    for item in sorted(df.per_image, key=lambda i: -created[i.image_id]):
        for tag in item.tags[:1] or ["<none>:<none>"]:  # the CLI shows the first tag only
            repository, name = split_tag(tag)
            image_rows.append({"REPOSITORY": repository, "TAG": name, "IMAGE ID": short_id(item.image_id),
                               "CREATED": created_text(store.records[item.image_id]),
                               "SIZE": human_size(item.size, profile.df_image_digits),
                               "SHARED SIZE": human_size(item.shared, 4), "UNIQUE SIZE": human_size(item.unique, 4),
                               "CONTAINERS": str(item.containers)})
    newest = sorted(containers, key=lambda c: -c.created)
    container_rows = [{**row, "LOCAL VOLUMES": str(sum(1 for m in c.mounts if m.type == "volume")),
                       "SIZE": human_size(container_size(c, profile.containerd))}
                      for row, c in zip(ps_rows(newest, all=True), newest)]
    links = Counter(v.name for c in containers for v in {v.name: v for v in c.volumes}.values())
    volume_rows = [{"VOLUME NAME": v.name, "LINKS": str(links[v.name]), "SIZE": human_size(v.size(), 4)}
                   for v in sorted(volumes, key=lambda v: v.name)]
    return "\n".join([
        "Images space usage:", "",
        table(image_rows, ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE",
                           "CONTAINERS"]),
        "", "Containers space usage:", "",
        table(container_rows, ["CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS",
                               "NAMES"]),
        "", "Local Volumes space usage:", "",
        table(volume_rows, ["VOLUME NAME", "LINKS", "SIZE"]),
        "", f"Build cache usage: {human_size(df.build_cache.size, 4)}", "",
        table([], ["CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED"]),
    ])


# -- docker builder prune -------------------------------------------------------------------------
def builder_prune(records: Sequence[tuple[str, int]], *, as_table: bool) -> str:
    """``docker builder prune -af``: the 20.10 CLI lists the ids it deleted, the 28 CLI prints
    a tab-separated table; both end with the total (``records``: (id, bytes) each)."""
    total = human_size(sum(size for _, size in records), 4)
    if as_table:  # the first row has one tab more after "true" (as the 28 CLI prints it)
        lines = ["ID\t\t\t\t\t\tRECLAIMABLE\tSIZE\t\tLAST ACCESSED"]
        lines += [f"{rid:<40}\ttrue \t{_TAB if n == 0 else ''}{human_size(size, 4):<10}\t{NOW}"
                  for n, (rid, size) in enumerate(records)]
        return "\n".join([*lines, f"Total:\t{total}"])
    if not records:
        return "Total reclaimed space: 0B"
    return "\n".join(["Deleted build cache objects:", *(rid for rid, _ in records), "",
                      f"Total reclaimed space: {total}"])


# -- docker info --------------------------------------------------------------------------------
def docker_info(containers: Sequence[HostContainer], images: int, storage: HostStorage, layers: int,
                profile: EngineProfile, root: str = "/var/lib/docker") -> list[str]:
    """``docker info``'s counts, storage driver lines and root dir, then its warnings."""
    running = sum(c.running for c in containers)
    return [f"Containers: {len(containers)}", f" Running: {running}", " Paused: 0",
            f" Stopped: {len(containers) - running}", f"Images: {images}",
            *storage_lines(storage, profile, root, layers=layers, containers=len(containers)),
            f"Docker Root Dir: {root}", *storage.warnings]


def storage_lines(storage: HostStorage, profile: EngineProfile, root: str, *, layers: int = 0,
                  containers: int = 0) -> list[str]:
    """The storage block: the containerd store names its snapshotter and driver-type only;
    Engine 28's overlay2 block adds ``Using metacopy: false``."""
    if profile.containerd:
        return [f"Storage Driver: {profile.storage_driver}", " driver-type: io.containerd.snapshotter.v1"]
    lines = storage.info_lines(root, layers=layers, containers=containers)
    if profile.metacopy_line and storage.name == "overlay2":
        at = lines.index(_OVERLAY2_STATUS[0]) + 1
        lines = [*lines[:at], f" Using metacopy: {str(storage.kernel.metacopy).lower()}", *lines[at:]]
    return lines
