"""What buildx sends BuildKit about a context in a git work tree, by buildx's rules
(``build/git.go`` getGitAttributes, v0.29), in a real git repository; and where BuildKit
writes it: the provenance statement's ``https://mobyproject.org/buildkit@v1#metadata``,
as Engine 28.5's was for scenarios/disk/other (``{"vcs":{"localdir:context":...,
"localdir:dockerfile":...,"revision":...}}``, no ``source`` without a remote)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from layerlab.build.context import BuildContext
from layerlab.compare.buildx_git import vcs_attributes
from layerlab.engine.host import Host

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git (apt-get install git)")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "ctx" / "docker").mkdir(parents=True)
    (tmp_path / "ctx" / "docker" / "Dockerfile").write_text("FROM scratch\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "c")
    return tmp_path


def test_a_context_in_a_work_tree_names_the_commit_and_folders(repo: Path) -> None:
    head = _git(repo, "rev-parse", "HEAD")
    found = vcs_attributes(repo / "ctx", repo / "ctx" / "docker", env={})
    assert found == {"revision": head, "localdir:context": "ctx", "localdir:dockerfile": "ctx/docker"}


def test_the_remote_is_origins_without_credentials_and_dirty_only_when_asked(repo: Path) -> None:
    _git(repo, "remote", "add", "origin", "https://user:secret@example.org/course.git")
    (repo / "ctx" / "new").write_text("x")
    plain = vcs_attributes(repo, repo, env={})
    assert plain["source"] == "https://example.org/course.git" and not plain["revision"].endswith("-dirty")
    assert plain["localdir:context"] == "."
    assert vcs_attributes(repo, repo, env={"BUILDX_GIT_CHECK_DIRTY": "1"})["revision"].endswith("-dirty")


def test_nothing_outside_a_work_tree_or_when_turned_off(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("plain")
    assert vcs_attributes(outside, outside, env={}) == {}
    assert vcs_attributes(repo, repo, env={"BUILDX_GIT_INFO": "false"}) == {}


def test_the_provenance_statement_carries_them_in_buildkits_metadata() -> None:
    host = Host(engine="28-containerd", seed=1)
    vcs = {"revision": "c" * 40, "localdir:dockerfile": "d", "localdir:context": "d"}
    host.build(BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "a"}), "x", vcs=vcs)
    target = host.images[host.image_id("x")].target
    statement = json.loads(target.document(target.attestation[-1].digest))
    metadata = statement["predicate"]["metadata"]["https://mobyproject.org/buildkit@v1#metadata"]
    assert list(metadata["vcs"]) == ["localdir:context", "localdir:dockerfile", "revision"]
    assert "vcs:revision" not in json.dumps(statement["predicate"]["invocation"])
