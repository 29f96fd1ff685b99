"""Stored notebooks are what nbval compares: complete, and free of run-specific noise.

Run ``scripts/run-notebooks`` to fix a failure here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
MACHINE_PATHS = ("/root", "/tmp/", "/work/")
FIX = "run scripts/run-notebooks"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_code_cells_have_stored_outputs(path: Path) -> None:
    cells = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
    assert cells, f"{path.name} has no code cells"
    unrun = [i for i, c in enumerate(cells) if c.get("execution_count") is None]
    assert not unrun, f"{path.name}: code cells {unrun} were never executed ({FIX})"
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: not one clean run {counts} ({FIX})"
    )
    errors = [
        i for i, c in enumerate(cells) for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert not errors, f"{path.name}: code cells {errors} store an error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_volatile_metadata(path: Path) -> None:
    nb = _load(path)
    assert "widgets" not in nb["metadata"], f"{path.name} stores widget state ({FIX})"
    timed = [
        i for i, c in enumerate(nb["cells"]) if {"execution", "ExecuteTime"} & set(c["metadata"])
    ]
    assert not timed, f"{path.name}: cells {timed} store execution timing ({FIX})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_machine_paths(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [m for m in MACHINE_PATHS if m in text]
    assert not found, f"{path.name} contains absolute paths of this machine: {found}"
