"""``layerlab play`` and ``layerlab compare``: run scenarios of docker commands on the simulated
host, on a real Docker Engine, or on both to report where they differ.

``compare`` needs no flags beyond the engine's address: the simulator plays that engine
(version, image store, storage driver from its ``docker info``), driven by its own client."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from layerlab.i18n import N_, _, translate
from layerlab.model.errors import LayerlabError

if TYPE_CHECKING:
    from layerlab.real.engine import Engine

HOST_HELP = N_("the engine's DOCKER_HOST (default: $DOCKER_HOST)")
ENGINE_HELP = N_("the engine the simulated host plays: {names} (default: $LAYERLAB_ENGINE, else {default})")


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from layerlab.engine.profile import DEFAULT_PROFILE, PROFILES

    p = sub.add_parser("play", help=_("run a scenario of docker commands on the simulated host (or --real)"))
    p.add_argument("scenario", type=Path)
    p.add_argument("--real", action="store_true", help=_("run it on a real Docker Engine instead"))
    p.add_argument("--host", help=_("the engine's DOCKER_HOST (default: $DOCKER_HOST); implies --real"))
    p.add_argument("--engine", metavar="PROFILE",
                   help=translate(ENGINE_HELP).format(names=", ".join(PROFILES), default=DEFAULT_PROFILE))
    p.set_defaults(run=play)

    p = sub.add_parser("compare", help=_("run scenarios on the simulator and a real engine; report differences"))
    p.add_argument("scenarios", type=Path, nargs="+")
    p.add_argument("--host", help=translate(HOST_HELP))
    p.set_defaults(run=compare)


def engine_at_host(host: str | None) -> Engine:
    """The engine that answers at ``host`` (or $DOCKER_HOST); says which it is, and which
    client drives it, on stderr."""
    from layerlab.real.discovery import find_engine

    engine, reason = find_engine(host)
    if engine is None:
        raise LayerlabError(
            _("{reason}: set DOCKER_HOST or pass --host (e.g. unix:///var/run/docker.sock)", reason=reason)
        )
    profile = engine.profile()
    print(_("layerlab: {engine} at {host}, driven by {client}",
            engine=profile.describe(), host=engine.host, client=engine.cli), file=sys.stderr)
    if engine.client.notice:
        print(f"layerlab: {engine.client.notice}", file=sys.stderr)
    return engine


def play(args: argparse.Namespace, progress: bool | None) -> int:
    from layerlab.compare.scenario import play as play_scenario
    from layerlab.engine.profile import get_profile
    from layerlab.real.engine import EngineError

    real = args.real or args.host is not None
    if real and args.engine:
        raise LayerlabError(
            _("--engine picks the engine the simulator plays: with --real or --host the engine is real")
        )
    try:
        engine = engine_at_host(args.host) if real else None
        profile = None if real else get_profile(args.engine)
        return 0 if play_scenario(args.scenario, engine=engine, profile=profile) else 1
    except EngineError as err:
        raise LayerlabError(str(err).splitlines()[0]) from None


def compare(args: argparse.Namespace, progress: bool | None) -> int:
    from layerlab.compare.scenario import compare_scenario
    from layerlab.real.engine import EngineError

    try:
        engine = engine_at_host(args.host)
        passed = failed = 0
        for path in args.scenarios:
            for report in compare_scenario(path, engine):
                passed += report.passed
                failed += not report.passed
    except EngineError as err:
        raise LayerlabError(str(err).splitlines()[0]) from None
    print(_("{passed} passed, {failed} failed", passed=passed, failed=failed))
    return 0 if failed == 0 else 1
