"""An image's identity chain as plain data: config -> diff_ids -> chain ids -> cache-ids ->
directories and short links. Renderers draw it; nothing here is random except the ids the
daemon made up (cache-id, link), and the text says so."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayerIdentity:
    index: int
    diff_id: str  # sha256 of the uncompressed layer tar
    chain_id: str  # names layerdb/sha256/<chain-id>/
    cache_id: str  # random: names the driver's directory
    directory: str  # absolute path of the layer's content (overlay2/<cache-id> or a snapshot)
    link: str | None  # overlay2/l/<link> -> ../<cache-id>/diff (None for containerd)
    lower: str | None  # the lower file's text (None for the base layer)
    size: int


@dataclass(frozen=True)
class ImageIdentity:
    image_id: str  # sha256 of the config bytes (classic store) or of what the name points to (containerd)
    tags: tuple[str, ...]
    config_path: str
    layers: tuple[LayerIdentity, ...]
    id_kind: str = "sha256 of the config"  #: what the id hashes: the config, a manifest or an index
