"""What ``layerlab inspect`` reports: per-layer identities and what each layer changes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from layerlab.i18n import _
from layerlab.model.digest import short_id
from layerlab.model.image import Image
from layerlab.model.tree import Tree
from layerlab.model.units import human_size

from .columns import pad


@dataclass(frozen=True)
class LayerReport:
    index: int
    diff_id: str
    chain_id: str
    size: int
    added: int
    changed: int
    whiteouts: int
    opaque_dirs: int
    created_by: str


def layer_reports(image: Image) -> list[LayerReport]:
    """Counts of added / changed / deleted entries per layer, against the layers below it.

    An entry is *changed* when its path already existed below (a file rewritten, a
    directory copied up because something inside it changed); otherwise *added*.
    """
    tree = Tree()
    created_by = [h.created_by for h, layer in image.steps() if layer is not None]
    out = []
    for i, (layer, chain) in enumerate(zip(image.layers, image.chain_ids)):
        changed = sum(1 for path in layer.entries if path in tree)
        out.append(
            LayerReport(
                index=i,
                diff_id=layer.diff_id,
                chain_id=chain,
                size=layer.size,
                added=len(layer.entries) - changed,
                changed=changed,
                whiteouts=len(layer.whiteouts),
                opaque_dirs=len(layer.opaque),
                created_by=created_by[i] if i < len(created_by) else "",
            )
        )
        tree.apply(layer)
    return out


def inspect_json(image: Image, tags: list[str] | None = None) -> dict[str, Any]:
    """A stable, documented JSON object (keys never removed, only added)."""
    return {
        "image_id": image.image_id,
        "tags": list(tags or []),
        "size": image.size,
        "diff_ids": image.diff_ids,
        "chain_ids": image.chain_ids,
        "layers": [asdict(r) for r in layer_reports(image)],
        "history": [
            {"created_by": h.created_by, "empty_layer": h.empty_layer, "created": h.created, "comment": h.comment}
            for h in image.history
        ],
    }


def inspect_text(image: Image, tags: list[str] | None = None) -> str:
    lines = [_("Image   {id}", id=image.image_id)]
    if tags:
        lines.append(_("Tags    {tags}", tags=", ".join(tags)))
    lines.append(_("Size    {size} in {n} layers", size=human_size(image.size), n=len(image.layers)))
    lines.append("")
    lines.append(f"{'#':>3}  {pad(_('DIFF ID'), 12)}  {pad(_('CHAIN ID'), 12)}  {pad(_('SIZE'), 8, right=True)}  "
                 f"{pad(_('ADD'), 6, right=True)} {pad(_('CHG'), 6, right=True)} {pad(_('DEL'), 5, right=True)}  "
                 + _("CREATED BY"))
    for r in layer_reports(image):
        deleted = r.whiteouts + r.opaque_dirs
        lines.append(
            f"{r.index:>3}  {short_id(r.diff_id):<12}  {short_id(r.chain_id):<12}  {human_size(r.size):>8}  "
            f"{r.added:>6} {r.changed:>6} {deleted:>5}  {_clip(r.created_by)}"
        )
    lines.append("")
    lines.append(_("History (newest first)"))
    for h in reversed(image.history):
        mark = "  " + _("(no layer)") if h.empty_layer else ""
        lines.append(f"  {_clip(h.created_by, 90)}{mark}")
    return "\n".join(lines)


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
