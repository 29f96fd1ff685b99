"""Logs, prunes, daemon.json and restarts on the simulated host, against what engines printed.

Expected values are engine outputs (Engine 20.10.24, 28.5.2 classic and 28.5.2 with the
containerd image store, captured for issue 18: ``docker ... prune`` prompts and results,
log file sizes, ``docker inspect`` LogConfig) or moby's source where no engine here can
show it (a kernel with redirect_dir on); never the model's own output.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from layerlab.build.context import BuildContext
from layerlab.course.container_examples import cow_image
from layerlab.engine.daemon_config import DaemonConfig
from layerlab.engine.errors import HostError
from layerlab.engine.host import Host
from layerlab.engine.logs import ContainerLog, LogConfig, normalised_json_size, records_of
from layerlab.engine.prune import warning
from layerlab.model.kernel_options import KernelOverlay

#: What the engines' test container printed: 20,000 lines (the audit's c-logs, c-rot, c-local).
PRINTED = "".join(f"log line {i}: the application prints this to stdout\n" for i in range(20000))
START = 1_765_000_000 * 10**9


def written(config: LogConfig, *, unlink: bool = True) -> ContainerLog:
    log = ContainerLog("c" * 64, config, unlink_lone_rotation=unlink)
    log.write(records_of(PRINTED, "", START))
    return log


# -- logs -----------------------------------------------------------------------------------


def test_the_local_driver_file_is_byte_for_byte_the_engines_size() -> None:
    # containers/<id>/local-logs/container.log: 1608890 bytes on all three engines
    assert written(LogConfig("local")).sizes() == {"local-logs/container.log": 1_608_890}


def test_a_json_file_log_differs_from_the_engines_only_by_its_times() -> None:
    """The engines' files (2,466,749 / 2,466,626 / 2,466,702 bytes) write RFC 3339 times
    without trailing zeros: 30 characters, 29 one time in ten, 28 one in a hundred... The
    model writes 30 every time; its file minus the expected shortening is within noise."""
    log = written(LogConfig())
    [(name, size)] = log.sizes().items()
    assert name == "c" * 64 + "-json.log"
    assert normalised_json_size(log.files[0].data("json-file")) == size
    expected_engine = size - 20000 * sum(0.9 * 0.1**k * k for k in range(1, 10)) / 0.9 * 0.9  # ~0.111 a time
    for engine_bytes in (2_466_749, 2_466_626, 2_466_702):
        assert abs(engine_bytes - expected_engine) < 500


def test_rotation_keeps_max_file_files_and_docker_logs_reads_only_those() -> None:
    """--log-opt max-size=100k --log-opt max-file=2: <id>-json.log (65,045 bytes) and .1
    (100,099) on 20.10; docker logs returned 1,333 lines (1,332 on 28): a full file is
    rotated once it has reached 100,000 bytes (decimal k), the oldest are gone."""
    log = written(LogConfig("json-file", {"max-size": "100k", "max-file": "2"}))
    sizes = log.sizes()
    assert list(sizes) == ["c" * 64 + "-json.log.1", "c" * 64 + "-json.log"]
    assert 100_000 <= sizes["c" * 64 + "-json.log.1"] < 100_000 + 130  # one record more at most
    assert sizes["c" * 64 + "-json.log"] < 100_000
    lines = log.read()
    assert abs(len(lines) - 1333) <= 20  # the engines rotate a record or two earlier (shorter times)
    assert [r.text for r in log.read(tail=2)] == [  # docker logs --tail 2 c-rot
        "log line 19998: the application prints this to stdout",
        "log line 19999: the application prints this to stdout",
    ]


def test_max_file_1_keeps_a_dot_1_on_20_10_and_not_on_28() -> None:
    # moby v20.10.24 logfile.go renames the full file to .1 even with max-file 1; 28.5.2 unlinks it
    options = LogConfig("json-file", {"max-size": "100k"})
    assert len(written(options, unlink=False).sizes()) == 2
    assert len(written(options, unlink=True).sizes()) == 1


def test_docker_run_log_options_and_inspect() -> None:
    host = Host(engine="20.10", seed=1)
    host.add(cow_image(), "lab:1")
    host.run("lab:1", ["true"], name="c-rot", log_opts={"max-size": "100k", "max-file": "2"})
    host.run("lab:1", ["true"], name="c-local", log_driver="local")
    # docker inspect -f '{{json .HostConfig.LogConfig}}' and LogPath (empty for local, on purpose)
    assert host.container_log("c-rot").config.inspect() == {"Type": "json-file",
                                                            "Config": {"max-file": "2", "max-size": "100k"}}
    assert host.container_log("c-local").config.inspect() == {"Type": "local", "Config": {}}
    assert host.container_log("c-local").path == ""
    assert host.container_log("c-rot").path.endswith("-json.log")


def test_bad_log_options_are_refused_in_the_daemons_words() -> None:
    host = Host(engine="28", seed=1)
    host.add(cow_image(), "lab:1")
    with pytest.raises(HostError, match="unknown log opt 'max-files' for json-file log driver"):
        host.run("lab:1", ["true"], log_opts={"max-files": "2"})
    with pytest.raises(HostError, match="no log driver named 'syslogd' is registered"):
        host.run("lab:1", ["true"], log_driver="syslogd")
    with pytest.raises(HostError, match="compress cannot be true when max-file is less than 2"):
        host.run("lab:1", ["true"], log_opts={"compress": "true"})
    assert not host.containers  # nothing was created


def test_daemon_log_opts_reach_only_new_containers() -> None:
    """Engine 20.10 restarted with --log-opt max-size=50k --log-opt max-file=2: the old
    container's LogConfig stays {"Type":"json-file","Config":{}}, a new one gets both."""
    host = Host(engine="20.10", seed=1)
    host.add(cow_image(), "lab:1")
    host.run("lab:1", ["sleep", "1000"], name="c-idle", detach=True)
    host.restart(daemon={"log-opts": {"max-size": "50k", "max-file": "2"}})
    host.run("lab:1", ["true"], name="c-new")
    assert host.container_log("c-idle").config.inspect() == {"Type": "json-file", "Config": {}}
    assert host.container_log("c-new").config.inspect() == {"Type": "json-file",
                                                            "Config": {"max-file": "2", "max-size": "50k"}}


def test_daemon_json_values_must_be_strings() -> None:
    with pytest.raises(HostError, match="must be strings"):
        DaemonConfig.from_json('{"log-driver": "json-file", "log-opts": {"max-size": "10m", "max-file": 3}}')
    with pytest.raises(HostError, match="not debug"):
        DaemonConfig.from_json({"debug": True})


def test_logs_are_not_in_ps_s_and_go_with_the_container() -> None:
    """c-logs printed 2.47 MB and ps -s said 0B (virtual 2MB); c-exited wrote a 300,000
    byte file inside and said 300kB; container prune reported 300kB, logs not counted."""
    host = Host(engine="28", seed=1)
    host.add(cow_image(), "lab:1")
    host.run("lab:1", ["cat", "/etc/os-release"], name="c-logs")
    host.run("lab:1", ["sh", "-c", "truncate -s 300000 /data/file.bin"], name="c-exited")
    sizes = {r["NAMES"]: r["SIZE"].split(" ")[0] for r in host.ps_rows(all=True, size=True)}
    assert sizes == {"c-logs": "0B", "c-exited": "300kB"} and host.logs("c-logs")
    assert host.container_prune().endswith("\n\nTotal reclaimed space: 300kB")
    assert not host.containers


# -- prunes -----------------------------------------------------------------------------------

#: The CLI's questions, as Engine 28.5.2's and 20.10.24's clients printed them (echo n | ...).
WARNINGS_28 = {
    ("container", False): "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N]",
    ("image", False): "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N]",
    ("image", True): "WARNING! This will remove all images without at least one container associated to them."
                     "\nAre you sure you want to continue? [y/N]",
    ("volume", False): "WARNING! This will remove anonymous local volumes not used by at least one container."
                       "\nAre you sure you want to continue? [y/N]",
    ("volume", True): "WARNING! This will remove all local volumes not used by at least one container."
                      "\nAre you sure you want to continue? [y/N]",
    ("builder", False): "WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N]"
                        .removesuffix(" [y/N]"),
}
SYSTEM_28 = ("WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one "
             "container\n  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue? [y/N]")
SYSTEM_A_VOLUMES_28 = (
    "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n"
    "  - all anonymous volumes not used by at least one container\n  - all images without at least one container "
    "associated to them\n  - all build cache\n\nAre you sure you want to continue? [y/N]")
SYSTEM_20 = ("WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one "
             "container\n  - all dangling images\n  - all dangling build cache\n\nAre you sure you want to continue? [y/N]")
SYSTEM_A_VOLUMES_20 = (
    "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n"
    "  - all volumes not used by at least one container\n  - all images without at least one container "
    "associated to them\n  - all build cache\n\nAre you sure you want to continue? [y/N]")


def test_the_prune_questions_are_the_clis() -> None:
    profile = Host(engine="28").profile
    for (what, every), text in WARNINGS_28.items():
        assert warning(what, profile, all=every) == text
    assert warning("system", profile) == SYSTEM_28
    assert warning("system", profile, all=True, volumes=True) == SYSTEM_A_VOLUMES_28
    old = Host(engine="20.10").profile
    assert warning("volume", old) == WARNINGS_28[("volume", True)]  # 20.10: named volumes too
    assert warning("system", old) == SYSTEM_20
    assert warning("system", old, all=True, volumes=True) == SYSTEM_A_VOLUMES_20


def _volumes(engine: str) -> Host:
    host = Host(engine=engine, seed=1)
    host.add(cow_image(), "lab:1")
    host.run("lab:1", ["sh", "-c", "truncate -s 100000 /anon/z"], name="c-anon", volumes=["/anon"])
    host.rm("c-anon")
    host.run("lab:1", ["sh", "-c", "truncate -s 200000 /v/z"], rm=True, volumes=["named-unused:/v"])
    host.run("lab:1", ["sleep", "3600"], name="c-running", detach=True, volumes=["named-used:/vol"])
    return host


def test_volume_prune_removes_named_volumes_on_20_10_only() -> None:
    """20.10: the anonymous volume and named-unused, 300kB; 28 (both stores): the anonymous
    one, 100kB, then volume prune -a: named-unused, 200kB; named-used stays everywhere."""
    old = _volumes("20.10").volume_prune()
    assert old.splitlines()[2:] == ["named-unused", "", "Total reclaimed space: 300kB"]
    for engine in ("28", "28-containerd"):
        host = _volumes(engine)
        assert host.volume_prune().endswith("\n\nTotal reclaimed space: 100kB")
        assert host.volume_prune(all=True) == "Deleted Volumes:\nnamed-unused\n\nTotal reclaimed space: 200kB"
        assert sorted(host.volumes) == ["named-used"]
    with pytest.raises(HostError, match="unknown shorthand flag: 'a' in -a"):
        _volumes("20.10").volume_prune(all=True)


def test_system_prune_a_volumes_keeps_named_volumes_on_28() -> None:
    # 28: named-unused2 survived system prune -a --volumes; 20.10 deleted it
    for engine, kept in (("20.10", []), ("28", ["named-unused2"])):
        host = Host(engine=engine, seed=1)
        host.add(cow_image(), "lab:1")
        host.volume_create("named-unused2")
        host.system_prune(all=True, volumes=True)
        assert sorted(host.volumes) == kept


def test_image_prune_a_keeps_images_a_container_uses_even_stopped() -> None:
    """image prune -a removed other:1 and noop:1 (no container) and kept lab:1, whose only
    container had exited; 20.10 and 28 (classic) printed untagged:, deleted: per image."""
    host = Host(engine="28", seed=1)
    host.add(cow_image(), "lab:1")
    host.run("lab:1", ["sh", "-c", "echo x > /other"], name="c-exited")
    host.commit("c-exited", "other:1")
    lines = host.image_prune(all=True).splitlines()
    assert lines[0] == "Deleted Images:" and lines[1] == "untagged: other:1"
    assert lines[2].startswith("deleted: sha256:") and lines[-1].startswith("Total reclaimed space: ")
    assert host.find("lab:1") is not None and host.find("other:1") is None


def _base_and_app() -> Host:
    """scenario-base (FROM scratch) and app (FROM scenario-base), built on a containerd-store host."""
    host = Host(engine="28-containerd", seed=1)
    host.build(BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "a\n"}), "scenario-base")
    host.build(BuildContext.from_files({"Dockerfile": "FROM scenario-base\nCOPY b /b\n", "b": "b\n"}), "app")
    return host


def _deleted_lines_of(lines: list[str], tag: str) -> list[str]:
    start = lines.index(f"untagged: {tag}")
    rest = lines[start + 1:]
    return [x for x in itertools.takewhile(lambda x: x.startswith("deleted:"), rest)]


def test_an_image_from_used_stays_in_the_content_store_while_buildkits_lease_lasts() -> None:
    """28.5.2 containerd store (scenarios/disk/05): image prune -a right after the builds
    untagged scenario-base and printed no deleted: line for it, and freed none of its bytes."""
    host = _base_and_app()
    base = host.images[host.image_id("scenario-base")].target
    lines = host.image_prune(all=True).splitlines()
    assert _deleted_lines_of(lines, "scenario-base:latest") == []
    assert {b.digest for b in base.blobs()} <= host.held_content().keys()


def test_after_builder_prune_buildkits_records_keep_only_the_from_images_platform_blobs() -> None:
    """28.5.2 (scenarios/disk/07): after a system prune -f (its builder prune ends the lease),
    system prune -a printed one deleted: line for scenario-base, its attestation manifest;
    ``ctr content ls`` after ``docker rmi`` kept its index, manifest and config."""
    host = _base_and_app()
    base = host.images[host.image_id("scenario-base")].target
    host.builder_prune(all=False)
    lines = host.image_prune(all=True).splitlines()
    assert _deleted_lines_of(lines, "scenario-base:latest") == [f"deleted: {base.attestation[0].digest}"]
    assert {b.digest for b in base.platform_blobs()} <= host.held_content().keys()
    host.builder_prune(all=True)  # -a: every record goes, and what it held
    assert not {b.digest for b in base.blobs()} & host.held_content().keys()


def test_buildkits_lease_on_a_from_image_ends_after_five_minutes() -> None:
    """BuildKit util/imageutil/config.go: leases.WithExpiration(5*time.Minute); the engine's
    ``ctr leases ls`` showed the lease's gc.expire five minutes after its creation."""
    host = _base_and_app()
    base = host.images[host.image_id("scenario-base")].target
    host.rmi("scenario-base")
    host.now += timedelta(minutes=4)  # the builds started a second or two after now
    assert base.attestation[0].digest in host.held_content()
    host.now += timedelta(minutes=1, seconds=10)
    held = host.held_content().keys()
    assert base.attestation[0].digest not in held and base.manifest.digest in held


def test_image_prune_a_after_a_build_frees_the_images_documents_not_its_layers() -> None:
    """28.5.2 (scenarios/disk/05): prune -a of a built image reclaimed 4.744kB, its index,
    manifests, config and provenance; its layer blob stayed, BuildKit's cache holds it."""
    host = _base_and_app()
    app = host.images[host.image_id("app")].target
    host.image_prune(all=True)
    assert app.layers[-1].digest in host.held_content()
    assert app.target.digest not in host.held_content() and app.config.digest not in host.held_content()


# -- restarts -----------------------------------------------------------------------------------


def test_switching_the_image_store_hides_images_and_containers_until_switched_back() -> None:
    """28.5.2, one data root: classic (lab:1, two containers, a volume) -> containerd store:
    docker images and ps -a empty, volume ls as before; back to classic: all back."""
    host = Host(engine="28", seed=1)
    host.add(cow_image(), "lab:1")
    host.run("lab:1", ["true"], name="c-one")
    host.run("lab:1", ["sleep", "3600"], name="c-two", detach=True, volumes=["named-used:/vol"])
    host.restart(image_store="containerd")
    assert host.profile.containerd and not host.images and not host.containers
    assert sorted(host.volumes) == ["named-used"]
    assert {(h.images, h.containers) for h in host.hidden()} == {(1, 0), (0, 2)}  # still on disk
    host.restart(image_store="classic")
    assert not host.profile.containerd and host.find("lab:1") is not None
    assert sorted(c.name for c in host.containers.values()) == ["c-one", "c-two"]
    assert not host.container("c-two").running  # the restart stopped it


def test_a_new_data_root_starts_empty_and_the_containerd_store_keeps_its_images() -> None:
    classic = Host(engine="28", seed=1)
    classic.add(cow_image(), "lab:1")
    classic.volume_create("v")
    classic.restart(data_root="/mnt/docker-data")
    assert not classic.images and not classic.volumes
    store = Host(engine="28-containerd", seed=1)
    store.add(cow_image(), "lab:1")
    store.volume_create("v")
    store.restart(data_root="/mnt/docker-data")  # data-root does not move /var/lib/containerd
    assert store.find("lab:1") is not None and not store.volumes


def test_engine_20_10_has_no_containerd_store() -> None:
    with pytest.raises(Exception, match="no containerd image store"):
        Host(engine="20.10").restart(image_store="containerd")


# -- the kernel's overlay features in docker info ---------------------------------------------


def test_docker_info_reports_the_kernels_overlay_features() -> None:
    """moby overlay2/overlay.go Status(): "Using metacopy" (23.0+) and "Native Overlay
    Diff" (false once check.go finds redirect_dir on)."""
    lines = Host(engine="28").docker_info_lines()
    assert " Using metacopy: false" in lines and " Native Overlay Diff: true" in lines
    lines = Host(engine="28", kernel=KernelOverlay(metacopy=True)).docker_info_lines()
    assert " Using metacopy: true" in lines and " Native Overlay Diff: false" in lines
    lines = Host(engine="20.10", kernel=KernelOverlay(redirect_dir=True)).docker_info_lines()
    assert " Native Overlay Diff: false" in lines and not any("metacopy" in line for line in lines)
