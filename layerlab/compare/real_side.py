"""The real side: the same docker lines on a real engine, and the same facts read from it.

Most lines run as typed (:meth:`RealSide.typed`); their facts come from what docker printed,
or from asking the engine in a form made for reading (``--format {{json .}}``). A build is
saved and read back, so its layers are compared as the simulator's are. :data:`HANDLERS`
has one handler a verb; a verb without one only runs.

The engine is any object with the :class:`layerlab.real.engine.Engine` methods.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from layerlab.archive import read_archive
from layerlab.dataroot import DataRoot, Node
from layerlab.model.errors import LayerlabError
from layerlab.model.image import HistoryEntry, Image
from layerlab.model.reference import full_ref

from .arguments import UNTAGGED, parse_build, parse_run, parse_tree, split_flags
from .buildkit_log import parse_buildkit_log
from .facts import (
    Observation,
    anonymous_name,
    build_facts,
    commit_facts,
    container_state,
    ps_image,
    df_rows,
    df_summary_facts,
    inspect_facts,
    rmi_facts,
    tree_facts,
    volume_facts,
)
from .disk_verbs import REAL as DISK_HANDLERS
from .leftovers import EngineObjects, remove
from .lines import CONTAINER_VERBS, CONTAINERD_ROOT, Command, ScenarioError
from .real_dataroot import containerd_root_of, read_containerd_root, read_data_root

__all__ = ["HANDLERS", "RealSide"]


def _remove_folders(*lists: list[Path]) -> None:
    """A side's temp folder and the bind sources docker made for its lines."""
    for folders in lists:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        folders.clear()


class RealSide:
    """Docker lines on a real engine (through the docker CLI), from the folder ``base``.

    Its temp folder (saved archives, build contexts) is made when a line needs it and goes
    with :meth:`release_files` or :meth:`close`; as a context manager it closes itself, also
    after an error or Ctrl-C. A side never closed (the one ``%%docker --beside`` keeps for a
    kernel's life, releasing its files after each cell) removes its folders when it is
    collected or at interpreter exit. With ``track``, :attr:`made` collects what each line
    made on the engine (:mod:`.leftovers`), and :meth:`close` removes that too, after the
    temp folder (a kernel killed while it waits for the engine has removed the folder already)."""

    def __init__(self, base: Path, engine: Any, *, track: bool = False) -> None:
        self.base = base
        self.engine = engine
        self._workdirs: list[Path] = []  # the temp folder, once a line made it
        #: Once a line used containers or volumes, ``system df`` compares their rows too.
        self.containers_used = False
        self.track = track
        #: What the lines made on the engine (kept only with ``track``).
        self.made = EngineObjects.none()
        #: Bind sources docker made for the lines (``-v /host:/path`` makes a missing folder).
        self.made_folders: list[Path] = []
        #: The folder the last build sent (with busybox added for a FROM scratch one).
        self.last_context: Path | None = None
        # holds the folders, not the side: the side can still be collected
        self._remove_folders = weakref.finalize(self, _remove_folders, self._workdirs, self.made_folders)

    @property
    def workdir(self) -> Path:
        """Where saved images and busybox build contexts go (made on first use)."""
        if not self._workdirs:
            self._workdirs.append(Path(tempfile.mkdtemp(prefix="layerlab-real-")))
        return self._workdirs[0]

    def release_files(self) -> None:
        """Remove the temp folder now; a later line that needs one makes a new one. What the
        lines read from it (saved archives) must be read by then."""
        _remove_folders(self._workdirs)
        self.last_context = None

    def close(self) -> None:
        """Remove the temp folder and, with ``track``, what the lines made on the engine."""
        self.release_files()  # first: the engine may be slow to answer
        try:
            if self.track and self.made:
                remove(self.engine, self.made)
                self.made = EngineObjects.none()
        finally:
            self._remove_folders()  # the bind sources too, now that no container of the lines uses them

    def __enter__(self) -> RealSide:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, command: Command) -> Observation:
        """What the engine printed for ``command``, and its facts; docker's refusal is an
        ERROR observation."""
        verb, args = command.verb, command.args
        self.containers_used |= verb in CONTAINER_VERBS
        if self.track:
            before = EngineObjects.of(self.engine)
            try:
                return self._observe(verb, args)
            finally:
                self.made |= EngineObjects.of(self.engine) - before
        return self._observe(verb, args)

    def _observe(self, verb: str, args: list[str]) -> Observation:
        from layerlab.real.engine import EngineError  # here: compare never loads an engine client

        handler = HANDLERS.get(verb)
        try:
            return handler(self, verb, args) if handler else Observation(True, self.typed(verb, args).stdout, {})
        except (EngineError, LayerlabError) as err:  # docker's refusal, or a tree of a path not there
            return Observation(False, f"ERROR: {err}", {"error": True})

    def typed(self, verb: str, args: list[str]) -> subprocess.CompletedProcess[str]:
        """``docker VERB ARGS`` as the line has it, run from the scenario's folder."""
        return self.engine.docker(verb.split() + args, cwd=self.base)

    def with_busybox(self, context: Path) -> Path:
        """A copy of a FROM scratch context with the host's static busybox added."""
        busybox = Path(shutil.which("busybox") or "/bin/busybox")
        if not busybox.exists():
            raise ScenarioError("a FROM scratch scenario needs a static busybox: apt-get install busybox-static")
        copy = Path(tempfile.mkdtemp(prefix="ctx-", dir=self.workdir)) / context.name
        shutil.copytree(context, copy, symlinks=True)
        shutil.copy2(busybox, copy / "busybox")
        return copy

    def save(self, ref: str, name: str = "saved.tar") -> Path:
        """``docker save`` of one image into the work folder (the caller removes the file)."""
        path = self.workdir / name
        self.engine.save([ref], path)
        return path

    def saved_image(self, ref: str) -> Any:
        """The engine's image ``ref``, read from its ``docker save`` archive; an image with no
        layer (``FROM scratch`` and only config steps), which Engine 20.10 refuses to save
        ("empty export - not implemented"), from its ``docker history``. The archive stays in
        the work folder until :meth:`close`: the image reads its layers from it when asked."""
        from layerlab.real.engine import EngineError

        handle, name = tempfile.mkstemp(suffix=".tar", dir=self.workdir)
        os.close(handle)
        path = Path(name)
        try:
            self.engine.save([ref], path)
        except EngineError as err:
            path.unlink()
            if "empty export" not in str(err):
                raise
            return _layerless_image(self.engine, ref)
        [archived] = read_archive(path)
        return archived.image


def _layerless_image(engine: Any, ref: str) -> Image:
    rows = engine.docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}", ref]).stdout.splitlines()
    return Image.build([], history=[HistoryEntry(created_by=row, empty_layer=True) for row in reversed(rows)])


Handler = Callable[[RealSide, str, list[str]], Observation]


# -- images ---------------------------------------------------------------------------------


def _build(side: RealSide, verb: str, args: list[str]) -> Observation:
    build = parse_build(args, side.base)
    tag = build.tag or UNTAGGED
    extra = [f"--build-arg={k}={v}" for k, v in build.build_args.items()]
    if build.target:
        extra += ["--target", build.target]
    if build.no_cache:
        extra.append("--no-cache")
    context = build.context
    if build.sent_as_copy:
        context = side.with_busybox(context)
    side.last_context = context
    side.engine.build(context, tag, dockerfile=build.file, extra_args=extra)
    log = side.engine.last_build_log
    return Observation(True, log, build_facts(parse_buildkit_log(log), side.saved_image(tag)))


def _rmi(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    return Observation(True, out, rmi_facts(out.splitlines()))


def _history(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    rows = side.engine.history([r for r in args if not r.startswith("-")][0])
    return Observation(True, out, {"history": [(r["CreatedBy"], r["Size"]) for r in rows]})


def _inspect(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    return Observation(True, out, inspect_facts(side.engine.inspect_image(args[-1])))


def _images(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    rows = side.engine.images()
    return Observation(True, out, {"images": sorted(
        (f"{r['Repository']}:{r['Tag']}", r["Size"]) for r in rows if r["Repository"] != "<none>")})


def _load(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    return Observation(True, out, {"loaded": [x for x in out.splitlines() if x.startswith("Loaded")]})


def _system_df(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    engine = side.engine
    summary = [json.loads(line) for line in engine.docker(["system", "df", "--format", "{{json .}}"]).stdout.splitlines()]
    images = next(r for r in summary if r["Type"] == "Images")
    verbose = "-v" in args or "--verbose" in args
    table = out if not args else engine.docker(["system", "df"]).stdout  # the summary table
    facts = {"images": int(images["TotalCount"]), "images_size": images["Size"],
             **df_summary_facts(df_rows(table), side.containers_used)}
    if verbose:
        facts |= _df_verbose_facts(side)
    return Observation(True, out, facts)


def _df_verbose_facts(side: RealSide) -> dict[str, Any]:
    """``system df -v``'s rows: each image (its tags together), and once containers were
    used, each container and volume."""
    data = json.loads(side.engine.docker(["system", "df", "-v", "--format", "{{json .}}"]).stdout)
    by_id: dict[str, list[Any]] = {}
    for i in data.get("Images") or []:
        entry = by_id.setdefault(i["ID"], [[], i["Size"], i["SharedSize"], i["UniqueSize"], i["Containers"]])
        if i["Repository"] != "<none>":
            entry[0].append(full_ref(f"{i['Repository']}:{i['Tag']}"))
    facts: dict[str, Any] = {"per_image": sorted((",".join(sorted(tags)), *sizes) for tags, *sizes in by_id.values())}
    if side.containers_used:
        facts["per_container"] = sorted(
            (c["Names"], c["Image"], c["LocalVolumes"], c["Size"], c["State"]) for c in data.get("Containers") or [])
        facts["per_volume"] = sorted(
            (anonymous_name(v["Name"]), v["Links"], v["Size"]) for v in data.get("Volumes") or [])
    return facts


def _tree(side: RealSide, verb: str, args: list[str]) -> Observation:
    """The engine's own data root, or its containerd's root (readable by root), printed and
    listed as the model's."""
    tree = parse_tree(args)
    top = side.engine.docker(["info", "--format", "{{.DockerRootDir}}"]).stdout.strip()
    if tree.root == CONTAINERD_ROOT:
        # what the lines dropped is gone from disk only after containerd's next collection:
        # list what it keeps, as the simulator does (a learner may see a dropped folder for a while)
        side.engine.collect_garbage()
        top = str(containerd_root_of(top))
        listing, configs = read_containerd_root(top), {}
        if not Path(top).is_dir():
            raise ScenarioError(f"{tree.full_path}: the engine's containerd keeps no root here ({top})")
    else:
        listing, configs = read_data_root(top)
    nodes = {top: Node(top, "dir", "the engine's data root", "dockerd")}
    for rel, (kind, text) in listing.items():
        nodes[f"{top}/{rel}"] = Node(f"{top}/{rel}", kind, "on the engine", "", text)  # type: ignore[arg-type]
    root = DataRoot(nodes, "containerd" if side.engine.profile().containerd else "overlay2", [], [], (top,))
    text = root.tree(tree.depth, f"{top}/{tree.path}" if tree.path else None)
    facts, skipped = tree_facts(listing, configs, tree, engine=True, tags=_tags(side), containers=_names(side))
    note = f"left out {skipped} BuildKit snapshot directories of build contexts (not modelled)" if skipped else ""
    return Observation(True, text, facts, note)


def _tags(side: RealSide) -> dict[str, str]:
    """image id -> its first tag (by name), as the simulated side names images."""
    tags: dict[str, str] = {}
    out = side.engine.docker(["images", "--no-trunc", "--format", "{{.ID}}\t{{.Repository}}:{{.Tag}}"]).stdout
    for line in sorted(out.splitlines()):
        image_id, _, ref = line.partition("\t")
        if "<none>" not in ref:
            tags[image_id] = min(tags.get(image_id, full_ref(ref)), full_ref(ref))
    return tags


def _names(side: RealSide) -> dict[str, str]:
    """container id -> name."""
    out = side.engine.docker(["ps", "-a", "--no-trunc", "--format", "{{.ID}}\t{{.Names}}"]).stdout
    return dict(line.split("\t", 1) for line in out.splitlines() if "\t" in line)


# -- containers and volumes -------------------------------------------------------------------


def _run(side: RealSide, verb: str, args: list[str]) -> Observation:
    run = parse_run(args)
    for source in run.bind_sources():  # the topmost folder docker will make, removed by close()
        missing = [p for p in (Path(source), *Path(source).parents) if not p.exists()]
        if missing and missing[-1] not in side.made_folders:
            side.made_folders.append(missing[-1])
    network = [] if run.has_network else ["--network", "none"]  # test engines have no bridge
    running = None if run.detach else _running(side)
    proc = side.engine.docker(["run", *network, *args], cwd=side.base)
    if running is None:
        return Observation(True, proc.stdout, {})
    _until_exited(side, running)
    return Observation(True, proc.stdout + proc.stderr, {"output": proc.stdout.splitlines()})


def _running(side: RealSide) -> set[str]:
    return set(side.engine.docker(["ps", "-q", "--no-trunc"]).stdout.split())


def _until_exited(side: RealSide, running_before: set[str], seconds: float = 5.0) -> None:
    """Wait until the listings see a foreground container as exited.

    ``docker run`` returns when the daemon tells its waiters the container stopped, which
    moby does before it writes the new state to the store ``ps`` and ``system df`` read
    (``daemon/monitor.go`` ``handleContainerExit``: ``SetStopped`` then ``CheckpointTo``);
    a ``system df`` at once can still count it as running."""
    deadline = time.monotonic() + seconds
    while _running(side) - running_before and time.monotonic() < deadline:
        time.sleep(0.05)


def _exec(side: RealSide, verb: str, args: list[str]) -> Observation:
    proc = side.typed(verb, args)
    return Observation(True, proc.stdout + proc.stderr, {"output": proc.stdout.splitlines()})


def _diff(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    return Observation(True, out, {"diff": sorted(out.splitlines())})


def _ps(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    sized = bool({"-s", "--size"} & split_flags(args)[0])
    fmt = "{{.Names}}\t{{.Image}}\t{{.Status}}" + ("\t{{.Size}}" if sized else "")
    rows = []
    for line in side.engine.docker(["ps", *args, "--format", fmt]).stdout.splitlines():
        cols = line.split("\t") + [""]
        rows.append((cols[0], ps_image(cols[1]), container_state(cols[2]), cols[3]))
    return Observation(True, out, {"ps": sorted(rows)})


def _removed(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    return Observation(True, out, {"removed": out.splitlines()})


def _commit(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    words = split_flags(args, ("-m", "--message"))[2]
    return Observation(True, out, commit_facts(side.saved_image(words[1])) if len(words) > 1 else {})


def _volume_create(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    return Observation(True, out, {"created": anonymous_name(out.strip())})


def _volume_ls(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    names = side.engine.docker(["volume", "ls", "-q"]).stdout.split()
    return Observation(True, out, {"volumes": sorted(anonymous_name(n) for n in names)})


def _volume_inspect(side: RealSide, verb: str, args: list[str]) -> Observation:
    out = side.typed(verb, args).stdout
    return Observation(True, out, volume_facts(json.loads(out)[0]))


#: verb -> how the engine's side runs it and reads its facts: the simulated side's verbs
#: (:data:`layerlab.compare.simulated.HANDLERS`), each to the engine's own handler. ``tag``,
#: ``save`` and ``stop`` only run: what they change is compared by the lines after them.
HANDLERS: dict[str, Handler] = {
    "build": _build,
    "rmi": _rmi,
    "image rm": _rmi,
    "history": _history,
    "image inspect": _inspect,
    "images": _images,
    "image ls": _images,
    "system df": _system_df,
    "load": _load,
    "tree": _tree,
    "run": _run,
    "exec": _exec,
    "diff": _diff,
    "ps": _ps,
    "container ls": _ps,
    "rm": _removed,
    "container rm": _removed,
    "commit": _commit,
    "volume create": _volume_create,
    "volume ls": _volume_ls,
    "volume inspect": _volume_inspect,
    "volume rm": _removed,
    **DISK_HANDLERS,  # logs and the prunes (:mod:`.disk_verbs`)
}
