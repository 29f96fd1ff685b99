"""What ``layerlab fuzz`` found stays fixed: every scenario under scenarios/found/ (each a
shrunk disagreement, with a note saying what it found and which commit fixed it) agrees
with each engine (layerlab compare's rules), and ``layerlab fuzz`` itself leaves an engine
and the temp dir as it found them.

The cases still open are marked so (strict: they fail here once the model agrees, so
their note is updated): each KNOWN entry says why, and README's "Generated scenarios:
`layerlab fuzz`" section lists every found case with its status."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from engine_support import assert_scenario_agrees, clean_slate

from layerlab.compare.fuzz import fuzz
from layerlab.compare.leftovers import EngineObjects
from layerlab.compare.lines import parse_scenario

pytestmark = pytest.mark.engine

FOUND = Path(__file__).resolve().parents[2] / "scenarios" / "found"
SCENARIOS = sorted(FOUND.glob("*/*.scenario"))
#: (profile, found case) pairs the model does not match yet, and why.
KNOWN: dict[tuple[str, str], str] = {}


def test_every_found_case_says_what_it_found_and_whether_it_is_fixed():
    assert SCENARIOS, "scenarios/found/ holds no case"
    for path in SCENARIOS:
        header = [line for line in path.read_text().splitlines() if line.startswith("#")]
        assert any(line.startswith("# first difference:") for line in header), path
        status = next(line for line in header if line.startswith("# status:"))
        fixed = status.startswith("# status: fixed in ")
        known = any(case == path.parent.name for _, case in KNOWN)
        assert fixed != known, f"{path}: {status} (KNOWN lists it: {known})"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.parent.name for p in SCENARIOS])
def test_found_case_agrees_with_the_engine(engine, scenario, request):
    why = KNOWN.get((engine.profile().name, scenario.parent.name))
    if why:
        request.applymarker(pytest.mark.xfail(reason=why, strict=True))
    if any(c.argv[0] == "tree" for c in parse_scenario(scenario.read_text())):
        # what a data root holds depends on all the engine ever did (Engine 28.5 keeps the
        # layers two images saved together share): a case that looks at it runs on a
        # never-used engine, as the model starts empty
        engine = request.getfixturevalue("fresh_engine")
    clean_slate(engine)
    assert_scenario_agrees(engine, scenario)


def test_fuzz_leaves_the_engine_and_the_temp_dir_as_it_found_them(engine, tmp_path, monkeypatch):
    clean_slate(engine)
    temp = tmp_path / "temp"  # the fuzzer's and compare's temp folders go here, and must go again
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    before = EngineObjects.of(engine)
    lines: list[str] = []
    fuzz(engine, runs=2, seed=3, keep=tmp_path / "kept", echo=lines.append)
    assert EngineObjects.of(engine) == before
    assert list(temp.iterdir()) == []
    assert lines[-1].endswith("differ")
