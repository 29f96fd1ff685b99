"""``layerlab analyze`` as a user runs it: a real process, real exit codes."""

import json
import subprocess
import sys

import pytest

from layerlab import save_docker_archive
from layerlab.course.examples import demo_image

DATASET = 30_000_000  # demo_image: a 30 MB download deleted in the next step


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "layerlab", *map(str, args)], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return save_docker_archive(
        {"demo:1": demo_image()}, tmp_path_factory.mktemp("cli") / "demo.tar"
    )


def test_text_report_names_the_waste_and_the_fix(archive):
    result = run("analyze", archive)
    assert result.returncode == 0, result.stderr
    assert "wasted 30MB" in result.stdout
    assert "/data/dataset.bin  (deleted in layer 2)" in result.stdout
    assert "delete them in the same RUN" in result.stdout
    assert "overlay2" in result.stdout and "vfs" in result.stdout


def test_json_is_a_stable_object(archive):
    result = run("analyze", "--json", archive)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    image = demo_image()
    total = sum(layer.size for layer in image.layers)
    assert data["image_id"] == image.image_id and data["tags"] == ["demo:1"]
    assert data["total_bytes"] == total
    assert data["wasted_bytes"] == DATASET
    assert data["final_bytes"] == total - DATASET
    assert data["efficiency"] == pytest.approx((total - DATASET) / total, abs=1e-6)
    assert [row["size"] for row in data["layers"]] == [layer.size for layer in image.layers]
    assert [row["chain_id"] for row in data["layers"]] == image.chain_ids
    assert (
        data["layers"][1]["wasted_bytes"] == DATASET
        and data["layers"][2]["removes_bytes"] == DATASET
    )
    assert data["wasted_files"][0] == {
        "path": "/data/dataset.bin",
        "size": DATASET,
        "layer": 1,
        "removed_by": 2,
        "fate": "deleted",
    }
    assert {d["driver"] for d in data["drivers"]} >= {"overlay2", "btrfs", "vfs"}


def test_ci_fails_naming_the_crossed_threshold(archive):
    result = run("analyze", "--ci", "--highest-wasted-bytes", "20MB", archive)
    assert result.returncode == 1
    assert "layerlab: ci: FAIL: demo:1: wasted bytes 30000000" in result.stderr
    assert "highest allowed 20000000" in result.stderr
    result = run("analyze", "--ci", "--lowest-efficiency", "0.5", archive)
    assert (
        result.returncode == 1
        and "efficiency" in result.stderr
        and "lowest allowed 0.5000" in result.stderr
    )
    result = run("analyze", "--ci", archive)  # dive's default: 0.9
    assert result.returncode == 1 and "lowest allowed 0.9000" in result.stderr


def test_ci_passes_within_thresholds(archive):
    result = run(
        "analyze", "--ci", "--lowest-efficiency", "5%", "--highest-wasted-bytes", "31MB", archive
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("ok: demo:1") == 2


def test_two_archives_side_by_side(archive, tmp_path):
    other = save_docker_archive({"demo:2": demo_image()}, tmp_path / "same.tar")
    result = run("analyze", "--json", archive, other)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["name"] for d in data["images"]] == ["demo:1", "demo:2"]
    cmp = data["comparison"]
    assert len(cmp["shared_layers"]) == len(demo_image().layers)
    assert cmp["saved_bytes"] == demo_image().size
    assert cmp["differences"][0]["count"] == 0
    text = run("analyze", archive, other)
    assert "sharing saves" in text.stdout


def test_bad_input_is_one_line_and_usage_is_exit_2(tmp_path):
    (tmp_path / "junk.tar").write_bytes(b"not a tar at all" * 100)
    result = run("analyze", tmp_path / "junk.tar")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert run("analyze", tmp_path / "missing.tar").returncode == 1
    assert run("analyze").returncode == 2
    bad = run("analyze", "--highest-wasted-bytes", "lots", tmp_path / "x.tar")
    assert bad.returncode == 2 and "not a byte count" in bad.stderr
