"""The ``layerlab`` command as a user runs it: a real process, real exit codes."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rawtar import docker_save, tar_bytes

from layerlab import read_archive, save_docker_archive
from layerlab.course.examples import demo_image


def run(*args):
    return subprocess.run([sys.executable, "-m", "layerlab", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return save_docker_archive({"demo:1": demo_image()}, tmp_path_factory.mktemp("cli") / "demo.tar")


def test_inspect_prints_ids_layers_and_history(archive):
    result = run("inspect", archive)
    assert result.returncode == 0, result.stderr
    image = demo_image()
    assert image.image_id in result.stdout
    for diff_id in image.diff_ids:
        assert diff_id[7:19] in result.stdout
    assert "RUN rm /data/dataset.bin" in result.stdout


def test_inspect_json_is_a_stable_object(archive):
    result = run("inspect", "--json", archive)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    image = demo_image()
    assert data["image_id"] == image.image_id
    assert data["diff_ids"] == image.diff_ids
    assert data["chain_ids"] == image.chain_ids
    assert [row["created_by"] for row in data["history"]] == [h.created_by for h in image.history]
    rm = data["layers"][2]
    assert (rm["added"], rm["whiteouts"], rm["size"]) == (0, 1, 0)
    assert data["layers"][1]["size"] == 30_000_000


def test_unpack_writes_the_root_filesystem(archive, tmp_path):
    result = run("unpack", archive, tmp_path / "root")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "root/app/app.py").read_text().startswith("print(")
    assert not (tmp_path / "root/data/dataset.bin").exists()


def test_unpack_a_single_layer(archive, tmp_path):
    result = run("unpack", "--layer", "1", archive, tmp_path / "layer")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "layer/data/dataset.bin").stat().st_size == 30_000_000
    bad = run("unpack", "--layer", "9", archive, tmp_path / "nope")
    assert bad.returncode == 1 and "no layer 9" in bad.stderr


@pytest.mark.parametrize(
    "args",
    [[], ["inspect"], ["frobnicate", "x"], ["inspect", "--no-such-flag", "x"]],
)
def test_bad_usage_exits_2(args):
    assert run(*args).returncode == 2


def test_bad_input_exits_1_with_one_line_and_no_traceback(tmp_path):
    hostile = docker_save(tmp_path / "evil.tar", [tar_bytes([("../escape", "file", b"x")])])
    for args in (["inspect", tmp_path / "missing.tar"], ["inspect", hostile], ["unpack", hostile, tmp_path / "t"]):
        result = run(*args)
        assert result.returncode == 1
        assert result.stderr.startswith("layerlab: error: ")
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "t").exists() and not (tmp_path.parent / "escape").exists()


def test_select_image_by_tag_in_a_multi_image_archive(tmp_path):
    from layerlab import Image, Layer

    other = Image.build([Layer.from_files({"x": b"1"})])
    path = save_docker_archive({"demo:1": demo_image(), "other:1": other}, tmp_path / "two.tar")
    assert run("inspect", path).returncode == 1
    result = run("inspect", "--json", "--image", "other:1", path)
    assert json.loads(result.stdout)["image_id"] == other.image_id
    assert len(read_archive(path)) == 2


def test_play_takes_the_engine_to_play(tmp_path):
    scenario = tmp_path / "s.scenario"
    scenario.write_text("docker volume create v1\ndocker volume ls\n")
    ok = run("play", "--engine", "28-containerd", scenario)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[:2] == ["$ docker volume create v1", "v1"]
    bad = run("play", "--engine", "27", scenario)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "'27'" in bad.stderr
    from layerlab.engine.profile import PROFILES

    assert all(repr(name) in bad.stderr for name in PROFILES)  # it says what there is
    both = run("play", "--engine", "28", "--real", scenario)
    assert both.returncode == 1 and "--engine picks the engine the simulator plays" in both.stderr


def test_compare_without_an_engine_says_how_to_name_one(tmp_path, monkeypatch):
    scenario = tmp_path / "s.scenario"
    scenario.write_text("docker images\n")
    monkeypatch.delenv("LAYERLAB_DOCKER_HOST", raising=False)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    result = run("compare", scenario)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "does not answer" in result.stderr and "pass --host" in result.stderr


def test_inspect_names_the_containerd_stores_id_of_its_archives(tmp_path):
    """An archive saved by the containerd image store names the image by its index: inspect
    shows that id (docker images shows it) under the config digest."""
    from layerlab.engine.host import Host

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
    (tmp_path / "app" / "a.txt").write_text("a\n")
    host = Host(engine="28-containerd")
    host.build(tmp_path / "app", "app:1")
    host.save(["app:1"], tmp_path / "app.tar")
    image_id, config = host.image_id("app:1"), host.image("app:1").image_id
    assert image_id != config
    text = run("inspect", tmp_path / "app.tar").stdout.splitlines()
    assert text[0] == f"Image   {config}"
    assert text[1].startswith(f"Id      {image_id}  (the image index index.json names")
    data = json.loads(run("inspect", "--json", tmp_path / "app.tar").stdout)
    assert (data["image_id"], data["containerd_image_id"]) == (config, image_id)


#: ``layerlab wait``: a command that holds a temp folder, as fuzz and compare do, until stopped.
WAITING_COMMAND = """
import importlib, shutil, sys, tempfile, time
from pathlib import Path
cli = importlib.import_module("layerlab.cli.main")

def add_parsers(sub):
    def run(args, progress):
        folder = Path(tempfile.mkdtemp(dir=sys.argv[1]))
        try:
            print(folder, flush=True)
            time.sleep(60)
        finally:
            shutil.rmtree(folder)
        return 0
    sub.add_parser("wait").set_defaults(run=run)

cli.archives.add_parsers = add_parsers
sys.exit(cli.main(["wait"]))
"""


def test_sigterm_unwinds_a_command_as_ctrl_c_does(tmp_path):
    """CI stops a job with SIGTERM: the command's clean-up runs, and it says it was stopped."""
    env = {k: v for k, v in os.environ.items() if k != "LAYERLAB_LANG"}
    proc = subprocess.Popen([sys.executable, "-c", WAITING_COMMAND, str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    folder = Path(proc.stdout.readline().strip())
    assert folder.is_dir()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert err.strip() == "layerlab: terminated"
    assert list(tmp_path.iterdir()) == []
