"""Scenarios: the same docker command lines on the simulated host and on a real engine.

A scenario is a text file of ``docker ...`` lines (:mod:`.lines`). :func:`play` runs it on
one side and prints what docker prints; :func:`compare_scenario` runs both and reports
every difference a user would see (:mod:`.facts`, :mod:`.differences`): which steps made
layers and their sizes, which steps were CACHED, history rows, image sizes, ``system df``,
``docker diff``, the data root. Random ids and times never take part in a comparison.

The simulated side plays the engine it is compared with: its profile (version, image
store, storage driver) comes from the engine's ``docker info``. What a run makes on the
engine, and its temp folder, are removed when it ends, however it ends (:mod:`.leftovers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .arguments import made_tags, parse_run
from .differences import differences, only_made_images
from .engine_builds import build_on_engine, needs_engine
from .facts import Side
from .leftovers import EngineObjects, remove_made
from .lines import Command, ScenarioError, parse_scenario
from .real_side import RealSide
from .simulated import SimulatedSide, host_playing

__all__ = ["LineReport", "clean_engine", "compare_line", "compare_scenario", "play"]


def play(
    path: Path, *, engine: Any = None, profile: Any = None, echo: Callable[[str], None] = print
) -> bool:
    """Run a scenario on one side and print what docker prints; False if a line failed.

    On ``engine`` if given (what it makes is removed at the end), else on a simulated host
    playing ``profile`` (a name or :class:`~layerlab.engine.profile.EngineProfile`; None:
    ``$LAYERLAB_ENGINE``, else the default)."""
    path = Path(path)
    commands = parse_scenario(path.read_text())
    if engine is None:
        return _play_on(SimulatedSide(path.parent, host_playing(profile)), commands, echo)
    before = EngineObjects.of(engine)
    try:
        with RealSide(path.parent, engine) as real:
            return _play_on(real, commands, echo)
    finally:
        remove_made(engine, before)


def _play_on(side: Side, commands: list[Command], echo: Callable[[str], None]) -> bool:
    ok = True
    for command in commands:
        echo(f"$ {command.text}")
        observed = side.run(command)
        if observed.output:
            echo(observed.output.rstrip())
        ok &= observed.ok
    return ok


@dataclass
class LineReport:
    """One line of a comparison: what differs (nothing when both sides agree), and a note."""

    command: Command
    differences: list[str]
    note: str = ""

    @property
    def passed(self) -> bool:
        return not self.differences


def compare_scenario(path: Path, engine: Any, *, echo: Callable[[str], None] = print,
                     stop_at_difference: bool = False) -> list[LineReport]:
    """Run a scenario on both sides, line by line; report what differs.

    The simulator plays ``engine``'s profile; what the lines make on the engine is removed
    at the end, also when a line fails or the run is interrupted. ``stop_at_difference``:
    the lines after the first that differs are not run (``layerlab fuzz`` shrinks by it)."""
    path = Path(path)
    base = path.parent
    commands = parse_scenario(path.read_text())
    sim = SimulatedSide(base, host_playing(engine.profile()))
    clean_engine(engine, commands, base)
    before = EngineObjects.of(engine)
    tags = made_tags(commands, base)
    reports = []
    try:
        with RealSide(base, engine) as real:
            for command in commands:
                report = compare_line(command, sim, real, tags)
                reports.append(report)
                echo(f"{'ok  ' if report.passed else 'DIFF'} {path.name}:{command.number}: {command.text}"
                     + (f"  ({report.note})" if report.note else ""))
                for difference in report.differences:
                    echo(f"       {difference}")
                if stop_at_difference and not report.passed:
                    break
    finally:
        remove_made(engine, before)
    return reports


def compare_line(command: Command, sim: SimulatedSide, real: RealSide, tags: set[str]) -> LineReport:
    """One line on both sides (a build only an engine can make: built there, loaded here)."""
    if needs_engine(command, sim.base):
        observed = build_on_engine(command, real, sim)
        if not observed.ok:
            return LineReport(command, [f"engine failed: {observed.output.strip()[-300:]}"])
        return LineReport(command, [], "FROM scratch: built on the engine, loaded into the simulator")
    mine, theirs = sim.run(command), real.run(command)
    note = only_made_images(mine, theirs, tags) or theirs.note
    return LineReport(command, list(differences(mine, theirs)), note)


def clean_engine(engine: Any, commands: Iterable[Command], base: Path) -> None:
    """Start from a clean slate: remove the containers (by --name) and named volumes the
    lines will make, the tags they will make, and the build cache. One docker call for
    each kind (docker removes what there is, and names what was not there)."""
    commands = list(commands)
    containers, volumes = [], []
    for command in commands:
        named_containers, named_volumes = _named(command)
        containers += named_containers
        volumes += named_volumes
    for removal in (["rm", "-f", "-v", *containers], ["volume", "rm", "-f", *volumes],
                    ["image", "rm", "-f", *sorted(made_tags(commands, base))]):
        if len(removal) > 3:  # something to remove after the three words of the command
            _quietly(engine.docker, removal)
    engine.docker(["builder", "prune", "-af"])
    engine.docker(["image", "prune", "-f"])


def _named(command: Command) -> tuple[list[str], list[str]]:
    """The containers and volumes ``command`` will make by name."""
    if command.verb == "run":
        try:
            run = parse_run(command.args)
        except ScenarioError:  # the line itself will say what is wrong with it
            return [], []
        named = [spec.split(":")[0] for spec in run.volumes if ":" in spec and not spec.startswith("/")]
        return ([run.name] if run.name else []), named
    if command.verb == "volume create" and command.args:
        return [], [command.args[-1]]
    return [], []


def _quietly(remove: Callable[[Any], Any], what: Any) -> None:
    try:
        remove(what)
    except Exception:  # noqa: BLE001 - not there yet
        pass
