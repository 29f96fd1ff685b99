"""Time driver-lab interactions: tick a driver, change the workload, a custom Compare, Which driver?

    python benchmarks/driver_lab.py [-n 40]

Measures kernel time (the Python process's CPU time plus the `dot` child processes'), which
is what makes a widget feel slow; the browser's own rendering is not included. Writes the
figures to benchmarks/results-driver-lab.md.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from widget_timing import INTERACTION_HEADER, Timings, write_results

from layerlab.drivers import WORKLOADS
from layerlab.widgets.driver_lab import DriverLab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=40)
    args = parser.parse_args()
    started = time.perf_counter()
    lab = DriverLab()
    first = time.perf_counter() - started
    names = list(WORKLOADS)

    def tick(n: int) -> None:
        box = lab.boxes["devicemapper"]
        box.value = not box.value
        assert lab.error.value == ""

    def workload(n: int) -> None:
        lab.workload_picker.value = names[n % len(names)]  # a new one each time: len(names) > 1
        assert lab.error.value == ""

    def custom(n: int) -> None:
        lab.workload_picker.value = "custom"
        lab.containers.value, lab.file_size.value, lab.bytes_written.value = (
            str(n + 1),
            f"{n + 1} GiB",
            "1",
        )
        lab.compare_button.click()
        assert lab.error.value == ""

    def bad(n: int) -> None:
        lab.containers.value = "lots"
        lab.compare_button.click()
        assert "not a whole number" in lab.error.value

    def choose(n: int) -> None:
        lab.fs.value = ("ext4", "btrfs", "zfs", "nfs")[n % 4]
        lab.engine.value = ("20.10", "29.0")[n % 2]
        lab.choose_button.click()
        assert lab.choose_error.value == ""

    rows = []
    plan: list[tuple[str, Callable[[int], None]]] = [
        ("tick or untick a driver (4-5 drivers)", tick),
        ("change the standard workload (8 drivers)", workload),
        ("custom workload, Compare (8 drivers)", custom),
        ("bad custom value ('lots'), Compare", bad),
        ("Which driver? (choose part)", choose),
    ]
    for label, action in plan:
        if action is workload:
            for box in lab.boxes.values():  # the widest chart: all eight drivers
                box.value = True
        timings = Timings()
        for n in range(args.runs):
            timings.time(action, n)
        rows.append(timings.row(label))
    lines = [
        "# Driver lab: kernel time per interaction",
        "",
        f"`python benchmarks/driver_lab.py -n {args.runs}`: {args.runs} runs of each interaction after the lab "
        f"opened ({first * 1000:.0f} ms wall, first chart and answer included). Kernel CPU time is the Python "
        "process plus its `dot` children; the browser's rendering is not included. The goal: under 100 ms at p95.",
        "",
        *INTERACTION_HEADER,
        *rows,
    ]
    write_results("driver-lab", lines)


if __name__ == "__main__":
    main()
