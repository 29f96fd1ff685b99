"""A small image for the copy-on-write chapters: a big file, a log, a config directory.

Built in the model (no engine, no download), so notebooks and the container lab start in
milliseconds. The big file is synthetic (50 MB that cost no memory) so a copy-up of it has
a size a learner notices.
"""

from __future__ import annotations

from functools import cache

from layerlab.model.content import SyntheticContent
from layerlab.model.image import EPOCH, HistoryEntry, Image
from layerlab.model.layer import Layer

from .examples import demo_base_layer

#: Size of /data/model.bin, the big file of :func:`cow_image`.
BIG_FILE_SIZE = 50_000_000
BIG_FILE = "/data/model.bin"


@cache
def cow_image() -> Image:
    """``cow-demo``: base OS; COPY a 50 MB model; RUN add a config dir and a log; CMD."""
    steps: list[tuple[str, Layer | None]] = [
        ("ADD demo-rootfs.tar /", demo_base_layer()),
        (
            "COPY model.bin /data/",
            Layer.from_files({"data/model.bin": SyntheticContent(BIG_FILE_SIZE, "model")}),
        ),
        (
            "RUN mkdir -p /etc/app /var/log/app && echo ... > /etc/app/app.conf ...",
            Layer.from_files(
                {
                    "etc/app/app.conf": b"mode=demo\nworkers=2\n",
                    "etc/app/secrets.env": b"TOKEN=not-a-real-token\n",
                    "var/log/app/app.log": b"started\n" * 512,
                }
            ),
        ),
        ('CMD ["sleep", "infinity"]', None),
    ]
    history = [
        HistoryEntry(
            created_by=text,
            empty_layer=layer is None,
            created=EPOCH,
            comment="buildkit.dockerfile.v0",
        )
        for text, layer in steps
    ]
    return Image.build(
        [layer for _, layer in steps if layer is not None],
        history=history,
        cmd=["sleep", "infinity"],
    )
