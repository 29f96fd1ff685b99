"""Real image archives: read and write ``docker save`` tars and OCI layouts, unpack safely."""

from .blobs import Limits
from .read import ArchivedImage, load_image, read_archive
from .unpack import unpack_image, unpack_layer
from .write import save_docker_archive, save_oci_layout

__all__ = [
    "ArchivedImage",
    "Limits",
    "load_image",
    "read_archive",
    "save_docker_archive",
    "save_oci_layout",
    "unpack_image",
    "unpack_layer",
]
