#!/usr/bin/env python3
"""How many generated scenarios ``layerlab fuzz`` runs per minute against a real engine,
and where the time goes.

    python benchmarks/fuzz_rate.py --engine unix:///tmp/F20/docker.sock [--runs 30] [--seed 1] [--no-write]

The engine must be one the fuzzer may fill (a private ``scripts/private-dockerd``; what
the run makes is removed again). The run is ``layerlab fuzz``'s own (:func:`layerlab.compare.fuzz.fuzz`),
with clocks around its parts:

- **engine**: the docker CLI calls, by kind: builds (``build``, FROM scratch builds and
  the ``save``/load of what only the engine can build), containers (``run``, ``exec``,
  ``create``, ``stop``, ``commit``...), observations (``images``, ``ps``, ``inspect``,
  ``system df``...), clean-up (``rm``, ``image rm``, ``builder prune``, the listings
  that find what a scenario made);
- **data root**: reading the engine's data root for ``tree`` lines (compare's real side,
  outside docker calls);
- **simulator**: the same lines on the simulated host;
- **the rest**: drawing scenarios (hypothesis), writing their files, comparing, shrinking's
  bookkeeping.

Results are printed as a markdown table and written to ``benchmarks/results-fuzz.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from layerlab.cli.scenarios import engine_at_host  # noqa: E402
from layerlab.compare import fuzz as fuzz_module  # noqa: E402
from layerlab.compare import real_side, simulated  # noqa: E402

RESULTS = HERE / "results-fuzz.md"
#: docker verbs by where their time goes.
KINDS = {
    "build": "engine: builds", "save": "engine: builds", "load": "engine: builds", "tag": "engine: builds",
    "run": "engine: containers", "create": "engine: containers", "exec": "engine: containers",
    "start": "engine: containers", "stop": "engine: containers", "commit": "engine: containers",
    "images": "engine: observations", "history": "engine: observations", "inspect": "engine: observations",
    "image inspect": "engine: observations", "diff": "engine: observations", "system": "engine: observations",
    "info": "engine: observations", "version": "engine: observations",
    "rm": "engine: clean-up", "rmi": "engine: clean-up", "builder": "engine: clean-up", "prune": "engine: clean-up",
}
#: the engine's own methods compare calls (around its docker calls), by the same parts.
METHODS = {"build": "engine: builds", "save": "engine: builds", "load": "engine: builds",
           "images": "engine: observations", "inspect_image": "engine: observations"}
#: listings: a scenario's own ``docker images`` is an observation, the fuzzer's snapshots
#: (``-q``: what a scenario made) are clean-up.
LISTINGS = {"ps", "images", "volume"}


class Clocks:
    """Seconds per part of the run; nested clocks count only in the innermost."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list[float]] = []

    @contextmanager
    def timing(self, part: str) -> Iterator[None]:
        started, inner = time.perf_counter(), [0.0]
        self._stack.append(inner)
        try:
            yield
        finally:
            self._stack.pop()
            spent = time.perf_counter() - started
            self.seconds[part] += spent - inner[0]
            self.calls[part] += 1
            if self._stack:
                self._stack[-1][0] += spent


def docker_kind(args: list[str]) -> str:
    words = [a for a in args if not a.startswith("-")]
    first = words[0] if words else ""
    if first in LISTINGS and any(a in ("-q", "-aq") for a in args):
        return "engine: clean-up"
    if first == "image" and len(words) > 1:
        first = "rm" if words[1] in ("rm", "prune") else ("image inspect" if words[1] == "inspect" else "images")
    if first == "volume" and len(words) > 1:
        return "engine: clean-up" if words[1] in ("rm", "prune") else "engine: containers" if words[1] == "create" \
            else "engine: observations"
    if first == "container" and len(words) > 1:
        first = words[1]
    return KINDS.get(first, "engine: observations" if first in LISTINGS else "engine: other")


class TimedEngine:
    """The engine, with every docker call (and save/load) on the clocks."""

    def __init__(self, engine: Any, clocks: Clocks) -> None:
        self._engine, self._clocks = engine, clocks

    def docker(self, args: list[str], **kwargs: Any) -> Any:
        with self._clocks.timing(docker_kind(args)):
            return self._engine.docker(args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._engine, name)
        if not callable(value) or name in ("profile",):
            return value

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self._clocks.timing(METHODS.get(name, f"engine: {name}")):
                return value(*args, **kwargs)

        return timed


@contextmanager
def clocked(clocks: Clocks) -> Iterator[None]:
    """Clocks around the simulator's lines and the real side's ``tree`` lines (which read
    the engine's data root outside docker calls)."""
    run, tree = simulated.SimulatedSide.run, real_side.HANDLERS["tree"]

    def sim_run(side: Any, command: Any) -> Any:
        with clocks.timing("simulator"):
            return run(side, command)

    def real_tree(*args: Any) -> Any:
        with clocks.timing("data root (tree lines)"):
            return tree(*args)

    simulated.SimulatedSide.run = sim_run  # type: ignore[method-assign]
    real_side.HANDLERS["tree"] = real_tree
    try:
        yield
    finally:
        simulated.SimulatedSide.run = run  # type: ignore[method-assign]
        real_side.HANDLERS["tree"] = tree


def table(clocks: Clocks, total: float, result: Any, args: argparse.Namespace, engine: Any) -> str:
    scenarios = result.agree + result.differ
    rows = sorted(clocks.seconds.items(), key=lambda kv: -kv[1])
    accounted = sum(clocks.seconds.values())
    lines = [
        f"# layerlab fuzz: scenarios per minute ({dt.date.today()})",
        "",
        f"{engine.profile().describe()}; `layerlab fuzz --runs {args.runs} --seed {args.seed}`; "
        f"{os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}.",
        "",
        f"**{scenarios} scenarios in {total:.0f} s: {60 * scenarios / total:.1f} per minute** "
        f"({result.agree} agree, {result.differ} differ; {total / max(scenarios, 1):.1f} s each).",
        "",
        "| where | seconds | share | calls |",
        "|---|---:|---:|---:|",
    ]
    for part, seconds in rows:
        lines.append(f"| {part} | {seconds:.1f} | {100 * seconds / total:.0f} % | {clocks.calls[part]} |")
    lines.append(f"| the rest (drawing, files, comparing, shrinking) | {total - accounted:.1f} | "
                 f"{100 * (total - accounted) / total:.0f} % | |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", metavar="DOCKER_HOST", help="the engine (default: $DOCKER_HOST)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=Path("/tmp/layerlab-fuzz-bench-found"),
                        help="where a disagreement is kept (not scenarios/found: a benchmark records no findings)")
    parser.add_argument("--shrink-seconds", type=float, default=60.0, help="shrinking a disagreement at most")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    clocks = Clocks()
    engine = TimedEngine(engine_at_host(args.engine), clocks)
    started = time.perf_counter()
    with clocked(clocks):
        result = fuzz_module.fuzz(engine, runs=args.runs, seed=args.seed, keep=args.keep,
                                 shrink_seconds=args.shrink_seconds)
    text = table(clocks, time.perf_counter() - started, result, args, engine)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
