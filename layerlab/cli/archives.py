"""``layerlab inspect`` and ``layerlab unpack``: look inside a real image archive, or write its
root filesystem (or one layer) into a new directory, safely."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from layerlab.analysis.inspect import inspect_json, inspect_text
from layerlab.archive import read_archive, unpack_image, unpack_layer
from layerlab.archive.read import ArchivedImage, select
from layerlab.i18n import N_, Texts, _, translate
from layerlab.model.errors import LayerlabError

IMAGE_HELP = N_("tag, id prefix or index, when the archive holds several images")
#: Said under ``Image <config digest>`` when the archive names the image by another digest
#: (a containerd image store's ``docker save``: its image id is the index or manifest).
ENGINE_ID_LINE = N_("Id      {digest}  (the {what} index.json names: the image id in the containerd image store)")
TARGET_WORDS = Texts({"index": "image index", "manifest": "image manifest"})


def engine_id_line(archived: ArchivedImage) -> str | None:
    """The line naming the id an engine with the containerd image store gives the image,
    when that is not the config digest; None otherwise."""
    target = archived.target
    if target is None or target.image_id == archived.image.image_id:
        return None
    return translate(ENGINE_ID_LINE).format(
        digest=target.image_id, what=TARGET_WORDS["index" if target.is_index else "manifest"]
    )


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("inspect", help=_("image id, layers (diff_id, chain_id, size, changes) and history"))
    p.add_argument("archive", type=Path, help=_("docker save tar, OCI layout directory or OCI layout tar"))
    p.add_argument("--image", help=translate(IMAGE_HELP))
    p.add_argument("--json", action="store_true", help=_("print a stable JSON object"))
    p.set_defaults(run=inspect)

    p = sub.add_parser("unpack", help=_("write the image's root filesystem into a new directory, safely"))
    p.add_argument("archive", type=Path)
    p.add_argument("dir", type=Path, help=_("target directory (must not exist, or be empty)"))
    p.add_argument("--image", help=translate(IMAGE_HELP))
    p.add_argument("--layer", type=int, help=_("unpack only this layer (0 = bottom)"))
    p.add_argument("--allow-devices", action="store_true", help=_("create device nodes (needs root)"))
    p.set_defaults(run=unpack)


def _archived(args: argparse.Namespace, progress: bool | None) -> ArchivedImage:
    return select(read_archive(args.archive, progress=progress), args.image)


def inspect(args: argparse.Namespace, progress: bool | None) -> int:
    archived = _archived(args, progress)
    engine_id = engine_id_line(archived)
    if args.json:
        data = inspect_json(archived.image, archived.tags)
        if engine_id is not None and archived.target is not None:
            data["containerd_image_id"] = archived.target.image_id
        print(json.dumps(data, indent=2))
        return 0
    text = inspect_text(archived.image, archived.tags)
    if engine_id is not None:
        head, _sep, rest = text.partition("\n")
        text = f"{head}\n{engine_id}\n{rest}"
    print(text)
    return 0


def unpack(args: argparse.Namespace, progress: bool | None) -> int:
    image = _archived(args, progress).image
    if args.layer is not None:
        if not 0 <= args.layer < len(image.layers):
            raise LayerlabError(_("no layer {layer}: the image has {n} (0..{last})",
                                  layer=args.layer, n=len(image.layers), last=len(image.layers) - 1))
        unpack_layer(image.layers[args.layer], args.dir, allow_devices=args.allow_devices, progress=progress)
    else:
        unpack_image(image, args.dir, allow_devices=args.allow_devices, progress=progress)
    print(_("unpacked {image} into {dir}", image=image.image_id[7:19], dir=args.dir))
    return 0
