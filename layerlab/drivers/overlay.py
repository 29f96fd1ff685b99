"""overlay (legacy): overlayfs with ONE lower dir; each layer is a full tree of hard links."""

from __future__ import annotations

from collections.abc import Sequence

from layerlab.i18n import N_
from layerlab.model.image import Image
from layerlab.model.layer import Layer
from layerlab.model.tree import Tree

from .base import StorageDriver, image_layers
from .facts import Fact, Translated
from .status import DriverStatus


class Overlay(StorageDriver):
    name = "overlay"
    cow_unit = "file"
    block_size = None
    status = DriverStatus(added="1.9", deprecated="18.09", removed="24.0", source="DEP", replaced_by="overlay2")
    backing_filesystems = Translated(("ext4", N_("xfs (ftype=1)")))
    incompatible_filesystems = ("aufs", "ecryptfs", "overlay", "zfs", "nfs", "xfs-ftype0")
    max_layers = 125
    page_cache_sharing = True
    layout_note = Translated(N_(
        "overlay/<cache-id>/root/ for a base layer (a plain tree); "
        "overlay/<cache-id>/{lower-id,upper/,work/,merged/} for later layers, where each layer's "
        "root/ hard-links every unchanged file of its parent"
    ))
    facts = (
        Fact("deprecated in 18.09, removed in 24.0", "DEP"),
        Fact("only one lower dir: each layer is a complete tree that hard-links unchanged files from its parent", "DOV"),
        Fact("hard links cost no data blocks but one directory entry per file per layer: inode hungry", "DOV"),
        Fact("COW unit is the file (copy-up), as overlay2", "DOV"),
    )

    def layer_inodes(self, image: Image | Sequence[Layer]) -> list[int]:
        """Directory entries each layer's tree holds (the whole tree, hard links counted)."""
        tree, out = Tree(), []
        for layer in image_layers(image):
            tree.apply(layer)
            out.append(len(tree))
        return out
