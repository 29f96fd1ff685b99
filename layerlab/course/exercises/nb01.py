"""Notebook 01 · Where Docker keeps things: the data root after each command of a walk.

The notebook runs the same commands on two engines side by side: ``walk`` with the containerd
image store (a fresh Engine 29 install's) and ``classic`` with the classic store and overlay2
(hosts upgraded from older engines). Each proof reads both walks at the step the exercise cell
moved them to, and draws what that command changed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from layerlab.i18n import _
from layerlab.render import dataroot_tree, identities

from ..exercise import MultipleChoice, ShortAnswer
from ..proof import Part, Printed, Proof, Said, Table, expect

__all__ = ["EXERCISES"]

WALK = ("walk", "classic")

SNAPSHOTS = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots"
BLOBS = "/var/lib/containerd/io.containerd.content.v1.content/blobs/sha256"


def _step(walk: Any) -> Printed:
    return Printed(repr(walk.step))


def _short(name: str) -> str:
    """A digest's first 16 hex characters and an ellipsis, as the trees show it; a number stays."""
    return name if len(name) <= 18 else name[:16] + "…"


def _changed_under(walk: Any, parent: str, status: str) -> Table:
    """The entries directly under ``parent`` that the walk's last command added or removed,
    with what each one is."""
    root, before = walk.root(), walk.before()
    diff = root.diff_since(before)
    paths = getattr(diff, status)
    rows = [(_short(p.rsplit("/", 1)[1]), (root if status == "added" else before).node(p).explanation)
            for p in sorted(paths, key=lambda p: (len(p), p)) if p.rsplit("/", 1)[0] == parent]  # fmt: skip
    if status == "added":
        expect(bool(rows), _("the last command added nothing under {parent}", parent=parent))
        column = _("added under …/{name}/", name=parent.rsplit("/", 1)[1])
    else:
        expect(bool(rows), _("the last command removed nothing under {parent}", parent=parent))
        column = _("removed under …/{name}/", name=parent.rsplit("/", 1)[1])
    return Table((column, _("what it is")), tuple(rows))


def _pull(walk: Any, classic: Any) -> list[Part]:
    return [
        _step(classic),
        dataroot_tree(classic.root(), since=classic.before(), max_depth=3),
        Said(_(
            "Filled boxes are NEW; a folded directory says how many changes it hides. Read them "
            "from the top:\n"
            "- `image/overlay2/repositories.json` is CHANGED: it now maps `alpine:3.20` to the image ID.\n"
            "- `image/overlay2/imagedb/content/sha256/<image id>` (folded) is the image config, named "
            "by the sha256 of its own bytes: the [image ID](glossary.md#image-id).\n"
            "- `image/overlay2/layerdb/sha256/<chain id>/` is the layer's record: files `diff`, "
            "`size`, `cache-id` and `tar-split.json.gz`.\n"
            "- `overlay2/<something>/diff/` holds the layer's files, and `overlay2/l/` a short link to it."
        )),
    ]


PULL_DIRS = MultipleChoice(
    "`docker pull alpine:3.20` downloads an image of one layer. With the classic image store "
    "(`classic`), which top-level directories of /var/lib/docker get new entries?",
    options=[
        "only image/: the layer's files are stored inside the image store",
        "image/ (the config, a record of the layer, the tag) and overlay2/ (the layer's files)",
        "containers/ and overlay2/",
        "a new directory /var/lib/docker/alpine",
    ],
    answer=1,
    explanation=(
        "The image store gets the config (imagedb/content/sha256/<image id>), a record of the layer "
        "(layerdb/sha256/<chain id>/) and the tag (repositories.json). The files themselves go to the "
        "driver: overlay2/<cache-id>/diff/. No container exists yet, and nothing is named after the image. "
        "The containerd image store keeps images elsewhere: that is the question after next."
    ),
    hints={
        0: "The image store keeps small files: configs, ids, sizes. Who stores the bytes?",
        2: "Is there a container yet?",
        3: "The four stores are named for what they hold, not for an image: where would a layer's files go?",
    },
    id="01-pull-dirs",
    proof=Proof("The classic data root after docker pull", _pull, needs=WALK),
)


def _cache_id(walk: Any, classic: Any) -> list[Part]:
    return [
        identities(classic.root(), "alpine:3.20"),
        Said(_(
            "Follow one row left to right. The config lists the layer's diff-id (`rootfs.diff_ids`); "
            "for the bottom layer the chain ID equals the diff-id, so `layerdb/sha256/` uses that "
            "name; the record's `cache-id` file names the directory `overlay2/<cache-id>/`; its "
            "`link` file names the short link `l/<26 characters>` → `../<cache-id>/diff`, which keeps the "
            "overlay mount options short. Blue columns are computed from content, orange ones made "
            "up by the daemon: nothing in a directory's name tells you what it holds, so two engines "
            "that pull the same image have the same IDs but different directory names."
        )),
    ]


CACHE_ID_NAME = MultipleChoice(
    "alpine's layer has a diff-id, the sha256 of its uncompressed tar. With the classic store, what "
    "is the name of the directory under /var/lib/docker/overlay2/ that holds its files?",
    options=[
        "its diff-id: directories are named by the hash of their content",
        "its chain ID",
        "a random cache-id; the file layerdb/sha256/<chain id>/cache-id says which",
        "alpine",
    ],
    answer=2,
    explanation=(
        "The driver's directories have random names (cache-ids, 32 random bytes as 64 hex; BuildKit's "
        "25-character ids for built layers). Only the layer store's record, layerdb/sha256/<chain id>/, "
        "is named by content, and its cache-id file names the directory."
    ),
    hints={
        0: "Compare the names under overlay2/ in the picture with the diff-id.",
        1: "The chain ID names the directory under image/overlay2/layerdb/sha256/, not the one under overlay2/.",
        3: "The storage driver knows nothing about images or their names: it only stacks directories.",
    },
    misconception="dir-names-are-digests",
    id="01-cache-id-name",
    proof=Proof("From alpine's config to its directory (classic store)", _cache_id, needs=WALK),
)


def _chain_id(walk: Any, classic: Any) -> list[Part]:
    app = classic.root().identity("course-app")
    d0, d1 = (layer.diff_id for layer in app.layers)
    chain = app.layers[1].chain_id
    full = "sha256:" + hashlib.sha256(f"{d0} {d1}".encode()).hexdigest()
    bare = "sha256:" + hashlib.sha256(f"{d0[7:]} {d1[7:]}".encode()).hexdigest()
    expect(full == chain and bare != chain, _("chain[1] should hash the full strings, not bare hex"))
    same = [layer.chain_id for layer in walk.root().identity("course-app").layers]
    expect(same == [layer.chain_id for layer in app.layers], _("both stores should have the same chain IDs"))
    return [
        Table(
            (_("what is hashed"), _("sha256 of it"), _("is chain[1]?")),
            (
                (_("the full strings: `sha256:… sha256:…`"), full, _("yes")),
                (_("the bare hex digests: `… …`"), bare, _("no")),
            ),
        ),  # fmt: skip
        Said(_(
            "chain[1], as the classic layer store names its record: `{chain}`. The containerd "
            "store computes the same chain IDs: its snapshotter keys each layer's snapshot by one.",
            chain=chain,
        )),
        identities(classic.root(), "course-app"),
        Said(_(
            "The dashed arrow is that hash. Because a chain ID covers every layer below, the same "
            "tar on top of a different base gets a different chain ID, hence its own record and its "
            "own directory: layers are shared on disk only when the whole stack below them is the "
            "same (notebook 02 shows that sharing). In the classic store, the `lower` file lists the "
            "short links of the layers below, top first: it is the `lowerdir` list overlayfs mounts."
        )),
    ]


CHAIN_ID_STRING = MultipleChoice(
    "course-app's chain IDs: chain[0] is diff_id[0]. chain[1] is the sha256 of which string?",
    options=[
        "`<hex 0> <hex 1>`: the two hex digests, joined by a space",
        "`sha256:<hex 0> sha256:<hex 1>`: the two full strings, joined by a space",
        "`sha256:<hex 0>sha256:<hex 1>`: the two full strings, no space",
        "the two layer tars, one after the other",
    ],
    answer=1,
    explanation=(
        "ChainID(L0) = DiffID(L0); ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + ' ' + DiffID(Ln)), over the "
        "full strings with their 'sha256:' prefix (OCI image spec, config.md). Hashing bare hex gives "
        "another value, that no engine has on disk."
    ),
    hints={
        0: "Look at how the image spec writes it: the digests keep their algorithm prefix.",
        2: "The spec joins the two ids with one character between them.",
        3: "A chain ID is made from ids, never from the layer bytes again: which ids?",
    },
    misconception="chain-id-hashes-bare-hex",
    id="01-chain-id-string",
    proof=Proof("chain[1], computed both ways", _chain_id, needs=WALK),
)


def _run(walk: Any, classic: Any) -> list[Part]:
    root = classic.root()
    container = root.children("containers")[0].name
    records = [(name, root.node(f"image/overlay2/layerdb/mounts/{container}/{name}").content)
               for name in ("mount-id", "init-id", "parent")]  # fmt: skip
    return [
        _step(classic),
        dataroot_tree(root, since=classic.before(), max_depth=2),
        Said(_(
            "The container's [init layer](glossary.md#init-layer) `<mount-id>-init` and its "
            "[container layer](glossary.md#container-layer) `<mount-id>` are NEW in `overlay2/`: two "
            "directories. Its bookkeeping is in `containers/<container id>/` and "
            "`image/overlay2/layerdb/mounts/<container id>/`. The [mount-id](glossary.md#mount-id) is "
            "random too, not the container ID:"
        )),
        Table(
            (_("file in layerdb/mounts/<container id>/"), _("content")),
            ((_("(the container id)"), container), *records),
        ),  # fmt: skip
        Said(_(
            "`parent` is alpine's chain ID: the container's layers sit on the image's top layer. "
            "alpine's layer directory also got a `committed` marker (one of the folded changes): a "
            "layer now sits on top of it."
        )),
        Said(_(
            "The same `docker run` with the containerd image store (`walk`): the same two layers, "
            "as two new numbered snapshots in containerd's root. `containers/<container id>/` is the "
            "same as in the classic store; `rootfs/overlayfs/` is where dockerd mounts a running "
            "container's root filesystem."
        )),
        dataroot_tree(walk.root(), since=walk.before(), max_depth=2),
        _changed_under(walk, SNAPSHOTS, "added"),
    ]


RUN_DIRS = ShortAnswer(
    "`docker run --name web alpine:3.20 …` creates a container. With the classic store, how many new "
    "directories appear directly under /var/lib/docker/overlay2/ (not counting the short links in "
    "l/)? (a number)",
    answer=2,
    explanation=(
        "Two: <mount-id>-init, the init layer, where Docker puts empty placeholders for /etc/hosts, "
        "/etc/hostname, /etc/resolv.conf and /.dockerenv (the real files, in containers/<id>/, are "
        "mounted over them), and <mount-id>, the container's own read-write layer. The image's layer "
        "directory is shared, not copied. With the containerd store the same two layers are two "
        "numbered snapshots under containerd's root."
    ),
    hint="A container gets its own writable layer, and Docker adds one more layer between it and the image.",
    id="01-run-dirs",
    proof=Proof("The data root after docker run", _run, needs=WALK),
)


def _volume(walk: Any, classic: Any) -> list[Part]:
    volumes = "/var/lib/docker/volumes"
    diffs = [w.root().diff_since(w.before()) for w in (walk, classic)]
    expect(diffs[0].added == diffs[1].added and not diffs[0].removed and not diffs[1].removed,
           _("both stores should add the same volume paths and remove nothing"))  # fmt: skip
    expect(all(p.startswith(volumes + "/") for p in diffs[0].added), _("only volumes/ should change"))
    return [
        _step(walk),
        dataroot_tree(walk.root(), since=walk.before(), top=volumes, max_depth=3),
        Said(_(
            "Only the volume is new, and it is the same with both image stores: volumes belong to "
            "Docker's local volume driver, not to the image store. The container came and went within "
            "one command. This separation is why `docker rm` can be careless with the container's "
            "layers and `containers/` and still never lose a *named* volume's data (notebook 06 is "
            "about volumes)."
        )),
    ]


RM_KEEPS_VOLUME = MultipleChoice(
    "`docker run --rm -v notes:/notes alpine:3.20 sh -c 'echo kept > /notes/today'` creates the named "
    "volume notes, writes a file and removes the container when it exits. What does it leave in "
    "/var/lib/docker?",
    options=[
        "nothing: --rm removes everything the container made",
        "volumes/notes/_data/today",
        "containers/<id>/ with the file in it",
        "overlay2/<mount-id>/diff/notes/today",
    ],
    answer=1,
    explanation=(
        "A volume is a plain directory under volumes/<name>/_data, mounted into the container as it is: "
        "no layers, no copy-on-write, with either image store. --rm removes the container (its "
        "directory in containers/ and its layers), and with it only anonymous volumes; a named "
        "volume stays until you remove it: "
        "docker volume rm notes, or docker volume prune --all."
    ),
    hints={
        0: "--rm removes the container and its anonymous volumes. Is notes anonymous?",
        2: "containers/<id>/ holds the container's config and log, and --rm removes it: where was the file written?",
        3: "Writes under a volume's mount point do not go into the container layer.",
    },
    id="01-rm-keeps-volume",
    proof=Proof("The volumes after the container is gone", _volume, needs=WALK),
)


def _rmi(walk: Any, classic: Any) -> list[Part]:
    deleted = [line for line in walk.step.output.splitlines() if line.startswith("Deleted:")]
    expect(deleted == [f"Deleted: {walk.before().identity('alpine:3.20').image_id}"],
           _("with the containerd store, rmi should print one Deleted line: the image ID"))  # fmt: skip
    return [
        _step(classic),
        dataroot_tree(classic.root(), since=classic.before(), max_depth=2),
        Said(_(
            "The dashed box is REMOVED: alpine's layer directory under `overlay2/`, with all the "
            "files inside it. The folded directories hide the rest: in `image/overlay2/` the "
            "config, the layer record and the tag in `repositories.json`, in `overlay2/l/` the "
            "short link. No image holds the layer any more. course-app's layers stay: they "
            "belong to an image that still exists."
        )),
        Said(_(
            "The same `docker rmi` with the containerd image store (`walk`). It prints one `Deleted:` "
            "line, the image ID, and no line per layer. containerd removes what nothing holds any more: "
            "alpine's blobs and the snapshot of its unpacked layer."
        )),
        _step(walk),
        _changed_under(walk, BLOBS, "removed"),
        _changed_under(walk, SNAPSHOTS, "removed"),
    ]


RMI = MultipleChoice(
    "No container uses alpine:3.20 any more. With the classic store, after `docker rmi alpine:3.20`, "
    "what happens to alpine's directory under overlay2/?",
    options=[
        "it stays: layers are kept in case the image is pulled again",
        "it is removed, with its layer record and short link: no image uses the layer any more",
        "it is emptied, but the directory stays",
    ],
    answer=1,
    explanation=(
        "A pulled layer goes when the last image holding it goes: rmi removes the config, the layer record "
        "(layerdb/sha256/<chain id>), the directory overlay2/<cache-id> and its link. Layers a build made "
        "are different: BuildKit's cache keeps them until docker builder prune, or until its garbage "
        "collection removes them (on by default since Engine 28.2). With the containerd store, "
        "containerd removes the image's blobs and the snapshot of its layer in the same way."
    ),
    hints={
        0: "Which image would still hold the layer? The engine keeps a layer only while an image or a "
        "container uses it.",
        2: "The driver removes a layer as a whole: its directory, its short link and its record.",
    },
    id="01-rmi",
    proof=Proof("The data root after docker rmi", _rmi, needs=WALK),
)


def _containerd(walk: Any, classic: Any) -> list[Part]:
    docker = walk.root().diff_since(walk.before())
    expect(not [p for p in (*docker.added, *docker.changed) if p.startswith("/var/lib/docker/")],
           _("with the containerd store, a pull should change nothing in /var/lib/docker"))  # fmt: skip
    info = "\n".join(
        f"# {name}:\n" + "\n".join(f"  {line}" for line in w.root().docker_info()[5:])
        for name, w in ((_("classic store (classic)"), classic), (_("containerd store (walk)"), walk))
    )
    return [
        _step(walk),
        dataroot_tree(walk.root(), since=walk.before(), top="/var/lib/containerd", max_depth=4),
        Said(_(
            "Nothing changed in `/var/lib/docker`: the pull filled containerd's root. What "
            "`docker info` says about storage, in each store:"
        )),
        Printed(info),
        identities(walk.root(), "alpine:3.20"),
        Said(_(
            "The diff-ids and chain IDs are the same in both stores: they come from the content. "
            "What differs is everything around them. The image ID shown by `docker images` is now "
            "the digest of what the image's name points at: an **image index** for multi-platform "
            "images (most images on Docker Hub) and for builds with attestations, otherwise the "
            "image's **manifest**; never its config. The config is one more blob "
            "in the content store, next to the layer tar; and the snapshot directories are numbered "
            "1, 2, 3... in the order they were made (containerd's `metadata.db` maps chain IDs to "
            "numbers). `/var/lib/docker` is no longer the whole story: to measure or back up a "
            "host's images you must look in containerd's root too, `/var/lib/containerd` on a usual "
            "install. On a real host with this store, "
            "`sudo ls /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots` lists "
            "`1 2 3 ...` (no such directory? dockerd may run its own containerd: look under "
            "`<data root>/containerd/daemon/`)."
        )),
    ]


CONTAINERD_STORE = MultipleChoice(
    "With the containerd image store (`walk`), where are alpine's unpacked layer files after "
    "`docker pull alpine:3.20`?",
    options=[
        "/var/lib/docker/overlay2/<cache-id>/diff, as before",
        "/var/lib/docker/image/overlay2/layerdb/",
        "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/<N>/fs",
        "nowhere on disk: only the compressed blob is kept",
    ],
    answer=2,
    explanation=(
        "containerd keeps the blobs (manifest, config, layer tars) in its content store and the unpacked "
        "layers as numbered overlayfs snapshots, both under containerd's own root (/var/lib/containerd on "
        "a usual install). The pull changes nothing in /var/lib/docker, which keeps "
        "containers/, volumes/, buildkit/ and the containers' mounted root filesystems (rootfs/overlayfs/), "
        "but no image/ and no overlay2/."
    ),
    hints={
        0: "With this store Docker hands images to containerd: whose directory keeps them?",
        1: "layerdb holds the classic store's small records, never a layer's files.",
        3: "A container needs the files unpacked to run: who unpacks them, and where?",
    },
    misconception="everything-in-var-lib-docker",
    id="01-containerd-store",
    proof=Proof("The same pull with the containerd image store", _containerd, needs=WALK),
)

EXERCISES = (
    PULL_DIRS,
    CACHE_ID_NAME,
    CONTAINERD_STORE,
    CHAIN_ID_STRING,
    RUN_DIRS,
    RM_KEEPS_VOLUME,
    RMI,
)
