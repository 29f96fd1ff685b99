"""Talk to a real Docker Engine, to check layerlab's model against what an engine does.

Only the engine tests and the "compare with a real engine" notebook cells use this; the
rest of layerlab works from image archives alone and never needs a daemon. Each engine is
driven by its own docker client (:mod:`.clients`); :mod:`.discovery` decides which engine.
"""

from __future__ import annotations

from .clients import Client, choose_client
from .discovery import PrivateDockerd, engine_at, engine_from_env, find_engine, named_engines
from .engine import Engine, EngineError, EngineUnavailable, find_docker_cli

__all__ = [
    "Client",
    "Engine",
    "EngineError",
    "EngineUnavailable",
    "PrivateDockerd",
    "choose_client",
    "engine_at",
    "engine_from_env",
    "find_docker_cli",
    "find_engine",
    "named_engines",
]
