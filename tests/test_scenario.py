"""Scenario files and the comparison logic, without an engine."""

from pathlib import Path

import pytest

from layerlab.compare.arguments import made_tags
from layerlab.compare.buildkit_log import parse_buildkit_log, read_buildkit_log
from layerlab.compare.differences import differences
from layerlab.compare.facts import Observation
from layerlab.compare.lines import SUPPORTED, ScenarioError, parse_scenario
from layerlab.compare.real_side import HANDLERS as REAL_HANDLERS
from layerlab.compare.scenario import play
from layerlab.compare.simulated import HANDLERS as SIMULATED_HANDLERS


def test_parse_scenario_skips_comments_and_refuses_other_commands():
    commands = parse_scenario("# a comment\n\ndocker build -t a:1 ctx  # trailing\ndocker images\n")
    assert [c.argv for c in commands] == [["build", "-t", "a:1", "ctx"], ["images"]]
    assert [c.number for c in commands] == [3, 4]
    with pytest.raises(ScenarioError, match="line 1"):
        parse_scenario("rm -rf /\n")


def test_buildkit_plain_log_gives_steps_and_cached_marks():
    log = """#1 [internal] load build definition from Dockerfile
#5 [2/3] RUN echo one > /one.txt
#5 CACHED
#6 [3/3] COPY a /a
#6 DONE 0.1s
#7 [build 2/2] RUN make
#7 DONE 0.0s
"""
    assert parse_buildkit_log(log) == [("RUN echo one > /one.txt", True), ("COPY a /a", False), ("RUN make", False)]


def test_differences_name_what_differs():
    mine = Observation(True, "", {"history": [("RUN x", "1B")], "size": "1B"})
    theirs = Observation(True, "", {"history": [("RUN x", "2B")], "size": "1B"})
    assert list(differences(mine, theirs)) == ["history[0]: simulator ('RUN x', '1B') != engine ('RUN x', '2B')"]
    assert list(differences(mine, mine)) == []
    failed = Observation(False, "ERROR: boom", {})
    assert "simulator succeeded, engine failed" in list(differences(mine, failed))[0]


def test_play_runs_a_scenario_on_the_simulated_host(tmp_path: Path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine\nRUN echo hi > /hi.txt\nENV A=1\n")
    scenario = tmp_path / "s.scenario"
    scenario.write_text("docker build -t app:1 app\ndocker build -t app:2 app\ndocker history app:2\n")
    out: list[str] = []
    assert play(scenario, echo=out.append)
    text = "\n".join(out)
    assert "#2 CACHED" in text
    assert "RUN /bin/sh -c echo hi > /hi.txt # buildkit" in text


def test_the_buildkit_log_is_read_once_for_stages_cached_marks_and_names():
    log = """#4 [1/2] FROM docker.io/library/base
#5 [2/2] RUN make
#5 CACHED
#6 [build 2/3] COPY . /src
#9 naming to docker.io/library/app:1
#9 naming to docker.io/library/app:1 done
"""
    read = read_buildkit_log(log)
    assert [(s.stage, s.index, s.text, s.cached) for s in read.steps] == [
        ("", 1, "FROM docker.io/library/base", False),
        ("", 2, "RUN make", True),
        ("build", 2, "COPY . /src", False),
    ]
    assert read.named == ["docker.io/library/app:1"]


def test_every_supported_verb_has_a_handler_on_both_sides():
    assert set(SIMULATED_HANDLERS) == {*SUPPORTED, "tree"}
    assert set(REAL_HANDLERS) <= set(SIMULATED_HANDLERS)  # the engine runs the others as typed, facts come later


def test_the_lines_say_which_tags_they_make(tmp_path: Path):
    commands = parse_scenario(
        "docker build -t app ctx\ndocker build ctx\ndocker tag app app:2\n"
        "docker commit -m 'a note' web web:1\ndocker commit web\ndocker images\n"
    )
    assert made_tags(commands, tmp_path) == {"app:latest", "app:2", "web:1"}


class FakeEngine:
    """Just enough of an engine for what compare does around the lines: volumes by name,
    no containers or images; ``interrupt`` is the typed line at which Ctrl-C comes."""

    def __init__(self, volumes: set[str], interrupt: list[str]) -> None:
        self.volumes = set(volumes)
        self.interrupt = interrupt
        self.calls: list[list[str]] = []

    def profile(self):  # type: ignore[no-untyped-def]
        from layerlab.engine.profile import get_profile

        return get_profile("20.10")

    def docker(self, args: list[str], *, cwd: Path | None = None):  # type: ignore[no-untyped-def]
        import subprocess

        self.calls.append(args)
        if args == self.interrupt:
            raise KeyboardInterrupt
        out = ""
        if args[:2] == ["volume", "create"]:
            self.volumes.add(args[-1])
            out = args[-1] + "\n"
        elif args[:2] == ["volume", "rm"]:
            self.volumes -= set(args[3:])
        elif args == ["volume", "ls", "-q"]:
            out = "".join(f"{v}\n" for v in sorted(self.volumes))
        return subprocess.CompletedProcess(args, 0, out, "")


def test_compare_removes_what_it_made_and_its_folder_even_after_ctrl_c(tmp_path: Path, monkeypatch):
    import tempfile

    from layerlab.compare.scenario import compare_scenario

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    scenario = tmp_path / "s.scenario"
    scenario.write_text("docker volume create made1\ndocker volume ls\n")
    engine = FakeEngine({"theirs"}, interrupt=["volume", "ls"])
    with pytest.raises(KeyboardInterrupt):
        compare_scenario(scenario, engine, echo=lambda line: None)
    assert engine.volumes == {"theirs"}  # the line's volume went, the user's stayed
    assert ["volume", "rm", "-f", "made1"] in engine.calls
    assert list((tmp_path / "tmp").iterdir()) == []  # no layerlab-real-* left behind


def test_play_on_a_profile_plays_that_engine(tmp_path: Path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
    (tmp_path / "app" / "a.txt").write_text("a\n")
    scenario = tmp_path / "s.scenario"
    scenario.write_text("docker build -t app:1 app\ndocker history app:1\n")
    sizes = {}
    for profile in ("20.10", "28-containerd"):
        out: list[str] = []
        assert play(scenario, profile=profile, echo=out.append)
        sizes[profile] = next(line for line in out if "COPY a.txt" in line and "# buildkit" in line).split()[-2]
    assert sizes["20.10"] == "2B"  # the file's bytes in the classic store
    # the containerd store: the snapshot's disk usage, its root directory and the file a 4 KiB
    # block each (Engine 28.5 shows 8.19kB for WORKDIR /app, a directory in the root, alike)
    assert sizes["28-containerd"] == "8.19kB"


def test_containerd_roots_compare_by_what_their_blobs_and_snapshots_are(tmp_path: Path):
    """Two builds of the same lines give new digests (BuildKit's provenance carries times)
    and new snapshot numbers: named after what they are, the two roots list alike."""
    from layerlab.compare.lines import CONTAINERD_ROOT
    from layerlab.compare.normalise_containerd import listing_of_containerd, normalise_containerd
    from layerlab.dataroot import DataRoot
    from layerlab.engine.host import Host

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\nCOPY b.txt /\n")
    (tmp_path / "app" / "a.txt").write_text("a\n")
    (tmp_path / "app" / "b.txt").write_text("b\n")

    def named(seed: int) -> dict:
        host = Host(engine="28-containerd", seed=seed)
        host.build(tmp_path / "app", "app:1")
        listing = listing_of_containerd(DataRoot.from_host(host).nodes, CONTAINERD_ROOT)
        return normalise_containerd(listing, {host.image_id("app:1"): "app:1"})

    first, second = named(1), named(2)
    assert first == second
    blobs = {p.rsplit("/", 1)[1] for p in first if p.startswith("io.containerd.content.v1.content/blobs/sha256/")}
    assert {"<image app:1>", "<manifest app:1>", "<config app:1>", "<layer app:1#0>", "<layer app:1#1>"} <= blobs
    assert any(b.startswith("<attestation manifest app:1") for b in blobs)
    assert not any("sha256:" in b for b in blobs)
    # BuildKit's record of the build (namespace moby_history): its provenance and its progress log
    assert {b for b in blobs if "unreferenced" in b} == {"<unreferenced document 1>", "<unreferenced blob 1>"}
