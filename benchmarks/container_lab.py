"""Time one container-lab interaction (choose an operation and a path, Apply, redraw).

    python benchmarks/container_lab.py [-n 60]

Measures kernel time (the Python process's CPU time plus the `dot` child processes'),
which is what makes a widget feel slow; the browser's own rendering is not included.
The operations cycle through a chmod of the 50 MB file, appends, writes, deletes, mkdir
over a whiteout and a failing rename (EXDEV, an error shown in the widget), with a Reset
every cycle so each one starts from a fresh pair of containers.
Writes the figures to benchmarks/results-container-lab.md.
"""

from __future__ import annotations

import argparse
import statistics
import time

from widget_timing import Timings, write_results

from layerlab.course.container_examples import BIG_FILE
from layerlab.engine.host import Host
from layerlab.widgets.container_lab import ContainerLab

CYCLE = [
    ("chmod", BIG_FILE, "600"),
    ("append", "/var/log/app/app.log", "one more line"),
    ("write", "/etc/app/app.conf", "mode=prod"),
    ("delete tree", "/etc/app", ""),
    ("mkdir", "/etc/app", ""),
    ("rename", "/data", "/tmp/data"),  # EXDEV: the error path
    ("read", "/bin/busybox", ""),
    ("hard link", "/lib/libc.so.6", "/tmp/libc.link"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=64)
    args = parser.parse_args()
    started = time.perf_counter()
    lab = ContainerLab(Host(seed=1))
    first = time.perf_counter() - started
    timings = Timings()
    per_op: dict[str, list[float]] = {}
    for n in range(args.runs):
        op, path, arg = CYCLE[n % len(CYCLE)]
        if n % len(CYCLE) == 0:
            lab.reset_button.click()
        lab.operation.value, lab.path.value, lab.argument.value = op, path, arg
        timings.time(lab.apply_button.click)
        per_op.setdefault(op, []).append(timings.cpu[-1])
        assert ("EXDEV" in lab.error.value) == (op == "rename"), (op, lab.error.value)
    lines = [
        "# Container lab: choose an operation, Apply, redraw",
        "",
        f"{args.runs} interactions ({len(CYCLE)} operations in a cycle, Reset before each cycle); "
        f"opening the lab took {first * 1000:.0f} ms wall. Image: `cow-demo` (3 layers, a 50 MB file).",
        "",
        *timings.summary(),
        "",
        "| operation | median kernel CPU (ms) |",
        "|---|---:|",
        *[f"| {op} | {statistics.median(times) * 1000:.1f} |" for op, times in per_op.items()],
        "",
        "Target: under 100 ms of kernel CPU time at p95. Each Apply runs `dot` twice "
        "(copy-on-write steps and the container stack); the model's part is a few ms.",
    ]
    write_results("container-lab", lines)


if __name__ == "__main__":
    main()
