"""An image analysed: per-layer changes and costs, waste, largest files, fixes, driver costs;
as a stable JSON object (keys only ever added) and as the text ``layerlab analyze`` prints."""

from __future__ import annotations

import heapq
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from layerlab.archive.progress import byte_progress
from layerlab.i18n import Texts, _, translate
from layerlab.model.digest import short_id
from layerlab.model.image import Image
from layerlab.model.units import human_size

from .compare import Comparison, compare
from .costs import DriverCost, driver_costs
from .fixes import Fix, suggest_fixes
from .stack import Change, LostCopy, StackWalk, walk
from .columns import pad
from .waste import FORMULA, Efficiency, efficiency

FATE_TEXT = Texts({
    "deleted": "deleted",
    "rewritten": "rewritten",
    "metadata": "stored again for a mode/owner change",
})


@dataclass(frozen=True)
class LayerFigures:
    index: int
    diff_id: str
    chain_id: str
    created_by: str
    size: int  #: file bytes this layer stores
    added: int
    modified: int
    deleted: int
    unchanged: int  #: listed again with nothing changed (parent directories)
    wasted_bytes: int  #: of this layer's bytes, what the final filesystem does not use
    removes_bytes: int  #: bytes of earlier layers this layer deletes or rewrites (they stay stored)


@dataclass(frozen=True)
class FileFigure:
    path: str
    size: int
    layer: int


@dataclass
class ImageAnalysis:
    name: str
    image: Image
    walked: StackWalk = field(repr=False)
    figures: Efficiency
    layers: list[LayerFigures]
    fixes: list[Fix]
    tags: list[str] = field(default_factory=list)

    @property
    def created_by(self) -> list[str]:
        return [layer.created_by for layer in self.layers]

    @property
    def total_bytes(self) -> int:
        return self.figures.total_bytes

    @property
    def final_bytes(self) -> int:
        return self.figures.final_bytes

    @property
    def wasted_bytes(self) -> int:
        return self.figures.wasted_bytes

    @property
    def efficiency(self) -> float:
        return self.figures.efficiency

    def changes(self, layer: int) -> list[Change]:
        """A layer's changes in walk order, with A / M / D marks ("" = listed, unchanged)."""
        return self.walked.changes[layer]

    def largest_files(self, n: int = 10, layer: int | None = None) -> list[FileFigure]:
        """The biggest files of the final filesystem, or the biggest a layer stores."""
        if layer is not None:
            stored = ((c.size, c.path) for c in self.walked.changes[layer] if c.size)
            return [FileFigure("/" + path, size, layer) for size, path in heapq.nlargest(n, stored)]
        layers = self.image.layers
        sized = (
            (layers[i].entries[p].size, path, i)
            for path, (i, p) in self.walked.final_origin.items()
        )
        return [FileFigure("/" + path, size, i) for size, path, i in heapq.nlargest(n, sized)]

    def lost_copies(self, n: int | None = None) -> list[LostCopy]:
        """Stored copies the final filesystem does not use, biggest first."""
        ordered = sorted(self.walked.lost, key=lambda c: (-c.size, c.layer, c.path))
        return ordered if n is None else ordered[:n]

    @cached_property
    def drivers(self) -> list[DriverCost]:
        return driver_costs(self.image)

    # -- output ------------------------------------------------------------------------
    def to_json(self, *, top: int = 20) -> dict[str, Any]:
        f = self.figures
        return {
            "name": self.name,
            "image_id": self.image.image_id,
            "tags": list(self.tags),
            "total_bytes": f.total_bytes,
            "final_bytes": f.final_bytes,
            "wasted_bytes": f.wasted_bytes,
            "efficiency": round(f.efficiency, 6),
            "formula": FORMULA,
            "dive_wasted_bytes": f.dive_wasted_bytes,
            "dive_efficiency": round(f.dive_efficiency, 6),
            "layers": [asdict(layer) for layer in self.layers],
            "largest_files": [asdict(x) for x in self.largest_files(top)],
            "wasted_files": [
                {
                    "path": "/" + c.path,
                    "size": c.size,
                    "layer": c.layer,
                    "removed_by": c.removed_by,
                    "fate": c.fate,
                }
                for c in self.lost_copies(top)
            ],
            "fixes": [{**asdict(x), "examples": list(x.examples)} for x in self.fixes],
            "drivers": [
                {
                    "driver": d.driver,
                    "cow_unit": d.cow_unit,
                    "image_disk": d.image_disk,
                    "layer_disk": list(d.layer_disk),
                    "error": d.error,
                }
                for d in self.drivers
            ],
        }

    def text(self, *, top: int = 10) -> str:
        f = self.figures
        lines = [
            _("Image   {id}", id=self.image.image_id) + (f"  ({', '.join(self.tags)})" if self.tags else "")
        ]
        lines.append(_(
            "Layers  {n}, storing {total}; final filesystem {final}; wasted {wasted}; efficiency {efficiency:.1%}",
            n=len(self.layers), total=human_size(f.total_bytes), final=human_size(f.final_bytes),
            wasted=human_size(f.wasted_bytes), efficiency=f.efficiency,
        ))
        lines.append(f"        {translate(FORMULA)}")
        lines.append("        " + _(
            "(dive would say: wasted {wasted}, efficiency {efficiency:.1%}; it counts the copy you keep as waste too)",
            wasted=human_size(f.dive_wasted_bytes), efficiency=f.dive_efficiency,
        ))
        lines += [
            "",
            f"{'#':>3}  {pad(_('CHAIN ID'), 12)}  {pad(_('SIZE'), 8, right=True)}  {pad(_('WASTED'), 8, right=True)}  "
            f"{pad(_('REMOVES'), 8, right=True)}  {'A':>5} {'M':>5} {'D':>5}  " + _("CREATED BY"),
        ]
        for r in self.layers:
            lines.append(
                f"{r.index:>3}  {short_id(r.chain_id):<12}  {human_size(r.size):>8}  {human_size(r.wasted_bytes):>8}  "
                f"{human_size(r.removes_bytes):>8}  {r.added:>5} {r.modified:>5} {r.deleted:>5}  {_clip(r.created_by)}"
            )
        lines += ["", _("Largest files (final filesystem)")]
        for x in self.largest_files(top):
            lines.append(_("  {size:>8}  layer {n:<3} {path}", size=human_size(x.size), n=x.layer, path=x.path))
        lost = self.lost_copies(top)
        if lost:
            lines += ["", _("Wasted copies (stored, never seen by a container)")]
            for c in lost:
                by = _("layer {n}", n=c.removed_by) if c.removed_by is not None else _("a later layer")
                lines.append(_(
                    "  {size:>8}  layer {n:<3} /{path}  ({fate} in {by})",
                    size=human_size(c.size), n=c.layer, path=c.path, fate=FATE_TEXT[c.fate], by=by,
                ))
        if self.fixes:
            lines += ["", _("Suggested fixes")]
            for fix in self.fixes:
                lines.append(_(
                    "  - saves {size} ({n} files, e.g. {examples}):",
                    size=human_size(fix.saves_bytes), n=fix.files, examples=", ".join(fix.examples),
                ))
                lines.append(f"    {fix.text}")
        lines += ["", _("On each storage driver (image layers on disk once loaded)")]
        for d in self.drivers:
            cost = d.error or human_size(d.image_disk)
            lines.append(f"  {d.driver:<15} {d.cow_unit:<6} {cost}")
        return "\n".join(lines)


def analyze(
    image: Image, name: str = "", tags: list[str] | None = None, *, progress: bool | None = None
) -> ImageAnalysis:
    """Analyse one image (made in the model or read from an archive)."""
    with byte_progress(
        image.size, _("analysing {name}", name=name or short_id(image.image_id)), progress
    ) as tick:
        walked = walk(image, tick)
    created_by = [h.created_by for h, layer in image.steps() if layer is not None]
    created_by += [""] * (len(image.layers) - len(created_by))
    wasted = {i: 0 for i in range(len(image.layers))}
    removes = {i: 0 for i in range(len(image.layers))}
    for copy in walked.lost:
        wasted[copy.layer] += copy.size
        if copy.removed_by is not None:
            removes[copy.removed_by] += copy.size
    layers = []
    for i, (layer, chain, changes) in enumerate(zip(image.layers, image.chain_ids, walked.changes)):
        count = {m: 0 for m in ("A", "M", "D", "")}
        for change in changes:
            count[change.mark] += 1
        layers.append(
            LayerFigures(
                i,
                layer.diff_id,
                chain,
                created_by[i],
                layer.size,
                count["A"],
                count["M"],
                count["D"],
                count[""],
                wasted[i],
                removes[i],
            )
        )
    return ImageAnalysis(
        name,
        image,
        walked,
        efficiency(image, walked),
        layers,
        suggest_fixes(walked.lost, created_by),
        list(tags or []),
    )


def compare_analyses(analyses: list[ImageAnalysis]) -> Comparison:
    return compare(
        [a.name for a in analyses],
        [a.image for a in analyses],
        [a.walked for a in analyses],
        [a.created_by for a in analyses],
    )


def comparison_json(c: Comparison, *, top: int = 50) -> dict[str, Any]:
    return {
        "names": list(c.names),
        "shared_layers": [{**asdict(s), "images": list(s.images)} for s in c.shared],
        "separate_bytes": c.separate_bytes,
        "stored_bytes": c.stored_bytes,
        "saved_bytes": c.saved_bytes,
        "own_layers": [list(x) for x in c.own_layers],
        "differences": [
            {
                "against": c.names[0],
                "image": c.names[k + 1],
                "count": len(d),
                "paths": [asdict(x) for x in d[:top]],
            }
            for k, d in enumerate(c.differences)
        ],
    }


def comparison_text(c: Comparison, *, top: int = 15) -> str:
    lines = [_("Side by side: ") + "  |  ".join(f"[{n}] {name}" for n, name in enumerate(c.names))]
    lines.append(_(
        "  {n} shared layers; separately {separate}, stored once {stored}: sharing saves {saved}",
        n=len(c.shared), separate=human_size(c.separate_bytes), stored=human_size(c.stored_bytes),
        saved=human_size(c.saved_bytes),
    ))
    for s in c.shared:
        lines.append(_(
            "  shared  layer {n:<3} {id}  {size:>8}  images {images}  {created_by}",
            n=s.index, id=short_id(s.chain_id), size=human_size(s.size), images=", ".join(map(str, s.images)),
            created_by=_clip(s.created_by, 50),
        ))
    for n, own in enumerate(c.own_layers):
        lines.append(_("  [{n}] own layers: {layers}", n=n, layers=", ".join(map(str, own)) or _("none")))
    for k, diff in enumerate(c.differences):
        lines.append(_("  [{k}] against [0]: {n} paths differ", k=k + 1, n=len(diff)))
        for d in diff[:top]:
            lines.append(
                f"      {d.mark}  /{d.path}  {human_size(d.size_first)} -> {human_size(d.size_other)}"
            )
        if len(diff) > top:
            lines.append(_("      ... and {n} more", n=len(diff) - top))
    return "\n".join(lines)


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
