"""Notebook 07 · Look inside a real image: a chmod layer, reclaimable waste, driver costs, and
blob digests vs diff ids. Each proof reads the notebook's analysis of ``app:1``."""

from __future__ import annotations

from typing import Any

from layerlab.analysis import FORMULA
from layerlab.i18n import _
from layerlab.model.units import human_size
from layerlab.render import waste_stack

from ..exercise import MultipleChoice, ShortAnswer
from ..proof import Part, Printed, Proof, Said, Table, expect

__all__ = ["EXERCISES"]

TOOL_BYTES = 1_048_576  # the notebook's 1 MiB tool.bin
_FORMULA_LINES = FORMULA.replace("; ", "\n")  # one definition per line


def _chmod_layer(analysis: Any) -> list[Part]:
    changes = analysis.changes(5)
    tool = [c for c in changes if c.path == "usr/local/bin/tool"]
    expect(
        bool(tool) and tool[0].mark == "M" and tool[0].size == TOOL_BYTES,
        _("layer 5 stores the tool again, M"),
    )
    return [
        Table(
            (_("mark"), _("bytes stored"), _("path")),
            tuple((c.mark or "·", c.size, "/" + c.path) for c in changes),
        ),  # fmt: skip
        Said(
            _(
                "Layer 5 stores the whole tool again, 1,048,576 bytes, marked **M**: only its mode "
                "differs from layer 4's copy. Its parent directories are listed in the tar only because "
                "something inside them changed (`·`)."
            )
        ),
    ]


CHMOD_LAYER = MultipleChoice(
    "Layer 5 runs `chmod 755 /usr/local/bin/tool` on the 1 MiB file that layer 4 copied in. "
    "What does layer 5 store?",
    options=[
        "nothing: chmod only changes metadata",
        "a few bytes of new metadata for the file",
        "the whole 1 MiB file again, marked M (modified)",
        "a whiteout for the old file, then the new one",
    ],
    answer=2,
    explanation=(
        "A layer is a tar of whole files. A file whose mode changed is a changed file, so the layer "
        "stores all of it again, with the new mode; it counts as modified (M) because only its mode "
        "differs. The copy in layer 4 stays in the image, unused."
    ),
    hints={
        0: "Layer 5 is a tar of what the step changed: did the step change the file?",
        1: "A tar entry for a regular file always carries the file's bytes: is there an entry for "
        "'only the mode'?",
        3: "A whiteout records a deletion: was the file deleted?",
    },
    misconception="chmod-is-free",
    id="07-chmod-layer",
    proof=Proof("What layer 5 stores", _chmod_layer, needs=("analysis",)),
)


def _reclaim(analysis: Any) -> list[Part]:
    f = analysis.figures
    rows = tuple(
        (
            row.index,
            human_size(row.size),
            human_size(row.wasted_bytes),
            human_size(row.removes_bytes),
        )
        for row in analysis.layers
    )
    expect(
        analysis.layers[4].wasted_bytes == TOOL_BYTES,
        _("layer 4's copy of the tool is what is wasted"),
    )
    return [
        Printed(
            f"{_FORMULA_LINES}\n"
            f"total {f.total_bytes:,}  final {f.final_bytes:,}  wasted {f.wasted_bytes:,}  "
            f"efficiency {f.efficiency:.3f}\n"
            f"dive: wasted {f.dive_wasted_bytes:,}  efficiency {f.dive_efficiency:.3f}"
        ),
        Table((_("layer"), _("stored"), _("wasted"), _("removes from below")), rows),
        waste_stack(analysis),
        Said(
            _(
                "Layer 4's copy of the tool is wasted: 1,048,576 bytes, 1024 KiB. Layer 5's copy is the "
                "one the final filesystem uses. Layer 2's download is wasted too: layer 3 deleted it."
            )
        ),
    ]


RECLAIM = ShortAnswer(
    "The 1 MiB tool is stored twice: in layer 4 (COPY) and again in layer 5 (chmod). "
    "How many KiB of those two copies could you reclaim? (a number)",
    answer=1024,
    accept=["1 MiB", "1MiB", "1048576"],
    explanation=(
        "One copy: the final filesystem uses the chmod-ed copy of layer 5, so only layer 4's copy "
        "(1,048,576 bytes = 1024 KiB) is wasted. dive counts both copies, 2 MiB, as wasted."
    ),
    hint="The final filesystem still needs one copy of the tool.",
    id="07-reclaim",
    proof=Proof("What app:1 wastes, layer by layer", _reclaim, needs=("analysis",)),
)


def _most_disk(analysis: Any) -> list[Part]:
    costs = {c.driver: c for c in analysis.drivers}
    expect(
        max(costs.values(), key=lambda c: c.image_disk).driver == "vfs",
        _("vfs should need the most disk"),
    )
    return [
        Table(
            (_("driver"), _("copy-on-write unit"), _("app:1's layers on disk")),
            tuple(
                (c.driver, c.cow_unit, c.error or human_size(c.image_disk))
                for c in analysis.drivers
            ),
        ),  # fmt: skip
        Said(
            _(
                "vfs stores every layer as a full copy of everything below it, so the base's bytes are "
                "stored once per layer. Block-level drivers round every file up to whole blocks."
            )
        ),
    ]


MOST_DISK = MultipleChoice(
    "Which storage driver needs the most disk for app:1's layers?",
    options=["overlay2", "btrfs", "vfs", "they all need the same"],
    answer="vfs",
    explanation=(
        "vfs has no copy-on-write: each layer is a full copy of the merged filesystem up to it, so "
        "the base's bytes are stored once per layer. overlay2 stores each layer's own files; btrfs "
        "and zfs round files up to whole blocks. (On XFS with reflink or btrfs, vfs's copies share "
        "their disk blocks, so the disk shows less than these full copies.)"
    ),
    hints={
        0: "overlay2 stores each layer's own files once: which driver stores more than that?",
        1: "btrfs rounds files up to whole blocks, a few percent more. Which driver copies whole layers?",
        3: "Does every driver keep a layer as only what that layer changed?",
    },
    id="07-most-disk",
    proof=Proof("app:1 on each storage driver", _most_disk, needs=("analysis",)),
)


def _blob_vs_diff(oci: Any) -> list[Part]:
    pairs = list(zip(oci.image.layers, oci.layer_info))
    expect(
        all(layer.diff_id != blob.blob_digest for layer, blob in pairs),
        _("gzip blobs differ from diff ids"),
    )
    return [
        Table(
            (
                _("diff id (uncompressed tar)"),
                _("blob digest (as stored)"),
                _("compression"),
                _("blob bytes"),
            ),
            tuple(
                (layer.diff_id[:19], blob.blob_digest[:19], blob.compression, blob.blob_size)
                for layer, blob in pairs
            ),
        ),  # fmt: skip
        Said(
            _(
                "No two are equal. The image id, `{image_id}`, is a third thing: the "
                "sha256 of the config (the id the classic image store shows).",
                image_id=oci.image.image_id[:19],
            )
        ),
    ]


BLOB_VS_DIFF = MultipleChoice(
    "We save app:1 as an OCI layout with gzip-compressed layers. How does a layer's blob digest "
    "(its file name under blobs/sha256/, the 'layer digest' a registry shows) compare with its diff id?",
    options=[
        "the same: both are the sha256 of the layer",
        "different: the blob digest hashes the compressed blob, the diff id the uncompressed tar",
        "different: the diff id hashes the image config",
        "the same, unless the layer is empty",
    ],
    answer=1,
    explanation=(
        "The diff id is the sha256 of the uncompressed layer tar (what the config's rootfs.diff_ids "
        "lists); the blob digest is the sha256 of the bytes stored and shipped, here gzip. They are "
        "equal only for an uncompressed blob. The image id is a third thing: the sha256 of the config "
        "with the classic image store, the manifest's or index's digest with the containerd image store."
    ),
    hints={
        0: "Which bytes does each one hash: the layer as stored in the blob, or as the config lists it?",
        2: "The config is hashed once, for the image id: what does each diff id hash?",
        3: "What is stored under blobs/sha256/ here: the layer tar as it is, or compressed?",
    },
    misconception="diff-id-is-registry-digest",
    id="07-blob-vs-diff",
    proof=Proof("app:1's layers in the OCI layout", _blob_vs_diff, needs=("oci",)),
)

EXERCISES = (CHMOD_LAYER, RECLAIM, MOST_DISK, BLOB_VS_DIFF)
