"""Which one is my host: `docker info` outputs of real engines (tests/data/docker-info/, the
Server: part as each engine printed it; the file name is how its daemon was started) name the
profile that plays them; bad pastes get a message saying what is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from layerlab.engine.docker_info import info_fields, which_engine
from layerlab.engine.profile import ProfileError

INFOS = Path(__file__).parent / "data" / "docker-info"
STARTED_AS = sorted(p.stem for p in INFOS.glob("*.txt"))


def test_there_is_an_engine_output_per_profile():
    assert STARTED_AS == ["20.10", "28", "28-containerd"]


@pytest.mark.parametrize("name", STARTED_AS)
def test_the_text_of_docker_info_names_the_profile_that_plays_it(name: str):
    found = which_engine((INFOS / f"{name}.txt").read_text())
    assert found.profile.name == name
    assert found.containerd == name.endswith("containerd")
    assert f"LAYERLAB_ENGINE={name}" in found.explain()


def test_the_containerd_store_is_told_by_the_driver_type_under_the_storage_driver():
    text = (INFOS / "28-containerd.txt").read_text()
    assert info_fields(text)["DriverStatus"] == [["driver-type", "io.containerd.snapshotter.v1"]]
    classic = (INFOS / "28.txt").read_text()
    assert ["Using metacopy", "false"] in info_fields(classic)["DriverStatus"]
    assert "Logging Driver" not in dict(info_fields(classic)["DriverStatus"])  # the next field, not the driver's


def test_json_from_docker_info_format_works_too():
    fields = {"ServerVersion": "29.0.0", "Driver": "overlayfs",
              "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]}
    found = which_engine(json.dumps(fields))
    assert (found.profile.name, found.version, found.containerd) == ("28-containerd", "29.0.0", True)


@pytest.mark.parametrize("paste, missing", [
    ("", "empty"),
    ("Client:\n Version:    28.5.2\n Context:    default\n", "Server Version"),
    ("Server:\n Server Version: 28.5.2\n", "Storage Driver"),
    ('{"ServerVersion": ', "not valid"),
])
def test_a_bad_paste_says_what_is_missing(paste: str, missing: str):
    with pytest.raises(ProfileError, match=missing):
        which_engine(paste)


def test_an_engine_before_the_containerd_store_cannot_use_it():
    with pytest.raises(ProfileError, match="no containerd image store"):
        which_engine({"ServerVersion": "20.10.24", "Driver": "overlayfs",
                      "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]})


def test_the_cli_reads_a_pasted_docker_info_from_stdin():
    text = (INFOS / "20.10.txt").read_text()
    done = subprocess.run([sys.executable, "-m", "layerlab", "engine", "--info", "-"], input=text,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "classic image store" in done.stdout and "LAYERLAB_ENGINE=20.10" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "layerlab", "engine", "--info", "no-such-file"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "no such file" in bad.stderr and "Traceback" not in bad.stderr
