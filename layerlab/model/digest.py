"""Content identities exactly as Docker and the OCI image spec compute them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from layerlab.i18n import _

from .errors import LayerlabError

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")

#: diff_id of an empty layer: a tar of 1024 zero bytes (two end-of-archive blocks).
EMPTY_LAYER_DIFF_ID = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"

#: The classic store's layer store refuses chains deeper than this ("max depth exceeded");
#: the containerd image store has no such limit.
MAX_CHAIN_DEPTH = 125


def sha256_digest(data: bytes) -> str:
    """``sha256:<hex>`` of some bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def check_digest(value: str) -> str:
    """Return ``value`` if it is a well-formed ``sha256:<64 hex>`` digest."""
    if not isinstance(value, str) or not _DIGEST.match(value):
        raise LayerlabError(_("not a sha256 digest: {value!r} (expected 'sha256:' and 64 hex digits)", value=value))
    return value


def image_id(config_bytes: bytes) -> str:
    """Image ID in the classic store: sha256 of the config JSON exactly as stored."""
    return sha256_digest(config_bytes)


def short_id(digest: str, length: int = 12) -> str:
    """The short hex form the docker CLI prints."""
    return digest.split(":", 1)[-1][:length]


def chain_ids(diff_ids: Sequence[str]) -> list[str]:
    """ChainID of every prefix of a layer stack.

    ChainID(L0) = DiffID(L0); ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)),
    hashing the full ``sha256:...`` strings (not bare hex).
    """
    result: list[str] = []
    for diff_id in diff_ids:
        if result:
            result.append(sha256_digest(f"{result[-1]} {diff_id}".encode()))
        else:
            result.append(diff_id)
    return result


def chain_id(diff_ids: Sequence[str]) -> str:
    """ChainID of a whole stack (the top layer's key in Docker's layer store)."""
    if not diff_ids:
        raise LayerlabError(_("a chain id needs at least one diff_id"))
    return chain_ids(diff_ids)[-1]


class Sha256Writer:
    """A sink that hashes and counts what is written to it."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        self._hash.update(data)
        self.size += len(data)
        return len(data)

    def update_all(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            self.write(chunk)

    @property
    def digest(self) -> str:
        return "sha256:" + self._hash.hexdigest()
