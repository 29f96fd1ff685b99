"""BuildKit's plain progress output (``docker build --progress plain``), read once.

The log numbers its vertices (``#5 [2/3] RUN ...``), marks reused ones ``#5 CACHED``, and
ends with ``naming to docker.io/library/app:1``. A status still running when progress is
printed shows again when it is done (``... done``): each step and name counts once. Both
what ``compare`` checks (which steps were CACHED) and what ``--beside`` shows (the steps in
order, and the tag) come from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["BuildkitLog", "BuildkitStep", "parse_buildkit_log", "read_buildkit_log"]

_STEP = re.compile(r"^#(\d+) \[(?:([\w.-]+) )?(\d+)/(\d+)\] (.*)$")
_CACHED = re.compile(r"^#(\d+)\s+CACHED$")
_NAMING = re.compile(r"naming to (\S+)")


@dataclass
class BuildkitStep:
    """One Dockerfile step as BuildKit printed it."""

    vertex: str  #: BuildKit's own number (``#5``), which its CACHED line repeats
    stage: str  #: the stage's name in a multi-stage build, else ""
    index: int  #: i of ``[i/n]``: the step's place in its stage
    text: str  #: the instruction, e.g. ``RUN echo one > /one.txt``
    cached: bool = False


@dataclass
class BuildkitLog:
    """The steps in the order the log first shows them, and the names it gave the image."""

    steps: list[BuildkitStep] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  #: as printed: ``docker.io/library/app:1``


def read_buildkit_log(log: str) -> BuildkitLog:
    """Every ``#N [stage i/n] TEXT`` step, its CACHED mark, and the ``naming to`` refs."""
    read = BuildkitLog()
    by_vertex: dict[str, BuildkitStep] = {}
    for raw in log.splitlines():
        line = raw.strip()
        step = _STEP.match(line)
        if step:
            vertex, stage, index, _, text = step.groups()
            if vertex not in by_vertex:
                by_vertex[vertex] = BuildkitStep(vertex, stage or "", int(index), text)
                read.steps.append(by_vertex[vertex])
            continue
        cached = _CACHED.match(line)
        if cached and cached.group(1) in by_vertex:
            by_vertex[cached.group(1)].cached = True
        naming = _NAMING.search(line)
        if naming and naming.group(1) not in read.named:  # a slow step's status prints twice
            read.named.append(naming.group(1))
    return read


def parse_buildkit_log(log: str) -> list[tuple[str, bool]]:
    """(instruction text, CACHED?) for each ``#N [i/n] ...`` step of BuildKit's plain output."""
    return [(step.text, step.cached) for step in read_buildkit_log(log).steps]
