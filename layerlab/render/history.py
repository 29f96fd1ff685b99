"""Which of an image's history rows made a layer: the rule "every Dockerfile line makes a
layer" checked against the image itself (``empty_layer`` in its config)."""

from __future__ import annotations

from layerlab.i18n import _
from layerlab.model.image import Image

from .tables import Column, Table

__all__ = ["image_steps"]

#: CREATED BY is cut here, as ``docker history`` cuts it (at 45) only a little longer.
WIDTH = 60


def image_steps(image: Image) -> Table:
    """One row per history entry, oldest first: whether it made a layer, and what made it."""
    rows = tuple(
        (_("yes") if layer is not None else _("no"), _cut(entry.created_by))
        for entry, layer in image.steps()
    )
    return Table((Column(_("makes a layer")), Column(_("created by"))), rows)


def _cut(text: str) -> str:
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"
