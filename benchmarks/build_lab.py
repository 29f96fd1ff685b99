"""Time one build-lab interaction (edit the Dockerfile, Build, redraw) after the first build.

    python benchmarks/build_lab.py [-n 30]

Measures kernel time (the Python process's CPU time plus the `dot` child processes'),
which is what makes a widget feel slow; the browser's own rendering is not included.
Appends the figures to benchmarks/results-build.md.
"""

from __future__ import annotations

import argparse
import time

from widget_timing import HERE, Timings

from layerlab.widgets.build_lab import COURSE_DOCKERFILE, BuildLab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    lab = BuildLab()  # the first build happens here
    first = time.perf_counter() - started
    edits = [
        COURSE_DOCKERFILE.replace("ENTRYPOINT", f"ENV RUN={n}\nENTRYPOINT")
        for n in range(args.runs)
    ]
    timings = Timings()
    for text in edits:
        lab.dockerfile.value = text
        timings.time(lab.build_button.click)
        assert lab.last is not None and lab.last.cached_steps, "the edit should reuse the RUN steps"
    lines = [
        "",
        "## Build lab: edit, Build, redraw (after the first build)",
        "",
        f"{args.runs} interactions; the first build (when the lab opens) took {first * 1000:.0f} ms wall.",
        "",
        *timings.summary(),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    results = HERE / "results-build.md"
    body = results.read_text() if results.exists() else ""
    body = body.split("\n## Build lab")[0].rstrip("\n") + "\n"
    results.write_text(body + text)


if __name__ == "__main__":
    main()
