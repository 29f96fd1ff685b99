"""The catalogue's APT packages (Ubuntu and Debian): Installed-Size-like figures from Ubuntu
22.04/24.04, with their Depends and Recommends (apt installs Recommends unless
``--no-install-recommends``).

The packages are not per release: ``python`` stands for the 2017-era transitional package
*with* what its install pulled in then (python2.7 and, as recommends, the compiler toolchain)
so that the course's "apt layer ~300 MB" comes out on ``ubuntu:16.04``.
"""

from __future__ import annotations

from .package import Package, deb_package

LIB = "usr/lib/x86_64-linux-gnu"


def apt_packages() -> list[Package]:
    """Every APT package, by group."""
    return _python3() + _python2() + _toolchain() + _network()


def _python3() -> list[Package]:
    """Python 3 (Ubuntu 24.04's python3.12)."""
    return [
        deb_package("python3", "3.12.3-0ubuntu2", 0.09, ["python3.12", "python3-minimal", "libpython3-stdlib"],
                    named={"usr/share/python3/debian_defaults": 0.001}, count=1, where="usr/share/python3", pattern="{}.py",
                    summary="interactive high-level object-oriented language (default python3 version)"),
        deb_package("python3-minimal", "3.12.3-0ubuntu2", 0.12, ["python3.12-minimal"], where="usr/share/python3", pattern="{}.py", count=2),
        deb_package("python3.12", "3.12.3-1", 0.65, ["python3.12-minimal", "libpython3.12-stdlib", "media-types", "tzdata"],
                    named={"usr/bin/pydoc3.12": 0.0001}, where="usr/share/python3.12", pattern="{}.py", count=2),
        deb_package("python3.12-minimal", "3.12.3-1", 6.6, ["libpython3.12-minimal", "libexpat1", "zlib1g"],
                    named={"usr/bin/python3.12": 6.5}, where="usr/share/binfmts", pattern="python{}", count=1),
        deb_package("libpython3-stdlib", "3.12.3-0ubuntu2", 0.03, ["libpython3.12-stdlib"], count=1),
        deb_package("libpython3.12-minimal", "3.12.3-1", 5.2, where="usr/lib/python3.12", pattern="{}.py", count=40),
        deb_package("libpython3.12-stdlib", "3.12.3-1", 17.9, ["libpython3.12-minimal", "libsqlite3-0", "libffi8", "libreadline8t64"],
                    where="usr/lib/python3.12", pattern="{}_stdlib.py", count=80),
        deb_package("libsqlite3-0", "3.45.1-1ubuntu2", 1.6, named={f"{LIB}/libsqlite3.so.0.8.6": 1.55}, count=1),
        deb_package("libffi8", "3.4.6-1build1", 0.07, count=1),
        deb_package("libreadline8t64", "8.2-4build1", 0.45, ["readline-common"], count=2),
        deb_package("readline-common", "8.2-4build1", 0.08, where="etc", pattern="{}rc", count=1),
        deb_package("libexpat1", "2.6.1-2build1", 0.41, count=1),
        deb_package("zlib1g", "1:1.3.dfsg-3.1ubuntu2", 0.16, count=1),
        deb_package("media-types", "10.1.0", 0.1, where="etc", pattern="mime.{}", count=1),
        deb_package("tzdata", "2024a-2ubuntu1", 3.9, where="usr/share/zoneinfo", pattern="{}", count=60),
        deb_package("python3-pip", "24.0+dfsg-1ubuntu1", 7.4, ["python3", "python3-setuptools", "python3-wheel", "ca-certificates"],
                    ["build-essential", "python3-dev"], named={"usr/bin/pip3": 0.0002},
                    where="usr/lib/python3/dist-packages/pip", pattern="{}.py", count=60,
                    summary="Python package installer"),
        deb_package("python3-setuptools", "68.1.2-2ubuntu1", 3.2, ["python3"], where="usr/lib/python3/dist-packages/setuptools", pattern="{}.py", count=30),
        deb_package("python3-wheel", "0.42.0-2", 0.2, ["python3"], where="usr/lib/python3/dist-packages/wheel", pattern="{}.py", count=6),
        deb_package("python3-dev", "3.12.3-0ubuntu2", 0.03, ["python3", "libpython3.12-dev", "python3.12-dev"], count=1),
        deb_package("python3.12-dev", "3.12.3-1", 0.6, ["python3.12", "libpython3.12-dev"], where="usr/include/python3.12", pattern="{}.h", count=10),
        deb_package("libpython3.12-dev", "3.12.3-1", 25.5, ["libpython3.12-stdlib", "libexpat1-dev", "zlib1g-dev"],
                    named={f"{LIB}/libpython3.12.a": 19.5}, where="usr/include/python3.12", pattern="{}object.h", count=20),
        deb_package("libexpat1-dev", "2.6.1-2build1", 0.9, ["libexpat1"], where="usr/include", pattern="expat_{}.h", count=3),
        deb_package("zlib1g-dev", "1:1.3.dfsg-3.1ubuntu2", 0.6, ["zlib1g"], where="usr/include", pattern="z{}.h", count=3),
    ]


def _python2() -> list[Package]:
    """Python 2: the course's ``python`` (see the module docstring)."""
    return [
        deb_package("python", "2.7.12-1~16.04", 0.07, ["python2.7", "python-minimal", "libpython-stdlib"],
                    ["build-essential", "libpython2.7-dev"], count=1,
                    summary="interactive high-level object-oriented language (default version, python2.7)"),
        deb_package("python-minimal", "2.7.12-1~16.04", 0.15, ["python2.7-minimal"], where="usr/share/python", pattern="{}.py", count=2),
        deb_package("python2.7", "2.7.12-1ubuntu0~16.04.18", 3.7, ["python2.7-minimal", "libpython2.7-stdlib", "mime-support"],
                    where="usr/lib/python2.7", pattern="{}.py", count=6),
        deb_package("python2.7-minimal", "2.7.12-1ubuntu0~16.04.18", 3.6, ["libpython2.7-minimal"],
                    named={"usr/bin/python2.7": 3.5}, count=1),
        deb_package("libpython-stdlib", "2.7.12-1~16.04", 0.04, ["libpython2.7-stdlib"], count=1),
        deb_package("libpython2.7-minimal", "2.7.12-1ubuntu0~16.04.18", 3.0, where="usr/lib/python2.7", pattern="{}_min.py", count=30),
        deb_package("libpython2.7-stdlib", "2.7.12-1ubuntu0~16.04.18", 12.3, ["libpython2.7-minimal", "mime-support"],
                    where="usr/lib/python2.7", pattern="{}_std.py", count=70),
        deb_package("libpython2.7-dev", "2.7.12-1ubuntu0~16.04.18", 12.0, ["libpython2.7-stdlib", "libexpat1-dev"],
                    named={f"{LIB}/libpython2.7.a": 9.3}, where="usr/include/python2.7", pattern="{}.h", count=12),
        deb_package("mime-support", "3.59ubuntu1", 0.12, where="etc", pattern="mime.{}", count=1),
    ]


def _toolchain() -> list[Package]:
    """The compiler toolchain (``build-essential`` and what it pulls in)."""
    return [
        deb_package("build-essential", "12.10ubuntu1", 0.02, ["gcc", "g++", "make", "libc6-dev", "dpkg-dev"], count=1,
                    summary="Informational list of build-essential packages"),
        deb_package("gcc", "4:13.2.0-7ubuntu1", 52.0, ["cpp", "binutils", "libgcc-dev"],
                    named={"usr/bin/x86_64-linux-gnu-gcc-13": 1.0, "usr/libexec/gcc/x86_64-linux-gnu/13/cc1": 36.0,
                           "usr/libexec/gcc/x86_64-linux-gnu/13/lto1": 12.0},
                    where="usr/libexec/gcc/x86_64-linux-gnu/13", pattern="{}-plugin.so", count=8),
        deb_package("cpp", "4:13.2.0-7ubuntu1", 33.0, named={"usr/bin/x86_64-linux-gnu-cpp-13": 1.0},
                    where="usr/libexec/gcc/x86_64-linux-gnu/13", pattern="cpp-{}", count=4),
        deb_package("g++", "4:13.2.0-7ubuntu1", 38.0, ["gcc", "libstdc++-dev"],
                    named={"usr/libexec/gcc/x86_64-linux-gnu/13/cc1plus": 36.5}, count=2),
        deb_package("libstdc++-dev", "13.2.0-23ubuntu4", 21.0, where="usr/include/c++/13", pattern="{}", count=80),
        deb_package("libgcc-dev", "13.2.0-23ubuntu4", 14.0, where="usr/lib/gcc/x86_64-linux-gnu/13", pattern="lib{}.a", count=12),
        deb_package("binutils", "2.42-4ubuntu2", 27.0, named={"usr/bin/x86_64-linux-gnu-ld.bfd": 1.8,
                    f"{LIB}/libbfd-2.42-system.so": 2.1}, where="usr/bin", pattern="x86_64-linux-gnu-{}", count=14),
        deb_package("make", "4.3-4.1build2", 0.42, named={"usr/bin/make": 0.25}, count=1),
        deb_package("libc6-dev", "2.39-0ubuntu8", 12.5, ["linux-libc-dev"], where="usr/include", pattern="{}.h", count=60),
        deb_package("linux-libc-dev", "6.8.0-31.31", 7.2, where="usr/include/linux", pattern="{}.h", count=60),
        deb_package("dpkg-dev", "1.22.6ubuntu6", 3.5, ["perl", "make", "binutils"], where="usr/share/perl5/Dpkg", pattern="{}.pm", count=20),
        deb_package("perl", "5.38.2-3.2build2", 18.0, where="usr/share/perl/5.38", pattern="{}.pm", count=60),
    ]


def _network() -> list[Package]:
    """Network tools and servers."""
    return [
        deb_package("curl", "8.5.0-2ubuntu10", 0.53, ["libcurl4t64", "ca-certificates"], named={"usr/bin/curl": 0.27}, count=1,
                    summary="command line tool for transferring data with URL syntax"),
        deb_package("libcurl4t64", "8.5.0-2ubuntu10", 0.85, ["libnghttp2-14", "libssh-4", "libpsl5t64", "librtmp1"],
                    named={f"{LIB}/libcurl.so.4.8.0": 0.8}, count=1),
        deb_package("libnghttp2-14", "1.59.0-1build4", 0.2, count=1),
        deb_package("libssh-4", "0.10.6-2build2", 0.5, count=1),
        deb_package("libpsl5t64", "0.21.2-1.1build1", 0.1, ["publicsuffix"], count=1),
        deb_package("publicsuffix", "20231001.0357-0.1", 0.3, where="usr/share/publicsuffix", pattern="{}.dafsa", count=2),
        deb_package("librtmp1", "2.4+20151223.gitfa8646d.1-2build7", 0.15, count=1),
        deb_package("ca-certificates", "20240203", 0.4, ["openssl"], where="usr/share/ca-certificates/mozilla", pattern="{}_Root_CA.crt", count=140,
                    summary="Common CA certificates"),
        deb_package("openssl", "3.0.13-0ubuntu3", 2.1, named={"usr/bin/openssl": 1.0}, count=1),
        deb_package("nginx", "1.24.0-2ubuntu7", 1.5, ["nginx-common", "libpcre2-8-0", "iproute2"], named={"usr/sbin/nginx": 1.3},
                    where="usr/lib/nginx/modules", pattern="ngx_{}_module.so", count=2, summary="small, powerful, scalable web/proxy server"),
        deb_package("nginx-common", "1.24.0-2ubuntu7", 0.28, where="etc/nginx", pattern="{}.conf", count=8),
        deb_package("libpcre2-8-0", "10.42-4ubuntu2", 0.62, count=1),
        deb_package("iproute2", "6.1.0-1ubuntu6", 3.4, named={"usr/bin/ip": 0.75}, where="usr/sbin", pattern="{}", count=6),
        deb_package("git", "1:2.43.0-1ubuntu7", 21.0, ["git-man", "liberror-perl", "perl", "libcurl3t64-gnutls", "less"],
                    named={"usr/bin/git": 3.9}, where="usr/lib/git-core", pattern="git-{}", count=40,
                    summary="fast, scalable, distributed revision control system"),
        deb_package("git-man", "1:2.43.0-1ubuntu7", 2.1, where="usr/share/man/man1", pattern="git-{}.1.gz", count=40),
        deb_package("liberror-perl", "0.17029-2", 0.04, where="usr/share/perl5/Error", pattern="{}.pm", count=1),
        deb_package("libcurl3t64-gnutls", "8.5.0-2ubuntu10", 0.8, count=1),
        deb_package("less", "590-2ubuntu2", 0.3, named={"usr/bin/less": 0.18}, count=1),
    ]
