"""Import paths from before the layered packages keep working for one release.

``import layerlab.host`` still gives the module now at ``layerlab.engine.host``, with a
:class:`DeprecationWarning` naming the new place. Nothing in layerlab itself uses the old
names; this is for notebooks and code written against 0.1.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType

#: old module -> new module
MOVED: dict[str, str] = {
    "layerlab.errors": "layerlab.model.errors",
    "layerlab.digest": "layerlab.model.digest",
    "layerlab.content": "layerlab.model.content",
    "layerlab.fs": "layerlab.model.fs",
    "layerlab.tarstream": "layerlab.model.tarstream",
    "layerlab.layer": "layerlab.model.layer",
    "layerlab.tree": "layerlab.model.tree",
    "layerlab.image": "layerlab.model.image",
    "layerlab.overlay": "layerlab.model.overlay",
    "layerlab.volume": "layerlab.model.volume",
    "layerlab.container": "layerlab.model.container",
    "layerlab.lookup": "layerlab.model.lookup",
    "layerlab.operation": "layerlab.model.operation",
    "layerlab.inspect": "layerlab.analysis.inspect",
    "layerlab.progress": "layerlab.archive.progress",
    "layerlab.examples": "layerlab.course.examples",
    "layerlab.container_examples": "layerlab.course.container_examples",
    "layerlab.exercise": "layerlab.course.exercise",
    "layerlab.host": "layerlab.engine.host",
    "layerlab.host_storage": "layerlab.engine.storage",
    "layerlab.dataroot.ids": "layerlab.engine.storage_ids",
    "layerlab.scenario": "layerlab.compare.scenario",
    "layerlab.side_by_side": "layerlab.compare.beside",
    "layerlab.transcript": "layerlab.compare.transcript",
    "layerlab.dataroot_walk": "layerlab.compare.walk",
    "layerlab.dataroot.normalise": "layerlab.compare.normalise",
    "layerlab.real.dataroot": "layerlab.compare.real_dataroot",
    "layerlab.cli_analyze": "layerlab.cli.analyze",
}
#: old package -> new package (its modules move with it)
MOVED_PACKAGES: dict[str, str] = {"layerlab.build.shell": "layerlab.shell"}


def new_name(old: str) -> str | None:
    """Where a module of an old import path lives now (None: it did not move)."""
    if old in MOVED:
        return MOVED[old]
    for package, moved_to in MOVED_PACKAGES.items():
        if old == package or old.startswith(package + "."):
            return moved_to + old[len(package):]
    return None


class _OldNames(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds old names only; the module returned is the one at the new name."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if new_name(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = new_name(spec.name)
        assert new is not None
        warnings.warn(
            f"{spec.name} has moved to {new}; the old name will be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(new)
        self._specs = getattr(self, "_specs", {})
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # the import system stamped the old name's spec on the module: give it back its own
        module.__spec__ = self._specs.pop(module.__spec__.name, module.__spec__)  # type: ignore[union-attr]


def install() -> None:
    if not any(isinstance(f, _OldNames) for f in sys.meta_path):
        sys.meta_path.insert(0, _OldNames())  # first: an old package's submodules must not load twice
