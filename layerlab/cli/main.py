"""``layerlab``: the command-line face of the course package.

Each subcommand lives in a module of its own and registers its handler with its parser
(``set_defaults(run=...)``): :mod:`.archives` (``inspect``, ``unpack``), :mod:`.analyze`
(``analyze``), :mod:`.scenarios` (``play``, ``compare``), :mod:`.fuzz` (``fuzz``), :mod:`.engine` (``engine``), :mod:`.course` (``course
instructor``, ``course map``).

Exit codes: 0 ok, 1 bad input or a failed check (a one-line error on stderr), 2 bad usage,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM, as CI's stop or ``kill`` sends): both
unwind as Ctrl-C does, so what a command made on an engine and in the temp dir is removed.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from layerlab import __version__
from layerlab.i18n import N_, _, translate
from layerlab.model.errors import LayerlabError

from . import analyze, archives, course, engine, fuzz, scenarios

#: argparse's own sentences a user meets (usage, help, errors): Python has no Korean
#: catalogue for them, so the CLI's catalogue holds them (see :func:`_argparse_speaks`).
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


@contextmanager
def _argparse_speaks() -> Iterator[None]:
    """argparse in the learner's language while the parser is built and parses: it reads its
    module's ``_`` (gettext) each time it words a title, a help line or an error."""
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = translate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="layerlab",
        description=_("Look inside Docker image archives (docker save tars, OCI layouts), analyze them, "
                      "and check the course's model against a real engine."),
    )
    parser.add_argument("--version", action="version", version=f"layerlab {__version__}",
                        help=_("show program's version number and exit"))
    parser.add_argument("-q", "--quiet", action="store_true", help=_("no progress bar"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    archives.add_parsers(sub)
    analyze.add_parser(sub)
    scenarios.add_parsers(sub)
    fuzz.add_parser(sub)
    engine.add_parser(sub)
    course.add_parsers(sub)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is, so its clean-up runs as after Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():  # only the main thread handles signals
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    with _argparse_speaks():
        args = _parser().parse_args(argv)
    progress = False if args.quiet else None
    try:
        with _sigterm_unwinds():
            return int(args.run(args, progress))
    except Terminated:
        print(_("layerlab: terminated"), file=sys.stderr)
        return 143
    except LayerlabError as err:
        print(_("layerlab: error: {error}", error=err), file=sys.stderr)
        return 1
    except OSError as err:
        print(_("layerlab: error: {error}", error=f"{err.strerror or err}: {err.filename or ''}".rstrip(": ")),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("layerlab: interrupted"), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
