"""``Engine.collect_garbage`` on each engine: a snapshot containerd dropped keeps its folder
until containerd's next (paced) collection, and is gone once the engine was asked to collect.
compare lists containerd's root only after that, so a build's or ``docker diff``'s dropped
snapshots never show there (``scenarios/dataroot/06-containerd-store.scenario``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from layerlab.compare.real_dataroot import containerd_root_of

pytestmark = pytest.mark.engine


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_a_snapshot_containerd_dropped_is_gone_once_garbage_is_collected(engine):
    info = engine.info()
    root = containerd_root_of(info["DockerRootDir"])
    if not engine.profile().containerd:
        # the classic store keeps no image in containerd: nothing to wait for, and nothing
        # is touched (a ctr call would make containerd's introspection uuid)
        before = _listing(root)
        assert engine.collect_garbage() is False
        assert _listing(root) == before
        return
    folders = root / "io.containerd.snapshotter.v1.overlayfs" / "snapshots"
    ctr = [*engine.ctr_command(), "snapshots", "--snapshotter", "overlayfs"]
    key = f"layerlab-collect-{os.getpid()}"
    before = set(os.listdir(folders))
    subprocess.run([*ctr, "prepare", key], check=True, capture_output=True, timeout=60)
    made = set(os.listdir(folders)) - before
    assert len(made) == 1, made
    subprocess.run([*ctr, "rm", key], check=True, capture_output=True, timeout=60)
    assert engine.collect_garbage() is True
    assert not made & set(os.listdir(folders)), f"snapshot folder {made} is still on disk"
