"""The simulated side: each docker line run on a :class:`~layerlab.engine.host.Host`.

One handler a verb (:data:`HANDLERS`), each a few lines: call the Host method docker's verb
stands for, and return what docker would print with the facts a user compares.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from layerlab.archive import read_archive
from layerlab.build.context import BuildContext
from layerlab.dataroot import DataRoot
from layerlab.engine.host import Host
from layerlab.engine.profile import EngineProfile, get_profile
from layerlab.engine.sizes import container_size
from layerlab.model.errors import LayerlabError
from layerlab.model.reference import full_ref
from layerlab.model.units import human_size

from .buildx_git import vcs_attributes
from .arguments import parse_build, parse_run, parse_tree, split_flags
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
from .lines import CONTAINER_VERBS, CONTAINERD_ROOT, DATA_ROOT, Command, ScenarioError
from .disk_verbs import SIMULATED as DISK_HANDLERS
from .normalise import listing_of
from .normalise_containerd import listing_of_containerd
from .size_range import image_size_facts, inspect_size_fact, ranged_printed, size_fact

__all__ = ["HANDLERS", "SimulatedSide", "host_playing", "plays", "profile_of"]


def host_playing(profile: str | EngineProfile | None = None) -> Host:
    """A simulated host that plays the engine of ``profile`` (a name, a profile read off a
    real engine's ``docker info``, or None: ``$LAYERLAB_ENGINE``, else the default)."""
    return Host(engine=get_profile(profile))


def profile_of(host: Host) -> EngineProfile:
    """The profile ``host`` plays."""
    return host.profile


def plays(host: Host, profile: EngineProfile) -> bool:
    """Whether ``host`` plays the engine of ``profile``: the same profile and storage driver."""
    mine = profile_of(host)
    return (mine.name, mine.storage_driver) == (profile.name, profile.storage_driver)


class SimulatedSide:
    """Docker lines on a simulated host; paths in the lines are relative to ``base``."""

    def __init__(self, base: Path, host: Host | None = None) -> None:
        self.base = base
        self.host = host or Host()
        #: Once a line used containers or volumes, ``system df`` compares their rows too.
        self.containers_used = False

    def run(self, command: Command) -> Observation:
        """What docker prints for ``command``; a refused line is an ERROR observation."""
        verb, args = command.verb, command.args
        self.containers_used |= verb in CONTAINER_VERBS
        try:
            return HANDLERS[verb](self, args)
        except LayerlabError as err:
            return Observation(False, f"ERROR: {err}", {"error": True})

    def load_built(self, archive: Path, context: Path | None = None) -> list[str]:
        """``docker load`` images an engine built: BuildKit made their layers, so the host
        keeps them in its build cache as BuildKit does (the data root shows them alike),
        with what BuildKit keeps of the build's ``context`` folder."""
        images = [archived.image for archived in read_archive(archive)]
        for image in images:
            self.host.storage_ids.note_built(image)
        kept = BuildContext.from_dir(context) if context is not None else None
        if kept is not None:  # first: BuildKit copied the context before it ran a step
            for image in images:
                self.host.adopt_build(image, kept)
        lines = self.host.load(archive)
        if kept is not None:  # then its steps, their views and the unpacked image (containerd's numbering)
            for image in images:
                self.host.adopt_build(image, kept)
        return lines


Handler = Callable[[SimulatedSide, list[str]], Observation]


def _refs(args: list[str]) -> list[str]:
    return [a for a in args if not a.startswith("-")]


# -- images ---------------------------------------------------------------------------------


def _build(side: SimulatedSide, args: list[str]) -> Observation:
    build = parse_build(args, side.base)
    text = build.dockerfile_text()
    # -f: the file's text with the directory's files (Host.build reads a directory's own Dockerfile)
    context: Any = BuildContext.from_dir(build.context) if text is not None else build.context
    vcs = {} if build.sent_as_copy else vcs_attributes(build.context, build.dockerfile.parent)
    result = side.host.build(context, build.tag, dockerfile=text, build_args=build.build_args,
                             target=build.target, network="none", vcs=vcs,  # as the engine side builds
                             no_cache=build.no_cache)
    return Observation(True, result.log, build_facts([(s.text, s.cached) for s in result.steps], result.image))


def _tag(side: SimulatedSide, args: list[str]) -> Observation:
    side.host.tag(args[0], args[1])
    return Observation(True, "", {})


def _rmi(side: SimulatedSide, args: list[str]) -> Observation:
    force = "-f" in args or "--force" in args
    lines = [line for ref in _refs(args) for line in side.host.rmi(ref, force=force)]
    return Observation(True, "\n".join(lines), rmi_facts(lines))


def _history(side: SimulatedSide, args: list[str]) -> Observation:
    ref = _refs(args)[0]
    rows = side.host.history_rows(ref)
    return Observation(True, side.host.history(ref, no_trunc="--no-trunc" in args),
                       {"history": [(r["CREATED BY"], r["SIZE"]) for r in rows]})


def _inspect(side: SimulatedSide, args: list[str]) -> Observation:
    data = side.host.inspect(args[-1])
    facts = inspect_facts(data)
    if "size" in facts:
        facts["size"] = inspect_size_fact(side.host, args[-1], facts["size"])
    return Observation(True, str(data), facts)


def _images(side: SimulatedSide, args: list[str]) -> Observation:
    return Observation(True, side.host.images_table(), {"images": image_size_facts(side.host)})


def _save(side: SimulatedSide, args: list[str]) -> Observation:
    out = args[args.index("-o") + 1]
    refs = [r for i, r in enumerate(args) if not r.startswith("-") and (i == 0 or args[i - 1] != "-o")]
    side.host.save(refs, side.base / out)
    return Observation(True, "", {})


def _load(side: SimulatedSide, args: list[str]) -> Observation:
    lines = side.host.load(side.base / args[args.index("-i") + 1])
    return Observation(True, "\n".join(lines), {"loaded": lines})


def _system_df(side: SimulatedSide, args: list[str]) -> Observation:
    host, verbose = side.host, "-v" in args or "--verbose" in args
    df = host.system_df()
    facts = {"images": df.images.total, "images_size": size_fact(df.images.size, df.images.slack, 4),
             **df_summary_facts(df_rows(host.system_df_text(False)), side.containers_used)}
    facts["images_reclaimable"] = ranged_printed(facts["images_reclaimable"], df.images.reclaimable,
                                                 df.images.reclaimable_slack, 4)
    if verbose:
        facts["per_image"] = sorted(  # the CLI names an image's row by its first tag only
            (",".join(i.tags[:1]), size_fact(i.size, i.slack), human_size(i.shared, 4), size_fact(i.unique, i.slack, 4),
             str(i.containers))
            for i in df.per_image)
    if verbose and side.containers_used:
        facts["per_container"] = sorted(
            (c.name, c.image_ref, str(sum(m.type == "volume" for m in c.mounts)),
             human_size(container_size(c, host.profile.containerd)),
             "running" if c.running else "exited") for c in host.containers.values())
        facts["per_volume"] = sorted(
            (anonymous_name(v.name), str(len(host.volume_users(v.name))), human_size(v.size(), 4))
            for v in host.volumes.values())
    return Observation(True, host.system_df_text(verbose), facts)


def _tree(side: SimulatedSide, args: list[str]) -> Observation:
    tree = parse_tree(args)
    host = side.host
    root = DataRoot.from_host(host)
    text = root.tree(tree.depth, tree.full_path)
    if tree.root == CONTAINERD_ROOT:
        tags = {image_id: full_ref(tag) for tag, image_id in sorted(host.tags.items(), reverse=True)}
        containers = {cid: c.name for cid, c in host.containers.items()}
        listing = listing_of_containerd(root.nodes, CONTAINERD_ROOT)
        facts, _ = tree_facts(listing, {}, tree, engine=False, tags=tags, containers=containers)
        return Observation(True, text, facts)
    configs = {i.removeprefix("sha256:"): r.image.config_bytes for i, r in host.images.items()}
    facts, _ = tree_facts(listing_of(root.nodes, DATA_ROOT), configs, tree, engine=False)
    return Observation(True, text, facts)


# -- containers and volumes -------------------------------------------------------------------


def _run(side: SimulatedSide, args: list[str]) -> Observation:
    run = parse_run(args)
    _mirror_bind_sources(side.host, run.bind_sources())
    c = side.host.run(run.image, run.command, name=run.name, detach=run.detach, rm=run.rm,
                      volumes=run.volumes, mounts=run.mounts, env=run.env, workdir=run.workdir,
                      log_driver=run.log_driver, log_opts=run.log_opts)
    result = c.output[-1] if c.output else None
    status = result.status if result else 0
    if run.detach:
        return Observation(status == 0 or c.running, c.id, {})
    out = result.stdout if result else ""
    err = result.stderr if result else ""
    if status != 0:  # the docker CLI exits with the command's status: an error
        return Observation(False, f"ERROR: exit {status}\n{out}{err}", {"error": True})
    return Observation(True, out + err, {"output": out.splitlines()})


#: A bind source this machine has is mirrored into the host when it holds at most this many entries.
MIRRORED_ENTRIES = 200


def _mirror_bind_sources(host: Host, sources: list[str]) -> None:
    """Bind sources that exist on this machine, as the engine beside it will mount them:
    the host's folder gets their files (a missing one ``-v`` makes empty, as dockerd does)."""
    for source in sources:
        folder = Path(source)
        if source in host.host_dirs or not folder.is_dir():
            continue
        entries = sorted(folder.rglob("*"))
        if len(entries) > MIRRORED_ENTRIES:
            raise ScenarioError(f"bind source {source} holds {len(entries)} entries: compare mirrors folders "
                                f"of at most {MIRRORED_ENTRIES} into the simulator")
        host.host_dir(source, {p.relative_to(folder).as_posix(): p.read_bytes() for p in entries if p.is_file()})


def _exec(side: SimulatedSide, args: list[str]) -> Observation:
    words = list(args)
    while words and words[0].startswith("-"):
        words = words[1:]
    result = side.host.exec(words[0], words[1:])
    if result.status != 0:
        return Observation(False, f"ERROR: exit {result.status}\n{result.stderr}", {"error": True})
    return Observation(True, result.stdout + result.stderr, {"output": result.stdout.splitlines()})


def _diff(side: SimulatedSide, args: list[str]) -> Observation:
    text = side.host.diff(args[-1])
    return Observation(True, text, {"diff": sorted(text.splitlines())})


def _ps(side: SimulatedSide, args: list[str]) -> Observation:
    flags = split_flags(args)[0]
    every, size = bool(flags & {"-a", "--all"}), bool(flags & {"-s", "--size"})
    rows = side.host.ps_rows(all=every, size=size)
    facts = {"ps": sorted((r["NAMES"], ps_image(r["IMAGE"]), container_state(r["STATUS"]), r.get("SIZE", ""))
                         for r in rows)}
    return Observation(True, side.host.ps(all=every, size=size), facts)


def _stop(side: SimulatedSide, args: list[str]) -> Observation:
    names = split_flags(args, ("-t", "--time"))[2]
    return Observation(True, "\n".join(side.host.stop(n) for n in names), {})


def _rm(side: SimulatedSide, args: list[str]) -> Observation:
    flags, _, names = split_flags(args)
    force, volumes = bool(flags & {"-f", "--force"}), bool(flags & {"-v", "--volumes"})
    out = [side.host.rm(n, force=force, volumes=volumes) for n in names]
    return Observation(True, "\n".join(out), {"removed": out})


def _commit(side: SimulatedSide, args: list[str]) -> Observation:
    _, values, words = split_flags(args, ("-m", "--message"))
    image = side.host.commit(words[0], words[1] if len(words) > 1 else None,
                             message=values.get("-m") or values.get("--message"))
    return Observation(True, image.image_id, commit_facts(image))


def _volume_create(side: SimulatedSide, args: list[str]) -> Observation:
    names = split_flags(args)[2]
    volume = side.host.volume_create(names[0] if names else None, anonymous=not names)
    return Observation(True, volume.name, {"created": anonymous_name(volume.name)})


def _volume_ls(side: SimulatedSide, args: list[str]) -> Observation:
    return Observation(True, side.host.volume_ls(), {"volumes": sorted(anonymous_name(n) for n in side.host.volumes)})


def _volume_inspect(side: SimulatedSide, args: list[str]) -> Observation:
    data = side.host.volume_inspect(args[-1])
    return Observation(True, str(data), volume_facts(data))


def _volume_rm(side: SimulatedSide, args: list[str]) -> Observation:
    flags, _, names = split_flags(args)
    out = [side.host.volume_rm(n, force=bool(flags & {"-f", "--force"})) for n in names]
    return Observation(True, "\n".join(out), {"removed": out})


#: verb -> what the simulated host does for it (every verb of :data:`~.lines.SUPPORTED`, and ``tree``).
HANDLERS: dict[str, Handler] = {
    "build": _build,
    "tag": _tag,
    "rmi": _rmi,
    "image rm": _rmi,
    "history": _history,
    "image inspect": _inspect,
    "images": _images,
    "image ls": _images,
    "system df": _system_df,
    "save": _save,
    "load": _load,
    "tree": _tree,
    "run": _run,
    "exec": _exec,
    "diff": _diff,
    "ps": _ps,
    "container ls": _ps,
    "stop": _stop,
    "rm": _rm,
    "container rm": _rm,
    "commit": _commit,
    "volume create": _volume_create,
    "volume ls": _volume_ls,
    "volume inspect": _volume_inspect,
    "volume rm": _volume_rm,
    **DISK_HANDLERS,  # logs and the prunes (:mod:`.disk_verbs`)
}
