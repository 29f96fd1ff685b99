"""Notebook 08 · When the disk fills up: logs beside the layers, rotation, prunes, hidden stores."""

from __future__ import annotations

from typing import Any

from layerlab.i18n import _
from layerlab.model.units import human_size, parse_size

from ..exercise import MultipleChoice
from ..proof import Part, Printed, Proof, Said, expect

__all__ = ["EXERCISES"]


#: The command a learner types for the narrow table the proofs print.
#: A container's folder in the data root, as the proofs show it.
LOG_DIR = "/var/lib/docker/containers/<id>"
PS_SIZES = "$ docker ps -a -s --format 'table {{.Names}}\\t{{.Size}}'"


def _ps_sizes(host: Any) -> str:
    """``docker ps -a -s`` cut to names and sizes, so that it fits the notebook's column."""
    rows = [("NAMES", "SIZE")] + [
        (r["NAMES"], r["SIZE"]) for r in host.ps_rows(all=True, size=True)
    ]
    width = max(len(name) for name, _size in rows)
    return "\n".join([PS_SIZES] + [f"{name:<{width}}   {size}" for name, size in rows])


def _log_split(host: Any) -> list[Part]:
    printer, writer = host.container("printer"), host.container("writer")
    expect(printer.size() == 0, _("printer's container layer should be empty"))
    expect(writer.size() > 0, _("writer's file should be in its container layer"))
    sizes = host.log_sizes("printer")  # the exercise computes its proof when the cell runs
    (log_name,) = sizes
    shown = {r["NAMES"]: r["SIZE"].split(" ")[0] for r in host.ps_rows(all=True, size=True)}
    blocks = ""
    if host.profile.containerd:
        blocks = _(
            " (With the containerd image store `docker ps -s` counts whole 4 KiB blocks: "
            "`printer`'s empty layer shows {size}, the block of its top directory.)",
            size=shown["printer"],
        )
    return [
        Printed(_ps_sizes(host)),
        Said(
            _(
                "`writer` wrote `/var/log/app.log` inside the container: {writer_size} in "
                "its container layer. `printer` printed the same lines: its layer is empty, and Docker's "
                "json-file logging driver wrote them to "
                "`/var/lib/docker/containers/{container}…/{log}…-json.log`, "
                "{log_size} (each line wrapped in JSON with its stream "
                "and time). That file is outside every layer, so `docker ps -s` does not count it.",
                writer_size=shown["writer"],
                container=printer.id[:12],
                log=log_name[:12],
                log_size=human_size(sizes[log_name]),
            )
            + blocks
        ),
    ]


LOG_SPLIT = MultipleChoice(
    "`printer` printed 520 kB of log lines to stdout. `writer` wrote the same 520 kB to "
    "/var/log/app.log inside the container. What does `docker ps -a -s` show in the SIZE column?",
    options=[
        "Both about 520kB: everything a container produces is in its container layer",
        "writer about 520kB, printer next to nothing: printed lines go to a log file outside the layers",
        "printer about 520kB, writer 0B: Docker keeps /var/log out of the container layer",
        "Both 0B: Docker never counts logs",
    ],
    answer=1,
    explanation=(
        "Only a file the application writes inside the container is in its container layer, so "
        "`docker ps -s` counts `writer`'s file. What it prints to stdout and stderr goes to the "
        "logging driver: with the default json-file driver a file in "
        "`/var/lib/docker/containers/<id>/`, outside every layer. `docker ps -s` and "
        "`docker system df` never count it, and by default it has no size limit."
    ),
    hints={
        0: "Printed lines leave the process through stdout. Who catches them: the container's "
        "filesystem, or the Docker daemon?",
        2: "Nothing in Docker treats /var/log specially: it is an ordinary directory of the image.",
        3: "One of the two did write a file. Where do files written inside a container go?",
    },
    misconception="app-logs-in-container-layer",
    id="08-log-split",
    proof=Proof("docker ps -s, and where the printed lines went", _log_split, needs=("host",)),
)


def _rotation(host: Any, printed: int) -> list[Part]:
    lines = host.logs("rotated").splitlines()
    sizes = host.log_sizes("rotated")
    expect(len(sizes) == 2, _("max-file=2 should keep two files"))
    expect(len(lines) < printed // 10, _("docker logs should show only the newest lines"))
    folder = host.container("rotated").id
    listing = "\n".join(
        f"{size:<8}{LOG_DIR}/{name.replace(folder, '<id>')}" for name, size in sorted(sizes.items())
    )
    return [
        Printed(
            f"$ docker logs rotated | wc -l\n{len(lines)}\n$ docker logs rotated | head -1\n{lines[0]}"
        ),
        Printed(f"$ sudo du -ab {LOG_DIR} | grep json.log\n{listing}"),
        Said(
            _(
                "Two files, each at most 100k: `docker logs` shows the last {kept:,} of the "
                "{printed:,} lines. The older ones were deleted when the driver rotated, for good.",
                kept=len(lines),
                printed=printed,
            )
        ),
    ]


ROTATION = MultipleChoice(
    "`rotated` prints 20,000 lines (about 1.9 MB of json-file log) with `--log-opt max-size=100k "
    "--log-opt max-file=2`. What does `docker logs rotated` show?",
    options=[
        "All 20,000 lines: rotation only moves old lines to other files",
        "Only the newest lines, at most 2 × 100 kB of log: older ones are deleted",
        "The first 100 kB of lines: the driver stops writing at max-size",
        "Nothing: the log is over its limit, so the container is stopped",
    ],
    answer=1,
    explanation=(
        "With `max-size` the json-file driver starts a new file when the current one reaches it, and "
        "keeps `max-file` files in all: here two files of at most 100 kB. When a third would be "
        "needed, the oldest is deleted. The container never notices, and `docker logs` can only "
        "show what the kept files hold."
    ),
    hints={
        0: "max-file=2 keeps two files. Where would the other lines be stored?",
        2: "A logging driver that stopped at the limit would lose the newest lines, which you "
        "need most when something goes wrong.",
        3: "Logging limits never stop a container: they only decide how much log is kept.",
    },
    id="08-rotation",
    proof=Proof("docker logs and the log files of rotated", _rotation, needs=("host", "printed")),
)


def _image_prune(pruned: str, host: Any) -> list[Part]:
    expect("untagged: other:1" in pruned, _("image prune -a should remove other:1"))
    total = pruned.rstrip().rpartition("Total reclaimed space: ")[2]
    if host.profile.containerd:
        expect(0 < parse_size(total) < 64_000, _("image prune -a should free only a few kB here"))
        freed = _(
            "only {total} was freed, the image's own index, manifests and config (the containerd "
            "image store): BuildKit's build cache still holds the layer it built",
            total=total,
        )
    else:
        expect(total == "0B", _("image prune -a should free 0B here"))
        freed = _("nothing was freed: BuildKit's build cache still holds the layer it built")
    return [
        Printed("$ docker image prune -a -f\n" + pruned.rstrip()),
        Printed("$ docker system df\n" + host.system_df_text().rstrip()),
        Said(
            _(
                "`other:1` is gone from `docker images`, but {freed}, and alpine's layer is still used "
                "by `app:1`. The dangling old `app:1` stays because stopped containers were made from it. "
                "`docker builder prune` frees the cache.",
                freed=freed,
            )
        ),
    ]


IMAGE_PRUNE = MultipleChoice(
    "`docker image prune -a -f` removes `other:1`, an image you built here and no container uses. "
    "How much does it say it reclaimed?",
    options=[
        "Next to nothing: the build cache still holds the layer it built",
        "All of other:1's SIZE in docker images",
        "Nothing is removed: -a only adds dangling images",
    ],
    answer=0,
    explanation=(
        "A layer is freed only when nothing holds it. With the classic image store and BuildKit the "
        "build cache keeps its own reference to each layer it built, and `other:1`'s base layer is "
        "alpine's, which `app:1` still uses. So the image goes and the disk stays: "
        "`docker builder prune` (or `system prune -a`) frees the cache. With the containerd image "
        "store the prune frees only the image's own index, manifests and config, a few kB; its "
        "layer blobs stay with the build cache too."
    ),
    hints={
        1: "other:1's SIZE is mostly alpine's layer. Which other image still uses that layer?",
        2: "Without -a only dangling images go; -a removes every image no container was made from.",
    },
    id="08-image-prune",
    proof=Proof(
        "docker image prune -a and docker system df", _image_prune, needs=("pruned", "host")
    ),
)


def _volume_prune(pruned: str, host: Any) -> list[Part]:
    listed = host.volume_ls()
    expect("reports" in listed, _("the named volume should be left on Engine 23+"))
    expect(len(listed.splitlines()) == 2, _("only the named volume should be left"))
    return [
        Printed("$ docker volume prune -f\n" + pruned.rstrip()),
        Printed("$ docker volume ls\n" + listed.rstrip()),
        Said(
            _(
                "Only the anonymous volume went. Since Engine 23.0, `volume prune` removes anonymous "
                "volumes only; `docker volume prune -a` also removes unused named ones. Engine 20.10 "
                "removed both kinds."
            )
        ),
    ]


VOLUME_PRUNE = MultipleChoice(
    "On Engine 28 no container uses the named volume `reports` or one anonymous volume. What does "
    "`docker volume ls` list after `docker volume prune -f`?",
    options=[
        "Nothing: both volumes are unused",
        "reports only: a plain volume prune removes anonymous volumes",
        "Both: volume prune removes only volumes of removed containers",
    ],
    answer=1,
    explanation=(
        "Since Engine 23.0 (API 1.42) `docker volume prune` removes only anonymous volumes that no "
        "container uses. Named volumes often hold data you meant to keep, so they go only with "
        "`docker volume prune -a` or `docker volume rm`. On Engine 20.10 a plain prune removed them too."
    ),
    hints={
        0: "That was true up to Engine 20.10. What did Engine 23.0 change to protect named volumes?",
        2: "An anonymous volume is unused as soon as no container mounts it, removed container or not.",
    },
    id="08-volume-prune",
    proof=Proof("docker volume prune on Engine 28", _volume_prune, needs=("pruned", "host")),
)


def _switch(host: Any, notes: list[str]) -> list[Part]:
    hidden = host.hidden()
    expect(not host.images, _("docker images should be empty after the switch"))
    expect(any(h.images for h in hidden), _("the old images should be hidden, not deleted"))
    rows = "\n".join(
        _(
            "- {where}: {images} image(s), {containers} container(s)",
            where=h.where,
            images=h.images,
            containers=h.containers,
        )
        for h in hidden
        if h.images or h.containers
    )
    return [
        Printed("$ docker images\n" + host.images_table().rstrip()),
        Said(_("What the restart says:\n") + "\n".join(f"- {n}" for n in notes)),
        Said(_("Still on disk, not shown by `docker images` or `docker system df`:\n") + rows),
    ]


SWITCH = MultipleChoice(
    'You add `"features": {"containerd-snapshotter": true}` to daemon.json and restart Docker '
    "(Engine 28). What does `docker images` list?",
    options=[
        "The same images: Docker converts them at the restart",
        "Nothing: the old images are hidden, still on disk, until you switch back",
        "Nothing: Docker deletes the old images to free their space",
        "Docker refuses to start while old images exist",
    ],
    answer=1,
    explanation=(
        "Each image store (and each storage driver) keeps its own images, and nothing is migrated. "
        "After the switch the daemon shows only the new store's images: none yet. The old ones are "
        "still on disk, hidden, and no longer counted by `docker system df`. Switch back to see them "
        "again, or move them with `docker save` and `docker load` (or pull them again)."
    ),
    hints={
        0: "Converting every layer would take a long time at start. Does Docker's documentation "
        "promise a migration?",
        2: "Switching back shows them again. Could it, if they had been deleted?",
        3: "The daemon starts: it only looks in a different place for images.",
    },
    id="08-switch-store",
    proof=Proof(
        "docker images after the switch, and what is hidden", _switch, needs=("host", "notes")
    ),
)

EXERCISES = (LOG_SPLIT, ROTATION, IMAGE_PRUNE, VOLUME_PRUNE, SWITCH)
