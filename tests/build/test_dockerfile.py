"""Dockerfile parsing, stages, substitution and BuildKit's history text."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from layerlab.build.dockerfile import (
    BUILDKIT_0_8,
    BUILDKIT_0_25,
    DEFAULT_SHELL,
    SUPPORTED,
    DockerfileError,
    Instruction,
    expand,
    expand_words,
    go_duration,
    history_text,
    makes_layer,
    parse_dockerfile,
    parse_env_pairs,
    resolve_workdir,
    run_build_args,
    split_stages,
)
from layerlab.model.errors import LayerlabError

COURSE = """\
FROM ubuntu

RUN apt-get update && apt-get install -y python
RUN pip install flask
COPY . /opt/source-code
ENTRYPOINT FLASK_APP=/opt/source-code/app.py flask run
"""


def one(text: str) -> Instruction:
    [ins] = [i for i in parse_dockerfile("FROM scratch\n" + text) if i.keyword != "FROM"]
    return ins


# -- parsing --------------------------------------------------------------------------


def test_course_example_parses():
    ins = parse_dockerfile(COURSE)
    assert [(i.keyword, i.line) for i in ins] == [
        ("FROM", 1),
        ("RUN", 3),
        ("RUN", 4),
        ("COPY", 5),
        ("ENTRYPOINT", 6),
    ]
    assert ins[1].args == "apt-get update && apt-get install -y python"
    assert ins[4].json_form is None
    assert ins[3].original == "COPY . /opt/source-code"


def test_continuations_comments_and_blank_continuation_lines():
    text = "FROM scratch\nrun echo a \\\n# a comment\n\n  && echo b\nCMD [\"x\"]"
    ins = parse_dockerfile(text)
    assert ins[1].keyword == "RUN" and ins[1].line == 2
    assert ins[1].args == "echo a   && echo b"
    assert "# a comment" not in ins[1].original and ins[1].original.endswith("&& echo b")
    assert ins[2].keyword == "CMD" and ins[2].json_form == ["x"] and ins[2].line == 6


def test_escape_directive_and_syntax_directive():
    text = "# syntax=docker/dockerfile:1\n# escape=`\nFROM scratch\nRUN echo a `\n  b\nCOPY a b `$HOME/\n"
    ins = parse_dockerfile(text)
    assert ins[1].args == "echo a   b" and ins[1].escape == "`"
    assert expand(ins[2].args, {"HOME": "/root"}, escape=ins[2].escape) == "a b $HOME/"


def test_windows_line_endings_and_bom():
    ins = parse_dockerfile("\ufeffFROM scratch\r\nCMD [\"a\"]\r\n")
    assert [i.keyword for i in ins] == ["FROM", "CMD"] and ins[1].json_form == ["a"]


def test_flags_are_parsed_out():
    ins = one("COPY --from=build --chown=1:2 --chmod=600 --link a b /dst/")
    assert ins.flags == {"from": "build", "chown": "1:2", "chmod": "600", "link": "true"}
    assert ins.args == "a b /dst/"
    run = one("RUN --network=none echo hi")
    assert run.flags == {"network": "none"} and run.args == "echo hi"
    assert parse_dockerfile("FROM --platform=linux/amd64 alpine AS a")[0].flags == {"platform": "linux/amd64"}


def test_json_forms():
    assert one('RUN ["/bin/sh", "-c", "echo"]').json_form == ["/bin/sh", "-c", "echo"]
    assert one("RUN [not json").json_form is None
    assert one('COPY ["a b", "/dst/"]').json_form == ["a b", "/dst/"]
    assert one('ENTRYPOINT ["x", 1]').json_form is None  # not all strings: shell form


@pytest.mark.parametrize(
    "text, words",
    [
        ("FROM scratch\nFOO bar\n", ["unknown instruction FOO", "line 2", "HEALTHCHECK"]),
        ("FROM scratch\nCOPY <<EOF /x\nhi\nEOF\n", ["heredoc", "line 2"]),
        ("", ["empty"]),
        ("# only a comment\n\n", ["empty"]),
        ("ARG A=1\n", ["no FROM"]),
        ("RUN echo\nFROM scratch\n", ["RUN before the first FROM", "line 1"]),
        ("FROM scratch\nCOPY --chwon=1 a b\n", ["unknown flag --chwon"]),
        ("FROM scratch\nCOPY --from a b\n", ["missing a value"]),
        ("FROM scratch\nSHELL sh -c\n", ["JSON form"]),
        ("FROM scratch\nONBUILD FROM x\n", ["FROM isn't allowed"]),
        ("FROM scratch\nRUN\n", ["RUN requires at least one argument"]),
        ("FROM a b\n", ["one or three arguments"]),
        ("FROM a AS x\nFROM b AS X\n", ["duplicate stage name"]),
    ],
)
def test_errors(text, words):
    with pytest.raises(DockerfileError) as info:
        split_stages(parse_dockerfile(text))
    assert isinstance(info.value, LayerlabError)
    for w in words:
        assert w in str(info.value)


def test_unknown_instruction_error_lists_the_supported_ones():
    with pytest.raises(DockerfileError) as info:
        parse_dockerfile("FROM scratch\n\nCOPPY a b")
    assert info.value.line == 3
    assert " ".join(SUPPORTED) in str(info.value)


# -- stages ---------------------------------------------------------------------------


def test_stages_and_global_args():
    text = (
        "ARG BASE=alpine\nARG TAG\nFROM ${BASE}:${TAG:-3.20} AS Build\nRUN make\n"
        "FROM scratch\nCOPY --from=build /out /out\n"
    )
    stages = split_stages(parse_dockerfile(text))
    assert [(s.base, s.name, s.index, len(s.instructions)) for s in stages] == [
        ("alpine:3.20", "build", 0, 1),
        ("scratch", None, 1, 1),
    ]
    assert stages[0].meta_args == {"BASE": "alpine", "TAG": None}
    again = split_stages(parse_dockerfile(text), build_args={"TAG": "3.19"})
    assert again[0].base == "alpine:3.19"


# -- substitution ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, want",
    [
        ("$A", "1"),
        ("${A}x", "1x"),
        ("$Ax", ""),
        ("${UNSET:-def}", "def"),
        ("${EMPTY:-def}", "def"),
        ("${EMPTY-def}", ""),
        ("${A:-def}", "1"),
        ("${A:+alt}", "alt"),
        ("${UNSET:+alt}", ""),
        ("${UNSET:-$A and ${A}}", "1 and 1"),
        ("\\$A", "$A"),
        ('"$A b"', "1 b"),
        ("'$A b'", "$A b"),
        ('"\\"q\\""', '"q"'),
        ("a\\ b", "a b"),
        ("$", "$"),
        ("cost $5", "cost "),
        ("/path/$A/x", "/path/1/x"),
    ],
)
def test_expand(text, want):
    assert expand(text, {"A": "1", "EMPTY": ""}) == want


def test_expand_words_and_errors():
    assert expand_words('a "b c" $A', {"A": "d e"}) == ["a", "b c", "d", "e"]
    with pytest.raises(DockerfileError):
        expand("'open", {})
    with pytest.raises(DockerfileError):
        expand("${A", {"A": "1"})


def test_parse_env_pairs():
    assert parse_env_pairs('K=V K2="v 2" K3=a\\ b') == [("K", "V"), ("K2", "v 2"), ("K3", "a b")]
    assert parse_env_pairs("K the rest  of it") == [("K", "the rest  of it")]
    assert parse_env_pairs("A=1 B=$A", {"A": "old"}) == [("A", "1"), ("B", "old")]
    assert parse_env_pairs("NAME NAME2=x", keyword="ARG") == [("NAME", None), ("NAME2", "x")]
    with pytest.raises(DockerfileError):
        parse_env_pairs("K=V oops")
    with pytest.raises(DockerfileError):
        parse_env_pairs("K")


# -- history text (unit; the engine test below checks it against BuildKit) ------------


def test_history_text_examples():
    assert history_text(one("RUN apt-get update")) == "RUN /bin/sh -c apt-get update # buildkit"
    assert (
        history_text(one("RUN echo $V"), build_args=[("V", "1"), ("N", "")])
        == "RUN |2 V=1 N= /bin/sh -c echo $V # buildkit"
    )
    assert history_text(one('RUN ["a", "b c"]')) == "RUN a b c # buildkit"
    assert history_text(one("COPY --chown=1 . /opt/source-code")) == "COPY . /opt/source-code # buildkit"
    assert history_text(one("COPY $D /x"), env={"D": "src"}) == "COPY src /x # buildkit"
    assert (
        history_text(one("ENTRYPOINT FLASK_APP=/opt/source-code/app.py flask run"))
        == 'ENTRYPOINT ["/bin/sh" "-c" "FLASK_APP=/opt/source-code/app.py flask run"]'
    )
    assert history_text(one('CMD ["x"]')) == 'CMD ["x"]'
    assert history_text(one("WORKDIR sub"), workdir="/app") == "WORKDIR /app/sub"
    assert history_text(one('ENV K=V B="x y"')) == "ENV K=V B=x y"
    assert history_text(one("EXPOSE 80 53/UDP 8000-8001")) == "EXPOSE map[53/udp:{} 80/tcp:{} 8000/tcp:{} 8001/tcp:{}]"
    assert history_text(one("VOLUME /a /b")) == "VOLUME [/a /b]"
    assert history_text(one('SHELL ["bash", "-c"]')) == "SHELL [bash -c]"
    assert history_text(one("ONBUILD RUN x")) is None
    assert (
        history_text(one("HEALTHCHECK --interval=90s --retries=3 CMD curl -f x"))
        == 'HEALTHCHECK &{["CMD-SHELL" "curl -f x"] "1m30s" "0s" "0s" \'\\x03\'}'
    )


# What Engine 28.5 (BuildKit 0.25) wrote for these instructions: `docker history --no-trunc
# --format '{{.CreatedBy}}'` of images built on it, with the classic and the containerd store
# alike (the same rows on both).
def test_history_text_of_buildkit_0_25():
    new = {"buildkit": BUILDKIT_0_25}
    # COPY --chmod=644 --chown=5 a.txt /c1/  ->  flags shown, --chown first
    assert history_text(one("COPY --chmod=644 --chown=5 a.txt /c1/"), **new) == "COPY --chown=5 --chmod=644 a.txt /c1/ # buildkit"
    assert history_text(one("ADD --chown=2:3 b.txt /c7/"), **new) == "ADD --chown=2:3 b.txt /c7/ # buildkit"
    # --link, --from and --keep-git-dir are never shown
    assert history_text(one("COPY --link --chown=7 a.txt /c5/"), **new) == "COPY --chown=7 a.txt /c5/ # buildkit"
    assert history_text(one("COPY --from=base --chown=1 /bin/busybox /c6/bb"), **new) == (
        "COPY --chown=1 /bin/busybox /c6/bb # buildkit")
    # EXPOSE 80 443/udp 8000-8001/tcp  ->  EXPOSE [443/udp 80/tcp 8000/tcp 8001/tcp]
    assert history_text(one("EXPOSE 80 443/udp 8000-8001/tcp"), **new) == "EXPOSE [443/udp 80/tcp 8000/tcp 8001/tcp]"
    # HEALTHCHECK --interval=5s --start-interval=2s CMD true: the start interval comes fourth
    assert history_text(one("HEALTHCHECK --interval=5s --start-interval=2s CMD true"), **new) == (
        'HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" "2s" \'\\x00\'}')
    assert history_text(one("HEALTHCHECK NONE"), **new) == 'HEALTHCHECK &{["NONE"] "0s" "0s" "0s" "0s" \'\\x00\'}'
    # ARG shows the value in effect: --build-arg VERSION=2.0 over the default; a global ARG
    given = {"VERSION": "2.0", "NODEFAULT": "nd"}
    meta = {"BASE": "scratch"}
    shown = [history_text(one(f"ARG {a}"), build_arg_values=given, meta_args=meta, **new)
             for a in ("BASE", "VERSION=1.0", "NODEFAULT", "UNSET")]
    assert shown == ["ARG BASE=scratch", "ARG VERSION=2.0", "ARG NODEFAULT=nd", "ARG UNSET"]
    # BuildKit 0.8 (Engine 20.10) wrote the ARG as it stands, and no COPY flags
    assert history_text(one("ARG BASE"), meta_args=meta, buildkit=BUILDKIT_0_8) == "ARG BASE"


def test_makes_layer():
    assert makes_layer(one("RUN x")) and makes_layer(one("COPY a b"))
    assert makes_layer(one("WORKDIR /app")) and not makes_layer(one("WORKDIR /"))
    assert not makes_layer(one("ENV A=1")) and not makes_layer(one('CMD ["x"]'))


def test_small_helpers():
    assert resolve_workdir("b/../c", "/a") == "/a/c"
    assert run_build_args([("A", "1"), ("B", None), ("C", "x")], {"C": "env"}) == [("A", "1"), ("B", ""), ("C", "env")]
    assert [go_duration(n) for n in (0, 5 * 10**9, 90 * 10**9, 3600 * 10**9, 1_500_000_000, 500_000_000)] == [
        "0s", "5s", "1m30s", "1h0m0s", "1.5s", "500ms",
    ]


# -- against a real engine ------------------------------------------------------------

ENGINE_DOCKERFILE = """\
ARG BASE=scratch
FROM ${BASE} AS build
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN echo built > /built.txt

FROM scratch
COPY --from=build /bin/busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ARG VERSION=1.0
ARG NODEFAULT
ARG BASE
ENV PATH=/bin APP=/app GREETING="hello world"
ENV LEGACY legacy value
ENV DERIVED=${APP}/data VERSION=2.0
RUN echo "$GREETING" > /greeting \\
    && echo $VERSION
RUN ["/bin/sh", "-c", "echo exec form"]
COPY hello.txt /dst/
COPY --chown=1:2 --chmod=600 hello.txt config.ini /owned/
COPY --from=build /built.txt $APP/
ADD hello.txt /added/
ADD tree /addedtree
COPY tree/ ${APP}/tree/
WORKDIR /
WORKDIR $APP
WORKDIR sub
LABEL org.layerlab.k=v "other key"="v 2" derived=$DERIVED
EXPOSE 80 443/udp 8000-8001/tcp
USER 1000:1000
VOLUME /data ${APP}/logs
VOLUME ["/json"]
SHELL ["/bin/sh", "-e", "-c"]
RUN echo shell
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --retries=3 CMD wget -q localhost || exit 1
MAINTAINER someone@example.com
ONBUILD RUN echo onbuild
ENTRYPOINT ["/bin/sh", "-c"]
CMD echo shell cmd
"""


def predicted_history(text: str, buildkit=BUILDKIT_0_8) -> list[tuple[str, bool]]:
    """(created_by, makes a layer) for the last stage, walking it as BuildKit does."""
    stages = split_stages(parse_dockerfile(text))
    stage = stages[-1]
    env: dict[str, str] = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    args: dict[str, str] = {}  # ARG values visible to substitution
    declared: list[tuple[str, str | None]] = []
    shell, workdir = DEFAULT_SHELL, "/"
    rows = []
    for ins in stage.instructions:
        scope = {**args, **env}
        text_ = history_text(
            ins, shell=shell, env=scope, build_args=run_build_args(declared, env), workdir=workdir,
            buildkit=buildkit, meta_args=stage.meta_args,
        )
        if text_ is not None:
            rows.append((text_, makes_layer(ins, workdir=workdir, env=scope)))
        if ins.keyword == "ENV":
            env.update(parse_env_pairs(ins.args, scope))  # type: ignore[arg-type]
        elif ins.keyword == "ARG":
            for k, v in parse_env_pairs(ins.args, scope, keyword="ARG"):
                v = v if v is not None else stage.meta_args.get(k)
                declared.append((k, v))
                if v is not None:
                    args[k] = v
        elif ins.keyword == "SHELL":
            shell = tuple(ins.json_form or ())
        elif ins.keyword == "WORKDIR":
            workdir = resolve_workdir(expand(ins.args, scope), workdir)
    return rows


def _config_history(tar_path: Path) -> list[dict]:
    with tarfile.open(tar_path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        config = json.load(tar.extractfile(manifest[0]["Config"]))  # type: ignore[arg-type]
    return config["history"]


@pytest.mark.engine
def test_history_text_matches_buildkit(engine, tmp_path):
    from engine_support import SAMPLE_FILES, busybox_context

    context = busybox_context(tmp_path / "ctx", ENGINE_DOCKERFILE, SAMPLE_FILES)
    tag = "layerlab-test/history:1"
    engine.build(context, tag)
    engine.save([tag], tmp_path / "image.tar")
    real = [
        (h["created_by"], not h.get("empty_layer", False))
        for h in _config_history(tmp_path / "image.tar")
    ]
    assert real == predicted_history(ENGINE_DOCKERFILE, engine.profile().buildkit)
