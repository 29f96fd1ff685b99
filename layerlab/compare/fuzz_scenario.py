"""A generated scenario as files: its docker lines and the build contexts they name.

A :class:`FuzzScenario` is what :func:`layerlab compare <layerlab.compare.scenario.compare_scenario>`
reads: a ``.scenario`` file of docker lines and, beside it, one folder per build context.
:meth:`FuzzScenario.write` puts it in a folder, so the fuzzer runs it with compare's own
rules, and a disagreement is kept as a scenario anyone can run again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SCENARIO_NAME", "FuzzScenario", "TOUCHED_MTIME", "WRITTEN_MTIME"]

#: The name of the scenario file in a generated scenario's folder.
SCENARIO_NAME = "fuzz.scenario"
#: Files are written with a fixed modification time; a touched file with a later one.
WRITTEN_MTIME = 1_700_000_000
TOUCHED_MTIME = WRITTEN_MTIME + 3600


@dataclass(frozen=True)
class FuzzScenario:
    """Docker lines, and the build contexts they use: folder -> {path: (bytes, mode)}.

    ``touched`` lists ``folder/path`` files written with a later modification time (a
    ``touch`` in the context before a rebuild); ``header`` is comment lines put first."""

    lines: tuple[str, ...]
    contexts: dict[str, dict[str, tuple[bytes, int]]] = field(default_factory=dict)
    touched: frozenset[str] = frozenset()
    header: tuple[str, ...] = ()
    #: What the scenario exercises (``COPY --chown``, ``rebuild:touch``, ``tree:running``...):
    #: how a run of the fuzzer knows it covered the grammar. Not part of its identity.
    features: frozenset[str] = field(default=frozenset(), compare=False)

    def text(self) -> str:
        """The ``.scenario`` file: the header as ``#`` comments, then one line each."""
        head = [f"# {line}".rstrip() for line in self.header]
        return "\n".join([*head, *self.lines]) + "\n"

    def key(self) -> str:
        """A short digest of the lines and contexts: the same scenario, the same key."""
        digest = hashlib.sha256("\n".join(self.lines).encode())
        for folder in sorted(self.contexts):
            for path, (data, mode) in sorted(self.contexts[folder].items()):
                digest.update(f"\0{folder}/{path}:{mode:o}:{folder + '/' + path in self.touched}\0".encode())
                digest.update(data)
        return digest.hexdigest()[:12]

    def with_header(self, *lines: str) -> FuzzScenario:
        return FuzzScenario(self.lines, self.contexts, self.touched, tuple(lines), self.features)

    def write(self, folder: Path, name: str = SCENARIO_NAME) -> Path:
        """Write the contexts and the scenario file into ``folder``; returns the file."""
        folder.mkdir(parents=True, exist_ok=True)
        for context, files in sorted(self.contexts.items()):
            root = folder / context
            root.mkdir(parents=True, exist_ok=True)
            for rel, (data, mode) in sorted(files.items()):
                path = root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                path.chmod(mode)
                when = TOUCHED_MTIME if f"{context}/{rel}" in self.touched else WRITTEN_MTIME
                os.utime(path, (when, when))
        scenario = folder / name
        scenario.write_text(self.text())
        return scenario

    def size(self) -> int:
        """How big the scenario is, for saying how far a shrink got: lines plus files."""
        return len(self.lines) + sum(len(files) for files in self.contexts.values())

    def _folder_digest(self, folder: str) -> str:
        digest = hashlib.sha256(folder.encode())
        for path, (data, mode) in sorted(self.contexts.get(folder, {}).items()):
            digest.update(f"\0{path}:{mode:o}:{folder + '/' + path in self.touched}\0".encode())
            digest.update(data)
        return digest.hexdigest()

    def prefix_keys(self) -> list[str]:
        """For each line, a digest of the lines up to it and the contexts they build: two
        scenarios with the same key at line N ran the same first N lines."""
        keys, digest = [], hashlib.sha256()
        for line in self.lines:
            digest.update(line.encode() + b"\0")
            for word in line.split()[-1:]:
                if word in self.contexts:
                    digest.update(self._folder_digest(word).encode())
            keys.append(digest.copy().hexdigest())
        return keys

    def prefix(self, count: int) -> FuzzScenario:
        """The first ``count`` lines, with the contexts they build."""
        lines = self.lines[:count]
        used = {line.split()[-1] for line in lines if line.split()[-1:] and line.split()[-1] in self.contexts}
        return FuzzScenario(lines, {f: self.contexts[f] for f in sorted(used)},
                            frozenset(t for t in self.touched if t.split("/")[0] in used), self.header, self.features)
