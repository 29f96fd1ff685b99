"""Running commands in a container: ``docker run``'s command and ``docker exec``.

The model's :class:`~layerlab.model.container.Container` holds state and a filesystem;
processes are the engine's. A command runs in :mod:`layerlab.shell` on the container's
filesystem (mounts included), with the image's environment plus ``HOSTNAME`` and
``HOME``, in its working directory. No time passes in the model: a command ending in
``sleep N`` or ``tail -f FILE`` is taken to keep the container running; anything else
exits with its status.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from typing import Any

from layerlab.model.container import Container
from layerlab.shell import ShellResult, run_exec, run_shell

_SHELLS = ("sh", "/bin/sh")
_KEEPS_RUNNING = re.compile(r"(^|[;&|]\s*|\bexec\s+)(sleep\s+(\d+|infinity)|tail\s+-f\s+\S+)\s*$")


def run_command(container: Container, argv: Sequence[str], env: Sequence[str] = ()) -> ShellResult:
    """Run ``argv`` as a process in ``container``: ``sh -c SCRIPT`` through the shell, any
    other program as the shell's ``exec`` would; ``sh`` alone reads no stdin and exits 0."""
    environment = dict(e.split("=", 1) for e in [*container.env, *env] if "=" in e)
    environment.setdefault("HOSTNAME", container.id[:12])
    environment.setdefault("HOME", "/root")
    argv = list(argv)
    if not argv or (len(argv) == 1 and argv[0] in _SHELLS):
        return ShellResult(0, "", "")
    if argv[0] in _SHELLS and len(argv) >= 3 and argv[1] == "-c":
        return run_shell(container.fs, argv[2], env=environment, cwd=container.workdir)  # type: ignore[arg-type]
    return run_exec(container.fs, argv, env=environment, cwd=container.workdir)  # type: ignore[arg-type]


def keeps_running(command: Sequence[str]) -> bool:
    """Whether a container with this command stays up: it ends in ``sleep`` or ``tail -f``."""
    command = list(command)
    if len(command) > 2 and command[:2] in (["sh", "-c"], ["/bin/sh", "-c"]):
        text = command[2]
    else:
        text = shlex.join(command)
    return bool(_KEEPS_RUNNING.search(text.strip()))


class HostContainer(Container):
    """A container on a simulated host: the model's container plus what ran in it.

    ``output`` holds every result, the command's first (``docker logs`` reads it);
    ``image_id`` the id of its image in the host's store (the config digest in the classic
    store, the index or manifest digest in the containerd store)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.output: list[ShellResult] = []
        self.image_id = self.image.image_id

    def exec(self, command: str | Sequence[str], *, env: Sequence[str] = ()) -> ShellResult:
        """Run a command (argv, or a string split like the docker CLI splits it) inside."""
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        result = run_command(self, argv, env)
        self.output.append(result)
        return result

    def start(self) -> ShellResult:
        """Run the container's command; it keeps running or exits with its status."""
        result = self.exec(self.command)
        self.running = keeps_running(self.command)
        self.exit_code = None if self.running else result.status
        return result
