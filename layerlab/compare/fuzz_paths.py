"""What a fuzzed scenario's shell lines do to files: a guess of an image's paths, and the
file operations ``RUN`` steps and ``sh -c`` in containers are made of.

A generated operation is an :class:`Op`: a kind and a few numbers, with no reference to
any path. :func:`render_op` turns it into shell text against a :class:`PathGuess` (what
the lines so far put in the image), picking existing paths by the numbers, so that
operations stay valid when shrinking removes the lines before them. The guess is only a
guess: the engine and the simulator decide what really happens, the same for both.
Every command used here is one :func:`layerlab.shell.supported_commands` lists.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

__all__ = ["DIRS", "NAMES", "OP_KINDS", "WORDS", "Op", "PathGuess", "render_op", "render_ops"]

#: Where generated lines make files (the base image has only /bin, which they leave alone).
DIRS = ("/app", "/data", "/srv", "/app/sub", "/data/deep/er")
#: New file names.
NAMES = ("a", "b.txt", "c.log", "d", "e.txt")
#: What files hold (short, so sizes show the engine's rounding of small numbers).
WORDS = ("one", "two", "hello", "x", "layered", "0123456789abcdef")
#: Sizes for truncate and dd, in KiB for dd: around the block and unit boundaries.
SIZES = (0, 1, 3, 4, 5, 100, 1100)
MODES = ("600", "640", "644", "700", "755", "4755")
OWNERS = ("1:1", "1000:1000", "0:0", "33:33")

#: Every kind of operation: the issue's exec-style list (write, append, truncate, chmod,
#: chown, rename, hard and soft links, rm, rm -r, mkdir over a deleted dir) and more.
OP_KINDS = ("write", "append", "truncate", "dd", "chmod", "chown", "mv", "symlink", "hardlink", "rm",
            "rm_r", "recreate", "cp", "touch", "mkdir", "chmod_dir", "cat", "ls", "env")


@dataclass(frozen=True)
class Op:
    """One file operation, before it is given paths: ``a`` and ``b`` pick paths, ``n`` a
    word, size, mode or owner."""

    kind: str
    a: int = 0
    b: int = 0
    n: int = 0


@dataclass
class PathGuess:
    """The paths the generated lines made (files, directories, symlinks), and the
    environment variables an image sets."""

    files: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    env: dict[str, str] = field(default_factory=dict)
    #: Variables a RUN step can read (ARG and ENV), by name.
    args: set[str] = field(default_factory=set)

    def copy(self) -> PathGuess:
        return PathGuess(set(self.files), set(self.dirs), set(self.links), dict(self.env), set(self.args))

    def add_file(self, path: str) -> None:
        self.remove(path)
        self.files.add(path)
        self.add_dir(posixpath.dirname(path))

    def add_link(self, path: str) -> None:
        self.remove(path)
        self.links.add(path)
        self.add_dir(posixpath.dirname(path))

    def add_dir(self, path: str) -> None:
        while path not in ("/", "") and path not in self.dirs:
            self.files.discard(path)
            self.links.discard(path)
            self.dirs.add(path)
            path = posixpath.dirname(path)

    def remove(self, path: str) -> None:
        """Forget ``path`` and everything below it."""
        below = path.rstrip("/") + "/"
        for kind in (self.files, self.dirs, self.links):
            kind.difference_update({p for p in kind if p == path or p.startswith(below)})

    def move(self, source: str, target: str) -> None:
        """``mv source target`` (target a new name)."""
        below = source + "/"
        moved = [(p, target + p[len(source):]) for kind in (self.files, self.dirs, self.links)
                 for p in kind if p == source or p.startswith(below)]
        kinds = {p: k for k in (self.files, self.dirs, self.links) for p in k}
        self.remove(source)
        self.add_dir(posixpath.dirname(target))
        for old, new in moved:
            kinds[old].add(new)


def _pick(options: list[str], i: int) -> str | None:
    return options[i % len(options)] if options else None


def _new_path(guess: PathGuess, op: Op) -> str:
    """A path that does not exist yet, in one of :data:`DIRS` or a directory the guess has."""
    dirs = sorted(set(DIRS) | guess.dirs)
    folder = dirs[op.a % len(dirs)]
    name = NAMES[op.b % len(NAMES)]
    path = f"{folder}/{name}"
    while path in guess.files or path in guess.dirs or path in guess.links:
        path += "2"
    return path


def _parent(path: str, guess: PathGuess) -> str:
    """``mkdir -p DIR && `` when the path's folder is not there yet."""
    folder = posixpath.dirname(path)
    return "" if folder in guess.dirs or folder == "/" else f"mkdir -p {folder} && "


#: Operations on an existing file, and on an existing directory.
ON_FILES = ("append", "truncate", "chmod", "chown", "mv", "symlink", "hardlink", "rm", "cp", "touch", "cat")
ON_DIRS = ("rm_r", "recreate", "mkdir", "chmod_dir", "ls")


def render_op(op: Op, guess: PathGuess) -> str:
    """The shell text of ``op`` against ``guess`` (which it updates); an operation that needs
    a file the guess lacks writes one first."""
    if (op.kind in ON_FILES and not guess.files) or (op.kind in ON_DIRS and not guess.dirs):
        return render_op(Op("write", op.a, op.b, op.n), guess) + " && " + render_op(op, guess)
    files, dirs = sorted(guess.files), sorted(guess.dirs)
    word = WORDS[op.n % len(WORDS)]
    file, folder = _pick(files, op.a), _pick(dirs, op.a)
    kind = op.kind
    if kind == "env" and not (guess.env or guess.args):
        kind = "write"
    if kind == "write":
        path = _new_path(guess, op)
        text = f"{_parent(path, guess)}echo {word} > {path}"
        guess.add_file(path)
        return text
    if kind == "dd":
        path = _new_path(guess, op)
        text = f"{_parent(path, guess)}dd if=/dev/zero of={path} bs=1024 count={SIZES[op.n % len(SIZES)] or 1} 2>/dev/null"
        guess.add_file(path)
        return text
    if kind == "env":
        name = sorted(guess.env.keys() | guess.args)[op.n % len(guess.env.keys() | guess.args)]
        path = _new_path(guess, op)
        text = f"{_parent(path, guess)}echo ${name} > {path}"
        guess.add_file(path)
        return text
    assert file is not None and folder is not None or kind in ("rm_r", "recreate", "mkdir", "chmod_dir", "ls")
    simple = {
        "append": lambda: f"echo {word} >> {file}",
        "truncate": lambda: f"truncate -s {SIZES[op.n % len(SIZES)]} {file}",
        "chmod": lambda: f"chmod {MODES[op.n % len(MODES)]} {file}",
        "chown": lambda: f"chown {OWNERS[op.n % len(OWNERS)]} {file}",
        "touch": lambda: f"touch {file}",
        "cat": lambda: f"head -c 16 {file}",
        "ls": lambda: f"ls {folder}",
        "chmod_dir": lambda: f"chmod {MODES[op.n % len(MODES)]} {folder}",
    }
    if kind in simple:
        return simple[kind]()
    if kind in ("mv", "symlink", "hardlink", "cp"):
        assert file is not None
        target = _new_path(guess, Op(kind, op.b, op.n))
        verb = {"mv": "mv", "symlink": "ln -s", "hardlink": "ln", "cp": "cp"}[kind]
        text = f"{_parent(target, guess)}{verb} {file} {target}"
        if kind == "mv":
            guess.move(file, target)
        elif kind == "symlink":
            guess.add_link(target)
        else:
            guess.add_file(target)
        return text
    if kind == "rm":
        assert file is not None
        guess.remove(file)
        return f"rm {file}"
    assert folder is not None
    if kind == "rm_r":
        guess.remove(folder)
        return f"rm -rf {folder}"
    if kind == "recreate":  # mkdir over a deleted directory: an opaque directory in overlayfs
        guess.remove(folder)
        path = f"{folder}/{NAMES[op.b % len(NAMES)]}"
        guess.add_file(path)
        return f"rm -rf {folder} && mkdir {folder} && echo {word} > {path}"
    # mkdir: a new folder below an existing one
    path = f"{folder}/{NAMES[op.b % len(NAMES)].split('.')[0]}dir"
    while path in guess.files or path in guess.links:
        path += "2"
    guess.add_dir(path)
    return f"mkdir -p {path}"


def render_ops(ops: list[Op] | tuple[Op, ...], guess: PathGuess) -> str:
    """The operations as one ``&&`` list (never empty: nothing is ``true``)."""
    return " && ".join(render_op(op, guess) for op in ops) or "true"
