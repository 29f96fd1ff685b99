"""Instructions grouped into build stages by FROM, and the global ARGs before the first one."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from layerlab.i18n import _

from .errors import DockerfileError
from .instructions import Instruction
from .words import expand, parse_env_pairs, split_words


@dataclass
class Stage:
    """``FROM base [AS name]`` and the instructions up to the next FROM.

    ``base`` has the global ARGs substituted; ``meta_args`` are those ARGs (declared
    before the first FROM), which a stage's ``ARG NAME`` without a value inherits.
    """

    base: str
    name: str | None
    index: int
    instructions: list[Instruction]
    platform: str | None = None
    line: int = 0
    meta_args: dict[str, str | None] = field(default_factory=dict)


_STAGE_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")


def split_stages(
    instructions: Sequence[Instruction], build_args: Mapping[str, str] | None = None
) -> list[Stage]:
    """Group instructions by FROM; ARGs before the first FROM are global (usable in FROM).

    ``build_args`` (``--build-arg``) override the global ARG defaults.
    """
    build_args = build_args or {}
    meta: dict[str, str | None] = {}
    stages: list[Stage] = []
    names: set[str] = set()
    for ins in instructions:
        if ins.keyword == "FROM":
            env = {k: v for k, v in meta.items() if v is not None}
            words = split_words(ins.args, ins.escape)
            if len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as"):
                raise DockerfileError(_("FROM requires either one or three arguments (FROM image [AS name])"), ins.line)
            base = expand(words[0], env, escape=ins.escape)
            if not base:
                raise DockerfileError(f"base name ({words[0]}) should not be blank", ins.line)
            name = words[2].lower() if len(words) == 3 else None
            if name is not None:
                if not _STAGE_NAME.match(name):
                    raise DockerfileError(f"invalid name for build stage: {words[2]!r}", ins.line)
                if name in names:
                    raise DockerfileError(f"duplicate stage name {name!r}", ins.line)
                names.add(name)
            platform = ins.flags.get("platform")
            if platform is not None:
                platform = expand(platform, env, escape=ins.escape)
            stages.append(Stage(base, name, len(stages), [], platform, ins.line, meta))
        elif not stages:
            if ins.keyword != "ARG":
                raise DockerfileError(
                    _("{keyword} before the first FROM: only ARG may come before FROM", keyword=ins.keyword), ins.line
                )
            env = {k: v for k, v in meta.items() if v is not None}
            for key, val in parse_env_pairs(ins.args, env, keyword="ARG", escape=ins.escape, line=ins.line):
                meta[key] = build_args.get(key, val)
        else:
            stages[-1].instructions.append(ins)
    if not stages:
        raise DockerfileError(_("no FROM instruction: every build stage starts with FROM"))
    return stages
