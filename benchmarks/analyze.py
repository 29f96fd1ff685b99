#!/usr/bin/env python3
"""Time ``layerlab analyze`` on the big benchmark archive against reading (and hashing) it.

    python benchmarks/make_archive.py      # once: builds benchmarks/data/big.tar
    python benchmarks/analyze.py [ARCHIVE] [-n 5]

What is measured (wall clock, best and median of N after one untimed warm-up, page cache
warm), all in this process:

- ``read_archive``: parse every layer tar, hash every byte (diff_ids), verify digests:
  the yardstick ("the time to read and hash the archive");
- ``analyze`` alone on the image already read: the pass up the layers (A/M/D marks,
  hashing the same-size files a later layer stores again to tell M from unchanged), the
  fate of every stored copy, efficiency, dive's figures, fixes;
- per-driver costs (all eight driver models) and the JSON object;
- read + analysis + drivers + JSON: what ``layerlab analyze --json`` does after start-up;
- ``python -m layerlab -q analyze --json`` end to end, and ``sha256sum`` for reference.

Target: read + analysis + drivers + JSON within 2x of ``read_archive``.
Writes ``benchmarks/results-analyze.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from read_archive import DEFAULT_ARCHIVE, machine, timed  # noqa: E402

from layerlab import read_archive  # noqa: E402
from layerlab.analysis import analyze  # noqa: E402
from layerlab.analysis.costs import driver_costs  # noqa: E402

RESULTS = HERE / "results-analyze.md"
TARGET = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", nargs="?", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("-n", "--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.archive.exists():
        print(f"no {args.archive}: run benchmarks/make_archive.py first", file=sys.stderr)
        return 1
    path, runs = args.archive, args.runs
    load = os.getloadavg()[0]

    def read():
        return read_archive(path, progress=False)[0]

    archived = read()
    image = archived.image

    def analysis():
        return analyze(image, progress=False)

    def costs():
        return driver_costs(image)

    def json_object():
        a = analyze(image, progress=False)
        return json.dumps(a.to_json())

    def everything():
        a = analyze(read_archive(path, progress=False)[0].image, progress=False)
        return json.dumps(a.to_json())

    rows: list[tuple[str, list[float], str]] = []
    rows.append(("`read_archive` (read + hash + verify)", timed(read, runs), "the yardstick"))
    rows.append(
        (
            "`analyze` on the image already read",
            timed(analysis, runs),
            "marks, copy fates, efficiency, dive's figures, fixes (file hashes cached by the warm-up; the read + ... row pays for them)",
        )
    )
    rows.append(
        ("`driver_costs` (8 driver models)", timed(costs, runs), "vfs stacks a tree per layer")
    )
    rows.append(
        ("`analyze` + drivers + JSON", timed(json_object, runs), "everything after the read")
    )
    rows.append(
        ("read + analyze + drivers + JSON", timed(everything, runs), "what `analyze --json` does")
    )
    cli = [sys.executable, "-m", "layerlab", "-q", "analyze", "--json", str(path)]
    rows.append(
        (
            "`python -m layerlab -q analyze --json`",
            timed(lambda: subprocess.run(cli, stdout=subprocess.DEVNULL, check=True), runs),
            "end to end: start-up, imports, read, analysis, JSON",
        )
    )
    rows.append(
        (
            "`sha256sum`",
            timed(
                lambda: subprocess.run(
                    ["sha256sum", str(path)], stdout=subprocess.DEVNULL, check=True
                ),
                runs,
            ),
            "for reference",
        )
    )

    from layerlab.widgets import ImageExplorer

    explorer = ImageExplorer(analyze(image, "big", progress=False))
    explorer.seconds.clear()
    for _ in range(runs):
        for index in range(len(image.layers)):
            explorer.layer_pick.value = index
    switches = sorted(explorer.seconds)
    biggest = max(range(len(image.layers)), key=lambda i: len(image.layers[i].entries))

    base = min(rows[0][1])
    full = min(rows[4][1])
    a = analyze(image, progress=False)
    info = machine()
    lines = [
        "# Benchmark: analysing a big archive",
        "",
        f"Written by `benchmarks/analyze.py` on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        f"- 1-minute load average before the run: {load:.2f} (other work on the machine skews the figures)",
        "",
        "## Archive",
        "",
        f"- `{path.name}`: {path.stat().st_size / 1e6:.1f} MB, {len(image.layers)} layers, "
        f"{sum(len(layer.entries) for layer in image.layers):,} entries",
        f"- total_bytes {a.total_bytes:,}, final_bytes {a.final_bytes:,}, wasted_bytes {a.wasted_bytes:,}, "
        f"efficiency {a.efficiency:.4f} (dive would say wasted {a.figures.dive_wasted_bytes:,}, "
        f"efficiency {a.figures.dive_efficiency:.4f})",
        f"- {sum(1 for layer in a.layers for _ in range(layer.modified)):,} modified entries, "
        f"{len(a.walked.lost):,} lost copies, {len(a.fixes)} fixes",
        "",
        f"## Results (best and median of {runs} after a warm-up; warm page cache)",
        "",
        "| what | best (s) | median (s) | vs read_archive | notes |",
        "|---|---:|---:|---:|---|",
    ]
    for name, times, note in rows:
        lines.append(
            f"| {name} | {min(times):.3f} | {statistics.median(times):.3f} | {min(times) / base:.2f}x | {note} |"
        )
    p95 = switches[int(0.95 * (len(switches) - 1))]
    lines += [
        "",
        f"Image explorer (kernel CPU per layer switch, {len(switches)} switches over every layer): "
        f"p50 {statistics.median(switches) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {switches[-1] * 1000:.1f} ms "
        f"(the biggest layer, {biggest}, lists {len(image.layers[biggest].entries):,} entries; 300 rows are drawn).",
        "",
        "dive's figures are dive's formulas as layerlab computes them (one node per entry or whiteout per "
        "layer; opaque markers are not counted, so the files layer 6's opaque directory hides are missing "
        "from them, which is why they can come out lower here despite counting kept copies twice).",
    ]
    met = "met" if full <= TARGET * base else "NOT met"
    lines += [
        "",
        f"**Target (analysis within {TARGET:.0f}x of reading and hashing the archive): {met}** - "
        f"read + analysis + drivers + JSON took {full:.2f} s, {full / base:.2f}x `read_archive` ({base:.2f} s).",
        "",
    ]
    text = "\n".join(lines)
    RESULTS.write_text(text)
    print(text)
    return 0 if full <= TARGET * base else 1


if __name__ == "__main__":
    sys.exit(main())
