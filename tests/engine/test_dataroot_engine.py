"""Every data-root scenario agrees with a real engine's /var/lib/docker (ids renamed after
what they name): the paths, and the contents of link, lower, cache-id, diff, parent, size,
mount-id, init-id and repositories.json (layerlab compare). Each scenario runs on a
never-used engine of the session's profile (``fresh_engine``), as the model starts empty."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from engine_support import assert_scenario_agrees, clean_slate

from layerlab.compare.lines import parse_scenario

pytestmark = pytest.mark.engine

SCENARIOS = sorted(
    (Path(__file__).resolve().parents[2] / "scenarios" / "dataroot").glob("*.scenario")
)


@pytest.fixture
def data_root(fresh_engine) -> Path:
    root = Path(fresh_engine.docker(["info", "--format", "{{.DockerRootDir}}"]).stdout.strip())
    if not (root / "containers").is_dir() or not os.access(root / "containers", os.R_OK):
        message = (
            f"the engine's data root {root} is not readable here (not root, or a remote engine)"
        )
        if os.environ.get("LAYERLAB_REQUIRE_ENGINE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return root


def test_there_are_at_least_four_dataroot_scenarios():
    assert len(SCENARIOS) >= 4
    assert all(any(c.argv[0] == "tree" for c in parse_scenario(p.read_text())) for p in SCENARIOS)


def as_never_used(engine, data_root: Path) -> None:
    """An engine used before (not a private daemon of ours): no objects, and no
    layerdb/mounts, which the engine makes with its first container and never removes (the
    model makes it the same way)."""
    clean_slate(engine)
    mounts = data_root / "image" / "overlay2" / "layerdb" / "mounts"
    if mounts.is_dir() and not any(mounts.iterdir()):
        mounts.rmdir()  # recreated by the engine (MkdirAll) with the next container


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_dataroot_scenario_agrees_with_the_engine(engine, fresh_engine, data_root, scenario):
    if fresh_engine is engine:
        as_never_used(engine, data_root)
    try:
        assert_scenario_agrees(fresh_engine, scenario)
    finally:
        if fresh_engine is engine:
            clean_slate(engine)
