"""Concrete fixes, read off the copies an image stores but never uses.

Each group of lost copies (made by step i, lost in step j, for one reason) becomes one
suggestion, biggest saving first:

- deleted later, and the files are compilers / build tools (a group of their own), or step j
  removes packages:
  build in a separate stage and ``COPY --from`` only the result (multi-stage);
- deleted later, both steps RUN: clean up in the same RUN (merge the steps);
- deleted later, step i a COPY/ADD: do not copy it (``.dockerignore``) or copy it only
  into a build stage;
- same bytes, only mode / owner changed, step i a COPY/ADD: ``COPY --chown/--chmod``;
  step i a RUN: chmod/chown in that same RUN;
- rewritten with other bytes: write the file once (merge the steps); a base image's
  rootfs rewritten (a package database): said to be usually unavoidable.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from layerlab.i18n import _

from .stack import LostCopy
from .steps import REMOVERS, is_build_tool_path, mentions, step_kind

_NOP_ADD = re.compile(r"^/bin/sh -c #\(nop\)\s*ADD file:")  # how a base image's rootfs layer reads


@dataclass(frozen=True)
class Fix:
    kind: str  #: multi-stage, clean-in-same-step, dockerignore, copy-chown, chmod-in-same-step, write-once
    added_in: int  #: layer index that stores the lost bytes
    lost_in: int | None  #: layer index that deletes or rewrites them
    saves_bytes: int
    files: int
    examples: tuple[str, ...]
    text: str


def suggest_fixes(lost: list[LostCopy], created_by: list[str], *, examples: int = 3) -> list[Fix]:
    groups: dict[tuple[int, int | None, str, bool], list[LostCopy]] = defaultdict(list)
    for copy in lost:
        tool = copy.fate == "deleted" and is_build_tool_path(copy.path)
        groups[(copy.layer, copy.removed_by, copy.fate, tool)].append(copy)
    fixes = []
    for (i, j, fate, tool), copies in groups.items():
        saves = sum(c.size for c in copies)
        if saves == 0:
            continue
        biggest = tuple(
            "/" + c.path for c in sorted(copies, key=lambda c: (-c.size, c.path))[:examples]
        )
        kind, text = _advice(i, j, fate, tool, created_by)
        fixes.append(Fix(kind, i, j, saves, len(copies), biggest, text))
    fixes.sort(
        key=lambda f: (-f.saves_bytes, f.added_in, f.lost_in if f.lost_in is not None else -1)
    )
    return fixes


def _step(created_by: list[str], index: int | None) -> str:
    return created_by[index] if index is not None and index < len(created_by) else ""


def _advice(
    i: int, j: int | None, fate: str, tools: bool, created_by: list[str]
) -> tuple[str, str]:
    made, lost = _step(created_by, i), _step(created_by, j)
    kind_i, kind_j = step_kind(made), step_kind(lost)
    where = _("layer {n} ({kind})", n=i, kind=kind_i or _("step"))
    later = _("layer {n} ({kind})", n=j, kind=kind_j or _("step")) if j is not None else _("a later layer")
    if fate == "deleted":
        if tools or mentions(lost, REMOVERS):
            return "multi-stage", _(
                "{later} removes what {where} installed: build in a separate stage and "
                "COPY --from=<stage> only what the final image needs (multi-stage build)",
                later=later, where=where,
            )
        if kind_i in ("COPY", "ADD"):
            return "dockerignore", _(
                "{where} copies files that {later} deletes: leave them out of the context "
                "(.dockerignore) or copy them only into a build stage",
                later=later, where=where,
            )
        return "clean-in-same-step", _(
            "{where} adds files that {later} deletes: delete them in the same RUN that creates them "
            "(merge the RUN steps: ... && rm -rf ...)",
            later=later, where=where,
        )
    if fate == "metadata":
        if kind_i in ("COPY", "ADD"):
            return "copy-chown", _(
                "{later} only changes the mode or owner of files {where} copied, storing them again: "
                "use {keyword} --chown=... / --chmod=... instead",
                later=later, where=where, keyword=kind_i,
            )
        return "chmod-in-same-step", _(
            "{later} only changes the mode or owner of files {where} made, storing them again: "
            "chmod/chown in the same RUN that creates them",
            later=later, where=where,
        )
    if _NOP_ADD.match(made):
        return "base-rewrite", _(
            "{later} rewrites files of the base image's {where} (e.g. a package database): "
            "usually unavoidable; fewer package-install steps rewrite it fewer times",
            later=later, where=where,
        )
    return "write-once", _(
        "{later} rewrites files {where} wrote: produce them once, in one step (merge the steps)",
        later=later, where=where,
    )
