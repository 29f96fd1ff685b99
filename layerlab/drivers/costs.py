"""Disk and copy costs of whole workloads, per driver, as rows a chart can show.

Every number comes from the driver's own rules (``layer_disk``, ``container_cost``):
nothing here is specific to one workload. Big files are :class:`SyntheticContent`, whose
bytes are never generated: only sizes are needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from layerlab.i18n import N_, _, translate
from layerlab.model.content import SyntheticContent
from layerlab.model.layer import Layer
from layerlab.model.units import GiB, MiB

from .base import StorageDriver
from .errors import DriverError
from .ops import Op, append, create
from .registry import DRIVERS, get_driver


@dataclass(frozen=True)
class Workload:
    """An image, how many containers run from it, and what each container does."""

    name: str
    text: str  #: the description as written (marked with ``N_``); :attr:`description` translates it
    make_layers: Callable[[], Sequence[Layer]] = field(repr=False)
    containers: int = 0
    ops: tuple[Op, ...] = ()  #: what each container does

    @property
    def description(self) -> str:
        """What the workload does, in the learner's language."""
        return translate(self.text)

    @cached_property
    def layers(self) -> tuple[Layer, ...]:
        return tuple(self.make_layers())


@dataclass(frozen=True)
class CostRow:
    """One driver's cost for one workload (bytes)."""

    driver: str
    workload: str
    cow_unit: str
    image_disk: int  #: all image layers on disk
    containers_disk: int  #: all containers' -init and writable layers
    total_disk: int
    copied: int  #: bytes copied by copy-on-write (copy-up, partial blocks, vfs deep copies)
    written: int  #: bytes the containers wrote
    layer_disk: tuple[int, ...] = ()
    error: str = ""  #: the driver cannot run this workload (e.g. too many layers)

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _file(path: str, size: int, seed: int | str = 0) -> Layer:
    return Layer.from_files({path: SyntheticContent(size, seed=seed)})


def base_layer() -> Layer:
    """A small base layer every workload starts from: a 2 MiB "busybox" and a config file."""
    return Layer.from_files({"bin/busybox": SyntheticContent(2 * MiB, seed="busybox"), "etc/os-release": b"ID=demo\n"})


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload(
            "append-1-byte-to-1GiB",
            N_("10 containers each append one byte to a 1 GiB file of the image"),
            lambda: [base_layer(), _file("data/big.bin", GiB, "big")],
            containers=10,
            ops=(append("data/big.bin", 1),),
        ),
        Workload(
            "50-containers",
            N_("50 containers from one 100 MiB image, each writing a 4 KiB log file"),
            lambda: [base_layer(), _file("app/lib.so", 60 * MiB, "lib"), _file("app/data.db", 38 * MiB, "db")],
            containers=50,
            ops=(create("var/log/app.log", 4096),),
        ),
        Workload(
            "100-layers",
            N_("a 100-layer image, each layer adding a 1 MiB file; one container"),
            lambda: [base_layer()] + [_file(f"layers/f{i:03}", MiB, i) for i in range(99)],
            containers=1,
        ),
        Workload(
            "delete-in-later-layer",
            N_("a 500 MiB file added in one layer and deleted in the next; one container"),
            lambda: [
                base_layer(),
                _file("tmp/dataset.tar", 500 * MiB, "ds"),
                Layer.from_files({"app/done": b"ok\n"}, delete=["tmp/dataset.tar"]),
            ],
            containers=1,
        ),
    )
}


def cost_row(driver: StorageDriver, workload: Workload) -> CostRow:
    layers = workload.layers
    try:
        per_layer = driver.layer_disk(layers)
        one = driver.container_cost(layers, workload.ops)
    except DriverError as err:
        return CostRow(driver.name, workload.name, driver.cow_unit, 0, 0, 0, 0, 0, error=str(err))
    image = sum(per_layer)
    n = workload.containers
    return CostRow(
        driver=driver.name,
        workload=workload.name,
        cow_unit=driver.cow_unit,
        image_disk=image,
        containers_disk=n * one.disk,
        total_disk=image + n * one.disk,
        copied=n * one.copied,
        written=n * one.written,
        layer_disk=tuple(per_layer),
    )


def compare_costs(
    workload: Workload | str,
    drivers: Iterable[str | StorageDriver] | None = None,
    backing_fs: str = "ext4",
) -> list[CostRow]:
    """One row per driver (all known drivers by default) for ``workload``, each on
    ``backing_fs`` (XFS or btrfs: copies are reflink clones, :mod:`.reflink`)."""
    if isinstance(workload, str):
        try:
            workload = WORKLOADS[workload]
        except KeyError:
            raise DriverError(_("unknown workload {workload!r}; known: {known}", workload=workload, known=", ".join(WORKLOADS))) from None
    chosen = [get_driver(d) if isinstance(d, str) else d for d in (drivers if drivers is not None else DRIVERS)]
    return [cost_row(d.on(backing_fs), workload) for d in chosen]

