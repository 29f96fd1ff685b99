"""``layerlab``: the command-line face of the course package.

Each subcommand lives in a module of its own and registers its handler with its parser
(``set_defaults(run=...)``): :mod:`.archives` (``inspect``, ``unpack``), :mod:`.analyze`
(``analyze``), :mod:`.scenarios` (``play``, ``compare``), :mod:`.fuzz` (``fuzz``), :mod:`.engine` (``engine``), :mod:`.course` (``course
instructor``, ``course map``).

Exit codes: 0 ok, 1 bad input or a failed check (a one-line error on stderr), 2 bad usage,
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from layerlab import __version__
from layerlab.model.errors import LayerlabError

from . import analyze, archives, course, engine, fuzz, scenarios


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="layerlab",
        description="Look inside Docker image archives (docker save tars, OCI layouts), analyze them, "
        "and check the course's model against a real engine.",
    )
    parser.add_argument("--version", action="version", version=f"layerlab {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    archives.add_parsers(sub)
    analyze.add_parser(sub)
    scenarios.add_parsers(sub)
    fuzz.add_parser(sub)
    engine.add_parser(sub)
    course.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = False if args.quiet else None
    try:
        return int(args.run(args, progress))
    except LayerlabError as err:
        print(f"layerlab: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"layerlab: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("layerlab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
