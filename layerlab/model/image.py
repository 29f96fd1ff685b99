"""An image: ordered layers plus the config that names them.

The image id is the sha256 of the config bytes *as stored*: an image read from an archive
keeps its original bytes, and an image made here serialises its config once, so the id a
real engine computes for the same bytes is the id layerlab shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from layerlab.i18n import _

from .digest import chain_ids, check_digest, image_id
from .errors import ArchiveError, LayerlabError
from .gojson import go_json_bytes
from .layer import Layer
from .tree import Tree

EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class HistoryEntry:
    """One row of ``docker history``: the step that made a layer, or an ``empty_layer`` step."""

    created_by: str = ""
    empty_layer: bool = False
    created: str | None = None
    comment: str | None = None
    author: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HistoryEntry:
        return cls(
            created_by=str(data.get("created_by", "")),
            empty_layer=bool(data.get("empty_layer", False)),
            created=data.get("created"),
            comment=data.get("comment"),
            author=data.get("author"),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.created is not None:
            out["created"] = self.created
        if self.author is not None:
            out["author"] = self.author
        out["created_by"] = self.created_by
        if self.comment is not None:
            out["comment"] = self.comment
        if self.empty_layer:
            out["empty_layer"] = True
        return out


class Image:
    """Layers (bottom first) and the config bytes that list their diff_ids."""

    def __init__(self, layers: Sequence[Layer], config_bytes: bytes) -> None:
        self.layers: tuple[Layer, ...] = tuple(layers)
        #: snapshots the containerd store keeps under the top layer that are none of the
        #: image's layers: a commit's ``-init`` (moby prepares the new snapshot on it)
        self.extra_snapshots: tuple[Layer, ...] = ()
        self.config_bytes = bytes(config_bytes)
        self.config: dict[str, Any] = _parse_config(self.config_bytes)
        listed = self.config["rootfs"]["diff_ids"]
        if len(listed) != len(self.layers):
            raise ArchiveError(_(
                "config lists {listed} diff_ids but the image has {layers} layers",
                listed=len(listed), layers=len(self.layers),
            ))
        for i, (want, layer) in enumerate(zip(listed, self.layers)):
            if layer.diff_id != want:
                raise ArchiveError(_(
                    "layer {i}: config says diff_id {want} but the layer's tar hashes to {got}",
                    i=i, want=want, got=layer.diff_id,
                ))

    @classmethod
    def build(
        cls,
        layers: Sequence[Layer],
        *,
        history: Sequence[HistoryEntry] | None = None,
        env: Sequence[str] = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",),
        cmd: Sequence[str] | None = None,
        entrypoint: Sequence[str] | None = None,
        working_dir: str = "",
        user: str = "",
        labels: Mapping[str, str] | None = None,
        exposed_ports: Sequence[str] = (),
        volumes: Sequence[str] = (),
        architecture: str = "amd64",
        os: str = "linux",
        created: str = EPOCH,
        args_escaped: bool = False,
    ) -> Image:
        """Make an image from layers, writing its config the way BuildKit lays it out
        (``args_escaped``: BuildKit's ``ArgsEscaped: true``, which it writes for CMD)."""
        layers = tuple(layers)
        if history is None:
            history = [HistoryEntry(created_by=f"layer {i}", created=created) for i in range(len(layers))]
        made = sum(not h.empty_layer for h in history)
        if made != len(layers):
            raise LayerlabError(_(
                "history has {made} entries that make a layer but there are {layers} layers",
                made=made, layers=len(layers),
            ))
        run: dict[str, Any] = {}
        if user:
            run["User"] = user
        if exposed_ports:
            run["ExposedPorts"] = {p: {} for p in exposed_ports}
        if env:
            run["Env"] = list(env)
        if entrypoint is not None:
            run["Entrypoint"] = list(entrypoint)
        if cmd is not None:
            run["Cmd"] = list(cmd)
        if volumes:
            run["Volumes"] = {v: {} for v in volumes}
        if working_dir:
            run["WorkingDir"] = working_dir
        if labels:
            run["Labels"] = dict(labels)
        if args_escaped:
            run["ArgsEscaped"] = True
        config = {
            "architecture": architecture,
            "config": run,
            "created": created,
            "history": [h.to_json() for h in history],
            "os": os,
            "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]},
        }
        return cls(layers, go_json_bytes(config))  # as BuildKit writes it: Go's escapes (\u0026 ...)

    # -- identities -------------------------------------------------------------------
    @cached_property
    def image_id(self) -> str:
        """sha256 of the config bytes: the id ``docker images --no-trunc`` shows (classic store)."""
        return image_id(self.config_bytes)

    @property
    def diff_ids(self) -> list[str]:
        return list(self.config["rootfs"]["diff_ids"])

    @cached_property
    def chain_ids(self) -> list[str]:
        return chain_ids(self.diff_ids)

    @cached_property
    def history(self) -> list[HistoryEntry]:
        return [HistoryEntry.from_json(h) for h in self.config.get("history") or []]

    def steps(self) -> list[tuple[HistoryEntry, Layer | None]]:
        """Each history entry with the layer it made (``None`` for an ``empty_layer`` step)."""
        layers = iter(self.layers)
        out = [(h, None if h.empty_layer else next(layers, None)) for h in self.history]
        rest = list(layers)  # configs without history still have their layers shown
        return out + [(HistoryEntry(), layer) for layer in rest]

    # -- contents ---------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Sum of the layers' sizes: what ``docker images`` shows, deleted bytes included."""
        return sum(layer.size for layer in self.layers)

    def rootfs(self) -> Tree:
        """The merged filesystem a container from this image starts with."""
        return Tree.from_layers(self.layers)

    @property
    def env(self) -> list[str]:
        return list((self.config.get("config") or {}).get("Env") or [])

    def __repr__(self) -> str:
        layers = f"{len(self.layers)} layer{'s' * (len(self.layers) != 1)}"
        return f"image {self.image_id[7:19]}: {layers}, {self.size:,} bytes"


def _parse_config(data: bytes) -> dict[str, Any]:
    try:
        config = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ArchiveError(_("image config is not valid JSON: {err}", err=err)) from None
    if not isinstance(config, dict):
        raise ArchiveError(_("image config is not a JSON object"))
    rootfs = config.get("rootfs")
    if isinstance(rootfs, dict) and rootfs.get("diff_ids", ...) is None:  # no layer: BuildKit writes null
        rootfs["diff_ids"] = []
    if not isinstance(rootfs, dict) or not isinstance(rootfs.get("diff_ids"), list):
        raise ArchiveError(_("image config has no rootfs.diff_ids list"))
    if rootfs.get("type") != "layers":
        raise ArchiveError(_("image config rootfs.type is {type!r}, expected 'layers'", type=rootfs.get("type")))
    for diff_id in rootfs["diff_ids"]:
        try:
            check_digest(diff_id)
        except LayerlabError as err:
            raise ArchiveError(_("image config: {err}", err=err)) from None
    history = config.get("history")
    if history is not None and not (
        isinstance(history, list) and all(isinstance(h, dict) for h in history)
    ):
        raise ArchiveError(_("image config history is not a list of objects"))
    return config
