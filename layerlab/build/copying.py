"""COPY and ADD: from the build context, or ``--from`` an earlier stage; ADD unpacks local archives.

Their cache key is the sources' names, types, modes, link targets and bytes (not mtimes), the
destination and the --chown/--chmod flags; for ``--from``, as they are in that stage.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from typing import Any

from layerlab.i18n import _
from layerlab.model.fs import Dir, File, Symlink
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay

from .archives import extract, is_archive
from .context import BuildContext, ContextError
from .dockerfile import DockerfileError, Instruction
from .errors import BuildError
from .placing import owner_ids, put_entry, target_path
from .state import StageState


def copy_step(instruction: Instruction, expanded: str, state: StageState, context: BuildContext,
              built: dict[str, StageState]) -> tuple[Any, Callable[[], Layer | None]]:
    """COPY or ADD: its cache key material and a function that makes its layer."""
    words = instruction.json_form if instruction.json_form is not None else expanded.split()
    if len(words) < 2:
        raise DockerfileError(_("{keyword} needs at least one source and a destination", keyword=instruction.keyword), instruction.line)
    *sources, dest = words
    if instruction.flags.get("from") is not None:
        return _stage_copy(instruction, sources, dest, state, built)
    return _context_copy(instruction, sources, dest, state, context)


def _stage_copy(instruction: Instruction, sources: list[str], dest: str, state: StageState,
                built: dict[str, StageState]) -> tuple[Any, Callable[[], Layer | None]]:
    """``COPY --from=stage``: keyed by the copied files as they are in that stage (BuildKit
    keys a copy's source by its content: the same files from another stage, or from the same
    stage rebuilt, give the same key), not by how the stage was made."""
    source_stage, chown, chmod = instruction.flags["from"], instruction.flags.get("chown"), instruction.flags.get("chmod")
    if source_stage not in built:
        raise BuildError(_("line {line}: COPY --from={stage}: no such stage before this one", line=instruction.line, stage=source_stage))
    origin = built[source_stage]
    from_fs = Overlay(origin.layers)
    cwd = state.workdir

    def copy_from() -> Layer | None:
        fs = Overlay(state.layers)
        for source in sources:
            _copy_from_stage(from_fs, source, fs, dest, cwd, chown, chmod, instruction, multiple=len(sources) > 1)
        return fs.diff()

    return ("COPY-FROM", _stage_checksum(from_fs, sources), sources, dest, chown, chmod), copy_from


def _stage_checksum(src: Overlay, sources: list[str]) -> str:
    """:meth:`~.context.BuildContext.checksum` of paths in a stage's filesystem (a missing path
    adds its name only: the copy then fails with its own message)."""
    h = hashlib.sha256()
    stack = list(reversed(sources))
    while stack:
        path = stack.pop()
        entry = src.lstat(path)
        h.update(f"{path}\0".encode())
        if entry is None:
            continue
        h.update(f"{entry.kind}\0{entry.mode:o}\0{entry.uid}\0{entry.gid}\0".encode())
        if isinstance(entry, File):
            h.update(entry.content.sha256.encode())
        elif isinstance(entry, Symlink):
            h.update(entry.target.encode())
        elif isinstance(entry, Dir):
            stack += [posixpath.join(path, name) for name in reversed(src.listdir(path))]
    return "sha256:" + h.hexdigest()


def _context_copy(instruction: Instruction, sources: list[str], dest: str, state: StageState,
                  context: BuildContext) -> tuple[Any, Callable[[], Layer | None]]:
    """COPY or ADD from the build context: keyed by the matched files' checksum."""
    chown, chmod = instruction.flags.get("chown"), instruction.flags.get("chmod")
    matched: list[str] = []
    for source in sources:
        if source.startswith(("http://", "https://", "git@")):
            raise BuildError(_(
                "line {line}: {keyword} {source}: fetching from the network is not "
                "supported (builds run with --network none); download it into the build context first",
                line=instruction.line, keyword=instruction.keyword, source=source,
            ))
        found = context.match(source)
        if not found:
            raise ContextError(_(
                "line {line}: {keyword} {source}: not found in the build context"
                " (is it excluded by .dockerignore?)",
                line=instruction.line, keyword=instruction.keyword, source=source,
            ))
        matched += found
    cwd = state.workdir

    def copy() -> Layer | None:
        fs = Overlay(state.layers)
        multiple = len(matched) > 1
        for source in matched:
            entry = context.entries.get(source)
            if instruction.keyword == "ADD" and isinstance(entry, File) and is_archive(entry):
                extract(entry, fs, target_path(dest, cwd, "", False), instruction.line)
            else:
                _copy_from_context(context, source, fs, dest, cwd, chown, chmod, multiple)
        return fs.diff()

    return (instruction.keyword, context.checksum(matched), dest, chown, chmod), copy


def _copy_from_context(context: BuildContext, source: str, fs: Overlay, dest: str, cwd: str, chown: str | None,
                       chmod: str | None, multiple: bool) -> None:
    """One matched source of the context: a directory's contents, or a file into ``dest``."""
    uid, gid = owner_ids(fs, chown)
    entry = context.entries.get(source) if source else Dir()
    into_dir = dest.endswith("/") or multiple or (fs.is_dir(target_path(dest, cwd, "", False)) and not isinstance(entry, Dir))
    if isinstance(entry, Dir):
        root = target_path(dest, cwd, "", False)
        if not fs.exists(root):
            fs.mkdir(root, parents=True)
        for path in context.below(source):
            rel = path[len(source) + 1 :] if source else path
            put_entry(fs, posixpath.join(root, rel), context.entries[path], uid, gid, chmod)
        return
    put_entry(fs, target_path(dest, cwd, posixpath.basename(source), into_dir), entry, uid, gid, chmod)


def _copy_from_stage(src: Overlay, source: str, fs: Overlay, dest: str, cwd: str, chown: str | None,
                     chmod: str | None, instruction: Instruction, multiple: bool) -> None:
    """``COPY --from``: one path of the earlier stage's filesystem, a directory with all below it."""
    uid, gid = owner_ids(fs, chown)
    entry = src.lstat(source)
    if entry is None:
        raise BuildError(_("line {line}: COPY --from: {source} not found in that stage", line=instruction.line, source=source))
    if isinstance(entry, Dir):
        root = target_path(dest, cwd, "", False)
        if not fs.exists(root):
            fs.mkdir(root, parents=True)
        stack = [("", source)]
        while stack:
            rel, real = stack.pop()
            for name in src.listdir(real):
                child = posixpath.join(real, name)
                child_entry = src.lstat(child)
                put_entry(fs, posixpath.join(root, rel, name), child_entry, uid, gid, chmod)
                if isinstance(child_entry, Dir):
                    stack.append((posixpath.join(rel, name), child))
        return
    into_dir = dest.endswith("/") or multiple or fs.is_dir(target_path(dest, cwd, "", False))
    put_entry(fs, target_path(dest, cwd, posixpath.basename(source), into_dir), entry, uid, gid, chmod)
