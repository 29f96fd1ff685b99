"""What BuildKit exports to the containerd image store: an index with a provenance attestation.

With the containerd image store, a build's image is an OCI image index holding the platform
manifest and an attestation manifest whose in-toto statement (SLSA provenance v0.2) records
the build's invocation id and start and finish times. The index's digest is the image id,
so **every build gives a new image id, even a fully cached one** (Engine 28.5: the same
manifest ``db0b61…`` and config ``c9fbc5…``, a new attestation and index each time). With
``--provenance=false`` the image is one Docker schema 2 manifest and a cached rebuild
keeps its id. The classic store ignores all this: the config digest is the id.

Deterministic here: every document's bytes and digest for the inputs given, byte for byte
as BuildKit writes them (checked against Engine 28.5's blobs). Not the engine's: the
invocation id and the times, which the host draws from its seeded clock and random
source, and the compressed layer digests (:mod:`layerlab.model.compression`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote

from layerlab.model.image import Image
from layerlab.model.oci import (
    DOCKER_CONFIG,
    DOCKER_LAYER_GZIP,
    DOCKER_MANIFEST,
    IN_TOTO,
    OCI_CONFIG,
    OCI_LAYER_GZIP,
    Descriptor,
    Document,
    ImageTarget,
    document,
    manifest,
    platform_of,
    single_manifest,
    with_index,
)

SLSA_V02 = "https://slsa.dev/provenance/v0.2"
_BUILD_TYPE = "https://mobyproject.org/buildkit@v1"


def purl(name: str | None, platform: Mapping[str, str]) -> str:
    """The statement's subject: ``pkg:docker/lab@1?platform=linux%2Famd64`` (``_`` untagged)."""
    if not name:
        return "_"
    repo, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "latest")
    for prefix in ("docker.io/library/", "docker.io/"):
        repo = repo.removeprefix(prefix)
    where = quote(f"{platform['os']}/{platform['architecture']}", safe="")
    return f"pkg:docker/{repo}@{tag}?platform={where}"


def provenance(subject: Descriptor, name: str | None, platform: Mapping[str, str], *, invocation_id: str,
               started: str, finished: str, args: Mapping[str, str] | None = None,
               materials: Sequence[tuple[str, str]] = (), vcs: Mapping[str, str] | None = None) -> list[Document]:
    """The attestation BuildKit adds by default (mode=min): manifest, config, statement.
    ``args``: the frontend's attributes (``build-arg:NAME``, ``force-network-mode`` for
    ``--network``); ``materials``: each image a ``FROM`` used, as (name, image id);
    ``vcs``: what buildx found out from git about the context (``revision``, ``source``,
    ``localdir:context``...; BuildKit ``solver/llbsolver/provenance``: the ``vcs:``
    attributes go to the metadata, not to the args)."""
    parameters: dict[str, object] = {"frontend": "dockerfile.v0"}
    if args:
        parameters["args"] = dict(sorted(args.items()))
    parameters["locals"] = [{"name": "context"}, {"name": "dockerfile"}]
    predicate: dict[str, object] = {"builder": {"id": ""}, "buildType": _BUILD_TYPE}
    if materials:
        predicate["materials"] = [{"uri": purl(ref, platform), "digest": {"sha256": digest.removeprefix("sha256:")}}
                                  for ref, digest in materials]
    statement = document(IN_TOTO, {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": SLSA_V02,
        "subject": [{"name": purl(name, platform), "digest": {"sha256": subject.digest.removeprefix("sha256:")}}],
        "predicate": {
            **predicate,
            "invocation": {"configSource": {"entryPoint": "Dockerfile"}, "parameters": parameters,
                           "environment": {"platform": f"{platform['os']}/{platform['architecture']}"}},
            "metadata": {"buildInvocationID": invocation_id, "buildStartedOn": started, "buildFinishedOn": finished,
                         "completeness": {"parameters": True, "environment": True, "materials": False},
                         "reproducible": False,
                         f"{_BUILD_TYPE}#metadata": {"vcs": dict(sorted(vcs.items()))} if vcs else {}},
        },
    })
    config = document(OCI_CONFIG, {"architecture": "unknown", "os": "unknown", "config": {},
                                   "rootfs": {"type": "layers", "diff_ids": [statement.descriptor.digest]}})
    layer = Descriptor(IN_TOTO, statement.descriptor.digest, statement.descriptor.size,
                       {"in-toto.io/predicate-type": SLSA_V02})
    return [manifest(config.descriptor, [layer]), config, statement]


def exported_image(image: Image, layers: Sequence[Descriptor], name: str | None, *, attest: bool = True,
                   invocation_id: str = "", started: str = "", finished: str = "",
                   args: Mapping[str, str] | None = None, materials: Sequence[tuple[str, str]] = (),
                   vcs: Mapping[str, str] | None = None) -> ImageTarget:
    """A build as the containerd store keeps it: an index with the platform manifest and an
    attestation (``attest``), or one Docker schema 2 manifest (``--provenance=false``)."""
    if not attest:
        docker_layers = [Descriptor(DOCKER_LAYER_GZIP if d.media_type == OCI_LAYER_GZIP else d.media_type,
                                    d.digest, d.size) for d in layers]
        return single_manifest(image, docker_layers, media_type=DOCKER_MANIFEST, config_type=DOCKER_CONFIG)
    platform = single_manifest(image, layers)
    attestation = provenance(platform.manifest, name, platform_of(image), invocation_id=invocation_id,
                             started=started, finished=finished, args=args, materials=materials, vcs=vcs)
    return with_index(platform, attestation, image)
