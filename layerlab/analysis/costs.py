"""What an image would cost on disk under each storage driver, from the driver models."""

from __future__ import annotations

from dataclasses import dataclass

from layerlab.drivers import DRIVERS, DriverError, get_driver
from layerlab.model.image import Image


@dataclass(frozen=True)
class DriverCost:
    driver: str
    cow_unit: str  #: file, block or none (vfs: every layer a full copy)
    image_disk: int  #: bytes on disk for the image's layers once pulled or loaded
    layer_disk: tuple[int, ...]
    error: str = ""  #: the driver cannot hold this image (e.g. too many layers)


def driver_costs(image: Image, drivers: list[str] | None = None) -> list[DriverCost]:
    out = []
    for name in drivers if drivers is not None else list(DRIVERS):
        driver = get_driver(name)
        try:
            per_layer = tuple(driver.layer_disk(image))
        except DriverError as err:
            out.append(DriverCost(driver.name, driver.cow_unit, 0, (), str(err)))
            continue
        out.append(DriverCost(driver.name, driver.cow_unit, sum(per_layer), per_layer))
    return out
