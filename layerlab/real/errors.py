"""What goes wrong when talking to a Docker Engine: a failed command, or no engine at all."""

from __future__ import annotations

__all__ = ["EngineError", "EngineUnavailable"]


class EngineError(Exception):
    """A docker command failed; the message names the command and quotes docker's stderr."""

    def __init__(
        self,
        message: str,
        *,
        cmd: list[str] | None = None,
        returncode: int | None = None,
        stderr: str = "",
    ) -> None:
        super().__init__(message)
        self.cmd = cmd
        self.returncode = returncode
        self.stderr = stderr


class EngineUnavailable(EngineError):
    """No docker client, or the daemon at ``host`` does not answer."""
