"""Efficiency and wasted space: dive's idea, without dive's double counting.

An image stores every layer whole, so a file written in one layer and deleted, rewritten
or chmod-ed in a later one is stored more than once, yet the final filesystem uses at most
one copy. With

    total_bytes = sum of the regular-file bytes every layer stores (what the layers weigh,
                  `docker history` summed; hard links once)
    final_bytes = regular-file bytes of the merged filesystem (what a container sees)

layerlab reports

    wasted_bytes = total_bytes - final_bytes
                 = sum, over every stored copy the final filesystem does not use, of its size
    efficiency   = final_bytes / total_bytes            (1.0 for an image with no file bytes)

dive computes, over every path p with copies (or whiteouts) in several layers,
``efficiency = sum_p min_size(p) / sum_p cumulative_size(p)`` and ``wasted = sum of
cumulative_size(p) over paths seen in two or more layers``: the second counts the copy the
final filesystem keeps as waste too (a 5 MB file chmod-ed in a later layer is 10 MB
"wasted" by dive, 5 MB here). Both of dive's figures are reported beside ours
(``dive_efficiency``, ``dive_wasted_bytes``) so the difference can be seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from layerlab.i18n import N_
from layerlab.model.image import Image
from layerlab.model.layer import Layer

from .stack import StackWalk

FORMULA = N_(
    "wasted_bytes = total_bytes - final_bytes (every stored copy the final filesystem does not use); "
    "efficiency = final_bytes / total_bytes"
)


@dataclass(frozen=True)
class Efficiency:
    total_bytes: int
    final_bytes: int
    wasted_bytes: int
    efficiency: float
    dive_wasted_bytes: int
    dive_efficiency: float


def efficiency(image: Image | list[Layer] | tuple[Layer, ...], walked: StackWalk) -> Efficiency:
    layers = image.layers if isinstance(image, Image) else tuple(image)
    total = sum(layer.size for layer in layers)
    final = sum(layers[i].entries[path].size for i, path in set(walked.final_origin.values()))
    wasted = sum(copy.size for copy in walked.lost)  # == total - final: each copy is kept or lost
    dive_wasted, dive_eff = dive_figures(layers, walked)
    return Efficiency(total, final, wasted, final / total if total else 1.0, dive_wasted, dive_eff)


def dive_figures(layers: tuple[Layer, ...], walked: StackWalk) -> tuple[int, float]:
    """dive's ``wastedBytes`` and efficiency score, computed as dive computes them: one
    node per entry or whiteout per layer (a whiteout weighs 0, or for a directory the
    bytes below it), opaque markers ignored."""
    cumulative: dict[str, int] = {}
    smallest: dict[str, int] = {}
    seen: dict[str, int] = {}
    for layer, changes in zip(layers, walked.changes):
        for change in changes:
            if change.mark == "D":
                if change.path not in layer.whiteouts:
                    continue
                size = change.removed_bytes if change.kind == "dir" else 0
            else:
                size = change.size
            path = change.path
            cumulative[path] = cumulative.get(path, 0) + size
            smallest[path] = min(smallest.get(path, size), size)
            seen[path] = seen.get(path, 0) + 1
    total = sum(cumulative.values())
    wasted = sum(cumulative[p] for p, n in seen.items() if n >= 2)
    return wasted, (sum(smallest.values()) / total if total else 1.0)
