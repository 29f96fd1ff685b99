"""Every picture the course draws: the notebooks' own calls and the labs' states.

The notebooks' cells are repeated here (same hosts, seeds, commands and arguments), and
each lab is driven through the states its notebook text asks a learner to try, taking the
pictures it drew. Tests check each picture; ``RENDERERS`` is checked against
``layerlab.render.__all__`` so a new renderer cannot stay out of the gallery.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

from layerlab.i18n import set_language
from layerlab.analysis import analyze
from layerlab.archive import read_archive
from layerlab.build.context import BuildContext
from layerlab.compare.walk import DataRootWalk
from layerlab.course.container_examples import BIG_FILE, cow_image
from layerlab.course.examples import demo_image
from layerlab.drivers import DRIVERS, WORKLOADS
from layerlab.engine.host import Host
from layerlab.model.fs import File
from layerlab.model.operation import OPERATIONS, apply
from layerlab.render import (
    Picture,
    build_cache,
    container_stack,
    containers_over_image,
    copy_up_steps,
    cost_chart,
    dataroot_tree,
    identities,
    image_stack,
    layer_layout,
    path_lookup,
    shared_layers,
    waste_stack,
)
from layerlab.widgets.build_lab import COURSE_DOCKERFILE, COURSE_FILES
from layerlab.widgets.dataroot_explorer import COURSE_COMMANDS

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
#: The renderers of ``layerlab.render`` that draw a picture, and the ones that do not.
RENDERERS = {
    "build_cache", "container_stack", "containers_over_image", "copy_up_steps", "cost_chart",
    "dataroot_tree", "identities", "image_stack", "layer_layout", "path_lookup", "shared_layers",
    "waste_stack",
}  # fmt: skip
NOT_PICTURES = {"Picture", "drivers_side_by_side", "efficiency_table", "fixes_table", "image_steps",
                "largest_files_table", "layer_changes_table"}  # the class; HTML tables (tests/test_render_tables.py)

Gallery = Iterator[tuple[str, Picture]]


def _context(dockerfile: str, files: dict[str, object] | None = None) -> BuildContext:
    return BuildContext.from_files({**(files or COURSE_FILES), "Dockerfile": dockerfile})


def nb00() -> Gallery:
    yield "00-demo-image", image_stack(demo_image())


def nb01() -> Gallery:
    """The same commands on both image stores, as notebook 01 draws them side by side."""
    classic = DataRootWalk(COURSE_COMMANDS, cwd=SCENARIOS, engine="28")
    walk = DataRootWalk(COURSE_COMMANDS, cwd=SCENARIOS, engine="28-containerd")
    yield "01-fresh-root", dataroot_tree(classic.root(), max_depth=1)
    yield "01-fresh-root-containerd", dataroot_tree(walk.root(), max_depth=1)
    classic.forward(), walk.forward()
    yield "01-after-pull", dataroot_tree(classic.root(), since=classic.before(), max_depth=3)
    yield "01-alpine-identities", identities(classic.root(), "alpine:3.20")
    yield "01-containerd-root", dataroot_tree(walk.root(), since=walk.before(), top="/var/lib/containerd",
                                              max_depth=4)  # fmt: skip
    yield "01-containerd-identities", identities(walk.root(), "alpine:3.20")
    classic.forward(), walk.forward()
    yield "01-after-build", dataroot_tree(classic.root(), since=classic.before(), max_depth=2)
    yield "01-after-build-containerd", dataroot_tree(walk.root(), since=walk.before(), max_depth=2)
    yield "01-app-identities", identities(classic.root(), "course-app")
    classic.forward(), walk.forward()
    yield "01-after-run", dataroot_tree(classic.root(), since=classic.before(), max_depth=2)
    yield "01-after-run-containerd", dataroot_tree(walk.root(), since=walk.before(), max_depth=2)
    classic.forward(), walk.forward()
    yield "01-after-rm", dataroot_tree(classic.root(), since=classic.before(), max_depth=2)
    yield "01-after-rm-containerd", dataroot_tree(walk.root(), since=walk.before(), max_depth=2)
    classic.forward(), walk.forward()
    yield "01-volume", dataroot_tree(walk.root(), since=walk.before(), top="/var/lib/docker/volumes",
                                     max_depth=3)  # fmt: skip
    classic.forward(), walk.forward()
    yield "01-after-rmi", dataroot_tree(classic.root(), since=classic.before(), max_depth=2)


def nb02() -> Gallery:
    h = Host()
    first = h.build(_context(COURSE_DOCKERFILE), "my-app")
    yield "02-my-app", image_stack(first.image)
    yield "02-first-build-cache", build_cache(first)
    api = COURSE_DOCKERFILE.replace("app.py flask run", "api.py flask run")
    h.build(_context(api, {"api.py": "print('api')\n"}), "my-api")
    yield "02-shared", shared_layers({"my-app": h.image("my-app"), "my-api": h.image("my-api")})
    app = COURSE_FILES["app.py"]
    touched = h.build(_context(COURSE_DOCKERFILE, {"app.py": File(content=app, mtime=1_700_000_000)}),
                      "my-app")  # fmt: skip
    chmodded = h.build(_context(COURSE_DOCKERFILE, {"app.py": File(content=app, mode=0o755)}), "my-app")
    yield "02-chmod-cache", build_cache(chmodded, touched)
    edited = h.build(_context(COURSE_DOCKERFILE.replace("pip install flask", "pip install flask requests")),
                     "my-app")  # fmt: skip
    yield "02-edit-cache", build_cache(edited, chmodded)


def nb03() -> Gallery:
    h = Host(seed=3)
    h.add(cow_image(), "cow-demo")
    yield "03-cow-image", image_stack(h.image("cow-demo"))
    web1 = h.run("cow-demo", name="web-1", detach=True)
    yield "03-web-1", container_stack(web1)
    web1.exec(["sh", "-c", "echo hello > /data/hello.txt"])
    h.run("cow-demo", name="web-2", detach=True)
    yield "03-two-containers", containers_over_image(h, "cow-demo")
    h.rm("web-1", force=True)
    h.container("web-2").chmod(BIG_FILE, 0o600)
    h.run("cow-demo", name="web-3", detach=True).exec(["sh", "-c", "echo request >> /var/log/app/app.log"])
    h.run("cow-demo", name="web-4", detach=True)
    yield "03-three-containers", containers_over_image(h, "cow-demo")


def nb04() -> Gallery:
    h = Host(seed=4)
    h.add(cow_image(), "cow-demo")
    c = h.run("cow-demo", name="app", detach=True)
    yield "04-lookup", path_lookup(c, BIG_FILE)
    yield "04-chmod", copy_up_steps(apply(c, "chmod", BIG_FILE, "600"))
    yield "04-lookup-after-chmod", path_lookup(c, BIG_FILE)
    apply(c, "append", "/var/log/app/app.log", "request")
    apply(c, "write", "/etc/app/app.conf", "mode=prod")
    yield "04-delete", copy_up_steps(apply(c, "delete", "/bin/sh"))
    yield "04-lookup-deleted", path_lookup(c, "/bin/sh")
    yield "04-delete-tree", copy_up_steps(apply(c, "delete tree", "/etc/app"))
    yield "04-mkdir", copy_up_steps(apply(c, "mkdir", "/etc/app"))
    logger = h.run("cow-demo", name="logger", detach=True, volumes=["logs:/var/log/app"])
    apply(logger, "append", "/var/log/app/app.log", "request")
    yield "04-logger", container_stack(logger)


def nb05() -> Gallery:
    image = WORKLOADS["delete-in-later-layer"].layers
    for driver in DRIVERS:
        yield f"05-layout-{driver}", layer_layout(driver, image)
    yield "05-cost-append", cost_chart("append-1-byte-to-1GiB", ["overlay2", "btrfs", "vfs"])
    for name in WORKLOADS:
        yield f"05-cost-{name}-all-drivers", cost_chart(name)


def nb06() -> Gallery:
    h = Host(seed=6)
    h.add(cow_image(), "cow-demo")
    h.host_dir("/srv/site", {"index.html": "<h1>hello</h1>\n"})
    web = h.run("cow-demo", name="web", detach=True,
                volumes=["logs:/var/log/app", "/cache", "/srv/site:/site:ro"],
                mounts=["type=tmpfs,target=/run/scratch"])  # fmt: skip
    yield "06-web", container_stack(web)
    yield "06-lookup-volume", path_lookup(web, "/var/log/app/app.log")


def nb07() -> Gallery:
    import tempfile

    dockerfile = (
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
        "RUN dd if=/dev/urandom of=/release.tar bs=1024 count=5120 && mkdir /app && echo ok > /app/VERSION\n"
        "RUN rm /release.tar\nCOPY tool.bin /usr/local/bin/tool\nRUN chmod 755 /usr/local/bin/tool\n"
        'CMD ["/usr/local/bin/tool"]\n'
    )
    fixed = (
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
        "RUN dd if=/dev/urandom of=/release.tar bs=1024 count=5120 && mkdir /app && echo ok > /app/VERSION"
        " && rm /release.tar\nCOPY --chmod=755 tool.bin /usr/local/bin/tool\nCMD [\"/usr/local/bin/tool\"]\n"
    )
    files = {"tool.bin": bytes(range(256)) * 4096}
    host = Host()
    host.build(BuildContext.from_files({"Dockerfile": dockerfile, **files}), "app:1")
    host.build(BuildContext.from_files({"Dockerfile": fixed, **files}), "app:2")
    with tempfile.TemporaryDirectory() as tmp:
        both = host.save(["app:1", "app:2"], Path(tmp) / "both.tar")
        analyses = [analyze(a.image, a.tags[0], a.tags, progress=False)
                    for a in read_archive(both, progress=False)]  # fmt: skip
    yield "07-waste", waste_stack(analyses[0])
    yield "07-shared", shared_layers({a.name: a.image for a in analyses})


def labs() -> Gallery:
    """The labs' pictures in the states their notebooks ask a learner to try."""
    from layerlab.widgets import BuildLab, ContainerLab, DataRootExplorer, DriverLab

    lab = BuildLab(Host())
    yield from _drawn("lab-build-first", lab)
    lab.dockerfile.value = COURSE_DOCKERFILE.replace("COPY . ", "COPY app.py ")
    lab.build()
    yield from _drawn("lab-build-copy-edited", lab)
    for seed, kwargs in ((4, {}), (6, {"path": "/var/log/app/app.log", "operation": "append",
                                       "argument": "GET /", "volumes": ["logs:/var/log/app"]})):  # fmt: skip
        container_lab = ContainerLab(Host(seed=seed), **kwargs)
        yield from _drawn(f"lab-container-{seed}-start", container_lab)
        for name, spec in OPERATIONS.items():
            container_lab.reset()
            container_lab.operation.value = name
            container_lab.argument.value = spec.example or container_lab.argument.value
            if container_lab.apply() is not None:
                yield from _drawn(f"lab-container-{seed}-{name.replace(' ', '-')}", container_lab)
    driver_lab = DriverLab(drivers=["overlay2", "btrfs", "vfs"], workload="50-containers")
    yield from _drawn("lab-driver", driver_lab)
    explorer = DataRootExplorer(COURSE_COMMANDS, cwd=SCENARIOS)
    for step in range(len(COURSE_COMMANDS) + 1):
        explorer.walk.go_to(step)
        explorer.pick(None)
        yield from _drawn(f"lab-dataroot-step-{step}", explorer)


def _drawn(prefix: str, lab: object) -> Gallery:
    for name, picture in getattr(lab, "pictures", {}).items():
        yield f"{prefix}-{name}", picture


NOTEBOOKS: tuple[Callable[[], Gallery], ...] = (nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, labs)


@cache
def gallery(language: str = "en") -> dict[str, Picture]:
    """Every picture, by a name that says where it comes from, labelled in ``language``."""
    set_language(language)
    try:
        return {name: picture for make in NOTEBOOKS for name, picture in make()}
    finally:
        set_language(None)
