"""The rules a comparison follows: which facts differ, and which images take part.

Facts are compared key by key; lists and dicts item by item, so a difference names the
history row or data-root path it is about. A size the model knows only within an interval
(compressed content in the containerd store: :mod:`.size_range`) agrees with every printed
value the interval admits, and a difference shows the interval.
"""

from __future__ import annotations

from collections.abc import Iterator

from layerlab.model.reference import full_ref

from .facts import Observation

__all__ = ["differences", "only_made_images"]

#: What a side's facts hold about all images, compared only when the engine has no others.
IMAGE_TOTALS = ("images_size", "images_active", "images_reclaimable")


def differences(mine: Observation, theirs: Observation) -> Iterator[str]:
    """One line for each fact the simulator (``mine``) and the engine (``theirs``) disagree on."""
    if mine.ok != theirs.ok:
        yield f"simulator {'succeeded' if mine.ok else 'failed'}, engine {'succeeded' if theirs.ok else 'failed'}"
        yield f"  simulator: {mine.output.strip()[-300:]}"
        yield f"  engine:    {theirs.output.strip()[-300:]}"
        return
    for key in sorted(set(mine.facts) | set(theirs.facts)):
        a, b = mine.facts.get(key), theirs.facts.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for path in sorted(set(a) | set(b)):
                if a.get(path) != b.get(path):
                    yield f"{key} {path}: simulator {a.get(path, '(nothing)')!r} != engine {b.get(path, '(nothing)')!r}"
        elif isinstance(a, list) and isinstance(b, list):
            for i in range(max(len(a), len(b))):
                x = a[i] if i < len(a) else "(nothing)"
                y = b[i] if i < len(b) else "(nothing)"
                if x != y:
                    yield f"{key}[{i}]: simulator {x!r} != engine {y!r}"
        else:
            yield f"{key}: simulator {a!r} != engine {b!r}"


def only_made_images(mine: Observation, theirs: Observation, tags: set[str]) -> str:
    """An engine may hold images the lines did not make: keep only the rows of ``tags``
    on both sides, and drop the totals when the engine had others. Returns a note saying so,
    or ""."""

    def made(name: str) -> bool:
        return any(full_ref(t) in tags for t in name.split(",") if t)

    note = ""
    for key in ("images", "per_image"):
        if isinstance(theirs.facts.get(key), list):
            before = len(theirs.facts[key])
            theirs.facts[key] = [row for row in theirs.facts[key] if made(row[0])]
            mine.facts[key] = [row for row in mine.facts[key] if made(row[0])]
            if len(theirs.facts[key]) != before:
                note = "the engine has other images too: compared the scenario's only"
    if note and "images_size" in theirs.facts:
        for facts in (mine.facts, theirs.facts):
            for key in IMAGE_TOTALS:
                facts.pop(key, None)
            if isinstance(facts.get("images"), int):
                facts.pop("images")
    return note
