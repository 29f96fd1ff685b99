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

CSS classes for tests and themes: ``layerlab-containerlab`` (the box), ``-operation``,
``-path``, ``-argument``, ``-apply``, ``-reset``, ``-error``, ``-status``, ``-picture``,
``-diff-a``, ``-diff-b``, ``-isolation``.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from layerlab.course.container_examples import BIG_FILE, cow_image
from layerlab.engine.host import Host
from layerlab.model.container import Container
from layerlab.model.errors import LayerlabError
from layerlab.model.lookup import lookup
from layerlab.model.operation import OPERATIONS, Outcome, apply, describe
from layerlab.model.units import human_size
from layerlab.render import container_stack, copy_up_steps, path_lookup

__all__ = ["ContainerLab"]

_CSS = "layerlab-containerlab"
DEMO_IMAGE = "cow-demo"


class ContainerLab(w.VBox):
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
        **kwargs: Any,
    ) -> None:
        if host is None:
            host = Host(seed=0)
        if image == DEMO_IMAGE and host.find(DEMO_IMAGE) is None:
            host.add(cow_image(), DEMO_IMAGE)
        self.host = host
        self.image_ref = image
        self.names = names
        self.volumes = list(volumes)
        self.last: Outcome | None = None
        self.seconds: list[float] = []  # wall time of each Apply, for measurements
        self.a, self.b = self._start()

        self.operation = w.Dropdown(
            options=list(OPERATIONS), value=operation, description="operation"
        )
        self.path = w.Combobox(
            value=path,
            options=self._paths(),
            ensure_option=False,
            description="path",
            placeholder="/data/model.bin",
        )
        self.argument = w.Text(value=argument, description="argument")
        self.apply_button = w.Button(description="Apply", button_style="primary", icon="play")
        self.reset_button = w.Button(description="Reset", icon="undo")
        for part, name in [
            (self.operation, "operation"),
            (self.path, "path"),
            (self.argument, "argument"),
            (self.apply_button, "apply"),
            (self.reset_button, "reset"),
        ]:
            part.add_class(f"{_CSS}-{name}")
        self.hint = w.HTML("")
        self.error = w.HTML("")
        self.error.add_class(f"{_CSS}-error")
        self.status = w.HTML("")
        self.status.add_class(f"{_CSS}-status")
        self.picture = w.HTML("")
        self.picture.add_class(f"{_CSS}-picture")
        self.diff_a = w.HTML("")
        self.diff_a.add_class(f"{_CSS}-diff-a")
        self.diff_b = w.HTML("")
        self.diff_b.add_class(f"{_CSS}-diff-b")
        self.isolation = w.HTML("")
        self.isolation.add_class(f"{_CSS}-isolation")
        self.apply_button.on_click(self._on_apply)
        self.reset_button.on_click(self._on_reset)
        self.operation.observe(self._on_operation, names="value")
        controls = w.HBox(
            [self.operation, self.path, self.argument, self.apply_button, self.reset_button],
            layout=w.Layout(flex_flow="row wrap"),
        )
        diffs = w.HBox(
            [self.diff_a, self.diff_b],
            layout=w.Layout(justify_content="flex-start", grid_gap="2em"),
        )
        super().__init__(
            children=[
                controls,
                self.hint,
                self.error,
                self.status,
                self.picture,
                diffs,
                self.isolation,
            ],
            **kwargs,
        )
        self.add_class(_CSS)
        self._on_operation()
        self._redraw(None)

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
        spec = OPERATIONS[self.operation.value]
        arg = (
            f" · argument: {html.escape(spec.argument)} (e.g. <code>{html.escape(spec.example)}</code>)"
            if spec.argument
            else " · no argument"
        )
        self.hint.value = (
            f"<span class='{_CSS}-hint'>as a shell user would type it: "
            f"<code>{html.escape(spec.shell)}</code>{arg}</span>"
        )

    def _on_apply(self, _button: object = None) -> None:
        try:
            self.apply()
        except Exception as exc:  # noqa: BLE001 - the learner must never see a traceback
            self._show_error(
                f"Something went wrong in the lab itself ({type(exc).__name__}: {exc})."
            )

    def _on_reset(self, _button: object = None) -> None:
        try:
            self.reset()
        except Exception as exc:  # noqa: BLE001
            self._show_error(
                f"Something went wrong in the lab itself ({type(exc).__name__}: {exc})."
            )

    def apply(self) -> Outcome | None:
        """Run the chosen operation in the first container; redraw, or show why it failed."""
        started = time.perf_counter()
        op, path, arg = self.operation.value, self.path.value, self.argument.value
        try:
            outcome = apply(self.a, op, path, arg)
        except LayerlabError as err:
            self._show_error(f"{op} {path.strip() or '(no path)'}: {err}")
            return None
        self.last = outcome
        self.error.value = ""
        self._redraw(outcome)
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
    def _redraw(self, outcome: Outcome | None) -> None:
        path = outcome.after.real if outcome is not None else self.path.value.strip() or "/"
        found = lookup(self.a, path)
        served = found.served_by
        mark = None if served is None else (served.key if served.key != "mount" else None)
        stack = container_stack(
            self.a, mark=mark, mark_note=f"serves {found.real}" if mark else ""
        ).to_html()
        first = (
            copy_up_steps(outcome).to_html()
            if outcome is not None
            else path_lookup(self.a, path, result=found).to_html()
        )
        self.picture.value = (
            f'<div class="{_CSS}-steps" style="overflow-x:auto">{first}</div>'
            f'<div class="{_CSS}-stack">{stack}</div>'
        )
        if outcome is None:
            self.status.value = (
                f"<span class='{_CSS}-copied'>two fresh containers of "
                f"<code>{html.escape(self.image_ref)}</code>: nothing copied up yet</span>"
            )
        else:
            self.status.value = (
                f"<span class='{_CSS}-copied'><b>$ {html.escape(outcome.command)}</b> in "
                f"{html.escape(self.a.name)}: {html.escape(outcome.result or outcome.summary())}; "
                f"RW layer {outcome.size_before:,} → {outcome.size_after:,} bytes</span>"
            )
        self.diff_a.value = self._diff_panel(self.a)
        self.diff_b.value = self._diff_panel(self.b)
        other = lookup(self.b, path)
        where = other.served_by.label if other.served_by is not None else "no layer"
        self.isolation.value = (
            f"<span class='{_CSS}-isolation-body'>in <b>{html.escape(self.b.name)}</b>, "
            f"<code>{html.escape(other.real)}</code> is {html.escape(describe(other.entry))} "
            f"(served by {html.escape(where)}): the other container's RW layer is its own</span>"
        )

    def _diff_panel(self, c: Container) -> str:
        text = c.diff_text() or "(no changes)"
        return (
            f"<b>$ docker diff {html.escape(c.name)}</b><pre>{html.escape(text)}</pre>"
            f"<b>SIZE</b> {human_size(c.size())} (virtual {human_size(c.virtual_size())})"
        )

    def _show_error(self, message: str) -> None:
        supported = ", ".join(OPERATIONS)
        self.error.value = (
            f"<div class='{_CSS}-error-body' style='color:#b00020'>"
            f"<b>⚠ {html.escape(message)}</b><br/>"
            f"<i>Nothing changed: the container is as it was. Operations: {html.escape(supported)}; "
            f"paths are absolute paths inside the container.</i></div>"
        )

    def __repr__(self) -> str:
        return f"<ContainerLab {self.image_ref!r}: {len(self.seconds)} operations applied>"
