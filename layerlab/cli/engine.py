"""``layerlab engine``: which one is my host? The engine a ``docker info`` describes, its
image store, how to tell, and the profile that plays it (:mod:`layerlab.engine.docker_info`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layerlab.i18n import Texts
from layerlab.model.errors import LayerlabError

TEXT = Texts({
    "help": "which one is my host? the engine and image store a docker info describes, and the profile that plays it",
    "info": "what `docker info` printed (a file, or - for stdin); default: ask the engine at --host / $DOCKER_HOST",
    "host": "the engine's DOCKER_HOST (default: $DOCKER_HOST)",
    "no_file": "no such file: {path} (save what `docker info` printed into it, or pass - and paste it)",
})


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("engine", help=TEXT["help"])
    source = p.add_mutually_exclusive_group()
    source.add_argument("--info", metavar="FILE", help=TEXT["info"])
    source.add_argument("--host", metavar="DOCKER_HOST", help=TEXT["host"])
    p.set_defaults(run=engine)


def engine(args: argparse.Namespace, progress: bool | None) -> int:
    from layerlab.engine.docker_info import which_engine

    if args.info is not None:
        if args.info == "-":
            text = sys.stdin.read()
        elif Path(args.info).is_file():
            text = Path(args.info).read_text(errors="replace")
        else:
            raise LayerlabError(TEXT["no_file"].format(path=args.info))
        print(which_engine(text).explain())
        return 0
    from layerlab.real.engine import EngineError

    from .scenarios import engine_at_host

    try:
        print(which_engine(engine_at_host(args.host).info()).explain())
    except EngineError as err:
        raise LayerlabError(str(err).splitlines()[0]) from None
    return 0
