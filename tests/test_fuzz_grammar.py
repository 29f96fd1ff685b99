"""The fuzzer's grammar, without an engine: every scenario it draws is valid docker lines
and Dockerfiles the model reads, any subset of its actions is a scenario too (shrinking),
the simulator runs them without a traceback, and CI's seed and run count (``.ci/run``)
reach every feature of the grammar."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerlab.build.dockerfile import parse_dockerfile
from layerlab.compare.arguments import parse_build, parse_run, parse_tree
from layerlab.compare.fuzz import FOUND_BIND_ROOT, planned
from layerlab.compare.fuzz_actions import BASE_FOLDER, PRELUDE, render
from layerlab.compare.fuzz_features import grammar_features
from layerlab.compare.fuzz_grammar import actions, scenarios
from layerlab.compare.fuzz_paths import Op, PathGuess, render_op
from layerlab.compare.fuzz_scenario import TOUCHED_MTIME, WRITTEN_MTIME, FuzzScenario
from layerlab.compare.lines import SUPPORTED, parse_scenario
from layerlab.compare.simulated import SimulatedSide, host_playing
from layerlab.model.errors import LayerlabError
from layerlab.shell import supported_commands

REPO = Path(__file__).resolve().parents[1]
QUICK = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _check_valid(scenario: FuzzScenario, tmp_path: Path) -> None:
    commands = parse_scenario(scenario.text())
    assert len(commands) == len(scenario.lines)
    for command in commands:
        verb = command.verb
        assert verb == "tree" or verb in SUPPORTED
        if verb == "build":
            build = parse_build(command.args, tmp_path)
            assert build.context.name in scenario.contexts
        elif verb == "run":
            parse_run(command.args)
        elif verb == "tree":
            parse_tree(command.args)
    for folder, files in scenario.contexts.items():
        text = files["Dockerfile"][0].decode()
        instructions = parse_dockerfile(text)
        assert instructions[0].keyword == "FROM"
        if folder == BASE_FOLDER:
            continue
        for instruction in instructions:
            if instruction.keyword == "RUN":
                for part in re.split(r"&&", instruction.args):
                    assert shlex.split(part)[0] in supported_commands(), part


@pytest.mark.parametrize("store", ["classic", "containerd"])
def test_every_drawn_scenario_is_valid_docker_lines_and_dockerfiles(store: str, tmp_path: Path):
    @QUICK
    @given(scenarios(store=store))
    def check(scenario: FuzzScenario) -> None:
        _check_valid(scenario, tmp_path)

    check()


@QUICK
@given(st.tuples(st.booleans(), st.booleans(), st.booleans()), st.lists(actions(), min_size=1, max_size=8),
       st.data())
def test_any_subset_of_the_actions_is_a_valid_scenario(base, acts, data):
    """Shrinking removes actions freely: what is left still renders into valid lines."""
    keep = data.draw(st.lists(st.sampled_from(range(len(acts))), unique=True))
    subset = [acts[i] for i in sorted(keep)]
    full, part = render(base, acts), render(base, subset)
    _check_valid(part, Path("/tmp"))
    assert full.lines[: 1 + len(PRELUDE)] == part.lines[: 1 + len(PRELUDE)]  # the base build and prelude stay
    assert len(part.lines) <= len(full.lines) or len(subset) < len(acts)


def test_an_operation_on_a_missing_file_writes_one_first():
    guess = PathGuess()
    text = render_op(Op("append", n=1), guess)
    assert text == "mkdir -p /app && echo two > /app/a && echo two >> /app/a"
    assert guess.files == {"/app/a"}
    assert render_op(Op("mv", a=0, b=0, n=1), guess) == "mv /app/a /app/b.txt"
    assert guess.files == {"/app/b.txt"}
    assert render_op(Op("recreate", a=0, b=3), guess) == "rm -rf /app && mkdir /app && echo one > /app/d"
    assert guess.files == {"/app/d"}


def test_a_scenario_writes_its_contexts_with_fixed_times(tmp_path: Path):
    scenario = FuzzScenario(("docker build -t x c1",), {"c1": {"Dockerfile": (b"FROM fz-base\n", 0o644),
                                                              "a.txt": (b"a\n", 0o755)}}, frozenset({"c1/a.txt"}))
    path = scenario.write(tmp_path)
    assert path.read_text() == "docker build -t x c1\n"
    assert (tmp_path / "c1" / "a.txt").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "c1" / "a.txt").stat().st_mtime == TOUCHED_MTIME
    assert (tmp_path / "c1" / "Dockerfile").stat().st_mtime == WRITTEN_MTIME
    assert scenario.key() != FuzzScenario(scenario.lines, {"c1": {"Dockerfile": (b"FROM fz-base\n", 0o644)}}).key()


def _on_the_simulator(scenario: FuzzScenario, tmp_path: Path) -> None:
    """Every line on the simulated host: a refusal is an ERROR observation, never a traceback.
    The base (busybox from scratch, which only an engine can build) is alpine here."""
    text = scenario.contexts[BASE_FOLDER]["Dockerfile"][0].decode()
    text = "FROM alpine\n" + "".join(line + "\n" for line in text.splitlines()[3:])
    contexts = {**scenario.contexts, BASE_FOLDER: {"Dockerfile": (text.encode(), 0o644)}}
    path = FuzzScenario(scenario.lines, contexts, scenario.touched).write(tmp_path)
    side = SimulatedSide(path.parent, host_playing(scenario_profile(scenario)))
    for command in parse_scenario(path.read_text()):
        try:
            side.run(command)
        except LayerlabError:  # what compare's observe() turns into an ERROR line
            pass


def scenario_profile(scenario: FuzzScenario) -> str:
    return "28-containerd" if any("containerd" in line for line in scenario.lines) else "28"


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(scenarios(store="classic", bind_root=FOUND_BIND_ROOT))
def test_the_simulator_runs_drawn_scenarios_without_a_traceback(tmp_path_factory, scenario):
    _on_the_simulator(scenario, tmp_path_factory.mktemp("sim"))


def _ci_fuzz_step() -> tuple[int, int]:
    """The ``layerlab fuzz --runs N --seed S`` of ``.ci/run``."""
    text = (REPO / ".ci" / "run").read_text()
    match = re.search(r"layerlab fuzz --runs (\d+) --seed (\d+)", text)
    assert match, ".ci/run runs no 'layerlab fuzz --runs N --seed S'"
    return int(match.group(1)), int(match.group(2))


@pytest.mark.parametrize("store", ["classic", "containerd"])
def test_ci_runs_enough_scenarios_to_cover_the_grammar(store: str):
    runs, seed = _ci_fuzz_step()
    tried = planned(runs, seed, store=store)
    # each scenario counted runs on the engine, but for one whose lines all ran already
    # (the first lines of a longer one that agreed)
    assert runs * 0.95 <= len(tried) <= runs
    covered = set().union(*(s.features for s in tried))
    assert grammar_features(store) - covered == set()


def test_a_disagreement_is_shrunk_to_the_few_lines_that_show_it():
    """With a stand-in for the engine that differs at the first ``docker rmi``, the search
    keeps a scenario of the base, the prelude, what makes an image, and that rmi."""
    from layerlab.compare.fuzz import Outcome, search_runs

    engine_runs: list[FuzzScenario] = []

    def run(scenario: FuzzScenario) -> Outcome:
        engine_runs.append(scenario)
        at = next((i for i, line in enumerate(scenario.lines) if line.startswith("docker rmi")), None)
        return Outcome(at is not None, [], f"line {at}" if at is not None else "", 0.0, at)

    kept: list[FuzzScenario] = []

    def keep(search, attempt, index):
        kept.append(search.best)
        return Path(f"/kept/{index}")

    result = search_runs(scenarios(store="classic"), 60, 3, run, keep, echo=lambda line: None, shrink_seconds=60)
    assert result.agree + result.differ == 60
    assert result.differ >= 1 and len(kept) == result.differ
    for best in kept:
        assert best.lines[-1].startswith("docker rmi ")
        assert not any(line.startswith("docker rmi") for line in best.lines[:-1])
        # what makes the image (a tag; or a container and its commit), then rmi
        assert len(best.lines) <= 1 + len(PRELUDE) + 3, best.lines
    # each distinct scenario ran once; known first lines were not run again
    assert len({s.key() for s in engine_runs}) == len(engine_runs)
