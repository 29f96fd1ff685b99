"""What the docker CLI prints, character for character: tables, ``ps``, ``history``,
``images``, ``volume ls``, ``system df [-v]`` and ``info``.

Rows are dicts of column -> cell (what a notebook can also show as a table); :func:`table`
sets them as the CLI's tabwriter does. Times are "Less than a second ago": no time passes
in the model.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence

from layerlab.model.container import Container
from layerlab.model.digest import short_id
from layerlab.model.image import Image
from layerlab.model.reference import split_tag
from layerlab.model.units import human_size
from layerlab.model.volume import Volume

from .images import ImageStore
from .storage import HostStorage
from .usage import SystemDf, Usage

NOW = "Less than a second ago"
PS_COLUMNS = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
HISTORY_COLUMNS = ["IMAGE", "CREATED BY", "SIZE", "COMMENT"]
IMAGES_COLUMNS = ["REPOSITORY", "TAG", "IMAGE ID", "SIZE"]


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


def ps_rows(containers: Iterable[Container], *, all: bool = False, size: bool = False) -> list[dict[str, str]]:  # noqa: A002
    """``docker ps [-a] [-s]`` rows, newest first; SIZE is ``RW bytes (virtual image + RW bytes)``."""
    rows = []
    for c in sorted(containers, key=lambda c: -c.created):
        if not all and not c.running:
            continue
        status = "Up Less than a second" if c.running else f"Exited ({c.exit_code}) {NOW}"
        row = {"CONTAINER ID": c.id[:12], "IMAGE": c.image_ref, "COMMAND": ps_command(c.command),
               "CREATED": NOW, "STATUS": status, "PORTS": "", "NAMES": c.name}
        if size:
            row["SIZE"] = f"{human_size(c.size())} (virtual {human_size(c.virtual_size())})"
        rows.append(row)
    return rows


def ps_table(rows: Sequence[dict[str, str]], *, size: bool = False) -> str:
    return table(rows, PS_COLUMNS + (["SIZE"] if size else []))


# -- images -------------------------------------------------------------------------------------
def history_rows(image: Image) -> list[dict[str, str]]:
    """``docker history``: newest first; only the top row names an image (BuildKit builds)."""
    rows = []
    for n, (step, layer) in enumerate(reversed(image.steps())):
        rows.append({
            "IMAGE": short_id(image.image_id) if n == 0 else "<missing>",
            "CREATED BY": step.created_by,
            "SIZE": human_size(layer.size if layer else 0),
            "COMMENT": step.comment or "",
        })
    return rows


def history_table(rows: Sequence[dict[str, str]], *, no_trunc: bool = False) -> str:
    """``docker history [--no-trunc]``: CREATED BY cut to 45 characters unless ``no_trunc``."""
    if not no_trunc:
        rows = [{**row, "CREATED BY": cut(row["CREATED BY"], 45)} for row in rows]
    return table(rows, HISTORY_COLUMNS)


def image_rows(store: ImageStore) -> list[dict[str, str]]:
    """``docker images``: newest first, one row per tag (``<none>`` for an untagged image)."""
    rows = []
    for image_id, record in store.newest_first():
        for tag in store.tags_of(image_id) or ["<none>:<none>"]:
            repository, name = split_tag(tag)
            rows.append({"REPOSITORY": repository, "TAG": name, "IMAGE ID": short_id(image_id),
                         "SIZE": human_size(record.image.size)})
    return rows


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
    """``docker system df`` as the 20.10 CLI lays it out (docker/cli formatter/disk_usage.go)."""
    rows = [_df_row("Images", df.images), _df_row("Containers", df.containers),
            _df_row("Local Volumes", df.volumes),
            {**_df_row("Build Cache", df.build_cache), "ACTIVE": "0",
             "RECLAIMABLE": human_size(df.build_cache.reclaimable, 4)}]
    return table(rows, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"])


def _df_row(kind: str, usage: Usage) -> dict[str, str]:
    return {"TYPE": kind, "TOTAL": str(usage.total), "ACTIVE": str(usage.active),
            "SIZE": human_size(usage.size, 4), "RECLAIMABLE": reclaimable(usage)}


def system_df_verbose(df: SystemDf, store: ImageStore, containers: Sequence[Container],
                      volumes: Iterable[Volume]) -> str:
    """``docker system df -v``: images, containers, volumes and the build cache, each a table."""
    created = {image_id: record.created for image_id, record in store.records.items()}
    image_rows = []
    for item in sorted(df.per_image, key=lambda i: -created[i.image_id]):
        for tag in item.tags[:1] or ["<none>:<none>"]:  # the CLI shows the first tag only
            repository, name = split_tag(tag)
            image_rows.append({"REPOSITORY": repository, "TAG": name, "IMAGE ID": short_id(item.image_id),
                               "CREATED": NOW, "SIZE": human_size(item.size, 4),
                               "SHARED SIZE": human_size(item.shared, 4), "UNIQUE SIZE": human_size(item.unique, 4),
                               "CONTAINERS": str(item.containers)})
    newest = sorted(containers, key=lambda c: -c.created)
    container_rows = [{**row, "LOCAL VOLUMES": str(sum(1 for m in c.mounts if m.type == "volume")),
                       "SIZE": human_size(c.size())}
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


# -- docker info --------------------------------------------------------------------------------
def docker_info(containers: Sequence[Container], images: int, storage: HostStorage, layers: int,
                root: str = "/var/lib/docker") -> list[str]:
    """``docker info``'s counts, storage driver lines and root dir, then its warnings."""
    running = sum(c.running for c in containers)
    return [f"Containers: {len(containers)}", f" Running: {running}", " Paused: 0",
            f" Stopped: {len(containers) - running}", f"Images: {images}",
            *storage.info_lines(root, layers=layers, containers=len(containers)),
            f"Docker Root Dir: {root}", *storage.warnings]
