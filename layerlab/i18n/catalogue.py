"""The catalogues: English sentences to their translations, read from ``.po`` files.

A language's catalogue is every ``locales/<language>/*.po`` file together (one file a
part of the package, so translators work on parts side by side). Entries marked fuzzy or
left empty are not used: the English sentence is shown instead, and the catalogue test
names each one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

from .language import language

__all__ = ["LOCALES", "N_", "Texts", "_", "catalogue", "translate"]

#: Where the ``.po`` files live, one folder a language.
LOCALES = Path(__file__).with_name("locales")


@cache
def catalogue(code: str) -> dict[str, str]:
    """Every translated sentence of ``code`` (English: none, the source is English)."""
    from babel.messages.pofile import read_po  # here: reading costs ~50 ms, once, when needed

    found: dict[str, str] = {}
    for path in sorted((LOCALES / code).glob("*.po")):
        with path.open("rb") as f:
            for message in read_po(f, locale=code):
                if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
                    found[message.id] = message.string
    return found


def translate(message: str, code: str | None = None) -> str:
    """``message`` in ``code`` (default: :func:`language`), or as written if not translated."""
    code = code or language()
    if code == "en" or not message:
        return message
    return catalogue(code).get(message, message)


def _(message: str, /, **values: object) -> str:
    """``message`` in the learner's language, its ``{names}`` filled with ``values``."""
    text = translate(message)
    return text.format(**values) if values else text


def N_(message: str, /) -> str:  # noqa: N802 - gettext's name for "translate later"
    """Marks ``message`` for the catalogue; :func:`_` or :func:`translate` translates it later."""
    return message


class Texts(Mapping[str, str]):
    """A module's table of messages (``TEXT = Texts({...})``): each is translated when read."""

    def __init__(self, messages: Mapping[str, str]) -> None:
        self._messages = dict(messages)

    def __getitem__(self, key: str) -> str:
        return translate(self._messages[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def source(self, key: str) -> str:
        """The English sentence, as written."""
        return self._messages[key]
