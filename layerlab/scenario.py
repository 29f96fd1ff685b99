"""Scenarios: the same docker command lines on the simulated host and on a real engine.

A scenario is a text file of ``docker ...`` lines (``#`` comments, paths relative to the
file's folder). ``play`` runs it on one side and prints what docker prints; ``compare``
runs both and reports every difference a user would see: which steps made layers and
their sizes, which steps were CACHED, history rows, image sizes and ``system df``.
Random ids and times never take part in a comparison.
"""

from __future__ import annotations

import argparse
import re
import shlex
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .archive import read_archive
from .errors import LayerlabError
from .host import Host, full_ref
from .inspect import human_size


class ScenarioError(LayerlabError):
    """A scenario line that is not a supported docker command."""


SUPPORTED = ("build", "tag", "rmi", "image rm", "history", "image inspect", "images", "image ls",
             "system df", "save", "load")


@dataclass
class Command:
    number: int
    text: str
    argv: list[str]


def parse_scenario(text: str) -> list[Command]:
    commands = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            argv = shlex.split(line, comments=True)
        except ValueError as err:
            raise ScenarioError(f"line {number}: {err}") from None
        if not argv or argv[0] != "docker":
            raise ScenarioError(f"line {number}: scenario lines are docker commands, got {line!r}")
        commands.append(Command(number, line, argv[1:]))
    return commands


@dataclass
class BuildArgs:
    context: Path
    tag: str | None
    file: str | None
    build_args: dict[str, str]
    target: str | None
    no_cache: bool


def _parse_build(argv: list[str], base: Path) -> BuildArgs:
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


def _verb(argv: list[str]) -> tuple[str, list[str]]:
    if len(argv) >= 2 and f"{argv[0]} {argv[1]}" in SUPPORTED:
        return f"{argv[0]} {argv[1]}", argv[2:]
    if argv and argv[0] in SUPPORTED:
        return argv[0], argv[1:]
    raise ScenarioError(
        f"unsupported docker command {' '.join(argv[:2])!r} (supported: {', '.join('docker ' + s for s in SUPPORTED)})"
    )


def starts_from_scratch(dockerfile: Path) -> bool:
    """True for a Dockerfile whose first stage is FROM scratch: its RUN steps need a real
    engine (busybox cannot run in the model), so compare builds it there and loads it."""
    for line in dockerfile.read_text().splitlines():
        words = line.split()
        if words and words[0].upper() == "FROM":
            return len(words) > 1 and words[1] == "scratch"
    return False


@dataclass
class Observation:
    """What a user sees from one command, with everything random left out."""

    ok: bool
    output: str
    facts: dict[str, Any] = field(default_factory=dict)


# -- the simulated side -------------------------------------------------------------------


class SimulatedSide:
    def __init__(self, base: Path, host: Host | None = None) -> None:
        self.base = base
        self.host = host or Host()

    def run(self, command: Command) -> Observation:
        verb, rest = _verb(command.argv)
        try:
            return self._run(verb, rest)
        except LayerlabError as err:
            return Observation(False, f"ERROR: {err}", {"error": True})

    def _run(self, verb: str, rest: list[str]) -> Observation:
        host = self.host
        if verb == "build":
            args = _parse_build(rest, self.base)
            if args.no_cache:
                host.build_cache.clear()
            result = host.build(args.context, args.tag, dockerfile=_read_dockerfile(args),
                                build_args=args.build_args, target=args.target)
            facts = build_facts([(s.text, s.cached) for s in result.steps], result.image)
            return Observation(True, result.log, facts)
        if verb == "tag":
            host.tag(rest[0], rest[1])
            return Observation(True, "", {})
        if verb in ("rmi", "image rm"):
            force = "-f" in rest or "--force" in rest
            refs = [r for r in rest if not r.startswith("-")]
            lines = [line for ref in refs for line in host.rmi(ref, force=force)]
            return Observation(True, "\n".join(lines), {"untagged": [x for x in lines if x.startswith("Untagged")],
                                                        "deleted": sum(x.startswith("Deleted") for x in lines)})
        if verb == "history":
            ref = [r for r in rest if not r.startswith("-")][0]
            rows = host.history_rows(ref)
            return Observation(True, host.history("--no-trunc" in rest and ref or ref, no_trunc="--no-trunc" in rest),
                               {"history": [(r["CREATED BY"], r["SIZE"]) for r in rows]})
        if verb == "image inspect":
            data = host.inspect(rest[-1])
            return Observation(True, str(data), {"size": data["Size"], "layers": len(data["RootFS"]["Layers"])})
        if verb in ("images", "image ls"):
            rows = host.image_rows()
            return Observation(True, host.images_table(),
                               {"images": sorted((f"{r['REPOSITORY']}:{r['TAG']}", r["SIZE"]) for r in rows)})
        if verb == "system df":
            verbose = "-v" in rest or "--verbose" in rest
            df = host.system_df()
            facts = {"images": df["images"], "images_size": human_size(df["images_size"], 4)}
            if verbose:
                facts["per_image"] = sorted(
                    (",".join(i["tags"]), human_size(i["size"]), human_size(i["shared"], 4),
                     human_size(i["unique"], 4))
                    for i in df["per_image"]
                )
            return Observation(True, host.system_df_text(verbose), facts)
        if verb == "save":
            out = rest[rest.index("-o") + 1]
            refs = [r for i, r in enumerate(rest) if not r.startswith("-") and (i == 0 or rest[i - 1] != "-o")]
            host.save(refs, self.base / out)
            return Observation(True, "", {})
        if verb == "load":
            lines = host.load(self.base / rest[rest.index("-i") + 1])
            return Observation(True, "\n".join(lines), {"loaded": lines})
        raise ScenarioError(f"unsupported: docker {verb}")


def _read_dockerfile(args: BuildArgs) -> str | None:
    if args.file is None:
        return None
    path = Path(args.file)
    path = path if path.is_absolute() else args.context / path
    return path.read_text()


def build_facts(steps: list[tuple[str, bool]], image: Any) -> dict[str, Any]:
    """The parts of a build a user compares: steps and their CACHED marks, layers and sizes."""
    return {
        "steps": sorted((" ".join(text.split()), cached) for text, cached in steps if not text.startswith("FROM ")),
        "history": [(h.created_by, layer is not None, human_size(layer.size) if layer else "0B")
                    for h, layer in image.steps()],
        "size": human_size(image.size),
    }


# -- the real side ------------------------------------------------------------------------

_STEP = re.compile(r"^#(\d+) \[(?:[\w.-]+ )?(\d+)/(\d+)\] (.*)$")


def parse_buildkit_log(log: str) -> list[tuple[str, bool]]:
    """(instruction text, CACHED?) for each ``#N [i/n] ...`` step of BuildKit's plain output."""
    steps: dict[str, list[Any]] = {}
    order: list[str] = []
    for line in log.splitlines():
        match = _STEP.match(line.strip())
        if match:
            number, text = match.group(1), match.group(4)
            if number not in steps:
                steps[number] = [text, False]
                order.append(number)
            continue
        parts = line.strip().split(" ", 1)
        if len(parts) == 2 and parts[0].startswith("#") and parts[1].strip() == "CACHED":
            key = parts[0][1:]
            if key in steps:
                steps[key][1] = True
    return [(steps[n][0], steps[n][1]) for n in order]


class RealSide:
    """The same commands on a real engine (through the Debian docker CLI)."""

    def __init__(self, base: Path, engine: Any) -> None:
        self.base = base
        self.engine = engine
        self._tmp = Path(tempfile.mkdtemp(prefix="layerlab-real-"))

    def run(self, command: Command) -> Observation:
        from .real.engine import EngineError

        verb, rest = _verb(command.argv)
        try:
            return self._run(verb, rest)
        except EngineError as err:
            return Observation(False, f"ERROR: {err}", {"error": True})

    def _with_busybox(self, context: Path) -> Path:
        """A copy of a FROM scratch context with the host's static busybox added."""
        import shutil

        busybox = Path(shutil.which("busybox") or "/bin/busybox")
        if not busybox.exists():
            raise ScenarioError("a FROM scratch scenario needs a static busybox: apt-get install busybox-static")
        copy = Path(tempfile.mkdtemp(prefix="ctx-", dir=self._tmp)) / context.name
        shutil.copytree(context, copy, symlinks=True)
        shutil.copy2(busybox, copy / "busybox")
        return copy

    def saved_image(self, ref: str) -> Any:
        path = self._tmp / "saved.tar"
        self.engine.save([ref], path)
        [archived] = read_archive(path)
        path.unlink()
        return archived.image

    def _run(self, verb: str, rest: list[str]) -> Observation:
        engine = self.engine
        if verb == "build":
            args = _parse_build(rest, self.base)
            tag = args.tag or "layerlab-untagged:latest"
            extra = [f"--build-arg={k}={v}" for k, v in args.build_args.items()]
            if args.target:
                extra += ["--target", args.target]
            if args.no_cache:
                extra.append("--no-cache")
            context = args.context
            if starts_from_scratch(_dockerfile_path(args)) and not (context / "busybox").exists():
                context = self._with_busybox(context)
            engine.build(context, tag, dockerfile=args.file, extra_args=extra)
            image = self.saved_image(tag)
            facts = build_facts(parse_buildkit_log(engine.last_build_log), image)
            return Observation(True, engine.last_build_log, facts)
        proc = engine.docker(verb.split() + rest, cwd=self.base)
        out = proc.stdout
        if verb in ("rmi", "image rm"):
            lines = out.splitlines()
            return Observation(True, out, {"untagged": [x for x in lines if x.startswith("Untagged")],
                                           "deleted": sum(x.startswith("Deleted") for x in lines)})
        if verb == "history":
            ref = [r for r in rest if not r.startswith("-")][0]
            rows = engine.history(ref)
            return Observation(True, out, {"history": [(r["CreatedBy"], r["Size"]) for r in rows]})
        if verb == "image inspect":
            data = engine.inspect_image(rest[-1])
            return Observation(True, out, {"size": data["Size"], "layers": len(data["RootFS"]["Layers"])})
        if verb in ("images", "image ls"):
            rows = engine.images()
            return Observation(True, out, {"images": sorted(
                (f"{r['Repository']}:{r['Tag']}", r["Size"]) for r in rows if r["Repository"] != "<none>")})
        if verb == "system df":
            return Observation(True, out, _real_df_facts(engine, "-v" in rest or "--verbose" in rest))
        if verb == "load":
            return Observation(True, out, {"loaded": [x for x in out.splitlines() if x.startswith("Loaded")]})
        return Observation(True, out, {})


def _real_df_facts(engine: Any, verbose: bool) -> dict[str, Any]:
    import json

    summary = [json.loads(line) for line in engine.docker(["system", "df", "--format", "{{json .}}"]).stdout.splitlines()]
    row = next(r for r in summary if r["Type"] == "Images")
    facts: dict[str, Any] = {"images": int(row["TotalCount"]), "images_size": row["Size"]}
    if verbose:
        data = json.loads(engine.docker(["system", "df", "-v", "--format", "{{json .}}"]).stdout)
        images = data.get("Images") or []
        by_id: dict[str, list[Any]] = {}
        for i in images:
            entry = by_id.setdefault(i["ID"], [[], i["Size"], i["SharedSize"], i["UniqueSize"]])
            if i["Repository"] != "<none>":
                entry[0].append(full_ref(f"{i['Repository']}:{i['Tag']}"))
        facts["per_image"] = sorted((",".join(sorted(tags)), *sizes) for tags, *sizes in by_id.values())
    return facts


# -- comparing ----------------------------------------------------------------------------


@dataclass
class LineReport:
    command: Command
    differences: list[str]
    note: str = ""

    @property
    def passed(self) -> bool:
        return not self.differences


def compare_scenario(path: Path, engine: Any, *, echo: Callable[[str], None] = print) -> list[LineReport]:
    """Run a scenario on both sides, line by line; report what differs."""
    path = Path(path)
    base = path.parent
    sim, real = SimulatedSide(base), RealSide(base, engine)
    _clean_engine(engine, parse_scenario(path.read_text()), base)
    mine_tags = _scenario_tags(parse_scenario(path.read_text()), base)
    reports = []
    for command in parse_scenario(path.read_text()):
        verb, rest = _verb(command.argv)
        note = ""
        if verb == "build" and starts_from_scratch(_dockerfile_path(_parse_build(rest, base))):
            observed = real.run(command)
            if observed.ok:
                args = _parse_build(rest, base)
                tag = args.tag or "layerlab-untagged:latest"
                saved = real._tmp / "base.tar"
                engine.save([tag], saved)
                sim.host.load(saved)
                saved.unlink()
                note = "FROM scratch: built on the engine, loaded into the simulator"
            differences = [] if observed.ok else [f"engine failed: {observed.output.strip()[-300:]}"]
        else:
            mine, theirs = sim.run(command), real.run(command)
            note = _only_scenario_images(mine, theirs, mine_tags)
            differences = list(_differences(mine, theirs))
        report = LineReport(command, differences, note)
        reports.append(report)
        echo(f"{'ok  ' if report.passed else 'DIFF'} {path.name}:{command.number}: {command.text}"
             + (f"  ({note})" if note else ""))
        for difference in differences:
            echo(f"       {difference}")
    return reports


def _dockerfile_path(args: BuildArgs) -> Path:
    return args.context / (args.file or "Dockerfile")


def _clean_engine(engine: Any, commands: list[Command], base: Path) -> None:
    """Start from a clean slate: remove the tags the scenario will make, and the build cache."""
    for command in commands:
        verb, rest = _verb(command.argv)
        tags = []
        if verb == "build":
            tags.append(_parse_build(rest, base).tag)
        elif verb == "tag":
            tags.append(rest[1])
        for tag in filter(None, tags):
            try:
                engine.remove_image(tag, force=True)
            except Exception:  # noqa: BLE001 - not there yet
                pass
    engine.docker(["builder", "prune", "-af"])
    engine.docker(["image", "prune", "-f"])


def _scenario_tags(commands: list[Command], base: Path) -> set[str]:
    tags: set[str] = set()
    for command in commands:
        verb, rest = _verb(command.argv)
        if verb == "build" and _parse_build(rest, base).tag:
            tags.add(full_ref(_parse_build(rest, base).tag or ""))
        elif verb == "tag":
            tags.add(full_ref(rest[1]))
    return tags


def _only_scenario_images(mine: Observation, theirs: Observation, tags: set[str]) -> str:
    """An engine may hold images the scenario did not make: compare only the scenario's,
    and the totals only when there is nothing else."""
    def ours(name: str) -> bool:
        return any(full_ref(t) in tags for t in name.split(",") if t)

    note = ""
    for key in ("images", "per_image"):
        if isinstance(theirs.facts.get(key), list):
            before = len(theirs.facts[key])
            theirs.facts[key] = [row for row in theirs.facts[key] if ours(row[0])]
            mine.facts[key] = [row for row in mine.facts[key] if ours(row[0])]
            if len(theirs.facts[key]) != before:
                note = "the engine has other images too: compared the scenario's only"
    if note and "images_size" in theirs.facts:
        for facts in (mine.facts, theirs.facts):
            facts.pop("images_size", None)
            if isinstance(facts.get("images"), int):
                facts.pop("images")
    return note


def _differences(mine: Observation, theirs: Observation) -> Iterator[str]:
    if mine.ok != theirs.ok:
        yield f"simulator {'succeeded' if mine.ok else 'failed'}, engine {'succeeded' if theirs.ok else 'failed'}"
        yield f"  simulator: {mine.output.strip()[-300:]}"
        yield f"  engine:    {theirs.output.strip()[-300:]}"
        return
    for key in sorted(set(mine.facts) | set(theirs.facts)):
        a, b = mine.facts.get(key), theirs.facts.get(key)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            for i in range(max(len(a), len(b))):
                x = a[i] if i < len(a) else "(nothing)"
                y = b[i] if i < len(b) else "(nothing)"
                if x != y:
                    yield f"{key}[{i}]: simulator {x!r} != engine {y!r}"
        else:
            yield f"{key}: simulator {a!r} != engine {b!r}"


def play(path: Path, *, engine: Any = None, echo: Callable[[str], None] = print) -> bool:
    """Run a scenario on one side and print what docker prints; False if a line failed."""
    path = Path(path)
    side: Any = RealSide(path.parent, engine) if engine is not None else SimulatedSide(path.parent)
    ok = True
    for command in parse_scenario(path.read_text()):
        echo(f"$ {command.text}")
        observed = side.run(command)
        if observed.output:
            echo(observed.output.rstrip())
        ok &= observed.ok
    return ok
