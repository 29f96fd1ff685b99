"""Time data-root explorer interactions: Next (a command runs), Back/Next over steps already
run, pick an entry, change the depth, switch the image store, a typed command, bad input.

    python benchmarks/dataroot_explorer.py [-n 40]

Measures kernel time (the Python process's CPU time plus the `dot` child processes'), which
is what makes a widget feel slow; the browser's own rendering is not included. Writes the
figures to benchmarks/results-dataroot-explorer.md.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from widget_timing import INTERACTION_HEADER, Timings, write_results

from layerlab.widgets.dataroot_explorer import COURSE_COMMANDS, DataRootExplorer

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
COMMANDS = list(COURSE_COMMANDS)  # the notebook's commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=40)
    args = parser.parse_args()
    started = time.perf_counter()
    DataRootExplorer(COMMANDS, cwd=SCENARIOS)
    first = time.perf_counter() - started

    def fresh_next(n: int, lab: DataRootExplorer) -> None:
        lab.next_button.click()  # the command runs now: model, both stores, picture, list

    def replay(n: int, lab: DataRootExplorer) -> None:
        (lab.back_button if n % 2 else lab.next_button).click()

    def pick(n: int, lab: DataRootExplorer) -> None:
        paths = [p for _, p in lab.listing.options]
        lab.listing.value = paths[(7 * n + 3) % len(paths)]

    def depth(n: int, lab: DataRootExplorer) -> None:
        lab.depth.value = 2 + n % 3

    def store(n: int, lab: DataRootExplorer) -> None:
        lab.store.value = "containerd" if lab.store.value == "overlay2" else "overlay2"

    def typed(n: int, lab: DataRootExplorer) -> None:
        lab.command.value = f"docker volume create v{n}"
        lab.run_button.click()

    def typed_back(n: int, lab: DataRootExplorer) -> None:
        lab.command.value = f"docker volume create w{n}"
        lab.run_button.click()  # steps after it had run: the host is rebuilt from its seed

    def bad(n: int, lab: DataRootExplorer) -> None:
        lab.command.value = "docker pul alpine"
        lab.run_button.click()
        assert "unsupported docker command" in lab.error.value

    plan: list[tuple[str, Callable[[int, DataRootExplorer], None], int]] = [
        ("Next: the next command runs (pull, build, run, rm, run -v, rmi)", fresh_next, 0),
        ("Back / Next over steps already run", replay, 3),
        ("pick an entry in the list (the picture opens it)", pick, 3),
        ("change the depth (2-4)", depth, 3),
        ("switch classic / containerd store", store, 3),
        ("type a command at the last step (docker volume create)", typed, 6),
        ("type a command at step 2 after all six ran (host rebuilt)", typed_back, 2),
        ("type a bad command ('docker pul alpine')", bad, 3),
    ]
    rows = []
    for label, action, step in plan:
        timings = Timings()
        for n in range(args.runs):
            if action is fresh_next:
                lab = DataRootExplorer(COMMANDS, cwd=SCENARIOS, step=n % len(COMMANDS))
            elif action is typed_back:
                lab = DataRootExplorer(COMMANDS, cwd=SCENARIOS, step=len(COMMANDS))
                lab.walk.go_to(step)
            elif n == 0 or action is typed and n % 10 == 0:
                lab = DataRootExplorer(COMMANDS, cwd=SCENARIOS, step=step)
            timings.time(action, n, lab)
            assert action is bad or lab.error.value == "", lab.error.value
        rows.append(timings.row(label))
    lines = [
        "# Data-root explorer: kernel time per interaction",
        "",
        f"`python benchmarks/dataroot_explorer.py -n {args.runs}`: {args.runs} runs of each interaction "
        f"on the notebook 01 commands (the explorer opened in {first * 1000:.0f} ms wall, first picture "
        "included). Kernel CPU time is the Python process plus its `dot` children; the browser's "
        "rendering is not included. The goal: under 100 ms at p95.",
        "",
        *INTERACTION_HEADER,
        *rows,
    ]
    write_results("dataroot-explorer", lines)


if __name__ == "__main__":
    main()
