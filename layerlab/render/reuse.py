"""Pictures of reuse: layers several images share, and which build steps the cache reused.

Both are pure functions of the model: the same images or build results give the same
DOT source, byte for byte (node names come from positions and chain ids, never from
memory addresses or clocks), so notebook outputs stay stable.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field

from layerlab.build.builder import BuildResult, StepLog
from layerlab.i18n import N_, _, translate
from layerlab.model.digest import short_id
from layerlab.model.image import HistoryEntry, Image
from layerlab.model.layer import Layer
from layerlab.model.units import human_size

from . import theme
from .picture import Picture

__all__ = ["build_cache", "shared_layers"]

#: The words of these pictures, in one place (marked with ``N_``, translated when drawn).
SHARED_WORDS = N_("layer held by 2+ images: stored once")
UNIQUE_WORDS = N_("layer only one image holds")
CACHE_LEGEND = [
    (theme.CACHE_HIT, theme.CACHE_HIT_EDGE, "", N_("CACHED: layer reused")),
    (theme.FIRST_MISS, theme.FIRST_MISS_EDGE, "", N_("first miss: the cache breaks here")),
    (theme.CACHE_MISS, theme.CACHE_MISS_EDGE, "", N_("built: every step after a miss")),
    (theme.EMPTY_STEP, theme.EMPTY_STEP_EDGE, "- -", N_("dashed: no layer")),
]
FIRST_BUILD = N_("first build: no cache yet, so nothing to reuse · {built} built")
FIRST_BUILD_MARK = N_("built (no cache yet)")
FIRST_BUILD_LEGEND = (theme.CACHE_MISS, theme.CACHE_MISS_EDGE, "", N_("built: no cache yet"))
#: History comment BuildKit writes on every row a Dockerfile step made.
BUILDKIT_COMMENT = "buildkit.dockerfile.v0"


# -- shared layers ------------------------------------------------------------------------


def shared_layers(images: Mapping[str, Image], *, max_label: int = 40) -> Picture:
    """Images side by side over their layers; a layer (by chain id) is drawn once.

    Each image points at its top layer and each layer at the one below it, so layers
    several images hold form a common trunk. Why by chain id: the engine stores a layer
    under its chain id, so only the same tar *on the same stack* is stored once.
    """
    graph = Picture("shared_layers", graph_attr={**theme.GRAPH_ATTR, "rankdir": "TB", "ranksep": "0.25"},
                    node_attr=theme.NODE_ATTR)
    holders: dict[str, list[str]] = {}
    made_by: dict[str, tuple[HistoryEntry, Layer]] = {}
    for name, image in images.items():
        rows = [(h, layer) for h, layer in image.steps() if layer is not None]
        for chain, (entry, layer) in zip(image.chain_ids, rows):
            holders.setdefault(chain, [])
            if name not in holders[chain]:
                holders[chain].append(name)
            made_by.setdefault(chain, (entry, layer))
    node_of = {chain: f"l{n}" for n, chain in enumerate(holders)}  # first-seen order: stable

    for chain, names in holders.items():
        entry, layer = made_by[chain]
        shared = len(names) > 1
        who = _("shared by {n}", n=len(names)) if shared else _("only {image}", image=html.escape(names[0]))
        label = (f"<<b>{theme.label_text(theme.step_text(entry.created_by or str()), max_label)}</b><br/>{human_size(layer.size)} · {who}"
                 f' · <font face="{theme.MONO}">{short_id(chain)}</font>>')
        graph.node(node_of[chain], label,
                   fillcolor=theme.SHARED if shared else theme.UNIQUE,
                   color=theme.SHARED_EDGE if shared else theme.UNIQUE_EDGE,
                   penwidth="2" if shared else "1")
    drawn: set[tuple[str, str]] = set()
    with graph.subgraph(name="images") as top:
        top.attr(rank="min")
        for n, (name, image) in enumerate(images.items()):
            top.node(f"i{n}", f"<<b>{html.escape(name)}</b><br/>{human_size(image.size)} · "
                              f"{theme.count(len(image.layers), N_('{n} layer'), N_('{n} layers'))}>",
                     shape="box", style="rounded,bold", fillcolor=theme.IMAGE_NODE, color=theme.SHARED_EDGE)
    for n, image in enumerate(images.values()):
        chains = list(image.chain_ids)
        if chains:
            graph.edge(f"i{n}", node_of[chains[-1]], color=theme.SHARED_EDGE)
        for upper, lower in zip(reversed(chains), list(reversed(chains))[1:]):
            if (upper, lower) not in drawn:
                drawn.add((upper, lower))
                graph.edge(node_of[upper], node_of[lower], arrowhead="none", color=theme.MUTED)

    total = sum(image.size for image in images.values())
    sizes: dict[str, int] = {chain: made_by[chain][1].size for chain in holders}
    used = sum(sizes.values())
    graph.attr(label=theme.caption(
        [_("disk used <b>{used}</b> (each layer stored once)", used=human_size(used)),
         _("sum of image sizes {total} · saved {saved}", total=human_size(total), saved=human_size(total - used))],
        [(theme.SHARED, theme.SHARED_EDGE, "", translate(SHARED_WORDS)),
         (theme.UNIQUE, theme.UNIQUE_EDGE, "", translate(UNIQUE_WORDS))],
    ), labelloc="b")  # fmt: skip
    return graph


# -- build cache --------------------------------------------------------------------------

#: The Dockerfile instructions that make a layer (and a cache step); the others only
#: change the config.
LAYER_STEPS = ("RUN", "COPY", "ADD", "WORKDIR")
HistoryRow = tuple[HistoryEntry, Layer | None]


def _final_rows(result: BuildResult) -> tuple[list[HistoryRow], list[HistoryRow]]:
    """Split the image's history into (rows the base image brought, rows this build added)."""
    rows = list(result.image.steps())
    return rows[: result.base_rows], rows[result.base_rows :]


def _keyword(text: str) -> str:
    return text.split(" ", 1)[0].upper() if text else ""


@dataclass
class _Tally:
    """What the caption counts: steps reused (and their bytes) and steps built."""

    reused: int = 0
    reused_bytes: int = 0
    built: int = 0
    marks: set[str] = field(default_factory=set)  # the legend entries the picture uses


def build_cache(result: BuildResult, previous: BuildResult | None = None, *, max_label: int = 44) -> Picture:
    """A build's steps bottom-up, each CACHED (reused) or built; the first miss stands out.

    Why the first miss matters: a step's cache key includes its parent, so once one step is
    built again, every later step is too (the cascade), even if its own text is unchanged.
    With ``previous`` the first miss also says what it was before. Without ``previous`` and
    with no step reused (a first build on a fresh host), there was no cache to miss: the
    steps are just built, and the picture says so instead of naming a first miss.
    """
    graph = Picture("build_cache", graph_attr={**theme.GRAPH_ATTR, "rankdir": "BT", "ranksep": "0.18"},
                    node_attr=theme.NODE_ATTR)
    final = result.steps[-1].stage if result.steps else 0
    steps = [s for s in result.steps if s.stage == final]
    base_rows, build_rows = _final_rows(result)
    _base_node(graph, steps[0] if steps else None, base_rows, max_label)
    first_build = previous is None and not any(s.cached for s in steps if s.index > 1)
    tally = _step_nodes(graph, steps, build_rows, previous, max_label, first_build=first_build)
    order = ["base", *[f"s{n}" for n in range(len(build_rows))]]
    for lower, upper in zip(order, order[1:]):
        graph.edge(lower, upper, arrowhead="none", color=theme.MUTED)
    if first_build:
        text = translate(FIRST_BUILD).format(built=theme.count(tally.built, N_("{n} step"), N_("{n} steps")))
    else:
        text = _("{steps} reused ({size} not rebuilt) · {built} built",
                 steps=theme.count(tally.reused, N_("{n} step"), N_("{n} steps")),
                 size=human_size(tally.reused_bytes), built=tally.built)
    if previous is not None:
        text += " · " + _("image {before} → {after}", before=short_id(previous.image.image_id),
                          after=short_id(result.image.image_id))
    shown = [FIRST_BUILD_LEGEND, CACHE_LEGEND[3]] if first_build else CACHE_LEGEND
    legend = [(fill, edge, mark, translate(meaning)) for fill, edge, mark, meaning in shown if meaning in tally.marks]
    graph.attr(label=theme.caption([theme.wrapped(text, max(max_label, 40))], legend, per_row=1), labelloc="t")
    return graph


def _base_node(graph: Picture, from_step: StepLog | None, base_rows: list[HistoryRow], max_label: int) -> None:
    """The bottom box: the FROM line, with the base image's size and layer count."""
    layers = [layer for _entry, layer in base_rows if layer is not None]
    text = from_step.text if from_step else "FROM ?"
    graph.node("base", f"<<b>{theme.wrapped(text, max_label, max_lines=2)}</b><br/>"
                       + _("base image · {size} · {layers}", size=human_size(sum(layer.size for layer in layers)),
                           layers=theme.count(len(layers), N_("{n} layer"), N_("{n} layers"))) + ">",
               fillcolor=theme.BASE, color=theme.BASE_EDGE)


def _step_nodes(graph: Picture, steps: list[StepLog], build_rows: list[HistoryRow],
                previous: BuildResult | None, max_label: int, *, first_build: bool) -> _Tally:
    """One box per history row this build added (``s0``, ``s1``, ...), bottom first.

    A row that makes a layer is matched with the next cache step of the log; a config-only
    row (ENV, CMD, ...) has no cache step and is drawn dashed.
    """
    first_miss = None if first_build else next((s for s in steps if s.index > 1 and not s.cached), None)
    cache_steps = iter(s for s in steps if s.index > 1)
    tally = _Tally()
    after_miss = False
    for n, (entry, layer) in enumerate(build_rows):
        history_text = theme.step_text(entry.created_by or str())
        if _keyword(history_text) not in LAYER_STEPS:
            tally.marks.add(CACHE_LEGEND[3][3])
            graph.node(f"s{n}", f'<<font color="{theme.MUTED}">{theme.wrapped(history_text, max_label, max_lines=2)}'
                                f"<br/><i>{_('config only: no layer, no cache step')}</i></font>>",
                       fillcolor=theme.EMPTY_STEP, color=theme.EMPTY_STEP_EDGE, style="rounded,dashed")
            continue
        step = next(cache_steps, None)
        why = ""
        if step is not None and step.cached:
            tally.reused += 1
            tally.reused_bytes += layer.size if layer is not None else 0
            mark, fill, edge, pen = _("CACHED (reused)"), theme.CACHE_HIT, theme.CACHE_HIT_EDGE, "1"
            tally.marks.add(CACHE_LEGEND[0][3])
        elif step is first_miss:
            tally.built += 1
            after_miss = True
            why = _why_missed(step, previous) if step is not None else ""
            mark, fill, edge, pen = _("FIRST MISS: built again"), theme.FIRST_MISS, theme.FIRST_MISS_EDGE, "3"
            tally.marks.add(CACHE_LEGEND[1][3])
        else:
            tally.built += 1
            mark = (translate(FIRST_BUILD_MARK) if first_build else
                    _("built: its parent changed (cascade)") if after_miss else _("built (nothing to reuse)"))  # fmt: skip
            fill, edge, pen = theme.CACHE_MISS, theme.CACHE_MISS_EDGE, "1"
            tally.marks.add(FIRST_BUILD_LEGEND[3] if first_build else CACHE_LEGEND[2][3])
        text = step.text if step else history_text
        size = human_size(layer.size) if layer is not None else _("no layer")
        why_html = f"<br/><i>{html.escape(why)}</i>" if why else ""
        graph.node(f"s{n}", f"<<b>{theme.wrapped(text, max_label, max_lines=2)}</b><br/>{mark} · {size}{why_html}>",
                   fillcolor=fill, color=edge, penwidth=pen,
                   style="rounded,filled" if layer is not None else "rounded,filled,dashed")
    return tally


def _why_missed(step: StepLog, previous: BuildResult | None) -> str:
    """What changed at the first miss, compared with the step at the same place before."""
    if previous is None:
        return ""
    before = next((s for s in previous.steps if s.stage == step.stage and s.index == step.index), None)
    if before is None:
        return _("a new step")
    if " ".join(before.text.split()) != " ".join(step.text.split()):
        return _("was: {line}", line=theme.clip(before.text, 36))
    if _keyword(step.text) in ("COPY", "ADD"):
        return _("same line, but the copied files changed")
    return _("same line, but something it depends on changed (ENV, ARG...)")
