"""containerd's root with the containerd image store: the content store and the snapshots.

Where it is: ``/var/lib/containerd`` when dockerd uses the system's containerd (Debian and
Docker's packages), ``<data-root>/containerd/daemon`` when dockerd starts its own (static
binaries, Docker in Docker); ``--data-root`` does not move the first (moby#50517).

What is in it (Engine 28.5, ``find`` of the root after the course's build, two containers):

- ``io.containerd.content.v1.content/blobs/sha256/``: every blob by digest: each image's
  index, manifests, config, gzip layer blobs, attestation; the documents of every build
  stay after ``docker rmi`` and ``builder prune`` (namespace ``moby_history``: build
  history), layer blobs go with the last image or cache record that holds them;
- ``io.containerd.snapshotter.v1.overlayfs/snapshots/<N>/{fs,work}``: unpacked layers,
  numbered as they are made: BuildKit's own snapshot of each layer a build made (until
  ``docker builder prune``), then each image's (key ``sha256:<chain id>``), then each
  container's ``<id>-init`` and ``<id>``; ``metadata.db`` maps keys to numbers;
- ``io.containerd.metadata.v1.bolt/meta.db``: images by name, leases, namespaces;
- ``io.containerd.runtime.v2.task/moby/<id>``: one directory per running container.

So a built image is on disk three times until the build cache is pruned: BuildKit's
snapshots, the image's snapshots, and the compressed blobs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from layerlab.engine.storage_ids import StorageIds, StoredLayer, buildkit_key, local_source_key
from layerlab.i18n import N_, Texts, _, translate
from layerlab.model.container import Container
from layerlab.model.digest import sha256_digest
from layerlab.model.layer import Layer
from layerlab.model.oci import Descriptor, ImageTarget, layer_descriptor

from .containerd_plugins import CONTENT, SNAPSHOTTER, TASKS, containerd_plugins
from .nodeset import NodeSet

if TYPE_CHECKING:
    from layerlab.engine.host import Host
    from layerlab.engine.profile import EngineProfile

CTRD = N_("containerd (image store)")
IN_TOTO = "application/vnd.in-toto+json"
_TEXT = Texts({
    "history": "a document of a build: BuildKit's build history keeps it (namespace moby_history), "
               "even after docker rmi and builder prune",
    "predicate": "BuildKit's record of a build: its provenance (namespace moby_history, kept after docker rmi)",
    "trace": "BuildKit's record of a build: its trace (OpenTelemetry spans, one JSON object each; "
             "namespace moby_history)",
    "log": "BuildKit's record of a build: its progress log (binary; namespace moby_history, kept after docker rmi)",
    "source": "BuildKit's copy of the build's {} (a local source, key: a BuildKit id; until docker builder prune)",
    "step": "BuildKit's snapshot of a step it ran (key: its cache record id {})",
    "view": "a read-only view of a step's snapshot, made while BuildKit exported the next step's layer (0 B)",
    "view_fs": "empty: a view has no files of its own",
    "image": "an image's unpacked layer (key: sha256:{}…, its chain id)",
})
#: the head of a build's trace: OpenTelemetry spans, one indented JSON object each (~90 kB)
_TRACE = '{{\n  "Name": "moby.buildkit.v1.Control/Solve",\n  "SpanContext": {{}},\n  "Attributes": ' \
         '[{{"Key": "image", "Value": {{"Type": "STRING", "Value": "{}"}}}}]\n}}\n'
UNPACK = N_("unpacking an image (docker build / pull / load)")
BUILDKIT = N_("docker build (BuildKit's cache, until docker builder prune)")


def snapshot_dir(ctrd: str, number: int) -> str:
    return f"{ctrd}/{SNAPSHOTTER}/snapshots/{number}"


def containerd_root(out: NodeSet, host: Host, ids: StorageIds, ctrd: str,
                    targets: Mapping[str, ImageTarget], profile: EngineProfile) -> str:
    """containerd's root (module doc); the path of its blob directory."""
    store = ids.layer_store(host)
    containerd_plugins(out, ctrd, profile, images=True, content=ids.made_snapshots,
                       snapshots=ids.made_snapshots, tasks=ids.had_containers)
    running_tasks(out, host, ctrd)
    blobs = _content(out, host, store, ctrd, targets)
    _snapshots(out, host, ids, store, ctrd)
    return blobs


def running_tasks(out: NodeSet, host: Host, ctrd: str) -> None:
    """``io.containerd.runtime.v2.task/moby/<id>``: one per running container (both stores)."""
    for c in host.containers.values():
        if c.running:
            out.dir(f"{ctrd}/{TASKS}/moby/{c.id}", _("{name}'s task while it runs", name=c.name), "docker start")


def _content(out: NodeSet, host: Host, store: Mapping[str, StoredLayer], ctrd: str,
             targets: Mapping[str, ImageTarget]) -> str:
    """Every blob the content store holds now, each once."""
    blobs = f"{ctrd}/{CONTENT}/blobs/sha256"
    for image_id, target in targets.items():
        tags = ", ".join(host.tags_of(image_id)) or _("an untagged image")
        for desc in target.blobs():
            _blob(out, blobs, desc, _what(target, desc, tags), "docker build / pull / load",
                  target.documents.get(desc.digest))
    for target in host.image_store.history:
        for desc in target.blobs():
            if desc.digest in target.documents and desc.media_type != IN_TOTO:
                _blob(out, blobs, desc, _TEXT["history"], "docker build", target.documents[desc.digest])
        _build_record(out, blobs, target)
    cached = {id(layer) for layer in host.build_cache.layers.values() if layer is not None}
    for stored in store.values():
        if stored.built and id(stored.layer) in cached:
            _blob(out, blobs, layer_descriptor(stored.layer), _("a layer blob BuildKit's cache keeps"), BUILDKIT)
    return blobs


def _build_record(out: NodeSet, blobs: str, target: ImageTarget) -> None:
    """The blobs of BuildKit's record of a build (namespace moby_history; measured on Engine
    28.5, per build: the provenance predicate, 8.7 kB of indented JSON; the progress log, a
    3.8-4.5 kB binary blob; the trace, ~90 kB of JSON spans, written a moment after the build)."""
    statements = [d for d in target.attestation if d.media_type == IN_TOTO and d.digest in target.documents]
    if not statements:
        return
    predicate = json.loads(target.documents[statements[0].digest]).get("predicate", {})
    data = json.dumps(predicate, indent=2).encode()
    _blob(out, blobs, Descriptor(IN_TOTO, sha256_digest(data), len(data)), _TEXT["predicate"], "docker build", data)
    log = sha256_digest(b"progress log of " + target.image_id.encode())
    out.file(f"{blobs}/{log.removeprefix('sha256:')}", _TEXT["log"], "docker build")
    trace = _TRACE.format(target.image_id)
    out.file(f"{blobs}/{sha256_digest(trace.encode()).removeprefix('sha256:')}", _TEXT["trace"],
             _("docker build (written a moment after it ends)"), trace)


def _blob(out: NodeSet, blobs: str, desc: Descriptor, what: str, made: str, data: bytes | None = None) -> None:
    """One blob (a document's text is its content: an index, a manifest, a config)."""
    path = f"{blobs}/{desc.digest.removeprefix('sha256:')}"
    if path not in out.nodes:
        text = data.decode("utf-8", "replace") if data is not None else None
        out.file(path, _("{what} ({size:,} bytes, {media_type})", what=translate(what), size=desc.size,
                         media_type=desc.media_type), made, text)


def _what(target: ImageTarget, desc: Descriptor, tags: str) -> str:
    if desc.digest == target.image_id:
        return _("what {tags} points to: its digest is the image id", tags=tags)
    if desc.digest == target.manifest.digest:
        return _("the image manifest of {tags} (linux/amd64)", tags=tags)
    if desc.digest == target.config.digest:
        return _("the config of {tags} (its digest was the image id in the classic store)", tags=tags)
    if desc in target.attestation:
        return _("the provenance attestation of {tags} (BuildKit's, made at every build)", tags=tags)
    return _("a compressed layer of {tags} (kept besides its unpacked snapshot)", tags=tags)


def _snapshots(out: NodeSet, host: Host, ids: StorageIds, store: Mapping[str, StoredLayer], ctrd: str) -> None:
    """BuildKit's snapshots, the images' snapshots, the containers' (module doc)."""
    steps = {buildkit_key(chain): chain for chain in store}
    sources = {local_source_key(ctx, name): layer
               for ctx, named in host.build_cache.sources.items() for name, layer in named.items()}
    for key in ids.buildkit_snapshots(host):
        number = ids.snapshot_number(key)
        if key in sources:
            _snapshot(out, ctrd, number, sources[key], _TEXT["source"].format(key.rsplit("/", 1)[1]), BUILDKIT)
        elif key in steps:
            _snapshot(out, ctrd, number, store[steps[key]].layer,
                      _TEXT["step"].format(ids.cache_id(steps[key])), BUILDKIT)
        elif key.endswith("-view"):
            d = snapshot_dir(ctrd, number)
            out.dir(d, _TEXT["view"], BUILDKIT)
            out.dir(f"{d}/fs", _TEXT["view_fs"], BUILDKIT)
    in_images = {c for r in host.images.values() for c in r.image.chain_ids}
    in_images |= {c for ct in host.containers.values() for c in ct.image.chain_ids}
    for chain, stored in store.items():
        if chain in in_images:
            _snapshot(out, ctrd, ids.snapshot_number(chain), stored.layer, _TEXT["image"].format(chain[7:19]), UNPACK)
    for c in sorted(host.containers.values(), key=lambda c: c.created):
        _container_snapshots(out, ids, c, ctrd)


def _snapshot(out: NodeSet, ctrd: str, number: int, layer: Layer, what: str, made: str) -> None:
    d = snapshot_dir(ctrd, number)
    out.dir(d, what, made)
    out.dir(f"{d}/fs", _("the snapshot's files, as overlay2's diff/ held them"), made)
    out.layer_files(f"{d}/fs", layer, _("this snapshot"), made)
    out.dir(f"{d}/work", _("overlayfs's workdir (made while the snapshot was active)"), made)


def _container_snapshots(out: NodeSet, ids: StorageIds, c: Container, ctrd: str) -> None:
    """Docker's two snapshots per container: the -init layer (committed) and the writable one."""
    made = f"docker run / create ({c.name})"
    for key, layer, what in ((f"{c.id}-init", c.init_layer, _("the -init layer")),
                             (c.id, c.rw.diff(), _("{name}'s writable layer", name=c.name))):
        d = snapshot_dir(ctrd, ids.snapshot_number(key))
        out.dir(d, _("{what} (snapshot key {key}…{init})", what=what, key=key[:12],
                     init="-init" if key.endswith("-init") else ""), made)
        out.dir(f"{d}/fs", _("the overlay upperdir") if key == c.id else _("what Docker's initlayer makes"), made)
        out.layer_files(f"{d}/fs", layer, what, made)
        out.dir(f"{d}/work", _("overlayfs's workdir"), made)
