"""The ``created_by`` text BuildKit writes into ``docker history`` for each instruction.

History text, as observed on a real engine
------------------------------------------
Docker Engine 20.10.24 (BuildKit v0.8 built in, ``DOCKER_BUILDKIT=1``), image config
``history[].created_by`` and ``empty_layer`` for each instruction kind. ``|2 VERSION=1.0
NODEFAULT=`` is the prefix RUN gets when the stage has declared ``ARG VERSION=1.0`` and
``ARG NODEFAULT``; without stage ARGs there is no prefix. Flags (``--chown``, ``--chmod``,
``--from``) never appear. Values are shown after substitution and quote removal, unquoted.

=====================================  ==================================================  ===========
Dockerfile                             created_by                                          layer?
=====================================  ==================================================  ===========
RUN echo hi > /f && echo $VERSION      RUN |2 VERSION=1.0 NODEFAULT= /bin/sh -c echo hi    layer
                                       > /f && echo $VERSION # buildkit
RUN a \\ (newline)   && b              RUN /bin/sh -c a   && b # buildkit (continuation     layer
                                       joined as written, ``$`` not expanded)
RUN ["/bin/busybox","--install", ...]  RUN /bin/busybox --install -s /bin # buildkit       layer
                                       (exec form: words joined by spaces, no quoting)
RUN after SHELL ["/bin/sh","-e","-c"]  RUN /bin/sh -e -c echo shell # buildkit             layer
COPY file.txt /dst/                    COPY file.txt /dst/ # buildkit                      layer
COPY --chown=1:2 a b /owned/           COPY a b /owned/ # buildkit                         layer
COPY --chmod=600 f /chm/               COPY f /chm/ # buildkit                             layer
COPY --from=build /x /y                COPY /x /y # buildkit                               layer
ADD file.txt /added/ ; ADD d /dir      ADD file.txt /added/ # buildkit ; ADD d /dir # ...  layer
WORKDIR /app ; WORKDIR sub             WORKDIR /app ; WORKDIR /app/sub (resolved)          layer
WORKDIR /                              WORKDIR /                                           empty_layer
ENV PATH=/bin A=1 B="two words"        ENV PATH=/bin A=1 B=two words                       empty_layer
ENV LEGACY legacy value                ENV LEGACY=legacy value                             empty_layer
ARG VERSION=1.0 ; ARG NODEFAULT        ARG VERSION=1.0 ; ARG NODEFAULT                     empty_layer
LABEL k=v "other key"="v 2"            LABEL k=v other key=v 2                             empty_layer
EXPOSE 80 443/udp 8080/tcp             EXPOSE map[443/udp:{} 80/tcp:{} 8080/tcp:{}]        empty_layer
                                       (Go map: keys sorted as strings)
USER 1000:1000                         USER 1000:1000                                      empty_layer
VOLUME /data /logs ; VOLUME ["/json"]  VOLUME [/data /logs] ; VOLUME [/json]               empty_layer
SHELL ["/bin/sh", "-e", "-c"]          SHELL [/bin/sh -e -c]                               empty_layer
STOPSIGNAL SIGTERM                     STOPSIGNAL SIGTERM                                  empty_layer
HEALTHCHECK --interval=5s CMD ["true"] HEALTHCHECK &{["CMD" "true"] "5s" "0s" "0s" '\\x00'}  empty_layer
MAINTAINER someone                     MAINTAINER someone                                  empty_layer
ENTRYPOINT ["/bin/sh", "-c"]           ENTRYPOINT ["/bin/sh" "-c"]                         empty_layer
ENTRYPOINT echo shellform              ENTRYPOINT ["/bin/sh" "-c" "echo shellform"]        empty_layer
CMD ["echo", "x"] ; CMD echo shell     CMD ["echo" "x"] ; CMD ["/bin/sh" "-c" "echo shell"] empty_layer
ONBUILD RUN echo onbuild               (no history entry at all)                           --
=====================================  ==================================================  ===========

Docker Engine 28.5 (BuildKit 0.25 built in) writes the same rows but four
(:data:`BUILDKIT_0_25`, measured on 28.5 with the classic and the containerd store alike):

=====================================  ==================================================
Dockerfile                             created_by on Engine 28.5
=====================================  ==================================================
COPY --chmod=644 --chown=5 a /c1/      COPY --chown=5 --chmod=644 a /c1/ # buildkit
                                       (--chown, then --chmod; ADD too; never --from,
                                       --link, --keep-git-dir)
EXPOSE 80 443/udp 8080/tcp             EXPOSE [443/udp 80/tcp 8080/tcp] (sorted as text)
HEALTHCHECK --interval=5s CMD ["true"] HEALTHCHECK &{["CMD" "true"] "5s" "0s" "0s" "0s"
                                       '\\x00'} (the start interval after the start period)
ARG V=1.0 (--build-arg V=2.0) ;        ARG V=2.0 ; ARG BASE=scratch: the value in effect
ARG BASE (global ARG BASE=scratch)     (--build-arg, else the default, else the global ARG)
=====================================  ==================================================

``tests/build/test_dockerfile.py`` rebuilds both tables on a real engine (``pytest -m
engine``, the BuildKit taken from the engine's version). :func:`history_text` keeps one
small function a row kind, looked up by keyword.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from layerlab.i18n import _

from .errors import DockerfileError
from .buildkit import BUILDKIT_0_8, BuildKit
from .gofmt import go_duration, go_quote, go_quote_list, go_quote_rune, parse_duration
from .instructions import DEFAULT_SHELL, Instruction, json_array
from .words import expand, expand_words, parse_env_pairs


def run_build_args(declared: Iterable[tuple[str, str | None]], env: Mapping[str, str]) -> list[tuple[str, str]]:
    """The ``KEY=value`` pairs BuildKit puts before a RUN in history: the stage's declared
    ARGs in order, each shown with the ENV value of the same name if any, else its own."""
    return [(k, env[k] if k in env else (v or "")) for k, v in declared]


def resolve_workdir(path: str, current: str = "/") -> str:
    """WORKDIR's path, relative ones joined to the current working directory."""
    return path if path.startswith("/") else posixpath.normpath(posixpath.join("/", current or "/", path))


def makes_layer(instruction: Instruction, *, workdir: str = "/", env: Mapping[str, str] | None = None) -> bool:
    """True for RUN, COPY, ADD, and WORKDIR to anywhere but ``/`` (BuildKit mkdirs it even
    when it exists, an empty layer); every other step is an ``empty_layer`` history row."""
    if instruction.keyword in ("RUN", "COPY", "ADD"):
        return True
    if instruction.keyword == "WORKDIR":
        path = expand(instruction.args, env or {}, escape=instruction.escape)
        return resolve_workdir(path, workdir) != "/"
    return False


@dataclass(frozen=True)
class _Row:
    """One instruction and what it sees, as a history handler reads them."""

    instruction: Instruction
    shell: Sequence[str]
    expanded_args: str | None
    build_args: Sequence[tuple[str, str]]
    workdir: str
    env: Mapping[str, str] = field(default_factory=dict)
    buildkit: BuildKit = BUILDKIT_0_8
    build_arg_values: Mapping[str, str] = field(default_factory=dict)
    meta_args: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def keyword(self) -> str:
        return self.instruction.keyword

    def words(self) -> list[str]:
        """The arguments substituted and split (exec form: each word substituted)."""
        ins = self.instruction
        if self.expanded_args is not None:
            return self.expanded_args.split()
        if ins.json_form is not None:
            return [expand(w, self.env, escape=ins.escape) for w in ins.json_form]
        return expand_words(ins.args, self.env, escape=ins.escape)

    def text(self) -> str:
        """The arguments substituted, as one string."""
        if self.expanded_args is not None:
            return self.expanded_args
        return expand(self.instruction.args, self.env, escape=self.instruction.escape)

    def command(self) -> list[str]:
        """The exec form, or the shell form run by the SHELL in effect."""
        ins = self.instruction
        return ins.json_form if ins.json_form is not None else [*self.shell, ins.args]

    def pairs(self) -> list[tuple[str, str | None]]:
        ins = self.instruction
        return parse_env_pairs(ins.args, self.env, keyword=ins.keyword, escape=ins.escape, line=ins.line)


def _run(row: _Row) -> str:
    args = row.build_args
    prefix = [f"|{len(args)}", *(f"{k}={v}" for k, v in args)] if args else []
    return "RUN " + " ".join([*prefix, *row.command()]) + " # buildkit"


def _copy(row: _Row) -> str:
    flags = row.instruction.flags
    shown = [f"--{f}={expand(flags[f], row.env)}" for f in ("chown", "chmod") if f in flags and row.buildkit.copy_flags]
    return f"{row.keyword} {' '.join([*shown, *row.words()])} # buildkit"


def _command(row: _Row) -> str:
    return f"{row.keyword} {go_quote_list(row.command())}"


def _workdir(row: _Row) -> str:
    return "WORKDIR " + resolve_workdir(row.text(), row.workdir)


def _env_or_label(row: _Row) -> str:
    return row.keyword + "".join(f" {k}={v}" for k, v in row.pairs())


def _arg(row: _Row) -> str:
    pairs = row.pairs()
    if row.buildkit.arg_values:  # the value in effect, as the builder's ARG step takes it
        pairs = [(k, row.build_arg_values.get(k, v if v is not None else row.meta_args.get(k))) for k, v in pairs]
    return "ARG " + " ".join(k if v is None else f"{k}={v}" for k, v in pairs)


def _expose(row: _Row) -> str:
    ports = sorted(port_specs(row.words()))
    if row.buildkit.expose_list:
        return f"EXPOSE [{' '.join(ports)}]"
    return "EXPOSE map[" + " ".join(f"{p}:{{}}" for p in ports) + "]"


def _volume(row: _Row) -> str:
    return f"VOLUME [{' '.join(row.words())}]"


def _shell(row: _Row) -> str:
    return f"SHELL [{' '.join(row.instruction.json_form or [])}]"


def _plain(row: _Row) -> str:
    return f"{row.keyword} {row.text()}"


def _maintainer(row: _Row) -> str:
    return f"MAINTAINER {row.instruction.args}"


def _healthcheck(row: _Row) -> str:
    return "HEALTHCHECK " + _healthcheck_text(row.instruction, row.buildkit.start_interval)


#: The history text of each instruction kind; ONBUILD writes no history, FROM's base brings its own.
HISTORY: dict[str, Callable[[_Row], str]] = {
    "RUN": _run, "COPY": _copy, "ADD": _copy, "CMD": _command, "ENTRYPOINT": _command,
    "WORKDIR": _workdir, "ENV": _env_or_label, "LABEL": _env_or_label, "ARG": _arg,
    "EXPOSE": _expose, "VOLUME": _volume, "SHELL": _shell, "USER": _plain, "STOPSIGNAL": _plain,
    "MAINTAINER": _maintainer, "HEALTHCHECK": _healthcheck,
}  # fmt: skip


def history_text(
    instruction: Instruction,
    *,
    shell: Sequence[str] = DEFAULT_SHELL,
    expanded_args: str | None = None,
    build_args: Sequence[tuple[str, str]] = (),
    workdir: str = "/",
    env: Mapping[str, str] | None = None,
    buildkit: BuildKit = BUILDKIT_0_8,
    build_arg_values: Mapping[str, str] | None = None,
    meta_args: Mapping[str, str | None] | None = None,
) -> str | None:
    """The ``created_by`` BuildKit writes for this instruction (see the module docstring).

    ``env`` substitutes variables for the instructions in :data:`~.instructions.EXPANDS`
    (ENV, LABEL and ARG see the environment *before* the instruction); ``expanded_args``
    instead gives the already-substituted value (WORKDIR, USER, STOPSIGNAL; COPY, ADD,
    EXPOSE and VOLUME split it on whitespace). ``build_args`` are the RUN prefix pairs from
    :func:`run_build_args`; ``workdir`` the working directory before a WORKDIR; ``shell``
    the SHELL in effect (shell-form RUN, CMD, ENTRYPOINT). ``buildkit`` is the BuildKit
    whose text to write (:data:`BUILDKIT_0_8`: Engine 20.10; :data:`BUILDKIT_0_25`: 28.5);
    the newer one shows an ARG's value in effect, from ``build_arg_values`` (``--build-arg``)
    and ``meta_args`` (the global ARGs). ONBUILD and FROM write no history row: ``None``.
    """
    handler = HISTORY.get(instruction.keyword)
    if handler is None:
        return None
    return handler(_Row(instruction, shell, expanded_args, build_args, workdir, env or {}, buildkit,
                        build_arg_values or {}, meta_args or {}))


def port_specs(ports: Iterable[str]) -> list[str]:
    """EXPOSE words as ``port/proto`` keys (ranges expanded, tcp by default), like nat.ParsePortSpecs."""
    out: set[str] = set()
    for spec in ports:
        port, _unused, proto = spec.partition("/")
        proto = (proto or "tcp").lower()
        lo, _unused, hi = port.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise DockerfileError(_("invalid port {spec!r} in EXPOSE", spec=spec))
        for n in range(int(lo), int(hi or lo) + 1):
            out.add(f"{n}/{proto}")
    return sorted(out)


def _healthcheck_text(ins: Instruction, start_interval: bool = False) -> str:
    """``%q`` of BuildKit's HealthConfig: ``&{[test] "interval" "timeout" "start" 'retries'}``
    (newer ones: ``"start interval"`` after ``"start"``)."""
    first, _unused, rest = ins.args.partition(" ")
    if first.upper() == "NONE":
        test = ["NONE"]
    else:
        rest = rest.strip()
        exec_form = json_array(rest)
        test = ["CMD", *exec_form] if exec_form is not None else ["CMD-SHELL", rest]
    names = ("interval", "timeout", "start-period", "start-interval")[: 4 if start_interval else 3]
    durations = [parse_duration(ins.flags[f]) if f in ins.flags else 0 for f in names]
    retries = int(ins.flags.get("retries", "0"))
    fields = [go_quote_list(test), *(go_quote(go_duration(d)) for d in durations), go_quote_rune(retries)]
    return "&{" + " ".join(fields) + "}"
