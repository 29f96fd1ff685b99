"""What buildx tells BuildKit about a build context that lies in a git work tree.

buildx asks git about the context folder and sends ``vcs:`` attributes with the build; with
the containerd image store BuildKit writes them into the provenance attestation
(``predicate.metadata["https://mobyproject.org/buildkit@v1#metadata"].vcs``), so the
attestation, and what a prune reclaims, is larger by their bytes. The engine side of
``compare`` builds scenario folders inside the project's checkout, so the simulated side
asks git the same questions (buildx ``build/git.go`` ``getGitAttributes`` and
``util/gitutil``, v0.29):

- nothing outside a work tree, or with ``BUILDX_GIT_INFO=false``;
- ``revision``: ``HEAD``'s commit (with ``-dirty`` under ``BUILDX_GIT_CHECK_DIRTY=true``
  when the tree has changes); ``source``: the ``origin`` remote's URL, else ``upstream``'s,
  without credentials;
- ``localdir:context`` and ``localdir:dockerfile``: each folder relative to the work tree's
  root (symlinks resolved), when it lies inside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = ["vcs_attributes"]


def _flag(value: str | None, default: bool) -> bool:
    """Go's ``strconv.ParseBool``; anything else leaves the default."""
    if value in {"1", "t", "T", "TRUE", "true", "True"}:
        return True
    if value in {"0", "f", "F", "FALSE", "false", "False"}:
        return False
    return default


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def vcs_attributes(context: Path, dockerfile_dir: Path, env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The ``vcs:`` attributes (without the prefix) buildx sends for this build."""
    git = shutil.which("git")
    if git is None or not _flag(env.get("BUILDX_GIT_INFO"), True) or not context.is_dir():
        return {}

    def run(*args: str) -> str:
        done = subprocess.run([git, *args], cwd=context, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    if run("rev-parse", "--is-inside-work-tree") != "true":
        return {}
    root = Path(run("rev-parse", "--show-toplevel"))
    out: dict[str, str] = {}
    if revision := run("rev-parse", "--verify", "--quiet", "HEAD"):
        dirty = _flag(env.get("BUILDX_GIT_CHECK_DIRTY"), False) and run("status", "--porcelain") != ""
        out["revision"] = revision + ("-dirty" if dirty else "")
    if source := run("remote", "get-url", "origin") or run("remote", "get-url", "upstream"):
        out["source"] = _without_credentials(source)
    for key, folder in (("context", context), ("dockerfile", dockerfile_dir)):
        relative = os.path.relpath(os.path.realpath(folder), os.path.realpath(root))
        if not relative.startswith(".."):
            out[f"localdir:{key}"] = relative
    return out
