"""Small images made in the model, for the notebooks and the docs.

The demo's base is a synthetic root filesystem with realistic sizes, not a real
distribution; the point is the layer structure, which is exactly what an engine makes.
"""

from __future__ import annotations

from functools import cache

from layerlab.model.content import SyntheticContent
from layerlab.model.fs import Dir, File, Symlink
from layerlab.model.image import EPOCH, HistoryEntry, Image
from layerlab.model.layer import Layer

_BUSYBOX_APPLETS = ("sh", "ls", "cat", "cp", "mv", "rm", "mkdir", "echo", "wget", "tar")


def demo_base_layer() -> Layer:
    """A tiny OS: busybox with its applet links, /etc basics, empty standard directories."""
    files: dict[str, File | Dir | Symlink] = {
        "bin/busybox": File(content=SyntheticContent(1_131_168, "busybox"), mode=0o755),
        "etc/os-release": File(content=b'NAME="Demo Linux"\nID=demo\nVERSION_ID=1.0\n'),
        "etc/passwd": File(
            content=b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
        ),
        "etc/group": File(content=b"root:x:0:\nnogroup:x:65534:\n"),
        "etc/hostname": File(content=b"demo\n"),
        "lib/libc.so.6": File(content=SyntheticContent(1_922_136, "libc"), mode=0o755),
        "root": Dir(mode=0o700),
        "tmp": Dir(mode=0o1777),
        "var/log": Dir(),
        "usr/bin": Dir(),
    }
    for applet in _BUSYBOX_APPLETS:
        files[f"bin/{applet}"] = Symlink(target="busybox")
    return Layer.from_files(files)


def _demo_steps() -> list[tuple[str, Layer | None]]:
    """The demo's Dockerfile steps, in order: (instruction, the layer it makes or None)."""
    dataset = SyntheticContent(30_000_000, "dataset")
    return [
        ("ADD demo-rootfs.tar /", demo_base_layer()),
        ('CMD ["/bin/sh"]', None),
        (
            "RUN wget -O /data/dataset.bin https://example.com/dataset.bin",
            Layer.from_files({"data/dataset.bin": dataset}),
        ),
        ("RUN rm /data/dataset.bin", Layer.from_files({}, delete=["data/dataset.bin"])),
        (
            "COPY app.py /app/",
            Layer.from_files({"app/app.py": b'print("hello from the demo app")\n'}),
        ),
        ("ENV APP_MODE=demo", None),
        ('CMD ["/bin/sh", "-c", "cat /app/app.py"]', None),
    ]


#: How many of the demo's steps come before ``RUN rm``: the image as it is after the download.
DEMO_STEPS_BEFORE_RM = 3


@cache
def demo_image(steps: int | None = None) -> Image:
    """An app image whose Dockerfile downloads a big file in one step and deletes it in the next.

    It shows three things at once: only filesystem steps make layers; ENV/CMD steps are
    history rows with no layer; a deletion in a later layer leaves the bytes in the image.
    ``steps`` builds only the first steps (``DEMO_STEPS_BEFORE_RM``: up to the download), so
    a notebook can draw the image before the learner predicts what ``rm`` does.
    """
    chosen = _demo_steps()[:steps]
    history = [
        HistoryEntry(
            created_by=text,
            empty_layer=layer is None,
            created=EPOCH,
            comment="buildkit.dockerfile.v0",
        )
        for text, layer in chosen
    ]
    configs = [text for text, layer in chosen if layer is None]
    cmd = (
        ["/bin/sh", "-c", "cat /app/app.py"]
        if configs[-1].startswith('CMD ["/bin/sh", "-c"')
        else ["/bin/sh"]
    )
    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    if any(text.startswith("ENV APP_MODE") for text in configs):
        env.append("APP_MODE=demo")
    return Image.build(
        [layer for _, layer in chosen if layer is not None], history=history, env=env, cmd=cmd
    )
