"""``/etc/docker/daemon.json``: the settings of a simulated daemon that change what a learner sees.

The daemon reads the file when it starts (a change needs a restart, :meth:`Host.restart
<layerlab.engine.host.Host.restart>`); the keys the model knows:

- ``log-driver``, ``log-opts``: the logging driver and options of containers created from
  then on (:mod:`.logs`; option values are strings, ``"max-size": "10m"``);
- ``data-root``: where the daemon keeps everything (default ``/var/lib/docker``); with the
  containerd image store images stay in containerd's root, which ``data-root`` does not move;
- ``storage-driver``: the graph driver (classic store) or snapshotter (containerd store);
- ``features``: ``{"containerd-snapshotter": true}`` turns on the containerd image store
  (Engine 24-28 opt-in; Engine 29 uses it on fresh installs, ``false`` turns it off);
- ``builder``: ``{"gc": {"enabled": true, "defaultKeepStorage": "10GB"}}``: BuildKit's build
  cache garbage collection (off by default before Engine 28.2, on since).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from layerlab.i18n import _

from .errors import HostError
from .logs import LogConfig, check

__all__ = ["DEFAULT_DATA_ROOT", "DaemonConfig"]

DEFAULT_DATA_ROOT = "/var/lib/docker"
#: The daemon.json keys the model knows (dockerd has many more: they are refused by name).
KEYS = ("log-driver", "log-opts", "data-root", "storage-driver", "features", "builder")
#: What the daemon says when it cannot start with a file, then layerlab's words.
REFUSED = "unable to configure the Docker daemon with file /etc/docker/daemon.json: {why}"


@dataclass(frozen=True)
class DaemonConfig:
    """A daemon.json, checked: :meth:`from_json` reads one (a dict or its JSON text)."""

    log: LogConfig = field(default_factory=LogConfig)
    data_root: str = DEFAULT_DATA_ROOT
    storage_driver: str | None = None
    #: ``features.containerd-snapshotter`` (None: not set, the engine's default)
    containerd_snapshotter: bool | None = None
    #: ``builder.gc.enabled`` (None: not set, the engine's default)
    builder_gc: bool | None = None
    builder_keep_storage: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str | None) -> DaemonConfig:
        """The settings of a daemon.json; what the model does not know is refused by name."""
        if data is None:
            return cls()
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as err:
                raise HostError(REFUSED.format(why=_("invalid JSON: {err}", err=err))) from None
        if not isinstance(data, Mapping):
            raise HostError(REFUSED.format(why=_("the file must hold one JSON object {...}")))
        unknown = sorted(set(data) - set(KEYS))
        if unknown:
            raise HostError(REFUSED.format(why=_("layerlab models only {known}; not {unknown}",
                                                 known=", ".join(KEYS), unknown=", ".join(unknown))))
        opts = data.get("log-opts") or {}
        if not isinstance(opts, Mapping) or not all(isinstance(v, str) for v in opts.values()):
            raise HostError(REFUSED.format(why=_('"log-opts" values must be strings, e.g. {"max-size": "10m", '
                                                 '"max-file": "3"} (dockerd will not start with numbers)')))
        log = LogConfig(str(data.get("log-driver") or "json-file"), dict(opts))
        check(log)
        features, builder = data.get("features") or {}, data.get("builder") or {}
        gc = builder.get("gc") or {} if isinstance(builder, Mapping) else {}
        root = str(data.get("data-root") or DEFAULT_DATA_ROOT)
        if not root.startswith("/"):
            raise HostError(REFUSED.format(why=_('"data-root" must be an absolute path, not {root!r}', root=root)))
        return cls(log=log, data_root=root.rstrip("/") or "/", storage_driver=data.get("storage-driver"),
                   containerd_snapshotter=features.get("containerd-snapshotter"),
                   builder_gc=gc.get("enabled"), builder_keep_storage=gc.get("defaultKeepStorage"))
