"""What a build stage carries from step to step: layers, history, config, the cache key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from layerlab.model.image import EPOCH, HistoryEntry, Image
from layerlab.model.layer import Layer

from .dockerfile import DEFAULT_SHELL


def cache_key(*parts: object) -> str:
    """A step's cache key: the sha256 of its parts (the parent's key first)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class StageState:
    """Everything a stage carries from step to step."""

    layers: list[Layer]
    history: list[HistoryEntry]
    config: dict[str, Any]
    key: str
    args: dict[str, str] = field(default_factory=dict)
    shell: list[str] = field(default_factory=lambda: list(DEFAULT_SHELL))
    cmd_set: bool = False
    declared: list[tuple[str, str | None]] = field(default_factory=list)
    meta_args: dict[str, str | None] = field(default_factory=dict)
    time: str | None = None  #: when the last filesystem step was made (BuildKit dates config rows with it)
    vertex: str = ""  #: BuildKit's vertex: the key, but a copy's source stage counts (empty: the key)

    @property
    def scope(self) -> dict[str, str]:
        """Variables a step may substitute: ARG values, overridden by ENV."""
        return {**self.args, **self.env}

    @property
    def workdir(self) -> str:
        return self.config.get("WorkingDir") or "/"

    @property
    def env(self) -> dict[str, str]:
        return dict(e.split("=", 1) if "=" in e else (e, "") for e in self.config.get("Env") or [])

    def set_env(self, key: str, value: str) -> None:
        env = self.env
        env[key] = value
        self.config["Env"] = [f"{k}={v}" for k, v in env.items()]

    def fork(self) -> StageState:
        """A new stage ``FROM`` this one: its layers, history, config and SHELL, not its ARGs."""
        return StageState(list(self.layers), list(self.history), json.loads(json.dumps(self.config)), self.key,
                          shell=list(self.shell), vertex=self.vertex)

    def image(self) -> Image:
        """The image the stage has made so far (empty config values left out)."""
        config = {k: v for k, v in self.config.items() if v not in (None, [], {}, "")}
        return Image.build(
            self.layers,
            history=self.history,
            env=config.get("Env", ()),
            cmd=config.get("Cmd"),
            entrypoint=config.get("Entrypoint"),
            working_dir=config.get("WorkingDir", ""),
            user=config.get("User", ""),
            labels=config.get("Labels"),
            exposed_ports=list(config.get("ExposedPorts", {})),
            volumes=list(config.get("Volumes", {})),
            args_escaped=bool(config.get("ArgsEscaped")),
            created=self.history[-1].created or EPOCH if self.history else EPOCH,
        )
