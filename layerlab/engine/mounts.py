"""``docker run``'s ``-v`` and ``--mount`` flags, and the storage behind each mount.

``-v name:/path`` is a named volume, ``-v /path`` an anonymous one, ``-v /host:/path`` a
bind mount of a host directory (``:ro`` makes any of them read-only); ``--mount`` says the
same in ``type=...,source=...,target=...`` fields and adds ``tmpfs``. An image's
``VOLUME`` paths no flag covers get anonymous volumes. Host directories for bind mounts
are Overlays with no layers, kept by the host by path (:func:`host_dir`): ``-v`` makes a
missing one (empty, as dockerd does), ``--mount type=bind`` refuses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from layerlab.i18n import _
from layerlab.model.container import Mount
from layerlab.model.fs import normalize_path
from layerlab.model.overlay import Overlay

from .errors import HostError
from .volumes import VolumeStore

#: ``-v`` options after the target: only ``ro`` changes what the model does.
_V_OPTIONS = ("ro", "rw", "z", "Z", "nocopy")


@dataclass(frozen=True)
class MountSpec:
    """One mount as the flags ask for it, before any storage exists."""

    type: str  # volume, bind or tmpfs
    source: str  # volume name ("" for anonymous), host path, or ""
    target: str
    read_only: bool = False
    #: ``--mount type=bind`` needs its source to exist; ``-v`` makes a missing one
    must_exist: bool = False


def parse_volume_flag(spec: str) -> MountSpec:
    """``-v [SOURCE:]TARGET[:OPTIONS]``: a source starting with ``/`` is a bind mount."""
    parts = spec.split(":")
    read_only = len(parts) > 1 and parts[-1] in _V_OPTIONS and parts.pop() == "ro"
    if len(parts) == 1:
        return MountSpec("volume", "", parts[0], read_only)
    source, target = parts[0], parts[1]
    return MountSpec("bind" if source.startswith("/") else "volume", source, target, read_only)


def parse_mount_flag(spec: str | Mapping[str, Any]) -> MountSpec:
    """``--mount type=...,source=...,target=...[,readonly]`` (or the same fields as a dict)."""
    if isinstance(spec, str):
        fields: dict[str, Any] = {}
        for item in spec.split(","):
            key, eq, value = item.partition("=")
            fields[key] = value if eq else True
    else:
        fields = dict(spec)
    kind = fields.get("type", "volume")
    source = fields.get("source") or fields.get("src") or ""
    target = fields.get("target") or fields.get("destination") or fields.get("dst") or ""
    read_only = fields.get("readonly", fields.get("ro", False)) not in (False, "false", "0")
    return MountSpec(kind, source, target, read_only, must_exist=kind == "bind")


def mount_specs(volumes: Iterable[str], mounts: Iterable[str | Mapping[str, Any]],
                image_volumes: Iterable[str]) -> list[MountSpec]:
    """Every mount of a new container: the flags' in order, then an anonymous volume for
    each of the image's ``VOLUME`` paths no flag mounts."""
    specs = [parse_volume_flag(v) for v in volumes] + [parse_mount_flag(m) for m in mounts]
    targets = {normalize_path(s.target) for s in specs}
    specs += [MountSpec("volume", "", path) for path in image_volumes if normalize_path(path) not in targets]
    return specs


def host_dir(dirs: dict[str, Overlay], path: str, files: Mapping[str, bytes | str] | Overlay | None = None) -> Overlay:
    """A directory on the host, for bind mounts: from ``{relative path: data}`` or an Overlay."""
    if isinstance(files, Overlay):
        dirs[path] = files
        return files
    fs = dirs.setdefault(path, Overlay())
    for rel, data in (files or {}).items():
        if "/" in rel.strip("/"):
            fs.mkdir("/" + rel.rpartition("/")[0], parents=True)
        fs.write("/" + rel, data)
    return fs


def make_mount(spec: MountSpec, volumes: VolumeStore, dirs: dict[str, Overlay]) -> Mount:
    """The mount with its storage: a volume (created if new), a host directory, a tmpfs."""
    target = normalize_path(spec.target)
    if spec.type == "volume":
        volume = volumes.create(spec.source or None, anonymous=not spec.source)
        return Mount("volume", target, volume.data, volume.name, spec.read_only, volume)
    if spec.type == "bind":
        if spec.must_exist and spec.source not in dirs:
            raise HostError(f'Error response from daemon: invalid mount config for type "bind": '
                            f"bind source path does not exist: {spec.source}")
        return Mount("bind", target, host_dir(dirs, spec.source), spec.source, spec.read_only)
    if spec.type == "tmpfs":
        return Mount("tmpfs", target, Overlay(), "", spec.read_only)
    raise HostError(_("invalid mount type {type!r}", type=spec.type))
