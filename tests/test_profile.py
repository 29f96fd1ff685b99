"""Engine profiles: which engine the simulator plays, and which one a real host runs."""

from __future__ import annotations

import pytest

from layerlab.engine.profile import PROFILES, ProfileError, get_profile, profile_from_info


def test_the_three_engines_learners_run() -> None:
    assert {(p.version, p.image_store) for p in PROFILES.values()} == {
        ("20.10", "classic"), ("28.5", "classic"), ("28.5", "containerd")}


def test_a_profile_is_picked_by_name_or_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYERLAB_ENGINE", "28-containerd")
    assert get_profile().containerd
    assert get_profile("28").image_store == "classic"
    with pytest.raises(ProfileError, match="'20.10', '28', '28-containerd'"):
        get_profile("29-classic")


# what `docker info --format '{{json .}}'` printed on the three engines (fields used only)
INFO_20 = {"ServerVersion": "20.10.24+dfsg1", "Driver": "overlay2",
           "DriverStatus": [["Backing Filesystem", "extfs"], ["Supports d_type", "true"]]}
INFO_28 = {"ServerVersion": "28.5.2+dfsg4", "Driver": "overlay2",
           "DriverStatus": [["Backing Filesystem", "extfs"], ["Using metacopy", "false"]]}
INFO_28C = {"ServerVersion": "28.5.2+dfsg4", "Driver": "overlayfs",
            "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]}


@pytest.mark.parametrize(("info", "name", "version", "driver"), [
    (INFO_20, "20.10", "20.10", "overlay2"),
    (INFO_28, "28", "28.5", "overlay2"),
    (INFO_28C, "28-containerd", "28.5", "overlayfs"),
    ({**INFO_20, "Driver": "vfs", "DriverStatus": []}, "20.10", "20.10", "vfs"),
])
def test_docker_info_says_which_profile_plays_the_host(info: dict, name: str, version: str, driver: str) -> None:
    found = profile_from_info(info)
    assert (found.name, found.version, found.storage_driver) == (name, version, driver)


def test_a_docker_info_without_a_version_is_refused() -> None:
    with pytest.raises(ProfileError, match="no engine version"):
        profile_from_info({"Driver": "overlay2"})


def test_a_version_plays_by_the_rules_of_its_generation() -> None:
    from layerlab.engine.profile import profile_for, resolve_profile

    assert profile_for("19.03").name == "20.10" and profile_for("23.0").name == "28"
    assert profile_for("29.1.2", "containerd").version == "29.1"
    with pytest.raises(ProfileError, match="Engine 20.10 has no containerd image store: it came with Engine 24.0"):
        profile_for("20.10", "containerd")
    assert resolve_profile("28-containerd", "29.0").version == "29.0"
    with pytest.raises(ProfileError, match="pick engine='28'"):
        resolve_profile("20.10", "28.5")


def test_what_each_profile_does_differently() -> None:
    # the table in layerlab/engine/profile.py, each row measured on the three engines
    old, new, c8d = (PROFILES[n] for n in ("20.10", "28", "28-containerd"))
    assert (old.save_format, new.save_format, c8d.save_format) == ("docker-archive", "oci+docker-archive", "oci")
    assert old.inspect_legacy and not new.inspect_legacy and not c8d.inspect_legacy
    assert (old.prune_table, new.prune_table) == (False, True)
    assert old.buildkit.name.startswith("BuildKit 0.8") and new.buildkit == c8d.buildkit
    assert c8d.layer_driver == "overlay2" and new.layer_driver == "overlay2"
