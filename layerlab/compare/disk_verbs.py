"""``docker logs`` and the prune verbs on both sides of a comparison, and the facts they share.

Both sides print what docker prints; the facts come from that text, read the same way on
each side (:func:`prune_facts`): how many containers, which volumes, which tags went and how
many images or layers were deleted, and ``Total reclaimed space`` (with the containerd
store within the bytes the engine's times may take: :mod:`.size_range`). Random ids take no part
(container and anonymous volume ids are counted, not named). BuildKit's records are counted
on neither side: an engine also keeps records of the build contexts it was sent, which the
model does not (so ``builder prune`` and ``system prune`` compare what they did to images,
containers and volumes; their totals only where no build cache took part).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from layerlab.engine.logs import LogConfig, normalised_json_size
from layerlab.engine.prune import warning
from layerlab.engine.sizes import blob_slack

from .arguments import split_flags
from .facts import Observation, anonymous_name
from .size_range import size_fact

__all__ = ["REAL", "SIMULATED", "logs_facts", "prune_facts"]

_SECTIONS = ("Deleted Containers:", "Deleted Volumes:", "Deleted Images:", "Deleted Networks:",
             "Deleted build cache objects:")


def sections(text: str) -> dict[str, list[str]]:
    """A prune's output by section (``Deleted Volumes:`` ...), with the total as ``Total``."""
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if line in _SECTIONS:
            current = line.rstrip(":")
            out[current] = []
        elif line.startswith("Total reclaimed space:"):
            out["Total"] = [line]
        elif line and current:
            out[current].append(line)
    return out


def prune_facts(text: str, *, total: bool = True) -> dict[str, Any]:
    """What a prune removed, as a user compares it (ids counted, names and tags listed)."""
    found = sections(text)
    facts: dict[str, Any] = {}
    if "Deleted Containers" in found:
        facts["containers"] = len(found["Deleted Containers"])
    if "Deleted Volumes" in found:
        facts["volumes"] = sorted(anonymous_name(v) for v in found["Deleted Volumes"])
    if "Deleted Images" in found:
        lines = found["Deleted Images"]
        facts["untagged"] = sorted(x for x in lines if x.startswith("untagged:"))
        facts["deleted"] = sum(x.startswith("deleted:") for x in lines)
    if total:
        facts["reclaimed"] = [x.removeprefix("Total reclaimed space: ") for x in found.get("Total", [])]
    return facts


def logs_facts(text: str, files: list[tuple[str, int | None]], capacity: int | None) -> dict[str, Any]:
    """``docker logs``: the lines, and the container's log files (``files``: name with the
    container id as ``<id>``, bytes with times as the model writes them, None when gzipped).
    Without ``max-size`` each file is compared by its bytes; with it by where each stands
    against ``max-size`` (an engine's times are shorter by a byte now and then, so it
    rotates a record or two earlier, and the files hold other lines)."""
    if capacity is None:
        return {"logs": text.splitlines(), "log_files": dict(files)}
    standing = {name: "gzipped" if size is None else f"{'at least' if size >= capacity else 'under'} max-size"
                for name, size in files}
    return {"logs": text.splitlines(), "log_files": standing}


def _log_file_sizes(files: dict[str, bytes], container_id: str) -> list[tuple[str, int | None]]:
    """Each file's name (id as ``<id>``) and bytes, json-file times counted as 30 characters."""
    out: list[tuple[str, int | None]] = []
    for name, data in sorted(files.items()):
        size: int | None = len(data)
        if name.endswith(".gz"):
            size = None
        elif name.endswith(tuple(f"-json.log{s}" for s in ("", *(f".{n}" for n in range(1, 100))))):
            size = normalised_json_size(data)
        out.append((name.replace(container_id, "<id>"), size))
    return out


def _tail(args: list[str]) -> tuple[int | None, str]:
    _, values, words = split_flags(args, ("--tail", "-n"))
    tail = values.get("--tail") or values.get("-n")
    return (None if tail in (None, "all") else int(tail)), words[-1]


def _all(args: list[str]) -> bool:
    return bool(split_flags(args)[0] & {"-a", "--all"})


def _asked(side: Any, what: str, args: list[str]) -> Observation | None:
    """Without ``-f`` the CLI asks first and, with no one to answer, removes nothing."""
    if split_flags(args)[0] & {"-f", "--force"}:
        return None
    text = warning(what, side.host.profile, all=_all(args), volumes="--volumes" in args)
    return Observation(True, text, {"asked": True})


# -- the simulated side -----------------------------------------------------------------------


def _sim_logs(side: Any, args: list[str]) -> Observation:
    tail, name = _tail(args)
    text = side.host.logs(name, tail=tail)
    log = side.host.container_log(name)
    files = {f.name: f.data(log.config.driver) for f in log.files}
    capacity = log.config.capacity if "max-size" in log.config.opts else None
    return Observation(True, text, logs_facts(text, _log_file_sizes(files, side.host.container(name).id), capacity))


def _sim_container_prune(side: Any, args: list[str]) -> Observation:
    text = side.host.container_prune() if not (asked := _asked(side, "container", args)) else ""
    return asked or Observation(True, text, prune_facts(text))


def _sim_image_prune(side: Any, args: list[str]) -> Observation:
    if asked := _asked(side, "image", args):
        return asked
    host = side.host
    records, before = list(host.images.values()), host.held_content()
    text = host.image_prune(all=_all(args))
    facts = prune_facts(text)
    if host.profile.containerd:  # the engine's documents hold times of its own length
        freed = before.keys() - host.held_content().keys()
        slack = {d: s for r in records for d, s in blob_slack(r).items() if d in freed}.values()
        facts["reclaimed"] = [size_fact(sum(before[d].size for d in freed),
                                        (sum(x for x, _ in slack), sum(y for _, y in slack)), precision=4)]
    return Observation(True, text, facts)


def _sim_volume_prune(side: Any, args: list[str]) -> Observation:
    text = side.host.volume_prune(all=_all(args)) if not (asked := _asked(side, "volume", args)) else ""
    return asked or Observation(True, text, prune_facts(text))


def _sim_builder_prune(side: Any, args: list[str]) -> Observation:
    return _asked(side, "builder", args) or Observation(True, side.host.builder_prune(all=_all(args)), {})


def _sim_system_prune(side: Any, args: list[str]) -> Observation:
    if asked := _asked(side, "system", args):
        return asked
    text = side.host.system_prune(all=_all(args), volumes="--volumes" in args)
    return Observation(True, text, prune_facts(text, total=False))


Handler = Callable[[Any, list[str]], Observation]
#: The simulated side's handlers of these verbs (:data:`layerlab.compare.simulated.HANDLERS`).
SIMULATED: dict[str, Handler] = {
    "logs": _sim_logs,
    "container prune": _sim_container_prune,
    "image prune": _sim_image_prune,
    "volume prune": _sim_volume_prune,
    "builder prune": _sim_builder_prune,
    "system prune": _sim_system_prune,
}


# -- the engine's side ------------------------------------------------------------------------


def _real_logs(side: Any, verb: str, args: list[str]) -> Observation:
    """The lines, and the log files read from the engine's data root (root only)."""
    proc = side.typed(verb, args)
    text = proc.stdout + proc.stderr
    name = _tail(args)[1]
    found = side.engine.docker(["inspect", "-f", "{{.Id}} {{json .HostConfig.LogConfig}}", name]).stdout
    container_id, _, config = found.strip().partition(" ")
    opts = json.loads(config).get("Config") or {}
    root = side.engine.docker(["info", "--format", "{{.DockerRootDir}}"]).stdout.strip()
    folder = Path(root) / "containers" / container_id
    files = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
             if p.is_file() and ("-json.log" in p.name or p.parent.name == "local-logs")}
    capacity = LogConfig(json.loads(config).get("Type") or "json-file", opts).capacity if "max-size" in opts else None
    return Observation(True, text, logs_facts(text, _log_file_sizes(files, container_id), capacity))


def _real_prune(total: bool) -> Callable[[Any, str, list[str]], Observation]:
    def handler(side: Any, verb: str, args: list[str]) -> Observation:
        text = side.typed(verb, args).stdout
        if not split_flags(args)[0] & {"-f", "--force"}:  # it asked, and no one said yes
            return Observation(True, text, {"asked": True})
        return Observation(True, text, prune_facts(text, total=total))

    return handler


def _real_builder_prune(side: Any, verb: str, args: list[str]) -> Observation:
    return Observation(True, side.typed(verb, args).stdout, {})


#: The engine's handlers of these verbs (:data:`layerlab.compare.real_side.HANDLERS`).
REAL: dict[str, Callable[[Any, str, list[str]], Observation]] = {
    "logs": _real_logs,
    "container prune": _real_prune(True),
    "image prune": _real_prune(True),
    "volume prune": _real_prune(True),
    "builder prune": _real_builder_prune,
    "system prune": _real_prune(False),
}
