"""Time the builder: the course example from scratch, then a rebuild after a one-line edit.

    python benchmarks/build.py [-n RUNS]

The first build hashes ~420 MB of synthetic layer content (base 120 MB, apt 300 MB, pip
7 MB); the rebuild after editing the last step reuses every expensive step from the build
cache, as BuildKit does, so it should take a small fraction of the time. Results go to
stdout and to benchmarks/results-build.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from layerlab.build.catalogue import base_image
from layerlab.build.context import BuildContext
from layerlab.engine.host import Host

COURSE = """FROM ubuntu:16.04
RUN apt-get update && apt-get install -y python
RUN pip install flask
COPY . /opt/source-code
ENTRYPOINT FLASK_APP=/opt/source-code/app.py flask run
"""
EDITED = COURSE.replace("ENTRYPOINT FLASK_APP", "ENTRYPOINT FLASK_DEBUG=1 FLASK_APP")


def context(dockerfile: str) -> BuildContext:
    return BuildContext.from_files({"Dockerfile": dockerfile, "app.py": "print('hello')\n"})


def measure(runs: int) -> dict[str, list[float]]:
    base_image("ubuntu:16.04")  # the catalogue's base is built once per process, like a pull
    first, rebuild, noop = [], [], []
    for _ in range(runs):
        host = Host()
        started = time.perf_counter()
        host.build(context(COURSE), "app")
        first.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = host.build(context(EDITED), "app")
        rebuild.append(time.perf_counter() - started)
        assert [s.cached for s in result.steps[1:]] == [True, True, False]
        started = time.perf_counter()
        host.build(context(EDITED), "app")
        noop.append(time.perf_counter() - started)
    return {"first build": first, "rebuild after editing the last line": rebuild, "rebuild, nothing changed": noop}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5)
    args = parser.parse_args()
    results = measure(args.runs)
    first = statistics.median(results["first build"])
    lines = [
        "# Benchmark: building the course example in the model",
        "",
        f"Written by `benchmarks/build.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"Python {platform.python_version()}, {args.runs} runs, median and worst.",
        "",
        "| what | median (ms) | worst (ms) | vs first build |",
        "|---|---:|---:|---:|",
    ]
    for name, times in results.items():
        median = statistics.median(times)
        lines.append(f"| {name} | {median * 1000:.1f} | {max(times) * 1000:.1f} | {first / median:.0f}x faster |"
                     if name != "first build" else f"| {name} | {median * 1000:.1f} | {max(times) * 1000:.1f} | 1x |")
    text = "\n".join(lines) + "\n"
    print(text)
    (Path(__file__).parent / "results-build.md").write_text(text)


if __name__ == "__main__":
    main()
