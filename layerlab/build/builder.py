"""Dockerfile -> image, following BuildKit's rules for layers and for the build cache.

Which steps make layers: RUN, COPY, ADD and WORKDIR change the filesystem and each gives a
layer; ENV, ARG, LABEL, CMD, ENTRYPOINT, EXPOSE, USER, VOLUME, SHELL... only change the config
and give a history row with ``empty_layer``.

Cache keys, as BuildKit computes them: a step is reused when its parent is the same and
- RUN: the command text, the environment it runs with (ENV and ARG values), WORKDIR and USER;
  the files are not looked at;
- COPY/ADD: the sources' names, types, modes, link targets and bytes (not mtimes), the
  destination and the --chown/--chmod flags;
- WORKDIR: the path.
A miss gives the step a new parent, so every later step misses too.

A build either finishes or changes nothing: the image is tagged only at the end.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from layerlab.model.errors import LayerlabError
from layerlab.model.fs import Dir, File, Symlink
from layerlab.model.image import HistoryEntry, Image
from layerlab.model.layer import Layer
from layerlab.model.overlay import FsError, Overlay
from layerlab.shell import run_exec, run_shell

from .context import BuildContext, ContextError
from .dockerfile import (
    DockerfileError,
    Instruction,
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

#: Files the runtime mounts into every RUN step; missing ones are created as stubs (and
#: with them /etc), then removed: that is why RUN layers of FROM scratch images list etc/.
MOUNT_STUBS = ("etc/resolv.conf", "etc/hosts")
#: Mount points runc creates when the image lacks them; they stay in the layer.
MOUNT_POINTS = ("dev", "proc", "sys")
CONFIG_ONLY = {"ENV", "ARG", "LABEL", "CMD", "ENTRYPOINT", "EXPOSE", "USER", "VOLUME", "SHELL",
               "STOPSIGNAL", "HEALTHCHECK", "ONBUILD", "MAINTAINER"}
FILESYSTEM = {"RUN", "COPY", "ADD", "WORKDIR"}


class BuildError(LayerlabError):
    """A build step failed; the message names the Dockerfile line."""


@dataclass
class StepLog:
    """One step of the build log: what BuildKit prints as ``#N [i/n] INSTRUCTION``."""

    stage: int
    index: int
    total: int
    text: str
    cached: bool
    layer: Layer | None
    line: int
    output: str = ""


@dataclass
class BuildResult:
    image: Image
    steps: list[StepLog]
    tag: str | None = None
    seconds: float = 0.0
    #: How many history rows of the image came with the final stage's base image.
    base_rows: int = 0
    #: Each stage's name (``FROM ... AS name``) by index, for the log's step labels.
    stage_names: dict[int, str] = field(default_factory=dict)

    @property
    def log(self) -> str:
        """The build log in BuildKit's plain-progress style."""
        lines = []
        stages = {step.stage for step in self.steps}
        for n, step in enumerate(self.steps, start=1):
            # BuildKit names the stage when there are several: [builder 1/2], [stage-1 2/2]
            name = f"{self.stage_names.get(step.stage) or f'stage-{step.stage}'} " if len(stages) > 1 else ""
            lines.append(f"#{n} [{name}{step.index}/{step.total}] {step.text}")
            lines.append(f"#{n} {'CACHED' if step.cached else 'DONE'}")
        lines.append(f"writing image {self.image.image_id}")
        if self.tag:
            lines.append(f"naming to {self.tag}")
        return "\n".join(lines)

    @property
    def cached_steps(self) -> list[str]:
        return [s.text for s in self.steps if s.cached]


@dataclass
class BuildCache:
    """Cache keys to the layer each step made (None: a step that made no change)."""

    layers: dict[str, Layer | None] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.layers)

    def clear(self) -> None:
        self.layers.clear()


ImageResolver = Callable[[str], Image | None]


@dataclass
class _State:
    """Everything a stage carries from step to step."""

    layers: list[Layer]
    history: list[HistoryEntry]
    config: dict[str, Any]
    key: str
    args: dict[str, str] = field(default_factory=dict)
    shell: list[str] = field(default_factory=lambda: ["/bin/sh", "-c"])
    cmd_set: bool = False
    declared: list[tuple[str, str | None]] = field(default_factory=list)
    meta_args: dict[str, str | None] = field(default_factory=dict)

    @property
    def scope(self) -> dict[str, str]:
        """Variables a step may substitute: ARG values, overridden by ENV."""
        return {**self.args, **self.env}

    @property
    def workdir(self) -> str:
        return self.config.get("WorkingDir") or "/"

    @property
    def env(self) -> dict[str, str]:
        return dict(e.split("=", 1) if "=" in e else (e, "") for e in self.config.get("Env") or [])

    def set_env(self, key: str, value: str) -> None:
        env = self.env
        env[key] = value
        self.config["Env"] = [f"{k}={v}" for k, v in env.items()]


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def build(
    context: BuildContext,
    *,
    resolve_image: ImageResolver,
    cache: BuildCache | None = None,
    dockerfile: str | None = None,
    build_args: Mapping[str, str] | None = None,
    target: str | None = None,
    tag: str | None = None,
) -> BuildResult:
    """Build an image from a context; raise BuildError (with the line) and leave no trace on failure."""
    started = time.perf_counter()
    cache = cache if cache is not None else BuildCache()
    text = dockerfile if dockerfile is not None else context.dockerfile
    if text is None:
        raise BuildError("no Dockerfile in the build context")
    instructions = parse_dockerfile(text)
    stages = split_stages(instructions, build_args)
    global_args = _global_args(instructions, build_args or {})
    if target is not None and target not in [s.name for s in stages]:
        raise BuildError(f"target stage {target!r} not found (stages: {', '.join(s.name or str(s.index) for s in stages)})")
    built: dict[str, _State] = {}
    steps: list[StepLog] = []
    new_cache: dict[str, Layer | None] = {}
    final: _State | None = None
    base_rows = 0
    shown_bases: set[str] = set()
    last = next((s.index for s in stages if target is not None and s.name == target), len(stages) - 1)
    needed = _needed_stages(stages, last)
    for stage in stages:
        if stage.index not in needed:  # BuildKit builds only what the target stage uses
            continue
        state = _start_stage(stage, built, global_args, resolve_image)
        base_rows = len(state.history)
        filesystem_steps = [i for i in stage.instructions if i.keyword in FILESYSTEM]
        # BuildKit counts FROM as step 1 (not FROM scratch: nothing to fetch) and shows it
        # once per base: a base already shown, or an earlier stage, is the same vertex.
        index = 0 if stage.base == "scratch" else 1
        total = len(filesystem_steps) + index
        if index and stage.base not in built and stage.base not in shown_bases:
            shown_bases.add(stage.base)
            steps.append(StepLog(stage.index, 1, total, f"FROM {_buildkit_ref(stage.base)}", cached=False,
                                 layer=None, line=stage.line))
        for instruction in stage.instructions:
            if instruction.keyword in FILESYSTEM:
                index += 1
            _dispatch(instruction, state, stage_index=stage.index, index=index, total=total, context=context,
                      built=built, build_args=build_args or {}, cache=cache, new_cache=new_cache, steps=steps)
        built[str(stage.index)] = state
        if stage.name:
            built[stage.name] = state
        final = state
        if target is not None and stage.name == target:
            break
    assert final is not None
    image = _image(final)
    cache.layers.update(new_cache)  # only a successful build feeds the cache
    names = {stage.index: stage.name for stage in stages if stage.name}
    return BuildResult(image, steps, tag, time.perf_counter() - started, base_rows, names)


def _global_args(instructions: list[Instruction], build_args: Mapping[str, str]) -> dict[str, str]:
    args: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            for name, default in parse_env_pairs(instruction.args, args, keyword="ARG", line=instruction.line):
                args[name] = build_args.get(name, default or "")
    return args


def _start_stage(stage: Any, built: dict[str, _State], global_args: dict[str, str], resolve_image: ImageResolver) -> _State:
    state = _base_state(stage, built, global_args, resolve_image)
    state.meta_args = dict(stage.meta_args)
    return state


def _base_state(stage: Any, built: dict[str, _State], global_args: dict[str, str], resolve_image: ImageResolver) -> _State:
    base = expand(stage.base, global_args)
    if base in built:
        parent = built[base]
        return _State(list(parent.layers), list(parent.history), json.loads(json.dumps(parent.config)), parent.key,
                      shell=list(parent.shell))
    if base == "scratch":
        return _State([], [], {"Env": []}, _key("scratch"))
    image = resolve_image(base)
    if image is None:
        raise BuildError(f"line {stage.line}: FROM {base}: no such image here")
    config = json.loads(json.dumps(image.config.get("config") or {}))
    return _State(list(image.layers), list(image.history), config, _key("from", image.image_id))


def _needed_stages(stages: list[Any], last: int) -> set[int]:
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


def _buildkit_ref(ref: str) -> str:
    """An image reference as BuildKit's log spells it: ``ubuntu`` -> ``docker.io/library/ubuntu``."""
    first, _, rest = ref.partition("/")
    if not rest:
        return f"docker.io/library/{ref}"
    if "." in first or ":" in first or first == "localhost":
        return ref
    return f"docker.io/{ref}"


def _dispatch(instruction: Instruction, state: _State, *, stage_index: int, index: int, total: int,
              context: BuildContext, built: dict[str, _State], build_args: Mapping[str, str],
              cache: BuildCache, new_cache: dict[str, Layer | None], steps: list[StepLog]) -> None:
    word = instruction.keyword
    scope = state.scope
    created_by = history_text(instruction, shell=tuple(state.shell), env=scope, workdir=state.workdir,
                              build_args=run_build_args(state.declared, state.env))
    if word in CONFIG_ONLY:
        _config_step(instruction, state, scope, build_args)
        if created_by is not None:
            state.history.append(HistoryEntry(created_by=created_by, empty_layer=True, comment="buildkit.dockerfile.v0"))
        return
    if word not in FILESYSTEM:
        raise DockerfileError(f"unsupported instruction {word}", instruction.line)
    expanded = expand(instruction.args, scope, escape=instruction.escape) if word != "RUN" else instruction.args
    layer_expected = makes_layer(instruction, workdir=state.workdir, env=scope)
    step_key, make_layer = _step(instruction, expanded, state, context, built)
    key = _key(state.key, step_key)
    written = (instruction.original or f"{word} {instruction.args}").replace(instruction.escape + "\n", " ")
    text = " ".join(expand_for_display(written, scope).split())
    if key in cache.layers or key in new_cache:
        layer = cache.layers[key] if key in cache.layers else new_cache[key]
        cached = True
    else:
        try:
            layer = make_layer() if layer_expected else None
        except FsError as err:
            raise BuildError(f"line {instruction.line}: {word}: {err}") from None
        cached = False
        new_cache[key] = layer
    state.key = key
    if word == "WORKDIR":
        state.config["WorkingDir"] = resolve_workdir(expanded, state.workdir)
    if layer is not None:
        state.layers.append(layer)
    state.history.append(HistoryEntry(created_by=created_by or text, empty_layer=layer is None,
                                      comment="buildkit.dockerfile.v0"))
    steps.append(StepLog(stage_index, index, total, text, cached, layer, instruction.line))


def _step(instruction: Instruction, expanded: str, state: _State, context: BuildContext,
          built: dict[str, _State]) -> tuple[Any, Callable[[], Layer | None]]:
    """The step's cache key material and a function that makes its layer."""
    word = instruction.keyword
    cwd = state.workdir
    user = state.config.get("User") or ""
    if word == "RUN":
        env = state.scope
        argv = instruction.json_form

        def run() -> Layer | None:
            fs = Overlay(state.layers)
            stubs = _add_mount_stubs(fs)
            ids = _owner(fs, user.replace(":", ":", 1)) if user else (0, 0)
            if argv is not None:
                result = run_exec(fs, list(argv), env=env, cwd=cwd, user=ids, line=instruction.line)
            elif state.shell != ["/bin/sh", "-c"]:
                result = run_exec(fs, [*state.shell, instruction.args], env=env, cwd=cwd, user=ids, line=instruction.line)
            else:
                result = run_shell(fs, instruction.args, env=env, cwd=cwd, user=ids, line=instruction.line)
            if result.status != 0:
                detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
                shown = instruction.args if argv is None else json.dumps(argv)
                raise BuildError(
                    f"line {instruction.line}: RUN {shown}: exit code {result.status}: {detail[0]}".rstrip(": ")
                )
            for stub in stubs:
                fs.unlink("/" + stub)
            return fs.diff()

        return ("RUN", argv or instruction.args, sorted(env.items()), cwd, user, state.shell), run
    if word == "WORKDIR":
        path = resolve_workdir(expanded, cwd)

        def mkdir() -> Layer | None:
            fs = Overlay(state.layers)
            fs.mkdir(path, parents=True)
            return fs.diff()

        return ("WORKDIR", path), mkdir
    return _copy_step(instruction, expanded, state, context, built, cwd)


def _add_mount_stubs(fs: Overlay) -> list[str]:
    for point in MOUNT_POINTS:
        if not fs.exists("/" + point):
            fs.mkdir("/" + point)
    made = []
    for stub in MOUNT_STUBS:
        if not fs.exists("/" + stub):
            fs.mkdir("/" + posixpath.dirname(stub), parents=True)
            fs.write("/" + stub, b"")
            made.append(stub)
    return made


def _copy_step(instruction: Instruction, expanded: str, state: _State, context: BuildContext,
               built: dict[str, _State], cwd: str) -> tuple[Any, Callable[[], Layer | None]]:
    flags = instruction.flags
    words = instruction.json_form if instruction.json_form is not None else expanded.split()
    if len(words) < 2:
        raise DockerfileError(f"{instruction.keyword} needs at least one source and a destination", instruction.line)
    *sources, dest = words
    chown = flags.get("chown")
    chmod = flags.get("chmod")
    source_stage = flags.get("from")
    if source_stage is not None:
        if source_stage not in built:
            raise BuildError(f"line {instruction.line}: COPY --from={source_stage}: no such stage before this one")
        origin = built[source_stage]
        from_fs = Overlay(origin.layers)
        key_material: Any = ("COPY-FROM", origin.key, sources, dest, chown, chmod)

        def copy_from() -> Layer | None:
            fs = Overlay(state.layers)
            for source in sources:
                _copy_tree_from_fs(from_fs, source, fs, dest, cwd, chown, chmod, instruction, multiple=len(sources) > 1)
            return fs.diff()

        return key_material, copy_from
    matched: list[str] = []
    for source in sources:
        if source.startswith(("http://", "https://", "git@")):
            raise BuildError(
                f"line {instruction.line}: {instruction.keyword} {source}: fetching from the network is not "
                "supported (builds run with --network none); download it into the build context first"
            )
        found = context.match(source)
        if not found:
            raise ContextError(
                f"line {instruction.line}: {instruction.keyword} {source}: not found in the build context"
                " (is it excluded by .dockerignore?)"
            )
        matched += found
    key_material = (instruction.keyword, context.checksum(matched), dest, chown, chmod)

    def copy() -> Layer | None:
        fs = Overlay(state.layers)
        multiple = len(matched) > 1
        for source in matched:
            entry = context.entries.get(source)
            if instruction.keyword == "ADD" and isinstance(entry, File) and _is_archive(entry):
                _extract(entry, fs, _target(dest, cwd, "", False), instruction)
            else:
                _copy_from_context(context, source, fs, dest, cwd, chown, chmod, instruction, multiple)
        return fs.diff()

    return key_material, copy


def _archive_stream(entry: File):  # type: ignore[no-untyped-def]
    """The uncompressed bytes of a tar, gzip, bzip2 or xz file, as ADD unpacks them."""
    import bz2
    import gzip
    import io
    import lzma

    from layerlab.archive.blobs import ChunkStream

    raw = io.BufferedReader(ChunkStream(entry.content.chunks()), 1 << 20)
    head = raw.peek(6)[:6]
    if head.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw)
    if head.startswith(b"BZh"):
        return bz2.BZ2File(raw)
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(raw)
    return raw


def _is_archive(entry: File) -> bool:
    """ADD unpacks a local file only when it really is a (compressed) tar, whatever its name."""
    try:
        block = _archive_stream(entry).read(512)
    except (OSError, EOFError, ValueError):
        return False
    return len(block) == 512 and block[257:262] == b"ustar"


def _extract(entry: File, fs: Overlay, root: str, instruction: Instruction) -> None:
    from layerlab.model.layer import member_path
    from layerlab.model.tarstream import TarReader

    if not fs.exists(root):
        fs.mkdir(root, parents=True)
    reader = TarReader(_archive_stream(entry), label=f"line {instruction.line}: ADD")
    for member in reader:
        path = member_path(member.name, reader)
        if path is None:
            continue
        target = posixpath.join(root, path)
        meta = {"mode": member.mode, "uid": member.uid, "gid": member.gid}
        if member.type == "dir":
            _put_entry(fs, target, Dir(**meta), member.uid, member.gid, None)
        elif member.type == "file":
            data = b"".join(reader.data())
            _put_entry(fs, target, File(content=data, **meta), member.uid, member.gid, None)
        elif member.type == "symlink":
            _put_entry(fs, target, Symlink(target=member.linkname), member.uid, member.gid, None)
        elif member.type == "hardlink":
            fs.link(posixpath.join(root, member_path(member.linkname, reader) or ""), target)


def _owner(fs: Overlay, chown: str | None) -> tuple[int, int]:
    if not chown:
        return 0, 0
    user, _, group = chown.partition(":")

    def lookup(name: str, table: str) -> int:
        if name.isdigit():
            return int(name)
        try:
            text = fs.read(table).read().decode()
        except FsError:
            text = ""
        for row in text.splitlines():
            fields = row.split(":")
            if fields and fields[0] == name and len(fields) > 2:
                return int(fields[2])
        raise LayerlabError(f"--chown: unknown {'user' if table.endswith('passwd') else 'group'} {name!r}")

    uid = lookup(user, "/etc/passwd")
    gid = lookup(group, "/etc/group") if group else uid
    return uid, gid


def _target(dest: str, cwd: str, name: str, into_dir: bool) -> str:
    base = dest if dest.startswith("/") else posixpath.join(cwd, dest)
    return posixpath.join(base, name) if into_dir else base


def _put_entry(fs: Overlay, path: str, entry: Any, uid: int, gid: int, chmod: str | None) -> None:
    mode = int(chmod, 8) if chmod else entry.mode
    parent = posixpath.dirname(path.rstrip("/")) or "/"
    if not fs.exists(parent):
        fs.mkdir(parent, parents=True)
    existing = fs.lstat(path)
    if isinstance(entry, Dir):
        if existing is None:
            fs.mkdir(path, mode)
        if existing is None or (uid, gid) != (existing.uid, existing.gid) or chmod:
            fs.chown(path, uid, gid)
            fs.chmod(path, mode)
        return
    if existing is not None and not isinstance(existing, Dir):
        fs.unlink(path)
    if isinstance(entry, Symlink):
        fs.symlink(entry.target, path)
        fs.chown(path, uid, gid, follow=False)
    elif isinstance(entry, File):
        fs.write(path, entry.content, mode=mode, uid=uid, gid=gid)


def _copy_from_context(context: BuildContext, source: str, fs: Overlay, dest: str, cwd: str, chown: str | None,
                       chmod: str | None, instruction: Instruction, multiple: bool) -> None:
    uid, gid = _owner(fs, chown)
    entry = context.entries.get(source) if source else Dir()
    into_dir = dest.endswith("/") or multiple or (fs.is_dir(_target(dest, cwd, "", False)) and not isinstance(entry, Dir))
    if isinstance(entry, Dir):
        root = _target(dest, cwd, "", False)
        if not fs.exists(root):
            fs.mkdir(root, parents=True)
        for path in context.below(source):
            rel = path[len(source) + 1 :] if source else path
            _put_entry(fs, posixpath.join(root, rel), context.entries[path], uid, gid, chmod)
        return
    _put_entry(fs, _target(dest, cwd, posixpath.basename(source), into_dir), entry, uid, gid, chmod)


def _copy_tree_from_fs(src: Overlay, source: str, fs: Overlay, dest: str, cwd: str, chown: str | None,
                       chmod: str | None, instruction: Instruction, multiple: bool) -> None:
    uid, gid = _owner(fs, chown)
    entry = src.lstat(source)
    if entry is None:
        raise BuildError(f"line {instruction.line}: COPY --from: {source} not found in that stage")
    if isinstance(entry, Dir):
        root = _target(dest, cwd, "", False)
        if not fs.exists(root):
            fs.mkdir(root, parents=True)
        stack = [("", source)]
        while stack:
            rel, real = stack.pop()
            for name in src.listdir(real):
                child = posixpath.join(real, name)
                child_entry = src.lstat(child)
                _put_entry(fs, posixpath.join(root, rel, name), child_entry, uid, gid, chmod)
                if isinstance(child_entry, Dir):
                    stack.append((posixpath.join(rel, name), child))
        return
    into_dir = dest.endswith("/") or multiple or fs.is_dir(_target(dest, cwd, "", False))
    _put_entry(fs, _target(dest, cwd, posixpath.basename(source), into_dir), entry, uid, gid, chmod)


def _config_step(instruction: Instruction, state: _State, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    word, config = instruction.keyword, state.config
    if word == "ENV":
        for key, value in parse_env_pairs(instruction.args, variables, keyword="ENV", line=instruction.line):
            state.set_env(key, value or "")
    elif word == "ARG":
        for name, default in parse_env_pairs(instruction.args, variables, keyword="ARG", line=instruction.line):
            value = build_args.get(name, default if default is not None else state.meta_args.get(name))
            state.declared.append((name, value))
            if value is not None:
                state.args[name] = value
    elif word == "LABEL":
        labels = dict(config.get("Labels") or {})
        labels.update((k, v or "") for k, v in parse_env_pairs(instruction.args, variables, keyword="LABEL",
                                                                  line=instruction.line))
        config["Labels"] = labels
    elif word in ("CMD", "ENTRYPOINT"):
        value = instruction.json_form if instruction.json_form is not None else [*state.shell, instruction.args]
        config["Cmd" if word == "CMD" else "Entrypoint"] = list(value)
        if word == "CMD":
            state.cmd_set = True
        elif not state.cmd_set:
            config.pop("Cmd", None)  # an inherited CMD does not survive a new ENTRYPOINT
    elif word == "EXPOSE":
        ports = dict(config.get("ExposedPorts") or {})
        for port in expand(instruction.args, variables).split():
            ports[port if "/" in port else f"{port}/tcp"] = {}
        config["ExposedPorts"] = ports
    elif word == "USER":
        config["User"] = expand(instruction.args, variables)
    elif word == "VOLUME":
        volumes = dict(config.get("Volumes") or {})
        paths = instruction.json_form or expand(instruction.args, variables).split()
        volumes.update({p: {} for p in paths})
        config["Volumes"] = volumes
    elif word == "SHELL":
        if instruction.json_form is None:
            raise DockerfileError("SHELL must be written in JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]", instruction.line)
        state.shell = list(instruction.json_form)
    elif word == "STOPSIGNAL":
        config["StopSignal"] = expand(instruction.args, variables)


def _image(state: _State) -> Image:
    config = {k: v for k, v in state.config.items() if v not in (None, [], {}, "")}
    return Image.build(
        state.layers,
        history=state.history,
        env=config.get("Env", ()),
        cmd=config.get("Cmd"),
        entrypoint=config.get("Entrypoint"),
        working_dir=config.get("WorkingDir", ""),
        user=config.get("User", ""),
        labels=config.get("Labels"),
        exposed_ports=list(config.get("ExposedPorts", {})),
        volumes=list(config.get("Volumes", {})),
    )
