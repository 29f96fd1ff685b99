"""A small adapter to a real Docker Engine, driven through the docker CLI.

Why the CLI and not the Python docker SDK: the SDK cannot drive BuildKit builds, and
BuildKit is what current engines build with, so the layers we compare against must come
from it. Why a subprocess per call: it is the same thing a learner would type, and the
errors we show are docker's own words.

Every call targets ``Engine.host`` explicitly (``DOCKER_HOST`` in the child's
environment, ``DOCKER_CONTEXT`` removed), so a private test daemon and the user's own
daemon are never confused; and runs the engine's own client (:mod:`.clients`), so what
docker prints is what that engine's users see.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clients import NO_CLIENT, Client, candidate_clients, choose_client
from .errors import EngineError, EngineUnavailable

if TYPE_CHECKING:
    from layerlab.engine.profile import EngineProfile

__all__ = ["Engine", "EngineError", "EngineUnavailable", "find_docker_cli"]

#: How long a normal call may take; builds and saves get longer (see the methods).
DEFAULT_TIMEOUT = 120.0
BUILD_TIMEOUT = 900.0
#: How many lines of docker's stderr an EngineError quotes.
STDERR_LINES = 15
#: Said when a client without its buildx plugin refuses a BuildKit build.
NO_BUILDX = (
    "{cli} builds with BuildKit through its buildx plugin, and finds none: set DOCKER_CONFIG to a "
    "directory whose cli-plugins/ holds docker-buildx (scripts/private-dockerd writes one: DIR/config)"
)

_UNREACHABLE_HINTS = (
    "Cannot connect to the Docker daemon",
    "Is the docker daemon running",
    "error during connect",
    "connect: no such file or directory",
    "connect: connection refused",
    "permission denied while trying to connect",
)


def find_docker_cli() -> str:
    """Any installed docker client (``$LAYERLAB_DOCKER_CLI`` first), for callers with no
    engine in mind; an :class:`Engine` drives its engine with its own client
    (:func:`~layerlab.real.clients.choose_client`)."""
    configured = os.environ.get("LAYERLAB_DOCKER_CLI")
    if configured:
        return configured
    found = candidate_clients() or ([shutil.which("docker")] if shutil.which("docker") else [])
    if not found:
        raise EngineUnavailable(NO_CLIENT)
    return str(found[0])


def _tail(text: str, lines: int = STDERR_LINES) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class Engine:
    """One Docker Engine, addressed by a ``DOCKER_HOST`` value such as ``unix:///tmp/d/docker.sock``."""

    def __init__(
        self,
        host: str,
        *,
        cli: str | None = None,
        config: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.host = host
        self.timeout = timeout
        #: The client and its DOCKER_CONFIG: as given, else chosen on first use.
        self._client = Client(cli, config) if cli else None
        self._profile: EngineProfile | None = None
        #: Progress output (stderr) of the latest ``build``: shows which steps were CACHED.
        self.last_build_log = ""

    def __repr__(self) -> str:
        return f"Engine(host={self.host!r}, cli={self.cli!r})"

    @property
    def client(self) -> Client:
        """The engine's own docker client (asks the engine its version the first time)."""
        if self._client is None:
            self._client = choose_client(self.host, self._server_version)
        return self._client

    @property
    def cli(self) -> str:
        return self.client.path

    def _server_version(self, cli: str) -> str:
        out = self._run("version", "--format", "{{.Server.Version}}", cli=cli).stdout.strip()
        if not out:
            raise EngineUnavailable(f"docker at {self.host} did not report a server version")
        return out

    # -- plumbing ---------------------------------------------------------------------

    def _env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        # A context would override DOCKER_HOST (or clash with it): the host must win.
        for name in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
            env.pop(name, None)
        env["DOCKER_HOST"] = self.host
        if self._client is not None and self._client.config:
            env["DOCKER_CONFIG"] = self._client.config
        env.update(extra or {})
        return env

    def _run(
        self,
        *args: str,
        timeout: float | None = None,
        env: dict[str, str] | None = None,
        cli: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``docker ARGS`` against this host; raise EngineError unless it exits 0."""
        cmd = [cli or self.cli, *args]
        shown = f"DOCKER_HOST={self.host} " + shlex.join(cmd)
        limit = self.timeout if timeout is None else timeout
        try:
            proc = subprocess.run(
                cmd,
                check=False,
                capture_output=True,
                text=True,
                errors="replace",
                env=self._env(env),
                timeout=limit,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError as exc:
            raise EngineUnavailable(f"{shown}: docker client not found ({exc})", cmd=cmd) from exc
        except subprocess.TimeoutExpired as exc:
            stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
            raise EngineError(
                f"{shown}: no answer within {limit:g}s\n{_tail(stderr)}".rstrip(),
                cmd=cmd,
                stderr=stderr,
            ) from exc
        if proc.returncode != 0:
            kind = (
                EngineUnavailable
                if any(h in proc.stderr for h in _UNREACHABLE_HINTS)
                else EngineError
            )
            raise kind(
                f"{shown} failed (exit {proc.returncode}):\n{_tail(proc.stderr)}".rstrip(),
                cmd=cmd,
                returncode=proc.returncode,
                stderr=proc.stderr,
            )
        return proc

    # -- the engine -------------------------------------------------------------------

    def version(self, *, timeout: float | None = None) -> dict[str, Any]:
        """The server part of ``docker version`` (Version, ApiVersion, Os, Components...)."""
        out = self._run("version", "--format", "{{json .Server}}", timeout=timeout).stdout
        server = json.loads(out or "null")
        if not server:
            raise EngineUnavailable(f"docker at {self.host} did not report a server version")
        return server

    def build(
        self,
        context: Path,
        tag: str,
        *,
        dockerfile: str | None = None,
        buildkit: bool = True,
        extra_args: list[str] | None = None,
    ) -> str:
        """Build ``context`` as ``tag`` and return the image id (``sha256:...``).

        Always ``--network none``: test daemons have no bridge network and no registry is
        reachable, so images are built FROM scratch. ``dockerfile`` is relative to
        ``context`` unless absolute. The progress output is kept in ``last_build_log``.
        """
        context = Path(context)
        args = ["build", "--network", "none", "-t", tag]
        if dockerfile is not None:
            df = Path(dockerfile)
            args += ["-f", str(df if df.is_absolute() else context / df)]
        if buildkit:
            args += ["--progress", "plain"]
        args += extra_args or []
        args.append(str(context))
        env = {"DOCKER_BUILDKIT": "1" if buildkit else "0"}
        try:
            proc = self._run(*args, timeout=BUILD_TIMEOUT, env=env)
        except EngineError as err:
            if "buildx component is missing" not in err.stderr:
                raise
            raise EngineError(f"{err}\n{NO_BUILDX.format(cli=self.cli)}", cmd=err.cmd,
                              returncode=err.returncode, stderr=err.stderr) from None
        self.last_build_log = proc.stderr + proc.stdout
        return str(self.inspect_image(tag)["Id"])

    def save(self, refs: list[str], path: Path) -> None:
        """``docker save`` the images to ``path`` (legacy archive on 20.10, OCI layout on 25+)."""
        if not refs:
            raise ValueError("save needs at least one image reference")
        self._run("save", "-o", str(path), *refs, timeout=BUILD_TIMEOUT)

    def load(self, path: Path) -> list[str]:
        """``docker load`` an archive; return what docker reported loading (refs or ids)."""
        out = self._run("load", "-i", str(path), timeout=BUILD_TIMEOUT).stdout
        loaded: list[str] = []
        for line in out.splitlines():
            for prefix in ("Loaded image ID:", "Loaded image:"):
                if line.startswith(prefix):
                    loaded.append(line[len(prefix) :].strip())
        return loaded

    def inspect_image(self, ref: str) -> dict[str, Any]:
        """``docker image inspect`` of one image (Id, RootFS.Layers, Config, GraphDriver...)."""
        data = json.loads(self._run("image", "inspect", ref).stdout)
        if not data:
            raise EngineError(f"docker image inspect {ref}: no such image")
        return data[0]

    def history(self, ref: str) -> list[dict[str, Any]]:
        """``docker history`` rows, newest step first (ID, CreatedBy, Size, Comment...)."""
        out = self._run("history", "--no-trunc", "--format", "{{json .}}", ref).stdout
        return _json_lines(out)

    def run(self, image: str, *cmd: str, rm: bool = True, pull: bool = False) -> str:
        """Run a container (``--network none``) and return its stdout.

        Without ``pull`` a missing image fails at once instead of trying a registry.
        """
        args = ["run", "--network", "none", "--pull", "missing" if pull else "never"]
        if rm:
            args.append("--rm")
        return self._run(*args, image, *cmd).stdout

    def remove_image(self, ref: str, force: bool = False) -> None:
        """``docker image rm`` (``-f`` also removes an image used by stopped containers)."""
        self._run("image", "rm", *(["-f"] if force else []), ref)

    def docker(self, args: list[str], *, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Any docker command against this host (scenarios replay user command lines)."""
        if cwd is None:
            return self._run(*args)
        old = os.getcwd()
        os.chdir(cwd)
        try:
            return self._run(*args)
        finally:
            os.chdir(old)

    def info(self) -> dict[str, Any]:
        """``docker info`` (Driver, DockerRootDir, ...): where and how the engine stores layers."""
        return json.loads(self._run("info", "--format", "{{json .}}").stdout)

    def profile(self) -> EngineProfile:
        """The simulator's profile of this engine (version, image store, storage driver),
        read once from ``docker info``."""
        if self._profile is None:
            from layerlab.engine.profile import profile_from_info

            self._profile = profile_from_info(self.info())
        return self._profile

    def ctr_command(self) -> list[str] | None:
        """``ctr`` addressed to this engine's containerd and namespace (from ``docker info``),
        or None where there is no ``ctr`` (beside the docker client, or on PATH), or
        containerd's socket is not named or not usable here (it needs root)."""
        ctd = self.info().get("Containerd") or {}
        address = ctd.get("Address") or ""
        beside = Path(self.cli).with_name("ctr")
        tool = str(beside) if beside.is_file() else shutil.which("ctr")
        if not address or not tool or not os.access(address, os.W_OK):
            return None
        return [tool, "--address", address, "--namespace", (ctd.get("Namespaces") or {}).get("Containers") or "moby"]

    def collect_garbage(self) -> bool:
        """Have the engine's containerd collect its garbage now, as ``docker rmi`` has it do.

        What the containerd store drops (BuildKit's scratch snapshots, ``docker diff``'s view)
        leaves its folder on disk until containerd's garbage collector next runs, which it
        paces (``pause_threshold``): seconds later on a busy host. Deleting an empty lease
        ``--sync`` runs a collection and waits for it (containerd ``leases.SynchronousDelete``),
        so a listing of containerd's root then shows what it keeps. False where there is no
        :meth:`ctr_command`, and with the classic store: its images are not in containerd, and
        ``ctr`` would make containerd's introspection uuid, which only the containerd store's
        dockerd asks for."""
        ctr = self.ctr_command() if self.profile().containerd else None
        if ctr is None:
            return False
        lease = self._run(*ctr[1:], "leases", "create", cli=ctr[0]).stdout.split()[-1]
        self._run(*ctr[1:], "leases", "delete", "--sync", lease, cli=ctr[0])
        return True

    def export_filesystem(self, image: str, path: Path) -> None:
        """``docker create`` + ``docker export``: a container's merged filesystem as a tar."""
        container = self._run("create", "--network", "none", image, "true").stdout.strip()
        try:
            self._run("export", "-o", str(path), container, timeout=BUILD_TIMEOUT)
        finally:
            self._run("rm", "-f", container)

    def images(self) -> list[dict[str, Any]]:
        """``docker images`` rows (Repository, Tag, ID with full digest, Size...)."""
        out = self._run("images", "--no-trunc", "--format", "{{json .}}").stdout
        return _json_lines(out)

