"""Notebook 06 · Volumes: populating an empty volume, and what survives ``docker rm``."""

from __future__ import annotations

from typing import Any

from layerlab.i18n import _

from ..exercise import MultipleChoice, ShortAnswer
from ..proof import Part, Printed, Proof, Said, expect

__all__ = ["EXERCISES"]


def _populate(container: Any, host: Any) -> list[Part]:
    listed = container.listdir("/var/log/app")
    volume = host.volumes["logs"]
    expect(listed == ["app.log"], _("the new volume should have been populated with app.log"))
    return [
        Printed("$ ls /var/log/app\n" + "\n".join(listed)),
        Said(
            _(
                "The volume `logs` holds `app.log`, {size:,} bytes: the image's log, which "
                "Docker copied in when it created the volume. From now on the file lives in the volume.",
                size=volume.size(),
            )
        ),
    ]


POPULATE = MultipleChoice(
    "An empty new named volume is mounted at /var/log/app, where the image has app.log. "
    "What does `ls /var/log/app` show in the container?",
    options=[
        "Nothing: the empty volume hides the image's files",
        "app.log: Docker copies the image's content into the empty volume first",
        "app.log, read from the image layer through the volume",
    ],
    answer=1,
    explanation=(
        "When an empty volume is mounted over a directory that has content in the image, Docker copies "
        "that content into the volume once, unless you ask for `volume-nocopy` (bind mounts are never "
        "populated). From then on the file "
        "lives in the volume: the image layer is not involved."
    ),
    hints={
        0: "That is what a bind mount of an empty host directory does. Is a new named volume left empty?",
        2: "The mount covers the path: can the lookup still reach the image layer below it?",
    },
    id="06-populate",
    proof=Proof("The volume in the container", _populate, needs=("container", "host")),
)


def _rm_v(host: Any, bind: Any) -> list[Part]:
    listed = host.volume_ls()
    expect(
        "logs" in listed and len(listed.splitlines()) == 2,
        _("only the named volume should be left"),
    )
    page = bind.read("/index.html").read().decode()
    return [
        Printed(listed),
        Said(
            _(
                "`logs` is left; the anonymous volume is gone. The bind-mounted host directory is "
                "untouched: `/srv/site/index.html` still holds `{page}`. The tmpfs lived in "
                "memory (the kernel may swap it out to disk) and was gone when the container stopped.",
                page=page.strip(),
            )
        ),
    ]


RM_V = MultipleChoice(
    "You stop `web` and run `docker rm -v web`. Which of its volumes are left in `docker volume ls`?",
    options=[
        "None: -v removes the container's volumes",
        "logs only: -v removes anonymous volumes, named ones stay",
        "Both: volumes are only removed by docker volume rm",
    ],
    answer=1,
    explanation=(
        "`-v` removes the container's anonymous volumes (the 64-hex ones). Named volumes outlive every "
        "container: only `docker volume rm`, or `docker volume prune --all` (since Engine 23.0 a plain "
        "`volume prune` removes only anonymous volumes), remove them. Here `logs` is also still used by "
        "`hider`. The bind mount's host directory is never touched, and the tmpfs lived in memory (the "
        "kernel may swap it out to disk) and was gone when the container stopped."
    ),
    hints={
        0: "Would you want `docker rm -v` to delete a database volume that you named?",
        2: "-v does remove some volumes: which kind has no name you could use to find it again?",
    },
    misconception="rm-v-removes-all-volumes",
    id="06-rm-v",
    proof=Proof("docker volume ls after docker rm -v web", _rm_v, needs=("host", "bind")),
)


def _rm_no_v(host: Any) -> list[Part]:
    listed = host.volume_ls()
    expect(len(listed.splitlines()) == 3, _("docker volume ls should list two volumes"))
    return [
        Printed(listed),
        Said(
            _(
                "`logs` and the new anonymous volume: without `-v`, `docker rm` leaves every volume "
                "behind."
            )
        ),
    ]


RM_NO_V = ShortAnswer(
    "A new container runs with `-v /cache` and is removed with plain `docker rm` (no -v). "
    "How many volumes does `docker volume ls` list afterwards? (a number; `logs` is the only other one)",
    answer=2,
    explanation=(
        "Without -v, `docker rm` leaves even anonymous volumes behind: `logs` and the new anonymous one. "
        "Such orphans pile up; `docker volume prune` removes unused volumes (on Engine 23+ only "
        "anonymous ones unless you add --all; a client older than 23.0 still removes named ones too)."
    ),
    hint="Plain `docker rm` removes the container: does it touch any of its volumes?",
    id="06-rm-no-v",
    proof=Proof("docker volume ls after plain docker rm", _rm_no_v, needs=("host",)),
)

EXERCISES = (POPULATE, RM_V, RM_NO_V)
