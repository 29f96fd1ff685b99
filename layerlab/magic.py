"""``%%docker``: type docker command lines in a notebook cell, run them on a simulated host.

    %load_ext layerlab.magic

    %%docker
    # comments are fine
    docker build -t my-app ../scenarios/builds/first
    docker history my-app

Each line runs as in a scenario (:mod:`layerlab.compare.lines`), with paths relative to the
notebook's working directory, and prints what docker prints after a ``$ command`` line.
A failing line prints one ``ERROR: ...`` line (never a traceback) and stops the cell,
like ``set -e``. One host per kernel: later cells see earlier cells' images.
``%%docker --new`` starts over with a fresh host (for this and later cells);
``register(host)`` makes the magic use a Host the notebook already has.

``%%docker --beside`` (or ``--compare``) runs the lines on the simulated host and on a real
Docker Engine (``$DOCKER_HOST``, else ``/var/run/docker.sock``) and shows both outputs side
by side, ids and times normalised, differing lines marked (:mod:`layerlab.compare.beside`).
With no engine it says so in one line and shows what an engine printed for the same lines
when they were recorded (``recorded/*.json`` beside the notebook).

IPython is imported only when the extension is loaded, so the core model never needs it.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from layerlab.compare.facts import observe
from layerlab.compare.lines import parse_scenario
from layerlab.compare.simulated import SimulatedSide
from layerlab.engine.host import Host
from layerlab.i18n import _, translate
from layerlab.model.errors import LayerlabError

if TYPE_CHECKING:
    from layerlab.compare.beside import EngineRun

__all__ = ["current_host", "load_ipython_extension", "register", "run_beside", "run_cell"]



class _Session(TypedDict, total=False):
    """What ``%%docker`` keeps between the cells of one kernel."""

    host: Host  #: the simulated host every cell runs on
    beside_tags: set[str]  #: tags ``--beside`` lines made, removed before a tag is reused
    engine_run: EngineRun  #: the engine's side of ``--beside``, kept while the engine is the same


_state: _Session = {}
#: Where a line of output goes: ``print`` in a notebook, a list's ``append`` in tests.
Echo = Callable[[str], object]

OPTIONS = ("--new", "--beside", "--compare")
#: Where ``--beside`` looks for recorded engine outputs, relative to the notebook.
RECORDED = Path("recorded")
DEFAULT_SOCKET = Path("/var/run/docker.sock")


def current_host() -> Host:
    """The kernel's host (created on first use)."""
    if "host" not in _state:
        _state["host"] = Host()
    return _state["host"]


def run_cell(cell: str, host: Host, cwd: Path | None = None, echo: Echo = print) -> bool:
    """Run every docker line of ``cell`` on ``host``; False (after one ERROR line) if one failed."""
    try:
        commands = parse_scenario(cell)
    except LayerlabError as err:
        echo(_("ERROR: {error}", error=err))
        return False
    side = SimulatedSide(Path(cwd) if cwd is not None else Path.cwd(), host)
    for n, command in enumerate(commands):
        echo(f"$ {command.text}")
        observed = observe(side, command)  # a malformed line is an ERROR line, never a traceback
        ok, output = observed.ok, observed.output
        if output:
            echo(output.rstrip() if ok else " ".join(output.split()))
        if not ok:
            left = len(commands) - n - 1
            if left:
                echo(_("(stopped here: 1 later line not run)") if left == 1
                     else _("(stopped here: {n} later lines not run)", n=left))
            return False
    return True


def reachable_engine(timeout: float = 5.0) -> tuple[Any, str]:
    """(engine, "") when one answers, else (None, one line saying why not)."""
    from layerlab.real.discovery import find_engine

    return find_engine(default_socket=DEFAULT_SOCKET, timeout=timeout)


def run_beside(
    cell: str,
    host: Host,
    cwd: Path | None = None,
    engine: Any = None,
    reason: str = "",
    echo: Echo = print,
    show: Callable[[object], object] | None = None,
    fresh: bool = False,
) -> bool:
    """``%%docker --beside``: both sides as a :class:`~layerlab.render.side_by_side.BesideView`.

    With ``engine`` None, ``reason`` is printed and the recorded outputs are used. False
    (after one ERROR line) when the lines are not valid or no recording has them. ``fresh``
    (``--new``) starts the engine's side afresh too, as ``layerlab compare`` does: the tags,
    containers and volumes the lines make are removed first and the build cache is pruned,
    so what is CACHED depends on these lines only, not on what the engine built before.
    """
    from layerlab.compare.beside import beside_live, beside_recorded
    from layerlab.render.side_by_side import BesideView

    base = Path(cwd) if cwd is not None else Path.cwd()
    tags = _state.setdefault("beside_tags", set())
    try:
        if engine is not None:
            run = _engine_run(engine, base, cell, fresh, echo)
            beside = beside_live(cell, host, run, tags=tags)
        else:
            beside = beside_recorded(cell, host, base / RECORDED, base, tags=tags)
            echo(_("{reason}: showing outputs {label}", reason=translate(reason), label=beside.engine_label))
    except LayerlabError as err:
        echo(_("ERROR: {error}", error=err))
        return False
    (show or echo)(BesideView(beside))
    return True


def _engine_run(engine: Any, base: Path, cell: str, fresh: bool, echo: Echo) -> EngineRun:
    """The kernel's side on ``engine`` (kept from cell to cell while engine and folder stay
    the same); with ``fresh``, what the lines make is removed from the engine first."""
    from layerlab.compare.beside import EngineRun, cell_commands
    from layerlab.compare.scenario import clean_engine

    run = _state.get("engine_run")
    if run is None or run.engine.host != engine.host or run.base != base:
        _close_engine_run()  # what the old run's lines made goes, with its temp folder
        run = _state["engine_run"] = EngineRun(engine, base)
        atexit.unregister(_close_engine_run)
        atexit.register(_close_engine_run)  # and this one's when the kernel ends
    if fresh:
        clean_engine(engine, cell_commands(cell), base)
        echo(_("Docker Engine {version} answers at {host}: running the lines on it (--new: first removed "
               "what they make and pruned its build cache)", version=run.version, host=engine.host))
    else:
        echo(_("Docker Engine {version} answers at {host}: running the lines on it",
               version=run.version, host=engine.host))
    return run


def _close_engine_run() -> None:
    """Remove what ``--beside`` lines made on the engine, and the run's temp folder."""
    run = _state.pop("engine_run", None)
    if run is not None:
        run.close()


def _magics_class() -> type:
    from IPython.core.magic import Magics, cell_magic, magics_class

    @magics_class
    class DockerMagic(Magics):
        """The ``%%docker`` cell magic (see the module docstring)."""

        @cell_magic
        def docker(self, line: str, cell: str) -> None:
            options = line.split()
            unknown = [o for o in options if o not in OPTIONS]
            if unknown:
                print(
                    _("ERROR: %%docker: unknown option {option!r} (supported: {options})",
                      option=unknown[0], options=", ".join(OPTIONS))
                )
                return
            if "--new" in options:
                _state["host"] = Host()
                _state.pop("beside_tags", None)
                _close_engine_run()
            if "--beside" in options or "--compare" in options:
                from IPython.display import display

                engine, reason = reachable_engine()
                run_beside(
                    cell,
                    current_host(),
                    engine=engine,
                    reason=reason,
                    show=display,
                    fresh="--new" in options,
                )
                return
            run_cell(cell, current_host())

    return DockerMagic


def __getattr__(name: str) -> Any:
    if name == "DockerMagic":  # built lazily: importing this module must not need IPython
        return _magics_class()
    raise AttributeError(name)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext layerlab.magic``: register ``%%docker`` on this shell."""
    ipython.register_magics(_magics_class())


def register(host: Host | None = None, ipython: Any = None) -> Host:
    """Make ``%%docker`` use ``host`` (default: a fresh one) and register it; returns the host."""
    _state["host"] = host if host is not None else Host()
    if ipython is None:
        try:
            from IPython import get_ipython

            ipython = get_ipython()
        except ImportError:
            ipython = None
    if ipython is not None:
        load_ipython_extension(ipython)
    return _state["host"]
