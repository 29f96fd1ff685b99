"""Image references as the docker CLI reads them: ``repo[:tag]``, an image id, an id prefix.

A name without a tag means ``:latest`` (``app`` -> ``app:latest``; a registry port is not a
tag: ``host:5000/app`` -> ``host:5000/app:latest``). A daemon stores tags in full, so every
comparison of a name with a tag goes through :func:`full_ref` first. An image id may be
given whole or as a prefix of at least four hex digits, with or without ``sha256:``.
"""

from __future__ import annotations

from collections.abc import Mapping

_HEX = frozenset("0123456789abcdef")


def full_ref(ref: str) -> str:
    """``app`` -> ``app:latest``; a name with a tag, a digest or an id stays as it is."""
    if ref.startswith("sha256:"):
        return ref
    name = ref.rsplit("/", 1)[-1]
    return ref if ":" in name else ref + ":latest"


def split_tag(tag: str) -> tuple[str, str]:
    """``repo:tag`` -> ``("repo", "tag")``, the REPOSITORY and TAG columns of ``docker images``."""
    repository, _, name = tag.rpartition(":")
    return repository, name


def tags_of(tags: Mapping[str, str], image_id: str) -> list[str]:
    """The tags (``repo:tag`` -> image id) that name ``image_id``, sorted."""
    return sorted(tag for tag, named in tags.items() if named == image_id)


def is_id_of(ref: str, image_id: str) -> bool:
    """Whether ``ref`` is ``image_id`` or a prefix of it of at least 4 hex digits
    (``sha256:`` optional). Several images may match a short prefix: callers decide."""
    hexid = ref.removeprefix("sha256:")
    return len(hexid) >= 4 and set(hexid) <= _HEX and image_id.removeprefix("sha256:").startswith(hexid)
