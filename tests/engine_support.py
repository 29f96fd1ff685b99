"""Pytest plugin: a real Docker Engine and a real multi-layer sample image for engine tests.

Loaded by ``tests/conftest.py`` (``pytest_plugins = ["engine_support"]``). Test modules
that need an engine set ``pytestmark = pytest.mark.engine`` and use the fixtures:

``engine``
    An :class:`layerlab.real.Engine`, once for each engine of :data:`ENGINES` (Engine 20.10,
    Engine 28 with the classic image store, Engine 28 with the containerd image store),
    so every engine test runs against each: ``test_x[28-containerd-...]``
    (``$LAYERLAB_TEST_ENGINES`` narrows the list). Which engine
    plays a profile (:func:`engine_for`): the one ``$LAYERLAB_ENGINES`` names for it
    (``20.10=/tmp/ll-20,28=/tmp/ll-28,28-containerd=/tmp/ll-28c``: ``scripts/private-dockerd``
    folders or DOCKER_HOST values; ``.ci/run`` sets it); else ``$LAYERLAB_DOCKER_HOST`` /
    ``$DOCKER_HOST`` if it answers and is that profile's engine; else, as root, a private
    daemon started with ``scripts/private-dockerd`` in a short temp dir and stopped when the
    tests move on to the next engine (the system's dockerd for 20.10, ``.engines/28`` of
    ``scripts/install-engine`` for the others), so the tests never touch a developer's own
    images. A profile no engine plays is skipped, saying how to get one;
    ``LAYERLAB_REQUIRE_ENGINE=1`` (CI) turns that skip into a failure.
    ``LAYERLAB_STORAGE_DRIVER`` picks a private classic daemon's storage driver (overlay2).

``sample_image_tar``
    :class:`SampleImage`: the image built once per session from :data:`SAMPLE_DOCKERFILE`
    and its ``docker save`` archive. It is what layerlab's archive reader, layer model and
    widgets are compared against.

``clean_slate(engine)`` removes every container, volume, image and the build cache, so
scenario tests start from nothing; ``assert_scenario_agrees(engine, path)`` runs
``layerlab compare`` on one scenario file and fails with its report unless every line agrees.

``busybox_context(dir, dockerfile, files)`` writes a FROM-scratch build context (no
registry is reachable in tests, so images start from the static busybox binary).
"""

from __future__ import annotations

import atexit
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from layerlab.compare.lines import parse_scenario
from layerlab.compare.scenario import LineReport, compare_scenario
from layerlab.engine.profile import PROFILES
from layerlab.real.clients import env_file_of
from layerlab.real.discovery import PrivateDockerd, engine_at, find_engine, named_engines
from layerlab.real.engine import Engine, EngineError, EngineUnavailable

REPO = Path(__file__).resolve().parents[1]
PRIVATE_DOCKERD = REPO / "scripts" / "private-dockerd"
#: Where ``scripts/install-engine`` puts Engine 28 (its stamp file says it is complete).
ENGINE_28 = REPO / ".engines" / "28"

#: The engines every engine test runs against, by profile name (layerlab.engine.profile);
#: ``$LAYERLAB_TEST_ENGINES`` (``28,28-containerd``) narrows them: CI runs one test process
#: per engine, side by side, as the engines share nothing.
ALL_ENGINES = ("20.10", "28", "28-containerd")
ENGINES = tuple(
    name.strip()
    for name in os.environ.get("LAYERLAB_TEST_ENGINES", ",".join(ALL_ENGINES)).split(",")
    if name.strip()
)
if not set(ENGINES) <= set(PROFILES):
    raise ValueError(
        f"LAYERLAB_TEST_ENGINES names {', '.join(sorted(set(ENGINES) - set(PROFILES)))}: "
        f"the engines are {', '.join(ALL_ENGINES)}"
    )

NO_ENGINE = (
    "no Docker Engine: set DOCKER_HOST or run as root with dockerd installed "
    "(apt-get install docker.io)"
)
NO_ENGINE_FOR = (
    "no {what} here: name one in LAYERLAB_ENGINES ({name}=DIR-of-private-dockerd or "
    "{name}=unix:///...sock){hint}"
)
NO_ENGINE_28 = "; or, as root, run scripts/install-engine (Engine 28 into .engines/28)"
NO_BUSYBOX = "no static busybox: apt-get install busybox-static (or set LAYERLAB_BUSYBOX)"

SAMPLE_TAG = "layerlab-test/sample:1"

#: What ``/app/hello.txt`` holds in the sample image (``docker run`` prints it by default).
SAMPLE_HELLO = "hello from layerlab\n"

#: Build context files besides ``busybox`` and the Dockerfile.
SAMPLE_FILES: dict[str, bytes | str] = {
    "hello.txt": SAMPLE_HELLO,
    "config.ini": "[layerlab]\nversion = 1\n",
    "tree/a.txt": "a\n",
    "tree/sub/b.txt": "b\n",
    "tree/sub/deeper/c.bin": bytes(range(256)) * 16,
}

#: One step per thing an image layer can do; the comments say what each layer tar holds.
SAMPLE_DOCKERFILE = """\
FROM scratch
# layer: /bin/busybox
COPY busybox /bin/busybox
# layer: /bin/* symlinks to busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV LAYERLAB_SAMPLE=1 PATH=/bin
# layer: empty dir /app (WORKDIR creates it)
WORKDIR /app
# layer: added files
COPY hello.txt config.ini ./
# layer: an added directory tree
COPY tree/ /app/tree/
# layer: files and directories that later layers change
RUN mkdir -p /data/old/inner /data/keep /cache/sub \\
 && echo old-a > /data/old/a.txt && echo old-inner > /data/old/inner/i.txt \\
 && echo keep > /data/keep/k.txt && echo tmp > /cache/sub/t.txt \\
 && echo secret > /app/secret.txt && echo 'echo run' > /app/run.sh \\
 && echo shared > /data/shared.txt && chmod 0644 /app/run.sh
# layer: a file modified (config.ini copied up with new content)
RUN echo 'version = 2' >> /app/config.ini
# layer: a file deleted (whiteout .wh.secret.txt)
RUN rm /app/secret.txt
# layer: a directory deleted (whiteout .wh.cache)
RUN rm -rf /cache
# layer: a directory deleted and re-created (opaque directory /data/old)
RUN rm -rf /data/old && mkdir /data/old && echo new-b > /data/old/b.txt
# layer: a symlink, a hard link to a lower file, a hard link pair made in this layer
RUN ln -s hello.txt /app/hello.link && ln /data/shared.txt /data/shared.hard \\
 && echo twin > /app/twin1 && ln /app/twin1 /app/twin2
# layer: a mode change only (run.sh copied up, 0644 -> 0755)
RUN chmod 0755 /app/run.sh
LABEL org.layerlab.sample="yes" org.layerlab.purpose="tests"
CMD ["cat", "/app/hello.txt"]
"""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``LAYERLAB_ONLY_PER_ENGINE_TESTS=1``, leave out the engine tests that do not run
    once per engine (they start engines of their own): CI runs one process per engine, and
    only one of them runs those."""
    if os.environ.get("LAYERLAB_ONLY_PER_ENGINE_TESTS") != "1":
        return
    shared = [
        item for item in items
        if item.get_closest_marker("engine") and "engine" not in getattr(item, "callspec", _NO_PARAMS).params
    ]
    if shared:
        config.hook.pytest_deselected(items=shared)
        items[:] = [item for item in items if item not in shared]


class _NoParams:
    params: dict[str, object] = {}


_NO_PARAMS = _NoParams()


def _skip_or_fail(reason: str) -> None:
    """Skip, or fail when the run requires an engine (CI sets LAYERLAB_REQUIRE_ENGINE=1)."""
    if os.environ.get("LAYERLAB_REQUIRE_ENGINE") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


# -- the engine ------------------------------------------------------------------------


def _short_tmp_dir() -> str:
    """A new temp dir with a short path: unix socket paths must stay under 108 bytes."""
    base = "/tmp" if os.path.isdir("/tmp") else None
    return tempfile.mkdtemp(prefix="ll-d", dir=base)


def _what(name: str) -> str:
    return PROFILES[name].describe()


def _playing(engine: Engine, name: str, where: str) -> Engine:
    """``engine`` if it answers and is the engine of profile ``name``; else skip or fail."""
    try:
        playing = engine.profile().name
    except EngineError as err:
        _skip_or_fail(f"{where} does not answer: {str(err).splitlines()[-1][:200]}")
        raise
    if playing != name:
        _skip_or_fail(f"{where} is {engine.profile().describe()}, not {_what(name)}")
    return engine


def engine_for(name: str) -> tuple[Engine | None, PrivateDockerd | None, str]:
    """(the engine that plays profile ``name``, the private daemon to stop after, or None;
    or None, None and why there is none). See the module docstring for the order."""
    named = named_engines()
    if named:
        if name not in named:
            listed = ", ".join(sorted(named))
            return None, None, f"LAYERLAB_ENGINES names {listed}, not {name} ({_what(name)})"
        return _playing(engine_at(named[name]), name, f"LAYERLAB_ENGINES' {name}={named[name]}"), None, ""
    found, _ = find_engine()
    if found is not None and found.profile().name == name:
        return found, None, ""
    hint = "" if name == "20.10" else NO_ENGINE_28
    if found is not None:
        why = f"DOCKER_HOST is {found.profile().describe()}, not {_what(name)}"
        return None, None, NO_ENGINE_FOR.format(what=_what(name), name=name, hint="") + f" ({why})"
    if os.geteuid() != 0 or shutil.which("dockerd") is None:
        return None, None, NO_ENGINE if name == "20.10" else NO_ENGINE_FOR.format(what=_what(name), name=name, hint=hint)
    profile = PROFILES[name]
    prefix = None if name == "20.10" else ENGINE_28
    if prefix is not None and not (prefix / ".installed").exists():
        return None, None, NO_ENGINE_FOR.format(what=_what(name), name=name, hint=hint)
    private = PrivateDockerd(PRIVATE_DOCKERD, Path(_short_tmp_dir()), prefix=prefix,
                             image_store=profile.image_store)
    atexit.register(private.stop)  # if the session dies before teardown
    try:
        started = private.start()
        if started.profile().name != name:
            why = f"the private daemon is {started.profile().describe()}, not {_what(name)}"
            private.stop()
            atexit.unregister(private.stop)
            return None, None, NO_ENGINE_FOR.format(what=_what(name), name=name, hint=hint) + f" ({why})"
    except EngineUnavailable as err:
        atexit.unregister(private.stop)
        return None, None, f"{NO_ENGINE_FOR.format(what=_what(name), name=name, hint=hint)}; {err}"
    return started, private, ""


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A Docker Engine the tests may build on, once per profile (see the module docstring)."""
    found, private, why = engine_for(request.param)
    if found is None:
        _skip_or_fail(why)
        raise AssertionError("unreachable")  # for type checkers: skip/fail raise
    try:
        yield found
    finally:
        if private is not None:
            private.stop()
            atexit.unregister(private.stop)


@pytest.fixture
def fresh_engine(engine: Engine) -> Iterator[Engine]:
    """A never-used engine playing the same profile: a private daemon of the same binaries and
    image store as the session's (scripts/private-dockerd's folder says which), in a new
    folder, stopped after the test. What a data root holds depends on everything the engine
    ever did (Engine 28.5's classic store even keeps, for good, the layers two images saved
    together share), so data-root scenarios start from nothing, as the model does. An engine
    that is not a private daemon is used as it is, cleaned (:func:`clean_slate`)."""
    env = env_file_of(engine.host)
    if os.geteuid() != 0 or not env:
        clean_slate(engine)
        yield engine
        return
    private = PrivateDockerd(
        PRIVATE_DOCKERD,
        Path(_short_tmp_dir()),
        prefix=Path(env["LAYERLAB_ENGINE_PREFIX"]) if env.get("LAYERLAB_ENGINE_PREFIX") else None,
        image_store=env.get("LAYERLAB_IMAGE_STORE") or "classic",
    )
    atexit.register(private.stop)
    try:
        started = private.start()
        assert started.profile().name == engine.profile().name, (started.profile(), engine.profile())
        yield started
    finally:
        private.stop()
        atexit.unregister(private.stop)


def clean_slate(engine: Engine) -> None:
    """No containers, volumes or images (so no layers, once compare has pruned the build
    cache, as it does first): scenario totals such as ``system df`` and data-root contents
    then compare exactly. Only for the tests' own engine. One docker call per kind."""
    ids = engine.docker(["ps", "-aq"]).stdout.split()
    if ids:
        engine.docker(["rm", "-f", "-v", *ids])
    volumes = engine.docker(["volume", "ls", "-q"]).stdout.split()
    if volumes:  # by name: since Engine 23, volume prune leaves named volumes alone
        engine.docker(["volume", "rm", "-f", *volumes])
    for _ in range(3):  # committed images are children of their container's image
        images = sorted(set(engine.docker(["images", "-aq", "--no-trunc"]).stdout.split()))
        if not images:
            break
        try:
            engine.docker(["image", "rm", "-f", *images])
        except EngineError:
            pass  # a parent goes in the next round


def assert_scenario_agrees(engine: Engine, scenario: Path) -> list[LineReport]:
    """Compare one scenario file with the engine: every line must agree (the failure shows
    compare's own report)."""
    printed: list[str] = []
    reports = compare_scenario(scenario, engine, echo=printed.append)
    assert len(reports) == len(parse_scenario(scenario.read_text()))
    assert all(r.passed for r in reports), "\n".join(printed)
    return reports


# -- build contexts --------------------------------------------------------------------


def _is_static_elf(path: Path) -> bool:
    """True if ``path`` is an ELF executable without a program interpreter (PT_INTERP)."""
    with path.open("rb") as f:
        head = f.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF":
            return False
        is64, little = head[4] == 2, head[5] == 1
        end = "<" if little else ">"
        if is64:
            phoff, phentsize, phnum = (
                struct.unpack_from(end + "Q", head, 32)[0],
                *struct.unpack_from(end + "HH", head, 54),
            )
        else:
            phoff, phentsize, phnum = (
                struct.unpack_from(end + "I", head, 28)[0],
                *struct.unpack_from(end + "HH", head, 42),
            )
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return all(
        struct.unpack_from(end + "I", table, i * phentsize)[0] != 3  # PT_INTERP
        for i in range(phnum)
    )


def busybox_path() -> Path:
    """The static busybox binary to copy into images (``$LAYERLAB_BUSYBOX`` or /bin/busybox)."""
    candidates = [os.environ.get("LAYERLAB_BUSYBOX"), "/bin/busybox", "/usr/bin/busybox"]
    for c in candidates:
        if c and os.path.isfile(c) and _is_static_elf(Path(c)):
            return Path(c)
    _skip_or_fail(NO_BUSYBOX)
    raise AssertionError("unreachable")  # for type checkers: skip/fail raise


def busybox_context(
    dir: Path, dockerfile: str, files: Mapping[str, bytes | str] | None = None
) -> Path:
    """Write a build context: static ``busybox``, ``files`` (relative paths) and ``Dockerfile``.

    Images start FROM scratch because no registry is reachable: the Dockerfile should
    ``COPY busybox /bin/busybox`` then ``RUN ["/bin/busybox", "--install", "-s", "/bin"]``.
    """
    dir = Path(dir)
    dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(busybox_path(), dir / "busybox")
    for name, content in (files or {}).items():
        target = dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    (dir / "Dockerfile").write_text(dockerfile)
    return dir


# -- the sample image ------------------------------------------------------------------


@dataclass(frozen=True)
class SampleImage:
    """The session's sample image, as the engine reports it, plus its saved archive."""

    tar: Path  #: ``docker save`` output (legacy layout on 20.10, OCI layout on 25+)
    tag: str
    image_id: str  #: ``sha256:...`` from ``docker image inspect``
    diff_ids: list[str]  #: RootFS.Layers, bottom layer first
    history: list[dict[str, Any]]  #: ``docker history`` rows, newest first
    context: Path  #: the build context (Dockerfile, busybox, SAMPLE_FILES)
    inspect: dict[str, Any] = field(repr=False, default_factory=dict)


@pytest.fixture(scope="session")
def sample_image_tar(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> SampleImage:
    """Build :data:`SAMPLE_DOCKERFILE` once per session and ``docker save`` it."""
    work = tmp_path_factory.mktemp("sample-image")
    context = busybox_context(work / "context", SAMPLE_DOCKERFILE, SAMPLE_FILES)
    try:
        image_id = engine.build(context, SAMPLE_TAG)
        info = engine.inspect_image(SAMPLE_TAG)
        history = engine.history(SAMPLE_TAG)
        tar = work / "sample.tar"
        engine.save([SAMPLE_TAG], tar)
    except EngineError as exc:
        pytest.fail(f"building the sample image failed: {exc}", pytrace=False)
    return SampleImage(
        tar=tar,
        tag=SAMPLE_TAG,
        image_id=image_id,
        diff_ids=list(info["RootFS"]["Layers"]),
        history=history,
        context=context,
        inspect=info,
    )
