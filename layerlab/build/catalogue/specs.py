"""Which base images the catalogue has: each one's family, release, size and extra layers,
and the names (aliases, ``docker.io/library/`` prefixes) that lead to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from layerlab.i18n import _
from layerlab.shell.catalogue import CatalogueError


@dataclass(frozen=True)
class BaseSpec:
    """How to make one base image: its rootfs size, family and extra layers."""

    family: Literal["debian", "ubuntu", "alpine"]
    os_release: str
    size: int
    release: str = ""
    usrmerge: bool = True
    extra: tuple[tuple[str, int, str], ...] = ()  # (created_by, size, kind) layers on top (python images)
    env: tuple[str, ...] = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",)
    cmd: tuple[str, ...] = ("/bin/bash",)
    docs: int = 80  # how many packages' doc dirs the rootfs shows


def _os_release(name: str, version_id: str, pretty: str, codename: str = "", id_like: str = "") -> str:
    lines = [f'PRETTY_NAME="{pretty}"', f'NAME="{name}"', f'VERSION_ID="{version_id}"', f"ID={name.split()[0].lower()}"]
    if codename:
        lines.append(f"VERSION_CODENAME={codename}")
    if id_like:
        lines.append(f"ID_LIKE={id_like}")
    return "\n".join(lines) + "\n"


SPECS: dict[str, BaseSpec] = {
    "ubuntu:24.04": BaseSpec("ubuntu", _os_release("Ubuntu", "24.04", "Ubuntu 24.04 LTS", "noble", "debian"), 78_100_000, "noble",
                             cmd=("/bin/bash",)),
    "ubuntu:22.04": BaseSpec("ubuntu", _os_release("Ubuntu", "22.04", "Ubuntu 22.04.4 LTS", "jammy", "debian"), 77_900_000, "jammy",
                             cmd=("bash",)),
    "ubuntu:16.04": BaseSpec("ubuntu", _os_release("Ubuntu", "16.04", "Ubuntu 16.04.7 LTS", "xenial", "debian"), 120_000_000, "xenial",
                             usrmerge=False, cmd=("/bin/bash",), docs=110),
    "debian:12": BaseSpec("debian", _os_release("Debian GNU/Linux", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm"),
                          116_500_000, "bookworm", cmd=("bash",), docs=90),
    "debian:12-slim": BaseSpec("debian", _os_release("Debian GNU/Linux", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm"),
                               74_800_000, "bookworm", cmd=("bash",), docs=0),
    "alpine:3.20": BaseSpec("alpine", _os_release("Alpine Linux", "3.20.2", "Alpine Linux v3.20"), 7_800_000, cmd=("/bin/sh",)),
    "alpine:3.19": BaseSpec("alpine", _os_release("Alpine Linux", "3.19.3", "Alpine Linux v3.19"), 7_380_000, cmd=("/bin/sh",)),
    "python:3.12-slim": BaseSpec(
        "debian", "", 0, "bookworm",
        extra=(
            ("RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends "
             "ca-certificates netbase tzdata; rm -rf /var/lib/apt/lists/* # buildkit", 9_500_000, "apt"),
            ("RUN /bin/sh -c set -eux; savedAptMark=...; ./configure --enable-optimizations ...; make install "
             "... # buildkit", 41_200_000, "python"),
            ("RUN /bin/sh -c set -eux; for src in idle3 pydoc3 python3 python3-config; do ... done # buildkit", 4_500_000, "pip"),
        ),
        env=("PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
             "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "PYTHON_VERSION=3.12.4"),
        cmd=("python3",),
    ),
    "python:3.12": BaseSpec(
        "debian", "", 0, "bookworm",
        extra=(
            ("RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates "
             "curl gnupg netbase sq wget; rm -rf /var/lib/apt/lists/* # buildkit", 48_500_000, "apt"),
            ("RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends git mercurial "
             "openssh-client subversion procps; rm -rf /var/lib/apt/lists/* # buildkit", 177_000_000, "apt"),
            ("RUN /bin/sh -c set -ex; apt-get update; apt-get install -y --no-install-recommends autoconf automake "
             "bzip2 dpkg-dev file g++ gcc imagemagick libbz2-dev libc6-dev ... # buildkit", 588_000_000, "apt"),
            ("RUN /bin/sh -c set -eux; wget -O python.tar.xz ...; ./configure --enable-optimizations ...; make install "
             "... # buildkit", 91_000_000, "python"),
        ),
        env=("PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
             "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "PYTHON_VERSION=3.12.4"),
        cmd=("python3",),
    ),
}

ALIASES = {
    "ubuntu": "ubuntu:24.04", "ubuntu:latest": "ubuntu:24.04", "ubuntu:noble": "ubuntu:24.04",
    "ubuntu:jammy": "ubuntu:22.04", "ubuntu:xenial": "ubuntu:16.04",
    "debian": "debian:12", "debian:latest": "debian:12", "debian:bookworm": "debian:12",
    "debian:bookworm-slim": "debian:12-slim",
    "alpine": "alpine:3.20", "alpine:latest": "alpine:3.20",
    "python:3.12-slim-bookworm": "python:3.12-slim", "python:3.12-bookworm": "python:3.12",
}

#: The base the classic course example needs for its "base 120 MB, apt 300 MB" numbers.
COURSE_BASE = "ubuntu:16.04"


def known_bases() -> list[str]:
    """Every reference :func:`base_image` accepts (aliases included)."""
    return sorted(set(SPECS) | set(ALIASES))


def canonical_ref(ref: str) -> str:
    """``ubuntu`` -> ``ubuntu:24.04``; strips ``docker.io/library/``; unknown refs raise."""
    ref = ref.strip().lower()
    for prefix in ("docker.io/library/", "library/", "index.docker.io/library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
    ref = ALIASES.get(ref, ref)
    if ref not in SPECS:
        raise CatalogueError(_("no base image {ref!r} in layerlab's catalogue (known: {known})", ref=ref, known=", ".join(known_bases())))
    return ref


def base_release(ref: str) -> str:
    """The apt release (``noble``, ``bookworm``...) of a base, ``""`` for alpine."""
    return SPECS[canonical_ref(ref)].release
