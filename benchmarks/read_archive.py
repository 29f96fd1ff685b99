#!/usr/bin/env python3
"""Time reading (and verifying) a big ``docker save`` archive against ``sha256sum`` of it.

    python benchmarks/make_archive.py          # once: builds benchmarks/data/big.tar
    python benchmarks/read_archive.py [ARCHIVE] [-n 3] [--no-unpack] [--no-write]

What is measured (wall clock, best of N after one untimed warm-up run, page cache warm
for every contender, since dropping it is not possible here):

- ``sha256sum ARCHIVE``: the target's yardstick (one pass hashing every byte);
- ``openssl dgst -sha256`` and Python's ``hashlib`` over 1 MiB reads: what one hashing
  pass costs with OpenSSL's SHA-NI/AVX code, i.e. the floor for any reader that
  verifies every byte;
- ``layerlab.read_archive(ARCHIVE, progress=False)`` in this process: parses every
  layer tar, hashes every layer (diff_id) and checks config/diff_id digests;
- ``python -m layerlab -q inspect --json ARCHIVE``: the CLI end to end (interpreter
  start, imports, read, JSON);
- ``tar -xf`` of each layer tar in order vs ``layerlab.unpack_image`` (which re-hashes
  every layer and applies whiteouts safely); both write into benchmarks/data/.

Peak memory: each contender also runs once in a child process whose own ``ru_maxrss``
comes from ``os.wait4`` (so children do not mask each other). Python's baseline is the
peak RSS of a child that only imports layerlab.

Results are printed as a markdown table and written to ``benchmarks/results.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import shutil
import ssl
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_ARCHIVE = HERE / "data" / "big.tar"
RESULTS = HERE / "results.md"
TARGET_RATIO = 1.5

sys.path.insert(0, str(REPO))


@dataclass
class Row:
    name: str
    times: list[float] = field(default_factory=list)
    rss_kb: int | None = None
    note: str = ""

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


# -- measuring --------------------------------------------------------------------------


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """One untimed warm-up call, then ``runs`` timed calls."""
    fn()
    out = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


GNU_TIME = "/usr/bin/time"


def run_child(cmd: list[str], *, cwd: Path | None = None) -> tuple[float, int]:
    """Run a command (stdout discarded); return (wall seconds, its own peak RSS in KiB).

    The peak comes from GNU time (``%M``), which forks the command from its own tiny
    process. ``ru_maxrss`` of a child spawned straight from this process would not do:
    subprocess uses vfork, and Linux carries the parent's high-water mark across exec,
    so every child would seem to use at least as much memory as this benchmark.
    """
    with tempfile.NamedTemporaryFile("r", prefix="rss-") as out:
        full = [GNU_TIME, "-f", "%M", "-o", out.name, *cmd] if os.access(GNU_TIME, os.X_OK) else cmd
        t0 = time.perf_counter()
        proc = subprocess.run(full, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, cwd=cwd, check=False)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode})")
        text = out.read().strip()
    if full is cmd or not text:
        return wall, -1
    return wall, int(text.splitlines()[-1])


def child_rss(cmd: list[str]) -> int:
    return run_child(cmd)[1]


def python_child(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


# -- contenders -------------------------------------------------------------------------


def hashlib_pass(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb", buffering=0) as f:
        buf = bytearray(1 << 20)
        view = memoryview(buf)
        while n := f.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


def extract_layer_tars(path: Path, into: Path) -> list[Path]:
    """The archive's layer tars as files, in manifest order (for ``tar -xf``)."""
    with tarfile.open(path, "r:") as outer:
        manifest = json.load(outer.extractfile("manifest.json"))  # type: ignore[arg-type]
        out = []
        for i, name in enumerate(manifest[0]["Layers"]):
            dest = into / f"layer{i}.tar"
            with outer.extractfile(name) as src, open(dest, "wb") as dst:  # type: ignore[union-attr]
                shutil.copyfileobj(src, dst, 1 << 20)
            out.append(dest)
    return out


def measure(path: Path, runs: int, unpack_dir: Path | None) -> tuple[list[Row], dict[str, object]]:
    import layerlab

    size = path.stat().st_size
    rows: list[Row] = []

    def child_timed(name: str, cmd: list[str], note: str = "") -> Row:
        run_child(cmd)  # warm-up
        row = Row(name, note=note)
        peaks = []
        for _ in range(runs):
            wall, rss = run_child(cmd)
            row.times.append(wall)
            peaks.append(rss)
        row.rss_kb = max(peaks)
        rows.append(row)
        return row

    print(f"measuring {path} ({size / 1e6:,.1f} MB), best of {runs}, warm page cache", flush=True)
    child_timed("`sha256sum`", ["sha256sum", str(path)], "the yardstick")
    if shutil.which("openssl"):
        child_timed("`openssl dgst -sha256`", ["openssl", "dgst", "-sha256", str(path)], "hashing floor (SHA-NI)")

    row = Row("Python `hashlib.sha256`, 1 MiB reads", timed(lambda: hashlib_pass(path), runs), note="hashing floor in Python")
    row.rss_kb = child_rss(python_child(
        "import sys; sys.path.insert(0, sys.argv[2]); import read_archive as r; r.hashlib_pass(sys.argv[1])",
        str(path), str(HERE)))
    rows.append(row)

    read = Row("`layerlab.read_archive(path, progress=False)`",
               timed(lambda: layerlab.read_archive(path, progress=False), runs),
               note="parse every layer tar + verify every digest")
    read.rss_kb = child_rss(python_child(
        "import sys, layerlab; layerlab.read_archive(sys.argv[1], progress=False)", str(path)))
    rows.append(read)
    baseline_kb = child_rss(python_child("import layerlab"))

    child_timed("`python -m layerlab -q inspect --json`", [sys.executable, "-m", "layerlab", "-q", "inspect", "--json", str(path)],
                "CLI end to end (start-up, imports, read, JSON)")

    archived = layerlab.read_archive(path, progress=False)
    image = archived[0].image
    stats: dict[str, object] = {
        "archive_bytes": size,
        "layers": len(image.layers),
        "layer_tar_bytes": sum(layer.tar_size for layer in image.layers),
        "entries": sum(len(layer.entries) for layer in image.layers),
        "regular_files": sum(
            1 for layer in image.layers for e in layer.entries.values() if type(e).__name__ == "File"
        ),
        "whiteouts": sum(len(layer.whiteouts) for layer in image.layers),
        "opaque_dirs": sum(len(layer.opaque) for layer in image.layers),
        "image_id": image.image_id,
        "python_baseline_rss_kb": baseline_kb,
    }

    if unpack_dir is not None:
        stats["unpack_dir"] = str(unpack_dir)
        work = Path(tempfile.mkdtemp(prefix="llbench-unpack-", dir=unpack_dir))
        try:
            print(f"unpack into {work}: extracting the layer tars for tar -xf (untimed)", flush=True)
            layer_tars = extract_layer_tars(path, work)

            def fresh(name: str) -> Path:
                target = work / name
                if target.exists():
                    shutil.rmtree(target)
                subprocess.run(["sync"], check=False)
                return target

            tar_row = Row(f"`tar -xf` of the {len(layer_tars)} layer tars", note="no whiteouts, no checks")
            lab_row = Row("`layerlab.unpack_image`", note="re-hash every layer, whiteouts, safe paths")
            for i in range(runs + 1):  # the first round is the warm-up
                target = fresh("root-tar")
                target.mkdir()
                t0 = time.perf_counter()
                for layer_tar in layer_tars:
                    subprocess.run(["tar", "-xf", str(layer_tar), "-C", str(target)], check=True)
                if i:
                    tar_row.times.append(time.perf_counter() - t0)
                target = fresh("root-layerlab")
                t0 = time.perf_counter()
                layerlab.unpack_image(image, target, progress=False)
                if i:
                    lab_row.times.append(time.perf_counter() - t0)
            fresh("root-tar")
            fresh("root-layerlab")
            tar_row.rss_kb = max(child_rss(["tar", "-xf", str(t), "-C", str(work)]) for t in layer_tars[:1])
            shutil.rmtree(work / "root-tar", ignore_errors=True)
            lab_row.rss_kb = child_rss(python_child(
                "import sys, layerlab; i = layerlab.load_image(sys.argv[1], progress=False); "
                "layerlab.unpack_image(i, sys.argv[2], progress=False)", str(path), str(work / "root-rss")))
            rows += [tar_row, lab_row]
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return rows, stats


# -- reporting --------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "?"
    mem = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    sha256sum = subprocess.run(["sha256sum", "--version"], capture_output=True, text=True).stdout.splitlines()[:1]
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu + (" (sha_ni)" if " sha_ni" in flags else ""),
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "openssl": ssl.OPENSSL_VERSION,
        "sha256sum": sha256sum[0] if sha256sum else "?",
    }


def table(rows: list[Row], size: int) -> list[str]:
    sha = next(r for r in rows if r.name == "`sha256sum`").best
    tar = next((r for r in rows if r.name.startswith("`tar -xf`")), None)
    out = [
        "| what | best (s) | median (s) | MB/s | vs sha256sum | peak RSS | notes |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = f"{r.best / sha:.2f}x"
        note = r.note
        if r.name == "`layerlab.unpack_image`" and tar is not None:
            note += f"; {r.best / tar.best:.2f}x `tar -xf`"
        rss = f"{r.rss_kb / 1024:,.1f} MiB" if r.rss_kb is not None and r.rss_kb >= 0 else "n/a"
        out.append(
            f"| {r.name} | {r.best:.3f} | {r.median:.3f} | {size / r.best / 1e6:,.0f} | {ratio} | {rss} | {note} |"
        )
    return out


def report(path: Path, rows: list[Row], stats: dict[str, object], runs: int) -> str:
    size = int(stats["archive_bytes"])  # type: ignore[call-overload]
    sha = next(r for r in rows if r.name == "`sha256sum`")
    read = next(r for r in rows if r.name.startswith("`layerlab.read_archive"))
    ratio = read.best / sha.best
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    m = machine()
    base_mib = int(stats["python_baseline_rss_kb"]) / 1024  # type: ignore[call-overload]
    read_mib = (read.rss_kb or 0) / 1024
    entries = int(stats["entries"]) + int(stats["whiteouts"]) + int(stats["opaque_dirs"])  # type: ignore[call-overload]
    lines = [
        "# Benchmark: reading a big archive",
        "",
        f"Written by `benchmarks/read_archive.py` on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC. "
        "See `benchmarks/README.md` for what is measured and how.",
        "",
        "## Machine",
        "",
        f"- {m['cpus']} CPUs: {m['cpu']}; {m['memory']} RAM; Linux {m['kernel']}",
        f"- Python {m['python']} ({m['openssl']}); {m['sha256sum']}",
        f"- 1-minute load average before the run: {float(stats.get('load_before', 0)):.2f} "  # type: ignore[arg-type]
        "(other work on the machine skews the figures)",
        "",
        "## Archive",
        "",
        f"- `{path.name}`: {size / 1e6:,.1f} MB `docker save` archive (legacy format, uncompressed layers), "
        f"{stats['layers']} layers, {stats['layer_tar_bytes'] / 1e6:,.1f} MB of layer tars",  # type: ignore[operator]
        f"- {stats['entries']:,} entries ({stats['regular_files']:,} regular files), "
        f"{stats['whiteouts']} whiteouts, {stats['opaque_dirs']} opaque directories",
        f"- image {str(stats['image_id'])[:19]}",
        "",
        f"## Results (best of {runs} after a warm-up run; warm page cache)",
        "",
        *table(rows, size),
        "",
        f"**Target (read within {TARGET_RATIO}x of `sha256sum`): {verdict}** - "
        f"`read_archive` took {read.best:.2f} s, {ratio:.2f}x `sha256sum` ({sha.best:.2f} s).",
        "",
        "Peak RSS is each contender's own maximum resident set (GNU time `%M`, one child process "
        "per run; for in-process rows, a separate child doing the same work). "
        f"A Python child that only imports layerlab peaks at {base_mib:,.1f} MiB; reading the "
        f"{size / 1e6:,.0f} MB archive peaks at {read_mib:,.1f} MiB, i.e. +{read_mib - base_mib:,.1f} MiB "
        f"({(read_mib - base_mib) * 2**20 / max(entries, 1):,.0f} bytes per tar entry): the in-memory model "
        "of the entries (which grows with the entry count, not with the bytes: file contents are streamed "
        "through 1 MiB buffers and never held).",
        "",
        *([f"Unpack targets were in `{stats['unpack_dir']}`."] if "unpack_dir" in stats else []),
        "",
    ]
    return "\n".join(lines)


def default_unpack_dir(archive: Path) -> Path:
    """tmpfs when there is room: unpacking to disk measures the disk (writeback, ext4
    discard on delete) more than the unpackers, and varied 2-5x between runs here."""
    shm = Path("/dev/shm")
    need = 3 * archive.stat().st_size
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > need:
        return shm
    return archive.parent


def main() -> int:
    parser = argparse.ArgumentParser(description="Time layerlab.read_archive against sha256sum.")
    parser.add_argument("archive", nargs="?", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("-n", "--runs", type=int, default=3, help="timed runs per contender (default 3)")
    parser.add_argument("--no-unpack", action="store_true", help="skip the tar -xf / unpack_image comparison")
    parser.add_argument("--unpack-dir", type=Path, help="where to unpack (default /dev/shm if roomy, else next to the archive)")
    parser.add_argument("--no-write", action="store_true", help=f"do not overwrite {RESULTS.relative_to(REPO)}")
    args = parser.parse_args()
    path: Path = args.archive.resolve()
    if not path.exists():
        hint = " Run: python benchmarks/make_archive.py" if args.archive == DEFAULT_ARCHIVE else ""
        print(f"{args.archive}: no such archive.{hint}", file=sys.stderr)
        return 1
    load_before = os.getloadavg()[0]
    rows, stats = measure(path, args.runs, None if args.no_unpack else (args.unpack_dir or default_unpack_dir(path)))
    stats["load_before"] = load_before
    text = report(path, rows, stats, args.runs)
    print()
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)
        print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
