"""Why an engine picks the storage driver it picks: :func:`choose_driver` with its reasons.

``choose_driver`` gives the answer; this walks the same priority list with the same
``works_on`` test and keeps each candidate's verdict, so a learner sees *why* overlay2 wins
on ext4 and btrfs wins on btrfs with Engine 20.10 but not with 23.0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import DriverError
from .registry import DRIVERS, choose_driver, priority_list, works_on

__all__ = ["Candidate", "Choice", "check_version", "explain_choice"]


@dataclass(frozen=True)
class Candidate:
    """One driver of the priority list and what the engine found when it tried it."""

    driver: str
    verdict: str  #: "chosen", "skipped" (cannot work here) or "not tried" (a winner came first)
    reason: str


@dataclass(frozen=True)
class Choice:
    driver: str
    backing_fs: str
    engine_version: str
    kernel: str
    rootless: bool
    candidates: tuple[Candidate, ...]

    @property
    def why(self) -> str:
        """One sentence: the winner's place in the priority list and what it beat."""
        skipped = [c for c in self.candidates if c.verdict == "skipped"]
        order = " > ".join(c.driver for c in self.candidates)
        before = "; ".join(f"{c.driver}: {c.reason}" for c in skipped)
        return (
            f"Engine {self.engine_version} tries {order} in that order and takes the first that works "
            f"on {self.backing_fs}: {self.driver}" + (f" (skipped {before})" if before else "")
        )


#: A release number, then optionally a distribution suffix: 20.10.24+dfsg1, 5.10.0-28-amd64.
_VERSION = re.compile(r"v?\d+(\.\d+){0,3}([-+~][0-9A-Za-z.+~-]*)?")


def check_version(text: str, what: str, examples: str) -> None:
    """Refuse what is not a version (``"24.x"``, ``"latest"``): the choice depends on the number."""
    if not _VERSION.fullmatch(text.strip()):
        raise DriverError(f"{what}: {text!r} is not a version number; type e.g. {examples}")


def explain_choice(
    backing_fs: str, *, engine_version: str = "29.0", kernel: str = "6.1", rootless: bool = False
) -> Choice:
    """The driver a fresh engine (no ``--storage-driver``, empty data root) picks, and why.

    Raises :class:`DriverError` for a version that is not one, or when nothing works.
    """
    check_version(engine_version, "Engine version", "'29.0' or '20.10.24'")
    check_version(kernel, "kernel version", "'6.1' or '5.10.0-28-amd64'")
    chosen = choose_driver(
        backing_fs, engine_version=engine_version, kernel=kernel, rootless=rootless
    )
    candidates: list[Candidate] = []
    found = False
    for name in priority_list(engine_version):
        status = DRIVERS[name].status
        if found:
            candidates.append(
                Candidate(name, "not tried", "a driver earlier in the list already works")
            )
        elif not status.supported or not status.available_in(engine_version):
            candidates.append(Candidate(name, "skipped", f"never chosen automatically ({status})"))
        else:
            ok, why = works_on(name, backing_fs, kernel=kernel, rootless=rootless)
            candidates.append(Candidate(name, "chosen" if ok else "skipped", why))
            found = ok
    assert found and next(c.driver for c in candidates if c.verdict == "chosen") == chosen
    return Choice(chosen, backing_fs, engine_version, kernel, rootless, tuple(candidates))
