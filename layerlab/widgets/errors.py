"""How a widget fails: one message inside it, never a traceback in the learner's notebook.

Every button, picker and text box of every widget runs its action through :func:`guard`.
A :class:`~layerlab.model.errors.LayerlabError` is a message for the learner (a bad
Dockerfile line, an operation the kernel refuses); an ``OSError`` names the file; anything
else is a bug in layerlab and is shown as one. :func:`error_html` is the box every widget
shows its message in.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from layerlab.i18n import _
from layerlab.model.errors import LayerlabError

__all__ = ["ERROR_COLOUR", "error_html", "guard", "message_for"]

ERROR_COLOUR = "#b00020"


def message_for(error: Exception) -> str:
    """What the learner reads about ``error``: its own words, or that layerlab failed."""
    if isinstance(error, LayerlabError):
        return str(error)
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"{reason}: {error.filename}" if error.filename else reason
    return _("Something went wrong in the widget itself ({kind}: {error}).", kind=type(error).__name__, error=error)


def guard(action: Callable[[], object], show_error: Callable[[str], None]) -> bool:
    """Run ``action``; if it raises, hand one readable message to ``show_error``.

    True when the action ran to the end. Never raises, even if ``show_error`` does: a
    callback that raised would print a traceback into the notebook.
    """
    try:
        action()
        return True
    except Exception as error:  # noqa: BLE001 - the learner must never see a traceback
        try:
            show_error(message_for(error))
        except Exception:  # noqa: BLE001, S110 - last resort: the widget itself is broken
            pass
        return False


def error_html(box: str, message: str, *, title: str = "", note: str = "") -> str:
    """The red box: ``⚠ title:`` in bold, the message, and in italics what the view kept.

    ``box`` is the widget's CSS class; the box gets ``<box>-error-body``.
    """
    head = f"⚠ {html.escape(title)}:" if title else "⚠"
    kept = f"<br/><i>{html.escape(note)}</i>" if note else ""
    return (
        f"<div class='{box}-error-body' style='color:{ERROR_COLOUR}'><b>{head}</b> "
        f"{html.escape(message)}{kept}</div>"
    )
