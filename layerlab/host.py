"""The simulated Docker host: images, tags and the build cache, with the docker CLI's verbs.

One object a notebook creates. Its verbs print what the docker CLI prints (ids, sizes,
column layout), so a course can show ``docker history`` or ``docker system df -v`` for
images that live only in the model. Later chapters add containers, volumes and drivers
by extending this object, not by reshaping it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .archive import read_archive, save_docker_archive
from .build.builder import BuildCache, BuildResult, build
from .build.catalogue import CatalogueError, base_image
from .build.context import BuildContext
from .digest import short_id
from .errors import LayerlabError
from .image import Image
from .inspect import human_size


class HostError(LayerlabError):
    """A docker command that the daemon would refuse (no such image, image in use...)."""


def full_ref(ref: str) -> str:
    """``app`` -> ``app:latest``; a digest or id stays as it is."""
    if ref.startswith("sha256:"):
        return ref
    name = ref.rsplit("/", 1)[-1]
    return ref if ":" in name else ref + ":latest"


@dataclass
class ImageRecord:
    image: Image
    created: int  # a logical clock: which image was made after which


@dataclass
class Host:
    """A daemon in the model. ``base_images`` resolves ``FROM`` names not built here."""

    images: dict[str, ImageRecord] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    use_catalogue: bool = True
    _clock: itertools.count = field(default_factory=itertools.count, repr=False)

    def __post_init__(self) -> None:
        self.build_cache = BuildCache()

    # -- lookups ------------------------------------------------------------------------
    def image(self, ref: str) -> Image:
        found = self.find(ref)
        if found is None:
            raise HostError(f"Error: No such image: {ref}")
        return found

    def find(self, ref: str) -> Image | None:
        if full_ref(ref) in self.tags:
            return self.images[self.tags[full_ref(ref)]].image
        hexid = ref.removeprefix("sha256:")
        if len(hexid) >= 4 and all(c in "0123456789abcdef" for c in hexid):
            matches = [i for i in self.images if i[7:].startswith(hexid)]
            if len(matches) == 1:
                return self.images[matches[0]].image
        return None

    def _base(self, ref: str) -> Image | None:
        found = self.find(ref)
        if found is not None or not self.use_catalogue:
            return found
        try:
            return base_image(ref)
        except CatalogueError as err:
            raise HostError(f"FROM {ref}: no such image here, and {err}") from None

    def tags_of(self, image_id: str) -> list[str]:
        return sorted(t for t, i in self.tags.items() if i == image_id)

    # -- verbs --------------------------------------------------------------------------
    def add(self, image: Image, tag: str | None = None) -> Image:
        """Store an image (once) and tag it."""
        if image.image_id not in self.images:
            self.images[image.image_id] = ImageRecord(image, next(self._clock))
        if tag:
            self.tags[full_ref(tag)] = image.image_id
        return image

    def build(self, context: Any, tag: str | None = None, *, dockerfile: str | None = None,
              build_args: dict[str, str] | None = None, target: str | None = None) -> BuildResult:
        """``docker build``: the image is stored and tagged only if every step succeeded."""
        if not isinstance(context, BuildContext):
            context = BuildContext.from_dir(Path(context), dockerfile or "Dockerfile")
            dockerfile = None
        result = build(context, resolve_image=self._base, cache=self.build_cache, dockerfile=dockerfile,
                       build_args=build_args, target=target, tag=full_ref(tag) if tag else None)
        self.add(result.image, tag)
        return result

    def tag(self, source: str, target: str) -> None:
        self.tags[full_ref(target)] = self.image(source).image_id

    def rmi(self, ref: str, *, force: bool = False) -> list[str]:
        """``docker rmi``: untag; delete the image when no tag is left. Lines as docker prints."""
        image = self.image(ref)
        out: list[str] = []
        tags = self.tags_of(image.image_id)
        if full_ref(ref) in tags and (len(tags) > 1 and not force):
            del self.tags[full_ref(ref)]
            return [f"Untagged: {full_ref(ref)}"]
        for tag in tags:
            del self.tags[tag]
            out.append(f"Untagged: {tag}")
        del self.images[image.image_id]
        out.append(f"Deleted: {image.image_id}")
        return out

    def save(self, refs: list[str], path: str | Path) -> Path:
        return save_docker_archive({r: self.image(r) for r in refs}, path)

    def load(self, path: str | Path) -> list[str]:
        """``docker load``: every image of the archive, with its tags. Lines as docker prints."""
        out = []
        for archived in read_archive(path):
            self.add(archived.image)
            for tag in archived.tags:
                self.tags[full_ref(tag)] = archived.image.image_id
                out.append(f"Loaded image: {tag}")
            if not archived.tags:
                out.append(f"Loaded image ID: {archived.image.image_id}")
        return out

    # -- what docker prints ------------------------------------------------------------
    def history_rows(self, ref: str) -> list[dict[str, str]]:
        """``docker history``: newest first; only the top row names an image (BuildKit builds)."""
        image = self.image(ref)
        rows = []
        for n, (step, layer) in enumerate(reversed(image.steps())):
            rows.append({
                "IMAGE": short_id(image.image_id) if n == 0 else "<missing>",
                "CREATED BY": step.created_by,
                "SIZE": human_size(layer.size if layer else 0),
                "COMMENT": step.comment or "",
            })
        return rows

    def history(self, ref: str, *, no_trunc: bool = False) -> str:
        rows = self.history_rows(ref)
        if not no_trunc:
            for row in rows:
                text = row["CREATED BY"]
                row["CREATED BY"] = text if len(text) <= 45 else text[:44] + "…"
        return _table(rows, ["IMAGE", "CREATED BY", "SIZE", "COMMENT"])

    def image_rows(self) -> list[dict[str, str]]:
        rows = []
        for image_id, record in sorted(self.images.items(), key=lambda kv: -kv[1].created):
            tags = self.tags_of(image_id) or ["<none>:<none>"]
            for tag in tags:
                repo, _, name = tag.rpartition(":")
                rows.append({"REPOSITORY": repo, "TAG": name, "IMAGE ID": short_id(image_id),
                             "SIZE": human_size(record.image.size)})
        return rows

    def images_table(self) -> str:
        return _table(self.image_rows(), ["REPOSITORY", "TAG", "IMAGE ID", "SIZE"])

    def layer_usage(self) -> dict[str, int]:
        """Bytes per stored layer, keyed by chain id: a layer shared by images counts once."""
        usage: dict[str, int] = {}
        for record in self.images.values():
            for chain, layer in zip(record.image.chain_ids, record.image.layers):
                usage[chain] = layer.size
        return usage

    def system_df(self) -> dict[str, Any]:
        usage = self.layer_usage()
        per_image = []
        holders: dict[str, int] = {}
        for record in self.images.values():
            for chain in set(record.image.chain_ids):
                holders[chain] = holders.get(chain, 0) + 1
        for image_id, record in self.images.items():
            chains = dict(zip(record.image.chain_ids, record.image.layers))
            shared = sum(layer.size for chain, layer in chains.items() if holders[chain] > 1)
            per_image.append({
                "id": image_id, "tags": self.tags_of(image_id), "size": record.image.size,
                "shared": shared, "unique": record.image.size - shared,
            })
        return {"images": len(self.images), "images_size": sum(usage.values()), "per_image": per_image,
                "build_cache": len(self.build_cache)}

    def system_df_text(self, verbose: bool = False) -> str:
        df = self.system_df()
        size = df["images_size"]
        rows = [
            {"TYPE": "Images", "TOTAL": str(df["images"]), "ACTIVE": "0", "SIZE": human_size(size, 4),
             "RECLAIMABLE": f"{human_size(size, 4)} (100%)" if size else "0B"},
            {"TYPE": "Containers", "TOTAL": "0", "ACTIVE": "0", "SIZE": "0B", "RECLAIMABLE": "0B"},
            {"TYPE": "Local Volumes", "TOTAL": "0", "ACTIVE": "0", "SIZE": "0B", "RECLAIMABLE": "0B"},
        ]
        if not verbose:
            return _table(rows, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"])
        image_rows = []
        for item in sorted(df["per_image"], key=lambda i: -self.images[i["id"]].created):
            for tag in item["tags"] or ["<none>:<none>"]:
                repo, _, name = tag.rpartition(":")
                image_rows.append({"REPOSITORY": repo, "TAG": name, "IMAGE ID": short_id(item["id"]),
                                   "SIZE": human_size(item["size"]), "SHARED SIZE": human_size(item["shared"], 4),
                                   "UNIQUE SIZE": human_size(item["unique"], 4), "CONTAINERS": "0"})
        cols = ["REPOSITORY", "TAG", "IMAGE ID", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"]
        return "Images space usage:\n\n" + _table(image_rows, cols)

    def inspect(self, ref: str) -> dict[str, Any]:
        image = self.image(ref)
        return {
            "Id": image.image_id,
            "RepoTags": self.tags_of(image.image_id),
            "Size": image.size,
            "RootFS": {"Type": "layers", "Layers": image.diff_ids},
            "Config": image.config.get("config") or {},
            "Architecture": image.config.get("architecture"),
            "Os": image.config.get("os"),
        }

    def __repr__(self) -> str:
        return f"<Host {len(self.images)} images, {len(self.tags)} tags, {len(self.build_cache)} cache records>"


def _table(rows: list[dict[str, str]], columns: list[str]) -> str:
    """Columns padded like the docker CLI's tabwriter (3 spaces between columns)."""
    widths = {c: max([len(c)] + [len(r.get(c, "")) for r in rows]) for c in columns}
    lines = ["   ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    for row in rows:
        lines.append("   ".join(row.get(c, "").ljust(widths[c]) for c in columns).rstrip())
    return "\n".join(lines)
