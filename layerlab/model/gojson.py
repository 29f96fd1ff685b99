"""JSON as Go's ``encoding/json`` writes it, so a document's digest is the one an engine computes.

Go keeps non-ASCII text as UTF-8 but escapes ``<``, ``>``, ``&``, U+2028 and U+2029
(``\\u003c`` ...); ``json.Marshal`` writes no spaces, ``json.MarshalIndent`` one key per
line. Key order is the caller's (Go writes struct fields in declaration order).

>>> go_json({"a": "x > y"})
'{"a":"x \\\\u003e y"}'
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_json(value: Any, *, indent: int | None = None) -> str:
    """``json.Marshal(value)``, or ``json.MarshalIndent(value, "", indent spaces)``."""
    if indent is None:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    else:
        text = json.dumps(value, indent=indent, ensure_ascii=False)
    for char, escaped in _ESCAPES.items():
        # these characters can only stand inside JSON strings, so replacing them is safe
        text = text.replace(char, escaped)
    return text


def go_json_bytes(value: Any, *, indent: int | None = None) -> bytes:
    return go_json(value, indent=indent).encode()
