"""Which BuildKit builds: the two an engine of the course runs, and what differs between them.

Engine 20.10 builds with BuildKit 0.8, Engine 28.5 with BuildKit 0.25 (both built into
the daemon). They make the same layers and cache hits, with three differences (measured on
both engines with the same Dockerfiles):

- ``docker history``: four kinds of row read differently (the table in :mod:`.history`);
- a ``RUN`` in an image without ``/etc``: runc makes ``/etc/hosts`` and
  ``/etc/resolv.conf`` stubs to mount over; 0.8 removes the stubs but leaves the ``etc``
  directory it made for them in the layer, 0.25 removes that directory too;
- two steps of one build with the same cache key that are not the same vertex (``COPY
  --from`` of the same files out of two stages): 0.8 merges them, its log shows one;
  0.25 runs and shows both (scenarios/found/20.10-copy-from-twins).

Versions in between are not modelled: an engine profile names one of these two.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildKit:
    """What one BuildKit version writes into ``created_by`` and leaves in RUN layers."""

    name: str
    copy_flags: bool  #: COPY/ADD show ``--chown=`` and ``--chmod=``
    expose_list: bool  #: ``EXPOSE [80/tcp]``, not ``EXPOSE map[80/tcp:{}]``
    start_interval: bool  #: HEALTHCHECK shows four durations (start interval last)
    arg_values: bool  #: ``ARG NAME`` shows the value in effect (--build-arg, global ARG)
    keeps_stub_dir: bool  #: a RUN layer keeps the ``etc`` it made for mount stubs
    merges_twins: bool  #: two steps of one build with one key (not one vertex) are merged, shown once


BUILDKIT_0_8 = BuildKit("BuildKit 0.8 (Docker Engine 20.10)", False, False, False, False, True, True)
BUILDKIT_0_25 = BuildKit("BuildKit 0.25 (Docker Engine 28.5)", True, True, True, True, False, False)
