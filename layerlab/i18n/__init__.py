"""The learner's language: every sentence layerlab shows goes through a message catalogue.

English is the source text. ``_("...")`` translates a sentence when it is shown; ``N_`` marks
one written down earlier (a table of messages, an exercise) that is translated where it is
shown. The catalogues are gettext ``.po`` files under ``locales/<language>/``, read with
Babel; which language is in force is :func:`language`.
"""

from .catalogue import N_, Texts, _, translate
from .language import LANGUAGES, language, set_language

__all__ = ["LANGUAGES", "N_", "Texts", "_", "language", "set_language", "translate"]
