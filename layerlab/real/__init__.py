"""Talk to a real Docker Engine, to check layerlab's model against what an engine does.

Only the engine tests and the "compare with a real engine" notebook cells use this; the
rest of layerlab works from image archives alone and never needs a daemon.
"""

from __future__ import annotations

from .discovery import PrivateDockerd, engine_from_env, find_engine
from .engine import Engine, EngineError, EngineUnavailable, find_docker_cli

__all__ = [
    "Engine",
    "EngineError",
    "EngineUnavailable",
    "PrivateDockerd",
    "engine_from_env",
    "find_docker_cli",
    "find_engine",
]
