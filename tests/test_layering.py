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
NOT_MODEL = {"cli", "cli_analyze", "magic", "__main__", "render", "course", "widgets", "real"}


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


# -- the layers as import-linter contracts, and the sizes that keep modules readable ---------

MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 300
ROOT_MODULES = {"__init__", "__main__", "_moved", "magic"}


def test_the_import_contracts_hold() -> None:
    """pyproject.toml's [tool.importlinter]: layers, no circles, a pure model."""
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True,
                         cwd=PACKAGE.parent)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_the_package_root_holds_only_what_users_import_by_name() -> None:
    found = {p.stem for p in PACKAGE.glob("*.py")}
    assert found <= ROOT_MODULES, f"modules at the package root: {sorted(found - ROOT_MODULES)}"


def test_no_module_or_class_is_too_long_to_read() -> None:
    import ast

    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        name = path.relative_to(PACKAGE.parent)
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                too_long.append(f"{name}: class {node.name}, {node.end_lineno - node.lineno + 1} lines")
    assert not too_long, "\n".join(too_long)


def test_no_module_imports_another_modules_private_names() -> None:
    """What two modules share is public and documented; ``from x import _y`` reaches behind it.
    ``_`` itself is gettext's public name for "translate" (``from layerlab.i18n import _``)."""
    import ast

    reaching = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:  # `from . import _mod` is a module
                private = [a.name for a in node.names
                           if a.name.startswith("_") and not a.name.startswith("__") and a.name != "_"]
                if private:
                    reaching.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {', '.join(private)}")
    assert not reaching, "\n".join(reaching)


def test_the_architecture_picture_is_current() -> None:
    draw = PACKAGE.parent / "scripts" / "draw-architecture"
    out = subprocess.run([sys.executable, str(draw), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_the_architecture_page_names_every_layer() -> None:
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text()
    for row in layers:
        for name in row.split("|"):
            short = name.strip().removeprefix("layerlab.")
            assert f"`{short}/`" in page or f"`{short}.py`" in page, short


@pytest.mark.parametrize("old", ["layerlab.host", "layerlab.exercise", "layerlab.build.shell.files", "layerlab.dataroot.ids"])
def test_old_import_paths_still_work_for_one_release_and_say_where_they_went(old: str) -> None:
    from layerlab._moved import new_name

    code = (
        "import importlib, sys, warnings\n"
        "warnings.simplefilter('always')\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        f"    module = importlib.import_module({old!r})\n"
        "print(module.__spec__.name)\n"
        "print(*[str(w.message) for w in seen if w.category is DeprecationWarning], sep='\\n')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == new_name(old)
    assert any(old in line and new_name(old) in line for line in out[1:]), out
