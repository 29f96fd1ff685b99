"""`layerlab engine` on each engine: the plain text of its `docker info` names the profile the
engine was started as (how CI started its daemon, not how layerlab reads it)."""

from __future__ import annotations

import pytest

from layerlab.engine.docker_info import which_engine

pytestmark = pytest.mark.engine


def test_docker_info_text_names_the_engine_it_came_from(engine, request):
    printed = engine.docker(["info"]).stdout
    assert which_engine(printed).profile.name == request.node.callspec.params["engine"]
