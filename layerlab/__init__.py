"""layerlab: see and poke Docker image layers, with identities a real engine agrees with."""

from . import _moved
from .archive import (
    ArchivedImage,
    Limits,
    load_image,
    read_archive,
    save_docker_archive,
    save_oci_layout,
    unpack_image,
    unpack_layer,
)
from .model.content import BytesContent, Content, SyntheticContent
from .model.digest import EMPTY_LAYER_DIFF_ID, chain_id, chain_ids, image_id, sha256_digest
from .model.errors import (
    ArchiveError,
    DigestMismatch,
    InvalidPath,
    LayerlabError,
    LimitExceeded,
    UnsafeArchive,
)
from .model.fs import Device, Dir, Entry, File, Hardlink, Symlink
from .model.image import HistoryEntry, Image
from .model.layer import Layer
from .model.overlay import CopyUp, FsError, Overlay
from .model.tree import Tree

__version__ = "0.1.0"

_moved.install()

_LAZY = {"Host": "layerlab.engine.host", "BuildContext": "layerlab.build.context",
         "which_engine": "layerlab.engine.docker_info"}


def __getattr__(name: str) -> object:
    """``layerlab.Host``, ``layerlab.BuildContext`` and ``layerlab.which_engine`` load the
    builder (and its shell parser) only when first used, so ``import layerlab`` stays quick."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'layerlab' has no attribute {name!r}")

__all__ = [
    "ArchiveError",
    "ArchivedImage",
    "BuildContext",
    "BytesContent",
    "CopyUp",
    "Content",
    "Device",
    "DigestMismatch",
    "Dir",
    "EMPTY_LAYER_DIFF_ID",
    "Entry",
    "File",
    "FsError",
    "Hardlink",
    "HistoryEntry",
    "Host",
    "Image",
    "InvalidPath",
    "Layer",
    "LayerlabError",
    "LimitExceeded",
    "Limits",
    "Overlay",
    "Symlink",
    "SyntheticContent",
    "Tree",
    "UnsafeArchive",
    "chain_id",
    "chain_ids",
    "which_engine",
    "image_id",
    "load_image",
    "read_archive",
    "save_docker_archive",
    "save_oci_layout",
    "sha256_digest",
    "unpack_image",
    "unpack_layer",
]
