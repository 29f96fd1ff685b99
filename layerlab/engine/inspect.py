"""``docker image inspect``: every field the engine prints, in its order, per engine profile.

- Engine 20.10: ``Container`` and ``ContainerConfig`` (empty for BuildKit builds), the
  whole ``Config`` of the container API (Hostname, Attach*, ...), ``VirtualSize``;
- Engine 28 (API 1.51): those legacy keys gone; ``Config`` printed last, its keys sorted
  (the daemon merges them into a map; Cmd, Entrypoint, Env, Labels, OnBuild, User,
  Volumes and WorkingDir always there: moby ``api/server/router/image/inspect_response.go``);
- the containerd image store: the id is the target's digest, ``RepoDigests`` name it for
  every repository, ``Size`` is the compressed content (index, manifest, config, layer
  blobs), ``GraphDriver`` is ``{"Data": null, "Name": "overlayfs"}``, and a ``Descriptor``
  says what the name points to.

The classic store's ``GraphDriver.Data`` are the overlay2 directories of the image's
layers (``LowerDir`` only with more than one layer); other drivers print ``null`` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from layerlab.model.image import Image
from layerlab.model.v1image import container_config

from .images import ImageRecord
from .profile import EngineProfile
from .targets import rfc3339

#: the keys Engine 28 always prints in Config (moby's legacyConfigFields["current"])
_CONFIG_28 = {"Cmd": None, "Entrypoint": None, "Env": None, "Labels": None, "OnBuild": None, "User": "",
              "Volumes": None, "WorkingDir": ""}


def config_28(run: dict[str, Any] | None) -> dict[str, Any]:
    """An image config's ``config`` as Engine 28's inspect prints it: a map, keys sorted."""
    merged = {**_CONFIG_28, **(run or {})}
    return dict(sorted(merged.items()))


def inspect_image(record: ImageRecord, tags: Sequence[str], profile: EngineProfile, cache_ids: Sequence[str],
                  now: datetime, root: str = "/var/lib/docker") -> dict[str, Any]:
    """What ``docker image inspect`` prints for one image on this engine (``cache_ids``: its
    layers' overlay2 directories; ``now``: when it was last tagged, if it has a tag)."""
    image = record.image
    config = image.config
    graph_data = None
    if not profile.containerd and profile.storage_driver == "overlay2" and cache_ids:
        graph_data = overlay2_data(root, cache_ids)
    last_tag_time = rfc3339(now) if tags else "0001-01-01T00:00:00Z"
    out: dict[str, Any] = {
        "Id": record.image_id,
        "RepoTags": list(tags),
        "RepoDigests": _repo_digests(record, tags),
        "Parent": "",
        "Comment": _comment(image),
        "Created": config.get("created", ""),
    }
    if profile.inspect_legacy:
        out["Container"] = config.get("container", "")
        out["ContainerConfig"] = container_config(config.get("container_config"))
    out.update({"DockerVersion": config.get("docker_version", ""), "Author": config.get("author", "")})
    if profile.inspect_legacy:
        out["Config"] = container_config(config.get("config"))
    out.update({"Architecture": config.get("architecture", ""), "Os": config.get("os", "")})
    size = record.target.content_size if record.target is not None else image.size
    out["Size"] = size
    if profile.inspect_legacy:
        out["VirtualSize"] = size
    out["GraphDriver"] = {"Data": graph_data, "Name": profile.storage_driver}
    out["RootFS"] = {"Type": "layers", "Layers": image.diff_ids}
    out["Metadata"] = {"LastTagTime": last_tag_time}
    if record.target is not None:
        out["Descriptor"] = record.target.target.to_json()
    if not profile.inspect_legacy:
        out["Config"] = config_28(config.get("config"))
    return out


def _repo_digests(record: ImageRecord, tags: Sequence[str]) -> list[str]:
    """Classic: none for an image built or loaded here; containerd: ``repo@<id>`` per repository."""
    if record.target is None:
        return []
    repos = sorted({tag.rpartition(":")[0] for tag in tags})
    return [f"{repo}@{record.image_id}" for repo in repos]


def _comment(image: Image) -> str:
    """The config's comment, else the last history row's (``buildkit.dockerfile.v0``)."""
    history = image.history
    return str(image.config.get("comment") or (history[-1].comment if history else "") or "")


def overlay2_data(root: str, cache_ids: Sequence[str]) -> dict[str, str]:
    """``GraphDriver.Data`` of an image on overlay2: its top layer's directories, and the
    layers below (top first) as ``LowerDir``."""
    top = f"{root}/overlay2/{cache_ids[-1]}"
    data: dict[str, str] = {}
    if len(cache_ids) > 1:
        data["LowerDir"] = ":".join(f"{root}/overlay2/{c}/diff" for c in reversed(cache_ids[:-1]))
    data.update({"MergedDir": f"{top}/merged", "UpperDir": f"{top}/diff", "WorkDir": f"{top}/work"})
    return data
