"""Container logs: what a container prints to stdout and stderr, kept by a logging driver.

Docker stores it outside every layer, in the container's directory of the data root, so
``docker ps -s`` and ``docker system df`` never count it, and ``docker rm`` removes it:

- ``json-file`` (the default): ``containers/<id>/<id>-json.log``, one JSON object a line
  (``{"log":"...\\n","stream":"stdout","time":"..."}``), no size limit unless ``max-size``
  is set (moby ``daemon/logger/jsonfilelog``); rotated files are ``<id>-json.log.1`` ...
  up to ``max-file`` files in all;
- ``local``: ``containers/<id>/local-logs/container.log``, length-framed protobuf records,
  20 MiB a file and 5 files by default, rotated files gzipped (moby ``daemon/logger/local``);
- ``none``: nothing is kept, and ``docker logs`` refuses.

Options come from daemon.json (``log-driver``, ``log-opts``) and ``docker run --log-driver
/ --log-opt``; the daemon's options fill in what a container of the same driver does not
set (moby ``daemon/logs.go`` ``mergeAndVerifyLogConfig``), when the container is created:
a daemon restarted with new options leaves existing containers as they were.

Rotation is the driver's (moby ``loggerutils/logfile.go``): before a record is written, a
file that has reached ``max-size`` (decimal units: ``100k`` is 100,000 bytes) is rotated;
``docker logs`` reads the rotated files and the current one. With ``max-file`` 1, Engine
20.10 still renames the full file to ``.1`` (kept, never read); Engine 28 unlinks it.

The model writes each record with a 30-character time (``2024-01-01T00:00:00.000000001Z``);
an engine's times drop trailing zeros, so its file sizes differ by a few bytes a thousand
lines: :func:`normalised_json_size` counts a json-file as if every time had 30 characters.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from layerlab.i18n import N_, _, translate

from .errors import HostError

__all__ = [
    "DRIVERS",
    "ContainerLog",
    "LogConfig",
    "LogFile",
    "Record",
    "log_config",
    "normalised_json_size",
]

#: The logging drivers the model keeps files for, and the options each accepts.
DRIVERS: dict[str, tuple[str, ...]] = {
    "json-file": ("max-file", "max-size", "compress", "labels", "labels-regex", "env", "env-regex", "tag"),
    "local": ("max-file", "max-size", "compress"),
    "none": (),
}
#: Characters of every time the model writes (an engine's are 20 to 30: trailing zeros go).
TIME_CHARS = 30
_UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
_LOCAL_DEFAULT_SIZE = 20 * 1024 * 1024
_LOCAL_DEFAULT_FILES = 5
#: The daemon's words when it refuses a configuration (moby's own, then what layerlab models).
UNKNOWN_DRIVER = "logger: no log driver named '{driver}' is registered"
#: What layerlab adds to UNKNOWN_DRIVER.
MODELLED_DRIVERS = N_(" (layerlab models the {drivers} drivers)")
UNKNOWN_OPT = "unknown log opt '{opt}' for {driver} log driver"
NO_READING = "configured logging driver does not support reading"


@dataclass(frozen=True)
class LogConfig:
    """A logging driver and its options (``HostConfig.LogConfig`` in ``docker inspect``)."""

    driver: str = "json-file"
    opts: Mapping[str, str] = field(default_factory=dict)

    def inspect(self) -> dict[str, object]:
        return {"Type": self.driver, "Config": dict(sorted(self.opts.items()))}

    @property
    def capacity(self) -> int:
        """Bytes a file may reach before it is rotated (-1: never)."""
        if "max-size" in self.opts:
            return _size(self.opts["max-size"])
        return _LOCAL_DEFAULT_SIZE if self.driver == "local" else -1

    @property
    def max_files(self) -> int:
        if "max-file" in self.opts:
            return int(self.opts["max-file"])
        return _LOCAL_DEFAULT_FILES if self.driver == "local" else 1

    @property
    def compress(self) -> bool:
        if "compress" in self.opts:
            return self.opts["compress"].lower() in ("1", "t", "true")
        return self.driver == "local" and self.max_files > 1


def _size(text: str) -> int:
    """go-units ``FromHumanSize``: ``100k`` -> 100000, ``10m`` -> 10000000 (decimal units)."""
    number = text.strip().lower().removesuffix("b").removesuffix("i")
    unit = number[-1:] if number[-1:] in _UNITS else ""
    try:
        value = float(number[: len(number) - len(unit)])
    except ValueError:
        raise HostError(f"invalid size: '{text}'" + _(" (a number with k, m or g: 10m, 100k)")) from None
    if value <= 0:
        raise HostError("max-size must be a positive number")
    return int(value * _UNITS[unit])


def log_config(daemon: LogConfig, driver: str | None = None, opts: Mapping[str, str] | None = None) -> LogConfig:
    """A new container's logging configuration: its own driver and options, the daemon's
    options added when it uses the daemon's driver; checked as the daemon checks it."""
    chosen = driver or daemon.driver
    merged = dict(opts or {})
    if chosen == daemon.driver:
        merged = {**daemon.opts, **merged}
    config = LogConfig(chosen, merged)
    check(config)
    return config


def check(config: LogConfig) -> None:
    """The driver's option checks (moby ``ValidateLogOpt`` and ``New``), in its words."""
    if config.driver not in DRIVERS:
        raise HostError(UNKNOWN_DRIVER.format(driver=config.driver)
                        + translate(MODELLED_DRIVERS).format(drivers=", ".join(DRIVERS)))
    for opt, value in config.opts.items():
        if opt not in DRIVERS[config.driver]:
            raise HostError(UNKNOWN_OPT.format(opt=opt, driver=config.driver))
        if not isinstance(value, str):
            raise HostError(_("log option {opt}: the value must be a string, as in daemon.json "
                              "\"log-opts\": {{\"{opt}\": \"{value}\"}}", opt=opt, value=value))
    config.capacity  # noqa: B018 - raises on a bad max-size
    try:
        files = config.max_files
    except ValueError:
        raise HostError(_("max-file: not a number: {value!r}", value=config.opts["max-file"])) from None
    if files < 1:
        raise HostError("max-file cannot be less than 1")
    if config.opts.get("compress", "").lower() in ("1", "t", "true") and (files == 1 or config.capacity == -1):
        raise HostError("compress cannot be true when max-file is less than 2 or max-size is not set")


@dataclass(frozen=True)
class Record:
    """One line a container printed: ``stream`` stdout or stderr, its text without the newline."""

    stream: str
    text: str
    nanos: int  #: when, in nanoseconds since the epoch

    def time(self) -> str:
        """RFC 3339 with nanoseconds (30 characters: the model's nanoseconds never end in 0)."""
        when = datetime.fromtimestamp(self.nanos // 10**9, tz=timezone.utc)
        return f"{when:%Y-%m-%dT%H:%M:%S}.{self.nanos % 10**9:09d}Z"

    def json_line(self) -> bytes:
        """The json-file driver's line (moby ``jsonlog.JSONLogs.MarshalJSONBuf``)."""
        return (f'{{"log":{_go_string(self.text + chr(10))},"stream":"{self.stream}",'
                f'"time":"{self.time()}"}}\n').encode()

    def local_frame(self) -> bytes:
        """The local driver's record: a 4-byte length, the protobuf ``LogEntry``, the length again."""
        line = self.text.encode()
        body = (_field(1, self.stream.encode()) + bytes([2 << 3]) + _varint(self.nanos) + _field(3, line))
        size = len(body).to_bytes(4, "big")
        return size + body + size


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, data: bytes) -> bytes:
    return bytes([number << 3 | 2]) + _varint(len(data)) + data


def _go_string(text: str) -> str:
    """A JSON string as moby's ffjson writer escapes it: ``\\n \\r \\t \\" \\\\``, other control
    characters and ``< > &`` U+2028 U+2029 as ``\\u00XX``."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char])
        elif ord(char) < 0x20 or char in "<>&\u2028\u2029":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


@dataclass
class LogFile:
    """One file of a container's log: its name in ``containers/<id>/`` and its records."""

    name: str
    records: list[Record] = field(default_factory=list)
    compressed: bool = False
    read: bool = True  #: ``docker logs`` reads it (20.10's lone ``.1`` with max-file 1 is not)

    def data(self, driver: str) -> bytes:
        raw = b"".join(r.json_line() if driver == "json-file" else r.local_frame() for r in self.records)
        return gzip.compress(raw, mtime=0) if self.compressed else raw

    def size(self, driver: str) -> int:
        return len(self.data(driver))


class ContainerLog:
    """What one container's logging driver keeps, written record by record as the driver does."""

    def __init__(self, container_id: str, config: LogConfig, *, unlink_lone_rotation: bool = True) -> None:
        self.config = config
        self.base = {"json-file": f"{container_id}-json.log", "local": "local-logs/container.log"}.get(config.driver)
        self.files: list[LogFile] = [LogFile(self.base)] if self.base else []  # current first
        self._size = 0
        self._unlink = unlink_lone_rotation

    @property
    def path(self) -> str:
        """``LogPath`` in ``docker inspect``, below the container's directory ("" for local
        and none: moby leaves it empty on purpose)."""
        return self.base if self.config.driver == "json-file" else ""

    def write(self, records: Iterable[Record]) -> None:
        if not self.files:
            return
        for record in records:
            if self.config.capacity != -1 and self._size >= self.config.capacity:
                self._rotate()
            self.files[0].records.append(record)
            self._size += len(record.json_line() if self.config.driver == "json-file" else record.local_frame())

    def _rotate(self) -> None:
        current, rotated = self.files[0], self.files[1:]
        keep = self.config.max_files
        if keep < 2:
            rotated = [] if self._unlink else [LogFile(current.name + ".1", current.records, read=False)]
        else:
            current.compressed = self.config.compress
            rotated = [current, *rotated][: keep - 1]
        self.files = [LogFile(self.base or ""), *rotated]
        for n, f in enumerate(self.files[1:], start=1):
            f.name = f"{self.base}.{n}" + (".gz" if f.compressed else "")
        self._size = 0

    def read(self, tail: int | None = None) -> list[Record]:
        """What ``docker logs [--tail N]`` prints: the kept records, oldest first."""
        if self.config.driver == "none":
            raise HostError(f"Error response from daemon: {NO_READING}")
        records = [r for f in reversed(self.files) if f.read for r in f.records]
        return records if tail is None else records[len(records) - tail :] if tail else []

    def sizes(self) -> dict[str, int]:
        """Bytes of each file, by name below ``containers/<id>/``."""
        return {f.name: f.size(self.config.driver) for f in reversed(self.files)}


def records_of(stdout: str, stderr: str, start: int) -> list[Record]:
    """What a process printed as records, stdout first, each 1 µs after the last (+1 ns)."""
    lines = [("stdout", t) for t in stdout.splitlines()] + [("stderr", t) for t in stderr.splitlines()]
    return [Record(stream, text, start + 1000 * i + 1) for i, (stream, text) in enumerate(lines)]


def nanos_at(when: datetime, offset: timedelta = timedelta()) -> int:
    """Nanoseconds since the epoch of ``when`` plus ``offset``."""
    moment = when + offset
    return int(moment.replace(tzinfo=moment.tzinfo or timezone.utc).timestamp()) * 10**9


def normalised_json_size(data: bytes) -> int:
    """A json-file's bytes with every ``time`` counted as 30 characters (what the model
    writes): an engine's and the model's files then compare exactly."""
    total = 0
    for line in data.splitlines(keepends=True):
        total += len(line) - len(json.loads(line)["time"]) + TIME_CHARS
    return total
