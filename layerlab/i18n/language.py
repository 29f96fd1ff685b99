"""Which language the learner reads: chosen once, by the course, the shell or the code.

In order: :func:`set_language` (code, e.g. a widget's ``language=``), ``$LAYERLAB_LANG``,
then the course setting: a ``layerlab.toml`` with ``language = "ko"`` in the working
directory (a notebook's kernel starts in the notebook's folder, so the notebooks in
``notebooks/ko/`` speak Korean by themselves); else English.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

__all__ = ["LANGUAGES", "SETTING_FILE", "UnknownLanguage", "language", "set_language"]

#: The languages layerlab speaks: English (the source text) and those with catalogues.
LANGUAGES = ("en", "ko")
#: The course setting a folder of notebooks carries.
SETTING_FILE = "layerlab.toml"

_chosen: str | None = None
_by_folder: dict[str, str | None] = {}


class UnknownLanguage(ValueError):
    def __init__(self, code: str, where: str) -> None:
        super().__init__(f"{where} asks for language {code!r}; layerlab speaks {', '.join(LANGUAGES)}")


def _checked(code: str, where: str) -> str:
    code = code.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise UnknownLanguage(code, where)
    return code


def set_language(code: str | None) -> None:
    """Speak ``code`` from now on in this process; None goes back to the setting."""
    global _chosen
    _chosen = None if code is None else _checked(code, "set_language")


def _folder_setting(folder: str) -> str | None:
    if folder not in _by_folder:
        path = Path(folder) / SETTING_FILE
        try:
            wanted = tomllib.loads(path.read_text(encoding="utf-8")).get("language")
        except (OSError, tomllib.TOMLDecodeError):
            wanted = None
        _by_folder[folder] = _checked(str(wanted), str(path)) if wanted else None
    return _by_folder[folder]


def language() -> str:
    """The language in force now (``"en"``, ``"ko"``)."""
    if _chosen:
        return _chosen
    if env := os.environ.get("LAYERLAB_LANG"):
        return _checked(env, "$LAYERLAB_LANG")
    try:
        folder = os.getcwd()
    except OSError:  # the working directory was removed
        return "en"
    return _folder_setting(folder) or "en"
