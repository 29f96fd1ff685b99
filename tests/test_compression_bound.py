"""How far a Docker Engine's gzip of a layer can be from layerlab's: every layer blob Engine
28.5 (containerd store, Go 1.27's compress/flate) wrote for the scenario images, the course
images and zero-filled, random, text and many-file layers (1 KiB to 64 MiB), measured at
05:20 UTC 2026-12-06 by building them on the engine, reading its ``docker save`` and
compressing each layer's own tar with layerlab. Each row: layerlab's size, the tar's bytes
in zero blocks, the engine's blob size."""

from __future__ import annotations

import pytest

from layerlab.model.compression import GzipBlob, gzip_blob
from layerlab.model.fs import File
from layerlab.model.layer import Layer

#: (layerlab's gzip size, zero bytes in the tar, Engine 28.5's blob size)
MEASURED = [
    (29, 1024, 29),
    (72, 1024, 77),
    (99, 1024, 102),
    (99, 1024, 105),
    (100, 1024, 105),
    (100, 2048, 104),
    (102, 1024, 105),
    (102, 1024, 106),
    (103, 1024, 108),
    (105, 1024, 109),
    (106, 1024, 111),
    (108, 1024, 111),
    (113, 1024, 116),
    (120, 1024, 123),
    (120, 1024, 124),
    (123, 1024, 123),
    (132, 1024, 137),
    (132, 1024, 138),
    (133, 1024, 135),
    (136, 1024, 140),
    (137, 1024, 142),
    (140, 1024, 146),
    (152, 1024, 148),
    (154, 1024, 155),
    (157, 1024, 157),
    (161, 1024, 161),
    (167, 1024, 173),
    (169, 1024, 163),
    (169, 1024, 170),
    (170, 1024, 170),
    (171, 1024, 162),
    (171, 1024, 171),
    (176, 1024, 172),
    (188, 1024, 186),
    (190, 1024, 192),
    (190, 1024, 193),
    (194, 1024, 197),
    (198, 1024, 199),
    (205, 1024, 209),
    (207, 103424, 262),
    (222, 1024, 225),
    (298, 1024, 307),
    (463, 308224, 735),
    (1124, 1049600, 2127),
    (1174, 1024, 1209),
    (3532, 1024, 3522),
    (4173, 4195328, 8301),
    (4175, 4195328, 8301),
    (4202, 1024, 3779),
    (5195, 5243904, 10346),
    (16403, 16778240, 32960),
    (65325, 67109888, 131650),
    (102625, 1024, 103966),
    (424896, 1024, 427666),
    (624110, 2098176, 630443),
    (1031603, 12800, 1079950),
    (1037487, 12800, 1084936),
    (1049074, 1024, 1049259),
    (8389726, 1024, 8389852),
]


@pytest.mark.parametrize(("model", "zeros", "engine"), MEASURED)
def test_every_measured_engine_blob_lies_within_the_bound(model: int, zeros: int, engine: int) -> None:
    low, high = GzipBlob("sha256:" + "0" * 64, model, zeros).engine_bounds
    assert low <= engine <= high


def test_the_bound_is_tight_where_the_compressors_agree_and_wide_for_zeros() -> None:
    # 1 MiB of random bytes: both store it; 4 MiB of zeros: Go's deflate writes twice zlib's
    assert GzipBlob("d", 1_049_074, 1024).engine_bounds[1] < 1_049_074 * 1.07
    low, high = GzipBlob("d", 4173, 4_195_328).engine_bounds
    assert low < 4173 < 8301 <= high < 3 * 4173


def test_a_layer_counts_the_zeros_of_its_tar() -> None:
    layer = Layer({"zeros.bin": File(content=bytes(1 << 20)), "one.txt": File(content=b"one\n")})
    blob = gzip_blob(layer)
    assert blob.zeros >= 1 << 20 and blob.engine_bounds[1] > 2 * blob.size
