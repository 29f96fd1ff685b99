"""Which one is my host? The engine profile that plays the engine a learner's ``docker info`` describes.

A learner pastes what ``docker info`` printed on their machine (the plain text, or
``docker info --format '{{json .}}'``); three of its lines decide: ``Server Version``,
``Storage Driver`` and, with the containerd image store, ``driver-type:
io.containerd.snapshotter.v1`` under it (moby's ``daemon/info.go``: the containerd store
reports its snapshotter as the driver and that driver type as its status).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from layerlab.i18n import Texts
from .profile import CONTAINERD_DRIVER_TYPE, EngineProfile, ProfileError, profile_from_info

TEXT = Texts({
    "empty": "that is empty: paste what `docker info` printed (its Server: part is enough)",
    "no_version": ("no 'Server Version:' line: paste what `docker info` printed on the machine "
                   "(the Server: part; the Client: part alone does not say which engine runs)"),
    "no_driver": "no 'Storage Driver:' line: paste the whole Server: part of `docker info`",
    "bad_json": "that looks like JSON but is not valid: {error}",
    "store_containerd": "the containerd image store: images live in containerd ({driver} snapshotter), "
                        "not in /var/lib/docker/image",
    "store_classic": "the classic image store: images and layers live in /var/lib/docker ({driver} driver)",
    "because_containerd": "'Storage Driver: {driver}' with 'driver-type: io.containerd.snapshotter.v1' under it",
    "because_classic": "'Storage Driver: {driver}' with no 'driver-type: io.containerd.snapshotter.v1' under it",
    "summary": "Docker Engine {version}, {store}.",
    "why": "How to tell: {because}.",
    "plays": "layerlab plays it as the engine profile {name!r}: set LAYERLAB_ENGINE={name} "
             "(or Host(engine={name!r}), layerlab play --engine {name}).",
})


@dataclass(frozen=True)
class HostEngine:
    """What a ``docker info`` says about its engine, and the profile that plays it."""

    version: str
    storage_driver: str
    containerd: bool
    profile: EngineProfile

    def explain(self) -> str:
        """A few lines for a learner: which engine and store, how to tell, which profile."""
        store = TEXT["store_containerd" if self.containerd else "store_classic"].format(driver=self.storage_driver)
        because = TEXT["because_containerd" if self.containerd else "because_classic"].format(
            driver=self.storage_driver)
        return "\n".join([TEXT["summary"].format(version=self.version, store=store),
                          TEXT["why"].format(because=because),
                          TEXT["plays"].format(name=self.profile.name)])

    def __str__(self) -> str:
        return self.explain()


def info_fields(text: str) -> dict[str, Any]:
    """The fields of ``docker info`` output (plain text or JSON) that decide the profile,
    as ``docker info --format '{{json .}}'`` names them."""
    stripped = text.strip()
    if not stripped:
        raise ProfileError(TEXT["empty"])
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise ProfileError(TEXT["bad_json"].format(error=err.msg)) from None
        return dict(data) if isinstance(data, Mapping) else {}
    fields: dict[str, Any] = {"DriverStatus": []}
    under_driver = False
    for line in stripped.splitlines():
        key, _, value = line.strip().partition(":")
        depth = len(line) - len(line.lstrip(" "))
        if key == "Server Version":
            fields["ServerVersion"] = value.strip()
        elif key == "Storage Driver":
            fields["Driver"] = value.strip()
            under_driver, driver_depth = True, depth
            continue
        if under_driver:
            if depth > driver_depth and value:
                fields["DriverStatus"].append([key, value.strip()])
            else:
                under_driver = False
    return fields


def which_engine(docker_info: str | Mapping[str, Any]) -> HostEngine:
    """The engine a ``docker info`` output describes (text, JSON text, or the decoded JSON)."""
    fields = dict(docker_info) if isinstance(docker_info, Mapping) else info_fields(docker_info)
    if not fields.get("ServerVersion"):
        raise ProfileError(TEXT["no_version"])
    if not fields.get("Driver"):
        raise ProfileError(TEXT["no_driver"])
    profile = profile_from_info(fields)
    status = {str(k): str(v) for k, v in (fields.get("DriverStatus") or [])}
    return HostEngine(str(fields["ServerVersion"]), str(fields["Driver"]),
                      status.get("driver-type") == CONTAINERD_DRIVER_TYPE, profile)
