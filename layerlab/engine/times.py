"""How long ago, in the docker CLI's words (``CREATED`` of ``docker images`` and ``history``).

The CLI prints ``units.HumanDuration(now - created) + " ago"`` (docker/go-units). In the
model no time passes: an image built or committed on the host was created "Less than a
second ago"; an image that came from elsewhere (the catalogue, an archive) is as old as
its config's ``created`` says, counted from the host's ``now``.
"""

from __future__ import annotations

from datetime import datetime, timezone

NOW = "Less than a second ago"


def human_duration(seconds: float) -> str:
    """go-units ``HumanDuration``: ``Less than a second``, ``5 seconds``, ``About an hour``..."""
    whole = int(seconds)
    if whole < 1:
        return "Less than a second"
    if whole == 1:
        return "1 second"
    if whole < 60:
        return f"{whole} seconds"
    minutes = int(seconds / 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / 3600 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def parse_created(text: str) -> datetime | None:
    """An image config's ``created`` (RFC 3339, nanoseconds allowed); None if unreadable."""
    try:
        head = text.rstrip("Z").partition(".")[0]
        when = datetime.fromisoformat(head)
    except (TypeError, ValueError):
        return None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


def created_ago(created: str, now: datetime, *, made_here: bool) -> str:
    """The CREATED cell: ``Less than a second ago`` for an image made here, else its age."""
    when = None if made_here else parse_created(created)
    if when is None:
        return NOW
    return human_duration((now - when).total_seconds()) + " ago"
