"""The driver lab: pick storage drivers and a workload, compare what each costs on disk.

``DriverLab()`` shows one checkbox per driver, a workload picker (the standard workloads of
:data:`layerlab.drivers.WORKLOADS`, or a custom one: containers, file size, bytes each
container appends, typed as text), the cost chart and a table of exact figures. A second
part asks "which driver would the engine pick?": backing filesystem, engine and kernel
version, rootless or not -> :func:`layerlab.drivers.choice.explain_choice`'s answer and why.
The costs are on a backing filesystem the learner picks: on XFS or btrfs copies are reflink
clones (a copy-up or a vfs copy adds no data blocks), on ext4 they duplicate every block.

Every bad value (``"lots"`` containers, ``"24.x"`` as a version, no driver ticked) shows as
one message inside the widget; the chart, table and answer stay those of the last good
input. CSS classes: ``layerlab-driverlab`` (the box), ``-driver`` (each checkbox, plus
``-driver-<name>``), ``-workload``, ``-custom``, ``-containers``, ``-file-size``,
``-bytes-written``, ``-cost-fs``, ``-compare``, ``-error``, ``-chart``, ``-table``; the choice part
``-fs``, ``-engine``, ``-kernel``, ``-rootless``, ``-choose``, ``-choice``, ``-choose-error``.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable
from typing import Any

import ipywidgets as w

from layerlab.drivers import DRIVERS, WORKLOADS, CostRow, Workload, compare_costs
from layerlab.drivers.choice import Choice, explain_choice
from layerlab.drivers.custom import custom_workload
from layerlab.i18n import N_, Texts, _, translate
from layerlab.model.errors import LayerlabError
from layerlab.render import Picture
from layerlab.render.drivers import binary_size, cost_chart, exact_bytes
from layerlab.render.tables import Column, html_table

from .css import part
from .fallback import Fallback, ReadableBeforeRun, run_to_use
from .errors import error_html, guard

__all__ = ["FILESYSTEMS", "DriverLab"]

_BOX = "layerlab-driverlab"  # the widget's CSS class; a part's is _BOX + "-<part>"
CUSTOM = "custom"
#: Backing filesystems the choice part offers (what ``docker info`` calls "Backing Filesystem").
FILESYSTEMS = ("ext4", "xfs", "btrfs", "zfs", "tmpfs", "nfs", "overlay", "ecryptfs")
DEFAULT_DRIVERS = ("overlay2", "btrfs", "zfs", "vfs")
#: Backing filesystems the cost part offers: without reflink, and the two with it.
COST_FILESYSTEMS = ("ext4", "xfs", "btrfs")
#: The words of the lab, in one place.
CHOOSE = N_("Which driver?")
CHOOSE_TITLE = N_("Which driver would the engine pick?")
#: What a driver copies when a container changes a file (the figures table's "COW unit").
COW_UNITS = Texts({"file": "file", "block": "block", "none": "none"})


def _cell(n: int) -> str:
    readable = binary_size(n)
    extra = "" if readable == f"{n} B" else f"<br/><small>{readable}</small>"
    return f"<span style='white-space:nowrap'>{exact_bytes(n)}</span>{extra}"


#: The figures table's columns: text left, byte counts right.
FIGURE_COLUMNS = [
    Column(N_("driver")), Column(N_("COW unit")), Column(N_("image layers"), True), Column(N_("containers"), True),
    Column(N_("total disk"), True), Column(N_("copied"), True), Column(N_("written"), True),
]  # fmt: skip


def cost_table(rows: Iterable[CostRow]) -> str:
    """The chart's figures as an HTML table: exact bytes and binary units, one row per driver."""
    body = []
    for r in rows:
        unit = COW_UNITS[r.cow_unit] if r.cow_unit in COW_UNITS else r.cow_unit
        if r.error:
            cells = ["" for _column in FIGURE_COLUMNS[2:]]
            cells[0] = _("cannot run: {error}", error=html.escape(r.error))
            body.append([f"<b>{html.escape(r.driver)}</b>", unit, *cells])
            continue
        body.append([f"<b>{html.escape(r.driver)}</b>", unit,
                     *(_cell(n) for n in (r.image_disk, r.containers_disk, r.total_disk, r.copied, r.written))])  # fmt: skip
    columns = [Column(translate(c.heading), c.numeric) for c in FIGURE_COLUMNS]
    return html_table(columns, body, css_class=f"{_BOX}-figures")


class DriverLab(ReadableBeforeRun, w.VBox):
    """Storage drivers compared on one workload, and the driver an engine would choose."""

    def __init__(
        self,
        drivers: Iterable[str] = DEFAULT_DRIVERS,
        workload: str = "append-1-byte-to-1GiB",
        **kwargs: Any,
    ) -> None:
        self.seconds: list[float] = []  # kernel-side time of each redraw, for measurements
        self.pictures: dict[str, Picture] = {}  # what the last redraw drew, by name
        self.drivers: tuple[str, ...] = ()
        self.workload: Workload | None = None
        self.choice: Choice | None = None
        super().__init__(
            children=[*self._cost_part(set(drivers), workload), *self._choice_part()], **kwargs
        )
        self.add_class(_BOX)
        self.custom.layout.display = "" if workload == CUSTOM else "none"
        self.compare()
        self.choose()

    def _cost_part(self, chosen: set[str], workload: str) -> list[w.Widget]:
        """Driver checkboxes, the workload (standard or custom), the chart and the table."""
        self.boxes = {
            name: part(w.Checkbox(value=name in chosen, description=name, indent=False,
                                  layout=w.Layout(width="auto")), _BOX, "driver", f"driver-{name}")
            for name in DRIVERS
        }  # fmt: skip
        options = [(f"{wl.description}", name) for name, wl in WORKLOADS.items()]
        options.append((_("custom: N containers each append bytes to one file"), CUSTOM))
        self.workload_picker = part(
            w.Dropdown(options=options, value=workload, layout=w.Layout(width="36em", max_width="100%")), _BOX,
            "workload"
        )
        wide = {"description_width": "initial"}
        short = w.Layout(width="13em")
        self.containers = part(w.Text(value="10", description=_("containers"), style=wide, layout=short), _BOX,
                               "containers")  # fmt: skip
        self.file_size = part(w.Text(value="1 GiB", description=_("file size"), style=wide,
                                     layout=w.Layout(width="13em")), _BOX, "file-size")  # fmt: skip
        self.bytes_written = part(
            w.Text(value="1 B", description=_("each appends"), style=wide, layout=w.Layout(width="13em")), _BOX,
            "bytes-written"
        )
        self.cost_fs = part(w.Dropdown(options=COST_FILESYSTEMS, value="ext4", description=_("backing fs"),
                                       style=wide, layout=w.Layout(width="12em")), _BOX, "cost-fs")  # fmt: skip
        self.compare_button = part(w.Button(description=_("Compare"), button_style="primary"), _BOX, "compare")
        self.custom = part(w.HBox([self.containers, self.file_size, self.bytes_written],
                                  layout=w.Layout(flex_flow="row wrap")), _BOX, "custom")  # fmt: skip
        self.error = part(w.HTML(""), _BOX, "error")
        self.chart = part(w.HTML(""), _BOX, "chart")
        self.table = part(w.HTML(""), _BOX, "table")
        for box in self.boxes.values():
            box.observe(self._on_change, names="value")
        self.workload_picker.observe(self._on_change, names="value")
        self.cost_fs.observe(self._on_change, names="value")
        self.compare_button.on_click(self._on_change)
        return [
            w.HTML(f"<b>{_('Drivers')}</b>"),
            w.HBox(list(self.boxes.values()), layout=w.Layout(flex_flow="row wrap")),
            w.HTML(f"<b>{_('Workload')}</b>"),
            w.HBox([self.workload_picker, self.cost_fs], layout=w.Layout(flex_flow="row wrap", grid_gap="0 1em")),
            w.HBox([self.custom, self.compare_button], layout=w.Layout(flex_flow="row wrap")),
            self.error,
            self.chart,
            self.table,
        ]

    def _choice_part(self) -> list[w.Widget]:
        """Backing filesystem, engine and kernel version, rootless: which driver, and why."""
        narrow = {"description_width": "initial"}
        self.fs = part(w.Dropdown(options=FILESYSTEMS, value="ext4", description=_("backing fs"), style=narrow,
                                  layout=w.Layout(width="12em")), _BOX, "fs")  # fmt: skip
        self.engine = part(w.Text(value="29.0", description="Engine", style=narrow, layout=w.Layout(width="10em")),
                           _BOX, "engine")  # fmt: skip
        self.kernel = part(w.Text(value="6.1", description=_("kernel"), style=narrow, layout=w.Layout(width="9em")),
                           _BOX, "kernel")  # fmt: skip
        self.rootless = part(w.Checkbox(value=False, description="rootless", indent=False,
                                        layout=w.Layout(width="auto")), _BOX, "rootless")  # fmt: skip
        self.choose_button = part(w.Button(description=translate(CHOOSE), button_style="info",
                                           layout=w.Layout(width="auto", min_width="10em")), _BOX, "choose")  # fmt: skip
        self.choose_error = part(w.HTML(""), _BOX, "choose-error")
        self.answer = part(w.HTML(""), _BOX, "choice")
        self.choose_button.on_click(lambda _b: guard(self.choose, self._show_choose_error))
        return [
            w.HTML(f"<b>{translate(CHOOSE_TITLE)}</b>"),
            w.HBox([self.fs, self.engine, self.kernel, self.rootless, self.choose_button],
                   layout=w.Layout(flex_flow="row wrap", grid_gap="0.3em 1em", align_items="center")),
            self.choose_error,
            self.answer,
        ]

    # -- costs ---------------------------------------------------------------------------
    def _on_change(self, _event: object = None) -> None:
        self.custom.layout.display = "" if self.workload_picker.value == CUSTOM else "none"
        guard(self.compare, self._show_compare_error)

    def _selected(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.boxes.items() if box.value)

    def _workload(self) -> Workload:
        name = self.workload_picker.value
        if name == CUSTOM:
            return custom_workload(
                self.containers.value, self.file_size.value, self.bytes_written.value
            )
        return WORKLOADS[name]

    def compare(self) -> bool:
        """Redraw chart and table for the ticked drivers and the chosen workload; False on bad input."""
        started = time.process_time()
        drivers = self._selected()
        try:
            workload = self._workload()
            chart = cost_chart(workload, drivers, self.cost_fs.value)  # refuses an empty selection clearly
            rows = compare_costs(workload, drivers, self.cost_fs.value)
        except LayerlabError as err:
            self._show_compare_error(str(err))
            return False
        self.drivers, self.workload = drivers, workload
        self.error.value = ""
        self.pictures = {"chart": chart}
        self.chart.value = chart.to_html()  # scaled to the column, its legend below it
        self.table.value = cost_table(rows)
        self.seconds.append(time.process_time() - started)
        return True

    def _show_compare_error(self, message: str) -> None:
        kept = _("The chart and table below are from the last good choice.") if self.workload else ""
        self.error.value = error_html(_BOX, message, title=_("Cannot compare"), note=kept)

    # -- which driver ----------------------------------------------------------------------
    def choose(self) -> Choice | None:
        """Ask :func:`explain_choice`; show its answer, or what was wrong with the input."""
        try:
            choice = explain_choice(self.fs.value, engine_version=self.engine.value.strip(),
                                    kernel=self.kernel.value.strip(), rootless=self.rootless.value)  # fmt: skip
        except LayerlabError as err:
            self._show_choose_error(str(err))
            return None
        self.choice = choice
        self.choose_error.value = ""
        items = "".join(
            f"<li><b>{html.escape(c.driver)}</b>: {html.escape(c.verdict)} ({html.escape(c.reason)})</li>"
            for c in choice.candidates
        )
        facts = {"fs": html.escape(choice.backing_fs), "engine": html.escape(choice.engine_version),
                 "kernel": html.escape(choice.kernel),
                 "picked": f"<b class='{_BOX}-picked'>{html.escape(choice.driver)}</b>"}  # fmt: skip
        if choice.rootless:
            picks = _("On <b>{fs}</b> with Engine {engine} (kernel {kernel}, rootless) the engine picks {picked}.",
                      **facts)
        else:
            picks = _("On <b>{fs}</b> with Engine {engine} (kernel {kernel}) the engine picks {picked}.", **facts)
        self.answer.value = f"<div class='{_BOX}-answer'>{picks}<br/>{html.escape(choice.why)}<ol>{items}</ol></div>"
        return choice

    def _show_choose_error(self, message: str) -> None:
        kept = _("The answer below is for the last good input.") if self.choice else ""
        self.choose_error.value = error_html(_BOX, message, title=_("Cannot choose"), note=kept)

    def fallback(self) -> Fallback:
        """What the lab's output reads like before its cell runs."""
        return Fallback(_("Driver lab"), (_("Tick storage drivers and pick a workload: a chart and a table of what it "
                                            "costs on disk with each; then ask which driver an engine would pick, and "
                                            "why."),),
                        action=run_to_use(_("the driver lab")))  # fmt: skip

    def __repr__(self) -> str:
        shown = self.workload.name if self.workload else "nothing"
        return f"<DriverLab {', '.join(self.drivers)} on {shown}>"
