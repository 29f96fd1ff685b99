"""RUN in the model: the step's command runs in :mod:`layerlab.shell` on an overlay of the
stage's layers, as the stage's USER, with what the runtime mounts into every container.

Its cache key is the command text, the environment it runs with (ENV and ARG values),
WORKDIR, USER and SHELL; the files are not looked at.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from typing import Any

from layerlab.i18n import _
from layerlab.model.layer import Layer
from layerlab.model.overlay import Overlay
from layerlab.shell import ShellResult, run_exec, run_shell

from .dockerfile import DEFAULT_SHELL, Instruction
from .errors import BuildError
from .placing import owner_ids
from .state import StageState

#: Files the runtime mounts into every RUN step; missing ones are created as stubs (and
#: with them /etc), then removed: that is why RUN layers of FROM scratch images list etc/
#: on Engine 20.10 (BuildKit 0.8); BuildKit 0.25 (Engine 28) removes that etc/ too.
MOUNT_STUBS = ("etc/resolv.conf", "etc/hosts")
#: Mount points runc creates when the image lacks them; they stay in the layer.
MOUNT_POINTS = ("dev", "proc", "sys")


def run_step(instruction: Instruction, state: StageState, *,
             keep_stub_dir: bool = True) -> tuple[Any, Callable[[], Layer | None]]:
    """RUN: its cache key material and a function that runs it and returns its layer
    (``keep_stub_dir``: the directory made for the mount stubs stays, as BuildKit 0.8 leaves it)."""
    env, cwd, shell = state.scope, state.workdir, list(state.shell)
    user = state.config.get("User") or ""
    argv = instruction.json_form

    def run() -> Layer | None:
        fs = Overlay(state.layers)
        made_etc = not fs.exists("/etc")
        stubs = _add_mount_stubs(fs)
        result = _execute(fs, instruction, shell, env=env, cwd=cwd, user=owner_ids(fs, user) if user else (0, 0))
        if result.status != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
            shown = instruction.args if argv is None else json.dumps(argv)
            raise BuildError(_(
                "line {line}: RUN {command}: exit code {status}: {detail}",
                line=instruction.line, command=shown, status=result.status, detail=detail[0],
            ).rstrip(": "))
        for stub in stubs:
            fs.unlink("/" + stub)
        if made_etc and not keep_stub_dir and fs.is_dir("/etc") and not fs.listdir("/etc"):
            fs.rmdir("/etc")
        return fs.diff()

    return ("RUN", argv or instruction.args, sorted(env.items()), cwd, user, shell), run


def _execute(fs: Overlay, instruction: Instruction, shell: list[str], *, env: dict[str, str], cwd: str,
             user: tuple[int, int]) -> ShellResult:
    """The exec form as given; the shell form through the SHELL in effect (the model's sh by default)."""
    if instruction.json_form is not None:
        return run_exec(fs, list(instruction.json_form), env=env, cwd=cwd, user=user, line=instruction.line)
    if shell != list(DEFAULT_SHELL):
        return run_exec(fs, [*shell, instruction.args], env=env, cwd=cwd, user=user, line=instruction.line)
    return run_shell(fs, instruction.args, env=env, cwd=cwd, user=user, line=instruction.line)


def _add_mount_stubs(fs: Overlay) -> list[str]:
    """Make the mount points and stub files a real RUN finds; the stubs this added."""
    for point in MOUNT_POINTS:
        if not fs.exists("/" + point):
            fs.mkdir("/" + point)
    made = []
    for stub in MOUNT_STUBS:
        if not fs.exists("/" + stub):
            fs.mkdir("/" + posixpath.dirname(stub), parents=True)
            fs.write("/" + stub, b"")
            made.append(stub)
    return made
