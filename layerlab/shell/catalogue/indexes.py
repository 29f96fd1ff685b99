"""What the package managers' own updates write: ``apt-get update``'s lists and apk's index."""

from __future__ import annotations

from layerlab.i18n import _
from layerlab.model.content import Content
from layerlab.model.units import KB, MB

from .package import CatalogueError
from .synthetic import CatalogueContent, spread

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
        raise CatalogueError(_("no apt lists for release {release!r} (known: {known})", release=release, known=", ".join(_APT_LISTS))) from None
    small = {f"var/lib/apt/lists/{prefix}_InRelease": 256 * KB, "var/lib/apt/lists/lock": 0}
    pockets = ["", "-updates", "-security"] if release != "bookworm" else ["", "-updates"]
    comps = ["main", "universe"] if release != "bookworm" else ["main"]
    big = [f"var/lib/apt/lists/{prefix}{p}_{c}_binary-amd64_Packages" for p in pockets for c in comps]
    small.update({f"var/lib/apt/lists/{prefix}{p}_InRelease": 128 * KB for p in pockets[1:]})
    files = {**small, **spread(total - sum(small.values()), big)}
    return {path: CatalogueContent(size, f"apt-lists:{release}:{path}") for path, size in files.items()}


def apk_index(version: str = "3.20") -> dict[str, Content]:
    """What ``apk add``/``apk update`` leaves in ``var/cache/apk`` without ``--no-cache``."""
    return {
        f"var/cache/apk/APKINDEX.{tag}.tar.gz": CatalogueContent(size, f"apk-index:{version}:{tag}")
        for tag, size in (("1d6a2c1f", 520 * KB), ("b5ad3f0e", 880 * KB))
    }

