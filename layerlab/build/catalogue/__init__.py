"""Synthetic base images (and packages), so Dockerfiles can be "built" without a registry.

Everything here is an **approximation**: file lists are short skeletons of the real thing
(a few hundred entries, real-looking names, made-up bytes) and sizes are chosen so totals
match what ``docker images`` shows for the real images, within a few percent. The point is
the layer structure and the orders of magnitude, not the exact files.

Bases (uncompressed size, as ``docker images`` reports it; MB = 10^6 bytes)

==========================================  =========  ================================
ref                                         size       layers
==========================================  =========  ================================
ubuntu:24.04 = ubuntu:latest = ubuntu       78 MB      1 (rootfs)
ubuntu:22.04                                78 MB      1
ubuntu:16.04                                120 MB     1: the course's "base 120 MB"
debian:12 = debian:bookworm = debian        117 MB     1
debian:bookworm-slim = debian:12-slim       75 MB      1
alpine:3.20 = alpine:latest = alpine        7.8 MB     1
alpine:3.19                                 7.4 MB     1
python:3.12-slim                            130 MB     4 (bookworm-slim + 3)
python:3.12                                 1.02 GB    5 (bookworm + buildpack-deps + 1)
==========================================  =========  ================================

The classic course example (``FROM ubuntu:16.04``, ``RUN apt-get update && apt-get
install -y python``, ``RUN pip install flask``, ``COPY . /opt/source-code``) gives base
120 MB, apt layer ~300 MB (lists 40 MB + ``python``'s closure), pip layer ~6 MB. Today's
``FROM ubuntu`` (24.04, 78 MB) has no ``python`` package in reality; the catalogue's apt
packages are not per release, and ``python`` stands for the 2017-era transitional package
*with* what its install pulled in then (python2.7 and, as recommends, the compiler
toolchain) so that the course numbers come out.

The packages ``RUN apt-get``, ``apk`` and ``pip`` install are the shell's: they live in
:mod:`layerlab.shell.catalogue` (below the builder, so the shell can reach them) and are
re-exported here, so ``layerlab.build.catalogue`` still names the whole course catalogue.

The modules: :mod:`.specs` (which bases exist, their names), :mod:`.rootfs` (the files of
their layers), :mod:`.images` (layers, history and config as ``docker pull`` gives them).
"""

from layerlab.model.units import KB, MB
from layerlab.shell.catalogue import (
    DEFAULT_SITE,
    SITE,
    CatalogueContent,
    CatalogueError,
    Manager,
    Package,
    apk_index,
    apt_lists,
    known_packages,
    package,
    package_entries,
    package_files,
    resolve,
    status_entry,
)

from .images import base_image
from .specs import COURSE_BASE, BaseSpec, base_release, canonical_ref, known_bases

__all__ = [
    "COURSE_BASE", "DEFAULT_SITE", "KB", "MB", "SITE", "BaseSpec", "CatalogueContent", "CatalogueError",
    "Manager", "Package", "apk_index", "apt_lists", "base_image", "base_release", "canonical_ref",
    "known_bases", "known_packages", "package", "package_entries", "package_files", "resolve",
    "status_entry",
]  # fmt: skip
