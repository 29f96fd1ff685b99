"""The options of the docker lines both sides must read alike: ``build``, ``run``, ``tree``,
plain flags, and which image tags a run of lines makes.

Only the options the scenarios use are understood; anything else is a :class:`ScenarioError`
naming it, so a line is never half-understood.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from layerlab.engine.mounts import parse_mount_flag, parse_volume_flag
from layerlab.model.reference import full_ref

from .lines import CONTAINERD_ROOT, DATA_ROOT, Command, ScenarioError

__all__ = [
    "UNTAGGED",
    "BuildArgs",
    "RunArgs",
    "TreeArgs",
    "made_tags",
    "parse_build",
    "parse_run",
    "parse_tree",
    "split_flags",
]

#: The tag an untagged ``docker build`` gets on the engine, so that its image can be saved.
UNTAGGED = "layerlab-untagged:latest"


@dataclass
class BuildArgs:
    """``docker build`` as both sides need it; ``context`` is resolved against the scenario."""

    context: Path
    tag: str | None
    file: str | None
    build_args: dict[str, str]
    target: str | None
    no_cache: bool

    @property
    def dockerfile(self) -> Path:
        """The Dockerfile this build reads (``-f`` is relative to the context, as the CLI's is)."""
        path = Path(self.file or "Dockerfile")
        return path if path.is_absolute() else self.context / path

    @property
    def from_scratch(self) -> bool:
        """The first stage is FROM scratch: on an engine, its RUN steps run the busybox
        the context carries (the real side adds the host's)."""
        first = next((words for words in self._instructions() if words[0] == "FROM"), [])
        return first[1:2] == ["scratch"]

    @property
    def sent_as_copy(self) -> bool:
        """The engine side sends a copy of a FROM scratch context with busybox added
        (from a temp folder: no git work tree for buildx to describe)."""
        return self.from_scratch and not (self.context / "busybox").exists()

    @property
    def needs_engine(self) -> bool:
        """FROM scratch with RUN steps: they run busybox, which the model cannot, so the
        image is built on an engine and loaded into the simulator."""
        return self.from_scratch and any(words[0] == "RUN" for words in self._instructions())

    def _instructions(self) -> list[list[str]]:
        """The Dockerfile's lines as words, the instruction upper-cased (none when unreadable:
        the build then fails with docker's own words)."""
        try:
            lines = self.dockerfile.read_text().splitlines()
        except OSError:
            return []
        return [[words[0].upper(), *words[1:]] for line in lines if (words := line.split())]

    def dockerfile_text(self) -> str | None:
        """The ``-f`` file's text (None without ``-f``: the context's own Dockerfile is read)."""
        if self.file is None:
            return None
        if not self.dockerfile.is_file():
            raise ScenarioError(
                f"docker build -f {self.file}: no such file {self.dockerfile} (a -f path is taken relative to the context)"
            )
        return self.dockerfile.read_text()


def parse_build(argv: list[str], base: Path) -> BuildArgs:
    """``docker build`` options; the context is relative to ``base``."""
    parser = argparse.ArgumentParser(prog="docker build", add_help=False, exit_on_error=False)
    parser.add_argument("-t", "--tag")
    parser.add_argument("-f", "--file")
    parser.add_argument("--build-arg", action="append", default=[])
    parser.add_argument("--target")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--network")
    parser.add_argument("--progress")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("context")
    try:
        ns = parser.parse_args(argv)
    except (argparse.ArgumentError, SystemExit) as err:
        raise ScenarioError(f"docker build {' '.join(argv)}: {err}") from None
    args = dict(a.split("=", 1) if "=" in a else (a, "") for a in ns.build_arg)
    return BuildArgs((base / ns.context).resolve(), ns.tag, ns.file, args, ns.target, ns.no_cache)


@dataclass
class TreeArgs:
    """``tree /var/lib/docker[/sub] [-L N]``: the path below the data root, and the depth;
    or the same below containerd's root (``root``: ``/var/lib/containerd``)."""

    path: str  # relative to the root ("" for the root itself)
    depth: int | None
    root: str = DATA_ROOT

    @property
    def full_path(self) -> str:
        return f"{self.root}/{self.path}" if self.path else self.root


def parse_tree(argv: list[str]) -> TreeArgs:
    """``tree /var/lib/docker[/sub/path] [-L N]`` (the option before or after the path)."""
    depth: int | None = None
    paths: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "-L" or word.startswith("-L"):
            value = word[2:] or (argv[i + 1] if i + 1 < len(argv) else "")
            i += 1 if word[2:] else 2
            if not value.isdigit() or int(value) < 1:
                raise ScenarioError(f"tree: -L needs a level of at least 1, got {value!r}")
            depth = int(value)
            continue
        if word.startswith("-"):
            raise ScenarioError(f"tree: unsupported option {word!r} (supported: -L N)")
        paths.append(word)
        i += 1
    roots = [r for r in (DATA_ROOT, CONTAINERD_ROOT) if len(paths) == 1 and (paths[0].rstrip("/") + "/").startswith(r + "/")]
    if not roots:
        raise ScenarioError(
            f"tree: give one path at or under {DATA_ROOT} or {CONTAINERD_ROOT}, got {' '.join(paths) or 'none'}"
        )
    return TreeArgs(paths[0].rstrip("/")[len(roots[0]) :].strip("/"), depth, roots[0])


@dataclass
class RunArgs:
    """``docker run``: the options the scenarios use, the image, and the command."""

    image: str
    command: list[str]
    name: str | None = None
    detach: bool = False
    rm: bool = False
    volumes: list[str] = field(default_factory=list)
    mounts: list[str] = field(default_factory=list)
    env: list[str] = field(default_factory=list)
    workdir: str | None = None
    has_network: bool = False
    log_driver: str | None = None
    log_opts: dict[str, str] = field(default_factory=dict)

    def bind_sources(self) -> list[str]:
        """The host folders its bind mounts name (``-v /host:/path``, ``--mount type=bind``)."""
        specs = [parse_volume_flag(v) for v in self.volumes] + [parse_mount_flag(m) for m in self.mounts]
        return [s.source for s in specs if s.type == "bind" and s.source]


_RUN_VALUE = {"--name", "-v", "--volume", "--mount", "-e", "--env", "-w", "--workdir", "--network", "--net",
              "-u", "--user", "-h", "--hostname", "--entrypoint", "--log-driver", "--log-opt"}
_RUN_FLAG = {"-d", "--detach", "--rm", "-i", "-t", "-it", "-ti", "--interactive", "--tty", "--init"}


def parse_run(argv: list[str]) -> RunArgs:
    """``docker run`` options (the subset scenarios use), the image, then the command."""
    opts: dict[str, list[str]] = {}
    flags: set[str] = set()
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        key, eq, value = argv[i].partition("=")
        if key in _RUN_VALUE:
            if not eq:
                i += 1
                if i >= len(argv):
                    raise ScenarioError(f"docker run: {key} needs a value")
                value = argv[i]
            opts.setdefault(key, []).append(value)
        elif argv[i] in _RUN_FLAG:
            flags.add(argv[i])
        else:
            raise ScenarioError(f"docker run: unsupported option {argv[i]!r}")
        i += 1
    if i >= len(argv):
        raise ScenarioError("docker run: no image")

    def values(*keys: str) -> list[str]:
        return [v for k in keys for v in opts.get(k, [])]

    return RunArgs(argv[i], argv[i + 1:], (values("--name") or [None])[-1], bool(flags & {"-d", "--detach"}),
                   "--rm" in flags, values("-v", "--volume"), values("--mount"), values("-e", "--env"),
                   (values("-w", "--workdir") or [None])[-1], bool(values("--network", "--net")),
                   (values("--log-driver") or [None])[-1],
                   dict(o.partition("=")[::2] for o in values("--log-opt")))


def split_flags(args: list[str], value_opts: tuple[str, ...] = ()) -> tuple[set[str], dict[str, str], list[str]]:
    """(flags, option values, the other words) of a line's arguments.

    ``-af`` is ``-a`` and ``-f``; ``--opt=value`` and the ``value_opts`` followed by a word
    take a value.
    """
    flags: set[str] = set()
    values: dict[str, str] = {}
    words: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word in value_opts and i + 1 < len(args):
            values[word] = args[i + 1]
            i += 2
            continue
        if word.startswith("-") and len(word) > 1:
            key, eq, value = word.partition("=")
            if eq:
                values[key] = value
            elif word.startswith("--"):
                flags.add(word)
            else:
                flags |= {"-" + c for c in word[1:]}
        else:
            words.append(word)
        i += 1
    return flags, values, words


def made_tags(commands: Iterable[Command], base: Path) -> set[str]:
    """The ``repo:tag`` names these lines create (by build, tag and commit).

    An engine may hold other images: image tables and totals are compared on these only.
    """
    tags: set[str] = set()
    for command in commands:
        verb, args = command.verb, command.args
        if verb == "build":
            tag = parse_build(args, base).tag
            if tag:
                tags.add(full_ref(tag))
        elif verb == "tag" and len(args) > 1:
            tags.add(full_ref(args[1]))
        elif verb == "commit":
            names = split_flags(args, ("-m", "--message"))[2]
            if len(names) > 1:
                tags.add(full_ref(names[-1]))
    return tags
