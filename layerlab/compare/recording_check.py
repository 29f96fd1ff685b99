"""Whether an engine's new recording of the course's cells says what the stored one says.

An engine's ``docker images`` SIZE with the containerd image store varies from run to run
(D15: build-time file dates inside layers change the gzip length by a byte or two, and Go
drops trailing zeros of nanosecond times), so a small image's last digit can flip between
two recordings (``36.3kB`` / ``36.4kB``). Two recordings agree when they are equal, or
when they differ only in such SIZE values and the model's interval for that image
(:mod:`.size_range`) admits both: what can be known agrees, everything else stays exact.
"""

from __future__ import annotations

from pathlib import Path

from layerlab.engine.host import Host

from .beside import Column, cell_commands
from .engine_builds import needs_engine
from .recording import Recording
from .simulated import SimulatedSide
from .size_range import admitted_lines, image_size_ranges

__all__ = ["differs_only_within_sizes"]


def differs_only_within_sizes(stored: Recording, fresh: Recording, base: Path) -> bool:
    """The module doc's rule: the simulator (playing ``fresh``'s profile) runs the cells from
    ``base``; every line whose two recorded outputs differ must be a ``docker images`` whose
    differing SIZE values the model's interval admits on both sides."""
    if stored.profile != fresh.profile or [c["lines"] for c in stored.cells] != [c["lines"] for c in fresh.cells]:
        return False
    host = Host(engine=fresh.profile)
    sim = Column(SimulatedSide(Path(base), host), Path(base), set())
    for old_cell, new_cell in zip(stored.cells, fresh.cells):
        commands = cell_commands("\n".join(new_cell["lines"]))
        for command, old, new in zip(commands, old_cell["outputs"], new_cell["outputs"]):
            if needs_engine(command, sim.base):
                sim.note_made(command)
                if old != new:
                    return False
                continue
            mine = sim.lines(command)
            if old == new:
                continue
            ranges = image_size_ranges(host)
            if command.verb != "images" or admitted_lines(mine, old, ranges) != old \
                    or admitted_lines(mine, new, ranges) != new:
                return False
    return True
