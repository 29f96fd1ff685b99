"""Binder builds from environment.yml: check it pins what JupyterLab widgets need, and that
repo2docker (Binder's builder) installs layerlab itself after copying the repository."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dependencies() -> list[str]:
    text = (ROOT / "environment.yml").read_text()
    return [line.split("#")[0].strip()[2:].strip() for line in text.splitlines() if line.strip().startswith("- ")]


def test_environment_has_graphviz_program_and_binding_and_matching_widgets():
    deps = dependencies()
    assert "graphviz" in deps and "python-graphviz" in deps
    assert "ipywidgets=8" in deps and "jupyterlab_widgets=3" in deps
    assert "-e ." in deps


def test_no_binder_dir_shadows_the_root_config():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_repo2docker_installs_layerlab_after_copying_the_repo():
    beside = Path(sys.executable).parent / "repo2docker"
    exe = str(beside) if beside.exists() else shutil.which("repo2docker")
    if exe is None:
        pytest.skip("repo2docker is not installed (pip install jupyter-repo2docker)")
    out = subprocess.run(
        [exe, "--no-build", "--no-run", "--debug", str(ROOT)], capture_output=True, text=True, timeout=300
    )
    dockerfile = out.stdout + out.stderr
    assert "Building conda environment" in dockerfile, dockerfile[-2000:]
    copy = dockerfile.find("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    if copy < 0:
        copy = re.search(r"COPY \S* ?src/ \$\{REPO_DIR\}/", dockerfile).start()
    update = dockerfile.find('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    assert 0 <= copy < update, "environment.yml (with '-e .') must be installed after the repo is copied"
    # apt.txt: the Hangul font the Korean track's pictures name
    assert "fonts-nanum" in dockerfile and "fonts-dejavu-core" in dockerfile
