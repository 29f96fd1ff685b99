"""The grammar of fuzzed scenarios, as hypothesis strategies.

:func:`scenarios` draws a base (busybox from scratch, with or without a few extras) and a
list of actions (:mod:`.fuzz_actions`), and renders them into a
:class:`~.fuzz_scenario.FuzzScenario`. Every part is drawn as plain data (kinds and small
numbers), so hypothesis shrinks a failing scenario by its structure: fewer actions, fewer
files, fewer steps and operations, simpler kinds (each ``sampled_from`` shrinks towards its
first, simplest choice).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from .fuzz_actions import (
    LOOKS,
    Build,
    Commit,
    Exec,
    Look,
    MountSpec,
    Rebuild,
    Rm,
    Rmi,
    Run,
    Stop,
    Tag,
    VolumeCreate,
    render,
)
from .fuzz_dockerfile import CONTEXT_PATHS, STEP_KINDS, ContextSpec, DockerfileSpec, Edit, StageSpec, StepSpec
from .fuzz_paths import OP_KINDS, Op
from .fuzz_scenario import FuzzScenario

__all__ = ["MAX_ACTIONS", "actions", "scenarios"]

#: Actions in one scenario at most (after the base's build): a scenario takes seconds per
#: build and container line on an engine.
MAX_ACTIONS = 16
EDITS = ("edit", "touch", "chmod", "rename", "add", "delete", "ignore", "dockerfile")
MOUNTS = ("named", "anonymous", "tmpfs", "named_ro", "bind", "bind_mount")
RUN_MODES = ("run", "rm", "detach", "cmd")

small = st.integers(0, 7)
ops = st.lists(st.builds(Op, st.sampled_from(OP_KINDS), small, small, small), min_size=1, max_size=4).map(tuple)


@st.composite
def _step(draw: Any) -> StepSpec:
    kind = draw(st.sampled_from(STEP_KINDS))
    return StepSpec(kind, draw(ops) if kind == "run" else (), draw(small), draw(small),
                    draw(st.sampled_from((-1, -1, 0, 1, 2, 3))), draw(st.sampled_from((-1, -1, 0, 1, 2, 3))))


stages = st.builds(StageSpec, st.integers(0, 5), st.lists(_step(), min_size=1, max_size=5).map(tuple))
dockerfiles = st.builds(
    DockerfileSpec,
    st.lists(stages, min_size=1, max_size=3).map(tuple),
    st.sampled_from((-1, -1, 0, 1)),
    st.lists(small, max_size=2).map(tuple),
    st.sampled_from((False, False, False, True)),
)
contexts = st.builds(
    ContextSpec,
    st.lists(st.tuples(st.integers(0, len(CONTEXT_PATHS) - 1), small, st.booleans()), max_size=6).map(tuple),
    st.lists(small, max_size=2).map(tuple),
    st.booleans(),
)
mounts = st.lists(st.builds(MountSpec, st.sampled_from(MOUNTS), small), max_size=2).map(tuple)


#: Each kind of action, as often as it appears here: observations first (the simplest a
#: shrink falls back to), then builds and runs, which most findings need.
ACTION_KINDS = ("look", "look", "look", "look", "look", "build", "build", "build", "run", "run", "run", "exec",
                "stop", "rm", "rm", "commit", "rebuild", "rebuild", "tag", "rmi", "volume")
_ACTIONS = {
    "look": st.builds(Look, st.sampled_from(LOOKS), st.integers(0, 11), small),  # a: every tree root
    "build": st.builds(Build, contexts, dockerfiles, small),
    "run": st.builds(Run, small, st.sampled_from(RUN_MODES), mounts, ops),
    "exec": st.builds(Exec, small, ops),
    "stop": st.builds(Stop, small),
    "rm": st.builds(Rm, small, st.booleans()),
    "commit": st.builds(Commit, small, small),
    "rebuild": st.builds(Rebuild, small, st.lists(st.builds(Edit, st.sampled_from(EDITS), small, small), min_size=1,
                                                  max_size=3).map(tuple), small, ops),
    "tag": st.builds(Tag, small, small),
    "rmi": st.builds(Rmi, small, st.booleans()),
    "volume": st.builds(VolumeCreate, small),
}


def actions() -> st.SearchStrategy[Any]:
    """One action, its kind drawn by :data:`ACTION_KINDS`."""
    return st.sampled_from(ACTION_KINDS).flatmap(_ACTIONS.__getitem__)


def scenarios(*, store: str = "classic", trees: bool = True, bind_root: str = "/tmp/layerlab-fuzz-bind",
              max_actions: int = MAX_ACTIONS) -> st.SearchStrategy[FuzzScenario]:
    """Valid scenarios for an engine with this image ``store`` (``classic`` or
    ``containerd``); ``trees``: with ``tree`` lines; ``bind_root``: where bind mounts'
    host folders go."""
    return st.builds(
        lambda base, acts: render(base, acts, store=store, trees=trees, bind_root=bind_root),
        st.tuples(st.booleans(), st.booleans(), st.booleans()),
        st.lists(actions(), min_size=1, max_size=max_actions),
    )
