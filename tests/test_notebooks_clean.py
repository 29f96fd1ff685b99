"""Stored notebooks are what nbval compares: complete, and free of run-specific noise; they
open clean in JupyterLab (nothing to save), and before they run every exercise reads as its
question.

Both tracks: notebooks/*.ipynb and the Korean notebooks/ko/*.ipynb, named by their path
under notebooks/ (``ko/04-copy-on-write.ipynb``).

Run ``scripts/run-notebooks`` to fix a failure here.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from layerlab.i18n import translate
from layerlab.i18n.language import SETTING_FILE

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
#: The English notebooks, then the Korean track's.
NOTEBOOKS = sorted(ROOT.glob("*.ipynb")) + sorted(ROOT.glob("ko/*.ipynb"))
IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]
#: Home and scratch directories of this machine ("/root/", not "/root": /var/lib/docker/rootfs is
#: the containerd store's mount directory, drawn in notebook 01).
MACHINE_PATHS = ("/root/", "/tmp/", "/work/")
FIX = "run scripts/run-notebooks"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _name(path: Path) -> str:
    """``04-copy-on-write.ipynb``, ``ko/04-copy-on-write.ipynb``."""
    return path.relative_to(ROOT).as_posix()


def _language(path: Path) -> str:
    """The language the notebook's kernel speaks: its folder's layerlab.toml, else English."""
    setting = path.parent / SETTING_FILE
    return tomllib.loads(setting.read_text(encoding="utf-8")).get("language", "en") if setting.is_file() else "en"


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"
    assert any(name.startswith("ko/") for name in IDS), "notebooks/ko/ holds no .ipynb files"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_cells_have_stored_outputs(path: Path) -> None:
    cells = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
    assert cells, f"{_name(path)} has no code cells"
    unrun = [i for i, c in enumerate(cells) if c.get("execution_count") is None]
    assert not unrun, f"{_name(path)}: code cells {unrun} were never executed ({FIX})"
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{_name(path)}: not one clean run {counts} ({FIX})"
    )
    errors = [
        i for i, c in enumerate(cells) for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert not errors, f"{_name(path)}: code cells {errors} store an error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_volatile_metadata(path: Path) -> None:
    nb = _load(path)
    assert "widgets" not in nb["metadata"], f"{_name(path)} stores widget state ({FIX})"
    timed = [
        i for i, c in enumerate(nb["cells"]) if {"execution", "ExecuteTime"} & set(c["metadata"])
    ]
    assert not timed, f"{_name(path)}: cells {timed} store execution timing ({FIX})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_machine_paths(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [m for m in MACHINE_PATHS if m in text]
    assert not found, f"{_name(path)} contains absolute paths of this machine: {found}"


# -- a notebook opens clean in JupyterLab ---------------------------------------------------
# JupyterLab marks a notebook modified (closing it asks to save) when anything it writes on
# opening differs from the file: nbformat's upgrades (cell ids, nbformat 4.5) and the kernel's
# language_info and kernelspec, which it sets as soon as the kernel starts. Seen in a browser:
# with language_info's "version" stripped, every notebook was modified the moment its kernel
# was idle.


def _kernel_language_info() -> dict:
    """What the course's kernel (ipykernel, this Python) reports, as JupyterLab stores it."""
    from ipykernel.ipkernel import IPythonKernel

    return json.loads(json.dumps(IPythonKernel.language_info))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_saving_as_jupyter_does_changes_nothing(path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    from nbformat.validator import normalize

    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), f"{_name(path)}: nbformat {nb.nbformat}.{nb.nbformat_minor} gets upgraded on open ({FIX})"  # fmt: skip
    assert all(cell.get("id") for cell in nb.cells), f"{_name(path)}: cells without ids get new ones on open ({FIX})"  # fmt: skip
    changes, _ = normalize(json.loads(text))
    assert changes == 0, f"{_name(path)}: nbformat normalises {changes} thing(s) ({FIX})"
    assert nbformat.writes(nb) + "\n" == text, f"{_name(path)}: saving it from Jupyter would rewrite it ({FIX})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernel_metadata_is_what_the_kernel_writes(path: Path) -> None:
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager

    meta = _load(path)["metadata"]
    assert meta.get("language_info") == _kernel_language_info(), (
        f"{_name(path)}: language_info differs from what the kernel reports, so JupyterLab changes "
        f"it on open ({FIX} with the course's Python)"
    )
    spec = KernelSpecManager().get_kernel_spec("python3")
    wanted = {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    assert meta.get("kernelspec") == wanted, f"{_name(path)}: kernelspec {meta.get('kernelspec')} is not {wanted}"


# -- before the kernel runs, a notebook reads like a page -----------------------------------
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: A Python repr where a learner should read a sentence: ``ExerciseWidget(MultipleChoice(...``.
REPR = re.compile(r"^\w*(Widget|Lab|Explorer|Choice|Answer)\(|^<\w+[ :]")


def _exercise_outputs(path: Path) -> list[tuple[int, dict]]:
    cells = _load(path)["cells"]
    return [
        (i, output)
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code" and "exercise(" in "".join(cell["source"])
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_exercise_reads_as_its_question_before_running(path: Path) -> None:
    """...in the notebook's language: "Run this cell to answer." (layerlab/widgets/fallback.py)
    as its kernel's catalogue gives it."""
    run = translate("Run this cell to answer.", _language(path)).rstrip(".")
    found = _exercise_outputs(path)
    assert found, f"{_name(path)}: no stored exercise output ({FIX})"
    for cell, output in found:
        page = "".join(output["data"].get("text/markdown", ""))
        plain = "".join(output["data"].get("text/plain", ""))
        assert run in page, f"{_name(path)} cell {cell}: no readable Markdown fallback saying {run!r}"
        assert not REPR.search(plain), f"{_name(path)} cell {cell}: stores a repr: {plain[:80]!r}"
        assert "⚠" not in plain, f"{_name(path)} cell {cell}: its proof could not be shown: {plain[-300:]}"
