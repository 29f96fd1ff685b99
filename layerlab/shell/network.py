"""``wget`` and ``curl``: builds run with ``--network none`` (the engine tests do), so they fail."""

from __future__ import annotations

import posixpath

from layerlab.i18n import _

from .process import Process
from .registry import command
from .streams import IO


@command("wget", "curl")
def _network(sh: Process, argv: list[str], io: IO) -> int:
    """Builds run with ``--network none`` (the engine tests do): a download fails, as there."""
    name = posixpath.basename(argv[0])
    url = next((a for a in argv[1:] if "://" in a), "")
    host = url.split("://", 1)[-1].split("/", 1)[0] if url else "?"
    if name == "curl":
        io.err(f"curl: (6) Could not resolve host: {host} " + _("(layerlab builds run with --network none)") + "\n")
        return 6
    io.err(f"wget: bad address '{host}' " + _("(layerlab builds run with --network none)") + "\n")
    return 1
