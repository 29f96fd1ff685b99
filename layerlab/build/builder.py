"""Dockerfile -> image, following BuildKit's rules for layers and for the build cache.

Which steps make layers: RUN, COPY, ADD and WORKDIR change the filesystem and each gives a
layer; ENV, ARG, LABEL, CMD, ENTRYPOINT, EXPOSE, USER, VOLUME, SHELL... only change the config
and give a history row with ``empty_layer`` (:mod:`.config`).

Cache keys, as BuildKit computes them: a step is reused when its parent is the same and
- RUN: the command text, the environment it runs with (ENV and ARG values), WORKDIR and USER;
  the files are not looked at (:mod:`.run`);
- COPY/ADD: the sources' names, types, modes, link targets and bytes (not mtimes), the
  destination and the --chown/--chmod flags (:mod:`.copying`);
- WORKDIR: the path.
A miss gives the step a new parent, so every later step misses too. A step two stages share
(same parent, same instruction) is one vertex, shown once. Two copies ``--from`` different
stages of the same files onto the same parent have one key: BuildKit 0.8 merges them into
one step (shown once), BuildKit 0.25 runs both (neither CACHED). A ``FROM`` image is keyed
by its layers' chain id, not its config (BuildKit ``source/containerimage``:
``cacheKeyFromConfig``), so a commit that added no layer keys like its base.
``--no-cache`` runs RUN, COPY and ADD again, but not WORKDIR: the Dockerfile frontend marks
its mkdir without ``IgnoreCache`` (BuildKit ``dockerfile2llb/convert.go`` ``dispatchWorkdir``),
so it still shows CACHED where its key matches.

The image is tagged only at the end of a build. With the classic store a failed build
changes nothing: only a successful build feeds the cache. With the containerd store a failed
build leaves what Engine 28.5 shows it leaves (``docker system df`` counts it): BuildKit's
local sources (the Dockerfile, .dockerignore, and the context when a stage it runs copies
from it) and the snapshots of the steps that finished: those before the failing step (in
stage order) and those of the later stages that need nothing from its stage, up to their
first RUN (BuildKit runs stages side by side and cancels what still runs when one fails).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from layerlab.i18n import _
from layerlab.model.image import HistoryEntry, Image
from layerlab.model.disk_blocks import snapshot_usage
from layerlab.model.layer import Layer
from layerlab.model.overlay import FsError, Overlay
from layerlab.model.overlay_xattrs import step_xattr_blocks

from .config import CONFIG_STEPS
from .context import BuildContext
from .differ import compared_with_lower
from .copying import copy_step
from .dockerfile import (
    BUILDKIT_0_8,
    DockerfileError,
    BuildKit,
    Instruction,
    Stage,
    expand,
    expand_for_display,
    history_text,
    makes_layer,
    parse_dockerfile,
    parse_env_pairs,
    resolve_workdir,
    run_build_args,
    split_stages,
)
from .errors import BuildError
from .local_sources import local_sources
from .log import BuildResult, StepLog, buildkit_ref
from .run import run_step
from .state import StageState, cache_key

__all__ = ["BuildCache", "BuildError", "BuildResult", "ImageResolver", "StepLog", "build"]

FILESYSTEM = {"RUN", "COPY", "ADD", "WORKDIR"}
#: what a FROM scratch stage's config starts with (Engine 20.10 and 28 alike)
DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

ImageResolver = Callable[[str], Image | None]


def go_time(when: datetime) -> str:
    """A time as BuildKit writes it (Go's RFC 3339 with nanoseconds, UTC); the model's
    clock has microseconds, so the last three digits are a fixed 417 (no trailing zero)."""
    utc = when.astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond:06d}417Z"


@dataclass
class BuildCache:
    """Cache keys to the layer each step made (None: a step that made no change), and when
    each was made (a cached step keeps its time, so a cached rebuild writes the same config)."""

    layers: dict[str, Layer | None] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)
    #: BuildKit's local sources (:mod:`.local_sources`), one set per context directory
    sources: dict[str, dict[str, Layer]] = field(default_factory=dict)
    #: containerd store: the disk BuildKit's own snapshot of each step takes (its upper
    #: directory as the step left it, overlay xattrs included), by cache key
    snapshots: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.layers)

    def clear(self) -> None:
        self.layers.clear()
        self.created.clear()
        self.sources.clear()
        self.snapshots.clear()

    def keep_sources(self, context: BuildContext, dockerfile: str | None = None,
                     stages: Sequence[Stage] | None = None) -> None:
        """What BuildKit keeps of ``context`` after a build from it (:mod:`.local_sources`);
        ``stages``: the ones the build ran (None: all), whose COPY and ADD name what it read."""
        if dockerfile is not None and dockerfile != context.dockerfile:
            context = BuildContext(context.entries, dockerfile, root=context.root)
        ran = None if stages is None else [i for stage in stages for i in stage.instructions]
        self.sources[context.root or "(in memory)"] = local_sources(context, instructions=ran)


@dataclass
class _Build:
    """One build in progress: what its steps read, and what they have made so far."""

    context: BuildContext
    resolve_image: ImageResolver
    cache: BuildCache
    build_args: Mapping[str, str]
    global_args: dict[str, str]
    built: dict[str, StageState] = field(default_factory=dict)  #: finished stages by index and name
    steps: list[StepLog] = field(default_factory=list)
    new_cache: dict[str, Layer | None] = field(default_factory=dict)
    new_snapshots: dict[str, int] = field(default_factory=dict)
    shown_bases: set[str] = field(default_factory=set)
    buildkit: BuildKit = BUILDKIT_0_8
    compare_lower: bool = False
    when: datetime | None = None
    new_created: dict[str, str] = field(default_factory=dict)
    no_cache: bool = False
    logged: set[str] = field(default_factory=set)  #: the vertices in the log: BuildKit shows each once

    def stamp(self) -> str | None:
        """The time of a step made now: the build's start, a millisecond later per step made."""
        if self.when is None:
            return None
        return go_time(self.when + timedelta(milliseconds=len(self.new_created) + 1))


def build(
    context: BuildContext,
    *,
    resolve_image: ImageResolver,
    cache: BuildCache | None = None,
    dockerfile: str | None = None,
    build_args: Mapping[str, str] | None = None,
    target: str | None = None,
    tag: str | None = None,
    buildkit: BuildKit = BUILDKIT_0_8,
    compare_lower: bool = False,
    when: datetime | None = None,
    no_cache: bool = False,
) -> BuildResult:
    """Build an image from a context; raise BuildError (with the line) and leave no trace on failure
    (the containerd store keeps what BuildKit keeps: module doc).
    ``buildkit``: the BuildKit whose history text and RUN layers to make (the engine profile's);
    ``compare_lower``: leave out of each layer what the layers below hold (the containerd
    image store's differ: :mod:`.differ`); ``when``: when the build started, so each
    history row and the config get BuildKit's times (None: no times, 1970 for the config);
    ``no_cache``: ``docker build --no-cache`` (module doc)."""
    started = time.perf_counter()
    cache = cache if cache is not None else BuildCache()
    text = dockerfile if dockerfile is not None else context.dockerfile
    if text is None:
        raise BuildError(_("no Dockerfile in the build context"))
    instructions = parse_dockerfile(text)
    stages = split_stages(instructions, build_args)
    if target is not None and target not in [s.name for s in stages]:
        raise BuildError(_("target stage {target!r} not found (stages: {stages})", target=target,
                             stages=", ".join(s.name or str(s.index) for s in stages)))
    last = next((s.index for s in stages if target is not None and s.name == target), len(stages) - 1)
    run = _Build(context, resolve_image, cache, build_args or {}, _global_args(instructions, build_args or {}),
                 buildkit=buildkit, compare_lower=compare_lower, when=when, no_cache=no_cache)
    needed = _needed_stages(stages, last)
    final, base_rows = None, 0
    for stage in stages[: last + 1]:
        if stage.index not in needed:  # BuildKit builds only what the target stage uses
            continue
        try:
            final, base_rows = _build_stage(run, stage)
        except BuildError:
            if compare_lower:
                _keep_what_a_failed_build_leaves(run, [s for s in stages[: last + 1] if s.index in needed], stage, text)
            raise
    assert final is not None
    cache.layers.update(run.new_cache)  # a failed build: _keep_what_a_failed_build_leaves
    cache.created.update(run.new_created)
    cache.snapshots.update(run.new_snapshots)
    cache.keep_sources(context, text, [stage for stage in stages if stage.index in needed])
    names = {stage.index: stage.name for stage in stages if stage.name}
    return BuildResult(final.image(), run.steps, tag, time.perf_counter() - started, base_rows, names)


def _build_stage(run: _Build, stage: Stage) -> tuple[StageState, int]:
    """Run one stage's steps; its final state and how many history rows came with its base."""
    state = _base_state(stage, run)
    state.meta_args = dict(stage.meta_args)
    base_rows = len(state.history)
    # BuildKit counts FROM as step 1 (not FROM scratch: nothing to fetch) and shows it
    # once per base: a base already shown, or an earlier stage, is the same vertex.
    index = 0 if stage.base == "scratch" else 1
    total = sum(1 for i in stage.instructions if i.keyword in FILESYSTEM) + index
    if index and stage.base not in run.built and stage.base not in run.shown_bases:
        run.shown_bases.add(stage.base)
        run.steps.append(StepLog(stage.index, 1, total, f"FROM {buildkit_ref(stage.base)}", cached=False,
                                 layer=None, line=stage.line))
    for instruction in stage.instructions:
        if instruction.keyword in CONFIG_STEPS:
            _config_step(run, instruction, state)
        elif instruction.keyword in FILESYSTEM:
            index += 1
            _filesystem_step(run, instruction, state, StepLog(stage.index, index, total, "", False, None, instruction.line))
        else:
            raise DockerfileError(_("unsupported instruction {keyword}", keyword=instruction.keyword), instruction.line)
    run.built[str(stage.index)] = state
    if stage.name:
        run.built[stage.name] = state
    return state, base_rows


def _keep_what_a_failed_build_leaves(run: _Build, needed: list[Stage], failed: Stage, dockerfile: str) -> None:
    """The containerd store (Engine 28.5): what BuildKit keeps of a build that failed in
    ``failed`` (module doc): the steps that finished, and the build's local sources."""
    broken = {str(failed.index), *([failed.name] if failed.name else [])}
    for stage in needed:
        if stage.index > failed.index and not _build_independent_steps(run, stage, broken):
            broken |= {str(stage.index), *([stage.name] if stage.name else [])}
    run.cache.layers.update(run.new_cache)
    run.cache.created.update(run.new_created)
    run.cache.snapshots.update(run.new_snapshots)
    run.cache.keep_sources(run.context, dockerfile, needed)


def _build_independent_steps(run: _Build, stage: Stage, broken: set[str]) -> bool:
    """Run a later stage's steps while they need no ``broken`` stage and are quick next to
    the failing one (no RUN: BuildKit cancels what still runs); False if it stopped early."""
    if expand(stage.base, run.global_args) in broken:
        return False
    try:
        state = _base_state(stage, run)
        index = 0 if stage.base == "scratch" else 1
        for instruction in stage.instructions:
            if instruction.keyword in CONFIG_STEPS:
                _config_step(run, instruction, state)
                continue
            if instruction.keyword == "RUN" or instruction.flags.get("from") in broken:
                return False
            index += 1
            _filesystem_step(run, instruction, state, StepLog(stage.index, index, 0, "", False, None, instruction.line))
    except BuildError:
        return False
    run.built[str(stage.index)] = state
    if stage.name:
        run.built[stage.name] = state
    return True


def _global_args(instructions: list[Instruction], build_args: Mapping[str, str]) -> dict[str, str]:
    """The ARGs before the first FROM, with --build-arg values: what FROM lines may use."""
    args: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            for name, default in parse_env_pairs(instruction.args, args, keyword="ARG", line=instruction.line):
                args[name] = build_args.get(name, default or "")
    return args


def _base_state(stage: Stage, run: _Build) -> StageState:
    """Where a stage starts: an earlier stage, scratch, or an image the resolver finds."""
    base = expand(stage.base, run.global_args)
    if base in run.built:
        return run.built[base].fork()
    if base == "scratch":  # BuildKit gives every stage the default PATH and / as its WORKDIR
        return StageState([], [], {"Env": [DEFAULT_PATH], "WorkingDir": "/"}, cache_key("scratch"))
    image = run.resolve_image(base)
    if image is None:
        raise BuildError(_("line {line}: FROM {base}: no such image here", line=stage.line, base=base))
    config = json.loads(json.dumps(image.config.get("config") or {}))
    key = image.chain_ids[-1] if image.layers else image.image_id
    return StageState(list(image.layers), list(image.history), config, cache_key("from", key))


def _needed_stages(stages: list[Stage], last: int) -> set[int]:
    """Indices of ``stages[last]`` and the earlier stages it uses, by FROM or COPY --from."""
    by_ref = {str(s.index): s.index for s in stages} | {s.name: s.index for s in stages if s.name}
    needed: set[int] = set()
    todo = [last]
    while todo:
        i = todo.pop()
        if i in needed:
            continue
        needed.add(i)
        stage = stages[i]
        refs = [stage.base] + [ins.flags.get("from") for ins in stage.instructions if ins.keyword == "COPY"]
        if any(r and "$" in r for r in refs):  # a stage named by a variable: keep them all
            todo += range(i)
        todo += [by_ref[r] for r in refs if r in by_ref and by_ref[r] < i]
    return needed


def _created_by(run: _Build, instruction: Instruction, state: StageState) -> str | None:
    return history_text(instruction, shell=tuple(state.shell), env=state.scope, workdir=state.workdir,
                        build_args=run_build_args(state.declared, state.env), buildkit=run.buildkit,
                        build_arg_values=run.build_args, meta_args=state.meta_args)


def _config_step(run: _Build, instruction: Instruction, state: StageState) -> None:
    """A step that changes only the config: a history row with ``empty_layer``, never cached."""
    created_by = _created_by(run, instruction, state)
    CONFIG_STEPS[instruction.keyword](instruction, state, state.scope, run.build_args)
    if created_by is not None:  # BuildKit dates a config row with the last step's time
        state.history.append(HistoryEntry(created_by=created_by, empty_layer=True, comment="buildkit.dockerfile.v0",
                                          created=state.time))


def _filesystem_step(run: _Build, instruction: Instruction, state: StageState, log: StepLog) -> None:
    """RUN, COPY, ADD or WORKDIR: reuse the cached layer for its key, or make it."""
    word, scope = instruction.keyword, state.scope
    created_by = _created_by(run, instruction, state)
    expanded = expand(instruction.args, scope, escape=instruction.escape) if word != "RUN" else instruction.args
    layer_expected = makes_layer(instruction, workdir=state.workdir, env=scope)
    step_key, make_layer = _step(instruction, expanded, state, run)
    key = cache_key(state.key, step_key)
    written = (instruction.original or f"{word} {instruction.args}").replace(instruction.escape + "\n", " ")
    log.text = " ".join(expand_for_display(written, scope).split())
    reuse = not run.no_cache or word == "WORKDIR"
    source = run.built.get(instruction.flags.get("from") or "") if word == "COPY" else None
    vertex = cache_key(state.vertex or state.key, step_key, source and (source.vertex or source.key))
    twin = key in run.new_cache and vertex not in run.logged  # another vertex of this build, the same key
    log.cached = (key in run.new_cache and not twin) or (reuse and key in run.cache.layers)
    if log.cached or twin:
        log.layer = run.cache.layers[key] if key in run.cache.layers else run.new_cache[key]
        state.time = run.cache.created.get(key) or run.new_created.get(key)
    else:
        state.time = run.stamp()
        if state.time is not None:
            run.new_created[key] = state.time
        try:
            log.layer = make_layer() if layer_expected else None
        except FsError as err:
            raise BuildError(_("line {line}: {word}: {err}", line=instruction.line, word=word, err=err)) from None
        if log.layer is not None and run.compare_lower:
            run.new_snapshots[key] = snapshot_usage(log.layer) + step_xattr_blocks(log.layer, state.layers)
            log.layer = compared_with_lower(log.layer, state.layers)
        run.new_cache[key] = log.layer
    state.key, state.vertex = key, vertex
    if word == "WORKDIR":
        state.config["WorkingDir"] = resolve_workdir(expanded, state.workdir)
    if log.layer is not None:
        state.layers.append(log.layer)
    state.history.append(HistoryEntry(created_by=created_by or log.text, empty_layer=log.layer is None,
                                      comment="buildkit.dockerfile.v0", created=state.time))
    if vertex not in run.logged and not (twin and run.buildkit.merges_twins):
        run.logged.add(vertex)
        run.steps.append(log)


def _step(instruction: Instruction, expanded: str, state: StageState,
          run: _Build) -> tuple[Any, Callable[[], Layer | None]]:
    """The step's cache key material and a function that makes its layer."""
    if instruction.keyword == "RUN":
        return run_step(instruction, state, keep_stub_dir=run.buildkit.keeps_stub_dir)
    if instruction.keyword == "WORKDIR":
        return _workdir_step(resolve_workdir(expanded, state.workdir), state)
    return copy_step(instruction, expanded, state, run.context, run.built)


def _workdir_step(path: str, state: StageState) -> tuple[Any, Callable[[], Layer | None]]:
    """WORKDIR: BuildKit makes the directory even when it exists (then an empty layer)."""

    def mkdir() -> Layer | None:
        fs = Overlay(state.layers)
        fs.mkdir(path, parents=True)
        return fs.diff()

    return ("WORKDIR", path), mkdir
