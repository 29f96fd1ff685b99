"""Fuzzed build contexts and Dockerfiles: what a generated ``docker build`` builds.

A :class:`ContextSpec` and a :class:`DockerfileSpec` are numbers and kinds only; they are
rendered against what exists when the build runs (the context's files, the images built
so far and what they hold) by :func:`context_files` and :func:`render_dockerfile`, so a
spec stays valid whatever shrinking removes before it. Every instruction the issue lists
is here: FROM (the busybox base, an earlier image, an earlier stage, scratch), RUN (the
operations of :mod:`.fuzz_paths`), COPY and ADD (``--chown``, ``--chmod``, ``--from``,
files, directories, globs, the whole context, a tar that ADD unpacks), WORKDIR, ENV,
ARG (with ``--build-arg``), LABEL, CMD; ``.dockerignore`` in the context.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from .fuzz_paths import OWNERS, WORDS, Op, PathGuess, render_ops

__all__ = [
    "BASE_TAG",
    "CONTEXT_PATHS",
    "ContextSpec",
    "DockerfileSpec",
    "Edit",
    "ImageGuess",
    "RenderedBuild",
    "StageSpec",
    "StepSpec",
    "base_dockerfile",
    "context_files",
    "edited",
    "render_dockerfile",
]

#: The image every scenario builds first, FROM scratch with the host's static busybox.
BASE_TAG = "fz-base"
#: Files a context may hold (git keeps their bytes and the executable bit, so a kept
#: scenario replays as it ran).
CONTEXT_PATHS = ("a.txt", "b.txt", "c.log", "run.sh", "d1/x.txt", "d1/y.bin", "d1/sub/z.txt", "d2/w.txt")
IGNORE_PATTERNS = ("*.log", "d1/sub", "b.txt", "d2", "**/*.bin", "run.sh")
#: Sizes of the larger context files, in bytes (around 4 KiB blocks and the kB unit).
BIG = (999, 1000, 4096, 4097, 70000)
TAR_NAME = "files.tar"
STEP_KINDS = ("run", "copy", "add", "workdir", "env", "arg", "label", "cmd", "copy_from")
WORKDIRS = ("/app", "/work", "sub", "/data/w")
ENV_NAMES = ("MODE", "GREETING", "LEVEL")
ARG_NAMES = ("VERSION", "FLAVOUR")
COPY_MODES = ("644", "755", "600", "640")


@dataclass(frozen=True)
class ContextSpec:
    """A build context: files (path index, content index, executable), ``.dockerignore``
    patterns (indexes), and whether it holds a tar for ADD."""

    files: tuple[tuple[int, int, bool], ...] = ()
    ignore: tuple[int, ...] = ()
    tar: bool = False


@dataclass(frozen=True)
class Edit:
    """A change to a context before a rebuild: ``edit`` (new bytes), ``touch`` (same bytes,
    a new modification time), ``chmod`` (the executable bit flipped), ``rename``, ``add``,
    ``delete``, ``ignore`` (a ``.dockerignore`` pattern more) or ``dockerfile`` (a RUN step
    more)."""

    kind: str
    a: int = 0
    n: int = 0


@dataclass(frozen=True)
class StepSpec:
    """One instruction: its kind, the operations of a RUN, and numbers that pick the rest."""

    kind: str
    ops: tuple[Op, ...] = ()
    a: int = 0
    b: int = 0
    chown: int = -1
    chmod: int = -1


@dataclass(frozen=True)
class StageSpec:
    """``FROM`` (``parent``: 0 the base, 1 scratch, 2 the stage before, 3+ an earlier image)
    and its steps."""

    parent: int
    steps: tuple[StepSpec, ...]


@dataclass(frozen=True)
class DockerfileSpec:
    """The stages, the one ``--target`` names (-1: none), which ARGs get ``--build-arg``,
    and ``--no-cache``."""

    stages: tuple[StageSpec, ...]
    target: int = -1
    build_args: tuple[int, ...] = ()
    no_cache: bool = False


@dataclass
class ImageGuess:
    """What an image holds as far as the lines know, and whether it has a shell to run."""

    paths: PathGuess = field(default_factory=PathGuess)
    shell: bool = True


def base_dockerfile(extras: tuple[bool, bool, bool]) -> tuple[str, ImageGuess]:
    """The base's Dockerfile: busybox from scratch; ``extras``: a data file made by busybox,
    a WORKDIR, a VOLUME."""
    lines = ["FROM scratch", "COPY busybox /bin/busybox", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
             "ENV PATH=/bin"]
    guess = ImageGuess()
    guess.paths.env["PATH"] = "/bin"
    if extras[0]:
        lines.append("RUN mkdir -p /data && echo base > /data/base.txt")
        guess.paths.add_file("/data/base.txt")
    if extras[1]:
        lines.append("WORKDIR /app")
        guess.paths.add_dir("/app")
    if extras[2]:
        lines.append("VOLUME /srv")
        guess.paths.add_dir("/srv")
    lines.append('CMD ["sh"]')
    return "\n".join(lines) + "\n", guess


def _content(index: int, path: str) -> bytes:
    if index % 3 == 2:
        return (WORDS[index % len(WORDS)].encode() * 8000)[: BIG[index % len(BIG)]]
    return f"{WORDS[index % len(WORDS)]} {path}\n".encode()


def context_files(spec: ContextSpec) -> dict[str, tuple[bytes, int]]:
    """The context's files (without the Dockerfile): path -> (bytes, mode)."""
    files: dict[str, tuple[bytes, int]] = {}
    for path_i, content_i, executable in spec.files:
        path = CONTEXT_PATHS[path_i % len(CONTEXT_PATHS)]
        files[path] = (_content(content_i, path), 0o755 if executable else 0o644)
    if spec.ignore:
        patterns = sorted({IGNORE_PATTERNS[i % len(IGNORE_PATTERNS)] for i in spec.ignore})
        files[".dockerignore"] = ("\n".join(patterns) + "\n").encode(), 0o644
    if spec.tar:
        files[TAR_NAME] = _tar(), 0o644
    return files


def _tar() -> bytes:
    """A small tar ADD unpacks (fixed times and owners: the same bytes every time)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in (("t/one.txt", b"one\n"), ("t/two.txt", b"two two\n")):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1_700_000_000, 0o644
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def edited(files: dict[str, tuple[bytes, int]], edit: Edit) -> tuple[dict[str, tuple[bytes, int]], set[str]]:
    """The context after ``edit``, and the paths to write with a new modification time."""
    files = dict(files)
    plain = sorted(p for p in files if p not in (".dockerignore", TAR_NAME))
    path = plain[edit.a % len(plain)] if plain else None
    touched: set[str] = set()
    if edit.kind == "edit" and path:
        files[path] = (files[path][0] + WORDS[edit.n % len(WORDS)].encode() + b"\n", files[path][1])
    elif edit.kind == "touch" and path:
        touched.add(path)
    elif edit.kind == "chmod" and path:
        files[path] = (files[path][0], files[path][1] ^ 0o111)
    elif edit.kind == "rename" and path:
        folder, name = posixpath.split(path)
        files[posixpath.join(folder, "renamed-" + name)] = files.pop(path)
    elif edit.kind == "delete" and path:
        del files[path]
    elif edit.kind == "ignore":
        patterns = files.get(".dockerignore", (b"", 0o644))[0].decode().split()
        patterns.append(IGNORE_PATTERNS[edit.n % len(IGNORE_PATTERNS)])
        files[".dockerignore"] = ("\n".join(sorted(set(patterns))) + "\n").encode(), 0o644
    elif edit.kind != "dockerfile":  # add (and an edit of a context without files)
        new = CONTEXT_PATHS[edit.a % len(CONTEXT_PATHS)]
        files["new-" + new] = (_content(edit.n, new), 0o644)
    return files, touched


def _sent(files: Mapping[str, tuple[bytes, int]]) -> list[str]:
    """The files a build sends, roughly (``.dockerignore`` read as plain names and globs)."""
    import fnmatch

    patterns = files.get(".dockerignore", (b"", 0))[0].decode().split()

    def ignored(path: str) -> bool:
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(fnmatch.fnmatch(p, pat.removeprefix("**/")) for pat in patterns for p in prefixes + [parts[-1]])

    return sorted(p for p in files if not ignored(p))


@dataclass
class RenderedBuild:
    """A Dockerfile's text, its ``docker build`` options, and what its image holds."""

    dockerfile: str
    options: list[str]
    image: ImageGuess
    #: the stage names, in order (for ``--target``)
    stages: list[str] = field(default_factory=list)


class _Stage:
    """A stage while it is rendered: its name, image guess and working directory."""

    def __init__(self, name: str, image: ImageGuess, workdir: str = "/") -> None:
        self.name, self.image, self.workdir = name, image, workdir


def render_dockerfile(spec: DockerfileSpec, files: Mapping[str, tuple[bytes, int]],
                      images: Mapping[str, ImageGuess]) -> RenderedBuild:
    """The Dockerfile of ``spec`` for a context of ``files``, with ``images`` (tag -> guess)
    to build FROM; the guess of the image it makes."""
    sent = _sent(files)
    earlier = sorted(t for t, g in images.items() if g.shell and t != BASE_TAG)
    lines: list[str] = []
    stages: list[_Stage] = []
    args_declared: list[str] = []
    for number, stage in enumerate(spec.stages):
        name = f"s{number}"
        choice = stage.parent
        if choice == 1 and number > 0:
            parent, image = "scratch", ImageGuess(shell=False)
        elif choice == 2 and stages:
            parent, image = stages[-1].name, _copied(stages[-1].image)
        elif choice >= 3 and earlier:
            parent = earlier[(choice - 3) % len(earlier)]
            image = _copied(images[parent])
        else:
            parent, image = BASE_TAG, _copied(images[BASE_TAG])
        lines.append(f"FROM {parent} AS {name}" if len(spec.stages) > 1 else f"FROM {parent}")
        current = _Stage(name, image)
        for step in stage.steps:
            text = _step(step, current, stages, sent, files, args_declared)
            if text:
                lines.append(text)
        stages.append(current)
    options: list[str] = []
    final = stages[-1]
    if spec.target >= 0 and len(stages) > 1:
        final = stages[spec.target % len(stages)]
        options += ["--target", final.name]
    for i in spec.build_args:
        if args_declared:
            arg = args_declared[i % len(args_declared)]
            options.append(f"--build-arg={arg}={WORDS[i % len(WORDS)]}")
    if spec.no_cache:
        options.append("--no-cache")
    return RenderedBuild("\n".join(lines) + "\n", sorted(set(options), key=options.index), final.image,
                         [s.name for s in stages])


def _copied(image: ImageGuess) -> ImageGuess:
    return ImageGuess(image.paths.copy(), image.shell)


def _step(step: StepSpec, stage: _Stage, before: list[_Stage], sent: list[str],
          files: Mapping[str, tuple[bytes, int]], args_declared: list[str]) -> str | None:
    """One instruction's text (None when it cannot be in this stage: RUN without a shell)."""
    guess = stage.image.paths
    kind = step.kind
    if kind == "run":
        if not stage.image.shell:
            return None
        return "RUN " + render_ops(step.ops or (Op("write"),), guess)
    if kind in ("copy", "add"):
        return _copy(step, stage, sent, files)
    if kind == "copy_from":
        return _copy_from(step, stage, before)
    if kind == "workdir":
        path = WORKDIRS[step.a % len(WORKDIRS)]
        stage.workdir = posixpath.normpath(posixpath.join(stage.workdir, path))
        guess.add_dir(stage.workdir)
        return f"WORKDIR {path}"
    if kind == "env":
        name = ENV_NAMES[step.a % len(ENV_NAMES)]
        guess.env[name] = WORDS[step.b % len(WORDS)]
        return f"ENV {name}={guess.env[name]}"
    if kind == "arg":
        name = ARG_NAMES[step.a % len(ARG_NAMES)]
        guess.args.add(name)
        if name not in args_declared:
            args_declared.append(name)
        return f"ARG {name}" + (f"={WORDS[step.b % len(WORDS)]}" if step.b % 2 else "")
    if kind == "label":
        return f"LABEL org.layerlab.fuzz{step.a % 3}={WORDS[step.b % len(WORDS)]}"
    # cmd
    if step.a % 2:
        return f'CMD ["sh", "-c", "echo {WORDS[step.b % len(WORDS)]}"]'
    return f"CMD echo {WORDS[step.b % len(WORDS)]}"


def _flags(step: StepSpec) -> str:
    out = ""
    if step.chown >= 0:
        out += f"--chown={OWNERS[step.chown % len(OWNERS)]} "
    if step.chmod >= 0:
        out += f"--chmod={COPY_MODES[step.chmod % len(COPY_MODES)]} "
    return out


def _copy(step: StepSpec, stage: _Stage, sent: list[str], files: Mapping[str, tuple[bytes, int]]) -> str:
    """COPY or ADD from the context: a file, a directory, a glob, the whole context, two
    files, or (ADD) the tar, which ADD unpacks."""
    guess = stage.image.paths
    word = "ADD" if step.kind == "add" else "COPY"
    plain = [p for p in sent if p not in (".dockerignore", TAR_NAME)]
    dirs = sorted({p.split("/")[0] for p in plain if "/" in p})
    relative = stage.workdir != "/" and step.b % 3 == 0
    dest_dir = "./" if relative else ("/app/", "/data/", "/srv/ctx/")[step.b % 3]
    at = stage.workdir if relative else dest_dir.rstrip("/")
    shape = step.a % 6
    if word == "ADD" and TAR_NAME in sent and shape == 5:
        for name in ("t/one.txt", "t/two.txt"):
            guess.add_file(f"{at}/{name}")
        return f"ADD {_flags(step)}{TAR_NAME} {dest_dir}"
    if shape == 1 and dirs:
        folder = dirs[step.b % len(dirs)]
        for p in plain:
            if p.startswith(folder + "/"):
                guess.add_file(f"{at}/{p}")
        return f"{word} {_flags(step)}{folder}/ {dest_dir}{folder}/"
    if shape == 2 and any(p.endswith(".txt") and "/" not in p for p in plain):
        for p in plain:
            if p.endswith(".txt") and "/" not in p:
                guess.add_file(f"{at}/{p}")
        return f"{word} {_flags(step)}*.txt {dest_dir}"
    if shape == 3:
        for p in sent:
            guess.add_file(f"{at}/{p}")
        guess.add_file(f"{at}/Dockerfile")
        return f"{word} {_flags(step)}. {dest_dir}"
    tops = [p for p in plain if "/" not in p] or ["Dockerfile"]
    if shape == 4 and len(tops) > 1:
        chosen = [tops[step.b % len(tops)], tops[(step.b + 1) % len(tops)]]
        for p in chosen:
            guess.add_file(f"{at}/{p}")
        return f"{word} {_flags(step)}{' '.join(chosen)} {dest_dir}"
    source = tops[step.b % len(tops)]
    if step.chmod % 2 and not relative:  # to a new file name
        target = f"{at}/copied-{posixpath.basename(source)}"
        guess.add_file(target)
        return f"{word} {_flags(step)}{source} {target}"
    guess.add_file(f"{at}/{posixpath.basename(source)}")
    return f"{word} {_flags(step)}{source} {dest_dir}"


def _copy_from(step: StepSpec, stage: _Stage, before: list[_Stage]) -> str | None:
    """COPY --from an earlier stage: one of its files or directories, to /from/."""
    if not before:
        return None
    source_stage = before[step.a % len(before)]
    paths = sorted(source_stage.image.paths.files | source_stage.image.paths.dirs)
    if not paths:
        return None
    source = paths[step.b % len(paths)]
    target = "/from/" + posixpath.basename(source)
    if source in source_stage.image.paths.dirs:
        below = source + "/"
        for p in source_stage.image.paths.files:
            if p.startswith(below):
                stage.image.paths.add_file(target + "/" + p[len(below):])
        stage.image.paths.add_dir(target)
        return f"COPY {_flags(step)}--from={source_stage.name} {source} {target}"
    stage.image.paths.add_file(target)
    return f"COPY {_flags(step)}--from={source_stage.name} {source} {target}"
