"""What BuildKit keeps of a build's context: its local sources, one snapshot each.

BuildKit copies what a build reads from the client into snapshots of its own (``source.local``)
and keeps them, one set per context directory, until ``docker builder prune``; a rebuild
from the same directory syncs them again (a cached rebuild adds nothing). With the
containerd image store they are snapshots of the overlayfs snapshotter, so ``docker system
df`` counts them in the Images SIZE. Measured on Engine 28.5 (``ctr snapshots usage`` after
``docker build`` of ``scenarios/builds/first``): three Active snapshots, in this order,

- ``dockerfile``: the Dockerfile (8 KiB: the snapshot's root and one block);
- ``context`` with the one path ``.dockerignore``: empty when there is none (4 KiB);
- ``context`` with the paths the COPY and ADD sources name (BuildKit's FollowPaths): a
  directory with all below it, a file with the directories above it (16 KiB for
  ``src/app.py`` and ``src/requirements.txt``); only when a step copies from the context,
  and only the steps of the stages the build runs count (``--target s0`` of a Dockerfile
  whose later stage copies ``*.txt`` keeps no context snapshot: Engine 28.5).
"""

from __future__ import annotations

from collections.abc import Sequence

from layerlab.model.fs import Dir, Entry, File, ancestors
from layerlab.model.layer import Layer

from .context import BuildContext, ContextError
from .dockerfile import DockerfileError, Instruction, json_array, parse_dockerfile, split_words

#: the snapshots' names, in the order BuildKit makes them
LOCAL_SOURCES = ("dockerfile", "dockerignore", "context")


def context_sources(context: BuildContext, instructions: Sequence[Instruction] | None = None) -> list[str]:
    """The context paths the COPY and ADD (not ``--from``) among ``instructions`` name
    (None: the whole Dockerfile's)."""
    if instructions is None:
        try:
            instructions = parse_dockerfile(context.dockerfile or "")
        except DockerfileError:
            return []
    out: list[str] = []
    for instruction in instructions:
        if instruction.keyword not in ("COPY", "ADD") or "from" in instruction.flags:
            continue
        words = json_array(instruction.args) or [w.strip("\"'") for w in split_words(instruction.args)]
        for source in words[:-1]:
            try:
                out += [p for p in context.match(source) if p not in out]
            except ContextError:
                continue
    return out


def local_sources(context: BuildContext, dockerfile_name: str = "Dockerfile",
                  instructions: Sequence[Instruction] | None = None) -> dict[str, Layer]:
    """The snapshots BuildKit keeps of this context (module doc), by name; ``instructions``:
    those of the stages the build ran (None: the whole Dockerfile's)."""
    out = {"dockerfile": Layer({dockerfile_name: File(content=(context.dockerfile or "").encode())})}
    ignore = context.entries.get(".dockerignore")
    out["dockerignore"] = Layer({".dockerignore": ignore} if isinstance(ignore, File) else {})
    followed = context_sources(context, instructions)
    if followed:
        out["context"] = Layer(_followed_entries(context, followed))
    return out


def _followed_entries(context: BuildContext, followed: list[str]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for top in followed:
        for path in [top, *context.below(top)] if top else context.below(""):
            for parent in ancestors(path):
                entries.setdefault(parent, context.entries.get(parent) or Dir())
            entries[path] = context.entries[path]
    return entries
