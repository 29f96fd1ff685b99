"""``layerlab fuzz``: generated scenarios on the simulator and a real engine; each
disagreement shrunk to a minimal scenario and kept (:mod:`layerlab.compare.fuzz`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from layerlab.i18n import Texts
from layerlab.model.errors import LayerlabError

from .scenarios import engine_at_host

TEXT = Texts({
    "help": "run generated scenarios on the simulator and a real engine; shrink and keep what differs",
    "runs": "how many scenarios to try (default: %(default)s)",
    "seed": "where the generator starts: the same seed tries the same scenarios (default: %(default)s)",
    "engine": "the engine's DOCKER_HOST (default: $DOCKER_HOST); what fuzz makes there is removed again",
    "keep": "where shrunk disagreements are kept, one folder each (default: %(default)s)",
    "shrink": "seconds to spend shrinking one disagreement at most (default: %(default)s)",
    "no_hypothesis": "layerlab fuzz draws scenarios with hypothesis, which is not installed: "
                     "pip install 'layerlab[test]' (or pip install hypothesis)",
    "bad_runs": "--runs must be at least 1, got {runs}",
})


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from layerlab.compare.fuzz import DEFAULT_KEEP, SHRINK_SECONDS

    p = sub.add_parser("fuzz", help=TEXT["help"])
    p.add_argument("--runs", type=int, default=20, help=TEXT["runs"])
    p.add_argument("--seed", type=int, default=0, help=TEXT["seed"])
    p.add_argument("--engine", metavar="DOCKER_HOST", help=TEXT["engine"])
    p.add_argument("--keep", type=Path, default=DEFAULT_KEEP, metavar="DIR", help=TEXT["keep"])
    p.add_argument("--shrink-seconds", type=float, default=SHRINK_SECONDS, help=TEXT["shrink"])
    p.set_defaults(run=fuzz)


def fuzz(args: argparse.Namespace, progress: bool | None) -> int:
    from layerlab.real.engine import EngineError

    if args.runs < 1:
        raise LayerlabError(TEXT["bad_runs"].format(runs=args.runs))
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        raise LayerlabError(TEXT["no_hypothesis"]) from None
    from layerlab.compare.fuzz import fuzz as run_fuzz

    try:
        engine = engine_at_host(args.engine)
        result = run_fuzz(engine, runs=args.runs, seed=args.seed, keep=args.keep,
                          shrink_seconds=args.shrink_seconds)
    except EngineError as err:
        raise LayerlabError(str(err).splitlines()[0]) from None
    return 0 if result.differ == 0 else 1
