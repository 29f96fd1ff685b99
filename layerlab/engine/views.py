"""What the docker CLI prints about a host: ``ps``, ``history``, ``images``, ``volume ls``, ``info``.

:class:`PrintedViews` is the part of :class:`~.host.Host` that only reads: each method asks
:mod:`.cli_text` to lay out the host's state as the engine it plays prints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from layerlab.model.volume import Volume

from . import cli_text
from .images import ImageRecord, ImageStore
from .processes import HostContainer
from .profile import EngineProfile
from .storage import HostStorage
from .times import created_ago
from .usage import layer_usage


class PrintedViews:
    """The docker CLI's read-only views, for a host that has these attributes."""

    profile: EngineProfile
    storage: HostStorage
    image_store: ImageStore
    now: datetime

    @property
    def containers(self) -> Mapping[str, HostContainer]:
        raise NotImplementedError

    @property
    def volumes(self) -> Mapping[str, Volume]:
        raise NotImplementedError

    def ps_rows(self, *, all: bool = False, size: bool = False) -> list[dict[str, str]]:  # noqa: A002
        def image_id_of(ref: str) -> str | None:
            record = self.image_store.record(ref)
            return None if record is None else record.image_id

        return cli_text.ps_rows(self.containers.values(), all=all, size=size, containerd=self.profile.containerd,
                                image_id_of=image_id_of)

    def ps(self, *, all: bool = False, size: bool = False) -> str:  # noqa: A002
        """``docker ps [-a] [-s]``; SIZE is ``RW (virtual image + RW)`` as this engine counts it."""
        return cli_text.ps_table(self.ps_rows(all=all, size=size), size=size)

    def history_rows(self, ref: str) -> list[dict[str, str]]:
        """``docker history``: newest first; only the top row names an image (BuildKit builds)."""
        record = self.image_store.daemon_record(ref)
        return cli_text.history_rows(record.image, record.image_id, self.now, containerd=self.profile.containerd)

    def history(self, ref: str, *, no_trunc: bool = False) -> str:
        """``docker history [--no-trunc]``."""
        full = self.image_store.daemon_record(ref).image_id
        return cli_text.history_table(self.history_rows(ref), no_trunc=no_trunc, full_id=full)

    def created_text(self, record: ImageRecord) -> str:
        """An image's CREATED cell (:mod:`.times`)."""
        return created_ago(str(record.image.config.get("created") or ""), self.now, made_here=record.made_here)

    def image_rows(self, *, digests: bool = False, no_trunc: bool = False) -> list[dict[str, str]]:
        return cli_text.image_rows(self.image_store, self.created_text, digests=digests, no_trunc=no_trunc)

    def images_table(self, *, digests: bool = False, no_trunc: bool = False) -> str:
        """``docker images [--digests] [--no-trunc]``."""
        return cli_text.images_table(self.image_rows(digests=digests, no_trunc=no_trunc), digests=digests)

    def volume_ls(self) -> str:
        return cli_text.volume_table(self.volumes.values())

    def docker_info_lines(self, root: str = "/var/lib/docker") -> list[str]:
        """``docker info``'s counts, storage driver lines and root dir, then its warnings."""
        return cli_text.docker_info(list(self.containers.values()), len(self.image_store.records), self.storage,
                                    len(layer_usage(self.image_store.images())), self.profile, root)
