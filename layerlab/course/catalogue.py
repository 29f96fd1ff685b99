"""Every sentence of layerlab a catalogue translates, by part, and the ``.po`` files that hold them.

The sentences come from the package's source (marked with ``_``, ``N_`` or ``Texts``:
:mod:`layerlab.i18n.extract`) and from the course data, which is written as plain English
(each exercise's question, options, hints, explanation and proof title). A part is one
``.po`` file of a language: ``exercises-04`` for notebook 04's exercises, ``widgets``,
``pictures``, ``cli``, ``course``, ``messages`` for the rest. ``scripts/catalogue``
updates and checks them; ``tests/test_message_catalogue.py`` fails on any sentence untranslated.
"""

from __future__ import annotations

import io
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layerlab.i18n.catalogue import LOCALES
from layerlab.i18n.extract import marked_in

__all__ = ["PACKAGE", "Entry", "Problem", "area_of", "entries", "problems", "update"]

PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Entry:
    """One sentence to translate, its part and where it comes from."""

    text: str
    area: str
    where: str


@dataclass(frozen=True)
class Problem:
    area: str
    text: str
    what: str

    def __str__(self) -> str:
        return f"{self.area}.po: {self.what}: {self.text[:90]!r}"


def area_of(path: Path) -> str:
    """The part a source file's sentences belong to."""
    parts = path.relative_to(PACKAGE).parts
    if parts[:2] == ("course", "exercises") and parts[-1].startswith("nb"):
        return f"exercises-{parts[-1][2:4]}"
    return {"widgets": "widgets", "render": "pictures", "cli": "cli", "course": "course"}.get(parts[0], "messages")


def _course_data() -> Iterable[Entry]:
    from .exercises import EXERCISES  # here: the course data imports every notebook's module

    for ex in EXERCISES.values():
        area = f"exercises-{ex.id[:2]}" if ex.id else "course"
        yield from (Entry(t, area, f"exercise {ex.id}") for t in ex.source_texts())
        if ex.proof is not None:
            yield Entry(ex.proof.title, area, f"exercise {ex.id} proof")


def entries() -> dict[str, dict[str, Entry]]:
    """Every sentence to translate, by part, in source order; a sentence is in one part only."""
    seen: set[str] = set()
    parts: dict[str, dict[str, Entry]] = {}
    found = [
        Entry(m.text, area_of(m.path), str(m.path.relative_to(PACKAGE.parent)))
        for path in sorted(PACKAGE.rglob("*.py"))
        for m in marked_in(path)
    ]
    for entry in [*found, *_course_data()]:
        if entry.text and entry.text not in seen:
            seen.add(entry.text)
            parts.setdefault(entry.area, {})[entry.text] = entry
    return parts


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a sentence fills (a translation must keep every one); a sentence
    that is never formatted may hold a lone brace, and fills none."""
    try:
        return {f[1] for f in string.Formatter().parse(text) if f[1] is not None}
    except ValueError:
        return set()


def _read(path: Path, code: str):  # type: ignore[no-untyped-def]
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    if not path.exists():
        return Catalog(locale=code, project="layerlab", domain=path.stem)
    with path.open("rb") as f:
        return read_po(f, locale=code)


def update(code: str, areas: Iterable[str] | None = None) -> list[Path]:
    """Write ``locales/<code>/<part>.po`` for each part (all, or ``areas``): every sentence
    of the part, its translation kept where there is one, sentences no longer in the source
    dropped. Returns the files written."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    wanted = entries()
    written = []
    for area in sorted(areas or wanted):
        path = LOCALES / code / f"{area}.po"
        old = _read(path, code)
        new = Catalog(locale=code, domain=area, fuzzy=False)
        for text, entry in wanted.get(area, {}).items():
            before = old.get(text)
            new.add(text, before.string if before else "", auto_comments=[entry.where],
                    flags=before.flags if before else ())  # fmt: skip
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(buffer, new, width=100, omit_header=True, no_location=True, sort_output=False)
        path.write_bytes(_HEADER.encode() + buffer.getvalue())
        written.append(path)
    return written


_HEADER = """\
# layerlab's sentences in this language, one part of the package (UTF-8).
# scripts/catalogue update LANG PART adds new sentences and drops gone ones; check LANG lists gaps.

"""


def problems(code: str) -> list[Problem]:
    """Every sentence of the source ``code``'s catalogue lacks or gets wrong, and every
    entry it holds that the source no longer has."""
    found: list[Problem] = []
    wanted = entries()
    files = {p.stem for p in (LOCALES / code).glob("*.po")}
    for area in sorted(set(wanted) | files):
        catalogue = _read(LOCALES / code / f"{area}.po", code)
        held = {m.id: m for m in catalogue if m.id}
        for text in wanted.get(area, {}):
            message = held.get(text)
            if message is None:
                found.append(Problem(area, text, "missing (run scripts/catalogue update)"))
            elif not message.string:
                found.append(Problem(area, text, "not translated"))
            elif message.fuzzy:
                found.append(Problem(area, text, "marked fuzzy"))
            elif placeholders(message.string) != placeholders(text):
                found.append(Problem(area, text, f"placeholders {sorted(placeholders(message.string))} "
                                                 f"!= {sorted(placeholders(text))}"))
        found += [Problem(area, text, "no longer in the source") for text in held if text not in wanted.get(area, {})]
    return found
