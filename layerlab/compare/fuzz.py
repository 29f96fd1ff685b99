"""``layerlab fuzz``: generated scenarios on the simulator and a real engine, until they disagree.

Each example is a scenario drawn from the grammar (:mod:`.fuzz_grammar`), written to a
temp folder and run by :func:`~.scenario.compare_scenario`: the same lines on the
simulator (playing the engine's profile) and on the engine, compared by compare's own
rules, what it made on the engine removed afterwards. A disagreement is shrunk by
hypothesis over the scenario's structure (fewer actions, files, steps, simpler kinds);
every candidate runs on the same engine, cleaned between examples, and each distinct
scenario runs once (its outcome is remembered). The smallest is printed and kept as a
``.scenario`` with its contexts under ``keep`` (``scenarios/found/`` by default), then the
search goes on with the next seed until ``runs`` scenarios were tried.

The engine must be one the fuzzer may fill: it is left as it was found (what the examples
made is removed, also on an error or Ctrl-C), and each example starts without BuildKit's
records of earlier builds. On an engine that already holds containers, images or volumes,
``tree`` lines are left out: its data root shows more than the lines made; so they are on
an engine whose data root compare's own reading changes (:data:`SAVE_KEEPS_LAYERS`).
"""

from __future__ import annotations

import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layerlab.i18n import Texts
from layerlab.model.errors import LayerlabError

from .fuzz_scenario import SCENARIO_NAME, FuzzScenario
from .leftovers import EngineObjects, remove_made
from .scenario import compare_scenario

__all__ = ["DEFAULT_KEEP", "FOUND_BIND_ROOT", "FuzzResult", "Outcome", "fuzz", "run_example"]

#: Where shrunk disagreements are kept, relative to the working directory.
DEFAULT_KEEP = Path("scenarios/found")
#: Bind mounts' host folders in a kept scenario (each run's own temp folder is replaced by it).
FOUND_BIND_ROOT = "/tmp/layerlab-found-bind"
#: How long a disagreement is shrunk at most, in seconds (hypothesis stops at 300 itself).
SHRINK_SECONDS = 240.0
#: Seeds in a row that draw nothing new before a search gives up (a small remainder of
#: runs may draw only scenarios tried already: each seed's first draw is the simplest).
IDLE_SEEDS = 10
#: Draws hypothesis may make per scenario still to try (it draws some it drew before).
DRAWS_PER_RUN = 2
#: Engines whose data root compare's own reading changes for good: Engine 28.5's classic
#: store keeps the layers of an image ``docker save`` wrote when it was built FROM another
#: local image (build A; build B FROM A; save B; rmi both; builder prune -af: the layers
#: stay in ``image/overlay2/layerdb``). compare reads every build with ``docker save``, so
#: after such an example every later ``tree`` would show them; the fuzzer leaves trees out
#: there (scenario files with ``tree`` lines run on a never-used engine instead).
SAVE_KEEPS_LAYERS = frozenset({"28"})
#: Scenarios a search is drawn for at least: a search for the last few runs draws the
#: simplest scenarios first, which earlier seeds tried already.
MIN_DRAWN = 30

TEXT = Texts({
    "start": "layerlab fuzz: {runs} scenarios from seed {seed} against {engine}{trees}",
    "no_trees": " (tree lines left out: the engine holds {n} containers, images or volumes the fuzzer did not make)",
    "save_keeps_layers": " (tree lines left out: this engine keeps the layers of an image compare reads with docker save "
                         "when it was built FROM another local image, and later trees would show them)",
    "found": "DIFF scenario {index}: {first}\n     shrunk from {lines_from} to {lines_to} lines in {shrinks} runs "
             "({seconds:.0f} s); kept in {where}",
    "progress": "{done}/{runs}: {agree} agree, {differ} differ ({seconds:.0f} s)",
    "example": "  {number:>4} {verdict} {lines:>2} lines {seconds:5.1f} s",
    "shrink": "       shrink {number:>3}: {verdict} {lines:>2} lines {seconds:5.1f} s",
    "summary": "{agree} agree, {differ} differ",
    "crash": "{side} raised {kind}: {message}",
    "header_found": "found by layerlab fuzz --seed {seed} against {engine}",
    "header_first": "first difference: {first}",
    "header_status": "status: open (add 'fixed in <commit>: what was wrong' when the model agrees)",
})


@dataclass
class Outcome:
    """One scenario on both sides: whether they differ, compare's report, the first
    difference, and at which line (0-based; None when every line agreed)."""

    differs: bool
    report: list[str]
    first: str = ""
    seconds: float = 0.0
    at: int | None = None


@dataclass
class FuzzResult:
    agree: int = 0
    differ: int = 0
    kept: list[Path] = field(default_factory=list)


class _Differs(Exception):
    """Raised inside the hypothesis test so it shrinks the scenario."""


def run_example(scenario: FuzzScenario, engine: Any, workdir: Path) -> Outcome:
    """``scenario`` on the simulator and on ``engine`` with compare's rules, up to the first
    line that differs; its folder is removed afterwards, and what it made on the engine by
    compare itself."""
    started = time.monotonic()
    forget_build_history(engine)
    folder = Path(tempfile.mkdtemp(prefix="example-", dir=workdir))
    printed: list[str] = []

    def ran() -> int:  # the lines compare reported on: the next one is where it stopped
        return sum(line.startswith(("ok ", "DIFF")) for line in printed)

    try:
        path = scenario.write(folder)
        try:
            reports = compare_scenario(path, engine, echo=printed.append, stop_at_difference=True)
        except LayerlabError as err:
            first = f"line {ran() + 1}: compare stopped: {err}"
            return Outcome(True, printed + [f"ERROR {err}"], first, time.monotonic() - started, ran())
        except Exception as err:  # noqa: BLE001 - a crash on either side is a finding, shown as one
            where = traceback.extract_tb(err.__traceback__)[-1]
            first = f"line {ran() + 1}: " + TEXT["crash"].format(
                side="a side", kind=type(err).__name__, message=f"{err} ({Path(where.filename).name}:{where.lineno})")
            return Outcome(True, printed + [first], first, time.monotonic() - started, ran())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    failed = [r for r in reports if not r.passed]
    if not failed:
        return Outcome(False, printed, "", time.monotonic() - started)
    r = failed[0]
    first = f"line {r.command.number}: {r.command.text}: {r.differences[0]}"
    return Outcome(True, printed, first, time.monotonic() - started, r.command.number - 1)


def forget_build_history(engine: Any) -> None:
    """Remove BuildKit's records of earlier builds (``docker buildx history rm --all``), as
    the model starts without them: with the containerd store each record keeps its image's
    index, manifest and config blobs after the image is gone, and a later example's ``tree``
    of containerd's content store would show them. compare's own clean-up prunes the build
    cache; only the fuzzer, on an engine it may fill, forgets the history too. An engine
    whose buildx has no ``history`` (Engine 20.10's) keeps none to forget."""
    from layerlab.real.errors import EngineError  # compare never loads an engine client itself

    try:
        engine.docker(["buildx", "history", "rm", "--all"])
    except EngineError:
        pass


class _Memo:
    """What the lines run so far showed: every run of first lines that agreed, and the
    ones whose last line differed first. A scenario whose first lines are known needs no
    engine: shrinking mostly tries such scenarios."""

    def __init__(self) -> None:
        self.agreed: set[str] = set()
        self.differed: dict[str, Outcome] = {}
        #: every scenario drawn (its full key), to count each once
        self.seen: set[str] = set()

    def lookup(self, scenario: FuzzScenario) -> Outcome | None:
        for key in scenario.prefix_keys():
            if key in self.differed:
                return self.differed[key]
            if key not in self.agreed:
                return None
        return Outcome(False, [])

    def record(self, scenario: FuzzScenario, outcome: Outcome) -> None:
        keys = scenario.prefix_keys()
        self.agreed.update(keys[: len(keys) if outcome.at is None else outcome.at])
        if outcome.at is not None:
            self.differed[keys[outcome.at]] = outcome


@dataclass
class _Search:
    """One hypothesis search: how many new scenarios agreed before the first disagreement,
    and the smallest disagreeing scenario (cut after its first differing line)."""

    memo: _Memo
    agreed: int = 0
    first_found: float | None = None
    best: FuzzScenario | None = None
    best_outcome: Outcome | None = None
    original: FuzzScenario | None = None
    runs_after: int = 0
    #: scenarios run before this search (for numbering them)
    numbered: int = 0
    #: how many new scenarios this search may try
    budget: int = 0


def _check(scenario: FuzzScenario, search: _Search, run: Callable[[FuzzScenario], Outcome],
           shrink_seconds: float, echo: Callable[[str], None]) -> None:
    shrinking = search.first_found is not None
    new = scenario.key() not in search.memo.seen
    if not shrinking and search.agreed >= search.budget:
        return  # enough: hypothesis draws on (its examples are cheap), nothing more runs
    search.memo.seen.add(scenario.key())
    outcome = search.memo.lookup(scenario)
    if outcome is None:
        if shrinking and time.monotonic() - (search.first_found or 0.0) > shrink_seconds:
            return  # out of time: only what is known to differ still does
        outcome = run(scenario)
        search.memo.record(scenario, outcome)
        verdict = "DIFF " if outcome.differs else "agree"
        if shrinking:
            search.runs_after += 1
            echo(TEXT["shrink"].format(number=search.runs_after, verdict=verdict, lines=len(scenario.lines),
                                       seconds=outcome.seconds))
        else:
            echo(TEXT["example"].format(number=search.numbered + search.agreed + 1, verdict=verdict,
                                        lines=len(scenario.lines), seconds=outcome.seconds))
    if not shrinking and new:
        search.agreed += not outcome.differs  # each distinct scenario counts once
    if not outcome.differs:
        return
    assert outcome.at is not None
    cut = scenario.prefix(outcome.at + 1)
    if search.first_found is None:
        search.first_found, search.original = time.monotonic(), scenario
    if search.best is None or (len(cut.lines), cut.size()) < (len(search.best.lines), search.best.size()):
        search.best, search.best_outcome = cut, outcome
    raise _Differs(outcome.first)


def _search(strategy: Any, runs: int, seed: int, check: Callable[[FuzzScenario], None]) -> None:
    """Run ``check`` on up to ``runs`` drawn scenarios; a failing one is shrunk."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as seeded

    @seeded(seed)
    @settings(max_examples=runs, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink],
              verbosity=Verbosity.quiet, print_blob=False)
    @given(strategy)
    def test(scenario: FuzzScenario) -> None:
        check(scenario)

    test()


def _strategy(store: str, trees: bool, bind_root: str, max_actions: int | None) -> Any:
    from .fuzz_grammar import MAX_ACTIONS, scenarios

    return scenarios(store=store, trees=trees, bind_root=bind_root, max_actions=max_actions or MAX_ACTIONS)


def planned(runs: int, seed: int, *, store: str = "classic", trees: bool = True,
            max_actions: int | None = None) -> list[FuzzScenario]:
    """The scenarios ``fuzz(runs=runs, seed=seed)`` tries on an engine of this image store
    when every one agrees (how CI's count is checked to cover the grammar, without an engine)."""
    tried: list[FuzzScenario] = []

    def run(scenario: FuzzScenario) -> Outcome:
        tried.append(scenario)
        return Outcome(False, [])

    search_runs(_strategy(store, trees, FOUND_BIND_ROOT, max_actions), runs, seed, run,
                lambda search, attempt, index: Path(), echo=lambda line: None)
    return tried


def fuzz(engine: Any, *, runs: int = 20, seed: int = 0, keep: Path = DEFAULT_KEEP,
         echo: Callable[[str], None] = print, shrink_seconds: float = SHRINK_SECONDS,
         max_actions: int | None = None) -> FuzzResult:
    """``runs`` generated scenarios on the simulator and ``engine``; each disagreement
    shrunk, printed and kept under ``keep``. The engine is left as it was found."""
    profile = engine.profile()
    before = EngineObjects.of(engine)
    held = len(before.containers) + len(before.images) + len(before.volumes)
    leaks = profile.name in SAVE_KEEPS_LAYERS
    trees = held == 0 and not leaks
    echo(TEXT["start"].format(runs=runs, seed=seed, engine=profile.describe(),
                              trees="" if trees else TEXT["save_keeps_layers"] if leaks
                              else TEXT["no_trees"].format(n=held)))
    workdir = Path(tempfile.mkdtemp(prefix="layerlab-fuzz-"))
    bind_root = str(workdir / "bind")
    try:
        result = search_runs(_strategy(profile.image_store, trees, bind_root, max_actions), runs, seed,
                             lambda scenario: run_example(scenario, engine, workdir),
                             lambda search, attempt, index: _keep(search, keep, attempt, profile, bind_root, echo,
                                                                  index),
                             echo=echo, shrink_seconds=shrink_seconds)
    finally:
        try:
            remove_made(engine, before)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    echo(TEXT["summary"].format(agree=result.agree, differ=result.differ))
    return result


def search_runs(strategy: Any, runs: int, seed: int, run: Callable[[FuzzScenario], Outcome],
                keep: Callable[[_Search, int, int], Path], *, echo: Callable[[str], None] = print,
                shrink_seconds: float = SHRINK_SECONDS) -> FuzzResult:
    """Draw ``runs`` distinct scenarios from ``strategy``, starting at ``seed``, and ``run``
    each; a disagreement is shrunk and handed to ``keep``, then the search goes on from the
    next seed. Engine-free: :func:`fuzz` gives it an engine's ``run``."""
    result, memo = FuzzResult(), _Memo()
    started, attempt, idle = time.monotonic(), seed, 0
    while result.agree + result.differ < runs and idle < IDLE_SEEDS:
        remaining = runs - result.agree - result.differ
        search = _Search(memo, numbered=result.agree + result.differ, budget=remaining)
        try:
            _search(strategy, max(remaining, MIN_DRAWN) * DRAWS_PER_RUN + IDLE_SEEDS, attempt,
                    lambda s, search=search: _check(s, search, run, shrink_seconds, echo))
        except _Differs:
            pass
        except Exception as err:  # hypothesis's Flaky and friends: the smallest failing one still counts
            if search.best is None:
                raise
            echo(f"     (hypothesis: {type(err).__name__})")
        result.agree += search.agreed
        if search.best is not None:
            result.differ += 1
            result.kept.append(keep(search, attempt, result.differ))
        idle = idle + 1 if search.agreed == 0 and search.best is None else 0
        attempt += 1
        echo(TEXT["progress"].format(done=result.agree + result.differ, runs=runs, agree=result.agree,
                                     differ=result.differ, seconds=time.monotonic() - started))
    return result


def _keep(search: _Search, keep: Path, seed: int, profile: Any, bind_root: str, echo: Callable[[str], None],
          index: int) -> Path:
    """Save the smallest disagreement as ``keep/<profile>-<key>/fuzz.scenario`` with its
    contexts; print it with compare's report."""
    assert search.best is not None and search.original is not None and search.best_outcome is not None
    best, outcome = search.best, search.best_outcome
    lines = tuple(line.replace(bind_root, FOUND_BIND_ROOT) for line in best.lines)
    kept = FuzzScenario(lines, best.contexts, best.touched).with_header(
        TEXT["header_found"].format(seed=seed, engine=profile.describe()),
        TEXT["header_first"].format(first=outcome.first.replace(bind_root, FOUND_BIND_ROOT)),
        TEXT["header_status"],
    )
    folder = keep / f"{profile.name}-{kept.key()}"
    path = kept.write(folder, SCENARIO_NAME)
    echo(TEXT["found"].format(index=index, first=outcome.first, lines_from=len(search.original.lines),
                              lines_to=len(best.lines), shrinks=search.runs_after,
                              seconds=time.monotonic() - (search.first_found or time.monotonic()), where=folder))
    for line in kept.text().splitlines():
        echo(f"     | {line}")
    for line in outcome.report:
        if not line.startswith("ok "):
            echo(f"     {line}")
    return path
