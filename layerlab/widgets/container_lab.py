"""The container lab: pick a path and an operation, press Apply, see where it lands.

Two containers run from one image. Every Apply acts on the first, as a process inside it
would, and shows: copy-on-write step by step (before, the overlay's copy-up records with
their bytes, after), the first container's stack with the layer that now serves the path
outlined, ``docker diff`` and ``docker ps -s`` sizes of both containers, and what the
second container sees at that path: its diff stays empty and its view never changes,
because each container has its own RW layer over the shared read-only image layers.

A failed operation (ENOENT, EXDEV, EISDIR, a bad argument, a relative path) shows one
message inside the widget and changes nothing: :func:`layerlab.model.operation.apply` puts the
container back as it was. Reset removes both containers and starts two fresh ones.

The host's kernel and disk are switches: ``redirect_dir`` (a lower directory can be
renamed), ``metacopy`` (chmod copies metadata only; it turns redirect_dir on, as the kernel
does) and the backing filesystem (on XFS or btrfs a copy-up shares the file's blocks). A
switch starts two fresh containers on a host with that kernel and disk; the status line
then says what ``df`` would see next to what ``docker ps -s`` counts.

CSS classes for tests and themes: ``layerlab-containerlab`` (the box), ``-operation``,
``-path``, ``-argument``, ``-apply``, ``-reset``, ``-error``, ``-status``, ``-picture``,
``-diff-a``, ``-diff-b``, ``-isolation``, ``-redirect-dir``, ``-metacopy``, ``-backing-fs``,
``-host``.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from layerlab.course.container_examples import BIG_FILE, cow_image
from layerlab.engine.host import Host
from layerlab.i18n import N_, _, translate
from layerlab.model.container import Container
from layerlab.model.errors import LayerlabError
from layerlab.model.kernel_options import KernelOverlay
from layerlab.model.lookup import lookup
from layerlab.model.operation import OPERATIONS, Outcome, apply, describe
from layerlab.model.units import human_size
from layerlab.render import Picture, container_stack, copy_up_steps, path_lookup

from .css import PRE, part
from .hosts import lab_host
from .fallback import Fallback, ReadableBeforeRun, run_to_use
from .errors import error_html, guard

__all__ = ["ContainerLab"]

_BOX = "layerlab-containerlab"  # the widget's CSS class; a part's is _BOX + "-<part>"
DEMO_IMAGE = "cow-demo"
#: The words of the lab, in one place.
HINT_TYPED = N_("as a shell user would type it")
HINT_ARGUMENT = N_("argument: {argument}")
HINT_NO_ARGUMENT = N_("no argument")
#: The backing filesystems the lab offers (copies are reflink clones on xfs and btrfs).
FILESYSTEMS = ("ext4", "xfs", "btrfs")
HOST_LINE = N_("kernel: {kernel} · backing filesystem: {fs}{clone} · <code>docker info</code>: "
             "Native Overlay Diff: {native}")
CLONES = N_(" (copies share blocks: reflink)")
METACOPY_TURNS_ON = N_("metacopy turns redirect_dir on (the kernel does)")
DISK_LINE = N_("; on disk (what <code>df</code> sees): {delta} for {name}'s layers, {total} in all")
HOST_ERROR = N_("The kernel and disk stay as they were: {kernel}, {fs}.")


class ContainerLab(ReadableBeforeRun, w.VBox):
    """Two containers of one image; operations on the first, the second shows isolation."""

    def __init__(
        self,
        host: Host | None = None,
        image: str = DEMO_IMAGE,
        *,
        path: str = BIG_FILE,
        operation: str = "chmod",
        argument: str = "600",
        names: tuple[str, str] = ("lab-a", "lab-b"),
        volumes: Sequence[str] = (),
        engine: str | None = None,
        **kwargs: Any,
    ) -> None:
        host = lab_host(host, engine, seed=0)
        if image == DEMO_IMAGE and host.find(DEMO_IMAGE) is None:
            host.add(cow_image(), DEMO_IMAGE)
        self.host = host
        self.image_ref = image
        self.names = names
        self.volumes = list(volumes)
        self.last: Outcome | None = None
        self.seconds: list[float] = []  # wall time of each Apply, for measurements
        self.pictures: dict[str, Picture] = {}  # what the last redraw drew, by name
        self.a, self.b = self._start()
        controls = self._controls(operation, path, argument)
        host_row = self._host_controls()
        self.hint = w.HTML("")
        self.error = part(w.HTML(""), _BOX, "error")
        self.status = part(w.HTML(""), _BOX, "status")
        self.picture = part(w.HTML(""), _BOX, "picture")
        self.diff_a = part(w.HTML(""), _BOX, "diff-a")
        self.diff_b = part(w.HTML(""), _BOX, "diff-b")
        self.isolation = part(w.HTML(""), _BOX, "isolation")
        diffs = w.HBox(
            [self.diff_a, self.diff_b],
            layout=w.Layout(justify_content="flex-start", grid_gap="0 2em", flex_flow="row wrap"),
        )
        super().__init__(
            children=[controls, host_row, self.hint, self.host_line, self.error, self.status, self.picture,
                      diffs, self.isolation],
            **kwargs,
        )  # fmt: skip
        self.add_class(_BOX)
        self._on_operation()
        self._redraw(None)

    def _controls(self, operation: str, path: str, argument: str) -> w.HBox:
        """Operation, path and argument, Apply and Reset, wired to their actions."""
        self.operation = part(
            w.Dropdown(options=list(OPERATIONS), value=operation, description=_("operation")),
            _BOX, "operation",
        )  # fmt: skip
        self.path = part(
            w.Combobox(value=path, options=self._paths(), ensure_option=False,
                       description=_("path"), placeholder="/data/model.bin"),
            _BOX, "path",
        )  # fmt: skip
        self.argument = part(w.Text(value=argument, description=_("argument")), _BOX, "argument")
        self.apply_button = part(
            w.Button(description=_("Apply"), button_style="primary", icon="play"), _BOX, "apply"
        )
        self.reset_button = part(w.Button(description=_("Reset"), icon="undo"), _BOX, "reset")
        self.apply_button.on_click(lambda _b: guard(self.apply, self._show_error))
        self.reset_button.on_click(lambda _b: guard(self.reset, self._show_error))
        for box in (self.operation, self.path, self.argument):
            box.observe(self._on_operation, names="value")
        return w.HBox(
            [self.operation, self.path, self.argument, self.apply_button, self.reset_button],
            layout=w.Layout(flex_flow="row wrap"),
        )

    def _host_controls(self) -> w.HBox:
        """The kernel's overlay features and the backing filesystem, each a switch."""
        kernel, fs = self.host.storage.kernel, self.host.storage.backing_fs
        self.redirect_dir = part(w.Checkbox(value=kernel.redirects, description="redirect_dir", indent=False,
                                            layout=w.Layout(width="auto")), _BOX, "redirect-dir")  # fmt: skip
        self.metacopy = part(w.Checkbox(value=kernel.metacopy, description="metacopy", indent=False,
                                        layout=w.Layout(width="auto")), _BOX, "metacopy")  # fmt: skip
        self.backing_fs = part(w.Dropdown(options=FILESYSTEMS, value=fs if fs in FILESYSTEMS else "ext4",
                                          description=_("backing fs"), style={"description_width": "initial"},
                                          layout=w.Layout(width="12em")), _BOX, "backing-fs")  # fmt: skip
        self.host_line = part(w.HTML(""), _BOX, "host")
        for box in (self.redirect_dir, self.metacopy, self.backing_fs):
            box.observe(lambda change: guard(lambda: self.switch(change), self._show_error), names="value")
        self._describe_host()
        return w.HBox([self.redirect_dir, self.metacopy, self.backing_fs],
                      layout=w.Layout(flex_flow="row wrap", grid_gap="0 1em", align_items="center"))

    def _describe_host(self, note: str = "") -> None:
        storage = self.host.storage
        clone = translate(CLONES) if storage.on_disk.reflink else ""
        fs = "ext4" if storage.backing_fs == "extfs" else storage.backing_fs  # docker info's name for ext2/3/4
        text = translate(HOST_LINE).format(kernel=html.escape(storage.kernel.describe()), fs=html.escape(fs),
                                clone=clone, native=str(storage.kernel.native_diff).lower())
        self.host_line.value = f"<span class='{_BOX}-host-line'>{text}{' · ' + note if note else ''}</span>"

    def switch(self, change: object = None) -> None:
        """A host with the kernel and backing filesystem the switches say, and two fresh
        containers on it (a mount gets its overlay features when it is made)."""
        ticked_metacopy = isinstance(change, dict) and change.get("owner") is self.metacopy and change.get("new")
        if ticked_metacopy and not self.redirect_dir.value:
            self.redirect_dir.value = True  # as the kernel turns it on: its observer switches
            return
        try:
            kernel = KernelOverlay(redirect_dir=self.redirect_dir.value, metacopy=self.metacopy.value)
            host = Host(engine=self.host.profile, seed=self.host.seed, kernel=kernel,
                        backing_fs=self.backing_fs.value, **self._driver())
        except LayerlabError as err:
            storage = self.host.storage
            kept = translate(HOST_ERROR).format(kernel=storage.kernel.describe(), fs=storage.backing_fs)
            self._show_error(f"{err}. " + kept)
            return
        host.add(self.host.image(self.image_ref), self.image_ref)
        self.host = host
        self.a, self.b = self._start()
        self.last = None
        self.error.value = ""
        self._describe_host(translate(METACOPY_TURNS_ON) if kernel.metacopy else "")
        self._redraw(None)

    def _driver(self) -> dict[str, str]:
        """overlay2 (or containerd's overlayfs) on every filesystem: the lab shows overlayfs."""
        return {"storage_driver": "overlayfs" if self.host.profile.containerd else "overlay2"}

    # -- containers --------------------------------------------------------------------
    def _start(self) -> tuple[Container, Container]:
        return tuple(  # type: ignore[return-value]
            self.host.run(
                self.image_ref,
                name=name,
                detach=True,
                volumes=self.volumes,
                command=["sleep", "infinity"],
            )
            for name in self.names
        )

    def _paths(self) -> list[str]:
        """The image's paths, for the path box's suggestions."""
        return sorted("/" + p for p in self.host.image(self.image_ref).rootfs() if p)

    # -- actions -----------------------------------------------------------------------
    def _on_operation(self, _change: object = None) -> None:
        """The command a shell user would type, filled with the path and argument chosen."""
        spec = OPERATIONS[self.operation.value]
        arg = self.argument.value.strip() or spec.example
        command = spec.shell.format(path=self.path.value.strip() or "/", arg=arg)
        needs = (translate(HINT_ARGUMENT).format(argument=translate(spec.argument)) if spec.argument
                 else translate(HINT_NO_ARGUMENT))  # fmt: skip
        typed = translate(HINT_TYPED)
        self.hint.value = (
            f"<span class='{_BOX}-hint'>{typed}: <code>{html.escape(command)}</code> · {html.escape(needs)}</span>"
        )

    def apply(self) -> Outcome | None:
        """Run the chosen operation in the first container; redraw, or show why it failed."""
        started = time.perf_counter()
        op, path, arg = self.operation.value, self.path.value, self.argument.value
        disk_before = self._disk()
        try:
            outcome = apply(self.a, op, path, arg)
        except LayerlabError as err:
            self._show_error(f"{op} {path.strip() or _('(no path)')}: {err}")
            return None
        self.last = outcome
        self.error.value = ""
        disk_after = self._disk()
        self._redraw(outcome, None if None in (disk_before, disk_after) else disk_after - disk_before)  # type: ignore[operator]
        self.seconds.append(time.perf_counter() - started)
        return outcome

    def reset(self) -> None:
        """Remove both containers (and their anonymous volumes) and start two fresh ones."""
        for c in (self.a, self.b):
            if c.id in self.host.containers:
                self.host.rm(c, force=True, volumes=True)
        self.a, self.b = self._start()
        self.last = None
        self.error.value = ""
        self._redraw(None)

    # -- rendering ---------------------------------------------------------------------
    def _disk(self) -> int | None:
        """Bytes the first container's layers take on this host's disk (the driver's costs;
        None where the cost model cannot follow what happened)."""
        try:
            return self.host.storage.on_disk.container_disk(self.a.image, self.a.rw)
        except LayerlabError:
            return None

    def _redraw(self, outcome: Outcome | None, disk_delta: int | None = None) -> None:
        path = outcome.after.real if outcome is not None else self.path.value.strip() or "/"
        found = lookup(self.a, path)
        served = found.served_by
        mark = None if served is None else (served.key if served.key != "mount" else None)
        stack = container_stack(self.a, mark=mark, mark_note=_("serves {path}", path=found.real) if mark else "")
        first = copy_up_steps(outcome) if outcome is not None else path_lookup(self.a, path, result=found)
        self.pictures = {"steps": first, "stack": stack}
        self.picture.value = (  # side by side where both fit at full size, else one above the other
            '<div style="display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start">'
            f'<div class="{_BOX}-steps" style="flex:1 1 36em;min-width:0">{first.to_html()}</div>'
            f'<div class="{_BOX}-stack" style="flex:1 1 36em;min-width:0">{stack.to_html()}</div></div>'
        )
        if outcome is None:
            fresh = _("two fresh containers of <code>{image}</code>: nothing copied up yet",
                      image=html.escape(self.image_ref))
            self.status.value = f"<span class='{_BOX}-copied'>{fresh}</span>"
        else:
            done = _("<b>$ {command}</b> in {name}: {result}; RW layer {before:,} → {after:,} bytes{disk}",
                     command=html.escape(outcome.command), name=html.escape(self.a.name),
                     result=html.escape(outcome.result or outcome.summary()), before=outcome.size_before,
                     after=outcome.size_after, disk=self._disk_text(disk_delta))  # fmt: skip
            self.status.value = f"<span class='{_BOX}-copied'>{done}</span>"
        self.diff_a.value = self._diff_panel(self.a)
        self.diff_b.value = self._diff_panel(self.b)
        other = lookup(self.b, path)
        where = other.served_by.label if other.served_by is not None else _("no layer")
        seen = _("in <b>{name}</b>, <code>{path}</code> is {entry} (served by {layer}): the other container's RW "
                 "layer is its own", name=html.escape(self.b.name), path=html.escape(other.real),
                 entry=html.escape(describe(other.entry)), layer=html.escape(where))  # fmt: skip
        self.isolation.value = f"<span class='{_BOX}-isolation-body'>{seen}</span>"

    def _disk_text(self, delta: int | None) -> str:
        if delta is None:
            return ""
        sign = "+" if delta >= 0 else "−"
        return translate(DISK_LINE).format(delta=sign + _("{n:,} bytes", n=abs(delta)), name=html.escape(self.a.name),
                                           total=_("{n:,} bytes", n=self._disk() or 0))

    def _diff_panel(self, c: Container) -> str:
        text = c.diff_text() or _("(no changes)")
        return (
            f"<b>$ docker diff {html.escape(c.name)}</b>{PRE}{html.escape(text)}</pre>"
            f"<b>SIZE</b> {human_size(c.size())} (virtual {human_size(c.virtual_size())})"
        )

    def _show_error(self, message: str) -> None:
        self.error.value = error_html(
            _BOX, message,
            note=_("Nothing changed: the container is as it was. Operations: {operations}; "
                   "paths are absolute paths inside the container.", operations=", ".join(OPERATIONS)),
        )  # fmt: skip

    def fallback(self) -> Fallback:
        """What the lab's output reads like before its cell runs."""
        return Fallback(_("Container lab"), (_("Two containers of `{image}`: pick an operation and a path, press "
                                               "Apply, and see copy-on-write step by step, the first container's "
                                               "layers, `docker diff` of both, and what the second one still sees.",
                                               image=self.image_ref),),
                        action=run_to_use(_("the container lab")))  # fmt: skip

    def __repr__(self) -> str:
        return f"<ContainerLab {self.image_ref!r}: {len(self.seconds)} operations applied>"
