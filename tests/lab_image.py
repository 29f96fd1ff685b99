"""The course's test image as the engines built it, mirrored in the model, and what Engine 28.5's
containerd store named it by (``tests/data/engines``: documents copied from its ``docker save``).

The real image (Dockerfile in the issue's findings, section 3)::

    FROM scratch
    COPY busybox /bin/busybox
    RUN ["/bin/busybox","--install","-s","/bin"]
    WORKDIR /app
    ENV GREETING=hello
    COPY hello.txt blob.bin /app/
    RUN echo "$GREETING world" > /app/greeting.txt && mkdir -p /data && head -c 100000 /dev/zero > /data/zeros
    LABEL course=layerlab
    CMD ["/bin/sh"]

The model cannot run busybox, so :func:`lab_image` builds the same five layers from their
entries (the busybox layer list is the engine's: ``busybox-install-layer.txt``): same
files, sizes, directories and symlinks, so sizes an engine derives from them agree.
"""

from __future__ import annotations

import json
from pathlib import Path

from layerlab.model.content import SyntheticContent, ZeroContent
from layerlab.model.fs import Dir, File, Symlink
from layerlab.model.image import HistoryEntry, Image
from layerlab.model.layer import Layer
from layerlab.model.oci import Descriptor, ImageTarget

DATA = Path(__file__).parent / "data" / "engines"
C28 = DATA / "28-containerd"
#: The containerd store's image id of the test image: its BuildKit index (images.txt).
INDEX = "sha256:6ccbb41465da140f35877aee2e05ed26f6506e9baf697850ee18328205ef9553"
BUILDKIT = "buildkit.dockerfile.v0"


def _install_layer() -> Layer:
    entries = {}
    for line in (DATA / "busybox-install-layer.txt").read_text().splitlines():
        if line.startswith("#"):
            continue
        path, kind = line.split("\t")
        entries[path] = Dir() if kind == "dir" else Symlink(target=kind.removeprefix("symlink "))
    return Layer(entries)


def lab_layers() -> list[Layer]:
    """The five layers, bottom first (busybox is 1,982,256 bytes; blob.bin 20,000)."""
    return [
        Layer({"bin": Dir(), "bin/busybox": File(content=SyntheticContent(1_982_256, "busybox"), mode=0o755)}),
        _install_layer(),
        Layer({"app": Dir()}),
        Layer({"app": Dir(), "app/hello.txt": File(content=b"hello from the lab!\n"),
               "app/blob.bin": File(content=SyntheticContent(20_000, "blob"))}),
        Layer({"app": Dir(), "app/greeting.txt": File(content=b"hello world\n"), "data": Dir(),
               "data/zeros": File(content=ZeroContent(100_000))}),
    ]


def lab_image() -> Image:
    """The test image in the model: its layers and the history rows BuildKit wrote."""
    rows = [
        ("COPY busybox /bin/busybox # buildkit", False),
        ("RUN /bin/busybox --install -s /bin # buildkit", False),
        ("WORKDIR /app", False),
        ("ENV GREETING=hello", True),
        ("COPY hello.txt blob.bin /app/ # buildkit", False),
        ('RUN /bin/sh -c echo "$GREETING world" > /app/greeting.txt && mkdir -p /data && head -c 100000 '
         "/dev/zero > /data/zeros # buildkit", False),
        ("LABEL course=layerlab", True),
        ('CMD ["/bin/sh"]', True),
    ]
    history = [HistoryEntry(created_by=text, empty_layer=empty, comment=BUILDKIT) for text, empty in rows]
    return Image.build(lab_layers(), history=history, cmd=["/bin/sh"], working_dir="/app",
                       env=["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hello"],
                       labels={"course": "layerlab"})


def engine_document(digest: str) -> bytes:
    return (C28 / digest.removeprefix("sha256:")).read_bytes()


def engine_target() -> ImageTarget:
    """What Engine 28.5's containerd store named the test image by: its index, with every
    document as the engine wrote it (layer blobs as their descriptors say)."""
    index = json.loads(engine_document(INDEX))
    platform, attestation = (Descriptor.from_json(m) for m in index["manifests"])
    manifest = json.loads(engine_document(platform.digest))
    att = json.loads(engine_document(attestation.digest))
    att_blobs = [attestation, Descriptor.from_json(att["config"]), *(Descriptor.from_json(x) for x in att["layers"])]
    documents = {INDEX: engine_document(INDEX)}
    for desc in [platform, Descriptor.from_json(manifest["config"]), *att_blobs]:
        documents[desc.digest] = engine_document(desc.digest)
    top = Descriptor("application/vnd.oci.image.index.v1+json", INDEX, len(documents[INDEX]))
    return ImageTarget(top, platform, Descriptor.from_json(manifest["config"]),
                       tuple(Descriptor.from_json(x) for x in manifest["layers"]), documents, tuple(att_blobs))
