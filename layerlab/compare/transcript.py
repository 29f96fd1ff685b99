"""What docker printed for one command line, with what changes on every run taken out.

Two runs of the same lines (on the simulator and on an engine, or on an engine today and
an engine last month) differ in random ids, in times ("2 seconds ago"), in BuildKit's
progress noise (vertex digests, durations, internal steps) and in table padding. This
module turns an output into the lines a reader compares: the same judgement ``compare``
makes with its facts (:func:`layerlab.compare.facts.build_facts` drops FROM steps and ids,
:func:`~layerlab.compare.facts.anonymous_name` and
:func:`~layerlab.compare.facts.container_state` hide random names and ages), kept as text so
it can be shown.
"""

from __future__ import annotations

import re

from layerlab.model.reference import full_ref

from .buildkit_log import read_buildkit_log
from .facts import anonymous_name, container_state
from .lines import Command

__all__ = ["ID", "normalise_output", "normalise_table"]

#: What a random id becomes.
ID = "<id>"

_DIGEST = re.compile(r"\b(sha256:)?[0-9a-f]{64}\b")
_SHORT_ID = re.compile(r"^(sha256:)?[0-9a-f]{12}$")
_HEADER = re.compile(r"^[A-Z][A-Z ()]*[A-Z)]$")
_COLUMN = re.compile(r"\S+(?: \S+)*")
_ENGINE_ERROR = re.compile(r"^DOCKER_HOST=\S+ .* failed \(exit \d+\):$")

#: Table columns that hold a time ("Less than a second ago"): left out.
TIME_COLUMNS = frozenset({"CREATED", "LAST USED"})
#: Table columns that hold a random id: shown as ``<id>`` (``<missing>`` stays).
ID_COLUMNS = frozenset({"IMAGE ID", "CONTAINER ID", "CACHE ID"})


def normalise_output(
    command: Command, output: str, ok: bool, images: set[str] | None = None
) -> list[str]:
    """The lines of ``output`` worth comparing, for the docker command ``command``.

    ``images``: show only these ``repo:tag`` rows of image tables (an engine may hold
    images the lines did not make), as compare does.
    """
    if not ok:
        return [_error_line(output)]
    verb = command.verb
    if verb == "build":
        return build_lines(output)
    if verb in ("diff",):
        return sorted(line for line in output.splitlines() if line.strip())
    if verb in ("volume create", "volume rm"):
        return [anonymous_name(line.strip()) for line in output.splitlines() if line.strip()]
    if verb == "volume prune":
        kept = [anonymous_name(line) for line in output.splitlines()]
        return [_ids(line) for line in kept]
    return [
        _ids(line) for line in normalise_table(output, history=verb == "history", images=images)
    ]


def build_lines(log: str) -> list[str]:
    """A BuildKit log as its steps, in order, ``=> [CACHED] TEXT``, and the tag it named.

    FROM steps are left out, as compare leaves them out: engines do not list ``FROM scratch``
    as a step, and the step numbers shift with it.
    """
    read = read_buildkit_log(log)
    lines = [
        f"=> {'CACHED ' if step.cached else ''}{f'[{step.stage}] ' if step.stage else ''}{' '.join(step.text.split())}"
        for step in sorted(read.steps, key=lambda step: (step.stage, step.index))
        if not step.text.startswith("FROM ")
    ]
    return lines + [f"=> naming to {full_ref(ref.removeprefix('docker.io/library/'))}" for ref in read.named]


def normalise_table(
    text: str, *, history: bool = False, images: set[str] | None = None
) -> list[str]:
    """Docker's tables (one or several, as in ``system df -v``) without time columns,
    with random ids as ``<id>`` and ages as states, re-aligned the same way on both sides."""
    out: list[str] = []
    lines = text.rstrip().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if _HEADER.match(line.strip()) and "  " in line.strip():
            end = i + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            out += _table(lines[i:end], history=history, images=images)
            i = end
            continue
        out.append(line.rstrip())
        i += 1
    return out


def _table(lines: list[str], *, history: bool, images: set[str] | None) -> list[str]:
    header = lines[0]
    spans = [(m.start(), m.group()) for m in _COLUMN.finditer(header)]
    starts = [s for s, _ in spans] + [None]
    rows = []
    for line in lines:
        rows.append([line[starts[k] : starts[k + 1]].strip() for k in range(len(spans))])
    names = [name for _, name in spans]
    if "CACHE ID" in names:  # BuildKit's records: random ids, an order of their own
        return [f"({len(rows) - 1} build cache records)"]
    if images is not None and {"REPOSITORY", "TAG"} <= set(names):
        repo, tag = names.index("REPOSITORY"), names.index("TAG")
        rows = rows[:1] + [r for r in rows[1:] if full_ref(f"{r[repo]}:{r[tag]}") in images]
    if {"REPOSITORY", "TAG"} <= set(names):  # listed newest first: ties in time swap rows, so sort
        rows = rows[:1] + sorted(rows[1:])
    keep = [k for k, name in enumerate(names) if name not in TIME_COLUMNS]
    for row in rows[1:]:
        for k, name in enumerate(names):
            if name in ID_COLUMNS or (history and name == "IMAGE"):
                row[k] = ID if _SHORT_ID.match(row[k]) else row[k]
            elif name == "STATUS":
                row[k] = container_state(row[k])
    table = [[row[k] for k in keep] for row in rows]
    widths = [max(len(r[c]) for r in table) for c in range(len(keep))]
    return ["   ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in table]


def _ids(line: str) -> str:
    return _DIGEST.sub(lambda m: (m.group(1) or "") + ID, line)


def _error_line(output: str) -> str:
    """``ERROR: <docker's last words>``: the simulator's and the engine adapter's wrapping
    (``DOCKER_HOST=... failed (exit 1):``) left out."""
    text = output.strip().removeprefix("ERROR:").strip()
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not _ENGINE_ERROR.match(line.strip())
    ]
    return "ERROR: " + (_ids(lines[-1]) if lines else "(no message)")
