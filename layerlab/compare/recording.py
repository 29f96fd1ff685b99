"""What an engine printed for a notebook's ``%%docker --beside`` cells, kept in the repo.

``notebooks/recorded/<notebook>.<profile>.json`` (written by ``scripts/record-engine-outputs``,
one file per engine: ``00-start-here.20.10.json``, ``00-start-here.28-containerd.json``)
holds, for each cell, its lines and the engine's normalised output for each line, with the
engine's profile (:mod:`layerlab.engine.profile`), version, image store and storage driver,
and the date. With no engine reachable, ``--beside`` shows the recording of the learner's
profile, labelled with the engine it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from layerlab.i18n import N_, _, translate
from layerlab.model.errors import LayerlabError

from .lines import Command

__all__ = [
    "BESIDE_OPTIONS",
    "STORE_WORDS",
    "Recording",
    "RecordingError",
    "beside_cells",
    "find_recorded",
    "notebook_beside_cells",
    "recording_name",
    "shown_storage",
]

#: The ``%%docker`` options that show both sides.
BESIDE_OPTIONS = ("--beside", "--compare")


class RecordingError(LayerlabError):
    """No recording of these lines, or a recording file that cannot be read."""


#: The profile of a recording made before recordings named theirs (all were Engine 20.10's).
UNNAMED_PROFILE = "20.10"
#: How a recording (and a live engine's column) names its image store, as shown.
STORE_WORDS = (N_("containerd image store"), N_("classic image store"))


def shown_storage(words: str) -> str:
    """``containerd image store, overlayfs`` (as a recording keeps it, in English; see
    :func:`.beside.storage_words`) in the learner's language."""
    for store in STORE_WORDS:
        if words.startswith(store):
            return translate(store) + words[len(store) :]
    return words


def recording_name(notebook: str, profile: str) -> str:
    """``00-start-here.28-containerd.json`` for notebook ``00-start-here`` (or ``.ipynb``)."""
    return f"{Path(notebook).name.removesuffix('.ipynb')}.{profile}.json"


@dataclass
class Recording:
    """What an engine printed, normalised, for each ``%%docker --beside`` cell of a notebook."""

    notebook: str
    engine_version: str
    recorded_on: str
    cells: list[dict[str, Any]]  # {"lines": [command text], "outputs": [[normalised line]]}
    path: Path | None = None
    #: The engine's profile name (``20.10``, ``28``, ``28-containerd``).
    profile: str = UNNAMED_PROFILE
    #: ``containerd image store, overlayfs`` ("" in recordings made before profiles).
    storage: str = ""

    @property
    def label(self) -> str:
        """``recorded on Docker Engine 28.5.2 (containerd image store, overlayfs), 2026-12-06``,
        in the learner's language."""
        if not self.storage:
            return _("recorded on Docker Engine {version}, {date}", version=self.engine_version, date=self.recorded_on)
        return _("recorded on Docker Engine {version} ({storage}), {date}",
                 version=self.engine_version, storage=shown_storage(self.storage), date=self.recorded_on)

    def outputs_for(self, commands: list[Command]) -> list[list[str]] | None:
        """The recorded outputs of exactly these lines (None: never recorded)."""
        texts = [c.text for c in commands]
        for cell in self.cells:
            if cell["lines"] == texts:
                return [list(lines) for lines in cell["outputs"]]
        return None

    def to_json(self) -> str:
        data = {
            "notebook": self.notebook,
            "engine": {"profile": self.profile, "version": self.engine_version, "storage": self.storage},
            "recorded_on": self.recorded_on,
            "cells": self.cells,
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def load(cls, path: Path) -> Recording:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            cells = data["cells"]
            for cell in cells:
                if not (
                    isinstance(cell["lines"], list)
                    and isinstance(cell["outputs"], list)
                    and len(cell["lines"]) == len(cell["outputs"])
                ):
                    raise ValueError("each cell needs as many outputs as lines")
            return cls(
                str(data["notebook"]),
                str(data["engine"]["version"]),
                str(data["recorded_on"]),
                cells,
                path,
                str(data["engine"].get("profile", UNNAMED_PROFILE)),
                str(data["engine"].get("storage", "")),
            )
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise RecordingError(
                _("{name}: not a recording of engine outputs ({error}); "
                  "regenerate it with scripts/record-engine-outputs",
                  name=path.name, error=f"{type(err).__name__}: {err}")
            ) from None

    @classmethod
    def new(
        cls,
        notebook: str,
        engine_version: str,
        today: date | None = None,
        *,
        profile: str = UNNAMED_PROFILE,
        storage: str = "",
    ) -> Recording:
        return cls(notebook, engine_version, (today or date.today()).isoformat(), [], None, profile, storage)


def find_recorded(
    commands: list[Command], directory: Path, profile: str | None = None
) -> tuple[Recording, list[list[str]]]:
    """The recording (in ``directory``) of exactly these lines by the engine of ``profile``
    (None: by any engine), and its outputs."""
    directory = Path(directory)
    elsewhere: set[str] = set()
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        recording = Recording.load(path)
        outputs = recording.outputs_for(commands)
        if outputs is None:
            continue
        if profile is None or recording.profile == profile:
            return recording, outputs
        elsewhere.add(recording.profile)
    folder = f"{directory.name}/"
    if profile is None:
        what = _("no recording of these {n} lines in {folder}", n=len(commands), folder=folder)
    else:
        what = _("no recording of these {n} lines by the {profile} engine in {folder}",
                 n=len(commands), profile=profile, folder=folder)
    if elsewhere:
        what += _("; recorded by {profiles} only", profiles=", ".join(sorted(elsewhere)))
    raise RecordingError(
        what + " " + _("(recorded cells must match line for line): run scripts/record-engine-outputs "
                       "with that engine")
    )


def beside_cells(cells: list[dict[str, Any]]) -> list[str]:
    """The docker lines of every ``%%docker --beside`` code cell (nbformat cell dicts), in order."""
    found = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        first, _sep, rest = source.partition("\n")
        words = first.split()
        if words[:1] == ["%%docker"] and set(words[1:]) & set(BESIDE_OPTIONS):
            found.append(rest)
    return found


def notebook_beside_cells(path: Path) -> list[str]:
    """:func:`beside_cells` of a notebook file (.ipynb) or of a JSON list of cells."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return beside_cells(data["cells"] if isinstance(data, dict) else data)
