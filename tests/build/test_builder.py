"""The builder in the model: what makes layers, BuildKit's cache rules, atomic failure."""

from __future__ import annotations

import pytest

from layerlab import File
from layerlab.build.builder import BuildError
from layerlab.build.context import BuildContext, ContextError
from layerlab.build.dockerfile import DockerfileError
from layerlab.engine.host import Host, HostError
from layerlab.model.errors import LayerlabError
from layerlab.shell import UnsupportedCommand

COURSE = """FROM ubuntu:16.04
RUN apt-get update && apt-get install -y python
RUN pip install flask
COPY . /opt/source-code
ENTRYPOINT FLASK_APP=/opt/source-code/app.py flask run
"""


def ctx(dockerfile: str, **files: bytes | str | File) -> BuildContext:
    return BuildContext.from_files({"Dockerfile": dockerfile, **files})


def test_the_course_example_has_the_classic_sizes():
    host = Host()
    result = host.build(ctx(COURSE, **{"app.py": "print('hi')\n"}), "my-app")
    sizes = [
        (h.created_by.split()[0], layer.size if layer else 0) for h, layer in result.image.steps()
    ][-4:]
    (run_apt, apt), (run_pip, pip), (copy, source), (entrypoint, zero) = sizes
    assert (run_apt, run_pip, copy, entrypoint) == ("RUN", "RUN", "COPY", "ENTRYPOINT")
    assert 280e6 < apt < 320e6 and 5e6 < pip < 8e6 and source < 1000 and zero == 0
    base = result.image.layers[0].size
    assert 110e6 < base < 130e6


def test_a_second_app_shares_the_first_three_steps():
    host = Host(engine="20.10")  # system df in file bytes: the classic store
    one = host.build(ctx(COURSE, **{"app.py": "print(1)\n"}), "one")
    two = host.build(ctx(COURSE, **{"app.py": "print(2)\n", "extra.txt": "x"}), "two")
    assert one.image.chain_ids[:-1] == two.image.chain_ids[:-1]
    assert one.image.chain_ids[-1] != two.image.chain_ids[-1]
    assert [s.cached for s in two.steps[1:]] == [True, True, False]
    df = host.system_df()
    assert df.images.size < one.image.size + two.image.size
    for item in df.per_image:
        assert item.unique < 1000


def test_only_filesystem_steps_make_layers():
    image = (
        Host()
        .build(
            ctx(
                """FROM alpine
ENV A=1
LABEL x=y
RUN echo hi > /hi
EXPOSE 80
WORKDIR /app
USER 1000
COPY f /app/f
CMD ["sh"]
""",
                f="data",
            )
        )
        .image
    )
    made = {h.created_by.split()[0]: layer is not None for h, layer in image.steps()[-8:]}
    assert made == {
        "ENV": False,
        "LABEL": False,
        "RUN": True,
        "EXPOSE": False,
        "WORKDIR": True,
        "USER": False,
        "COPY": True,
        "CMD": False,
    }
    assert (
        image.config["config"]["WorkingDir"] == "/app" and image.config["config"]["User"] == "1000"
    )


def test_copy_cache_ignores_mtime_but_not_mode():
    host = Host()
    dockerfile = "FROM alpine\nCOPY tool.sh /tool.sh\nRUN echo after > /after\n"
    host.build(ctx(dockerfile, **{"tool.sh": File(content=b"echo\n", mode=0o644, mtime=1)}), "t:1")
    touched = host.build(
        ctx(dockerfile, **{"tool.sh": File(content=b"echo\n", mode=0o644, mtime=999)}), "t:2"
    )
    assert [s.cached for s in touched.steps[1:]] == [True, True]
    chmodded = host.build(
        ctx(dockerfile, **{"tool.sh": File(content=b"echo\n", mode=0o755, mtime=1)}), "t:3"
    )
    assert [s.cached for s in chmodded.steps[1:]] == [False, False]


def test_run_cache_looks_at_the_text_not_the_files_and_a_miss_cascades():
    host = Host()
    host.build(ctx("FROM alpine\nRUN echo a > /a\nRUN echo b > /b\nRUN echo c > /c\n"), "r:1")
    again = host.build(
        ctx("FROM alpine\nRUN echo a > /a\nRUN echo B > /b\nRUN echo c > /c\n"), "r:2"
    )
    assert [s.cached for s in again.steps[1:]] == [True, False, False]


@pytest.mark.parametrize("engine", ["20.10", "28", "28-containerd"])
def test_no_cache_runs_run_and_copy_again_but_workdir_stays_cached(engine: str):
    """scenarios/found/28-workdir-no-cache: with --no-cache every engine showed the WORKDIR
    steps CACHED (BuildKit's frontend gives WORKDIR's mkdir no IgnoreCache)."""
    host = Host(engine=engine)
    text = "FROM alpine\nWORKDIR /data/w\nCOPY a /a\nRUN echo x > /x\nWORKDIR /work\n"
    host.build(ctx(text, a="a"), "n:1")
    again = host.build(ctx(text, a="a"), "n:2", no_cache=True)
    assert [(s.text.split()[0], s.cached) for s in again.steps[1:]] == [
        ("WORKDIR", True), ("COPY", False), ("RUN", False), ("WORKDIR", True)]


def test_a_from_image_is_keyed_by_its_layers_not_its_config():
    """The found case's fz-c:1, a commit that added no layer to fz-a:1: a WORKDIR on it was
    CACHED from the same WORKDIR on fz-a:1 (BuildKit keys an image source by its chain id)."""
    host = Host(engine="28")
    host.build(ctx("FROM alpine\nCOPY a /a\n", a="a"), "base:1")
    host.build(ctx("FROM base:1\nWORKDIR /data/w\n"), "one:1")
    host.run("base:1", ["true"], name="c")
    host.commit("c", "base:2")  # no change in the container: no new layer, a new config
    assert host.image_id("base:2") != host.image_id("base:1")
    again = host.build(ctx("FROM base:2\nWORKDIR /data/w\n"), "two:1")
    assert [s.cached for s in again.steps[1:]] == [True]


def test_build_args_are_part_of_run_keys():
    host = Host()
    dockerfile = "FROM alpine\nARG V=1\nRUN echo prep > /p\nRUN echo $V > /v\n"
    host.build(ctx(dockerfile), "a:1")
    same = host.build(ctx(dockerfile), "a:2", build_args={"V": "1"})
    other = host.build(ctx(dockerfile), "a:3", build_args={"V": "2"})
    assert [s.cached for s in same.steps[1:]] == [True, True]
    assert [s.cached for s in other.steps[1:]] == [False, False]
    assert host.image("a:3").rootfs().read("v") == b"2\n"


def test_multi_stage_copies_only_what_it_names():
    image = (
        Host()
        .build(
            ctx("""FROM alpine AS build
RUN mkdir /out && echo tool > /out/tool && dd if=/dev/zero of=/junk bs=1M count=2
FROM alpine
COPY --from=build /out/tool /usr/local/bin/tool
""")
        )
        .image
    )
    tree = image.rootfs()
    assert tree.read("usr/local/bin/tool") == b"tool\n" and "junk" not in tree
    assert image.layers[-1].size == 5


def test_dockerignore_keeps_files_out_of_copy():
    image = (
        Host()
        .build(
            ctx(
                "FROM alpine\nCOPY . /app/\n",
                **{".dockerignore": "*.log\n", "a.txt": "a", "b.log": "b"},
            )
        )
        .image
    )
    assert sorted(image.layers[-1].entries) == [
        "app",
        "app/.dockerignore",
        "app/Dockerfile",
        "app/a.txt",
    ]


def test_copy_chown_and_chmod_set_owner_and_mode():
    image = (
        Host()
        .build(
            ctx("FROM alpine\nCOPY --chown=33:33 --chmod=640 s.txt /etc/s.txt\n", **{"s.txt": "s"})
        )
        .image
    )
    entry = image.layers[-1].entries["etc/s.txt"]
    assert (entry.uid, entry.gid, entry.mode) == (33, 33, 0o640)


@pytest.mark.parametrize(
    "dockerfile, files, error, text",
    [
        ("FROM alpine\nFROBNICATE x\n", {}, DockerfileError, "line 2"),
        ("FROM alpine\nRUN echo ok\nRUN make all\n", {}, UnsupportedCommand, "line 3"),
        ("FROM alpine\nCOPY missing.txt /x\n", {}, ContextError, "line 2"),
        ("FROM no-such-image:9\nRUN true\n", {}, HostError, "no-such-image"),
        ("FROM alpine\nRUN mkdir /a && mkdir /a\n", {}, BuildError, "line 2"),
    ],
    ids=[
        "unknown-instruction",
        "unsupported-command",
        "missing-copy-source",
        "missing-base",
        "failing-command",
    ],
)
def test_a_failed_build_says_what_and_where_and_changes_nothing(dockerfile, files, error, text):
    host = Host()
    host.build(ctx("FROM alpine\nRUN echo before > /b\n"), "keep:1")
    before = (dict(host.tags), set(host.images), dict(host.build_cache.layers))
    with pytest.raises(error, match=text) as info:
        host.build(ctx(dockerfile, **files), "broken:1")
    assert isinstance(info.value, LayerlabError)
    assert (dict(host.tags), set(host.images), dict(host.build_cache.layers)) == before


def test_unsupported_command_lists_what_is_supported():
    with pytest.raises(UnsupportedCommand) as info:
        Host().build(ctx("FROM alpine\nRUN systemctl enable nginx\n"))
    message = str(info.value)
    assert (
        "systemctl" in message
        and "line 2" in message
        and "mkdir" in message
        and "apt-get" in message
    )


def test_editing_the_last_step_reuses_every_expensive_step():
    host = Host()
    host.build(ctx(COURSE, **{"app.py": "print(1)\n"}), "app")
    edited = COURSE.replace("ENTRYPOINT FLASK_APP", "ENTRYPOINT FLASK_DEBUG=1 FLASK_APP")
    result = host.build(ctx(edited, **{"app.py": "print(1)\n"}), "app")
    # COPY . sends the Dockerfile too, so editing it busts that COPY, as on a real engine
    assert [s.cached for s in result.steps[1:]] == [True, True, False]


def test_add_unpacks_a_local_tar_and_copies_other_files():
    import gzip
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("pkg/bin/tool")
        info.size, info.mode = 4, 0o755
        tar.addfile(info, io.BytesIO(b"tool"))
    image = (
        Host()
        .build(
            ctx(
                "FROM alpine\nADD vendor.tgz /opt/\nADD notes.txt /opt/\n",
                **{"vendor.tgz": gzip.compress(buf.getvalue()), "notes.txt": "n"},
            )
        )
        .image
    )
    tree = image.rootfs()
    assert tree.read("opt/pkg/bin/tool") == b"tool" and tree["opt/pkg/bin/tool"].mode == 0o755
    assert tree.read("opt/notes.txt") == b"n" and "opt/vendor.tgz" not in tree


def test_add_from_a_url_explains_there_is_no_network():
    with pytest.raises(BuildError, match="line 2.*network"):
        Host().build(ctx("FROM alpine\nADD https://example.com/x.tgz /opt/\n"))


def _step_labels(log: str) -> list[str]:
    return [
        line.split(" ", 1)[1] for line in log.splitlines() if line.startswith("#") and " [" in line
    ]


def test_log_labels_steps_as_buildkit_does():
    """Labels as Engine 20.10's BuildKit printed them for the same Dockerfiles (plain progress):
    FROM scratch is no step; a base is shown once, with its full reference; several stages
    are named (``build``, ``stage-1``)."""
    h = Host()
    scratch = h.build(ctx("FROM scratch\nCOPY a /a\nCOPY b /b\n", a="a", b="b"), "s")
    assert _step_labels(scratch.log) == ["[1/2] COPY a /a", "[2/2] COPY b /b"]
    multi = h.build(
        ctx(
            "FROM alpine AS build\nRUN echo a > /x\nRUN echo b > /y\n"
            'FROM alpine\nCOPY --from=build /x /x\nCMD ["/x"]\n'
        ),
        "m",
    )
    assert _step_labels(multi.log) == [
        "[build 1/3] FROM docker.io/library/alpine",
        "[build 2/3] RUN echo a > /x",
        "[build 3/3] RUN echo b > /y",
        "[stage-1 2/2] COPY --from=build /x /x",
    ]


def test_stages_the_final_one_does_not_use_are_not_built():
    """BuildKit builds only the stages the target needs: an unused stage neither runs (its
    unsupported command raises nothing) nor shows in the log."""
    h = Host()
    result = h.build(
        ctx(
            "FROM alpine AS unused\nRUN make everything\n"
            "FROM alpine AS tools\nRUN echo t > /t\n"
            "FROM alpine\nCOPY --from=tools /t /t\n"
        ),
        "pruned",
    )
    labels = _step_labels(result.log)
    assert not any("unused" in label or "make" in label for label in labels), labels
    assert "[tools 2/2] RUN echo t > /t" in labels
    with pytest.raises(LayerlabError, match="line 2"):  # the same stage, when it is the target
        h.build(ctx("FROM alpine AS unused\nRUN make everything\n"), "fails")


def test_the_build_log_ends_as_each_image_stores_exporter_prints_it():
    """Engine 28.5 plain progress: the classic store's exporter writes the config (writing
    image); the containerd store's exports manifest, config, attestation manifest and the
    manifest list, whose digest is the image id, then names and unpacks it."""
    files = {"a": "a"}
    classic = Host(engine="28").build(ctx("FROM scratch\nCOPY a /a\n", **files), "logdemo:1")
    assert classic.log.splitlines()[-2:] == [f"writing image {classic.image.image_id}",
                                             "naming to docker.io/library/logdemo:1"]
    host = Host(engine="28-containerd")
    built = host.build(ctx("FROM scratch\nCOPY a /a\n", **files), "logdemo:1")
    verbs = [line.rsplit(" ", 1)[0] for line in built.log.splitlines()[-6:]]
    assert verbs == ["exporting manifest", "exporting config", "exporting attestation manifest",
                     "exporting manifest list", "naming to", "unpacking to"]
    assert built.log.splitlines()[-3] == f"exporting manifest list {host.image_id('logdemo:1')}"
    assert built.log.splitlines()[-1] == "unpacking to docker.io/library/logdemo:1"


@pytest.mark.parametrize(("engine", "shown"), [("20.10", 3), ("28", 5)])
def test_copies_of_the_same_files_from_two_stages_are_merged_by_buildkit_0_8_only(engine: str, shown: int):
    """scenarios/found/20.10-copy-from-twins: s1 and s2 each copy the same file, out of s0 and
    s1, onto the same base. Engine 20.10 logged 3 steps (the twins merged), Engine 28.5 all 5,
    none CACHED; a copy --from keys by the files, so a rebuild of the same files hits."""
    host = Host(engine=engine)
    host.build(ctx("FROM alpine\nCOPY a /a\n", a="a"), "base:1")
    text = ("FROM base:1 AS s0\nCOPY b /b\n"
            "FROM base:1 AS s1\nCOPY --from=s0 /a /from/a\nCOPY b /c\n"
            "FROM base:1 AS s2\nCOPY --from=s1 /a /from/a\nCOPY b /c\n")
    built = host.build(ctx(text, b="b"), "twins:1")
    steps = [s for s in built.steps if not s.text.startswith("FROM")]
    assert len(steps) == shown and not any(s.cached for s in steps)
    again = host.build(ctx(text.replace("COPY b /b", "COPY b /b2"), b="b"), "twins:2")
    copied = [s for s in again.steps if s.text.startswith("COPY --from=s0")]
    assert copied[0].cached  # s0 changed, the file it gives did not


FAILS_IN_S1 = (
    "FROM alpine AS s1\nRUN mkdir /a && mkdir /a\n"
    "FROM alpine\nCOPY a.txt /ctx/\nCOPY --from=s1 /a /b\n"
)


def test_a_failed_build_on_the_containerd_store_keeps_its_sources_and_the_steps_that_finished():
    """Engine 28.5, containerd store: a build that fails keeps BuildKit's local sources (the
    Dockerfile, .dockerignore, and the context when a stage it runs copies from it) and the
    snapshots of the steps that finished: those of the other stages that need nothing from
    the failing one and run no command of their own (found case 28-containerd-stage-df-size)."""
    from layerlab.engine.sizes import buildkit_snapshots

    host = Host(engine="28-containerd")
    files = {".dockerignore": "**/*.bin\n", "a.txt": "a" * 999}
    before = sum(buildkit_snapshots(host.build_cache))
    with pytest.raises(BuildError, match="line 2"):
        host.build(ctx(FAILS_IN_S1, **files), "broken:1")
    assert [sorted(kept) for kept in host.build_cache.sources.values()] == [["context", "dockerfile", "dockerignore"]]
    kept = [layer for layer in host.build_cache.layers.values() if layer is not None]
    assert [sorted(layer.entries) for layer in kept] == [["ctx", "ctx/a.txt"]]
    # each source: its root and one file block; the COPY step: the root, ctx/ and a.txt
    assert sum(buildkit_snapshots(host.build_cache)) - before == 3 * 2 * 4096 + 3 * 4096

    target = Host(engine="28-containerd")  # --target s1: nothing copies from the context, no step finished
    with pytest.raises(BuildError, match="line 2"):
        target.build(ctx(FAILS_IN_S1, **files), "broken:1", target="s1")
    assert [sorted(kept) for kept in target.build_cache.sources.values()] == [["dockerfile", "dockerignore"]]
    assert not target.build_cache.layers
    assert sum(buildkit_snapshots(target.build_cache)) == 2 * 2 * 4096


@pytest.mark.parametrize("engine", ["20.10", "28"])
def test_a_failed_build_on_the_classic_store_leaves_the_build_cache_as_it_was(engine: str):
    host = Host(engine=engine)
    with pytest.raises(BuildError, match="line 2"):
        host.build(ctx(FAILS_IN_S1, **{"a.txt": "a"}), "broken:1")
    assert not host.build_cache.layers and not host.build_cache.sources


def test_the_context_snapshot_holds_only_what_the_stages_the_build_runs_copy():
    """Engine 28.5, containerd store: BuildKit reads from the context only the paths the
    stages it runs name, so ``--target`` of a stage that copies nothing keeps no context
    snapshot (a build of the last stage keeps ``a.txt`` in it)."""
    dockerfile = "FROM alpine AS s0\nRUN echo s0 > /s0\nFROM alpine\nCOPY a.txt /ctx/\n"
    host = Host(engine="28-containerd")
    host.build(ctx(dockerfile, **{"a.txt": "a"}), "s0:1", target="s0")
    assert [sorted(kept) for kept in host.build_cache.sources.values()] == [["dockerfile", "dockerignore"]]
    host.build(ctx(dockerfile, **{"a.txt": "a"}), "last:1")
    [kept] = host.build_cache.sources.values()
    assert sorted(kept["context"].entries) == ["a.txt"]
