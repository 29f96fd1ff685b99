"""Storage drivers side by side, and what a workload costs on each.

Pure functions of :mod:`layerlab.drivers`: every number drawn comes from a driver's own
rules (``first_write_cost``, ``layer_disk``, ``container_cost``, ``compare_costs``), and
every byte count is printed exactly (``1,073,741,824 B``) beside a human-readable size in
binary units (``1 GiB``), because the differences between drivers hide in the last digits.
How each driver lays out an image's layers on disk is :mod:`.layout`; the drivers' facts
side by side, as HTML tables, are :mod:`.driver_table`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from layerlab.drivers import (
    DRIVERS,
    DriverError,
    GiB,
    MiB,
    StorageDriver,
    Workload,
    compare_costs,
    get_driver,
)
from layerlab.drivers.costs import WORKLOADS, CostRow
from layerlab.drivers.overlay2 import OVERLAY2_MAX_LOWERS
from layerlab.drivers.reflink import shares_blocks
from layerlab.drivers.status import version_at_least
from layerlab.i18n import N_, Texts, _, translate
from layerlab.model.content import SyntheticContent
from layerlab.model.layer import Layer

from . import theme
from .picture import Picture

__all__ = [
    "ENGINE_VERSIONS", "FACTS", "binary_size", "bytes_label", "chosen_drivers", "cost_chart", "cow_text",
    "driver_facts", "exact_bytes", "status_in",
]  # fmt: skip

#: Engine releases where a driver's status changed: the columns of the status rows.
ENGINE_VERSIONS = ("18.09", "20.10", "23.0", "24.0", "25.0", "29.0")
#: Longest bar of the cost chart, in points.
BAR_WIDTH = 320

#: Colours of the copy-on-write units (spelled out in every label too, never colour alone).
COW_FILL = {"file": theme.CACHE_MISS, "block": theme.CACHE_HIT, "none": theme.FIRST_MISS}
COW_SHORT = Texts({"file": "per-file COW", "block": "per-block COW", "none": "no COW: copies"})
COW_EDGE = {
    "file": theme.CACHE_MISS_EDGE,
    "block": theme.CACHE_HIT_EDGE,
    "none": theme.FIRST_MISS_EDGE,
}


# -- numbers ------------------------------------------------------------------------------


def exact_bytes(n: int) -> str:
    """``1073741824`` -> ``1,073,741,824 B``."""
    return f"{n:,} B"


def binary_size(n: int) -> str:
    """``1073741824`` -> ``1 GiB``; ``1075838984`` -> ``1.0 GiB`` (one decimal once not exact)."""
    for unit, scale in (("TiB", 1024**4), ("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= scale:
            value = n / scale
            if n % scale == 0:
                return f"{n // scale} {unit}"
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{n} B"


def bytes_label(n: int) -> str:
    """Exact and readable: ``1,073,741,824 B (1 GiB)``; small counts only once (``10 B``)."""
    readable = binary_size(n)
    return exact_bytes(n) if readable == f"{n} B" else f"{exact_bytes(n)} ({readable})"


def status_in(driver: StorageDriver, engine_version: str) -> str:
    """One word for a driver in one engine release: supported, deprecated, opt-in, removed,
    not yet (in the learner's language)."""
    status = driver.status
    if not status.available_in(engine_version):
        return (
            _("removed")
            if status.removed and version_at_least(engine_version, status.removed)
            else _("not yet")
        )
    if status.disabled_by_default and version_at_least(engine_version, status.disabled_by_default):
        return _("opt-in")
    if status.deprecated and version_at_least(engine_version, status.deprecated):
        return _("deprecated")
    return _("supported")


def chosen_drivers(drivers: Iterable[str | StorageDriver] | None) -> list[StorageDriver]:
    """The drivers named (all of them for None), each once; a clear error for none."""
    chosen = [
        get_driver(d) if isinstance(d, str) else d
        for d in (drivers if drivers is not None else DRIVERS)
    ]
    if not chosen:
        raise DriverError(_("no storage driver chosen; pick at least one of: {names}", names=", ".join(DRIVERS)))
    return list({d.name: d for d in chosen}.values())


def _esc(text: object) -> str:
    return html.escape(str(text))


# -- drivers side by side -------------------------------------------------------------------


def _reference_image() -> list[Layer]:
    """A 2 MiB base and a layer with one 1 GiB file: the image the per-layer rows describe."""
    return [
        Layer.from_files({"bin/busybox": SyntheticContent(2 * MiB, seed="busybox")}),
        Layer.from_files({"data/big.bin": SyntheticContent(GiB, seed="big")}),
    ]


def cow_text(driver: StorageDriver) -> str:
    """The driver's copy-on-write unit in words: ``block, 4 KiB``, ``file (whole-file copy-up)``."""
    if driver.cow_unit == "block":
        return _("block, {size}", size=binary_size(driver.block_size or 0))
    return _("file (whole-file copy-up)") if driver.cow_unit == "file" else _("none: full copies")


#: The facts :func:`driver_facts` gives for each driver, in order (the Engine releases follow).
FACTS = Texts({
    "cow": "copy-on-write unit",
    "first_write": "first write: append 1 B to a 1 GiB image file",
    "layer": "a layer adding a 1 GiB file (on a 2 MiB base)",
    "container": "a new container of that image",
    "limit": "layer limit",
    "page_cache": "page cache shared by containers",
    "backing": "backing filesystem",
    "status": "status",
})


def driver_facts(driver: StorageDriver) -> dict[str, str]:
    """What the driver's model says, by the keys of :data:`FACTS`, then one status word per
    Engine release (keyed ``Engine <version>``): every byte count computed, never typed."""
    reference = _reference_image()
    per_layer = driver.layer_disk(reference)
    container = driver.container_cost(reference)
    limit = _("{n} layers", n=driver.max_layers)
    if driver.name == "overlay2":
        limit = _("{n} layers; {lowers} lowers per mount", n=driver.max_layers, lowers=OVERLAY2_MAX_LOWERS)
    facts = {
        "cow": cow_text(driver),
        "first_write": bytes_label(driver.first_write_cost(GiB, 1)),
        "layer": bytes_label(per_layer[-1]),
        "container": bytes_label(container.disk),
        "limit": limit,
        "page_cache": _("yes") if driver.page_cache_sharing else _("no"),
        "backing": ", ".join(driver.backing_filesystems),
        "status": str(driver.status),
    }
    for version in ENGINE_VERSIONS:
        facts[f"Engine {version}"] = status_in(driver, version)
    return facts


# -- cost chart -----------------------------------------------------------------------------


def _segment(width: int, fill: str) -> str:
    return f'<td width="{width}" height="14" fixedsize="true" bgcolor="{fill}"></td>'


#: Bar colours: the image-layer blue and the container-layer orange, at full strength.
IMAGE_BAR = theme.IMAGE_LAYER_EDGE
CONTAINER_BAR = theme.CACHE_MISS_EDGE
#: The words of the chart, in one place.
SCALE_NOTE = N_("disk used, to scale (bars start at 0; the longest is {largest})")
FS_NOTE = N_("on {fs}: {how}")
FS_HOW = Texts({True: "a copy shares the file's blocks (reflink), a write owns the 4 KiB blocks it touches",
                False: "a copy duplicates every block"})
CLONES_SHORT = N_("copies share blocks")
COST_LEGEND = [
    (IMAGE_BAR, IMAGE_BAR, "", N_("image layers (read-only, stored once)")),
    (CONTAINER_BAR, CONTAINER_BAR, "", N_("all containers' -init and writable layers")),
]


def _bar(row: CostRow, largest: int) -> str:
    """Image layers then containers, to one scale; a non-zero part is at least 2 pt wide.

    An empty cell pads each bar to the full width, so graphviz does not stretch the parts.
    """
    widths = [
        (max(2, round(BAR_WIDTH * value / largest)), colour)
        for value, colour in ((row.image_disk, IMAGE_BAR), (row.containers_disk, CONTAINER_BAR))
        if value
    ]
    cells = [_segment(width, colour) for width, colour in widths]
    rest = BAR_WIDTH + 4 - sum(width for width, _colour in widths)
    cells.append(f'<td width="{rest}" height="14" fixedsize="true"></td>')
    table = (f'<table border="0" cellborder="0" cellspacing="0" cellpadding="0" width="{BAR_WIDTH + 4}" '
             'height="14" fixedsize="true">')  # fixed: a wider cell around it must not spread the parts
    return f"{table}<tr>{''.join(cells)}</tr></table>"


def cost_chart(
    workload: Workload | str, drivers: Iterable[str | StorageDriver] | None = None, backing_fs: str = "ext4"
) -> Picture:
    """A bar per driver: total disk of ``workload`` (image layers + all containers), to scale,
    on ``backing_fs`` (XFS, btrfs: copies are reflink clones, :mod:`layerlab.drivers.reflink`).

    Each bar is labelled with its exact total and, below, the parts and what copy-on-write
    copied. A driver that cannot run the workload (e.g. too many layers) says why instead.
    """
    chosen = chosen_drivers(drivers)  # the model's own error for an unknown name
    rows = compare_costs(workload, chosen, backing_fs)
    clones = {d.name: d.on(backing_fs).reflink for d in chosen}
    load = workload if isinstance(workload, Workload) else WORKLOADS[workload]
    largest = max([r.total_disk for r in rows if not r.error] + [1])
    fs_note = translate(FS_NOTE).format(fs=backing_fs, how=FS_HOW[shares_blocks(backing_fs)])
    lines = [
        f'<tr><td colspan="2" align="left"><b>{_esc(load.description)}</b></td></tr>',
        f'<tr><td colspan="2" align="left">{theme.small(_esc(translate(SCALE_NOTE).format(largest=bytes_label(largest))), theme.MUTED)}</td></tr>',
        f'<tr><td colspan="2" align="left">{theme.small(_esc(fs_note), theme.MUTED)}</td></tr>',
    ]
    for row in rows:
        unit = COW_SHORT[row.cow_unit] + (f", {translate(CLONES_SHORT)}" if clones.get(row.driver) else "")
        name = (f'<td align="right" valign="top" bgcolor="{COW_FILL[row.cow_unit]}" color="{COW_EDGE[row.cow_unit]}" border="1">'
                f"<b>{_esc(row.driver)}</b><br/>{theme.small(_esc(unit))}</td>")  # fmt: skip
        if row.error:
            lines.append(f'<tr>{name}<td align="left" balign="left"><font color="{theme.WHITEOUT}">'
                         f"{theme.wrapped(_('cannot run: {error}', error=row.error), 60)}</font></td></tr>")  # fmt: skip
            continue
        parts = (_("image {image} + containers {containers}", image=bytes_label(row.image_disk),
                   containers=bytes_label(row.containers_disk)),
                 _("copied {size}", size=bytes_label(row.copied)))  # fmt: skip
        detail = "<br/>".join(_esc(part) for part in parts)
        lines.append(
            f'<tr>{name}<td align="left"><table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
            f'<tr><td align="left"><b>{_esc(bytes_label(row.total_disk))}</b></td></tr>'
            f'<tr><td align="left">{_bar(row, largest)}</td></tr>'
            f'<tr><td align="left" balign="left">{theme.small(detail, theme.MUTED)}</td></tr></table></td></tr>'
        )
    table = f'<<table border="0" cellborder="0" cellspacing="3" cellpadding="3">{"".join(lines)}</table>>'
    graph = Picture("cost_chart")
    graph.node("chart", table, shape="plaintext", style="")
    legend = [(fill, edge, mark, translate(text)) for fill, edge, mark, text in COST_LEGEND]
    graph.attr(label=theme.caption([], legend), labelloc="b", labeljust="l")
    return graph
