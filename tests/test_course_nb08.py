"""Notebook 08's exercises against the model, and the two model rules the notebook leans on:
a prune keeps an image a container was made from, and daemon.json's
``"containerd-snapshotter": false`` switches back to the classic store."""

from __future__ import annotations

import json

import pytest

from layerlab.build.context import BuildContext
from layerlab.course import MISCONCEPTIONS
from layerlab.course.exercises import EXERCISES
from layerlab.course.proof import Printed, ProofError, Said
from layerlab.engine.host import Host

LINES = [f"{i:05d} GET /index.html 200" for i in range(2_000)]
APP = 'FROM alpine:3.20\nCOPY requests.txt /requests.txt\nCOPY app.py /app/app.py\nCMD ["cat", "/requests.txt"]\n'


def _app(version: str) -> BuildContext:
    files = {
        "Dockerfile": APP,
        "requests.txt": "".join(f"{line}\n" for line in LINES),
        "app.py": version,
    }
    return BuildContext.from_files(files)


def _host(engine: str = "20.10") -> Host:
    host = Host(engine=engine, seed=8)
    host.build(_app("v1"), "app:1")
    return host


def _text(parts: list[object]) -> str:
    return "\n".join(p.text for p in parts if isinstance(p, (Printed, Said)))


def test_the_thirteenth_misconception_is_the_log_split() -> None:
    m = MISCONCEPTIONS["app-logs-in-container-layer"]
    assert "container layer" in m.belief and "stdout" in m.truth and "-json.log" in m.truth
    assert EXERCISES["08-log-split"].misconception == "app-logs-in-container-layer"


def test_printed_lines_are_in_the_json_log_and_written_ones_in_the_layer() -> None:
    host = _host()
    host.run("app:1", name="printer")
    host.run("app:1", ["sh", "-c", "cat /requests.txt > /var/log/app.log"], name="writer")
    # json-file's record of each line, with a 30-character time as the engine writes most of them
    record = json.dumps(
        {"log": LINES[0] + "\n", "stream": "stdout", "time": "2026-12-06T05:00:00.123456789Z"},
        separators=(",", ":"),
    )
    assert sum(host.log_sizes("printer").values()) == len(LINES) * (len(record) + 1)
    assert host.container("writer").size() == sum(len(line) + 1 for line in LINES)
    text = _text(EXERCISES["08-log-split"].proof.parts({"host": host}))
    assert "printer   0B" in text and "-json.log" in text


def test_the_log_split_proof_refuses_a_host_where_printer_wrote_a_file() -> None:
    host = _host()
    host.run("app:1", ["sh", "-c", "cat /requests.txt > /x"], name="printer")
    host.run("app:1", ["sh", "-c", "cat /requests.txt > /y"], name="writer")
    with pytest.raises(ProofError, match="printer's container layer should be empty"):
        EXERCISES["08-log-split"].proof.parts({"host": host})


def test_rotation_keeps_max_file_files_and_the_newest_lines() -> None:
    host = _host()
    host.run("app:1", name="rotated", log_opts={"max-size": "10k", "max-file": "2"})
    kept = host.logs("rotated").splitlines()
    assert len(host.log_sizes("rotated")) == 2 and 0 < len(kept) < len(LINES) // 5
    assert kept == LINES[-len(kept) :]  # the newest lines, in order
    parts = EXERCISES["08-rotation"].proof.parts({"host": host, "printed": len(LINES)})
    assert f"{len(kept)}\n$ docker logs rotated | head -1\n{kept[0]}" in _text(parts)


def test_image_prune_keeps_a_dangling_image_that_a_container_was_made_from() -> None:
    host = _host()
    old = host.image_id("app:1")
    host.run("app:1", name="stopped")
    host.build(_app("v2"), "app:1")  # the old image loses its tag: dangling, still used
    for all_ in (False, True):
        out = host.image_prune(all=all_)
        assert old in host.images, out
    host.rm("stopped")
    assert old.removeprefix("sha256:") in host.image_prune()


def test_containerd_snapshotter_false_switches_back_and_shows_the_old_images() -> None:
    host = _host("28")
    notes = host.restart(daemon={"features": {"containerd-snapshotter": True}})
    assert not host.images and any("hidden" in n for n in notes)
    proof = EXERCISES["08-switch-store"].proof.parts({"host": host, "notes": notes})
    assert "/var/lib/docker (classic store, overlay2): 1 image(s)" in _text(proof)
    host.restart(daemon={"features": {"containerd-snapshotter": False}})
    assert host.profile.image_store == "classic" and "app:1" in host.tags


def test_volume_prune_on_engine_28_keeps_named_volumes() -> None:
    host = Host(engine="28", seed=8)
    host.volume_create("reports")
    host.volume_create(anonymous=True)
    pruned = host.volume_prune()
    assert "reports" not in pruned
    assert "reports" in _text(
        EXERCISES["08-volume-prune"].proof.parts({"pruned": pruned, "host": host})
    )


@pytest.mark.parametrize("engine", ["20.10", "28", "28-containerd"])
def test_image_prune_frees_what_the_build_cache_does_not_hold_on_each_store(engine: str) -> None:
    host = _host(engine)
    host.build(
        BuildContext.from_files({"Dockerfile": "FROM alpine:3.20\nRUN echo other > /other.txt\n"}),
        "other:1",
    )
    host.run("app:1", name="web")
    pruned = host.image_prune(all=True)
    text = _text(EXERCISES["08-image-prune"].proof.parts({"pruned": pruned, "host": host}))
    if host.profile.containerd:  # the image's index, manifests and config: a few kB
        assert "only " in text and "kB was freed" in text
    else:
        assert pruned.rstrip().endswith("Total reclaimed space: 0B") and "nothing was freed" in text


def test_the_log_split_proof_names_the_containerd_stores_block() -> None:
    host = _host("28-containerd")
    host.run("app:1", name="printer")
    host.run("app:1", ["sh", "-c", "cat /requests.txt > /var/log/app.log"], name="writer")
    text = _text(EXERCISES["08-log-split"].proof.parts({"host": host}))
    assert "printer   4.1kB" in text and "empty layer shows 4.1kB" in text
