"""Time one build-lab interaction (edit the Dockerfile, Build, redraw) after the first build.

    python benchmarks/build_lab.py [-n 30]

Measures kernel time (the Python process's CPU time plus the `dot` child processes'),
which is what makes a widget feel slow; the browser's own rendering is not included.
Appends the figures to benchmarks/results-build.md.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from layerlab.widgets.build_lab import COURSE_DOCKERFILE, BuildLab


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the dot runs), in µs steps."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    lab = BuildLab()  # the first build happens here
    first = time.perf_counter() - started
    edits = [COURSE_DOCKERFILE.replace("ENTRYPOINT", f"ENV RUN={n}\nENTRYPOINT") for n in range(args.runs)]
    cpu, wall = [], []
    for text in edits:
        lab.dockerfile.value = text
        c0, w0 = cpu_seconds(), time.perf_counter()
        lab.build_button.click()
        cpu.append(cpu_seconds() - c0)
        wall.append(time.perf_counter() - w0)
        assert lab.last is not None and lab.last.cached_steps, "the edit should reuse the RUN steps"
    p95 = statistics.quantiles(cpu, n=20)[-1]
    lines = [
        "",
        "## Build lab: edit, Build, redraw (after the first build)",
        "",
        f"{args.runs} interactions; the first build (when the lab opens) took {first * 1000:.0f} ms wall.",
        "",
        "| what | median (ms) | p95 (ms) |",
        "|---|---:|---:|",
        f"| kernel CPU time (Python + dot) | {statistics.median(cpu) * 1000:.1f} | {p95 * 1000:.1f} |",
        f"| wall time | {statistics.median(wall) * 1000:.1f} | {statistics.quantiles(wall, n=20)[-1] * 1000:.1f} |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    results = Path(__file__).parent / "results-build.md"
    body = results.read_text() if results.exists() else ""
    body = body.split("\n## Build lab")[0].rstrip("\n") + "\n"
    results.write_text(body + text)


if __name__ == "__main__":
    main()
