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

from layerlab.archive import read_archive
from layerlab.build.context import BuildContext
from layerlab.engine.host import Host, full_ref
from layerlab.model.errors import LayerlabError
from layerlab.model.units import human_size


class ScenarioError(LayerlabError):
    """A scenario line that is not a supported docker command."""


SUPPORTED = ("build", "tag", "rmi", "image rm", "history", "image inspect", "images", "image ls",
             "system df", "save", "load",
             "run", "exec", "diff", "ps", "container ls", "stop", "rm", "container rm", "commit",
             "volume create", "volume ls", "volume inspect", "volume rm", "volume prune")


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
        if argv and argv[0] == "tree":
            commands.append(Command(number, line, argv))
            continue
        if not argv or argv[0] != "docker" or argv[1:2] == ["tree"]:
            raise ScenarioError(
                f"line {number}: scenario lines are docker commands or 'tree {DATA_ROOT} [-L N]', got {line!r}"
            )
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


DATA_ROOT = "/var/lib/docker"


@dataclass
class TreeArgs:
    path: str  # relative to the data root ("" for the root itself)
    depth: int | None


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
    if len(paths) != 1 or not (paths[0].rstrip("/") + "/").startswith(DATA_ROOT + "/"):
        raise ScenarioError(f"tree: give one path at or under {DATA_ROOT}, got {' '.join(paths) or 'none'}")
    return TreeArgs(paths[0].rstrip("/")[len(DATA_ROOT) :].strip("/"), depth)


def tree_facts(listing: Any, configs: Any, args: TreeArgs, *, engine: bool) -> tuple[dict[str, Any], int]:
    """The data root under the tree's path, ids renamed, cut at its depth."""
    from .normalise import normalise

    named, skipped = normalise(listing, configs, skip_unreferenced=engine)
    prefix = args.path + "/" if args.path else ""
    below = {p[len(prefix) :]: v for p, v in named.items() if p.startswith(prefix) and p != args.path}
    if args.depth is not None:
        below = {p: v for p, v in below.items() if p.count("/") < args.depth}
    return {"tree": {p: v[0] if v[1] is None else f"{v[0]}: {v[1]}" for p, v in below.items()}}, skipped


def _verb(argv: list[str]) -> tuple[str, list[str]]:
    if argv[:1] == ["tree"]:
        return "tree", argv[1:]
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
        self.containers_used = False

    def run(self, command: Command) -> Observation:
        verb, rest = _verb(command.argv)
        try:
            return self._run(verb, rest)
        except LayerlabError as err:
            return Observation(False, f"ERROR: {err}", {"error": True})

    def _run(self, verb: str, rest: list[str]) -> Observation:
        host = self.host
        if verb in CONTAINER_VERBS:
            return _sim_container(self, verb, rest)
        if verb == "tree":
            from layerlab.dataroot import DataRoot

            from .normalise import listing_of

            args = parse_tree(rest)
            root = DataRoot.from_host(host)
            text = root.tree(args.depth, f"{DATA_ROOT}/{args.path}" if args.path else None)
            facts, _ = tree_facts(listing_of(root.nodes, DATA_ROOT), {
                i.removeprefix("sha256:"): r.image.config_bytes for i, r in host.images.items()}, args, engine=False)
            return Observation(True, text, facts)
        if verb == "build":
            args = _parse_build(rest, self.base)
            if args.no_cache:
                host.build_cache.clear()
            text = _read_dockerfile(args)
            # -f: the file's text with the directory's files (Host.build reads a directory's own Dockerfile)
            context: Any = BuildContext.from_dir(args.context) if text is not None else args.context
            result = host.build(context, args.tag, dockerfile=text, build_args=args.build_args, target=args.target)
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
            return Observation(True, host.history(ref, no_trunc="--no-trunc" in rest),
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
            summary = _df_rows(host.system_df_text(False))
            facts = {"images": df.images.total, "images_size": human_size(df.images.size, 4),
                     "images_active": summary["Images"][1], "images_reclaimable": summary["Images"][3]}
            if verbose:
                facts["per_image"] = sorted(
                    (",".join(i.tags), human_size(i.size), human_size(i.shared, 4),
                     human_size(i.unique, 4), str(i.containers))
                    for i in df.per_image
                )
            if self.containers_used:
                facts.update(_container_df_facts(summary))
                if verbose:
                    facts["per_container"] = sorted(
                        (c.name, c.image_ref, str(sum(m.type == "volume" for m in c.mounts)), human_size(c.size()),
                         "running" if c.running else "exited") for c in host.containers.values())
                    facts["per_volume"] = sorted(
                        (anonymous_name(v.name), str(len(host.volume_users(v.name))), human_size(v.size(), 4))
                        for v in host.volumes.values())
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
    if not path.is_file():
        raise ScenarioError(f"docker build -f {args.file}: no such file {path} (a -f path is taken relative to the context)")
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
        self.containers_used = False

    def run(self, command: Command) -> Observation:
        from layerlab.real.engine import EngineError

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
        if verb in CONTAINER_VERBS:
            self.containers_used = True
            return _real_container(self, verb, rest)
        if verb == "tree":
            return _real_tree(engine, parse_tree(rest))
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
            facts = _real_df_facts(engine, "-v" in rest or "--verbose" in rest, self.containers_used)
            summary = _df_rows(engine.docker(["system", "df"]).stdout)
            facts.update({"images_active": summary["Images"][1], "images_reclaimable": summary["Images"][3]})
            if self.containers_used:
                facts.update(_container_df_facts(summary))
            return Observation(True, out, facts)
        if verb == "load":
            return Observation(True, out, {"loaded": [x for x in out.splitlines() if x.startswith("Loaded")]})
        return Observation(True, out, {})


def _real_tree(engine: Any, args: TreeArgs) -> Observation:
    """The engine's own data root (readable by root), printed and listed as the model's."""
    from layerlab.dataroot import DataRoot, Node

    from .real_dataroot import read_data_root

    top = engine.docker(["info", "--format", "{{.DockerRootDir}}"]).stdout.strip()
    listing, configs = read_data_root(top)
    nodes = {top: Node(top, "dir", "the engine's data root", "dockerd")}
    for rel, (kind, text) in listing.items():
        nodes[f"{top}/{rel}"] = Node(f"{top}/{rel}", kind, "on the engine", "", text)  # type: ignore[arg-type]
    root = DataRoot(nodes, "overlay2", [], [], (top,))
    text = root.tree(args.depth, f"{top}/{args.path}" if args.path else None)
    facts, skipped = tree_facts(listing, configs, args, engine=True)
    note = f"left out {skipped} BuildKit snapshot directories of build contexts (not modelled)" if skipped else ""
    return Observation(True, text, facts | ({"_note": note} if note else {}))


def _real_df_facts(engine: Any, verbose: bool, containers: bool = False) -> dict[str, Any]:
    import json

    summary = [json.loads(line) for line in engine.docker(["system", "df", "--format", "{{json .}}"]).stdout.splitlines()]
    row = next(r for r in summary if r["Type"] == "Images")
    facts: dict[str, Any] = {"images": int(row["TotalCount"]), "images_size": row["Size"]}
    if verbose:
        data = json.loads(engine.docker(["system", "df", "-v", "--format", "{{json .}}"]).stdout)
        images = data.get("Images") or []
        by_id: dict[str, list[Any]] = {}
        for i in images:
            entry = by_id.setdefault(i["ID"], [[], i["Size"], i["SharedSize"], i["UniqueSize"], i["Containers"]])
            if i["Repository"] != "<none>":
                entry[0].append(full_ref(f"{i['Repository']}:{i['Tag']}"))
        facts["per_image"] = sorted((",".join(sorted(tags)), *sizes) for tags, *sizes in by_id.values())
        if containers:
            facts["per_container"] = sorted(
                (c["Names"], c["Image"], c["LocalVolumes"], c["Size"], c["State"]) for c in data.get("Containers") or [])
            facts["per_volume"] = sorted(
                (anonymous_name(v["Name"]), v["Links"], v["Size"]) for v in data.get("Volumes") or [])
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
    clean_engine(engine, parse_scenario(path.read_text()), base)
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
                for archived in read_archive(saved):  # BuildKit made its layers: they get its ids
                    sim.host.storage_ids.note_built(archived.image)
                sim.host.load(saved)
                saved.unlink()
                note = "FROM scratch: built on the engine, loaded into the simulator"
            differences = [] if observed.ok else [f"engine failed: {observed.output.strip()[-300:]}"]
        else:
            mine, theirs = sim.run(command), real.run(command)
            note = _only_scenario_images(mine, theirs, mine_tags) or theirs.facts.pop("_note", "")
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


def clean_engine(engine: Any, commands: list[Command], base: Path) -> None:
    """Start from a clean slate: remove the containers (by --name) and named volumes the
    scenario will make, the tags it will make, and the build cache."""
    for command in commands:
        verb, rest = _verb(command.argv)
        try:
            if verb == "run":
                args = parse_run(rest)
                if args.name:
                    engine.docker(["rm", "-f", "-v", args.name])
                for spec in args.volumes:
                    if ":" in spec and not spec.startswith("/"):
                        engine.docker(["volume", "rm", "-f", spec.split(":")[0]])
            elif verb == "volume create" and rest:
                engine.docker(["volume", "rm", "-f", rest[-1]])
        except Exception:  # noqa: BLE001 - not there yet
            pass
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
            for key in ("images_size", "images_active", "images_reclaimable"):
                facts.pop(key, None)
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
        if isinstance(a, dict) and isinstance(b, dict):
            for path in sorted(set(a) | set(b)):
                if a.get(path) != b.get(path):
                    yield f"{key} {path}: simulator {a.get(path, '(nothing)')!r} != engine {b.get(path, '(nothing)')!r}"
        elif isinstance(a, list) and isinstance(b, list):
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


# -- containers and volumes -----------------------------------------------------------------

CONTAINER_VERBS = ("run", "exec", "diff", "ps", "container ls", "stop", "rm", "container rm", "commit",
                   "volume create", "volume ls", "volume inspect", "volume rm", "volume prune")

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def anonymous_name(name: str) -> str:
    """Anonymous volumes have random 64-hex names: compared as ``<anonymous>``."""
    return "<anonymous>" if _HEX64.match(name) else name


@dataclass
class RunArgs:
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


_RUN_VALUE = {"--name", "-v", "--volume", "--mount", "-e", "--env", "-w", "--workdir", "--network", "--net",
              "-u", "--user", "-h", "--hostname", "--entrypoint"}
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
    get = lambda *keys: [v for k in keys for v in opts.get(k, [])]  # noqa: E731
    return RunArgs(argv[i], argv[i + 1:], (get("--name") or [None])[-1], bool(flags & {"-d", "--detach"}),
                   "--rm" in flags, get("-v", "--volume"), get("--mount"), get("-e", "--env"),
                   (get("-w", "--workdir") or [None])[-1], bool(get("--network", "--net")))


def _split_flags(rest: list[str], value_opts: tuple[str, ...] = ()) -> tuple[set[str], dict[str, str], list[str]]:
    flags: set[str] = set()
    values: dict[str, str] = {}
    args: list[str] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        if word in value_opts and i + 1 < len(rest):
            values[word] = rest[i + 1]
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
            args.append(word)
        i += 1
    return flags, values, args


def layer_entries(layer: Any) -> list[tuple[str, ...]]:
    """A layer as comparable rows: entries (path, kind, mode, size), whiteouts, opaque dirs."""
    rows: list[tuple[str, ...]] = [
        ("/" + path, entry.kind, oct(entry.mode), str(getattr(entry, "size", 0) if entry.kind == "file" else 0))
        for path, entry in layer.entries.items()]
    rows += [("/" + p, "whiteout") for p in layer.whiteouts]
    rows += [("/" + p, "opaque") for p in layer.opaque]
    return sorted(rows)


def _sim_container(side: SimulatedSide, verb: str, rest: list[str]) -> Observation:
    host = side.host
    side.containers_used = True
    if verb == "run":
        args = parse_run(rest)
        c = host.run(args.image, args.command, name=args.name, detach=args.detach, rm=args.rm,
                     volumes=args.volumes, mounts=args.mounts, env=args.env, workdir=args.workdir)
        result = c.output[-1] if c.output else None
        status = result.status if result else 0
        if args.detach:
            return Observation(status == 0 or c.running, c.id, {})
        out = result.stdout if result else ""
        if status != 0:  # the docker CLI exits with the command's status: an error
            return Observation(False, f"ERROR: exit {status}\n{out}{result.stderr if result else ''}", {"error": True})
        return Observation(True, out + (result.stderr if result else ""), {"output": out.splitlines()})
    if verb == "exec":
        words = list(rest)
        while words and words[0].startswith("-"):
            words = words[1:]
        result = host.exec(words[0], words[1:])
        if result.status != 0:
            return Observation(False, f"ERROR: exit {result.status}\n{result.stderr}", {"error": True})
        return Observation(True, result.stdout + result.stderr, {"output": result.stdout.splitlines()})
    if verb == "diff":
        text = host.diff(rest[-1])
        return Observation(True, text, {"diff": sorted(text.splitlines())})
    if verb in ("ps", "container ls"):
        flags, _, _ = _split_flags(rest)
        every, size = bool(flags & {"-a", "--all"}), bool(flags & {"-s", "--size"})
        rows = host.ps_rows(all=every, size=size)
        facts = {"ps": sorted((r["NAMES"], r["IMAGE"], _state(r["STATUS"]), r.get("SIZE", "")) for r in rows)}
        return Observation(True, host.ps(all=every, size=size), facts)
    if verb == "stop":
        _, _, names = _split_flags(rest, ("-t", "--time"))
        return Observation(True, "\n".join(host.stop(n) for n in names), {})
    if verb in ("rm", "container rm"):
        flags, _, names = _split_flags(rest)
        out = [host.rm(n, force=bool(flags & {"-f", "--force"}), volumes=bool(flags & {"-v", "--volumes"}))
               for n in names]
        return Observation(True, "\n".join(out), {"removed": out})
    if verb == "commit":
        _, values, args = _split_flags(rest, ("-m", "--message"))
        image = host.commit(args[0], args[1] if len(args) > 1 else None,
                            message=values.get("-m") or values.get("--message"))
        return Observation(True, image.image_id, _commit_facts(image))
    if verb == "volume create":
        _, _, args = _split_flags(rest)
        volume = host.volume_create(args[0] if args else None, anonymous=not args)
        return Observation(True, volume.name, {"created": anonymous_name(volume.name)})
    if verb == "volume ls":
        return Observation(True, host.volume_ls(), {"volumes": sorted(anonymous_name(n) for n in host.volumes)})
    if verb == "volume inspect":
        data = host.volume_inspect(rest[-1])
        return Observation(True, str(data), {"name": anonymous_name(data["Name"]), "driver": data["Driver"]})
    if verb == "volume rm":
        flags, _, names = _split_flags(rest)
        out = [host.volume_rm(n, force=bool(flags & {"-f", "--force"})) for n in names]
        return Observation(True, "\n".join(out), {"removed": out})
    if verb == "volume prune":
        text = host.volume_prune()
        return Observation(True, text, _prune_facts(text))
    raise ScenarioError(f"unsupported: docker {verb}")


def _state(status: str) -> str:
    """``Up 3 seconds`` -> ``Up``; ``Exited (0) 2 minutes ago`` -> ``Exited (0)``."""
    if status.startswith("Up"):
        return "Up"
    match = re.match(r"(Exited \(\d+\))", status)
    return match.group(1) if match else status


def _commit_facts(image: Any) -> dict[str, Any]:
    top = image.steps()[-1]
    return {"history": [(h.created_by, human_size(layer.size) if layer else "0B") for h, layer in image.steps()],
            "commit_row": (top[0].created_by, top[0].comment or ""),
            "layer": layer_entries(image.layers[-1])}


def _prune_facts(text: str) -> dict[str, Any]:
    lines = text.strip().splitlines()
    deleted = sorted(anonymous_name(x) for x in lines if x and not x.startswith(("Deleted Volumes", "Total")))
    return {"deleted": deleted, "reclaimed": [x for x in lines if x.startswith("Total")]}


def _real_container(side: RealSide, verb: str, rest: list[str]) -> Observation:
    engine = side.engine
    if verb == "run":
        args = parse_run(rest)
        extra = [] if args.has_network else ["--network", "none"]
        proc = engine.docker(["run", *extra, *rest], cwd=side.base)
        if args.detach:
            return Observation(True, proc.stdout, {})
        return Observation(True, proc.stdout + proc.stderr, {"output": proc.stdout.splitlines()})
    proc = engine.docker(verb.split() + rest, cwd=side.base)
    out = proc.stdout
    if verb == "exec":
        return Observation(True, out + proc.stderr, {"output": out.splitlines()})
    if verb == "diff":
        return Observation(True, out, {"diff": sorted(out.splitlines())})
    if verb in ("ps", "container ls"):
        fmt = "{{.Names}}\t{{.Image}}\t{{.Status}}" + ("\t{{.Size}}" if {"-s", "--size"} & _split_flags(rest)[0] else "")
        lines = engine.docker(["ps", *rest, "--format", fmt]).stdout.splitlines()
        rows = []
        for line in lines:
            cols = line.split("\t") + [""]
            rows.append((cols[0], cols[1], _state(cols[2]), cols[3]))
        return Observation(True, out, {"ps": sorted(rows)})
    if verb in ("rm", "container rm"):
        lines = out.splitlines()
        return Observation(True, out, {"removed": lines})
    if verb == "commit":
        _, _, args = _split_flags(rest, ("-m", "--message"))
        if len(args) > 1:
            return Observation(True, out, _commit_facts(side.saved_image(args[1])))
        return Observation(True, out, {})
    if verb == "volume create":
        return Observation(True, out, {"created": anonymous_name(out.strip())})
    if verb == "volume ls":
        names = engine.docker(["volume", "ls", "-q"]).stdout.split()
        return Observation(True, out, {"volumes": sorted(anonymous_name(n) for n in names)})
    if verb == "volume inspect":
        import json

        data = json.loads(out)[0]
        return Observation(True, out, {"name": anonymous_name(data["Name"]), "driver": data["Driver"]})
    if verb == "volume rm":
        return Observation(True, out, {"removed": out.splitlines()})
    if verb == "volume prune":
        return Observation(True, out, _prune_facts(out))
    return Observation(True, out, {})


def _container_df_facts(df_rows: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    return {"containers": df_rows["Containers"], "volumes": df_rows["Local Volumes"]}


def _df_rows(text: str) -> dict[str, tuple[str, ...]]:
    """``docker system df`` text -> {TYPE: (TOTAL, ACTIVE, SIZE, RECLAIMABLE)}."""
    rows: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines()[1:]:
        cols = re.split(r"\s{2,}", line.strip())
        if len(cols) >= 5:
            rows[cols[0]] = (cols[1], cols[2], cols[3], cols[4])
    return rows
