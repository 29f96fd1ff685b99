"""A package as its manager installs it, how each manager's packages are shaped, and what
installing one leaves behind (its files, its line in the manager's database)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from layerlab.i18n import _
from layerlab.model.content import Content
from layerlab.model.errors import LayerlabError
from layerlab.model.fs import Entry, File
from layerlab.model.units import MB

from .synthetic import CatalogueContent, file_mode, layout

Manager = Literal["apt", "apk", "pip"]
MANAGERS: tuple[Manager, ...] = ("apt", "apk", "pip")
SITE = "{site}"  #: placeholder for the site-packages directory in pip file lists
DEFAULT_SITE = "usr/local/lib/python3.12/site-packages"


class CatalogueError(LayerlabError):
    """An image or package the catalogue does not know."""


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


def deb_package(
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


def apk_package(name: str, version: str, size: float, depends: Iterable[str] = (), named: Mapping[str, float] | None = None,
                where: str = "usr/lib", pattern: str = "lib{}.so.1", count: int = 4, summary: str = "") -> Package:
    """An Alpine package: named files (sizes in MB), the rest spread in ``where``."""
    fixed = {p: int(s * MB) for p, s in (named or {}).items()}
    files = layout(int(size * MB), fixed, [(where, count, pattern, 1.0)] if count else [])
    return Package(name, "apk", version, files, tuple(depends), (), summary)


def wheel_package(name: str, version: str, size: float, depends: Iterable[str] = (), module: str | None = None,
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


def package_files(pkg: Package, *, site: str = DEFAULT_SITE) -> dict[str, Content]:
    """The package's files as content, seeded by package name and path (deterministic)."""
    out: dict[str, Content] = {}
    for path, size in pkg.files.items():
        path = path.replace(SITE, site)
        out[path] = CatalogueContent(size, f"{pkg.manager}:{pkg.name}:{path}")
    return out


def package_entries(pkg: Package, *, site: str = DEFAULT_SITE) -> dict[str, Entry]:
    """Like :func:`package_files` as layer entries: executables 0755 (:func:`~.synthetic.file_mode`)."""
    return {path: File(content=content, mode=file_mode(path)) for path, content in package_files(pkg, site=site).items()}


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
    raise CatalogueError(_("pip packages have no status database entry (see their dist-info)"))
