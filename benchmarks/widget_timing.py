"""Kernel time per widget interaction, and the tables the widget benchmarks write.

Kernel time is this process's CPU time plus that of its finished child processes (the `dot`
runs that draw the pictures): what makes a widget feel slow. The browser's own rendering is
not included. Used by build_lab.py, container_lab.py, dataroot_explorer.py and driver_lab.py.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: The head of a table of :meth:`Timings.row` lines, one interaction a row.
INTERACTION_HEADER = [
    "| interaction | CPU median (ms) | CPU p95 (ms) | wall median (ms) | wall p95 (ms) |",
    "|---|---:|---:|---:|---:|",
]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the dot runs)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def p95(values: list[float]) -> float:
    """The 95th percentile (needs at least two values)."""
    return statistics.quantiles(values, n=20)[-1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


@dataclass
class Timings:
    """Kernel CPU and wall seconds of each timed call, in order."""

    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    def time(self, action: Callable[..., Any], *args: Any) -> None:
        """Call ``action(*args)`` and record what it cost."""
        c0, w0 = cpu_seconds(), time.perf_counter()
        action(*args)
        self.cpu.append(cpu_seconds() - c0)
        self.wall.append(time.perf_counter() - w0)

    def row(self, label: str) -> str:
        """A row under :data:`INTERACTION_HEADER`."""
        cpu, wall = self.cpu, self.wall
        return (
            f"| {label} | {ms(statistics.median(cpu))} | {ms(p95(cpu))} | "
            f"{ms(statistics.median(wall))} | {ms(p95(wall))} |"
        )

    def summary(self) -> list[str]:
        """A small table: kernel CPU and wall time, median and p95."""
        cpu, wall = self.cpu, self.wall
        return [
            "| what | median (ms) | p95 (ms) |",
            "|---|---:|---:|",
            f"| kernel CPU time (Python + dot) | {ms(statistics.median(cpu))} | {ms(p95(cpu))} |",
            f"| wall time | {ms(statistics.median(wall))} | {ms(p95(wall))} |",
        ]


def write_results(name: str, lines: list[str]) -> None:
    """Print the report and write it to ``benchmarks/results-<name>.md``."""
    text = "\n".join(lines) + "\n"
    print(text)
    (HERE / f"results-{name}.md").write_text(text)
