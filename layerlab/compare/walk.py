"""Docker commands run one at a time on a simulated host, with the data root after each.

``DataRootWalk(["docker pull alpine:3.20", "docker run ..."])`` keeps a snapshot of
``/var/lib/docker`` (both image stores) after every command, so one can step forward, step
back and ask what each command added or removed. Commands are scenario lines
(:mod:`layerlab.compare.lines`) plus ``docker pull REF``, which takes the image from the course
catalogue (no registry here: the layers and config are the catalogue's, and the
``distribution/`` records a real pull writes are not modelled). ``tree /var/lib/docker[/sub]
[-L N]`` is not a step: :meth:`DataRootWalk.parse` returns it as a view to show.

Steps are values: going back shows an older snapshot, it never undoes anything on the host.
A command typed while looking at an older step replaces the steps after it: the host is
rebuilt from the same seed with the commands up to there, so its ids come out the same.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layerlab.build.catalogue import CatalogueError, base_image, known_bases
from layerlab.dataroot import STORES, DataRoot
from layerlab.engine.host import Host
from layerlab.engine.profile import get_profile
from layerlab.model.reference import full_ref
from layerlab.model.errors import LayerlabError

from .arguments import TreeArgs, parse_tree
from .lines import SUPPORTED, Command
from .simulated import SimulatedSide

__all__ = ["DataRootWalk", "Step", "WalkError", "parse_line"]

START = "(dockerd starts: an empty data root)"
VERBS = ("pull", *SUPPORTED)


class WalkError(LayerlabError):
    """A line that is not a command the walk can run, or a step that does not exist."""


@dataclass(frozen=True, repr=False)
class Step:
    """One command and the data root after it, in every image store."""

    command: str
    output: str
    ok: bool
    roots: dict[str, DataRoot]

    def __repr__(self) -> str:
        """The command and what docker printed, as in a terminal."""
        return f"$ {self.command}\n{self.output}".rstrip()


def parse_line(line: str) -> Command | TreeArgs:
    """A docker command to run, or a ``tree`` view; a clear error for anything else."""
    text = line.strip()
    if not text:
        raise WalkError(
            "type a docker command, for example: docker run --name web alpine:3.20 true"
        )
    try:
        argv = shlex.split(text, comments=True)
    except ValueError as err:
        raise WalkError(f"{text!r}: {err}") from None
    if argv[:1] == ["tree"]:
        return parse_tree(argv[1:])
    if argv[:1] != ["docker"] or len(argv) < 2:
        raise WalkError(
            f"{text!r} is not a docker command: lines start with 'docker' "
            f"(docker {', '.join(VERBS)}) or are "
            "'tree /var/lib/docker [-L N]'"
        )
    verb2 = " ".join(argv[1:3])
    if argv[1] not in VERBS and verb2 not in VERBS:
        raise WalkError(
            f"unsupported docker command {verb2!r} (supported: docker {', '.join(VERBS)})"
        )
    return Command(0, text, argv[1:])


class DataRootWalk:
    """A host, the commands run on it so far, and the data root after each of them."""

    def __init__(
        self, commands: Iterable[str] = (), *, seed: int = 1, cwd: str | Path | None = None,
        engine: str | None = None,
    ) -> None:
        self.seed = seed
        self.profile = get_profile(engine)  # checked now: a wrong name fails before any step
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.planned: list[str] = []
        for n, line in enumerate(commands, start=1):
            if not isinstance(parse_line(line), Command):
                raise WalkError(f"command {n}: {line!r} is a tree view, not a step to run")
            self.planned.append(line.strip())
        self._start()

    def _start(self) -> None:
        self.host = Host(seed=self.seed, engine=self.profile)
        self._side = SimulatedSide(self.cwd, self.host)
        self.steps: list[Step] = [Step(START, "", True, self._snapshot())]
        self.position = 0

    @property
    def stores(self) -> tuple[str, ...]:
        """The layouts each step keeps: a classic-store engine's data root can be drawn in both
        (what the containerd store would keep of the same images); a containerd-store one's
        in its own only."""
        return ("containerd",) if self.profile.containerd else STORES

    def _snapshot(self) -> dict[str, DataRoot]:
        return {store: DataRoot.from_host(self.host, store) for store in self.stores}

    # -- where we are ---------------------------------------------------------------------
    @property
    def commands(self) -> list[str]:
        """Every command: those run so far, then those still to come."""
        done = [s.command for s in self.steps[1:]]
        return done + self.planned[len(done) :]

    @property
    def step(self) -> Step:
        return self.steps[self.position]

    def root(self, store: str | None = None) -> DataRoot:
        """The data root at the current step (``store``: one of :attr:`stores`; None: the engine's own)."""
        return self.step.roots[store or self.stores[0]]

    def before(self, store: str | None = None) -> DataRoot | None:
        """The data root before the current step's command (None at the start)."""
        return self.steps[self.position - 1].roots[store or self.stores[0]] if self.position else None

    @property
    def at_end(self) -> bool:
        return self.position == len(self.commands)

    # -- moving -----------------------------------------------------------------------------
    def forward(self) -> Step:
        """The next step: shown again if it already ran, else its command runs now."""
        if self.at_end:
            raise WalkError(
                f"no more commands: this was step {self.position} of {len(self.commands)}"
            )
        if self.position + 1 < len(self.steps):
            self.position += 1
            return self.step
        line = self.commands[self.position]
        return self._append(line, self._execute(parse_line(line)))  # type: ignore[arg-type]

    def back(self) -> Step:
        if self.position == 0:
            raise WalkError("already at the start: nothing ran before dockerd started")
        self.position -= 1
        return self.step

    def go_to(self, position: int) -> Step:
        """Step forward or back to ``position`` (0: before any command)."""
        if not 0 <= position <= len(self.commands):
            raise WalkError(f"no step {position}: steps go from 0 to {len(self.commands)}")
        while self.position > position:
            self.back()
        while self.position < position:
            self.forward()
        return self.step

    def run(self, line: str) -> Step:
        """Run a typed command right after the current step; the commands after it stay
        planned (steps that already ran after it are dropped and run again on the way
        forward). A command docker refuses, and that changed nothing, raises
        :class:`WalkError` and leaves every step as it was."""
        parsed = parse_line(line)
        if not isinstance(parsed, Command):
            raise WalkError("a tree line is a view, not a command to run")
        commands = self.commands
        saved = (self.host, self._side, self.steps, self.position)
        if self.position + 1 < len(self.steps):  # the host is ahead of this step: rebuild it
            keep = [s.command for s in self.steps[1 : self.position + 1]]
            self._start()
            for command in keep:
                self._append(command, self._execute(parse_line(command)))  # type: ignore[arg-type]
        output, ok = self._execute(parsed)
        after = self._snapshot()
        first = self.stores[0]
        if not ok and not after[first].diff_since(self.step.roots[first]):
            self.host, self._side, self.steps, self.position = saved
            raise WalkError(output.removeprefix("ERROR: "))
        p = self.position
        self.planned = [*commands[:p], parsed.text, *commands[p:]]
        step = Step(parsed.text, output, ok, after)
        self.steps = [*self.steps[: p + 1], step]
        self.position = p + 1
        return step

    # -- running ----------------------------------------------------------------------------
    def _append(self, line: str, result: tuple[str, bool]) -> Step:
        step = Step(line, result[0], result[1], self._snapshot())
        self.steps.append(step)
        self.position = len(self.steps) - 1
        return step

    def _execute(self, command: Command) -> tuple[str, bool]:
        """(what docker printed, ok) for one command on the host."""
        if command.argv[0] == "pull":
            try:
                return self._pull(command.argv[1:]), True
            except LayerlabError as err:
                return f"ERROR: {err}", False
        observed = self._side.run(command)
        return observed.output, observed.ok

    def _pull(self, args: list[str]) -> str:
        refs = [a for a in args if not a.startswith("-")]
        if len(refs) != 1:
            raise WalkError(
                f"docker pull needs one image reference, got {' '.join(args) or 'none'}"
            )
        ref = refs[0]
        try:
            image = base_image(ref)
        except CatalogueError:
            raise WalkError(
                f"docker pull {ref}: there is no registry here, and the course catalogue has no "
                f"{ref!r} (it has: {', '.join(known_bases())})"
            ) from None
        tag = full_ref(ref)
        lines = [] if ":" in ref else ["Using default tag: latest"]
        if self.host.tags.get(tag) == image.image_id:
            return "\n".join([*lines, f"Status: Image is up to date for {tag}"])
        self.host.add(image, tag)
        n = len(image.layers)
        lines += [
            f"{tag}: {n} layer{'s' * (n != 1)} from the course catalogue (no registry here)",
            f"Status: Downloaded newer image for {tag}",
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<DataRootWalk step {self.position} of {len(self.commands)}: {self.step.command}>"
