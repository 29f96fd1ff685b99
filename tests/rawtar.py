"""Build tars and archives byte by byte, including the malformed and hostile ones
layerlab itself would never write."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path


def tar_bytes(members: list[tuple], *, end: bool = True) -> bytes:
    """members: (name, type, data_or_linkname, extra) tuples; type in file/dir/symlink/hardlink/char."""
    out = io.BytesIO()
    for m in members:
        name, kind, payload = m[0], m[1], m[2] if len(m) > 2 else b""
        extra = m[3] if len(m) > 3 else {}
        info = tarfile.TarInfo(name)
        info.mode = extra.get("mode", 0o755 if kind == "dir" else 0o644)
        info.mtime = extra.get("mtime", 0)
        info.type = {
            "file": tarfile.REGTYPE,
            "dir": tarfile.DIRTYPE,
            "symlink": tarfile.SYMTYPE,
            "hardlink": tarfile.LNKTYPE,
            "char": tarfile.CHRTYPE,
        }[kind]
        if kind == "file":
            info.size = len(payload)
        elif kind in ("symlink", "hardlink"):
            info.linkname = payload
        elif kind == "char":
            info.devmajor, info.devminor = extra.get("dev", (1, 3))
        out.write(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        if kind == "file" and payload:
            out.write(payload)
            out.write(bytes(-len(payload) % 512))
    if end:
        out.write(bytes(1024))
    return out.getvalue()


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config_for(diff_ids: list[str]) -> bytes:
    history = [{"created_by": f"step {i}"} for i in range(len(diff_ids))]
    return json.dumps({
        "architecture": "amd64", "os": "linux", "config": {}, "history": history,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }).encode()


def docker_save(path: Path, layers: list[bytes], *, diff_ids: list[str] | None = None,
                config: bytes | None = None, manifest: object = None, tags=("hostile:1",),
                extra: dict[str, bytes] | None = None) -> Path:
    """A legacy docker-save tar. Layers are stored as given (gzip them first to test that)."""
    if diff_ids is None:
        diff_ids = [sha(gzip.decompress(l) if l[:2] == b"\x1f\x8b" else l) for l in layers]
    config = config if config is not None else config_for(diff_ids)
    config_name = sha(config)[7:] + ".json"
    files: dict[str, bytes] = {config_name: config}
    names = []
    for i, layer in enumerate(layers):
        name = f"layer{i}/layer.tar"
        files[name] = layer
        names.append(name)
    if manifest is None:
        manifest = [{"Config": config_name, "RepoTags": list(tags), "Layers": names}]
    files["manifest.json"] = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    files.update(extra or {})
    path.write_bytes(tar_bytes([(n, "file", d) for n, d in files.items()]))
    return path
