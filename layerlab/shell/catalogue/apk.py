"""The catalogue's Alpine packages (``apk add``), sizes as Alpine 3.20 installs them."""

from __future__ import annotations

from .package import Package, apk_package


def apk_packages() -> list[Package]:
    """Every apk package."""
    return [
        apk_package("python3", "3.12.3-r1", 41.0, ["libffi", "gdbm", "mpdecimal", "readline", "sqlite-libs", "xz-libs", "libbz2"],
                    named={"usr/bin/python3.12": 0.02, "usr/lib/libpython3.12.so.1.0": 5.7}, where="usr/lib/python3.12",
                    pattern="{}.py", count=120, summary="High-level scripting language"),
        apk_package("libffi", "3.4.6-r0", 0.04, count=1),
        apk_package("gdbm", "1.23-r1", 0.2, count=1),
        apk_package("mpdecimal", "4.0.0-r0", 0.3, count=1),
        apk_package("readline", "8.2.10-r0", 0.3, count=1),
        apk_package("sqlite-libs", "3.45.3-r1", 1.5, count=1),
        apk_package("xz-libs", "5.6.2-r0", 0.2, count=1),
        apk_package("libbz2", "1.0.8-r6", 0.07, count=1),
        apk_package("curl", "8.9.0-r0", 0.26, ["libcurl", "ca-certificates"], named={"usr/bin/curl": 0.25}, count=1,
                    summary="URL retrieval utility and library"),
        apk_package("libcurl", "8.9.0-r0", 0.7, ["c-ares", "nghttp2-libs", "libidn2", "libpsl", "zstd-libs", "brotli-libs"], count=1),
        apk_package("c-ares", "1.28.1-r0", 0.1, count=1),
        apk_package("nghttp2-libs", "1.62.1-r0", 0.17, count=1),
        apk_package("libidn2", "2.3.7-r0", 0.3, ["libunistring"], count=1),
        apk_package("libunistring", "1.2-r0", 1.7, count=1),
        apk_package("libpsl", "0.21.5-r1", 0.06, count=1),
        apk_package("zstd-libs", "1.5.6-r0", 0.6, count=1),
        apk_package("brotli-libs", "1.1.0-r2", 0.9, count=1),
        apk_package("ca-certificates", "20240705-r0", 0.7, where="usr/share/ca-certificates/mozilla", pattern="{}_Root_CA.crt", count=140),
        apk_package("nginx", "1.26.2-r0", 1.4, ["pcre2"], named={"usr/sbin/nginx": 1.3}, where="etc/nginx", pattern="{}.conf", count=6,
                    summary="HTTP and reverse proxy server"),
        apk_package("pcre2", "10.43-r0", 0.7, count=2),
        apk_package("git", "2.45.2-r0", 14.0, ["libcurl", "libexpat", "pcre2", "zlib"], named={"usr/bin/git": 3.4},
                    where="usr/libexec/git-core", pattern="git-{}", count=40, summary="Distributed version control system"),
        apk_package("libexpat", "2.6.2-r0", 0.16, count=1),
        apk_package("zlib", "1.3.1-r1", 0.1, count=1),
    ]
