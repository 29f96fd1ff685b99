"""What the kernel says in a notebook's language, so a check can find it on the page.

The course's widgets speak the learner's language: every sentence goes through layerlab's
catalogue (``layerlab.i18n.translate``), and a kernel started in ``notebooks/ko/`` speaks
Korean. A check written against the English sentence looks that sentence up the same way
and finds what the page shows: the Korean text where the catalogue has it, the English one
where it does not yet. :class:`Say` gives the sentence with its values filled in, or a
pattern that matches it whatever the values the check cannot know.

JupyterLab's own interface ("Run All Cells") is English in every track: checks name it as
it is, never through :class:`Say`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from layerlab.i18n import translate

#: Characters that are special in a regular expression, escaped alike for Python and for
#: JavaScript (``new RegExp``: a pattern goes to the page as it is).
_SPECIAL = re.compile(r"[.*+?^${}()|\[\]\\/]")
_TAG = re.compile(r"<[^<>]*>")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'", "&amp;": "&"}


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _as_shown(text: str) -> str:
    """What a page shows of a sentence written in HTML or the course's Markdown: its text,
    without tags, code backticks or bold/italic stars."""
    text = _TAG.sub("", text)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text.replace("`", "").replace("**", "")


@dataclass(frozen=True)
class Say:
    """Sentences as a kernel speaking ``code`` shows them (``"en"``, ``"ko"``)."""

    code: str = "en"

    def __call__(self, english: str, /, **values: Any) -> str:
        """``english`` in this language with ``values`` filled, as ``layerlab.i18n._`` does it."""
        text = translate(english, self.code)
        return text.format(**values) if values else text

    def translated(self, english: str) -> bool:
        """Whether the catalogue has ``english`` in this language (English: always)."""
        return self.code == "en" or translate(english, self.code) != english

    def shown(self, english: str, /, **values: Any) -> str:
        """:meth:`__call__` as the page shows it: tags, backticks and ``**`` left out."""
        return _as_shown(self(english, **values))

    def pattern(self, *english: str, **values: Any) -> re.Pattern[str]:
        """The ``english`` sentence (or any of several) in this language as the page shows
        it, as a pattern: each field that ``values`` fills is that value, any other field is
        any text; runs of spaces match any whitespace. Its ``.pattern`` is valid in
        JavaScript too (``new RegExp``)."""
        return re.compile("|".join(self._pattern(e, values) for e in english))

    def _pattern(self, english: str, values: dict[str, Any]) -> str:
        parts = []
        template = translate(english, self.code).strip()
        for literal, field, spec, conversion in string.Formatter().parse(template):
            parts.append(r"\s+".join(_escape(w) for w in re.split(r"\s+", _as_shown(literal))))
            if field is None:
                continue
            if field in values:
                value = values[field]
                value = repr(value) if conversion == "r" else str(value) if conversion == "s" else value
                parts.append(_escape(_as_shown(format(value, spec or ""))))
            else:
                parts.append(r"[\s\S]*?")
        return "".join(parts)

    def describe(self, english: str) -> str:
        """For a failure message: the English sentence and what the catalogue gives for it."""
        if self.code == "en":
            return repr(english)
        said = translate(english, self.code)
        how = repr(said) if said != english else "not in the catalogue yet: English"
        return f"{english!r} ({self.code}: {how})"


ENGLISH = Say("en")
