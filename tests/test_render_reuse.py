"""Reuse pictures: deterministic DOT, shared layers drawn once, the first miss, no-dot fallback."""

from __future__ import annotations

import re

import graphviz
import pytest

from layerlab.build.context import BuildContext
from layerlab.engine.host import Host
from layerlab.model.fs import File
from layerlab.model.units import human_size
from layerlab.render import Picture, build_cache, image_stack, shared_layers
from layerlab.render.picture import INSTALL_HINT

DOCKERFILE = """\
FROM ubuntu:16.04
RUN apt-get update && apt-get install -y python
ENV MODE=demo
RUN pip install flask
COPY . /opt/source-code
ENTRYPOINT FLASK_APP=/opt/source-code/app.py flask run
"""


def ctx(dockerfile: str = DOCKERFILE, files: dict | None = None) -> BuildContext:
    return BuildContext.from_files({**(files or {"app.py": "print('hi')\n"}), "Dockerfile": dockerfile})


@pytest.fixture(scope="module")
def host() -> Host:
    h = Host()
    h.build(ctx(), "app")
    h.build(ctx(DOCKERFILE.replace("flask run", "flask run --debug"), {"api.py": "x\n"}), "api")
    return h


def nodes(picture: Picture, prefix: str) -> list[str]:
    return re.findall(rf"^\s*({prefix}\d+) \[", picture.source, re.M)


def test_shared_layers_is_deterministic(host: Host) -> None:
    images = {"app": host.image("app"), "api": host.image("api")}
    assert shared_layers(images).source == shared_layers(dict(images)).source
    again = Host()
    again.build(ctx(), "app")
    again.build(ctx(DOCKERFILE.replace("flask run", "flask run --debug"), {"api.py": "x\n"}), "api")
    assert shared_layers({"app": again.image("app"), "api": again.image("api")}).source == shared_layers(images).source
    assert "0x" not in shared_layers(images).source


def test_shared_layers_draws_each_chain_once(host: Host) -> None:
    app, api = host.image("app"), host.image("api")
    picture = shared_layers({"app": app, "api": api})
    distinct = set(app.chain_ids) | set(api.chain_ids)
    assert len(app.layers) == len(api.layers) == 4
    assert len(distinct) == 5  # base, apt, pip shared; one source layer each
    assert len(nodes(picture, "l")) == 5 and len(nodes(picture, "i")) == 2
    assert picture.source.count("shared by 2") == 3
    # the pip layer has two layers on top of it: one edge from each image's source layer
    pip = [n for n, line in re.findall(r"^\s*(l\d+) \[(.*)$", picture.source, re.M) if "pip install" in line]
    assert len(pip) == 1 and len(re.findall(rf"-> {pip[0]} ", picture.source)) == 2


def test_shared_layers_caption_counts_disk_once(host: Host) -> None:
    app, api = host.image("app"), host.image("api")
    source = shared_layers({"app": app, "api": api}).source
    used = sum(host.layer_usage().values())  # the host's own count: each chain id once
    total = app.size + api.size
    assert used < total and total - used > 400_000_000  # base + apt + pip stored once
    words = re.sub(r"<[^>]+>", "", source)
    assert f"disk used {human_size(used)}" in words
    assert f"sum of image sizes {human_size(total)}" in words and f"saved {human_size(total - used)}" in words
    assert "layer held by 2+ images: stored once" in words  # the legend, in the caption


def test_build_cache_marks_first_miss_and_cascade() -> None:
    h = Host()
    before = h.build(ctx(), "app")
    after = h.build(ctx(DOCKERFILE.replace("pip install flask", "pip install flask requests")), "app")
    source = build_cache(after, before).source
    assert source.count("FIRST MISS") == 1
    first_miss_line = next(line for line in source.splitlines() if "FIRST MISS" in line)
    assert "pip install flask requests" in first_miss_line and "penwidth=3" in first_miss_line
    assert "was: RUN pip install flask" in first_miss_line
    assert source.count("CACHED (reused)") == 1  # the apt step, below the miss
    cascade = next(line for line in source.splitlines() if "COPY . /opt/source-code" in line)
    assert "cascade" in cascade
    # ENV and ENTRYPOINT made no layer: dashed, never marked hit or miss
    for word in ("ENV MODE=demo", "ENTRYPOINT"):
        line = next(line for line in source.splitlines() if word in line and "label=" in line)
        assert "dashed" in line and "CACHED" not in line and "MISS" not in line
    assert build_cache(after, before).source == source


def test_build_cache_all_cached_and_copy_content() -> None:
    h = Host()
    first = h.build(ctx(), "app")
    touched = h.build(ctx(files={"app.py": File(content=b"print('hi')\n", mtime=1_700_000_000)}), "app")
    assert "MISS" not in build_cache(touched, first).source
    assert build_cache(touched, first).source.count("CACHED (reused)") == 3
    chmodded = h.build(ctx(files={"app.py": File(content=b"print('hi')\n", mode=0o755)}), "app")
    line = next(x for x in build_cache(chmodded, touched).source.splitlines() if "FIRST MISS" in x)
    assert "COPY" in line and "copied files changed" in line
    fresh = build_cache(first).source
    assert "120MB" in fresh and "302MB" in fresh and "7MB" in fresh


def test_a_first_build_on_a_fresh_host_names_no_miss_and_no_cascade() -> None:
    """Nothing was built before: no cache to miss, so no "FIRST MISS" and no "cascade"."""
    first = Host().build(ctx(), "app")
    source = build_cache(first).source
    assert "MISS" not in source and "cascade" not in source
    assert "first build: no cache yet" in source and source.count("built (no cache yet)") == 3
    # a second build that misses still names its first miss, against the build before
    again = Host()
    one = again.build(ctx(), "app")
    two = again.build(ctx(files={"app.py": File(content=b"print('bye')\n")}), "app")
    assert "FIRST MISS" in build_cache(two, one).source
    assert "FIRST MISS" in build_cache(two).source  # something was reused: the miss is real


def test_build_cache_picture_renders(host: Host) -> None:
    h = Host()
    r = h.build(ctx(), "x")
    svg = build_cache(r).pipe(format="svg", encoding="utf-8")
    assert "<svg" in svg and "no cache yet" in svg


def _no_dot(*_args: object, **_kwargs: object) -> None:
    raise graphviz.ExecutableNotFound(["dot"])


@pytest.mark.parametrize("make", ["stack", "shared", "cache"])
def test_missing_dot_still_displays(monkeypatch: pytest.MonkeyPatch, host: Host, make: str) -> None:
    monkeypatch.setattr(graphviz.Digraph, "pipe", _no_dot)
    image = host.image("app")
    picture = {"stack": lambda: image_stack(image),
               "shared": lambda: shared_layers({"app": image}),
               "cache": lambda: build_cache(Host().build(ctx(), "x"))}[make]()
    bundle = picture._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "apt-get install graphviz" in bundle["text/plain"] and "conda install -c conda-forge graphviz" in bundle["text/plain"]
    assert picture.source in bundle["text/plain"]
    assert "<pre>" in bundle["text/html"] and "digraph" in bundle["text/html"]
    assert "apt-get install graphviz" in picture.to_html()
    assert INSTALL_HINT.splitlines()[0].startswith("Graphviz")
    # IPython's formatter uses the fallback too: no traceback in the notebook
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(picture)
    assert "text/html" in data and "digraph" in data["text/plain"]


def test_the_stack_titles_an_image_by_the_id_its_host_shows() -> None:
    host = Host(engine="28-containerd", seed=1)
    host.build(BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "a"}), "s:1")
    image, shown = host.image("s:1"), host.image_id("s:1")
    assert shown != image.image_id  # the index's digest, not the config's
    assert f"image {shown[7:19]}" in image_stack(image, image_id=shown).source
    assert f"image {image.image_id[7:19]}" in image_stack(image).source
