"""What goes wrong in the driver lab: one error type, caught at the widgets and the CLI."""

from __future__ import annotations

from layerlab.model.errors import LayerlabError


class DriverError(LayerlabError):
    """An unknown storage driver, one an engine version cannot use, or a value the lab cannot model."""
