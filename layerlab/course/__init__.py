"""The course as data: its notebooks in order and the misconceptions it sets out to correct.

One list feeds the course map (notebook 00, README), the previous/next links and the test
that every misconception is met by a predict-then-check exercise somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MISCONCEPTIONS", "NOTEBOOKS", "Misconception", "Notebook"]


@dataclass(frozen=True)
class Notebook:
    number: int
    file: str
    title: str
    minutes: int
    shows: str

    @property
    def label(self) -> str:
        return f"{self.number:02d} · {self.title}"


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook(0, "00-start-here.ipynb", "Start here", 10,
             "how the course works, an image's layer stack, a first exercise"),
    Notebook(1, "01-where-docker-keeps-things.ipynb", "Where Docker keeps things", 30,
             "`/var/lib/docker` step by step, ids from config to directory, classic vs containerd store"),
    Notebook(2, "02-layers-and-reuse.ipynb", "Layers and reuse", 30,
             "which steps make layers, the build cache, shared layers; the build lab"),
    Notebook(3, "03-image-vs-container-layer.ipynb", "Image layer vs container layer", 20,
             "read-only and shared vs read-write and private; size vs virtual size"),
    Notebook(4, "04-copy-on-write.ipynb", "Copy-on-write", 30,
             "copy-up, whiteouts, opaque directories, EXDEV; the container lab"),
    Notebook(5, "05-storage-drivers.ipynb", "Storage drivers", 25,
             "overlay2, btrfs, vfs, ... what each costs; the driver lab"),
    Notebook(6, "06-volumes.ipynb", "Volumes", 20,
             "named, anonymous, bind, tmpfs; what survives `docker rm`"),
    Notebook(7, "07-look-inside-a-real-image.ipynb", "Look inside a real image", 25,
             "your own `docker save` tar or OCI layout: layers, waste, costs; the simulator beside a real engine"),
    Notebook(8, "08-when-the-disk-fills-up.ipynb", "When the disk fills up", 25,
             "`docker system df`, what each prune removes, container logs and their limits, build cache, "
             "moving the data root"),
)  # fmt: skip


@dataclass(frozen=True)
class Misconception:
    slug: str
    belief: str
    truth: str


MISCONCEPTIONS: dict[str, Misconception] = {
    m.slug: m
    for m in (
        Misconception("every-line-a-layer", "Every Dockerfile line makes a layer",
                      "only RUN, COPY, ADD and WORKDIR do (even when they change nothing); the rest only edit the config"),
        Misconception("delete-shrinks-image", "Deleting a file in a later layer shrinks the image",
                      "it only whites it out; the bytes stay in the earlier layer"),
        Misconception("cow-copies-blocks", "Copy-on-write copies changed blocks",
                      "overlay2 and aufs copy whole files (on a reflink filesystem the copy shares blocks); "
                      "btrfs, zfs and devicemapper work per block"),
        Misconception("chmod-is-free", "chmod is free",
                      "on overlay2 it copies the whole file up into the container layer, unless the kernel has metacopy on"),
        Misconception("rm-dir-makes-opaque", "rm -r of a lower directory makes an opaque directory",
                      "it makes a whiteout; only re-creating the directory makes it opaque"),
        Misconception("dir-names-are-digests", "overlay2 directory names are layer digests",
                      "they are random cache-ids"),
        Misconception("diff-id-is-registry-digest", "diff-id = registry layer digest, image ID = registry digest",
                      "the diff-id hashes the uncompressed tar, the blob digest the compressed one; "
                      "the image id hashes the config (classic store) or names the manifest or index (containerd "
                      "store), never a layer"),
        Misconception("chain-id-hashes-bare-hex", "ChainID hashes bare hex",
                      "it hashes the full 'sha256:...' strings joined by a space"),
        Misconception("rm-v-removes-all-volumes", "docker rm -v removes all volumes",
                      "only anonymous ones; named volumes stay until docker volume rm or a volume prune "
                      "(since Engine 23.0: docker volume prune --all)"),
        Misconception("touch-busts-copy-cache", "Touching source files busts the COPY cache",
                      "the COPY checksum ignores mtime"),
        Misconception("everything-in-var-lib-docker", "Everything lives in /var/lib/docker",
                      "with the containerd image store (Engine 29+ fresh installs) images live in containerd's root "
                      "(/var/lib/containerd on a usual install), which data-root does not move"),
        Misconception("virtual-sizes-add-up", "Virtual sizes add up",
                      "containers share their image; summing virtual sizes counts it once per container"),
        Misconception("app-logs-in-container-layer", "An application's logs are stored in the container layer",
                      "only log files it writes inside the container are; what it prints to stdout/stderr goes "
                      "to the logging driver's files (json-file: /var/lib/docker/containers/<id>/<id>-json.log), "
                      "outside every layer, not counted by docker ps -s and unlimited unless you set max-size"),
    )
}  # fmt: skip
