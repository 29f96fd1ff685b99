"""Every container scenario agrees with a real engine: docker diff lines, ps -s sizes,
what survives docker rm / rm -v / --rm / volume prune, committed layers (layerlab compare)."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_support import assert_scenario_agrees, clean_slate

pytestmark = pytest.mark.engine

SCENARIOS = sorted(
    (Path(__file__).resolve().parents[2] / "scenarios" / "containers").glob("*.scenario")
)


def test_there_are_at_least_ten_container_scenarios():
    assert len(SCENARIOS) >= 10


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_container_scenario_agrees_with_the_engine(engine, scenario):
    clean_slate(engine)
    try:
        assert_scenario_agrees(engine, scenario)
    finally:
        ids = engine.docker(["ps", "-aq"]).stdout.split()
        if ids:  # leave nothing behind for the build scenarios' system df totals
            engine.docker(["rm", "-f", "-v", *ids])
        engine.docker(["volume", "prune", "-f"])
