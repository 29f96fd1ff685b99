"""Synthetic base images and packages, so Dockerfiles can be "built" without a registry.

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

Packages: apt sizes are Installed-Size-like figures from Ubuntu 22.04/24.04; Depends and
Recommends are modelled (apt installs Recommends unless ``--no-install-recommends``); pip
sizes include the ``__pycache__`` that pip compiles at install time. ``apt-get update``
writes :func:`apt_lists`; ``apt-get clean`` empties ``var/cache/apt/archives``; ``apk add``
writes :func:`apk_index` to ``var/cache/apk`` unless ``--no-cache``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from layerlab.model.content import CHUNK, BytesContent, Content, SyntheticContent
from layerlab.model.errors import LayerlabError
from layerlab.model.fs import Dir, Entry, File, Symlink
from layerlab.model.image import EPOCH, HistoryEntry, Image
from layerlab.model.layer import Layer

MB = 1_000_000
KB = 1_000

Manager = Literal["apt", "apk", "pip"]
SITE = "{site}"  #: placeholder for the site-packages directory in pip file lists
DEFAULT_SITE = "usr/local/lib/python3.12/site-packages"


class CatalogueError(LayerlabError):
    """An image or package the catalogue does not know."""


class CatalogueContent(SyntheticContent):
    """Synthetic bytes for catalogue files: a window into one shared 1 MiB random block.

    ``SyntheticContent`` makes (and keeps) a 1 MiB block per instance, ~3 ms each; a base
    image has hundreds of files, so that cost ~1 s per image and hundreds of MiB of memory.
    Here every file reads the same process-wide block from an offset derived from its
    seed, rotated per chunk like SyntheticContent: deterministic, as fast as copying, and
    still incompressible within gzip's window. It equals only another CatalogueContent
    with the same (size, seed): the bytes differ from ``SyntheticContent(size, seed)``.
    """

    def chunks(self) -> Iterator[bytes]:
        block = _shared_block()
        start = int.from_bytes(hashlib.sha256(f"{self.seed}".encode()).digest()[:8], "big") % CHUNK
        left, i = self.size, 0
        while left > 0:
            shift = (start + i * 7919) % CHUNK
            want = min(left, CHUNK)
            if shift + want <= CHUNK:
                yield block[shift : shift + want]
            else:
                yield block[shift:] + block[: want - (CHUNK - shift)]
            left -= want
            i += 1

    def __eq__(self, other: object) -> bool:
        return type(other) is CatalogueContent and (other.size, other.seed) == (self.size, self.seed)

    def __hash__(self) -> int:
        return hash(("catalogue", self.size, self.seed))

    def __repr__(self) -> str:
        return f"CatalogueContent(size={self.size}, seed={self.seed!r})"


@cache
def _shared_block() -> bytes:
    return random.Random("layerlab:catalogue").randbytes(CHUNK)


def _content(size: int, seed: str) -> Content:
    return CatalogueContent(size, seed)


def _weights(keys: Sequence[str]) -> list[int]:
    """Deterministic, uneven weights (1..64) so generated files don't all look alike."""
    return [1 + hashlib.sha256(k.encode()).digest()[0] % 64 for k in keys]


def spread(total: int, paths: Sequence[str]) -> dict[str, int]:
    """Split ``total`` bytes over ``paths`` with uneven deterministic weights; sums exactly."""
    if not paths:
        if total:
            raise ValueError("no paths to spread bytes over")
        return {}
    weights = _weights(paths)
    whole = sum(weights)
    sizes = [total * w // whole for w in weights]
    sizes[0] += total - sum(sizes)
    return dict(zip(paths, sizes))


_STEMS = (
    "core util types config io net parse format cache errors log data codec text path hash "
    "sync time crypt compress locale term proc signal socket thread memory string list map "
    "table tree queue event stream file dir user group auth policy plugin"
).split()


def names(directory: str, count: int, pattern: str) -> list[str]:
    """``count`` real-looking file names in ``directory``; ``pattern`` like ``lib{}.so.1``."""
    out = []
    for i in range(count):
        stem = _STEMS[i % len(_STEMS)] + ("" if i < len(_STEMS) else str(i // len(_STEMS)))
        out.append(f"{directory}/{pattern.format(stem)}")
    return out


def layout(total: int, named: Mapping[str, int], groups: Sequence[tuple[str, int, str, float]]) -> dict[str, int]:
    """Named files with their sizes, and the rest of ``total`` spread over generated
    files: each group is (directory, count, name pattern, share of the rest)."""
    rest = total - sum(named.values())
    if rest < 0:
        raise ValueError(f"named files ({sum(named.values())}) exceed the total {total}")
    files = dict(named)
    shares = sum(g[3] for g in groups) or 1.0
    left = rest
    for i, (directory, count, pattern, share) in enumerate(groups):
        part = left if i == len(groups) - 1 else int(rest * share / shares)
        left -= part
        files.update(spread(part, names(directory, count, pattern)))
    return files


# -- packages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """A package as its manager would install it: files (path -> size) and dependencies.

    Paths are layer paths; pip paths start with ``{site}`` (the site-packages directory,
    filled in by :func:`package_files`).
    """

    name: str
    manager: Manager
    version: str
    files: Mapping[str, int] = field(repr=False)
    depends: tuple[str, ...] = ()
    recommends: tuple[str, ...] = ()
    summary: str = ""

    @property
    def installed_size(self) -> int:
        return sum(self.files.values())

    def __repr__(self) -> str:
        return f"<Package {self.manager}:{self.name} {self.version} {self.installed_size / MB:.1f} MB>"


def _deb(
    name: str,
    version: str,
    size: float,
    depends: Iterable[str] = (),
    recommends: Iterable[str] = (),
    named: Mapping[str, float] | None = None,
    where: str = "usr/lib/x86_64-linux-gnu",
    pattern: str = "lib{}.so.1",
    count: int = 6,
    summary: str = "",
) -> Package:
    """A Debian package: named files (sizes in MB), the rest spread in ``where``, its doc
    files and the dpkg bookkeeping files every .deb leaves behind."""
    base = {
        f"usr/share/doc/{name}/copyright": 1_847,
        f"usr/share/doc/{name}/changelog.Debian.gz": 2_315,
        f"var/lib/dpkg/info/{name}.list": 420,
        f"var/lib/dpkg/info/{name}.md5sums": 512,
    }
    fixed = {**base, **{p: int(s * MB) for p, s in (named or {}).items()}}
    files = layout(int(size * MB), fixed, [(where, count, pattern, 1.0)])
    return Package(name, "apt", version, files, tuple(depends), tuple(recommends), summary)


def _apk(name: str, version: str, size: float, depends: Iterable[str] = (), named: Mapping[str, float] | None = None,
         where: str = "usr/lib", pattern: str = "lib{}.so.1", count: int = 4, summary: str = "") -> Package:
    fixed = {p: int(s * MB) for p, s in (named or {}).items()}
    files = layout(int(size * MB), fixed, [(where, count, pattern, 1.0)] if count else [])
    return Package(name, "apk", version, files, tuple(depends), (), summary)


def _wheel(name: str, version: str, size: float, depends: Iterable[str] = (), module: str | None = None,
           modules: int = 8, named: Mapping[str, float] | None = None, scripts: Iterable[str] = (),
           summary: str = "") -> Package:
    """A wheel: ``module/*.py`` with their ``__pycache__`` (pip compiles them), its
    dist-info and console scripts in ``usr/local/bin``."""
    module = module or name.replace("-", "_").lower()
    dist = f"{SITE}/{name.replace('-', '_')}-{version}.dist-info"
    fixed = {
        f"{dist}/METADATA": 3_600,
        f"{dist}/RECORD": 2_400,
        f"{dist}/WHEEL": 81,
        f"{dist}/INSTALLER": 4,
        f"{dist}/LICENSE.txt": 1_475,
        f"{SITE}/{module}/__init__.py": 2_300,
        **{f"usr/local/bin/{s}": 222 for s in scripts},
        **{p.replace("{site}", SITE): int(s * MB) for p, s in (named or {}).items()},
    }
    groups = [
        (f"{SITE}/{module}", modules, "{}.py", 0.45),
        (f"{SITE}/{module}/__pycache__", modules, "{}.cpython-312.pyc", 0.55),
    ]
    files = layout(int(size * MB), fixed, groups)
    return Package(name, "pip", version, files, tuple(depends), (), summary)


def _packages() -> dict[tuple[str, str], Package]:
    lib = "usr/lib/x86_64-linux-gnu"
    apt = [
        # python 3 (Ubuntu 24.04's python3.12)
        _deb("python3", "3.12.3-0ubuntu2", 0.09, ["python3.12", "python3-minimal", "libpython3-stdlib"],
             named={"usr/share/python3/debian_defaults": 0.001}, count=1, where="usr/share/python3", pattern="{}.py",
             summary="interactive high-level object-oriented language (default python3 version)"),
        _deb("python3-minimal", "3.12.3-0ubuntu2", 0.12, ["python3.12-minimal"], where="usr/share/python3", pattern="{}.py", count=2),
        _deb("python3.12", "3.12.3-1", 0.65, ["python3.12-minimal", "libpython3.12-stdlib", "media-types", "tzdata"],
             named={"usr/bin/pydoc3.12": 0.0001}, where="usr/share/python3.12", pattern="{}.py", count=2),
        _deb("python3.12-minimal", "3.12.3-1", 6.6, ["libpython3.12-minimal", "libexpat1", "zlib1g"],
             named={"usr/bin/python3.12": 6.5}, where="usr/share/binfmts", pattern="python{}", count=1),
        _deb("libpython3-stdlib", "3.12.3-0ubuntu2", 0.03, ["libpython3.12-stdlib"], count=1),
        _deb("libpython3.12-minimal", "3.12.3-1", 5.2, where="usr/lib/python3.12", pattern="{}.py", count=40),
        _deb("libpython3.12-stdlib", "3.12.3-1", 17.9, ["libpython3.12-minimal", "libsqlite3-0", "libffi8", "libreadline8t64"],
             where="usr/lib/python3.12", pattern="{}_stdlib.py", count=80),
        _deb("libsqlite3-0", "3.45.1-1ubuntu2", 1.6, named={f"{lib}/libsqlite3.so.0.8.6": 1.55}, count=1),
        _deb("libffi8", "3.4.6-1build1", 0.07, count=1),
        _deb("libreadline8t64", "8.2-4build1", 0.45, ["readline-common"], count=2),
        _deb("readline-common", "8.2-4build1", 0.08, where="etc", pattern="{}rc", count=1),
        _deb("libexpat1", "2.6.1-2build1", 0.41, count=1),
        _deb("zlib1g", "1:1.3.dfsg-3.1ubuntu2", 0.16, count=1),
        _deb("media-types", "10.1.0", 0.1, where="etc", pattern="mime.{}", count=1),
        _deb("tzdata", "2024a-2ubuntu1", 3.9, where="usr/share/zoneinfo", pattern="{}", count=60),
        _deb("python3-pip", "24.0+dfsg-1ubuntu1", 7.4, ["python3", "python3-setuptools", "python3-wheel", "ca-certificates"],
             ["build-essential", "python3-dev"], named={"usr/bin/pip3": 0.0002},
             where="usr/lib/python3/dist-packages/pip", pattern="{}.py", count=60,
             summary="Python package installer"),
        _deb("python3-setuptools", "68.1.2-2ubuntu1", 3.2, ["python3"], where="usr/lib/python3/dist-packages/setuptools", pattern="{}.py", count=30),
        _deb("python3-wheel", "0.42.0-2", 0.2, ["python3"], where="usr/lib/python3/dist-packages/wheel", pattern="{}.py", count=6),
        _deb("python3-dev", "3.12.3-0ubuntu2", 0.03, ["python3", "libpython3.12-dev", "python3.12-dev"], count=1),
        _deb("python3.12-dev", "3.12.3-1", 0.6, ["python3.12", "libpython3.12-dev"], where="usr/include/python3.12", pattern="{}.h", count=10),
        _deb("libpython3.12-dev", "3.12.3-1", 25.5, ["libpython3.12-stdlib", "libexpat1-dev", "zlib1g-dev"],
             named={f"{lib}/libpython3.12.a": 19.5}, where="usr/include/python3.12", pattern="{}object.h", count=20),
        _deb("libexpat1-dev", "2.6.1-2build1", 0.9, ["libexpat1"], where="usr/include", pattern="expat_{}.h", count=3),
        _deb("zlib1g-dev", "1:1.3.dfsg-3.1ubuntu2", 0.6, ["zlib1g"], where="usr/include", pattern="z{}.h", count=3),
        # python 2 (the course's `python`; see the module docstring)
        _deb("python", "2.7.12-1~16.04", 0.07, ["python2.7", "python-minimal", "libpython-stdlib"],
             ["build-essential", "libpython2.7-dev"], count=1,
             summary="interactive high-level object-oriented language (default version, python2.7)"),
        _deb("python-minimal", "2.7.12-1~16.04", 0.15, ["python2.7-minimal"], where="usr/share/python", pattern="{}.py", count=2),
        _deb("python2.7", "2.7.12-1ubuntu0~16.04.18", 3.7, ["python2.7-minimal", "libpython2.7-stdlib", "mime-support"],
             where="usr/lib/python2.7", pattern="{}.py", count=6),
        _deb("python2.7-minimal", "2.7.12-1ubuntu0~16.04.18", 3.6, ["libpython2.7-minimal"],
             named={"usr/bin/python2.7": 3.5}, count=1),
        _deb("libpython-stdlib", "2.7.12-1~16.04", 0.04, ["libpython2.7-stdlib"], count=1),
        _deb("libpython2.7-minimal", "2.7.12-1ubuntu0~16.04.18", 3.0, where="usr/lib/python2.7", pattern="{}_min.py", count=30),
        _deb("libpython2.7-stdlib", "2.7.12-1ubuntu0~16.04.18", 12.3, ["libpython2.7-minimal", "mime-support"],
             where="usr/lib/python2.7", pattern="{}_std.py", count=70),
        _deb("libpython2.7-dev", "2.7.12-1ubuntu0~16.04.18", 12.0, ["libpython2.7-stdlib", "libexpat1-dev"],
             named={f"{lib}/libpython2.7.a": 9.3}, where="usr/include/python2.7", pattern="{}.h", count=12),
        _deb("mime-support", "3.59ubuntu1", 0.12, where="etc", pattern="mime.{}", count=1),
        # the compiler toolchain
        _deb("build-essential", "12.10ubuntu1", 0.02, ["gcc", "g++", "make", "libc6-dev", "dpkg-dev"], count=1,
             summary="Informational list of build-essential packages"),
        _deb("gcc", "4:13.2.0-7ubuntu1", 52.0, ["cpp", "binutils", "libgcc-dev"],
             named={"usr/bin/x86_64-linux-gnu-gcc-13": 1.0, "usr/libexec/gcc/x86_64-linux-gnu/13/cc1": 36.0,
                    "usr/libexec/gcc/x86_64-linux-gnu/13/lto1": 12.0},
             where="usr/libexec/gcc/x86_64-linux-gnu/13", pattern="{}-plugin.so", count=8),
        _deb("cpp", "4:13.2.0-7ubuntu1", 33.0, named={"usr/bin/x86_64-linux-gnu-cpp-13": 1.0},
             where="usr/libexec/gcc/x86_64-linux-gnu/13", pattern="cpp-{}", count=4),
        _deb("g++", "4:13.2.0-7ubuntu1", 38.0, ["gcc", "libstdc++-dev"],
             named={"usr/libexec/gcc/x86_64-linux-gnu/13/cc1plus": 36.5}, count=2),
        _deb("libstdc++-dev", "13.2.0-23ubuntu4", 21.0, where="usr/include/c++/13", pattern="{}", count=80),
        _deb("libgcc-dev", "13.2.0-23ubuntu4", 14.0, where="usr/lib/gcc/x86_64-linux-gnu/13", pattern="lib{}.a", count=12),
        _deb("binutils", "2.42-4ubuntu2", 27.0, named={"usr/bin/x86_64-linux-gnu-ld.bfd": 1.8,
             f"{lib}/libbfd-2.42-system.so": 2.1}, where="usr/bin", pattern="x86_64-linux-gnu-{}", count=14),
        _deb("make", "4.3-4.1build2", 0.42, named={"usr/bin/make": 0.25}, count=1),
        _deb("libc6-dev", "2.39-0ubuntu8", 12.5, ["linux-libc-dev"], where="usr/include", pattern="{}.h", count=60),
        _deb("linux-libc-dev", "6.8.0-31.31", 7.2, where="usr/include/linux", pattern="{}.h", count=60),
        _deb("dpkg-dev", "1.22.6ubuntu6", 3.5, ["perl", "make", "binutils"], where="usr/share/perl5/Dpkg", pattern="{}.pm", count=20),
        _deb("perl", "5.38.2-3.2build2", 18.0, where="usr/share/perl/5.38", pattern="{}.pm", count=60),
        # network tools and servers
        _deb("curl", "8.5.0-2ubuntu10", 0.53, ["libcurl4t64", "ca-certificates"], named={"usr/bin/curl": 0.27}, count=1,
             summary="command line tool for transferring data with URL syntax"),
        _deb("libcurl4t64", "8.5.0-2ubuntu10", 0.85, ["libnghttp2-14", "libssh-4", "libpsl5t64", "librtmp1"],
             named={f"{lib}/libcurl.so.4.8.0": 0.8}, count=1),
        _deb("libnghttp2-14", "1.59.0-1build4", 0.2, count=1),
        _deb("libssh-4", "0.10.6-2build2", 0.5, count=1),
        _deb("libpsl5t64", "0.21.2-1.1build1", 0.1, ["publicsuffix"], count=1),
        _deb("publicsuffix", "20231001.0357-0.1", 0.3, where="usr/share/publicsuffix", pattern="{}.dafsa", count=2),
        _deb("librtmp1", "2.4+20151223.gitfa8646d.1-2build7", 0.15, count=1),
        _deb("ca-certificates", "20240203", 0.4, ["openssl"], where="usr/share/ca-certificates/mozilla", pattern="{}_Root_CA.crt", count=140,
             summary="Common CA certificates"),
        _deb("openssl", "3.0.13-0ubuntu3", 2.1, named={"usr/bin/openssl": 1.0}, count=1),
        _deb("nginx", "1.24.0-2ubuntu7", 1.5, ["nginx-common", "libpcre2-8-0", "iproute2"], named={"usr/sbin/nginx": 1.3},
             where="usr/lib/nginx/modules", pattern="ngx_{}_module.so", count=2, summary="small, powerful, scalable web/proxy server"),
        _deb("nginx-common", "1.24.0-2ubuntu7", 0.28, where="etc/nginx", pattern="{}.conf", count=8),
        _deb("libpcre2-8-0", "10.42-4ubuntu2", 0.62, count=1),
        _deb("iproute2", "6.1.0-1ubuntu6", 3.4, named={"usr/bin/ip": 0.75}, where="usr/sbin", pattern="{}", count=6),
        _deb("git", "1:2.43.0-1ubuntu7", 21.0, ["git-man", "liberror-perl", "perl", "libcurl3t64-gnutls", "less"],
             named={"usr/bin/git": 3.9}, where="usr/lib/git-core", pattern="git-{}", count=40,
             summary="fast, scalable, distributed revision control system"),
        _deb("git-man", "1:2.43.0-1ubuntu7", 2.1, where="usr/share/man/man1", pattern="git-{}.1.gz", count=40),
        _deb("liberror-perl", "0.17029-2", 0.04, where="usr/share/perl5/Error", pattern="{}.pm", count=1),
        _deb("libcurl3t64-gnutls", "8.5.0-2ubuntu10", 0.8, count=1),
        _deb("less", "590-2ubuntu2", 0.3, named={"usr/bin/less": 0.18}, count=1),
    ]
    apk = [
        _apk("python3", "3.12.3-r1", 41.0, ["libffi", "gdbm", "mpdecimal", "readline", "sqlite-libs", "xz-libs", "libbz2"],
             named={"usr/bin/python3.12": 0.02, "usr/lib/libpython3.12.so.1.0": 5.7}, where="usr/lib/python3.12",
             pattern="{}.py", count=120, summary="High-level scripting language"),
        _apk("libffi", "3.4.6-r0", 0.04, count=1),
        _apk("gdbm", "1.23-r1", 0.2, count=1),
        _apk("mpdecimal", "4.0.0-r0", 0.3, count=1),
        _apk("readline", "8.2.10-r0", 0.3, count=1),
        _apk("sqlite-libs", "3.45.3-r1", 1.5, count=1),
        _apk("xz-libs", "5.6.2-r0", 0.2, count=1),
        _apk("libbz2", "1.0.8-r6", 0.07, count=1),
        _apk("curl", "8.9.0-r0", 0.26, ["libcurl", "ca-certificates"], named={"usr/bin/curl": 0.25}, count=1,
             summary="URL retrieval utility and library"),
        _apk("libcurl", "8.9.0-r0", 0.7, ["c-ares", "nghttp2-libs", "libidn2", "libpsl", "zstd-libs", "brotli-libs"], count=1),
        _apk("c-ares", "1.28.1-r0", 0.1, count=1),
        _apk("nghttp2-libs", "1.62.1-r0", 0.17, count=1),
        _apk("libidn2", "2.3.7-r0", 0.3, ["libunistring"], count=1),
        _apk("libunistring", "1.2-r0", 1.7, count=1),
        _apk("libpsl", "0.21.5-r1", 0.06, count=1),
        _apk("zstd-libs", "1.5.6-r0", 0.6, count=1),
        _apk("brotli-libs", "1.1.0-r2", 0.9, count=1),
        _apk("ca-certificates", "20240705-r0", 0.7, where="usr/share/ca-certificates/mozilla", pattern="{}_Root_CA.crt", count=140),
        _apk("nginx", "1.26.2-r0", 1.4, ["pcre2"], named={"usr/sbin/nginx": 1.3}, where="etc/nginx", pattern="{}.conf", count=6,
             summary="HTTP and reverse proxy server"),
        _apk("pcre2", "10.43-r0", 0.7, count=2),
        _apk("git", "2.45.2-r0", 14.0, ["libcurl", "libexpat", "pcre2", "zlib"], named={"usr/bin/git": 3.4},
             where="usr/libexec/git-core", pattern="git-{}", count=40, summary="Distributed version control system"),
        _apk("libexpat", "2.6.2-r0", 0.16, count=1),
        _apk("zlib", "1.3.1-r1", 0.1, count=1),
    ]
    pip = [
        _wheel("flask", "3.0.3", 0.55, ["werkzeug", "jinja2", "itsdangerous", "click", "blinker"], scripts=["flask"],
               summary="A simple framework for building complex web applications."),
        _wheel("werkzeug", "3.0.3", 2.4, ["markupsafe"], modules=30,
               named={f"{SITE}/werkzeug/debug/shared/debugger.js": 0.011}),
        _wheel("jinja2", "3.1.4", 1.9, ["markupsafe"], modules=24),
        _wheel("markupsafe", "2.1.5", 0.12, named={f"{SITE}/markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so": 0.045}, modules=2),
        _wheel("itsdangerous", "2.2.0", 0.12, modules=6),
        _wheel("click", "8.1.7", 0.75, modules=14),
        _wheel("blinker", "1.8.2", 0.07, modules=2),
        _wheel("requests", "2.32.3", 0.45, ["charset-normalizer", "idna", "urllib3", "certifi"], modules=18,
               summary="Python HTTP for Humans."),
        _wheel("charset-normalizer", "3.3.2", 0.85, module="charset_normalizer", scripts=["normalizer"], modules=10),
        _wheel("idna", "3.7", 0.7, modules=6),
        _wheel("urllib3", "2.2.2", 0.9, modules=24),
        _wheel("certifi", "2024.7.4", 0.3, named={f"{SITE}/certifi/cacert.pem": 0.29}, modules=2),
        _wheel("numpy", "2.0.1", 60.0, module="numpy", modules=60, scripts=["f2py", "numpy-config"],
               named={f"{SITE}/numpy.libs/libscipy_openblas64_-99b71e71.so": 33.9,
                      f"{SITE}/numpy.libs/libgfortran-040039e1.so.5.0.0": 2.8,
                      f"{SITE}/numpy.libs/libquadmath-96973f99.so.0.0.0": 0.25,
                      f"{SITE}/numpy/_core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so": 9.3},
               summary="Fundamental package for array computing in Python"),
    ]
    return {(p.manager, p.name): p for p in apt + apk + pip}


@cache
def _catalogue() -> dict[tuple[str, str], Package]:
    return _packages()


def known_packages(manager: str) -> list[str]:
    """The package names the catalogue has for one manager (``apt``, ``apk``, ``pip``)."""
    _check_manager(manager)
    return sorted(name for m, name in _catalogue() if m == manager)


def _check_manager(manager: str) -> None:
    if manager not in ("apt", "apk", "pip"):
        raise CatalogueError(f"unknown package manager {manager!r} (known: apt, apk, pip)")


def package(manager: str, name: str) -> Package:
    """One package; unknown names raise :class:`CatalogueError` listing the known ones."""
    _check_manager(manager)
    key = (manager, name.lower() if manager == "pip" else name)
    if manager == "pip":
        key = (manager, key[1].replace("_", "-"))
    try:
        return _catalogue()[key]
    except KeyError:
        raise CatalogueError(
            f"{manager} package {name!r} is not in layerlab's catalogue "
            f"(known: {', '.join(known_packages(manager))})"
        ) from None


def resolve(manager: str, names: Iterable[str], *, recommends: bool = True, installed: Iterable[str] = ()) -> list[Package]:
    """The packages to install for ``names``, dependencies first (install order).

    Recommends are followed for apt unless ``recommends=False`` (``--no-install-recommends``);
    ``installed`` names are skipped, as the manager would.
    """
    done: set[str] = set(installed)
    order: list[Package] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        pkg = package(manager, name)
        if pkg.name in done or pkg.name in visiting:
            return
        visiting.add(pkg.name)
        for dep in pkg.depends + (pkg.recommends if recommends else ()):
            visit(dep)
        visiting.discard(pkg.name)
        done.add(pkg.name)
        order.append(pkg)

    for name in names:
        visit(name)
    return order


def package_files(pkg: Package, *, site: str = DEFAULT_SITE) -> dict[str, Content]:
    """The package's files as content, seeded by package name and path (deterministic)."""
    out: dict[str, Content] = {}
    for path, size in pkg.files.items():
        path = path.replace(SITE, site)
        out[path] = _content(size, f"{pkg.manager}:{pkg.name}:{path}")
    return out


def package_entries(pkg: Package, *, site: str = DEFAULT_SITE) -> dict[str, Entry]:
    """Like :func:`package_files` as layer entries: executables (``bin/``, ``sbin/``, ``.so``) 0755."""
    out: dict[str, Entry] = {}
    for path, content in package_files(pkg, site=site).items():
        executable = "/bin/" in f"/{path}" or "/sbin/" in f"/{path}" or ".so" in path or "libexec" in path
        out[path] = File(content=content, mode=0o755 if executable else 0o644)
    return out


def status_entry(pkg: Package) -> str:
    """The package's stanza in ``var/lib/dpkg/status`` (apt) or ``lib/apk/db/installed`` (apk)."""
    kib = pkg.installed_size // 1024
    if pkg.manager == "apt":
        deps = f"Depends: {', '.join(pkg.depends)}\n" if pkg.depends else ""
        return (
            f"Package: {pkg.name}\nStatus: install ok installed\nPriority: optional\n"
            f"Installed-Size: {kib}\nArchitecture: amd64\nVersion: {pkg.version}\n{deps}"
            f"Description: {pkg.summary or pkg.name}\n\n"
        )
    if pkg.manager == "apk":
        deps = f"D:{' '.join(pkg.depends)}\n" if pkg.depends else ""
        return f"P:{pkg.name}\nV:{pkg.version}\nA:x86_64\nI:{pkg.installed_size}\nT:{pkg.summary or pkg.name}\n{deps}\n"
    raise CatalogueError("pip packages have no status database entry (see their dist-info)")


# -- package manager metadata -----------------------------------------------------------

_APT_LISTS = {  # release -> (mirror path, total size of the lists apt-get update writes)
    "noble": ("archive.ubuntu.com_ubuntu_dists_noble", 49 * MB),
    "jammy": ("archive.ubuntu.com_ubuntu_dists_jammy", 44 * MB),
    "xenial": ("archive.ubuntu.com_ubuntu_dists_xenial", 40 * MB),
    "bookworm": ("deb.debian.org_debian_dists_bookworm", 18 * MB),
}


def apt_lists(release: str) -> dict[str, Content]:
    """What ``apt-get update`` writes to ``var/lib/apt/lists`` for a release (a few big
    Packages indexes and the small Release files)."""
    try:
        prefix, total = _APT_LISTS[release]
    except KeyError:
        raise CatalogueError(f"no apt lists for release {release!r} (known: {', '.join(_APT_LISTS)})") from None
    small = {f"var/lib/apt/lists/{prefix}_InRelease": 256 * KB, "var/lib/apt/lists/lock": 0}
    pockets = ["", "-updates", "-security"] if release != "bookworm" else ["", "-updates"]
    comps = ["main", "universe"] if release != "bookworm" else ["main"]
    big = [f"var/lib/apt/lists/{prefix}{p}_{c}_binary-amd64_Packages" for p in pockets for c in comps]
    small.update({f"var/lib/apt/lists/{prefix}{p}_InRelease": 128 * KB for p in pockets[1:]})
    files = {**small, **spread(total - sum(small.values()), big)}
    return {path: _content(size, f"apt-lists:{release}:{path}") for path, size in files.items()}


def apk_index(version: str = "3.20") -> dict[str, Content]:
    """What ``apk add``/``apk update`` leaves in ``var/cache/apk`` without ``--no-cache``."""
    return {
        f"var/cache/apk/APKINDEX.{tag}.tar.gz": _content(size, f"apk-index:{version}:{tag}")
        for tag, size in (("1d6a2c1f", 520 * KB), ("b5ad3f0e", 880 * KB))
    }


# -- base images ----------------------------------------------------------------------

_PASSWD_DEBIAN = (
    "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "bin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
)
_GROUP_DEBIAN = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\nstaff:x:50:\nusers:x:100:\nnogroup:x:65534:\n"
_PASSWD_ALPINE = "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n"
_GROUP_ALPINE = "root:x:0:root\nbin:x:1:root,bin,daemon\nwheel:x:10:root\nnogroup:x:65533:\nnobody:x:65534:\n"

_DEB_BINS = {  # usr/bin and friends every Debian/Ubuntu rootfs has (sizes in bytes, approximate)
    "usr/bin/bash": 1_446_024, "usr/bin/ls": 138_208, "usr/bin/cp": 141_832, "usr/bin/mv": 137_736,
    "usr/bin/cat": 35_280, "usr/bin/rm": 59_912, "usr/bin/mkdir": 76_112, "usr/bin/chmod": 64_448,
    "usr/bin/chown": 72_672, "usr/bin/ln": 68_264, "usr/bin/echo": 35_120, "usr/bin/grep": 186_008,
    "usr/bin/sed": 121_776, "usr/bin/tar": 512_096, "usr/bin/gzip": 97_592, "usr/bin/dpkg": 318_880,
    "usr/bin/apt": 18_824, "usr/bin/apt-get": 27_024, "usr/bin/perl": 3_926_000, "usr/bin/dash": 125_640,
    "usr/bin/find": 224_848, "usr/bin/sort": 121_880, "usr/bin/env": 48_536, "usr/bin/id": 43_976,
    "usr/sbin/useradd": 146_000,
}
_DEB_LIBS = {
    "libc.so.6": 2_125_328, "ld-linux-x86-64.so.2": 236_616, "libstdc++.so.6.0.33": 2_592_224,
    "libsystemd.so.0.38.0": 907_000, "libcrypto.so.3": 4_451_632, "libssl.so.3": 687_488,
    "libgnutls.so.30.37.1": 2_244_000, "libzstd.so.1.5.5": 841_000, "liblzma.so.5.4.5": 194_000,
    "libz.so.1.3": 108_000, "libselinux.so.1": 174_000, "libdb-5.3.so": 1_824_000, "libapt-pkg.so.6.0.0": 2_400_000,
    "libm.so.6": 952_000, "libgcc_s.so.1": 125_000, "libpcre2-8.so.0.11.2": 625_000,
}


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


_SPECS: dict[str, BaseSpec] = {
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

_ALIASES = {
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
    return sorted(set(_SPECS) | set(_ALIASES))


def canonical_ref(ref: str) -> str:
    """``ubuntu`` -> ``ubuntu:24.04``; strips ``docker.io/library/``; unknown refs raise."""
    ref = ref.strip().lower()
    for prefix in ("docker.io/library/", "library/", "index.docker.io/library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
    ref = _ALIASES.get(ref, ref)
    if ref not in _SPECS:
        raise CatalogueError(f"no base image {ref!r} in layerlab's catalogue (known: {', '.join(known_bases())})")
    return ref


def base_release(ref: str) -> str:
    """The apt release (``noble``, ``bookworm``...) of a base, ``""`` for alpine."""
    return _SPECS[canonical_ref(ref)].release


def base_image(ref: str) -> Image:
    """A synthetic base image (deterministic, cached: its layers are hashed once)."""
    return _base_image(canonical_ref(ref))


@cache
def _base_image(ref: str) -> Image:
    spec = _SPECS[ref]
    if spec.extra:  # python images: a Debian base plus the official image's build steps
        lower = _base_image("debian:12-slim" if ref.endswith("-slim") else "debian:12")
        layers = list(lower.layers)
        history = [h for h in lower.history if "CMD" not in h.created_by]
        history += [HistoryEntry(created_by=f"ENV {e}", empty_layer=True, created=EPOCH) for e in spec.env[:2]]
        for i, (created_by, size, kind) in enumerate(spec.extra):
            layers.append(_extra_layer(ref, i, size, kind))
            history.append(HistoryEntry(created_by=created_by, created=EPOCH, comment="buildkit.dockerfile.v0"))
        history.append(HistoryEntry(created_by=f'CMD ["{spec.cmd[0]}"]', empty_layer=True, created=EPOCH,
                                    comment="buildkit.dockerfile.v0"))
        return Image.build(layers, history=history, env=spec.env, cmd=spec.cmd)
    layer = Layer(_rootfs(ref, spec))
    name, version = ref.split(":")
    history = []
    if spec.family == "ubuntu" and spec.release != "xenial":
        history += [
            HistoryEntry(created_by="/bin/sh -c #(nop)  ARG RELEASE", empty_layer=True, created=EPOCH),
            HistoryEntry(created_by="/bin/sh -c #(nop)  ARG LAUNCHPAD_BUILD_ARCH", empty_layer=True, created=EPOCH),
            HistoryEntry(created_by="/bin/sh -c #(nop)  LABEL org.opencontainers.image.ref.name=ubuntu",
                         empty_layer=True, created=EPOCH),
            HistoryEntry(created_by=f"/bin/sh -c #(nop)  LABEL org.opencontainers.image.version={version}",
                         empty_layer=True, created=EPOCH),
        ]
    history.append(HistoryEntry(created_by=f"/bin/sh -c #(nop) ADD file:{layer.diff_id[7:]} in / ", created=EPOCH))
    history.append(HistoryEntry(created_by=f'/bin/sh -c #(nop)  CMD ["{spec.cmd[0]}"]', empty_layer=True, created=EPOCH))
    labels = {"org.opencontainers.image.ref.name": name, "org.opencontainers.image.version": version} \
        if spec.family == "ubuntu" and spec.release != "xenial" else None
    return Image.build([layer], history=history, env=spec.env, cmd=spec.cmd, labels=labels)


def _rootfs(ref: str, spec: BaseSpec) -> dict[str, Entry]:
    """The entries of a distribution's root filesystem layer (skeleton + sized files)."""
    seed = f"base:{ref}"
    entries: dict[str, Entry] = {}
    small: dict[str, str] = {"etc/os-release" if spec.family == "alpine" else "usr/lib/os-release": spec.os_release}
    dirs = ["dev", "home", "media", "mnt", "opt", "proc", "run", "srv", "sys", "usr/local/bin", "usr/local/lib",
            "var/log", "var/tmp", "var/spool", "var/cache", "var/lib"]
    if spec.family == "alpine":
        small.update({
            "etc/passwd": _PASSWD_ALPINE, "etc/group": _GROUP_ALPINE, "etc/alpine-release": spec.os_release.split('"')[5] + "\n",
            "etc/apk/repositories": f"https://dl-cdn.alpinelinux.org/alpine/v{ref.split(':')[1]}/main\n"
                                    f"https://dl-cdn.alpinelinux.org/alpine/v{ref.split(':')[1]}/community\n",
            "etc/apk/world": "alpine-baselayout\nalpine-keys\napk-tools\nbusybox\nca-certificates-bundle\nlibc-utils\n",
        })
        named = {"bin/busybox": 808_712, "lib/ld-musl-x86_64.so.1": 667_000, "lib/libcrypto.so.3": 4_300_000,
                 "lib/libssl.so.3": 650_000, "lib/libz.so.1.3.1": 100_000, "sbin/apk": 150_000,
                 "lib/libapk.so.2.14.0": 220_000, "lib/apk/db/installed": 29_000,
                 "etc/ssl/certs/ca-certificates.crt": 221_000, "usr/lib/libcrypto.so.3": 0}
        named.pop("usr/lib/libcrypto.so.3")
        files = layout(spec.size - sum(len(v) for v in small.values()), named,
                       [("usr/lib", 10, "lib{}.so.1", 0.6), ("usr/share/apk/keys", 20, "alpine-devel-{}.rsa.pub", 0.1),
                        ("etc", 16, "{}.conf", 0.3)])
        for applet in ("sh", "ls", "cat", "cp", "mv", "rm", "mkdir", "echo", "grep", "sed", "tar", "wget", "vi", "ln"):
            entries[f"bin/{applet}"] = Symlink(target="/bin/busybox")
        dirs += ["root", "tmp", "var/cache/apk", "etc/apk/keys", "lib/apk/exec"]
    else:
        small.update({
            "etc/passwd": _PASSWD_DEBIAN, "etc/group": _GROUP_DEBIAN,
            "etc/shadow": "root:*:19800:0:99999:7:::\n", "etc/debian_version": "12.6\n" if spec.family == "debian" else "trixie/sid\n",
            "etc/apt/sources.list": f"deb http://archive.ubuntu.com/ubuntu {spec.release} main universe\n"
            if spec.family == "ubuntu" else "# see /etc/apt/sources.list.d/debian.sources\n",
            "etc/apt/apt.conf.d/docker-clean": 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };\n',
            "etc/hostname": "",  # an empty placeholder the runtime bind-mounts over
        })
        entries["etc/os-release"] = Symlink(target="../usr/lib/os-release")
        named = {**_DEB_BINS, **{f"usr/lib/x86_64-linux-gnu/{k}": v for k, v in _DEB_LIBS.items()},
                 "var/lib/dpkg/status": 180_000 if spec.docs else 110_000}
        groups = [("usr/lib/x86_64-linux-gnu", 60, "lib{}.so.1", 0.35), ("usr/lib/x86_64-linux-gnu/perl-base", 40, "{}.pm", 0.08),
                  ("usr/bin", 40, "{}", 0.12), ("usr/sbin", 12, "{}", 0.03), ("usr/share/i18n/charmaps", 12, "{}.gz", 0.04),
                  ("usr/share/zoneinfo", 0, "", 0.0), ("var/lib/dpkg/info", 40, "{}.list", 0.02)]
        if spec.docs:
            groups += [("usr/share/doc", spec.docs, "{}/copyright", 0.03), ("usr/share/locale/de/LC_MESSAGES", 20, "{}.mo", 0.05),
                       ("usr/share/man/man1", 30, "{}.1.gz", 0.04)]
        groups = [g for g in groups if g[1]]
        files = layout(spec.size - sum(len(v) for v in small.values()), named, groups)
        if spec.usrmerge:
            for top in ("bin", "lib", "lib64", "sbin"):
                entries[top] = Symlink(target=f"usr/{top}")
            entries["usr/lib64/ld-linux-x86-64.so.2"] = Symlink(target="/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
            entries["usr/bin/sh"] = Symlink(target="dash")
        else:  # 16.04: real /bin, /lib; bash and friends live in /bin
            files = {("bin/" + p[8:] if p[8:] in ("bash", "ls", "cp", "mv", "cat", "rm", "mkdir", "chmod", "chown", "ln",
                                                   "echo", "grep", "sed", "tar", "gzip", "dash") and p.startswith("usr/bin/")
                      else p): s for p, s in files.items()}
            entries["bin/sh"] = Symlink(target="dash")
            entries["lib64/ld-linux-x86-64.so.2"] = Symlink(target="/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        dirs += ["root", "tmp", "var/cache/apt/archives/partial", "var/lib/apt/lists/partial", "var/cache/debconf",
                 "etc/apt/sources.list.d", "etc/dpkg/dpkg.cfg.d", "usr/share/zoneinfo"]
    for path, text in small.items():
        entries[path] = File(content=BytesContent(text), mode=0o640 if path == "etc/shadow" else 0o644)
    for path, size in files.items():
        executable = "/bin/" in f"/{path}" or "/sbin/" in f"/{path}" or ".so" in path
        entries[path] = File(content=_content(size, f"{seed}:{path}"), mode=0o755 if executable else 0o644)
    for d in dirs:
        entries.setdefault(d, Dir(mode={"root": 0o700, "tmp": 0o1777, "var/tmp": 0o1777}.get(d, 0o755)))
    parents: dict[str, Entry] = {}
    for path in entries:
        parts = path.split("/")[:-1]
        for i in range(len(parts)):
            parents.setdefault("/".join(parts[: i + 1]), Dir())
    for p, e in parents.items():
        if p not in entries:
            entries[p] = e
    return entries


def _extra_layer(ref: str, index: int, size: int, kind: str) -> Layer:
    """One build step of an official python image: apt packages, the compiled python, pip."""
    seed = f"base:{ref}:layer{index}"
    site = "usr/local/lib/python3.12/site-packages"
    symlinks: dict[str, str] = {}
    if kind == "python":
        named = {"usr/local/bin/python3.12": 17_000, "usr/local/lib/libpython3.12.so.1.0": 27_000_000}
        if "slim" in ref:
            named.pop("usr/local/lib/libpython3.12.so.1.0")
        groups = [("usr/local/lib/python3.12", 120, "{}.py", 0.35),
                  ("usr/local/lib/python3.12/__pycache__", 120, "{}.cpython-312.pyc", 0.4),
                  ("usr/local/lib/python3.12/lib-dynload", 40, "_{}.cpython-312-x86_64-linux-gnu.so", 0.25)]
        symlinks = {"usr/local/bin/python3": "python3.12"}
    elif kind == "pip":
        named = {"usr/local/bin/pip3": 222}
        groups = [(f"{site}/pip/_internal", 60, "{}.py", 0.5), (f"{site}/pip/_vendor", 60, "{}.py", 0.5)]
        symlinks = {"usr/local/bin/python": "python3", "usr/local/bin/pip": "pip3", "usr/local/bin/idle": "idle3"}
    else:
        named = {}
        groups = [("usr/lib/x86_64-linux-gnu", 80, f"lib{{}}{index}.so.1", 0.6), ("usr/bin", 40, f"{{}}{index}", 0.25),
                  ("usr/share/doc", 40, f"{{}}{index}/copyright", 0.05), ("var/lib/dpkg/info", 40, f"{{}}{index}.list", 0.1)]
    files = layout(size, named, groups)
    entries: dict[str, Entry] = {
        p: File(content=_content(s, f"{seed}:{p}"), mode=0o755 if "/bin/" in f"/{p}" or ".so" in p else 0o644)
        for p, s in files.items()
    }
    entries.update({p: Symlink(target=t) for p, t in symlinks.items()})
    return Layer.from_files(entries)
