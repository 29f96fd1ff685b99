"""What the containerd image store names an image by, byte for byte as the engine writes it:
OCI manifests and indexes, BuildKit's provenance attestation, Go's JSON; and what a layer
takes on disk (snapshot blocks) and compressed (gzip).

Expected digests and sizes are Engine 28.5's (containerd store) for the course's test image:
the blobs of ``28-containerd.save`` (copied to ``tests/data/engines/28-containerd``) and
``28-containerd/history.txt`` / ``with-containers.txt``.
"""

from __future__ import annotations

import gzip
import json

from lab_image import C28, INDEX, engine_document, lab_layers
from layerlab.build.provenance import provenance, purl
from layerlab.model.compression import gzip_blob, gzip_chunks
from layerlab.model.content import SyntheticContent
from layerlab.model.disk_blocks import BLOCK, dir_blocks, snapshot_usage
from layerlab.model.fs import Dir, File, Symlink
from layerlab.model.gojson import go_json
from layerlab.model.layer import Layer
from layerlab.model.oci import IN_TOTO, OCI_CONFIG, Descriptor, document, index, manifest

PLATFORM = "sha256:db0b61e739bd228560a7f9d61b358eb49e3a82defb3052fa4fc3fed417277361"
ATTESTATION = "sha256:139d67c2b08485019eb854f1e16e61c961a9429f3ce33cbd1a1c58a7c7593f7b"
STATEMENT = "sha256:c37929536dd4b51a150574429ca1ae924506e25076529ee404bcf92b85218754"


def descriptors(raw: bytes) -> tuple[Descriptor, list[Descriptor]]:
    doc = json.loads(raw)
    return Descriptor.from_json(doc["config"]), [Descriptor.from_json(d) for d in doc["layers"]]


def test_buildkit_s_manifest_and_index_are_rebuilt_byte_for_byte() -> None:
    config, layers = descriptors(engine_document(PLATFORM))
    assert manifest(config, layers).descriptor == Descriptor(
        "application/vnd.oci.image.manifest.v1+json", PLATFORM, 1235)
    entries = [Descriptor.from_json(d) for d in json.loads(engine_document(INDEX))["manifests"]]
    assert index(entries).descriptor.digest == INDEX and index(entries).descriptor.size == 856
    att_config, att_layers = descriptors(engine_document(ATTESTATION))
    assert manifest(att_config, att_layers).descriptor.digest == ATTESTATION


def test_go_json_escapes_as_go_does() -> None:
    # the config's history has "> /app/greeting.txt && ...": Go writes \u003e and \u0026
    config = json.loads((C28 / "c9fbc57e68e7bc30ea9f1768cf10140c398ca4b1730dcd4c70aacca1a75994ce").read_bytes())
    assert document(OCI_CONFIG, config).descriptor.digest == (
        "sha256:c9fbc57e68e7bc30ea9f1768cf10140c398ca4b1730dcd4c70aacca1a75994ce")
    assert go_json({"a": "<&>é"}) == '{"a":"\\u003c\\u0026\\u003eé"}'


def test_provenance_attestation_is_buildkit_s_for_the_same_invocation() -> None:
    # the statement's invocation id and times as BuildKit wrote them (blob c37929...)
    statement = json.loads(engine_document(STATEMENT))
    meta = statement["predicate"]["metadata"]
    docs = provenance(Descriptor("application/vnd.oci.image.manifest.v1+json", PLATFORM, 1235),
                      "docker.io/library/lab:1", {"architecture": "amd64", "os": "linux"},
                      invocation_id=meta["buildInvocationID"], started=meta["buildStartedOn"],
                      finished=meta["buildFinishedOn"], args={"force-network-mode": "none"})
    assert [d.descriptor.digest for d in docs] == [
        ATTESTATION, "sha256:36ed24bcbe697ae3e1b78081413cfa1c5ff729f6a625ea15c0c7a670c557b69a", STATEMENT]
    assert docs[2].descriptor.media_type == IN_TOTO
    assert purl("lab:1", {"os": "linux", "architecture": "amd64"}) == "pkg:docker/lab@1?platform=linux%2Famd64"


def test_snapshot_usage_is_the_engine_s_disk_usage() -> None:
    # 28-containerd/history.txt: 1.99MB, 20.5kB, 8.19kB, 32.8kB, 119kB; together 2,170,880 B
    # (the "unpacked" part of docker images' 3.28MB, findings section 4)
    usage = [snapshot_usage(layer) for layer in lab_layers()]
    assert usage == [1_990_656, 20_480, 8_192, 32_768, 118_784] and sum(usage) == 2_170_880


def test_snapshot_usage_rules() -> None:
    assert snapshot_usage(Layer()) == BLOCK  # the snapshot's own fs/ directory
    assert snapshot_usage(Layer({"a": File(content=b"")})) == BLOCK
    assert snapshot_usage(Layer({"a/b/c": File(content=b"x")})) == 4 * BLOCK  # a, a/b made on the way
    long = Layer({"l": Symlink(target="/" + "x" * 60), "s": Symlink(target="/bin/busybox")})
    assert snapshot_usage(long) == 2 * BLOCK
    assert snapshot_usage(Layer(whiteouts=["gone"])) == BLOCK
    # a directory of 268 short names fits one block; 400 names of 12 chars take 4 (stat on ext4)
    assert dir_blocks(f"{n:012d}" for n in range(400)) == 4 * BLOCK


def test_gzip_blob_is_valid_gzip_with_go_s_header_and_close_to_the_engine_s_size() -> None:
    busybox = Layer({"bin": Dir(), "bin/busybox": File(content=SyntheticContent(300_000, 1))})
    data = b"".join(gzip_chunks(busybox))
    assert gzip.decompress(data) == b"".join(busybox.tar_chunks())
    assert data[:10] == bytes.fromhex("1f8b08000000000000ff")  # as Engine 28.5's blobs begin
    assert gzip_blob(busybox).size == len(data)
    zeros = lab_layers()[4]  # 100,000 zero bytes and a 12-byte file: the engine's blob is 356 B
    assert 250 < gzip_blob(zeros).size < 400
