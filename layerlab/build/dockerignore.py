"""``.dockerignore``: which build-context paths are left out, with Docker's exact rules.

Written here rather than taken from a library because the gitignore libraries (pathspec)
differ from Docker: Docker anchors every pattern at the context root (``*.md`` matches
only top-level files; gitignore matches at any depth), has no trailing-``/`` "directories
only" rule, and has its own ``**`` quirks. This follows moby/patternmatcher
(``ignorefile.ReadAll`` + ``PatternMatcher.MatchesOrParentMatches``):

* lines starting with ``#`` are comments; lines are trimmed; empty lines are skipped;
* ``!`` makes an exception; each pattern is cleaned like Go's ``filepath.Clean`` and a
  leading ``/`` is dropped (``/a/../b/`` is ``b``);
* ``*`` is any run of non-``/`` characters, ``?`` one non-``/`` character, ``[...]`` a
  regexp character class passed through as written (so ``[^a]`` negates; ``[!a]`` is the
  class of ``!`` and ``a``, a quirk of the regexp translation), ``\\`` escapes;
* ``**`` matches any number of directories (``**/`` also none): ``**/*.go``, ``a/**/b``;
  a pattern ending in ``**`` (``a/**``) matches everything below ``a/``;
* a pattern that matches a directory excludes everything below it (the parents of a
  path are tried too), and the last pattern that matches decides.

Docker sends the ``Dockerfile`` and ``.dockerignore`` even when they are excluded (the
builder needs them), but ``COPY``/``ADD`` never copy them then; see :data:`ALWAYS_SENT`.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from layerlab.i18n import _
from layerlab.model.errors import LayerlabError

#: Sent to the builder even when excluded (not copied into the image by COPY/ADD).
ALWAYS_SENT = ("Dockerfile", ".dockerignore")

_REGEX_SPECIAL = set(".+()|{}$")


class DockerIgnoreError(LayerlabError):
    """A pattern Docker refuses (a lone ``!``, a broken character class)."""


def go_clean(path: str) -> str:
    """Go's ``path.Clean``: collapse ``//``, ``.`` and ``..``; ``""`` becomes ``.``."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")  # posixpath keeps a leading "//", Go does not
    return cleaned


@dataclass(frozen=True)
class Pattern:
    """One cleaned pattern and how it matches (moby's exact/prefix/suffix/regexp kinds)."""

    text: str
    exclusion: bool
    kind: str
    regex: re.Pattern[str] | None

    @classmethod
    def compile(cls, raw: str) -> Pattern:
        text = raw.strip()
        exclusion = text.startswith("!")
        if exclusion:
            text = text[1:].strip()
            if not text:
                raise DockerIgnoreError('illegal exclusion pattern: "!"')
        text = go_clean(text)
        if len(text) > 1 and text.startswith("/"):
            text = text[1:]
        kind, regex = _translate(text)
        return cls(text, exclusion, kind, regex)

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        assert self.regex is not None
        return self.regex.match(path) is not None


def _translate(pattern: str) -> tuple[str, re.Pattern[str] | None]:
    """moby/patternmatcher ``Pattern.compile``, character by character."""
    out = ["^"]
    kind = "exact"
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if i + 1 < n and pattern[i + 1] == "*":
                start = i
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:  # "**" at the end: everything below
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        out.append(".*")
                        kind = "regexp"
                else:
                    out.append("(.*/)?")
                    kind = "regexp"
                if start == 0:
                    kind = "suffix"
                continue
            out.append("[^/]*")
            kind = "regexp"
        elif ch == "?":
            out.append("[^/]")
            kind = "regexp"
        elif ch in _REGEX_SPECIAL:
            out.append("\\" + ch)
        elif ch == "\\":
            if i + 1 < n:
                out.append("\\" + pattern[i + 1])
                i += 1
                kind = "regexp"
            else:
                out.append("\\\\")
        elif ch in "[]":
            out.append(ch)
            kind = "regexp"
        else:
            out.append(ch)
        i += 1
    out.append("$")
    if kind != "regexp":
        return kind, None
    try:
        return kind, re.compile("".join(out), re.DOTALL)
    except re.error as err:
        raise DockerIgnoreError(_("bad .dockerignore pattern {pattern!r}: {err}", pattern=pattern, err=err)) from None


class DockerIgnore:
    """The patterns of one ``.dockerignore``; :meth:`is_excluded` answers for a path."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns: list[Pattern] = [Pattern.compile(p) for p in patterns if p.strip()]

    @classmethod
    def parse(cls, text: str) -> DockerIgnore:
        """From ``.dockerignore`` text: ``#`` comment lines and blank lines are skipped."""
        text = text.lstrip("\ufeff")
        return cls([ln for ln in text.splitlines() if not ln.startswith("#")])

    @classmethod
    def from_context(cls, directory: Path | str) -> DockerIgnore:
        """The context's ``.dockerignore``, or no patterns when there is none."""
        path = Path(directory) / ".dockerignore"
        return cls.parse(path.read_text()) if path.is_file() else cls([])

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def __repr__(self) -> str:
        shown = [("!" if p.exclusion else "") + p.text for p in self.patterns]
        return f"DockerIgnore({shown!r})"

    def is_excluded(self, path: str) -> bool:
        """True if the context-relative ``path`` (or a directory above it) is excluded."""
        path = go_clean(path.replace(os.sep, "/")).lstrip("/")
        if path in ("", "."):
            return False
        parent = posixpath.dirname(path)
        parents = parent.split("/") if parent else []
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue  # only a pattern that could change the answer is tried
            hit = pattern.match(path)
            if not hit:
                hit = any(pattern.match("/".join(parents[: i + 1])) for i in range(len(parents)))
            if hit:
                matched = not pattern.exclusion
        return matched

    def context_paths(self, directory: Path | str) -> list[str]:
        """Every context-relative path (files and directories, sorted) that is sent.

        A directory that is excluded is still walked, since an exception (``!``) may bring
        back something below it; it is listed when something below it is sent.
        """
        root = Path(directory)
        sent: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            for name in sorted(dirnames) + sorted(filenames):
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                if not self.is_excluded(rel) or rel in ALWAYS_SENT:
                    sent.add(rel)
                    parent = posixpath.dirname(rel)
                    while parent:
                        sent.add(parent)
                        parent = posixpath.dirname(parent)
        return sorted(sent)
