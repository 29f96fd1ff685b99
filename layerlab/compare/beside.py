"""The same docker lines on the simulator and on a real engine, line for line.

``beside_live`` asks each side to run the cell's lines (a :class:`Column` each), normalises
each output (:mod:`.transcript`) and aligns the two lists of lines, so a reader sees at a
glance what the model gets right and where it differs. Without an engine, ``beside_recorded``
takes the engine's side from a recording kept in the repo (:mod:`.recording`): what an
engine printed for the very same lines, normalised the same way. ``record`` makes one.

The simulator column plays the engine of the other column: live, the engine's own
profile (read from its ``docker info``); recorded, the learner's profile
(``$LAYERLAB_ENGINE``), whose recording is shown, labelled with the engine it came from.

Every line runs on both sides even after a failure, so the two columns stay line for line.
A FROM scratch build with RUN steps runs busybox, which the model cannot: as ``compare``
does, it is built on the engine and loaded into the simulator (:mod:`.engine_builds`; with
no engine, the simulator cannot build it and says so).

The engine is any object with the :class:`layerlab.real.engine.Engine` methods; nothing
here imports an engine client or Jupyter.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from layerlab.engine.host import Host
from layerlab.engine.profile import EngineProfile
from layerlab.i18n import N_, _, translate

from .arguments import made_tags
from .engine_builds import build_on_engine, needs_engine
from .facts import Observation, Side, observe
from .lines import Command, ScenarioError, parse_scenario, split_verb
from .real_side import RealSide
from .recording import Recording, find_recorded, shown_storage
from .scenario import clean_engine
from .simulated import SimulatedSide, host_playing, plays, profile_of
from .size_range import within_sizes
from .transcript import normalise_output

__all__ = [
    "Beside",
    "BesideRow",
    "Column",
    "EngineRun",
    "align",
    "beside_live",
    "beside_recorded",
    "cell_commands",
    "record",
]

#: What the simulator column says for a build only an engine can do.
ENGINE_ONLY = N_("(built on the engine and loaded here: FROM scratch with RUN steps runs busybox, the model cannot)")
NO_ENGINE_FOR_BASE = N_(
    "ERROR: FROM scratch with RUN steps runs busybox: only a real engine can build it"
)


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
        raise ScenarioError(_("the cell has no docker lines"))
    for command in commands:
        split_verb(command.argv)  # an unsupported verb is refused now, before any line runs
    return commands


class Column:
    """One side across cells: each line's output normalised, image tables cut to the tags
    the lines made so far (an engine may hold other images)."""

    def __init__(self, side: Side, base: Path, tags: set[str] | None = None) -> None:
        self.side = side
        self.base = Path(base)
        self.tags = tags if tags is not None else set()

    def note_made(self, command: Command) -> None:
        """The tags ``command`` makes now belong in this column's image tables."""
        self.tags |= made_tags([command], self.base)

    def lines(self, command: Command, observed: Observation | None = None) -> list[str]:
        """``command``'s normalised output: run now, unless it was ``observed`` already."""
        self.note_made(command)
        observed = observed if observed is not None else observe(self.side, command)
        return normalise_output(command, observed.output, observed.ok, images=self.tags)


class EngineRun(Column):
    """The engine's column across cells: one :class:`RealSide`, the engine's version and
    profile, and a simulated host playing that profile. :meth:`close` removes what the
    cells' lines made on the engine (noted line by line), and the side's temp folder."""

    def __init__(self, engine: Any, base: Path) -> None:
        self.real = RealSide(Path(base), engine, track=True)
        super().__init__(self.real, base)
        self.engine = engine
        self._version: str | None = None
        self._host: Host | None = None

    @property
    def version(self) -> str:
        if self._version is None:
            self._version = str(self.engine.version().get("Version", "unknown"))
        return self._version

    @property
    def profile(self) -> EngineProfile:
        return self.engine.profile()  # type: ignore[no-any-return]

    @property
    def label(self) -> str:
        """``Docker Engine 28.5.2+dfsg4 (containerd image store, overlayfs)``, the store in the
        learner's language."""
        return f"Docker Engine {self.version} ({shown_storage(storage_words(self.profile))})"

    def host_for(self, host: Host | None) -> Host:
        """``host`` if it plays this engine's profile, else the run's own host that does."""
        if host is not None and plays(host, self.profile):
            return host
        if self._host is None:
            self._host = host_playing(self.profile)
        return self._host

    def close(self) -> None:
        """Remove the containers, images and volumes the lines made, and the temp folder."""
        self.real.close()


def storage_words(profile: EngineProfile) -> str:
    """``containerd image store, overlayfs`` / ``classic image store, overlay2``."""
    return f"{'containerd' if profile.containerd else 'classic'} image store, {profile.storage_driver}"


def beside_live(
    cell: str, host: Host | None, engine_run: EngineRun, *, tags: set[str] | None = None
) -> Beside:
    """Run the cell's lines on the simulator and on the engine, each line on both sides.

    The simulator is ``host`` if it plays the engine's profile, else the run's own host
    that does (:meth:`EngineRun.host_for`), so both columns are the same engine."""
    commands = cell_commands(cell)
    simulated = SimulatedSide(engine_run.base, engine_run.host_for(host))
    sim = Column(simulated, engine_run.base, tags)
    rows = []
    try:
        for command in commands:
            if not needs_engine(command, sim.base):
                mine = sim.lines(command)
                theirs = engine_run.lines(command)
                rows.append(BesideRow(command.text, within_sizes(command, simulated.host, mine, theirs), theirs))
                continue
            built = build_on_engine(command, engine_run.real, simulated)
            sim.note_made(command)
            rows.append(BesideRow(command.text, [translate(ENGINE_ONLY)], engine_run.lines(command, built),
                                  _("FROM scratch: built on the engine, loaded into the simulator"),
                                  compared=False))
    finally:  # no temp files between cells: a kernel killed there (not shut down) leaves none
        engine_run.real.release_files()
    return Beside(rows, engine_run.label)


def beside_recorded(
    cell: str, host: Host, directory: Path, base: Path, *, tags: set[str] | None = None
) -> Beside:
    """Run the cell on ``host``; the engine's side from the recording of the same lines by
    the engine ``host`` plays (its profile's recording)."""
    commands = cell_commands(cell)
    recording, outputs = find_recorded(commands, directory, profile_of(host).name)
    sim = Column(SimulatedSide(Path(base), host), base, tags)
    rows = []
    for command, engine_lines in zip(commands, outputs):
        if not needs_engine(command, sim.base):
            rows.append(BesideRow(command.text, within_sizes(command, host, sim.lines(command), engine_lines),
                                  engine_lines))
            continue
        sim.note_made(command)
        rows.append(BesideRow(command.text, [translate(NO_ENGINE_FOR_BASE)], engine_lines,
                              _("FROM scratch with RUN: needs a live engine"), compared=False))
    return Beside(rows, recording.label, recorded=True)


def record(
    cells: list[str], engine: Any, base: Path, notebook: str, today: date | None = None
) -> Recording:
    """Run ``cells`` in order on ``engine`` (from ``base``) and keep the normalised outputs.

    The tags and build cache the lines use are removed first (as compare does), so a
    first build is a first build.
    """
    parsed = [cell_commands(cell) for cell in cells]
    clean_engine(engine, [c for commands in parsed for c in commands], Path(base))
    run = EngineRun(engine, Path(base))
    try:
        recording = Recording.new(notebook, run.version, today, profile=run.profile.name,
                                  storage=storage_words(run.profile))
        for commands in parsed:
            outputs = [run.lines(command) for command in commands]
            recording.cells.append({"lines": [c.text for c in commands], "outputs": outputs})
    finally:
        run.close()
    return recording
