"""A fuzzed scenario's actions, and how they become docker lines.

An action says what a user does (build, rebuild after an edit, tag, rmi, run, exec, stop,
rm, commit, create a volume, look at something) with numbers that pick what it acts on.
:func:`render` plays the actions in order against what exists at that point (images and
what they hold, containers and their states, volumes), and writes the docker lines and
build contexts of a :class:`~.fuzz_scenario.FuzzScenario`. An action with nothing to act
on (exec with no running container) writes nothing, so any subset of the actions is a
valid scenario: shrinking removes actions freely.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from .fuzz_dockerfile import (
    BASE_TAG,
    ContextSpec,
    DockerfileSpec,
    Edit,
    ImageGuess,
    base_dockerfile,
    context_files,
    StageSpec,
    StepSpec,
    edited,
    render_dockerfile,
)
from .fuzz_features import text_features
from .fuzz_paths import Op, PathGuess, render_ops
from .fuzz_scenario import FuzzScenario
from .lines import CONTAINERD_ROOT, DATA_ROOT

__all__ = [
    "BASE_FOLDER",
    "Action",
    "Build",
    "Commit",
    "Exec",
    "Look",
    "MountSpec",
    "Rebuild",
    "Rm",
    "Rmi",
    "Run",
    "Stop",
    "Tag",
    "TREE_DEPTHS",
    "TREE_PATHS",
    "VolumeCreate",
    "render",
]

BASE_FOLDER = "base"
TAGS = ("fz-a:1", "fz-a:2", "fz-b:latest", "fz-c:1")
VOLUMES = ("v1", "v2", "v3")
TARGETS = ("/mnt/vol", "/data", "/srv", "/app/cache")
#: ``tree`` paths below the data root (classic and containerd store) and containerd's root.
TREE_PATHS = {
    "classic": ("", "overlay2", "image", "image/overlay2", "image/overlay2/layerdb", "containers", "volumes",
                "buildkit", "tmp"),
    "containerd": ("", "containers", "volumes", "buildkit", "image", "rootfs", "tmp"),
    "containerd-root": ("", "io.containerd.content.v1.content", "io.containerd.snapshotter.v1.overlayfs",
                        "io.containerd.metadata.v1.bolt", "io.containerd.runtime.v2.task"),
}
#: ``tree -L`` levels (0: no -L, the whole tree, which holds what every level shows).
TREE_DEPTHS = (0, 0, 0, 1, 2, 3)
#: With ``tree`` lines, every scenario first does what leaves marks in a data root for good
#: (the first container makes ``layerdb/mounts``, the first read-only mount Engine 25+'s
#: ``tmp/moby-detect-rro*``): a data root depends on all its engine ever did, and so a
#: scenario shows the same tree on a fresh engine and on one the fuzzer used before.
PRELUDE = [f"docker run --rm -v fz-prelude:/prelude:ro {BASE_TAG} true", "docker volume rm fz-prelude"]
LOOKS = ("images", "history", "inspect", "ps", "diff", "df", "volume_ls", "tree", "tree", "tree")


@dataclass(frozen=True)
class Build:
    context: ContextSpec
    dockerfile: DockerfileSpec
    tag: int


@dataclass(frozen=True)
class Rebuild:
    """The build ``of`` (an index) again, after ``edit`` to a copy of its context."""

    of: int
    edits: tuple[Edit, ...]
    tag: int
    ops: tuple[Op, ...] = ()


@dataclass(frozen=True)
class Tag:
    image: int
    tag: int


@dataclass(frozen=True)
class Rmi:
    image: int
    force: bool = False


@dataclass(frozen=True)
class MountSpec:
    """``kind``: named, named_ro, anonymous, tmpfs, bind (``-v``) or bind_mount (``--mount``)."""

    kind: str
    a: int = 0


@dataclass(frozen=True)
class Run:
    """``mode``: run (it exits), rm (``--rm``), detach (``-d``, it sleeps), cmd (the image's CMD)."""

    image: int
    mode: str
    mounts: tuple[MountSpec, ...] = ()
    ops: tuple[Op, ...] = ()


@dataclass(frozen=True)
class Exec:
    container: int
    ops: tuple[Op, ...]


@dataclass(frozen=True)
class Stop:
    container: int


@dataclass(frozen=True)
class Rm:
    container: int
    volumes: bool = False


@dataclass(frozen=True)
class Commit:
    container: int
    tag: int


@dataclass(frozen=True)
class VolumeCreate:
    name: int


@dataclass(frozen=True)
class Look:
    """An observation: ``kind`` from :data:`LOOKS`; ``a`` and ``b`` pick its object or
    variant (``tree``: the path and the depth)."""

    kind: str
    a: int = 0
    b: int = 0


Action = Build | Rebuild | Tag | Rmi | Run | Exec | Stop | Rm | Commit | VolumeCreate | Look


@dataclass
class _Container:
    name: str
    image: str
    paths: PathGuess
    state: str  # running, exited


@dataclass
class _State:
    """What exists while the actions are rendered."""

    store: str  # classic or containerd
    bind_root: str
    images: dict[str, ImageGuess] = field(default_factory=dict)
    builds: list[tuple[str, dict[str, tuple[bytes, int]], DockerfileSpec, frozenset[str]]] = field(default_factory=list)
    containers: list[_Container] = field(default_factory=list)
    volumes: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)
    contexts: dict[str, dict[str, tuple[bytes, int]]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    made: int = 0  # containers named so far
    features: set[str] = field(default_factory=set)

    def tags(self, *, shell: bool = False) -> list[str]:
        return sorted(t for t, g in self.images.items() if g.shell or not shell)

    def live(self, *states: str) -> list[_Container]:
        return [c for c in self.containers if c.state in states]


def _pick(options: list, i: int):  # type: ignore[no-untyped-def]
    return options[i % len(options)] if options else None


def render(base: tuple[bool, bool, bool], actions: list[Action] | tuple[Action, ...], *,
           store: str = "classic", trees: bool = True, bind_root: str = "/tmp/layerlab-fuzz-bind") -> FuzzScenario:
    """The scenario of ``actions`` after building the base (``base``: its extras) and, with
    ``trees``, the :data:`PRELUDE`. ``store`` is the engine's image store (which ``tree``
    paths exist); ``trees``: whether ``tree`` lines are written (not on an engine that holds
    other things); ``bind_root``: where bind mounts' host folders go."""
    state = _State(store, bind_root)
    text, guess = base_dockerfile(base)
    state.contexts[BASE_FOLDER] = {"Dockerfile": (text.encode(), 0o644)}
    state.images[BASE_TAG] = guess
    state.lines.append(f"docker build -t {BASE_TAG} {BASE_FOLDER}")
    if trees:
        state.lines += PRELUDE
    for action in actions:
        _ACT[type(action)](state, action, trees)  # type: ignore[operator]
    dockerfiles = [files["Dockerfile"][0].decode() for name, files in state.contexts.items() if name != BASE_FOLDER]
    state.features |= text_features(state.lines, dockerfiles)
    return FuzzScenario(tuple(state.lines), state.contexts, frozenset(state.touched),
                        features=frozenset(state.features))


def _build(state: _State, action: Build, trees: bool) -> None:
    _build_files(state, context_files(action.context), action.dockerfile, TAGS[action.tag % len(TAGS)], set())


def _build_files(state: _State, files: dict[str, tuple[bytes, int]], spec: DockerfileSpec, tag: str,
                 touched: set[str]) -> None:
    folder = f"c{len(state.builds) + 1}"
    built = render_dockerfile(spec, files, state.images)
    state.contexts[folder] = {**files, "Dockerfile": (built.dockerfile.encode(), 0o644)}
    state.touched |= {f"{folder}/{p}" for p in touched}
    state.features |= {".dockerignore"} if ".dockerignore" in files else set()
    state.builds.append((folder, files, spec, frozenset(touched)))
    state.lines.append(shlex.join(["docker", "build", "-t", tag, *built.options, folder]))
    built.image.paths.args = set()
    state.images[tag] = built.image


def _rebuild(state: _State, action: Rebuild, trees: bool) -> None:
    if not state.builds:  # a first build of the simplest Dockerfile: a COPY of the context
        spec = DockerfileSpec((StageSpec(0, (StepSpec("copy", a=3),)),))
        _build_files(state, context_files(ContextSpec(((0, 0, False), (4, 1, False)))), spec, TAGS[0], set())
    _, files, spec, _ = state.builds[action.of % len(state.builds)]
    touched: set[str] = set()
    for edit in action.edits:
        files, more_touched = edited(files, edit)
        touched |= more_touched
        state.features.add(f"rebuild after {edit.kind}")
        if edit.kind == "dockerfile":
            last = spec.stages[-1]
            more = StageSpec(last.parent, (*last.steps, StepSpec("run", action.ops or (Op("write", n=edit.n),))))
            spec = DockerfileSpec((*spec.stages[:-1], more), spec.target, spec.build_args, spec.no_cache)
    _build_files(state, files, spec, TAGS[action.tag % len(TAGS)], touched)


def _tag(state: _State, action: Tag, trees: bool) -> None:
    source = _pick(state.tags(), action.image)
    target = TAGS[action.tag % len(TAGS)]
    if source is None or source == target:
        return
    state.lines.append(f"docker tag {source} {target}")
    state.images[target] = state.images[source]


def _rmi(state: _State, action: Rmi, trees: bool) -> None:
    tag = _pick([t for t in state.tags() if t != BASE_TAG], action.image)
    if tag is None:
        return
    state.lines.append(f"docker rmi {'-f ' if action.force else ''}{tag}")
    del state.images[tag]


def _mount_flags(state: _State, mounts: tuple[MountSpec, ...], paths: PathGuess) -> list[str]:
    flags: list[str] = []
    used: set[str] = set()
    for mount in mounts:
        target = TARGETS[mount.a % len(TARGETS)]
        if target in used:
            continue
        used.add(target)
        paths.add_dir(target)
        name = VOLUMES[mount.a % len(VOLUMES)]
        host = f"{state.bind_root}/b{mount.a % 3}"
        flags += {
            "named": ["-v", f"{name}:{target}"],
            "named_ro": ["-v", f"{name}:{target}:ro"],
            "anonymous": ["-v", target],
            "tmpfs": ["--mount", f"type=tmpfs,target={target}"],
            "bind": ["-v", f"{host}:{target}"],
            "bind_mount": ["--mount", f"type=bind,source={host},target={target}"],
        }[mount.kind]
        if mount.kind.startswith("named"):
            state.volumes.add(name)
    return flags


def _run(state: _State, action: Run, trees: bool) -> None:
    image = _pick(state.tags(shell=True), action.image)
    if image is None:
        return
    paths = state.images[image].paths.copy()
    paths.args = set()
    flags = _mount_flags(state, action.mounts, paths)
    words = ["docker", "run"]
    name = None
    if action.mode == "rm":
        words.append("--rm")
    else:
        state.made += 1
        name = f"c{state.made}"
        words += ["-d", "--name", name] if action.mode == "detach" else ["--name", name]
    words += [*flags, image]
    if action.mode == "detach":
        words += ["sleep", "300"]
    elif action.mode != "cmd":
        words += ["sh", "-c", render_ops(action.ops, paths)]
    state.lines.append(shlex.join(words))
    if name:
        state.containers.append(_Container(name, image, paths, "running" if action.mode == "detach" else "exited"))


def _container(state: _State, index: int, *states: str) -> _Container | None:
    """A container in one of ``states``; when there is none, one is started first (detached,
    or run to its end when only exited ones will do), so every container action shows."""
    if not state.live(*states):
        _run(state, Run(index, "detach" if "running" in states else "run", (), (Op("write", index, index, index),)),
             True)
    return _pick(state.live(*states), index)


def _exec(state: _State, action: Exec, trees: bool) -> None:
    """``docker exec`` in a running container."""
    container = _container(state, action.container, "running")
    if container is None:
        return
    state.lines.append(shlex.join(["docker", "exec", container.name, "sh", "-c",
                                   render_ops(action.ops, container.paths)]))


def _stop(state: _State, action: Stop, trees: bool) -> None:
    container = _container(state, action.container, "running")
    if container is None:
        return
    state.lines.append(f"docker stop -t 1 {container.name}")
    container.state = "exited"


def _rm(state: _State, action: Rm, trees: bool) -> None:
    container = _container(state, action.container, "running", "exited")
    if container is None:
        return
    flags = ("-f " if container.state == "running" else "") + ("-v " if action.volumes else "")
    state.lines.append(f"docker rm {flags}{container.name}")
    container.state = "gone"


def _commit(state: _State, action: Commit, trees: bool) -> None:
    container = _container(state, action.container, "running", "exited")
    if container is None:
        return
    tag = TAGS[action.tag % len(TAGS)]
    state.lines.append(f"docker commit {container.name} {tag}")
    state.images[tag] = ImageGuess(container.paths.copy())


def _volume_create(state: _State, action: VolumeCreate, trees: bool) -> None:
    name = VOLUMES[action.name % len(VOLUMES)]
    state.volumes.add(name)
    state.lines.append(f"docker volume create {name}")


def _look(state: _State, action: Look, trees: bool) -> None:
    kind = action.kind
    if kind == "tree" and not trees:
        kind = "df"
    line = None
    if kind == "images":
        line = "docker images"
    elif kind in ("history", "inspect"):
        tag = _pick(state.tags(), action.a)
        line = f"docker {'history' if kind == 'history' else 'image inspect'} {tag}"
    elif kind == "ps":
        line = ("docker ps -a -s", "docker ps -a -s", "docker ps -a", "docker ps -s", "docker container ls -a")[action.a % 5]
    elif kind == "diff":
        container = _container(state, action.a, "running", "exited")
        line = f"docker diff {container.name}" if container else None
    elif kind == "df":
        line = "docker system df" + (" -v" if action.a % 3 else "")
    elif kind == "volume_ls":
        line = "docker volume ls"
    elif kind == "tree":
        line = _tree_line(state.store, action.a, action.b)
        if state.live("running"):
            state.features.add("tree while a container runs")
        if any(c.state == "gone" for c in state.containers):
            state.features.add("tree after a container is gone")
    if line:
        state.lines.append(line)


def _tree_line(store: str, a: int, b: int) -> str:
    roots = [(DATA_ROOT, p) for p in TREE_PATHS[store]]
    if store == "containerd":
        roots += [(CONTAINERD_ROOT, p) for p in TREE_PATHS["containerd-root"]]
    root, sub = roots[a % len(roots)]
    depth = TREE_DEPTHS[b % len(TREE_DEPTHS)]
    return f"tree {root}{'/' + sub if sub else ''}" + (f" -L {depth}" if depth else "")


_ACT = {Build: _build, Rebuild: _rebuild, Tag: _tag, Rmi: _rmi, Run: _run, Exec: _exec, Stop: _stop, Rm: _rm,
        Commit: _commit, VolumeCreate: _volume_create, Look: _look}
