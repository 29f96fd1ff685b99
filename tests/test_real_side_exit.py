"""A foreground ``docker run`` on the real side returns once the listings see it exited.

moby tells ``docker run`` the container stopped before it writes the state that ``ps`` and
``system df`` read, so a listing right after can still count it as running (Engine 28's
``system df`` did so in CI). The fake engine below lags like that."""

from __future__ import annotations

import subprocess
from pathlib import Path

from layerlab.compare.lines import Command, parse_scenario
from layerlab.compare.real_side import RealSide


class LaggingEngine:
    """``ps`` lists a foreground container as running for ``lag`` more calls after its run."""

    def __init__(self, lag: int) -> None:
        self.lag = lag
        self.running: dict[str, int] = {"idle": 10**6}  # a detached container that keeps running
        self.calls: list[list[str]] = []

    def docker(self, args: list[str], *, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        self.calls.append(args)
        out = ""
        if args[0] == "run":
            self.running[f"c{len(self.calls)}"] = 10**6 if "-d" in args else self.lag
        elif args[:2] == ["ps", "-q"]:
            out = "".join(f"{c}\n" for c in self.running)
            self.running = {c: n - 1 for c, n in self.running.items() if n > 1}
        return subprocess.CompletedProcess(args, 0, out, "")


def _line(text: str) -> Command:
    return parse_scenario(text + "\n")[0]


def test_a_foreground_run_waits_until_ps_sees_it_exited(tmp_path: Path) -> None:
    engine = LaggingEngine(lag=3)
    with RealSide(tmp_path, engine) as side:
        side.run(_line("docker run app sh -c 'echo hi > /x'"))
    listings = [c for c in engine.calls if c[:2] == ["ps", "-q"]]
    assert len(listings) == 1 + 3 + 1  # one before the run, three that lag, one that sees it exited
    assert set(engine.running) == {"idle"}


def test_a_detached_run_does_not_wait(tmp_path: Path) -> None:
    engine = LaggingEngine(lag=3)
    with RealSide(tmp_path, engine) as side:
        side.run(_line("docker run -d --name up app sleep 1000"))
    assert [c for c in engine.calls if c[:2] == ["ps", "-q"]] == []
