"""Every build scenario agrees with a real engine: steps that make layers, sizes, CACHED
steps, history rows, images and system df (layerlab compare)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from engine_support import assert_scenario_agrees, clean_slate

from layerlab.compare.lines import parse_scenario

pytestmark = pytest.mark.engine

SCENARIOS = sorted(
    (Path(__file__).resolve().parents[2] / "scenarios" / "builds").glob("*.scenario")
)


def test_there_are_at_least_ten_build_scenarios():
    assert len(SCENARIOS) >= 10


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_agrees_with_the_engine(engine, scenario):
    clean_slate(engine)
    reports = assert_scenario_agrees(engine, scenario)
    assert not any("other images" in r.note for r in reports), "totals were not compared"


def test_compare_cli_exit_code_and_summary(engine):
    clean_slate(engine)
    scenario = SCENARIOS[0]
    result = subprocess.run(
        [sys.executable, "-m", "layerlab", "compare", "--host", engine.host, str(scenario)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    n = len(parse_scenario(scenario.read_text()))
    assert result.stdout.strip().splitlines()[-1] == f"{n} passed, 0 failed"
