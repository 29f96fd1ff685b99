"""The instructions that only change the image config (ENV, ARG, LABEL, CMD...): one small
handler each, looked up by keyword. They give a history row with ``empty_layer``."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from layerlab.i18n import _

from .dockerfile import DockerfileError, Instruction, expand, parse_env_pairs
from .state import StageState

#: A config step: the instruction, the stage, the variables it may substitute, --build-arg values.
ConfigStep = Callable[[Instruction, StageState, dict[str, str], Mapping[str, str]], None]


def _env(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    for key, value in parse_env_pairs(ins.args, variables, keyword="ENV", line=ins.line):
        state.set_env(key, value or "")


def _arg(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    """``ARG NAME[=default]``: a --build-arg wins, then the default, then a global ARG's value."""
    for name, default in parse_env_pairs(ins.args, variables, keyword="ARG", line=ins.line):
        value = build_args.get(name, default if default is not None else state.meta_args.get(name))
        state.declared.append((name, value))
        if value is not None:
            state.args[name] = value


def _label(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    labels = dict(state.config.get("Labels") or {})
    labels.update((k, v or "") for k, v in parse_env_pairs(ins.args, variables, keyword="LABEL", line=ins.line))
    state.config["Labels"] = labels


def _cmd(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    state.config["Cmd"] = _command(ins, state)
    state.config["ArgsEscaped"] = True  # BuildKit 0.8 and 0.25 both set it for CMD (not ENTRYPOINT)
    state.cmd_set = True


def _entrypoint(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    state.config["Entrypoint"] = _command(ins, state)
    if not state.cmd_set:
        state.config.pop("Cmd", None)  # an inherited CMD does not survive a new ENTRYPOINT


def _command(ins: Instruction, state: StageState) -> list[str]:
    """The exec form, or the shell form run by the SHELL in effect."""
    return list(ins.json_form if ins.json_form is not None else [*state.shell, ins.args])


def _expose(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    ports = dict(state.config.get("ExposedPorts") or {})
    for port in expand(ins.args, variables).split():
        ports[port if "/" in port else f"{port}/tcp"] = {}
    state.config["ExposedPorts"] = ports


def _user(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    state.config["User"] = expand(ins.args, variables)


def _volume(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    volumes = dict(state.config.get("Volumes") or {})
    paths = ins.json_form or expand(ins.args, variables).split()
    volumes.update({p: {} for p in paths})
    state.config["Volumes"] = volumes


def _shell(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    if ins.json_form is None:
        raise DockerfileError(_("SHELL must be written in JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]"), ins.line)
    state.shell = list(ins.json_form)


def _stopsignal(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    state.config["StopSignal"] = expand(ins.args, variables)


def _nothing(ins: Instruction, state: StageState, variables: dict[str, str], build_args: Mapping[str, str]) -> None:
    """HEALTHCHECK, ONBUILD and MAINTAINER: a history row, and nothing the model keeps."""


CONFIG_STEPS: dict[str, ConfigStep] = {
    "ENV": _env, "ARG": _arg, "LABEL": _label, "CMD": _cmd, "ENTRYPOINT": _entrypoint, "EXPOSE": _expose,
    "USER": _user, "VOLUME": _volume, "SHELL": _shell, "STOPSIGNAL": _stopsignal,
    "HEALTHCHECK": _nothing, "ONBUILD": _nothing, "MAINTAINER": _nothing,
}  # fmt: skip
