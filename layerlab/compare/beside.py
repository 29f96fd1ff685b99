"""The same docker lines on the simulator and on a real engine, line for line.

Each command's output is normalised on both sides (:mod:`layerlab.compare.transcript`) and the two
lists of lines are aligned, so a reader sees at a glance what the model gets right and where
it differs. Without an engine, the engine's side comes from a recording kept in the repo
(``notebooks/recorded/<notebook>.json``, written by ``scripts/record-engine-outputs``):
what an engine printed for the very same lines, normalised the same way.

Every line runs on both sides even after a failure, so the two columns stay line for line.
A FROM scratch build with RUN steps runs busybox, which the model cannot: as ``compare``
does, it is built on the engine and loaded into the simulator (with no engine, the
simulator cannot build it and says so).

The engine is any object with the :class:`layerlab.real.engine.Engine` methods; nothing
here imports an engine client or Jupyter.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from layerlab.engine.host import Host, full_ref
from layerlab.model.errors import LayerlabError

from .scenario import (
    Command,
    RealSide,
    ScenarioError,
    SimulatedSide,
    _dockerfile_path,
    _parse_build,
    _verb,
    parse_scenario,
    starts_from_scratch,
)
from .transcript import normalise_output

__all__ = [
    "Beside",
    "BesideRow",
    "EngineRun",
    "Recording",
    "RecordingError",
    "align",
    "beside_live",
    "beside_recorded",
    "beside_cells",
    "cell_commands",
    "find_recorded",
    "record",
]

#: The ``%%docker`` options that show both sides.
BESIDE_OPTIONS = ("--beside", "--compare")

#: What the simulator column says for a build only an engine can do.
ENGINE_ONLY = "(built on the engine and loaded here: FROM scratch with RUN steps runs busybox, the model cannot)"
NO_ENGINE_FOR_BASE = (
    "ERROR: FROM scratch with RUN steps runs busybox: only a real engine can build it"
)


class RecordingError(LayerlabError):
    """No recording of these lines, or a recording file that cannot be read."""


@dataclass
class BesideRow:
    """One command: what each side printed, normalised."""

    command: str
    simulator: list[str]
    engine: list[str]
    note: str = ""
    compared: bool = True

    @property
    def agree(self) -> bool:
        return not self.compared or self.simulator == self.engine

    def pairs(self) -> list[tuple[str | None, str | None, bool]]:
        """(simulator line, engine line, same?) rows; None where one side has no line."""
        if not self.compared:
            return [(a, b, True) for a, b in _zip_longest(self.simulator, self.engine)]
        return align(self.simulator, self.engine)


@dataclass
class Beside:
    """A cell run on both sides: rows, and where the engine's side came from."""

    rows: list[BesideRow]
    engine_label: str
    recorded: bool = False
    notice: str = ""

    @property
    def differing(self) -> list[BesideRow]:
        return [row for row in self.rows if not row.agree]


def align(left: list[str], right: list[str]) -> list[tuple[str | None, str | None, bool]]:
    """Pair equal lines, and differing runs line by line (a longer run leaves blanks)."""
    rows: list[tuple[str | None, str | None, bool]] = []
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [(a, a, True) for a in left[i1:i2]]
        else:
            rows += [(a, b, False) for a, b in _zip_longest(left[i1:i2], right[j1:j2])]
    return rows


def _zip_longest(a: list[str], b: list[str]) -> list[tuple[str | None, str | None]]:
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else None, b[i] if i < len(b) else None) for i in range(n)]


def cell_commands(cell: str) -> list[Command]:
    """The cell's docker lines, every one checked before anything runs anywhere."""
    commands = parse_scenario(cell)
    if not commands:
        raise ScenarioError("the cell has no docker lines")
    for command in commands:
        _verb(command.argv)
    return commands


def needs_engine(command: Command, base: Path) -> bool:
    """A build whose first stage is FROM scratch and RUNs something (busybox, in practice)."""
    verb, rest = _verb(command.argv)
    if verb != "build":
        return False
    try:
        path = _dockerfile_path(_parse_build(rest, base))
        if not starts_from_scratch(path):
            return False
        return any(
            line.split()[:1] and line.split()[0].upper() == "RUN"
            for line in path.read_text().splitlines()
        )
    except OSError:
        return False


def made_tags(commands: Iterable[Command], base: Path) -> set[str]:
    """``repo:tag`` names the lines create: image tables show only these rows."""
    tags: set[str] = set()
    for command in commands:
        verb, rest = _verb(command.argv)
        if verb == "build":
            tag = _parse_build(rest, base).tag
            if tag:
                tags.add(full_ref(tag))
        elif verb == "tag" and len(rest) > 1:
            tags.add(full_ref(rest[1]))
        elif verb == "commit":
            names = [w for w in rest if not w.startswith("-")]
            if len(names) > 1:
                tags.add(full_ref(names[-1]))
    return tags


def observe(side: Any, command: Command) -> tuple[bool, str]:
    """Run one line on one side; a malformed line is an ERROR output, never a traceback."""
    try:
        observed = side.run(command)
        return observed.ok, observed.output
    except LayerlabError as err:
        return False, f"ERROR: {err}"
    except Exception as err:  # noqa: BLE001 - a malformed line must not show a traceback
        return False, f"ERROR: {command.text}: {type(err).__name__}: {err}".rstrip(": ")


class EngineRun:
    """The engine's side across cells: one RealSide and the tags the lines made so far."""

    def __init__(self, engine: Any, base: Path) -> None:
        self.engine = engine
        self.base = Path(base)
        self.real = RealSide(self.base, engine)
        self.tags: set[str] = set()
        self._version: str | None = None

    @property
    def version(self) -> str:
        if self._version is None:
            self._version = str(self.engine.version().get("Version", "unknown"))
        return self._version

    def run(self, command: Command, host: Host | None = None) -> list[str]:
        """The engine's normalised output; a FROM-scratch-with-RUN build is loaded into ``host``."""
        self.tags |= made_tags([command], self.base)
        ok, output = observe(self.real, command)
        if ok and host is not None and needs_engine(command, self.base):
            tag = _parse_build(_verb(command.argv)[1], self.base).tag or "layerlab-untagged:latest"
            saved = self.real._tmp / "base.tar"
            self.engine.save([tag], saved)
            host.load(saved)
            saved.unlink()
        return normalise_output(command, output, ok, images=self.tags)


@dataclass
class _SimRun:
    host: Host
    base: Path
    tags: set[str] = field(default_factory=set)

    def run(self, command: Command) -> list[str]:
        self.tags |= made_tags([command], self.base)
        ok, output = observe(SimulatedSide(self.base, self.host), command)
        return normalise_output(command, output, ok, images=self.tags)


def beside_live(
    cell: str, host: Host, engine_run: EngineRun, *, tags: set[str] | None = None
) -> Beside:
    """Run the cell's lines on ``host`` and on the engine, each line on both sides."""
    commands = cell_commands(cell)
    sim = _SimRun(host, engine_run.base, tags if tags is not None else set())
    rows = []
    for command in commands:
        if needs_engine(command, engine_run.base):
            engine_lines = engine_run.run(command, host)
            sim.tags |= made_tags([command], sim.base)
            rows.append(
                BesideRow(
                    command.text,
                    [ENGINE_ONLY],
                    engine_lines,
                    "FROM scratch: built on the engine, loaded into the simulator",
                    compared=False,
                )
            )
            continue
        rows.append(BesideRow(command.text, sim.run(command), engine_run.run(command)))
    if tags is not None:
        tags |= sim.tags
    return Beside(rows, f"Docker Engine {engine_run.version}")


# -- recordings -----------------------------------------------------------------------------


@dataclass
class Recording:
    """What an engine printed, normalised, for each ``%%docker --beside`` cell of a notebook."""

    notebook: str
    engine_version: str
    recorded_on: str
    cells: list[dict[str, Any]]  # {"lines": [command text], "outputs": [[normalised line]]}
    path: Path | None = None

    @property
    def label(self) -> str:
        return f"recorded on Docker Engine {self.engine_version}, {self.recorded_on}"

    def outputs_for(self, commands: list[Command]) -> list[list[str]] | None:
        texts = [c.text for c in commands]
        for cell in self.cells:
            if cell["lines"] == texts:
                return [list(lines) for lines in cell["outputs"]]
        return None

    def to_json(self) -> str:
        data = {
            "notebook": self.notebook,
            "engine": {"version": self.engine_version},
            "recorded_on": self.recorded_on,
            "cells": self.cells,
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def load(cls, path: Path) -> Recording:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            cells = data["cells"]
            for cell in cells:
                if not (
                    isinstance(cell["lines"], list)
                    and isinstance(cell["outputs"], list)
                    and len(cell["lines"]) == len(cell["outputs"])
                ):
                    raise ValueError("each cell needs as many outputs as lines")
            return cls(
                str(data["notebook"]),
                str(data["engine"]["version"]),
                str(data["recorded_on"]),
                cells,
                path,
            )
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise RecordingError(
                f"{path.name}: not a recording of engine outputs ({type(err).__name__}: {err}); "
                "regenerate it with scripts/record-engine-outputs"
            ) from None

    @classmethod
    def new(cls, notebook: str, engine_version: str, today: date | None = None) -> Recording:
        return cls(notebook, engine_version, (today or date.today()).isoformat(), [])


def find_recorded(commands: list[Command], directory: Path) -> tuple[Recording, list[list[str]]]:
    """The recording (in ``directory``) of exactly these lines, and its outputs."""
    directory = Path(directory)
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        recording = Recording.load(path)
        outputs = recording.outputs_for(commands)
        if outputs is not None:
            return recording, outputs
    raise RecordingError(
        f"no recording of these {len(commands)} lines in {directory.name}/ "
        "(recorded cells must match line for line): run scripts/record-engine-outputs with an engine"
    )


def beside_recorded(
    cell: str, host: Host, directory: Path, base: Path, *, tags: set[str] | None = None
) -> Beside:
    """Run the cell on ``host``; the engine's side from the recording of the same lines."""
    commands = cell_commands(cell)
    recording, outputs = find_recorded(commands, directory)
    sim = _SimRun(host, Path(base), tags if tags is not None else set())
    rows = []
    for command, engine_lines in zip(commands, outputs):
        if needs_engine(command, sim.base):
            sim.tags |= made_tags([command], sim.base)
            rows.append(
                BesideRow(
                    command.text,
                    [NO_ENGINE_FOR_BASE],
                    engine_lines,
                    "FROM scratch with RUN: needs a live engine",
                    compared=False,
                )
            )
            continue
        rows.append(BesideRow(command.text, sim.run(command), engine_lines))
    if tags is not None:
        tags |= sim.tags
    return Beside(rows, recording.label, recorded=True)


def beside_cells(cells: list[dict[str, Any]]) -> list[str]:
    """The docker lines of every ``%%docker --beside`` code cell (nbformat cell dicts), in order."""
    found = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        first, _, rest = source.partition("\n")
        words = first.split()
        if words[:1] == ["%%docker"] and set(words[1:]) & set(BESIDE_OPTIONS):
            found.append(rest)
    return found


def notebook_beside_cells(path: Path) -> list[str]:
    """:func:`beside_cells` of a notebook file (.ipynb) or of a JSON list of cells."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return beside_cells(data["cells"] if isinstance(data, dict) else data)


def record(
    cells: list[str], engine: Any, base: Path, notebook: str, today: date | None = None
) -> Recording:
    """Run ``cells`` in order on ``engine`` (from ``base``) and keep the normalised outputs.

    The tags and build cache the lines use are removed first (as compare does), so a
    first build is a first build. FROM-scratch-with-RUN builds are loaded into a
    simulated host as in a live run, so later lines see the same images on both sides.
    """
    from .scenario import clean_engine

    parsed = [cell_commands(cell) for cell in cells]
    clean_engine(engine, [c for commands in parsed for c in commands], Path(base))
    run = EngineRun(engine, Path(base))
    host = Host()
    recording = Recording.new(notebook, run.version, today)
    for commands in parsed:
        outputs = [run.run(command, host) for command in commands]
        recording.cells.append({"lines": [c.text for c in commands], "outputs": outputs})
    return recording
