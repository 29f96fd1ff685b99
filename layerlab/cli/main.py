"""The ``layerlab`` command: look inside real image archives from a terminal.

Exit codes: 0 ok, 1 bad input (a one-line error on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from layerlab import __version__
from layerlab.analysis.inspect import inspect_json, inspect_text
from layerlab.archive import read_archive, unpack_image, unpack_layer
from layerlab.archive.read import select
from layerlab.model.errors import LayerlabError

from .analyze import add_parser as add_analyze_parser
from .analyze import run as run_analyze


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="layerlab", description="Look inside Docker image archives (docker save tars, OCI layouts)."
    )
    parser.add_argument("--version", action="version", version=f"layerlab {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("inspect", help="image id, layers (diff_id, chain_id, size, changes) and history")
    p.add_argument("archive", type=Path, help="docker save tar, OCI layout directory or OCI layout tar")
    p.add_argument("--image", help="tag, id prefix or index, when the archive holds several images")
    p.add_argument("--json", action="store_true", help="print a stable JSON object")

    p = sub.add_parser("unpack", help="write the image's root filesystem into a new directory, safely")
    p.add_argument("archive", type=Path)
    p.add_argument("dir", type=Path, help="target directory (must not exist, or be empty)")
    p.add_argument("--image", help="tag, id prefix or index, when the archive holds several images")
    p.add_argument("--layer", type=int, help="unpack only this layer (0 = bottom)")
    p.add_argument("--allow-devices", action="store_true", help="create device nodes (needs root)")

    add_analyze_parser(sub)

    p = sub.add_parser("play", help="run a scenario of docker commands on the simulated host (or --real)")
    p.add_argument("scenario", type=Path)
    p.add_argument("--real", action="store_true", help="run it on a real Docker Engine instead")
    p.add_argument("--host", help="the engine's DOCKER_HOST (default: $DOCKER_HOST)")

    p = sub.add_parser("compare", help="run scenarios on the simulator and a real engine; report differences")
    p.add_argument("scenarios", type=Path, nargs="+")
    p.add_argument("--host", help="the engine's DOCKER_HOST (default: $DOCKER_HOST)")

    p = sub.add_parser("course", help="the course's own tools: the instructor view, the course map")
    course = p.add_subparsers(dest="course_command", required=True, metavar="TOOL")
    q = course.add_parser("instructor", help="write the notebooks with their exercises' answers as Markdown")
    q.add_argument("outdir", type=Path, nargs="?", default=Path("instructor"), help="default: instructor/")
    q.add_argument("--notebooks", type=Path, default=Path("notebooks"), help="default: notebooks/")
    q = course.add_parser("map", help="print the course map, a Markdown table of the notebooks")
    q.add_argument("--base", default="", help="prefix of the links, e.g. notebooks/ for the README")
    q.add_argument("--current", type=int, help="the notebook shown as (this one), not linked")
    return parser


def _course(args: argparse.Namespace) -> int:
    if args.course_command == "map":
        from layerlab.course.map import course_map

        print(course_map(args.base, current=args.current), end="")
        return 0
    from layerlab.course.instructor import write_instructor_view

    if not args.notebooks.is_dir():
        raise LayerlabError(f"no notebooks directory {args.notebooks} (run from the repository's root, or pass --notebooks)")
    written = write_instructor_view(args.notebooks, args.outdir)
    print(f"wrote {len(written)} files into {args.outdir}")
    return 0


def _engine(host: str | None):  # type: ignore[no-untyped-def]
    from layerlab.real.discovery import find_engine

    engine, reason = find_engine(host)
    if engine is None:
        raise LayerlabError(f"{reason}: set DOCKER_HOST or pass --host (e.g. unix:///var/run/docker.sock)")
    return engine


def _scenarios(args: argparse.Namespace) -> int:
    from layerlab.compare.scenario import compare_scenario, play
    from layerlab.real.engine import EngineError

    try:
        if args.command == "play":
            return 0 if play(args.scenario, engine=_engine(args.host) if args.real else None) else 1
        engine = _engine(args.host)
        passed = failed = 0
        for path in args.scenarios:
            for report in compare_scenario(path, engine):
                passed += report.passed
                failed += not report.passed
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1
    except EngineError as err:
        raise LayerlabError(str(err).splitlines()[0]) from None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = False if args.quiet else None
    try:
        if args.command in ("play", "compare"):
            return _scenarios(args)
        if args.command == "course":
            return _course(args)
        if args.command == "analyze":
            return run_analyze(args, progress)
        archived = select(read_archive(args.archive, progress=progress), args.image)
        if args.command == "inspect":
            if args.json:
                print(json.dumps(inspect_json(archived.image, archived.tags), indent=2))
            else:
                print(inspect_text(archived.image, archived.tags))
        elif args.command == "unpack":
            image = archived.image
            if args.layer is not None:
                if not 0 <= args.layer < len(image.layers):
                    raise LayerlabError(f"no layer {args.layer}: the image has {len(image.layers)} (0..{len(image.layers) - 1})")
                unpack_layer(image.layers[args.layer], args.dir, allow_devices=args.allow_devices, progress=progress)
            else:
                unpack_image(image, args.dir, allow_devices=args.allow_devices, progress=progress)
            print(f"unpacked {archived.image.image_id[7:19]} into {args.dir}")
    except LayerlabError as err:
        print(f"layerlab: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"layerlab: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("layerlab: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
