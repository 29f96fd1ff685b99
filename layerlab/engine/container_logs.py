"""The host's side of container logs: ``docker run --log-driver/--log-opt`` and ``docker logs``.

A container's log is created with the container (the daemon's daemon.json settings merged
with its own, :func:`~.logs.log_config`) and filled by what its command prints to stdout
and stderr (``docker exec`` output is not logged: only the container's main process is).
It lives in the container's directory, so it goes with ``docker rm`` and ``container
prune``, and neither ``docker ps -s`` nor ``docker system df`` counts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from layerlab.model.container import Container
from layerlab.shell import ShellResult

from .daemon_config import DaemonConfig
from .logs import ContainerLog, LogConfig, log_config, nanos_at, records_of
from .profile import EngineProfile

__all__ = ["ContainerLogs", "LogBook"]

#: Engine 28 unlinks a full log file when max-file is 1; Engine 20.10 renames it to ``.1``.
UNLINKS_LONE_ROTATION_SINCE = "23.0"


class LogBook:
    """Every container's log on one host, and the clock their records are written by."""

    def __init__(self) -> None:
        self.by_id: dict[str, ContainerLog] = {}
        self._ticks = 0

    def times(self, lines: int) -> int:
        """The first of ``lines`` ticks (microseconds after the host's "now") for new records."""
        start, self._ticks = self._ticks, self._ticks + lines + 1
        return start * 1000


class ContainerLogs:
    """Log verbs of :class:`~.host.Host` (a mixin: it uses the host's containers and daemon)."""

    profile: EngineProfile
    daemon: DaemonConfig
    now: datetime
    log_book: LogBook

    def container(self, ref: Any) -> Any:
        raise NotImplementedError

    def _log_config(self, driver: str | None = None, opts: Mapping[str, str] | None = None) -> LogConfig:
        """A new container's logging driver and options, checked as the daemon checks them."""
        return log_config(self.daemon.log, driver, opts)

    def _start_log(self, container: Container, config: LogConfig | None = None) -> ContainerLog:
        """The log a new container gets (its configuration: :meth:`_log_config`)."""
        config = config or self._log_config()
        log = ContainerLog(container.id, config,
                           unlink_lone_rotation=self.profile.at_least(UNLINKS_LONE_ROTATION_SINCE))
        self.log_book.by_id[container.id] = log
        return log

    def _log_output(self, container: Container, result: ShellResult | None) -> None:
        """What the container's command printed, into its log."""
        log = self.log_book.by_id.get(container.id)
        if result is None or log is None:
            return
        start = self.log_book.times(result.stdout.count("\n") + result.stderr.count("\n") + 1)
        log.write(records_of(result.stdout, result.stderr, nanos_at(self.now) + start))

    def container_log(self, ref: Any) -> ContainerLog:
        """A container's log: its driver, options, files and records."""
        container = self.container(ref)
        found = self.log_book.by_id.get(container.id)
        return found if found is not None else self._start_log(container)

    def logs(self, ref: Any, *, tail: int | None = None) -> str:
        """``docker logs [--tail N]``: the lines the log still holds (rotated-away lines are
        gone), stdout and stderr as the container printed them."""
        return "".join(f"{r.text}\n" for r in self.container_log(ref).read(tail))

    def log_sizes(self, ref: Any) -> dict[str, int]:
        """Bytes of each file of a container's log, by name in ``containers/<id>/``."""
        return self.container_log(ref).sizes()
