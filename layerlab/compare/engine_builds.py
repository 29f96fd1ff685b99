"""Builds only an engine can make, shared by both sides.

A Dockerfile that starts FROM scratch and RUNs something runs busybox, which the model
cannot run. ``compare`` and ``%%docker --beside`` both build such an image on the engine and
load it into the simulator, so the lines after it see the same image on both sides.
"""

from __future__ import annotations

from pathlib import Path

from .arguments import UNTAGGED, parse_build
from .facts import Observation, observe
from .lines import Command
from .real_side import RealSide
from .simulated import SimulatedSide

__all__ = ["build_on_engine", "needs_engine"]


def needs_engine(command: Command, base: Path) -> bool:
    """A ``docker build`` whose first stage is FROM scratch and RUNs something."""
    return command.verb == "build" and parse_build(command.args, base).needs_engine


def build_on_engine(command: Command, real: RealSide, sim: SimulatedSide) -> Observation:
    """The engine's build of ``command`` (a failure is an ERROR observation, never a
    traceback); when it succeeds, its image is loaded into ``sim``."""
    observed = observe(real, command)
    if observed.ok:
        archive = real.save(parse_build(command.args, real.base).tag or UNTAGGED, "built.tar")
        sim.load_built(archive, real.last_context)
        archive.unlink()
    return observed
