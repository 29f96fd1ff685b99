"""Which docker client drives an engine: the engine's own, never just the first one found.

A client older than its engine builds through the legacy path and prints what old clients
print (``docker history``, ``builder prune``, BuildKit's vertex digests); a newer client
without the buildx plugin refuses BuildKit builds. So every engine is driven by the client
of its own release, and with the ``DOCKER_CONFIG`` whose ``cli-plugins/`` has its buildx.

For an engine at ``host`` the client is, in order: the one named (``cli=``);
``$LAYERLAB_DOCKER_CLI``; the one ``DIR/env`` names when ``host`` is
``unix://DIR/docker.sock`` of ``scripts/private-dockerd``; the installed client whose
version matches the server's (same major.minor, else same major); else the first client
found, with a :attr:`Client.notice` that says it does not match.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import EngineUnavailable

__all__ = [
    "Client",
    "candidate_clients",
    "choose_client",
    "client_version",
    "env_file_of",
    "read_env_file",
]

#: Where Debian's docker.io puts its client; then ``$LAYERLAB_ENGINE_PREFIX/bin/docker`` and PATH.
SYSTEM_CLIENT = "/usr/bin/docker"

#: What a learner reads when no client matches the engine.
MISMATCH = (
    "no docker client of Engine {server} found (found: {found}): using {path}, whose output "
    "may differ from the engine's own client; set LAYERLAB_DOCKER_CLI to Engine {server}'s client"
)
NO_CLIENT = (
    "no docker client found: install docker.io (or docker-ce-cli) or set LAYERLAB_DOCKER_CLI"
)

_VERSION = re.compile(r"^Docker version ([^,\s]+)")


@dataclass(frozen=True)
class Client:
    """A docker client binary, and the ``DOCKER_CONFIG`` it runs with (None: the caller's)."""

    path: str
    config: str | None = None
    #: Why this client was taken although it does not match the engine ("" when it does).
    notice: str = ""


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines (``scripts/private-dockerd``'s ``DIR/env``); ``{}`` if unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return {}
    pairs = (
        line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


def env_file_of(host: str) -> dict[str, str]:
    """What ``DIR/env`` says about the engine at ``unix://DIR/docker.sock`` (``{}`` for others)."""
    if not host.startswith("unix://"):
        return {}
    env = read_env_file(Path(host.removeprefix("unix://")).parent / "env")
    return env if env.get("DOCKER_HOST") == host else {}


@lru_cache(maxsize=32)
def client_version(path: str) -> str | None:
    """``28.5.2+dfsg4`` from ``docker --version`` (no daemon asked); None if it does not run."""
    try:
        out = subprocess.run(
            [path, "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.match(out.strip())
    return match.group(1) if match else None


def candidate_clients() -> list[str]:
    """Installed docker clients, each once: the system's, the engine prefix's, those on PATH."""
    found: list[str] = []
    prefix = os.environ.get("LAYERLAB_ENGINE_PREFIX")
    paths = [SYSTEM_CLIENT, *([f"{prefix}/bin/docker"] if prefix else [])]
    paths += [f"{d}/docker" for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    seen: set[str] = set()
    for path in paths:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                found.append(path)
    return found


def _release(version: str) -> tuple[str, str]:
    parts = version.split("+")[0].split("~")[0].split(".")
    return parts[0], ".".join(parts[:2])


def choose_client(
    host: str,
    server_version: Callable[[str], str],
    *,
    environ: Mapping[str, str] | None = None,
    candidates: list[str] | None = None,
) -> Client:
    """The client for the engine at ``host`` (see the module docstring for the order).

    ``server_version(cli)`` asks the engine its version through ``cli``; it is called only
    when neither ``$LAYERLAB_DOCKER_CLI`` nor ``DIR/env`` names the client.
    """
    environ = os.environ if environ is None else environ
    named = environ.get("LAYERLAB_DOCKER_CLI")
    recorded = env_file_of(host)
    config = recorded.get("DOCKER_CONFIG") or environ.get("DOCKER_CONFIG") or None
    if named:
        return Client(named, config)
    if recorded.get("LAYERLAB_DOCKER_CLI"):
        return Client(recorded["LAYERLAB_DOCKER_CLI"], config)
    clients = candidate_clients() if candidates is None else candidates
    if not clients:
        fallback = shutil.which("docker")
        if fallback is None:
            raise EngineUnavailable(NO_CLIENT)
        clients = [fallback]
    server = server_version(clients[0])
    major, minor = _release(server)
    versions = {path: client_version(path) for path in clients}
    for wanted in (minor, major):
        for path, version in versions.items():
            if version and wanted in _release(version):
                return Client(path, config)
    found = ", ".join(f"{p} {v or '(does not run)'}" for p, v in versions.items())
    return Client(clients[0], config, MISMATCH.format(server=server, found=found, path=clients[0]))
