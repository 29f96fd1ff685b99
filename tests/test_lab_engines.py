"""Every lab plays the engine the learner picked: ``engine=`` on the lab, else $LAYERLAB_ENGINE."""

from __future__ import annotations

import pytest

from layerlab.engine.host import Host
from layerlab.model.errors import LayerlabError
from layerlab.widgets import BuildLab, ContainerLab, DataRootExplorer

PICKED = ["20.10", "28", "28-containerd"]


@pytest.mark.parametrize("name", PICKED)
def test_each_lab_plays_the_engine_it_is_given(name: str):
    assert BuildLab(engine=name).host.profile.name == name
    assert ContainerLab(engine=name).host.profile.name == name
    assert DataRootExplorer(["docker pull alpine:3.20"], engine=name).walk.host.profile.name == name


def test_the_data_root_explorer_opens_on_the_store_of_the_engine_played():
    classic = DataRootExplorer(["docker pull alpine:3.20"], engine="28", step=1)
    assert classic.store.value == "overlay2"
    containerd = DataRootExplorer(["docker pull alpine:3.20"], engine="28-containerd", step=1)
    assert containerd.store.value == "containerd"
    assert "io.containerd" in " ".join(str(o) for o in containerd.listing.options)


def test_labs_follow_layerlab_engine_when_not_told(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LAYERLAB_ENGINE", "28-containerd")
    assert BuildLab().host.profile.containerd
    assert DataRootExplorer().store.value == "containerd"


def test_a_host_and_an_engine_together_are_refused_with_the_way_out():
    with pytest.raises(LayerlabError, match="not both"):
        BuildLab(Host(engine="28"), engine="20.10")


def test_an_unknown_engine_names_the_ones_played():
    with pytest.raises(LayerlabError, match="'28-containerd'"):
        ContainerLab(engine="29")


def test_a_containerd_engine_has_no_classic_view_to_ask_for():
    with pytest.raises(LayerlabError, match="no 'overlay2' view of Docker Engine 28.5, containerd image store"):
        DataRootExplorer(engine="28-containerd", store="overlay2")
