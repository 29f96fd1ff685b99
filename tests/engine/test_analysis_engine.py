"""The analysis of a real ``docker save``: an image built by the engine FROM scratch with
busybox, whose waste is known from its Dockerfile, checked against what the engine says.

- total_bytes: the engine's own image Size (the layers' sizes added up);
- final_bytes: the regular-file bytes of ``docker export`` of a container of the image;
- wasted_bytes: known by construction: a 5 MiB file removed in a later RUN, a 300 KiB file
  chmod-ed in a later RUN, a 100 kB COPY chown-ed in a later RUN.
"""

from __future__ import annotations

import tarfile

import pytest
from engine_support import busybox_context

from layerlab import read_archive
from layerlab.analysis import analyze, compare_analyses

pytestmark = pytest.mark.engine

MiB, KiB = 1 << 20, 1 << 10
DATA = bytes(range(256)) * 390 + b"x" * 160  # 100,000 bytes

WASTEFUL = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN dd if=/dev/urandom of=/big.bin bs=1024 count=5120 && dd if=/dev/urandom of=/tool bs=1024 count=300
RUN rm /big.bin
RUN chmod 700 /tool
COPY data.bin /data.bin
RUN chown 1000:1000 /data.bin
"""

LEAN = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY --chown=1000:1000 data.bin /data.bin
"""


def _file_bytes_in_layers(tar, archived) -> int:  # type: ignore[no-untyped-def]
    """Regular-file bytes in the image's layer tars, read from the blobs the engine saved."""
    import gzip
    import io

    total = 0
    with tarfile.open(tar) as outer:
        for info in archived.layer_info:
            blob = outer.extractfile(info.path).read()  # type: ignore[union-attr]
            if blob[:2] == b"\x1f\x8b":
                blob = gzip.decompress(blob)
            with tarfile.open(fileobj=io.BytesIO(blob)) as layer:
                total += sum(m.size for m in layer.getmembers() if m.isreg())
    return total


@pytest.fixture(scope="module")
def built(engine, tmp_path_factory):
    work = tmp_path_factory.mktemp("analysis-engine")
    wasteful = busybox_context(work / "wasteful", WASTEFUL, {"data.bin": DATA})
    lean = busybox_context(work / "lean", LEAN, {"data.bin": DATA})
    engine.build(wasteful, "layerlab-test/wasteful:1")
    engine.build(lean, "layerlab-test/lean:1")
    tar = work / "both.tar"
    engine.save(["layerlab-test/wasteful:1", "layerlab-test/lean:1"], tar)
    exported = work / "export.tar"
    engine.export_filesystem("layerlab-test/wasteful:1", exported)
    images = {a.tags[0]: a for a in read_archive(tar)}
    return engine, images, exported


def test_waste_of_a_real_image_is_what_its_dockerfile_made(built):
    engine, images, exported = built
    archived = images["layerlab-test/wasteful:1"]
    a = analyze(archived.image, "wasteful")
    # the layers' file bytes: the classic store's image Size; the containerd store's Size is its
    # compressed blobs, so there the bytes are counted in the layer tars it saved
    if engine.profile().containerd:
        assert a.total_bytes == _file_bytes_in_layers(exported.with_name("both.tar"), archived)
    else:
        assert a.total_bytes == engine.inspect_image("layerlab-test/wasteful:1")["Size"]
    with tarfile.open(exported) as tar:
        exported_bytes = sum(m.size for m in tar.getmembers() if m.isreg())
    assert a.final_bytes == exported_bytes
    assert a.wasted_bytes == 5 * MiB + 300 * KiB + len(DATA)
    assert a.wasted_bytes == a.total_bytes - a.final_bytes
    # dive would count the chmod-ed and chown-ed files twice (both copies)
    assert a.figures.dive_wasted_bytes == 5 * MiB + 2 * (300 * KiB + len(DATA))


def test_marks_and_fixes_on_the_real_layers(built):
    _, images, _ = built
    a = analyze(images["layerlab-test/wasteful:1"].image)
    marks = [{c.path: c.mark for c in a.changes(i) if c.mark} for i in range(len(a.layers))]
    assert marks[3] == {"big.bin": "D"}
    assert marks[4] == {"tool": "M"}
    assert marks[6] == {"data.bin": "M"}
    fixes = {(f.kind, f.added_in, f.lost_in, f.saves_bytes) for f in a.fixes}
    assert fixes == {
        ("clean-in-same-step", 2, 3, 5 * MiB),
        ("chmod-in-same-step", 2, 4, 300 * KiB),
        ("copy-chown", 5, 6, len(DATA)),
    }


def test_side_by_side_shares_the_layers_the_engine_shares(built):
    engine, images, _ = built
    wasteful, lean = images["layerlab-test/wasteful:1"], images["layerlab-test/lean:1"]
    c = compare_analyses([analyze(wasteful.image, "wasteful"), analyze(lean.image, "lean")])
    engine_layers = [
        engine.inspect_image(t)["RootFS"]["Layers"]
        for t in ("layerlab-test/wasteful:1", "layerlab-test/lean:1")
    ]
    common = 0
    while engine_layers[0][common] == engine_layers[1][common]:
        common += 1
    assert common == 2 and len(c.shared) == 2
    assert c.saved_bytes == sum(layer.size for layer in lean.image.layers[:2])
    lean_analysis = analyze(lean.image)
    assert (lean_analysis.wasted_bytes, lean_analysis.efficiency) == (0, 1.0)
    # both end with /data.bin owned by 1000 (chown vs COPY --chown): only /tool differs
    assert {(d.path, d.mark) for d in c.differences[0]} == {("tool", "D")}
