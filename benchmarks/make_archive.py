#!/usr/bin/env python3
"""Build the benchmark archive ``benchmarks/data/big.tar`` with a real Docker Engine.

A realistic image, built from local files only (no registry: ``FROM scratch`` plus a
static busybox): 500 MB, ~48k tar entries (~42k regular files) in 9 layers:

  0  COPY busybox /bin/busybox           one static binary (2 MB)
  1  RUN busybox --install -s /bin       ~270 symlinks
  2  COPY src/ /app/src/                 a source tree: 40k small text files (log-normal
                                         sizes, median 1.6 KB) in nested dirs (153 MB tar)
  3  COPY blobs/ /data/blobs/            4 large files of random bytes, 60 MB each
  4  COPY assets/ /app/assets/           300 medium files, random or repetitive (95 MB)
  5  COPY patch/ /app/src/               2k of the source files changed
  6  RUN rm / append / chmod / ln / ...  whiteouts, copied-up files, an opaque dir, links
  7  COPY etc/ /etc/app/                 a few config files
  8  WORKDIR /app                        an empty layer (BuildKit makes one)
  (+ ENV / CMD: history only)

Every byte comes from seeded generators, so the build context is the same on every run
(the image id still differs between engines and dates: the config records timestamps).

Idempotent: when ``big.tar`` exists and ``big.json`` says it was built from the same
spec, nothing is done (``--force`` rebuilds). Uses ``$DOCKER_HOST`` when set, otherwise
starts a private daemon (``scripts/private-dockerd``) in a short dir under /tmp and
stops it again, whatever happens.

    python benchmarks/make_archive.py [--force] [--keep-context] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
ARCHIVE = DATA / "big.tar"
STATS = DATA / "big.json"
PRIVATE_DOCKERD = REPO / "scripts" / "private-dockerd"
TAG = "layerlab-bench/big:1"
SEED = 20240601
#: Bump when the generated content or the Dockerfile changes: an old big.tar is rebuilt.
SPEC_VERSION = 1

sys.path.insert(0, str(REPO))

WORDS = (
    "def class return import from self None True False if else elif for while in not and or "
    "with as try except finally raise yield lambda async await pass break continue int str "
    "bytes list dict set tuple len range print open read write close path layer digest sha256 "
    "tar header entry file dir symlink hardlink whiteout opaque image config manifest blob "
    "const static void char unsigned struct union typedef include define ifdef endif sizeof "
    "malloc free memcpy buffer size offset count value result error status index node tree"
).split()
PUNCT = ["(", ")", ":", ",", ".", " = ", " == ", " + ", "[", "]", "{", "}", ";", "->", "_", "0", "1"]
EXTS = [".py", ".py", ".py", ".c", ".h", ".js", ".ts", ".md", ".json", ".txt", ".go", ".rs", ".yaml"]

DOCKERFILE = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin LAYERLAB_BENCH=1
COPY src/ /app/src/
COPY blobs/ /data/blobs/
COPY assets/ /app/assets/
COPY patch/ /app/src/
RUN set -e; \\
    rm -rf /app/src/pkg07 /app/src/pkg13/mod02; \\
    rm /data/blobs/blob-2.bin; \\
    for f in /app/src/pkg01/mod00/*.py; do echo '# touched' >> "$f"; done; \\
    chmod 0600 /app/src/pkg02/mod01/*.c 2>/dev/null || true; \\
    rm -rf /app/assets/icons && mkdir /app/assets/icons && echo replaced > /app/assets/icons/README; \\
    ln -s /data/blobs/blob-0.bin /data/current.bin; \\
    ln /app/src/pkg00/mod00/sub0/file0000.py /app/hardlinked.py; \\
    mkdir -p /var/log/app && echo started > /var/log/app/app.log
COPY etc/ /etc/app/
WORKDIR /app
CMD ["/bin/sh"]
"""


def log(msg: str) -> None:
    print(f"[make_archive] {msg}", flush=True)


# -- generating the build context ---------------------------------------------------


def text_corpus(rng: random.Random, size: int) -> bytes:
    """Code-like text: words, punctuation, indentation and newlines."""
    parts: list[str] = []
    n = 0
    while n < size:
        line = "    " * rng.randrange(4) + " ".join(
            rng.choice(WORDS) + (rng.choice(PUNCT) if rng.random() < 0.3 else "") for _ in range(rng.randrange(2, 12))
        )
        parts.append(line)
        n += len(line) + 1
    return ("\n".join(parts) + "\n").encode()


def random_bytes(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def small_size(rng: random.Random) -> int:
    """Source-file sizes: log-normal, median ~1.6 KB, mean ~3 KB, a few up to 200 KB."""
    return max(0, min(int(rng.lognormvariate(7.4, 1.1)), 200_000))


def make_context(ctx: Path, scale: float) -> dict[str, int]:
    rng = random.Random(SEED)
    corpus = text_corpus(rng, 8 << 20)
    counts = {"src_files": 0, "src_bytes": 0, "blob_bytes": 0, "asset_files": 0, "asset_bytes": 0, "patch_files": 0}

    busybox = Path(os.environ.get("LAYERLAB_BUSYBOX", "/bin/busybox"))
    if not busybox.exists():
        sys.exit(f"no static busybox at {busybox}: apt-get install busybox-static (or set LAYERLAB_BUSYBOX)")
    shutil.copy(busybox, ctx / "busybox")
    (ctx / "Dockerfile").write_text(DOCKERFILE)

    def text(size: int, header: str) -> bytes:
        start = rng.randrange(0, len(corpus) - size - 1) if size < len(corpus) - 1 else 0
        return f"# {header}\n".encode() + corpus[start : start + size]

    # Layer 2: a source tree, ~40k files in 40 packages x 8 modules x nested sub dirs.
    src = ctx / "src"
    files_per_leaf = max(1, round(25 * scale))
    src_paths: list[str] = []
    for p in range(40):
        for m in range(8):
            for s in range(5):
                leaf = f"pkg{p:02d}/mod{m:02d}" + (f"/sub{s}" if s else "")
                if s >= 3:
                    leaf += f"/deep{s}/deeper"
                for f in range(files_per_leaf):
                    rel = f"{leaf}/file{f:04d}{EXTS[(p + m + s + f) % len(EXTS)]}"
                    data = text(small_size(rng), rel)
                    write_file(src / rel, data)
                    src_paths.append(rel)
                    counts["src_files"] += 1
                    counts["src_bytes"] += len(data)
    # Every module also gets the files layer 6 touches (/app/src/pkgNN/mod00/*.py).
    for p in range(40):
        write_file(src / f"pkg{p:02d}/mod00/__init__.py", text(200, "init"))
        write_file(src / f"pkg{p:02d}/mod00/sub0/file0000.py", text(1000, "hardlink target"))
        counts["src_files"] += 1

    # Layer 3: a few large binary files (incompressible: random bytes).
    blobs = ctx / "blobs"
    blobs.mkdir()
    blob_size = int(60_000_000 * scale)
    for i in range(4):
        with open(blobs / f"blob-{i}.bin", "wb") as out:
            left = blob_size
            while left:
                n = min(left, 4 << 20)
                out.write(random_bytes(rng, n))
                left -= n
        counts["blob_bytes"] += blob_size

    # Layer 4: medium assets, half random (images, archives), half repetitive (svg, json).
    assets = ctx / "assets"
    for i in range(int(300 * scale) or 1):
        size = rng.randrange(50_000, 600_000)
        kind = ("img", "pack", "svg", "data")[i % 4]
        folder = ("icons" if i % 10 == 0 else f"group{i % 7}")
        if kind in ("img", "pack"):
            data = random_bytes(rng, size)
        else:
            unit = text(rng.randrange(500, 5000), f"asset {i}")
            data = (unit * (size // len(unit) + 1))[:size]
        write_file(assets / folder / f"asset{i:04d}.{kind}", data)
        counts["asset_files"] += 1
        counts["asset_bytes"] += len(data)

    # Layer 5: ~5% of the source files changed (same names, new content).
    patch = ctx / "patch"
    for rel in rng.sample(src_paths, len(src_paths) // 20):
        write_file(patch / rel, text(small_size(rng), "patched " + rel))
        counts["patch_files"] += 1

    # Layer 7: a few config files.
    for i in range(12):
        write_file(ctx / "etc" / f"conf{i:02d}.yaml", text(rng.randrange(100, 3000), f"config {i}"))
    return counts


# -- the engine ---------------------------------------------------------------------


class PrivateDaemon:
    """``scripts/private-dockerd`` in a fresh short dir under /tmp, stopped on exit."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="llb-", dir="/tmp")
        self.host = ""

    def __enter__(self) -> PrivateDaemon:
        log(f"starting a private Docker daemon in {self.dir}")
        try:
            out = subprocess.run(
                [str(PRIVATE_DOCKERD), "start", self.dir], check=True, capture_output=True, text=True
            ).stdout
        except subprocess.CalledProcessError as err:
            sys.stderr.write(err.stderr)
            self.stop()
            raise SystemExit("could not start a private Docker daemon (needs root and docker.io)") from None
        self.host = next(line.split("=", 1)[1] for line in out.splitlines() if line.startswith("DOCKER_HOST="))
        return self

    def stop(self) -> None:
        subprocess.run([str(PRIVATE_DOCKERD), "stop", self.dir], check=False)

    def __exit__(self, *exc: object) -> None:
        log(f"stopping the private Docker daemon in {self.dir}")
        self.stop()


def archive_stats(path: Path) -> dict[str, int]:
    """Counted with tarfile (independently of layerlab): layers, tar entries, regular files."""
    stats = {"archive_bytes": path.stat().st_size, "layers": 0, "entries": 0, "regular_files": 0,
             "whiteouts": 0, "opaque_markers": 0, "uncompressed_layer_bytes": 0}
    with tarfile.open(path, "r:") as outer:
        manifest = json.load(outer.extractfile("manifest.json"))  # type: ignore[arg-type]
        layers = manifest[0]["Layers"]
        stats["layers"] = len(layers)
        for name in layers:
            member = outer.getmember(name)
            stats["uncompressed_layer_bytes"] += member.size
            with tarfile.open(fileobj=outer.extractfile(member), mode="r|") as layer:
                for entry in layer:
                    stats["entries"] += 1
                    base = entry.name.rstrip("/").rpartition("/")[2]
                    if base == ".wh..wh..opq":
                        stats["opaque_markers"] += 1
                    elif base.startswith(".wh."):
                        stats["whiteouts"] += 1
                    elif entry.isreg():
                        stats["regular_files"] += 1
    return stats


def print_stats(stats: dict[str, int]) -> None:
    log(f"{ARCHIVE.relative_to(REPO)}: {stats['archive_bytes'] / 1e6:,.1f} MB, "
        f"{stats['layers']} layers, {stats['entries']:,} tar entries "
        f"({stats['regular_files']:,} regular files, {stats['whiteouts']} whiteouts, "
        f"{stats.get('opaque_markers', '?')} opaque markers)")


def build(engine_host: str, ctx: Path) -> None:
    from layerlab.real.engine import Engine

    engine = Engine(engine_host)
    server = engine.version()
    log(f"engine {server.get('Version')} at {engine_host}: docker build ({TAG})")
    t0 = time.perf_counter()
    image_id = engine.build(ctx, TAG)
    log(f"built {image_id[:19]} in {time.perf_counter() - t0:.1f}s; docker save -o {ARCHIVE.name}")
    t0 = time.perf_counter()
    tmp = ARCHIVE.with_suffix(".tar.part")
    engine.save([TAG], tmp)
    tmp.replace(ARCHIVE)
    log(f"saved in {time.perf_counter() - t0:.1f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if big.tar is up to date")
    parser.add_argument("--keep-context", action="store_true", help="keep benchmarks/data/ctx after the build")
    parser.add_argument("--scale", type=float, default=1.0, help="scale file counts and sizes (default 1.0)")
    args = parser.parse_args()

    spec = {"spec_version": SPEC_VERSION, "seed": SEED, "scale": args.scale}
    if ARCHIVE.exists() and STATS.exists() and not args.force:
        saved = json.loads(STATS.read_text())
        if saved.get("spec") == spec and saved.get("stats", {}).get("archive_bytes") == ARCHIVE.stat().st_size:
            log("up to date (use --force to rebuild)")
            print_stats(saved["stats"])
            return 0

    DATA.mkdir(parents=True, exist_ok=True)
    ctx = DATA / "ctx"
    if ctx.exists():
        shutil.rmtree(ctx)
    ctx.mkdir()
    STATS.unlink(missing_ok=True)
    try:
        t0 = time.perf_counter()
        counts = make_context(ctx, args.scale)
        log(f"build context in {time.perf_counter() - t0:.1f}s: {counts}")
        host = os.environ.get("LAYERLAB_DOCKER_HOST") or os.environ.get("DOCKER_HOST")
        if host:
            build(host, ctx)
        else:
            with PrivateDaemon() as daemon:
                build(daemon.host, ctx)
    finally:
        if not args.keep_context:
            shutil.rmtree(ctx, ignore_errors=True)

    stats = archive_stats(ARCHIVE)
    STATS.write_text(json.dumps({"spec": spec, "context": counts, "stats": stats, "tag": TAG}, indent=2) + "\n")
    print_stats(stats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
