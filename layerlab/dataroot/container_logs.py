"""A container's log files in ``containers/<id>/``, as its logging driver left them.

The same in both image stores (the log is the daemon's, not the store's): ``<id>-json.log``
and its rotations with json-file, ``local-logs/container.log`` with local, nothing with
none (:mod:`layerlab.engine.logs`). Each file says its size: none of it is counted by
``docker ps -s`` or ``docker system df``, and all of it goes with ``docker rm``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layerlab.i18n import N_, _, translate
from layerlab.model.container import Container

from .nodeset import NodeSet

if TYPE_CHECKING:
    from layerlab.engine.host import Host

__all__ = ["log_nodes"]

#: How many lines of a json-file log the data root shows as the file's text.
SHOWN_LINES = 20
#: The words of the nodes, in one place.
JSON_FILE = N_("{what}, one JSON object per line (what docker logs reads): {size:,} bytes")
LOCAL_FILE = N_("{what}, length-framed protobuf records{gz}: {size:,} bytes")
NOT_COUNTED = N_("; not counted by docker ps -s or docker system df")
LOCAL_DIR = N_("the local logging driver's files")


def log_nodes(out: NodeSet, host: Host, c: Container, root: str, made: str) -> None:
    """The log files of ``c`` below ``root/containers/<id>``."""
    log = host.container_log(c)
    cdir = f"{root}/containers/{c.id}"
    driver = log.config.driver
    if driver == "local":
        out.dir(f"{cdir}/local-logs", LOCAL_DIR, made)
    for n, f in enumerate(reversed(log.files)):
        what = _("its output") if n == len(log.files) - 1 else _("older output, rotated")
        size = f.size(driver)
        if driver == "json-file":
            text = None if f.compressed else _preview(f.data(driver))
            out.file(f"{cdir}/{f.name}", translate(JSON_FILE).format(what=what, size=size) + translate(NOT_COUNTED), made, text)
        else:
            gz = _(", gzipped") if f.compressed else ""
            out.file(f"{cdir}/{f.name}", translate(LOCAL_FILE).format(what=what, gz=gz, size=size) + translate(NOT_COUNTED), made)


def _preview(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").splitlines(keepends=True)
    more = len(lines) - SHOWN_LINES
    return "".join(lines[:SHOWN_LINES]) + (_("… and {more:,} more lines", more=more) + "\n" if more > 0 else "")
