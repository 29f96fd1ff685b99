"""A scenario's lines: ``docker ...`` commands, and ``tree /var/lib/docker`` views.

A scenario is a text file of docker lines (``#`` comments, paths relative to the file's
folder); a ``%%docker`` cell is the same. Lines are checked before anything runs:
:func:`parse_scenario` refuses what is not a docker line, :func:`split_verb` a docker verb
layerlab does not model.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from layerlab.model.errors import LayerlabError

__all__ = [
    "CONTAINERD_ROOT",
    "CONTAINER_VERBS",
    "DATA_ROOT",
    "SUPPORTED",
    "Command",
    "ScenarioError",
    "parse_scenario",
    "split_verb",
]

#: Where an engine keeps its images, layers and containers; ``tree`` lines look below it.
DATA_ROOT = "/var/lib/docker"
#: Where containerd keeps what the containerd image store holds (content, snapshots); ``tree``
#: lines may look below it too.
CONTAINERD_ROOT = "/var/lib/containerd"

#: The docker verbs a line may use (``tree`` is not docker's, and is not listed).
SUPPORTED = ("build", "tag", "rmi", "image rm", "history", "image inspect", "images", "image ls",
             "system df", "save", "load",
             "run", "exec", "diff", "ps", "container ls", "stop", "rm", "container rm", "commit",
             "volume create", "volume ls", "volume inspect", "volume rm", "volume prune",
             "logs", "container prune", "image prune", "builder prune", "system prune")

#: The verbs that make, change or read containers and volumes: after one of them, ``system
#: df`` compares the containers' and volumes' rows too.
CONTAINER_VERBS = ("run", "exec", "diff", "ps", "container ls", "stop", "rm", "container rm", "commit",
                   "volume create", "volume ls", "volume inspect", "volume rm", "volume prune",
                   "logs", "container prune", "system prune")


class ScenarioError(LayerlabError):
    """A scenario line that is not a supported docker command."""


@dataclass
class Command:
    """One line: its number in the file, its text, and its words after ``docker``."""

    number: int
    text: str
    argv: list[str]

    @property
    def verb(self) -> str:
        """``build``, ``image rm``, ``tree``... (:class:`ScenarioError` when not supported)."""
        return split_verb(self.argv)[0]

    @property
    def args(self) -> list[str]:
        """The words after the verb."""
        return split_verb(self.argv)[1]


def split_verb(argv: list[str]) -> tuple[str, list[str]]:
    """(verb, the words after it); two-word verbs such as ``system df`` are one verb."""
    if argv[:1] == ["tree"]:
        return "tree", argv[1:]
    if len(argv) >= 2 and f"{argv[0]} {argv[1]}" in SUPPORTED:
        return f"{argv[0]} {argv[1]}", argv[2:]
    if argv and argv[0] in SUPPORTED:
        return argv[0], argv[1:]
    raise ScenarioError(
        f"unsupported docker command {' '.join(argv[:2])!r} (supported: {', '.join('docker ' + s for s in SUPPORTED)})"
    )


def parse_scenario(text: str) -> list[Command]:
    """The docker lines of ``text``, blank lines and ``#`` comments left out."""
    commands = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            argv = shlex.split(line, comments=True)
        except ValueError as err:
            raise ScenarioError(f"line {number}: {err}") from None
        if argv and argv[0] == "tree":
            commands.append(Command(number, line, argv))
            continue
        if not argv or argv[0] != "docker" or argv[1:2] == ["tree"]:
            raise ScenarioError(
                f"line {number}: scenario lines are docker commands or 'tree {DATA_ROOT} [-L N]' "
                f"(or {CONTAINERD_ROOT}), got {line!r}"
            )
        commands.append(Command(number, line, argv[1:]))
    return commands
