"""Errors layerlab raises on purpose.

Every error a user can cause (a bad archive, an unsafe path, a wrong digest) is a
``LayerlabError`` with a one-line message that says what was wrong and what is
supported, so the CLI and the widgets can show it without a traceback.
"""

from __future__ import annotations


class LayerlabError(Exception):
    """Base class: a problem with the input, explained in one line."""


class InvalidPath(LayerlabError, ValueError):
    """A path that is absolute, climbs out with ``..`` or is otherwise not a layer path."""


class DigestMismatch(LayerlabError):
    """Bytes whose sha256 is not the digest that names them."""


class ArchiveError(LayerlabError):
    """A docker-save archive or OCI layout that is malformed or incomplete."""


class UnsafeArchive(ArchiveError):
    """An archive entry that would write outside the target or do something refused."""


class LimitExceeded(ArchiveError):
    """More bytes, entries or layers than the configured limits allow (e.g. a gzip bomb)."""
