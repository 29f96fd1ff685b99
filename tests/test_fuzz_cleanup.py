"""``layerlab fuzz`` leaves the engine and the temp dir as it found them, also when an
example crashes the fuzzer, the user presses Ctrl-C or SIGTERM stops it (the CLI raises
:class:`~layerlab.cli.main.Terminated` then). A stand-in engine records what the fuzzer
removes; the real engine's run is in tests/engine/test_fuzz_found.py."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from layerlab.cli.main import Terminated
from layerlab.compare import fuzz as fuzz_module
from layerlab.compare.fuzz import Outcome
from layerlab.engine.profile import profile_for


class StandInEngine:
    """Holds one container, image and volume of its own; each example "makes" one more of each."""

    def __init__(self) -> None:
        self.containers, self.images, self.volumes = {"c-own"}, {"i-own"}, {"v-own"}
        self.removed: list[list[str]] = []

    def profile(self):
        return profile_for("28.5", "classic")

    def make(self, n: int) -> None:
        self.containers.add(f"c-{n}")
        self.images.add(f"i-{n}")
        self.volumes.add(f"v-{n}")

    def docker(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        listing = {("ps", "-aq", "--no-trunc"): self.containers, ("images", "-aq", "--no-trunc"): self.images,
                   ("volume", "ls", "-q"): self.volumes}.get(tuple(args))
        if listing is not None:
            return subprocess.CompletedProcess(args, 0, "\n".join(sorted(listing)), "")
        self.removed.append(args)
        for store in (self.containers, self.images, self.volumes):
            store.difference_update(args)
        return subprocess.CompletedProcess(args, 0, "", "")


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, Terminated, RuntimeError])
def test_an_interrupted_fuzz_removes_what_it_made_and_its_temp_folder(monkeypatch, tmp_path, interruption):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    engine = StandInEngine()
    calls: list[Path] = []

    def run_example(scenario, eng, workdir: Path) -> Outcome:
        calls.append(workdir)
        eng.make(len(calls))
        (workdir / f"example-{len(calls)}").mkdir()
        if len(calls) == 3:
            raise interruption("stopped")
        return Outcome(False, [])

    monkeypatch.setattr(fuzz_module, "run_example", run_example)
    with pytest.raises(interruption if issubclass(interruption, KeyboardInterrupt) else Exception):  # hypothesis may group it
        fuzz_module.fuzz(engine, runs=10, seed=1, keep=tmp_path / "kept", echo=lambda line: None)
    assert len(calls) >= 3 and calls[0].parent == tmp_path  # hypothesis may replay a crash
    assert list(tmp_path.iterdir()) == []  # the fuzzer's work folder went, with what was in it
    assert (engine.containers, engine.images, engine.volumes) == ({"c-own"}, {"i-own"}, {"v-own"})
    removed = " ".join(" ".join(args) for args in engine.removed)
    assert "own" not in removed  # what the engine held before is not touched
