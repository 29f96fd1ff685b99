"""The simulated host a lab works on: one the notebook passes in, or a new one playing the
engine the learner picked (``engine=``, else ``$LAYERLAB_ENGINE``, else the default profile)."""

from __future__ import annotations

from typing import Any

from layerlab.engine.host import Host
from layerlab.i18n import N_, translate
from layerlab.model.errors import LayerlabError

BOTH = N_("pass host= or engine=, not both: a host already plays its engine "
        "({profile}); make it with Host(engine=...) instead")


def lab_host(host: Host | None, engine: str | None, **options: Any) -> Host:
    """``host`` itself, or ``Host(engine=engine, **options)``."""
    if host is None:
        return Host(engine=engine, **options)
    if engine is not None:
        raise LayerlabError(translate(BOTH).format(profile=host.profile.describe()))
    return host
