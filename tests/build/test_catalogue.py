"""The synthetic catalogue: sizes near the real images, dependency order, determinism."""

from __future__ import annotations

import pytest

from layerlab.build.catalogue import (
    COURSE_BASE,
    MB,
    CatalogueContent,
    CatalogueError,
    apk_index,
    apt_lists,
    base_image,
    base_release,
    canonical_ref,
    known_bases,
    known_packages,
    package,
    package_entries,
    package_files,
    resolve,
    status_entry,
)
from layerlab.model.errors import LayerlabError

TARGETS = {  # ref -> size docker images shows for the real image (MB)
    "ubuntu": 78,
    "ubuntu:24.04": 78,
    "ubuntu:22.04": 78,
    "ubuntu:16.04": 120,
    "debian": 117,
    "debian:bookworm-slim": 75,
    "alpine": 7.8,
    "alpine:3.19": 7.4,
    "python:3.12-slim": 130,
    "python:3.12": 1020,
}


@pytest.mark.parametrize("ref, target", TARGETS.items())
def test_base_sizes_within_ten_percent(ref, target):
    img = base_image(ref)
    assert abs(img.size / MB - target) <= 0.1 * target
    entries = sum(len(layer.entries) for layer in img.layers)
    assert 50 <= entries <= 2000


def test_bases_are_deterministic_cached_and_realistic():
    assert base_image("ubuntu") is base_image("ubuntu:latest") is base_image("docker.io/library/ubuntu:24.04")
    tree = base_image("ubuntu:22.04").rootfs()
    assert "etc/passwd" in tree and "var/lib/dpkg/status" in tree and "usr/bin/bash" in tree
    rootfs = base_image("ubuntu:22.04").layers[0].entries
    assert rootfs["tmp"].mode == 0o1777 and rootfs["root"].mode == 0o700
    assert rootfs["bin"].kind == "symlink"  # merged /usr
    assert "etc/hosts" not in rootfs  # the runtime provides it
    alpine = base_image("alpine").layers[0].entries
    assert "lib/apk/db/installed" in alpine and "bin/busybox" in alpine
    slim = base_image("python:3.12-slim")
    assert slim.layers[0].diff_id == base_image("debian:12-slim").layers[0].diff_id
    assert any(p.startswith("usr/local/lib/python3.12/") for p in slim.layers[2].entries)


def test_base_ids_are_stable_across_fresh_builds():
    from layerlab.build.catalogue import images

    first = base_image("alpine:3.19").image_id
    images._base_image.cache_clear()
    assert base_image("alpine:3.19").image_id == first


def test_unknown_base():
    with pytest.raises(CatalogueError) as info:
        base_image("centos:7")
    assert isinstance(info.value, LayerlabError)
    assert "ubuntu:22.04" in str(info.value) and "alpine" in str(info.value)
    assert "ubuntu:16.04" in known_bases() and canonical_ref("Ubuntu") == "ubuntu:24.04"
    assert base_release("ubuntu") == "noble" and base_release(COURSE_BASE) == "xenial"


def test_resolve_orders_dependencies_first():
    order = [p.name for p in resolve("pip", ["flask"])]
    assert order[-1] == "flask"
    assert set(order) == {"flask", "werkzeug", "jinja2", "itsdangerous", "click", "blinker", "markupsafe"}
    assert order.index("markupsafe") < order.index("werkzeug") and order.index("markupsafe") < order.index("jinja2")
    apt = resolve("apt", ["python3-pip"])
    seen: set[str] = set()
    for pkg in apt:
        assert set(pkg.depends) <= seen, f"{pkg.name} installed before its dependencies"
        seen.add(pkg.name)
    lean = resolve("apt", ["python3-pip"], recommends=False)
    assert "build-essential" in seen and "build-essential" not in {p.name for p in lean}
    assert [p.name for p in resolve("apt", ["curl"], installed=["openssl", "ca-certificates"])][-1] == "curl"
    assert "openssl" not in {p.name for p in resolve("apt", ["curl"], installed=["openssl"])}


def test_package_sizes():
    flask = sum(p.installed_size for p in resolve("pip", ["flask"]))
    assert abs(flask / MB - 6) <= 0.6
    assert abs(package("pip", "numpy").installed_size / MB - 60) <= 6
    assert sum(p.installed_size for p in resolve("apt", ["build-essential"])) > 150 * MB
    for manager in ("apt", "apk", "pip"):
        for name in known_packages(manager):
            assert package(manager, name).installed_size > 0


def test_course_example_numbers():
    """FROM ubuntu:16.04; apt-get update && install python; pip install flask."""
    base = base_image(COURSE_BASE).size / MB
    apt = (sum(c.size for c in apt_lists("xenial").values()) + sum(p.installed_size for p in resolve("apt", ["python"]))) / MB
    pip = sum(p.installed_size for p in resolve("pip", ["flask"])) / MB
    assert abs(base - 120) <= 12 and abs(apt - 300) <= 30 and abs(pip - 6) <= 0.6


def test_unknown_packages():
    with pytest.raises(CatalogueError) as info:
        resolve("apt", ["curl", "nosuchpkg"])
    assert "nosuchpkg" in str(info.value) and "nginx" in str(info.value)
    with pytest.raises(CatalogueError):
        package("yum", "curl")
    assert package("pip", "Flask").name == "flask"
    assert package("pip", "charset_normalizer").name == "charset-normalizer"


def test_package_files_are_deterministic_content():
    pkg = package("pip", "flask")
    files = package_files(pkg)
    assert all(isinstance(c, CatalogueContent) for c in files.values())
    assert "usr/local/lib/python3.12/site-packages/flask/__init__.py" in files
    assert "usr/local/bin/flask" in files
    other = package_files(pkg, site="usr/lib/python3/dist-packages")
    assert "usr/lib/python3/dist-packages/flask/__init__.py" in other
    again = package_files(package("pip", "flask"))
    path = "usr/local/lib/python3.12/site-packages/flask/__init__.py"
    assert files[path] == again[path] and files[path].sha256 == again[path].sha256
    assert sum(c.size for c in files.values()) == pkg.installed_size
    entries = package_entries(package("apt", "curl"))
    assert entries["usr/bin/curl"].mode == 0o755
    assert "var/lib/dpkg/info/curl.list" in entries


def test_catalogue_content():
    a, b = CatalogueContent(3 * 2**20 + 5, "x"), CatalogueContent(3 * 2**20 + 5, "y")
    data = a.read()
    assert len(data) == a.size and data != b.read() and a.read() == data
    assert a == CatalogueContent(a.size, "x") and a != b and hash(a) == hash(CatalogueContent(a.size, "x"))


def test_manager_metadata():
    lists = apt_lists("noble")
    assert abs(sum(c.size for c in lists.values()) / MB - 49) < 1
    assert all(p.startswith("var/lib/apt/lists/") for p in lists)
    assert all(p.startswith("var/cache/apk/") for p in apk_index())
    with pytest.raises(CatalogueError):
        apt_lists("sid")
    assert status_entry(package("apt", "curl")).startswith("Package: curl\nStatus: install ok installed\n")
    assert status_entry(package("apk", "curl")).startswith("P:curl\nV:")
