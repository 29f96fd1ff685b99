"""Every disk scenario agrees with a real engine: container logs (their lines and files),
what each prune removes and reclaims, docker system df before and after (layerlab compare)."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_support import assert_scenario_agrees, clean_slate

pytestmark = pytest.mark.engine

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios" / "disk").glob("*.scenario"))


def test_there_are_disk_scenarios_of_logs_and_every_prune():
    names = " ".join(p.stem for p in SCENARIOS)
    for topic in ("log", "container-prune", "image-prune", "volume-prune", "system-prune"):
        assert topic in names


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_disk_scenario_agrees_with_the_engine(engine, scenario):
    clean_slate(engine)
    try:
        assert_scenario_agrees(engine, scenario)
    finally:
        ids = engine.docker(["ps", "-aq"]).stdout.split()
        if ids:
            engine.docker(["rm", "-f", "-v", *ids])
        volumes = engine.docker(["volume", "ls", "-q"]).stdout.split()
        if volumes:
            engine.docker(["volume", "rm", "-f", *volumes])
