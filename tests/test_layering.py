"""The model never imports rendering, widgets, Jupyter or engine adapters.

Every model module is imported in a fresh interpreter and the interpreter's modules are
checked afterwards; when something is found, each module alone names the culprit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "layerlab"
EDGE = ("layerlab.render", "layerlab.widgets", "layerlab.real", "layerlab.magic")
FOREIGN = ("graphviz", "ipywidgets", "IPython", "ipykernel", "jupyterlab")
NOT_MODEL = {"cli", "cli_analyze", "magic", "__main__", "render", "widgets", "real"}


def model_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] in NOT_MODEL:
            continue
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        names.append(".".join(("layerlab", *parts)))
    return names


def edge_imports(modules: list[str]) -> list[str]:
    """Edge and foreign modules loaded by importing ``modules`` in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({EDGE!r}) "
        f"or m.split('.')[0] in {FOREIGN!r})\n"
        "print(' '.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_the_model_imports_nothing_from_the_edges() -> None:
    modules = model_modules()
    assert "layerlab.model.overlay" in modules and "layerlab.dataroot" in modules
    if edge_imports(modules):  # name the culprits, one fresh interpreter each
        culprits = {m: found for m in modules if (found := edge_imports([m]))}
        pytest.fail(f"model modules import from the edges: {culprits}")


def test_the_check_sees_an_edge_import() -> None:
    assert "graphviz" in edge_imports(["layerlab.render"])
