"""Two recordings of the same cells on one engine agree within the model's size interval."""

from __future__ import annotations

import copy
from pathlib import Path

from layerlab.compare.recording import Recording
from layerlab.compare.recording_check import differs_only_within_sizes

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
STORED = NOTEBOOKS / "recorded" / "07-look-inside-a-real-image.28-containerd.json"


def _with(stored: Recording, old: str, new: str, verb: str = "docker images") -> Recording:
    fresh = copy.deepcopy(stored)
    for cell in fresh.cells:
        for line, output in zip(cell["lines"], cell["outputs"]):
            if line.startswith(verb):
                output[:] = [text.replace(old, new) for text in output]
    return fresh


def test_an_images_size_that_flips_its_last_digit_within_the_interval_agrees() -> None:
    # D15: the same engine printed course-api 36.4kB, and an hour later 36.3kB
    stored = Recording.load(STORED)
    assert differs_only_within_sizes(stored, _with(stored, "36.4kB", "36.3kB"), NOTEBOOKS)


def test_a_size_outside_the_interval_or_another_line_differs() -> None:
    stored = Recording.load(STORED)
    assert not differs_only_within_sizes(stored, _with(stored, "36.4kB", "39.9kB"), NOTEBOOKS)
    assert not differs_only_within_sizes(stored, _with(stored, "16.4kB", "16.5kB", "docker history"), NOTEBOOKS)
