"""The engine fixtures work: a daemon answers, the sample image builds, runs and saves."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tarfile

import pytest
from engine_support import SAMPLE_HELLO

pytestmark = pytest.mark.engine

SHA256 = re.compile(r"^sha256:[0-9a-f]{64}$")


def test_version_answers(engine):
    server = engine.version()
    assert server["Version"]
    assert server["ApiVersion"]


def test_sample_image_runs(engine, sample_image_tar):
    assert engine.run(sample_image_tar.tag) == SAMPLE_HELLO  # CMD cat /app/hello.txt
    out = engine.run(sample_image_tar.tag, "sh", "-c", "cat config.ini; ls /app /data")
    assert "version = 2" in out
    assert "secret.txt" not in out


def test_ids_and_history(sample_image_tar):
    assert SHA256.match(sample_image_tar.image_id)
    assert len(sample_image_tar.diff_ids) >= 10
    assert all(SHA256.match(d) for d in sample_image_tar.diff_ids)
    assert len(sample_image_tar.history) > len(sample_image_tar.diff_ids)  # + ENV, LABEL...


def test_saved_tar_has_manifest_and_layers(engine, sample_image_tar):
    """Every engine writes manifest.json (legacy layout; beside the OCI layout since 25); the
    classic store saves each layer as its uncompressed tar, the containerd store as the gzip
    blob its content store holds, named by the blob's digest."""
    containerd = engine.profile().containerd
    with tarfile.open(sample_image_tar.tar) as tf:
        names = set(tf.getnames())
        assert "manifest.json" in names
        oci_since_25 = int(engine.profile().version.split(".")[0]) >= 25
        assert ("index.json" in names) == oci_since_25
        layers = json.load(tf.extractfile("manifest.json"))[0]["Layers"]
        assert len(layers) == len(sample_image_tar.diff_ids)
        entries: dict[str, tarfile.TarInfo] = {}
        for path, diff_id in zip(layers, sample_image_tar.diff_ids):
            assert path in names
            blob = tf.extractfile(path).read()
            assert (blob[:2] == b"\x1f\x8b") == containerd, f"{path}: gzip only in the containerd store"
            if containerd:
                assert path == "blobs/sha256/" + hashlib.sha256(blob).hexdigest()
                blob = gzip.decompress(blob)
            assert "sha256:" + hashlib.sha256(blob).hexdigest() == diff_id
            with tarfile.open(fileobj=io.BytesIO(blob)) as layer:
                entries.update((m.name, m) for m in layer.getmembers())
    # The sample really exercises deletions, a re-created directory and links.
    assert {"app/.wh.secret.txt", ".wh.cache"} <= entries.keys()
    # overlay2 marks the re-created /data/old opaque; vfs (naive diff) whites out each old child.
    opaque = "data/old/.wh..wh..opq" in entries
    each_child = {"data/old/.wh.a.txt", "data/old/.wh.inner"} <= entries.keys()
    assert opaque or each_child
    assert entries["app/twin2"].islnk() and entries["app/hello.link"].issym()
