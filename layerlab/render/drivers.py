"""Storage drivers side by side, and what a workload costs on each.

Pure functions of :mod:`layerlab.drivers`: every number drawn comes from a driver's own
rules (``first_write_cost``, ``layer_disk``, ``container_cost``, ``compare_costs``), and
every byte count is printed exactly (``1,073,741,824 B``) beside a human-readable size in
binary units (``1 GiB``), because the differences between drivers hide in the last digits.
How each driver lays out an image's layers on disk is :mod:`.layout`.
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
from layerlab.drivers.status import version_at_least
from layerlab.model.content import SyntheticContent
from layerlab.model.layer import Layer

from . import theme
from .picture import Picture

__all__ = [
    "ENGINE_VERSIONS", "binary_size", "bytes_label", "cost_chart", "cow_text",
    "drivers_side_by_side", "exact_bytes", "status_in",
]  # fmt: skip

#: Engine releases where a driver's status changed: the columns of the status rows.
ENGINE_VERSIONS = ("18.09", "20.10", "23.0", "24.0", "25.0", "29.0")
#: Longest bar of the cost chart, in points.
BAR_WIDTH = 300

#: Colours of the copy-on-write units (spelled out in every label too, never colour alone).
COW_FILL = {"file": theme.CACHE_MISS, "block": theme.CACHE_HIT, "none": theme.FIRST_MISS}
COW_SHORT = {"file": "per-file COW", "block": "per-block COW", "none": "no COW: copies"}
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
    """One word for a driver in one engine release: supported, deprecated, opt-in, removed, not yet."""
    status = driver.status
    if not status.available_in(engine_version):
        return (
            "removed"
            if status.removed and version_at_least(engine_version, status.removed)
            else "not yet"
        )
    if status.disabled_by_default and version_at_least(engine_version, status.disabled_by_default):
        return "opt-in"
    if status.deprecated and version_at_least(engine_version, status.deprecated):
        return "deprecated"
    return "supported"


def _drivers(drivers: Iterable[str | StorageDriver] | None) -> list[StorageDriver]:
    chosen = [
        get_driver(d) if isinstance(d, str) else d
        for d in (drivers if drivers is not None else DRIVERS)
    ]
    if not chosen:
        raise DriverError(f"no storage driver chosen; pick at least one of: {', '.join(DRIVERS)}")
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
        return f"block, {binary_size(driver.block_size or 0)}"
    return "file (whole-file copy-up)" if driver.cow_unit == "file" else "none: full copies"


def _facts_rows(driver: StorageDriver, reference: list[Layer]) -> dict[str, str]:
    per_layer = driver.layer_disk(reference)
    container = driver.container_cost(reference)
    limit = f"{driver.max_layers} layers"
    if driver.name == "overlay2":
        limit += f"; {OVERLAY2_MAX_LOWERS} lowers per mount"
    rows = {
        "copy-on-write unit": cow_text(driver),
        "first write: append 1 B to a 1 GiB image file": bytes_label(
            driver.first_write_cost(GiB, 1)
        ),
        "a layer adding a 1 GiB file (on a 2 MiB base)": bytes_label(per_layer[-1]),
        "a new container of that image": bytes_label(container.disk),
        "layer limit": limit,
        "page cache shared by containers": "yes" if driver.page_cache_sharing else "no",
        "backing filesystem": ", ".join(driver.backing_filesystems),
    }
    for version in ENGINE_VERSIONS:
        rows[f"Engine {version}"] = status_in(driver, version)
    rows["status"] = str(driver.status)
    return rows


def drivers_side_by_side(drivers: Iterable[str | StorageDriver] | None = None) -> Picture:
    """One column per driver, one row per fact; every byte count computed by the driver's model."""
    chosen = _drivers(drivers)
    reference = _reference_image()
    facts = {d.name: _facts_rows(d, reference) for d in chosen}
    graph = Picture("drivers", graph_attr=theme.GRAPH_ATTR, node_attr=theme.NODE_ATTR)
    head = "".join(
        f'<td bgcolor="{COW_FILL[d.cow_unit]}" color="{COW_EDGE[d.cow_unit]}" border="1"><b>{_esc(d.name)}</b></td>'
        for d in chosen
    )
    rows = [f'<tr><td align="left"><b>driver</b></td>{head}</tr>']
    for fact in facts[chosen[0].name] if chosen else ():
        cells = []
        for d in chosen:
            value = facts[d.name][fact]
            colour = theme.MUTED if value in ("removed", "not yet") else "black"
            cells.append(
                f'<td align="left" balign="left"><font color="{colour}">{_wrap(value)}</font></td>'
            )
        rows.append(
            f'<tr><td align="left"><font color="{theme.MUTED}">{_esc(fact)}</font></td>{"".join(cells)}</tr>'
        )
    table = f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="4" color="#bbbbbb">{"".join(rows)}</table>>'
    graph.node("drivers", table, shape="plaintext", style="", fontsize="10")
    theme.add_legend(graph, [
        (COW_FILL["file"], COW_EDGE["file"], "file", "copy-on-write per file"),
        (COW_FILL["block"], COW_EDGE["block"], "block", "copy-on-write per block"),
        (COW_FILL["none"], COW_EDGE["none"], "none", "no copy-on-write: full copies"),
    ])  # fmt: skip
    return graph


def _wrap(text: str, width: int = 26) -> str:
    """Break long values into lines (HTML-like labels do not wrap by themselves)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br/>".join(_esc(x) for x in lines)


# -- cost chart -----------------------------------------------------------------------------


def _segment(width: int, fill: str) -> str:
    return f'<td width="{width}" height="14" fixedsize="true" bgcolor="{fill}"></td>'


#: Bar colours: the image-layer blue and the container-layer orange, at full strength.
IMAGE_BAR = theme.IMAGE_LAYER_EDGE
CONTAINER_BAR = theme.CACHE_MISS_EDGE


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
    rest = BAR_WIDTH + 4 - sum(width for width, _ in widths)
    cells.append(f'<td width="{rest}" height="14" fixedsize="true"></td>')
    table = '<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
    return f"{table}<tr>{''.join(cells)}</tr></table>"


def cost_chart(
    workload: Workload | str, drivers: Iterable[str | StorageDriver] | None = None
) -> Picture:
    """A bar per driver: total disk of ``workload`` (image layers + all containers), to scale.

    Each bar is labelled with its exact total and, below, the parts and what copy-on-write
    copied. A driver that cannot run the workload (e.g. too many layers) says why instead.
    """
    rows = compare_costs(workload, _drivers(drivers))  # the model's own error for an unknown name
    load = workload if isinstance(workload, Workload) else WORKLOADS[workload]
    largest = max([r.total_disk for r in rows if not r.error] + [1])
    lines = [
        f'<tr><td colspan="3" align="left"><b>{_esc(load.description)}</b></td></tr>',
        f'<tr><td colspan="3" align="left"><font color="{theme.MUTED}">disk used, to scale '
        f"(bars start at 0; the longest is {_esc(bytes_label(largest))})</font></td></tr>",
    ]
    for row in rows:
        name = (f'<td align="right" bgcolor="{COW_FILL[row.cow_unit]}" color="{COW_EDGE[row.cow_unit]}" border="1">'
                f"<b>{_esc(row.driver)}</b><br/>"
                f'<font point-size="9">{_esc(COW_SHORT[row.cow_unit])}</font></td>')  # fmt: skip
        if row.error:
            lines.append(f'<tr>{name}<td colspan="2" align="left"><font color="{theme.WHITEOUT}">'
                         f"cannot run: {_esc(row.error)}</font></td></tr>")  # fmt: skip
            continue
        detail = (f"image {bytes_label(row.image_disk)} + containers {bytes_label(row.containers_disk)}\n"
                  f"copied {bytes_label(row.copied)}")  # fmt: skip
        lines.append(
            f'<tr>{name}<td align="left" width="{BAR_WIDTH}">{_bar(row, largest)}</td>'
            f'<td align="left" balign="left"><b>{_esc(bytes_label(row.total_disk))}</b><br/>'
            f'<font point-size="9" color="{theme.MUTED}">{_esc(detail).replace(chr(10), "<br/>")}</font></td></tr>'
        )
    table = f'<<table border="0" cellborder="0" cellspacing="3" cellpadding="3">{"".join(lines)}</table>>'
    graph = Picture("cost_chart", graph_attr=theme.GRAPH_ATTR, node_attr=theme.NODE_ATTR)
    graph.node("chart", table, shape="plaintext", style="", fontsize="10")
    theme.add_legend(graph, [
        (IMAGE_BAR, IMAGE_BAR, "", "image layers (read-only, stored once)"),
        (CONTAINER_BAR, CONTAINER_BAR, "", "all containers' -init and writable layers"),
    ])  # fmt: skip
    return graph
