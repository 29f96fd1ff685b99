"""Scenario files and the comparison logic, without an engine."""

from pathlib import Path

import pytest

from layerlab.compare.scenario import (
    Observation,
    ScenarioError,
    _differences,
    parse_buildkit_log,
    parse_scenario,
    play,
)


def test_parse_scenario_skips_comments_and_refuses_other_commands():
    commands = parse_scenario("# a comment\n\ndocker build -t a:1 ctx  # trailing\ndocker images\n")
    assert [c.argv for c in commands] == [["build", "-t", "a:1", "ctx"], ["images"]]
    assert [c.number for c in commands] == [3, 4]
    with pytest.raises(ScenarioError, match="line 1"):
        parse_scenario("rm -rf /\n")


def test_buildkit_plain_log_gives_steps_and_cached_marks():
    log = """#1 [internal] load build definition from Dockerfile
#5 [2/3] RUN echo one > /one.txt
#5 CACHED
#6 [3/3] COPY a /a
#6 DONE 0.1s
#7 [build 2/2] RUN make
#7 DONE 0.0s
"""
    assert parse_buildkit_log(log) == [("RUN echo one > /one.txt", True), ("COPY a /a", False), ("RUN make", False)]


def test_differences_name_what_differs():
    mine = Observation(True, "", {"history": [("RUN x", "1B")], "size": "1B"})
    theirs = Observation(True, "", {"history": [("RUN x", "2B")], "size": "1B"})
    assert list(_differences(mine, theirs)) == ["history[0]: simulator ('RUN x', '1B') != engine ('RUN x', '2B')"]
    assert list(_differences(mine, mine)) == []
    failed = Observation(False, "ERROR: boom", {})
    assert "simulator succeeded, engine failed" in list(_differences(mine, failed))[0]


def test_play_runs_a_scenario_on_the_simulated_host(tmp_path: Path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine\nRUN echo hi > /hi.txt\nENV A=1\n")
    scenario = tmp_path / "s.scenario"
    scenario.write_text("docker build -t app:1 app\ndocker build -t app:2 app\ndocker history app:2\n")
    out: list[str] = []
    assert play(scenario, echo=out.append)
    text = "\n".join(out)
    assert "#2 CACHED" in text
    assert "RUN /bin/sh -c echo hi > /hi.txt # buildkit" in text
