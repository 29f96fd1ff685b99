"""The data-root explorer: step through docker commands and watch ``/var/lib/docker`` change.

``DataRootExplorer(commands)`` shows the commands (the current one marked), Back and Next,
a box to type another command (scenario lines, ``docker pull``, or ``tree /var/lib/docker
[-L N]`` to change the view), the image store (classic overlay2 or containerd) and the tree
depth. Below: what the command printed, the tree picture with what it added, changed or
removed highlighted, a list of the directories in the picture, and for the one picked its
explanation, which command made it and what it holds.

Every bad line or impossible move shows as one message in the error area; the steps, the
picture and the selection stay as they were. Pictures are SVG inside ``ipywidgets.HTML``.

CSS classes: ``layerlab-dataroot`` (the box), ``-steps``, ``-back``, ``-next``,
``-position``, ``-command``, ``-run``, ``-store``, ``-depth``, ``-error``, ``-output``,
``-picture``, ``-list``, ``-detail``.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import ipywidgets as w

from layerlab.compare.lines import DATA_ROOT, Command
from layerlab.compare.walk import DataRootWalk, WalkError, parse_line
from layerlab.dataroot import DataRoot, Node, RootDiff
from layerlab.i18n import N_, _, translate
from layerlab.render import Picture
from layerlab.render.dataroot import MARKS, TreeRow, short_name, tree_picture, tree_rows

from .css import part
from .fallback import Fallback, ReadableBeforeRun, run_to_use
from .errors import ERROR_COLOUR, error_html, guard

__all__ = ["COURSE_COMMANDS", "DataRootExplorer"]

#: Notebook 01's commands. The build context is relative to the repository's ``scenarios/``
#: directory: pass ``cwd=`` that directory (the notebook, run from ``notebooks/``, writes
#: ``../scenarios/builds/course-app``).
COURSE_COMMANDS = (
    "docker pull alpine:3.20",
    "docker build -t course-app builds/course-app",
    "docker run --name web alpine:3.20 sh -c 'echo hello > /greeting'",
    "docker rm web",
    "docker run --rm -v notes:/notes alpine:3.20 sh -c 'echo kept > /notes/today'",
    "docker rmi alpine:3.20",
)

_BOX = "layerlab-dataroot"  # the widget's CSS class; a part's is _BOX + "-<part>"
STORE_OPTIONS = ((N_("classic store (overlay2)"), "overlay2"), (N_("containerd image store"), "containerd"))
NO_STORE = N_("no {store!r} view of {engine}: its data root is drawn as {stores}")
MAX_CONTENT = 2400
MAX_DEPTH = 8
NBSP = "\u00a0"


class DataRootExplorer(ReadableBeforeRun, w.VBox):
    """Docker commands stepped through on a simulated host, the data root drawn after each."""

    def __init__(
        self,
        commands: Iterable[str] = (),
        *,
        seed: int = 1,
        cwd: str | Path | None = None,
        store: str | None = None,
        max_depth: int = 2,
        step: int = 0,
        engine: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.walk = DataRootWalk(commands, seed=seed, cwd=cwd, engine=engine)
        if store is None:  # the image store of the engine played
            store = self.walk.stores[0]
        self.top: str | None = None  # a tree line can focus the picture on a sub-directory
        self.selected: str | None = None
        self.seconds: list[float] = []  # kernel time of each interaction, for measurements
        self.pictures: dict[str, Picture] = {}  # what the last redraw drew, by name
        self._quiet = False  # set while the list's options are replaced
        self.steps_view = part(w.HTML(""), _BOX, "steps")
        self.position = part(w.HTML(""), _BOX, "position")
        self.error = part(w.HTML(""), _BOX, "error")
        self.output = part(w.HTML(""), _BOX, "output")
        self.picture = part(w.HTML(""), _BOX, "picture")
        self.listing = part(w.Select(options=[], rows=18, layout=w.Layout(width="24em")), _BOX, "list")
        self.detail = part(w.HTML("", layout=w.Layout(width="38em")), _BOX, "detail")
        self.listing.observe(self._on_pick, names="value")
        super().__init__(
            children=[
                self.steps_view,
                w.HBox([*self._step_buttons(), self.position]),
                w.HBox(self._command_box()),
                w.HBox(self._view_choices(store, max_depth)),
                self.error,
                self.output,
                w.HBox([self.listing, self.detail]),
                self.picture,
            ],
            **kwargs,
        )
        self.add_class(_BOX)
        self.walk.go_to(step)
        self._redraw()

    def _step_buttons(self) -> list[w.Button]:
        self.back_button = part(w.Button(description=_("Back"), icon="arrow-left"), _BOX, "back")
        self.next_button = part(
            w.Button(description=_("Next"), icon="arrow-right", button_style="primary"), _BOX, "next"
        )
        self.back_button.on_click(lambda _b: self._safely(self.back))
        self.next_button.on_click(lambda _b: self._safely(self.forward))
        return [self.back_button, self.next_button]

    def _command_box(self) -> list[w.Widget]:
        self.command = part(
            w.Text(
                placeholder=_("e.g. docker run --name web alpine:3.20 true"),
                tooltip=_("a docker command to run next, or tree /var/lib/docker -L 3 to change the view"),
                layout=w.Layout(width="34em"),
            ),
            _BOX, "command",
        )  # fmt: skip
        self.run_button = part(w.Button(description=_("Run"), icon="play"), _BOX, "run")
        self.run_button.on_click(
            lambda _b: self._safely(lambda: self.type_command(self.command.value))
        )
        return [self.command, self.run_button]

    def _view_choices(self, store: str, max_depth: int) -> list[w.Widget]:
        options = [(translate(label), name) for label, name in STORE_OPTIONS if name in self.walk.stores]
        if store not in self.walk.stores:
            raise WalkError(translate(NO_STORE).format(store=store, engine=self.walk.profile.describe(),
                                            stores=", ".join(self.walk.stores)))
        self.store = part(
            w.ToggleButtons(options=options, value=store, style={"button_width": "auto"}),
            _BOX, "store",
        )  # fmt: skip
        self.depth = part(
            w.Dropdown(
                options=[(_("depth {n}", n=n), n) for n in range(1, MAX_DEPTH + 1)],
                value=max_depth,
                layout=w.Layout(width="8em"),
            ),
            _BOX, "depth",
        )  # fmt: skip
        self.store.observe(lambda _c: self._safely(self._redraw), names="value")
        self.depth.observe(lambda _c: self._quiet or self._safely(self._redraw), names="value")
        return [self.store, self.depth]

    # -- actions ------------------------------------------------------------------------
    def _safely(self, action: Callable[[], object]) -> None:
        """Run a learner's action through the widgets' guard, timing it."""
        started = time.process_time()
        guard(action, self._show_error)
        self.seconds.append(time.process_time() - started)

    def forward(self) -> None:
        """Next: the next command runs (or its step is shown again)."""
        self.walk.forward()
        self._redraw()

    def back(self) -> None:
        self.walk.back()
        self._redraw()

    def type_command(self, line: str) -> None:
        """A typed docker command runs after the current step; a tree line changes the view."""
        parsed = parse_line(line)
        if isinstance(parsed, Command):
            self.walk.run(line)
        else:
            top = parsed.full_path if parsed.path or parsed.root != DATA_ROOT else None
            if top is not None:
                self.root.node(top)  # a path that is not there: an error, the view stays
            if parsed.depth is not None:
                self._set_depth(parsed.depth)
            self.top = top
        self.command.value = ""
        self._redraw()

    def pick(self, path: str | None) -> None:
        """Show one node's explanation, maker and content (and open it in the picture)."""
        self.selected = path
        self._redraw()

    def _on_pick(self, change: dict[str, Any]) -> None:
        if not self._quiet and change.get("new") != self.selected:
            self._safely(lambda: self.pick(change.get("new")))

    def _set_depth(self, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise WalkError(_("tree -L {depth}: the explorer draws at most {most} levels", depth=depth, most=MAX_DEPTH))
        self._quiet = True
        try:
            self.depth.value = depth
        finally:
            self._quiet = False

    # -- state --------------------------------------------------------------------------
    @property
    def root(self) -> DataRoot:
        return self.walk.root(self.store.value)

    @property
    def before(self) -> DataRoot | None:
        return self.walk.before(self.store.value)

    def _node(self, path: str, diff: RootDiff | None) -> tuple[Node, str | None] | None:
        """The node at ``path`` now, or as it was before the command removed it, and what the
        command did to it (``diff``: the data root's changes since the step before)."""
        if path in self.root:
            return self.root.node(path), diff.status(path) if diff is not None else None
        before = self.before
        if before is not None and path in before:
            return before.node(path), "removed"
        return None

    # -- rendering ----------------------------------------------------------------------
    def _redraw(self) -> None:
        """Everything from the walk's current step; what the command changed is worked
        out once (``diff_since``) and shared by the picture, the list and the detail."""
        root, before = self.root, self.before
        diff = root.diff_since(before) if before is not None else None
        if self.top is not None and self.top not in root:
            self.top = None
        if self.selected is not None and self._node(self.selected, diff) is None:
            self.selected = None
        kept = self.selected if self.selected is not None and self.selected in root else None
        rows = tree_rows(root, max_depth=self.depth.value, since=before, top=self.top,
                         open_paths=[kept] if kept else [], diff=diff)  # fmt: skip
        picture = tree_picture(root, rows, diff=diff, top=self.top, selected=kept)
        self.pictures = {"tree": picture}
        self.picture.value = f"<div class='{_BOX}-svg'>{picture.to_html()}</div>"  # scaled to the column
        self._draw_listing(rows)
        self._draw_steps()
        self._draw_output(diff)
        self._draw_detail(diff)
        self.error.value = ""

    def _draw_listing(self, rows: list[TreeRow]) -> None:
        """The picture's nodes as a list to pick from, indented, with their marks."""
        options = []
        for row in rows:
            if row.node is None:
                continue
            name = row.path if row.depth == 0 else short_name(row.node.name, 20)
            mark = f"  [{MARKS[row.status]}]" if row.status else ""
            inside = "  " + _("({n} inside)", n=row.changes_inside) if row.changes_inside else ""
            slash = "/" if row.node.is_dir else ""
            options.append((f"{NBSP * 2 * row.depth}{name}{slash}{mark}{inside}", row.path))
        self._quiet = True
        try:
            self.listing.options = options
            paths = {p for _, p in options}
            self.listing.value = self.selected if self.selected in paths else None
        finally:
            self._quiet = False

    def _draw_steps(self) -> None:
        walk = self.walk
        self.steps_view.value = _commands_html(walk)
        at = {"position": walk.position, "total": len(walk.commands)}
        where = (_("step {position} of {total} (start: nothing ran yet)", **at) if walk.position == 0
                 else _("step {position} of {total}", **at))  # fmt: skip
        self.position.value = f"<span class='{_BOX}-position-text'>{where}</span>"
        self.back_button.disabled = walk.position == 0
        self.next_button.disabled = walk.at_end

    def _draw_output(self, diff: RootDiff | None) -> None:
        step = self.walk.step
        summary = (
            _("the data root of a fresh engine")
            if diff is None
            else _("in the data root: {summary}", summary=diff.summary())
        )
        printed = (
            f"<pre style='margin:0.2em 0;white-space:pre-wrap;overflow-wrap:anywhere'>{html.escape(step.output)}</pre>"
            if step.output
            else ""
        )
        failed = (
            "" if step.ok else f" <b style='color:{ERROR_COLOUR}'>{_('(docker refused: nothing changed)')}</b>"
        )
        info = html.escape("\n".join(self.root.docker_info()))
        self.output.value = (
            f"<div class='{_BOX}-output-body'><b>$ {html.escape(step.command)}</b>{failed}"
            f" · <i>{summary}</i>{printed}"
            f"<details><summary>{_('docker info (storage lines)')}</summary><pre>{info}</pre></details></div>"
        )

    def _draw_detail(self, diff: RootDiff | None) -> None:
        if self.selected is None:
            pick = _("Pick an entry in the list to see what it holds, which command made it and why.")
            self.detail.value = f"<div class='{_BOX}-detail-body'><i>{pick}</i></div>"
            return
        found = self._node(self.selected, diff)
        assert found is not None  # _redraw drops a selection that is gone
        node, status = found
        body = "".join(
            f"<tr><th style='text-align:left;vertical-align:top;padding-right:0.8em'>{k}</th><td>{v}</td></tr>"
            for k, v in _detail_rows(self.root, node, status)
        )
        self.detail.value = f"<div class='{_BOX}-detail-body'><table>{body}</table></div>"

    def _show_error(self, message: str) -> None:
        self.error.value = error_html(
            _BOX, message, note=_("Nothing changed: the steps and the picture are as they were.")
        )

    def fallback(self) -> Fallback:
        """What the explorer's output reads like before its cell runs."""
        return Fallback(_("Data-root explorer"), (_("Step through docker commands with Back and Next and watch "
                                                    "`/var/lib/docker` change: what each command added, changed or "
                                                    "removed."),),
                        action=run_to_use(_("the data-root explorer")))  # fmt: skip

    def __repr__(self) -> str:
        return f"<DataRootExplorer step {self.walk.position} of {len(self.walk.commands)}>"


def _commands_html(walk: DataRootWalk) -> str:
    """The commands as a numbered list: the current one marked, those not run yet grey."""
    items = []
    for n, command in enumerate(walk.commands, start=1):
        style = "" if n < len(walk.steps) else "color:#666666"
        text = html.escape(command)
        if n == walk.position:
            text = f"<b>▶ {text}</b>"
        items.append(f"<li style='{style}'><code>{text}</code></li>")
    return f"<ol class='{_BOX}-commands' style='margin:0.2em 0'>{''.join(items)}</ol>"


def _detail_rows(root: DataRoot, node: Node, status: str | None) -> list[tuple[str, str]]:
    """(heading, HTML) rows about one node: what it is, who made it, what it holds."""
    rows = [
        (_("path"), f"<code style='word-break:break-all'>{html.escape(node.path)}</code>"),
        (_("kind"), node.kind),
        (_("what it holds"), html.escape(node.explanation)),
        (_("made by"), html.escape(node.made_by)),
    ]
    if status:
        rows.append((_("last command"), f"<b>{MARKS[status]}</b>"))
    if node.is_dir and status != "removed":
        kids = root.children(node.path)
        names = ", ".join(html.escape(short_name(k.name, 20)) for k in kids[:12])
        if not kids:
            listed = _("empty")
        elif len(kids) > 12:
            listed = _("{count}: {names} and {more} more", count=len(kids), names=names, more=len(kids) - 12)
        else:
            listed = f"{len(kids)}: {names}"
        rows.append((_("entries"), listed))
    if node.content is not None:
        text = (
            node.content if len(node.content) <= MAX_CONTENT else node.content[:MAX_CONTENT] + "\n…"
        )
        label = _("points to") if node.kind == "symlink" else _("content")
        content = html.escape(text) or _("(empty)")
        rows.append((label, f"<pre style='white-space:pre-wrap;margin:0'>{content}</pre>"))
    return rows
