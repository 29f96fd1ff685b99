"""The daemon's volumes: ``docker volume create / ls / inspect / rm / prune``.

Which containers use a volume is the containers' to say (:meth:`ContainerStore.using_volume
<layerlab.engine.containers.ContainerStore.using_volume>`); the verbs that care take it as
an argument.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from layerlab.model.container import Container
from layerlab.model.units import human_size
from layerlab.model.volume import Volume

from .errors import HostError
from .names import NameSource


class VolumeStore:
    """Volumes by name (``by_name``); anonymous ones are named from the host's ``names``."""

    def __init__(self, names: NameSource) -> None:
        self.by_name: dict[str, Volume] = {}
        self._names = names

    def create(self, name: str | None = None, *, anonymous: bool = False) -> Volume:
        """``docker volume create [NAME]``: creating an existing name returns it (as docker does);
        no name: a random 64-hex one."""
        if name is None:
            name = self._names.hex_id()
        if name not in self.by_name:
            self.by_name[name] = Volume(name, anonymous=anonymous)
        return self.by_name[name]

    def get(self, name: str) -> Volume:
        if name not in self.by_name:
            raise HostError(f"Error: No such volume: {name}")
        return self.by_name[name]

    def sorted(self) -> list[Volume]:
        """By name, as ``docker volume ls`` and ``prune`` list them."""
        return sorted(self.by_name.values(), key=lambda v: v.name)

    def inspect(self, name: str) -> dict[str, Any]:
        return self.get(name).inspect()

    def rm(self, name: str, *, force: bool = False, users: Sequence[Container] = ()) -> str:
        """``docker volume rm``: refused while a container (running or not) uses it."""
        self.get(name)
        if users and not force:
            raise HostError(f"Error response from daemon: remove {name}: volume is in use - [{users[0].id}]")
        del self.by_name[name]
        return name

    def discard_anonymous(self, volumes: Sequence[Volume], in_use: Collection[str]) -> None:
        """``docker rm -v``: the container's anonymous volumes no other container uses go."""
        for volume in volumes:
            if volume.anonymous and volume.name not in in_use:
                self.by_name.pop(volume.name, None)

    def prune(self, in_use: Collection[str]) -> str:
        """``docker volume prune -f`` on Engine 20.10: every volume no container uses,
        named ones too (Engine 23+ prunes only anonymous volumes unless ``--all``)."""
        gone = [v for v in self.sorted() if v.name not in in_use]
        reclaimed = sum(v.size() for v in gone)
        for v in gone:
            del self.by_name[v.name]
        lines = ["Deleted Volumes:", *[v.name for v in gone], ""] if gone else []
        return "\n".join([*lines, f"Total reclaimed space: {human_size(reclaimed, 4)}"])
