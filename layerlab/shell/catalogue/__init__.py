"""The packages ``apt-get``, ``apk`` and ``pip`` install in the model: a catalogue, not a registry.

Everything here is an **approximation**: file lists are short skeletons of the real thing
(real-looking names, made-up bytes) and sizes are chosen so the totals match what the real
packages install, within a few percent. The point is the layer sizes a ``RUN apt-get
install`` makes, not the exact files.

>>> [p.name for p in resolve("pip", ["flask"])][-1]
'flask'

Apt sizes are Installed-Size-like figures; Depends and Recommends are modelled (apt installs
Recommends unless ``--no-install-recommends``); pip sizes include the ``__pycache__`` that pip
compiles at install time. ``apt-get update`` writes :func:`apt_lists`; ``apk add`` writes
:func:`apk_index` to ``var/cache/apk`` unless ``--no-cache``.

The modules: :mod:`.synthetic` (made-up files and bytes), :mod:`.package` (a package and
what installing it leaves), :mod:`.apt`, :mod:`.apk` and :mod:`.pip` (the packages),
:mod:`.indexes` (what updates write). The base images are in :mod:`layerlab.build.catalogue`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from layerlab.i18n import _

from .apk import apk_packages
from .apt import apt_packages
from .indexes import apk_index, apt_lists
from .package import (
    DEFAULT_SITE,
    MANAGERS,
    SITE,
    CatalogueError,
    Manager,
    Package,
    package_entries,
    package_files,
    status_entry,
)
from .pip import pip_packages
from .synthetic import CatalogueContent

__all__ = [
    "DEFAULT_SITE", "MANAGERS", "SITE", "CatalogueContent", "CatalogueError", "Manager", "Package",
    "apk_index", "apt_lists", "known_packages", "package", "package_entries", "package_files", "resolve",
    "status_entry",
]  # fmt: skip


@cache
def _by_key() -> dict[tuple[str, str], Package]:
    """Every package by (manager, name); made once, on first use."""
    return {(p.manager, p.name): p for p in apt_packages() + apk_packages() + pip_packages()}


def _check_manager(manager: str) -> None:
    if manager not in MANAGERS:
        raise CatalogueError(_("unknown package manager {manager!r} (known: {known})", manager=manager, known=", ".join(MANAGERS)))


def known_packages(manager: str) -> list[str]:
    """The package names the catalogue has for one manager (``apt``, ``apk``, ``pip``)."""
    _check_manager(manager)
    return sorted(name for m, name in _by_key() if m == manager)


def package(manager: str, name: str) -> Package:
    """One package; unknown names raise :class:`CatalogueError` listing the known ones.

    pip names are matched as pip matches them: any case, ``_`` the same as ``-``.
    """
    _check_manager(manager)
    key = (manager, name.lower().replace("_", "-") if manager == "pip" else name)
    try:
        return _by_key()[key]
    except KeyError:
        raise CatalogueError(_(
            "{manager} package {name!r} is not in layerlab's catalogue (known: {known})",
            manager=manager, name=name, known=", ".join(known_packages(manager)),
        )) from None


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
