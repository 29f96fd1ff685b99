"""The course as data: its notebooks in order and the misconceptions it sets out to correct.

One list feeds the course map (notebook 00, README), the previous/next links and the test
that every misconception is met by a predict-then-check exercise somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from layerlab.i18n import N_, translate

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
        """``"04 · Copy-on-write"``, in the learner's language."""
        return f"{self.number:02d} · {translate(self.title)}"


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook(0, "00-start-here.ipynb", N_("Start here"), 10,
             N_("how the course works, an image's layer stack, a first exercise")),
    Notebook(1, "01-where-docker-keeps-things.ipynb", N_("Where Docker keeps things"), 30,
             N_("`/var/lib/docker` step by step, ids from config to directory, classic vs containerd store")),
    Notebook(2, "02-layers-and-reuse.ipynb", N_("Layers and reuse"), 30,
             N_("which steps make layers, the build cache, shared layers; the build lab")),
    Notebook(3, "03-image-vs-container-layer.ipynb", N_("Image layer vs container layer"), 20,
             N_("read-only and shared vs read-write and private; size vs virtual size")),
    Notebook(4, "04-copy-on-write.ipynb", N_("Copy-on-write"), 30,
             N_("copy-up, whiteouts, opaque directories, EXDEV; the container lab")),
    Notebook(5, "05-storage-drivers.ipynb", N_("Storage drivers"), 25,
             N_("overlay2, btrfs, vfs, ... what each costs; the driver lab")),
    Notebook(6, "06-volumes.ipynb", N_("Volumes"), 20,
             N_("named, anonymous, bind, tmpfs; what survives `docker rm`")),
    Notebook(7, "07-look-inside-a-real-image.ipynb", N_("Look inside a real image"), 25,
             N_("your own `docker save` tar or OCI layout: layers, waste, costs; the simulator beside a real engine")),
    Notebook(8, "08-when-the-disk-fills-up.ipynb", N_("When the disk fills up"), 25,
             N_("`docker system df`, what each prune removes, container logs and their limits, build cache, "
             "moving the data root")),
)  # fmt: skip


@dataclass(frozen=True)
class Misconception:
    slug: str
    belief: str
    truth: str


MISCONCEPTIONS: dict[str, Misconception] = {
    m.slug: m
    for m in (
        Misconception("every-line-a-layer", N_("Every Dockerfile line makes a layer"),
                      N_("only RUN, COPY, ADD and WORKDIR do (even when they change nothing); the rest only edit the config")),
        Misconception("delete-shrinks-image", N_("Deleting a file in a later layer shrinks the image"),
                      N_("it only whites it out; the bytes stay in the earlier layer")),
        Misconception("cow-copies-blocks", N_("Copy-on-write copies changed blocks"),
                      N_("overlay2 and aufs copy whole files (on a reflink filesystem the copy shares blocks); "
                      "btrfs, zfs and devicemapper work per block")),
        Misconception("chmod-is-free", N_("chmod is free"),
                      N_("on overlay2 it copies the whole file up into the container layer, unless the kernel has metacopy on")),
        Misconception("rm-dir-makes-opaque", N_("rm -r of a lower directory makes an opaque directory"),
                      N_("it makes a whiteout; only re-creating the directory makes it opaque")),
        Misconception("dir-names-are-digests", N_("overlay2 directory names are layer digests"),
                      N_("they are random cache-ids")),
        Misconception("diff-id-is-registry-digest", N_("diff-id = registry layer digest, image ID = registry digest"),
                      N_("the diff-id hashes the uncompressed tar, the blob digest the compressed one; "
                      "the image id hashes the config (classic store) or names the manifest or index (containerd "
                      "store), never a layer")),
        Misconception("chain-id-hashes-bare-hex", N_("ChainID hashes bare hex"),
                      N_("it hashes the full 'sha256:...' strings joined by a space")),
        Misconception("rm-v-removes-all-volumes", N_("docker rm -v removes all volumes"),
                      N_("only anonymous ones; named volumes stay until docker volume rm or a volume prune "
                      "(since Engine 23.0: docker volume prune --all)")),
        Misconception("touch-busts-copy-cache", N_("Touching source files busts the COPY cache"),
                      N_("the COPY checksum ignores mtime")),
        Misconception("everything-in-var-lib-docker", N_("Everything lives in /var/lib/docker"),
                      N_("with the containerd image store (Engine 29+ fresh installs) images live in containerd's root "
                      "(/var/lib/containerd on a usual install), which data-root does not move")),
        Misconception("virtual-sizes-add-up", N_("Virtual sizes add up"),
                      N_("containers share their image; summing virtual sizes counts it once per container")),
        Misconception("app-logs-in-container-layer", N_("An application's logs are stored in the container layer"),
                      N_("only log files it writes inside the container are; what it prints to stdout/stderr goes "
                      "to the logging driver's files (json-file: /var/lib/docker/containers/<id>/<id>-json.log), "
                      "outside every layer, not counted by docker ps -s and unlimited unless you set max-size")),
    )
}  # fmt: skip
