"""Docker's legacy v1 image JSON: what ``docker save`` names its layer directories by.

Engine 20.10 writes each layer of a saved image as ``<v1 id>/{VERSION,json,layer.tar}``;
Engine 25+ still puts those ``json`` documents in ``blobs/``. The v1 id of layer *i* is the
sha256 of a JSON object holding the v1 image fields (the image's own for the top layer,
just ``created`` 1970 and an empty container config below), ``layer_id`` (the chain id)
and ``parent`` (the v1 id below), keys sorted (moby ``image/v1/imagev1.go`` CreateID).
The ids here match Engine 20.10's byte for byte (``tests/test_archive.py``).

:func:`container_config` is the API's ``container.Config`` as JSON, every field
(``omitempty`` ones when set): what 20.10's ``docker image inspect`` prints too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .digest import chain_ids, sha256_digest
from .gojson import go_json
from .image import EPOCH, Image

#: container.Config's fields in Go's order, the value when unset, and whether ``omitempty``
_CONFIG_FIELDS: tuple[tuple[str, Any, bool], ...] = (
    ("Hostname", "", False), ("Domainname", "", False), ("User", "", False), ("AttachStdin", False, False),
    ("AttachStdout", False, False), ("AttachStderr", False, False), ("ExposedPorts", None, True),
    ("Tty", False, False), ("OpenStdin", False, False), ("StdinOnce", False, False), ("Env", None, False),
    ("Cmd", None, False), ("Healthcheck", None, True), ("ArgsEscaped", None, True), ("Image", "", False),
    ("Volumes", None, False), ("WorkingDir", "", False), ("Entrypoint", None, False), ("OnBuild", None, False),
    ("Labels", None, False), ("StopSignal", None, True), ("Shell", None, True),
)  # fmt: skip


def container_config(run: Mapping[str, Any] | None) -> dict[str, Any]:
    """An image config's ``config`` (or ``container_config``) as Go's container.Config writes it."""
    run = run or {}
    out: dict[str, Any] = {}
    for key, empty, omit in _CONFIG_FIELDS:
        value = run.get(key, empty)
        if omit and not value:
            continue
        out[key] = value
    return out


def _v1_fields(config: Mapping[str, Any], top: bool) -> dict[str, Any]:
    """The V1Image fields CreateID hashes (Go's field order, ``omitempty`` honoured)."""
    if not top:
        return {"created": EPOCH, "container_config": container_config(None)}
    out: dict[str, Any] = {}
    for key in ("comment",):
        if config.get(key):
            out[key] = config[key]
    out["created"] = config.get("created") or EPOCH
    if config.get("container"):
        out["container"] = config["container"]
    out["container_config"] = container_config(config.get("container_config"))
    for key in ("docker_version", "author"):
        if config.get(key):
            out[key] = config[key]
    if config.get("config") is not None:
        out["config"] = container_config(config["config"])
    for key in ("architecture", "variant", "os"):
        if config.get(key):
            out[key] = config[key]
    return out


def v1_layers(image: Image | Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each layer's v1 id (64 hex) and its ``json`` document, bottom first, for an image (or
    its parsed config: the ids depend on nothing else)."""
    config = image.config if isinstance(image, Image) else image
    out: list[tuple[str, str]] = []
    parent = ""
    chains = chain_ids(list(config["rootfs"]["diff_ids"]))
    for i, chain in enumerate(chains):
        fields = _v1_fields(config, top=i == len(chains) - 1)
        keyed: dict[str, Any] = {**fields, "layer_id": chain}
        if parent:
            keyed["parent"] = "sha256:" + parent
        v1_id = sha256_digest(go_json(dict(sorted(keyed.items()))).encode()).removeprefix("sha256:")
        head: dict[str, Any] = {"id": v1_id}
        if parent:
            head["parent"] = parent
        doc = {**head, **fields}
        if "os" not in doc and config.get("os"):
            doc["os"] = config["os"]  # set after the id is made (moby tarexport/save.go)
        out.append((v1_id, go_json(_ordered(doc))))
        parent = v1_id
    return out


_ORDER = ("id", "parent", "comment", "created", "container", "container_config", "docker_version", "author",
          "config", "architecture", "variant", "os")


def _ordered(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {key: doc[key] for key in _ORDER if key in doc}
