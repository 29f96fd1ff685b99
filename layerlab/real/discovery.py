"""Which Docker Engine to talk to, decided in one place; and a private one for tests.

The engine is the one named (``--host``), else ``$LAYERLAB_DOCKER_HOST``, else
``$DOCKER_HOST``, else, where the caller allows it, the default socket; it counts only
if it answers. The CLI, ``%%docker --beside``, the engine tests and
``scripts/record-engine-outputs`` all ask :func:`find_engine`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .engine import Engine, EngineError, EngineUnavailable

__all__ = ["DEFAULT_SOCKET", "PrivateDockerd", "engine_from_env", "find_engine", "host_from_env"]

#: Where a packaged engine listens.
DEFAULT_SOCKET = Path("/var/run/docker.sock")


def host_from_env() -> str | None:
    """``$LAYERLAB_DOCKER_HOST``, else ``$DOCKER_HOST`` (None when neither is set)."""
    return os.environ.get("LAYERLAB_DOCKER_HOST") or os.environ.get("DOCKER_HOST") or None


def find_engine(
    host: str | None = None, *, default_socket: Path | None = None, timeout: float = 5.0
) -> tuple[Engine | None, str]:
    """(the engine, "") when one answers, else (None, one line saying why not).

    ``host``, else :func:`host_from_env`, else ``default_socket`` if that exists.
    """
    host = host or host_from_env()
    if not host:
        if default_socket is None or not default_socket.exists():
            where = f" and there is no {default_socket}" if default_socket is not None else ""
            return None, f"no Docker Engine reachable (DOCKER_HOST is not set{where})"
        host = f"unix://{default_socket}"
    try:
        engine = Engine(host)
        engine.version(timeout=timeout)
    except EngineError as err:
        last = str(err).splitlines()[-1].strip() if str(err).strip() else type(err).__name__
        return None, f"no Docker Engine reachable: {host} does not answer ({last[:160]})"
    return engine, ""


def engine_from_env(timeout: float = 5.0) -> Engine | None:
    """The engine named by ``$LAYERLAB_DOCKER_HOST`` or ``$DOCKER_HOST``, if it answers.

    Returns None when neither is set, no client is installed or the daemon does not
    answer within ``timeout`` seconds, so callers can fall back or skip.
    """
    return find_engine(timeout=timeout)[0]


class PrivateDockerd:
    """A throw-away engine that ``scripts/private-dockerd`` runs in the folder ``where``
    (a clone of the repository has the script; it needs root and dockerd)."""

    def __init__(self, script: Path, where: Path) -> None:
        self.script = Path(script)
        self.where = Path(where)

    def start(self, timeout: float = 120) -> Engine:
        """Start it and wait until it answers (:class:`EngineUnavailable` if it does not)."""
        proc = self._call("start", timeout)
        host = next(
            (ln.split("=", 1)[1] for ln in proc.stdout.splitlines() if ln.startswith("DOCKER_HOST=")),
            None,
        )
        if proc.returncode != 0 or host is None:
            self.stop()
            raise EngineUnavailable(f"the private dockerd did not start:\n{proc.stderr.strip()}")
        return Engine(host)

    def stop(self, timeout: float = 120) -> None:
        """Stop it and remove its folder (nothing happens when it is not running)."""
        self._call("stop", timeout)

    def _call(self, action: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.script), action, str(self.where)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
