"""Which Docker Engine to talk to, decided in one place; and private ones for tests.

The engine is the one named (``--host``), else ``$LAYERLAB_DOCKER_HOST``, else
``$DOCKER_HOST``, else, where the caller allows it, the default socket; it counts only
if it answers. The CLI, ``%%docker --beside``, the engine tests and
``scripts/record-engine-outputs`` all ask :func:`find_engine`.

Several engines at once (CI runs Engine 20.10, 28 and 28 with the containerd image store
side by side) are named by profile in ``$LAYERLAB_ENGINES``:
``20.10=/tmp/ll-20,28=/tmp/ll-28,28-containerd=unix:///tmp/ll-28c/docker.sock``, each a
``scripts/private-dockerd`` folder (its ``env`` names the engine's client and DOCKER_CONFIG)
or a ``DOCKER_HOST`` (:func:`named_engines`, :func:`engine_at`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from layerlab.i18n import N_, _, translate

from .clients import read_env_file
from .engine import Engine, EngineError, EngineUnavailable

__all__ = [
    "DEFAULT_SOCKET",
    "PrivateDockerd",
    "engine_at",
    "engine_from_env",
    "find_engine",
    "host_from_env",
    "named_engines",
]

#: Where a packaged engine listens.
DEFAULT_SOCKET = Path("/var/run/docker.sock")


def host_from_env() -> str | None:
    """``$LAYERLAB_DOCKER_HOST``, else ``$DOCKER_HOST`` (None when neither is set)."""
    return os.environ.get("LAYERLAB_DOCKER_HOST") or os.environ.get("DOCKER_HOST") or None


#: Why no engine answers in JupyterLite, in one sentence.
IN_BROWSER = N_("no Docker Engine here: this is Python running in your browser (JupyterLite), which can start no process and reach no daemon")


def find_engine(
    host: str | None = None, *, default_socket: Path | None = None, timeout: float = 5.0
) -> tuple[Engine | None, str]:
    """(the engine, "") when one answers, else (None, one line saying why not).

    ``host``, else :func:`host_from_env`, else ``default_socket`` if that exists.
    """
    if sys.platform == "emscripten":  # Pyodide: JupyterLite's Python, in a browser tab
        return None, translate(IN_BROWSER)
    host = host or host_from_env()
    if not host:
        if default_socket is None or not default_socket.exists():
            if default_socket is None:
                return None, _("no Docker Engine reachable (DOCKER_HOST is not set)")
            return None, _("no Docker Engine reachable (DOCKER_HOST is not set and there is no {socket})",
                           socket=default_socket)
        host = f"unix://{default_socket}"
    try:
        engine = Engine(host)
        engine.version(timeout=timeout)
    except EngineError as err:
        last = str(err).splitlines()[-1].strip() if str(err).strip() else type(err).__name__
        return None, _("no Docker Engine reachable: {host} does not answer ({error})", host=host, error=last[:160])
    return engine, ""


def engine_from_env(timeout: float = 5.0) -> Engine | None:
    """The engine named by ``$LAYERLAB_DOCKER_HOST`` or ``$DOCKER_HOST``, if it answers.

    Returns None when neither is set, no client is installed or the daemon does not
    answer within ``timeout`` seconds, so callers can fall back or skip.
    """
    return find_engine(timeout=timeout)[0]


def named_engines(spec: str | None = None) -> dict[str, str]:
    """``$LAYERLAB_ENGINES`` (or ``spec``) as {profile name: folder or DOCKER_HOST}."""
    text = os.environ.get("LAYERLAB_ENGINES", "") if spec is None else spec
    named: dict[str, str] = {}
    for item in text.replace("\n", ",").split(","):
        if not item.strip():
            continue
        name, sep, where = item.partition("=")
        if not sep or not name.strip() or not where.strip():
            raise EngineUnavailable(
                f"LAYERLAB_ENGINES: {item.strip()!r} is not NAME=WHERE "
                "(e.g. 28-containerd=/tmp/ll-28c or 28=unix:///tmp/ll-28/docker.sock)"
            )
        named[name.strip()] = where.strip()
    return named


def engine_at(where: str) -> Engine:
    """The engine of a ``scripts/private-dockerd`` folder (its client and DOCKER_CONFIG as
    its ``env`` names them), or at a ``DOCKER_HOST`` such as ``unix:///run/docker.sock``."""
    if "://" in where:
        return Engine(where)
    env = read_env_file(Path(where) / "env")
    if not env.get("DOCKER_HOST"):
        raise EngineUnavailable(f"{where}/env names no DOCKER_HOST (is an engine running there?)")
    return Engine(
        env["DOCKER_HOST"],
        cli=env.get("LAYERLAB_DOCKER_CLI") or None,
        config=env.get("DOCKER_CONFIG") or None,
    )


#: Seconds of a start's timeout kept for the script to stop what did not come up.
START_MARGIN = 30


class PrivateDockerd:
    """A throw-away engine that ``scripts/private-dockerd`` runs in the folder ``where``
    (a clone of the repository has the script; it needs root and dockerd). ``prefix``:
    the engine installed there (``scripts/install-engine``), else the system's;
    ``image_store``: ``classic`` or ``containerd``."""

    def __init__(
        self,
        script: Path,
        where: Path,
        *,
        prefix: Path | None = None,
        image_store: str | None = None,
    ) -> None:
        self.script = Path(script)
        self.where = Path(where)
        self.prefix = prefix
        self.image_store = image_store

    def start(self, timeout: float = 120) -> Engine:
        """Start it and wait until it answers (:class:`EngineUnavailable` if it does not).

        The script waits for containerd and dockerd for as long as ``timeout`` allows (its own
        default, 30 s, is too short on a machine busy with other engines), keeping a margin to
        stop them again; ``$LAYERLAB_DOCKERD_TIMEOUT`` set by the caller wins."""
        wait = os.environ.get("LAYERLAB_DOCKERD_TIMEOUT") or str(max(int(timeout) - START_MARGIN, 1))
        proc = self._call("start", timeout, LAYERLAB_DOCKERD_TIMEOUT=wait)
        host = next(
            (ln.split("=", 1)[1] for ln in proc.stdout.splitlines() if ln.startswith("DOCKER_HOST=")),
            None,
        )
        if proc.returncode != 0 or host is None:
            self.stop()
            raise EngineUnavailable(f"the private dockerd did not start:\n{proc.stderr.strip()}")
        return engine_at(str(self.where))

    def stop(self, timeout: float = 120) -> None:
        """Stop it and remove its folder (nothing happens when it is not running)."""
        self._call("stop", timeout)

    def _call(self, action: str, timeout: float, **settings: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, **settings)
        for name in ("LAYERLAB_DOCKER_CLI", "LAYERLAB_ENGINE_PREFIX", "LAYERLAB_IMAGE_STORE"):
            env.pop(name, None)  # the engine asked for here, not the caller's
        if self.prefix is not None:
            env["LAYERLAB_ENGINE_PREFIX"] = str(self.prefix)
        if self.image_store is not None:
            env["LAYERLAB_IMAGE_STORE"] = self.image_store
        return subprocess.run(
            [str(self.script), action, str(self.where)],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
