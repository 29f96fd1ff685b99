"""``layerlab inspect`` and ``layerlab unpack``: look inside a real image archive, or write its
root filesystem (or one layer) into a new directory, safely."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from layerlab.analysis.inspect import inspect_json, inspect_text
from layerlab.archive import read_archive, unpack_image, unpack_layer
from layerlab.archive.read import ArchivedImage, select
from layerlab.model.errors import LayerlabError

IMAGE_HELP = "tag, id prefix or index, when the archive holds several images"


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("inspect", help="image id, layers (diff_id, chain_id, size, changes) and history")
    p.add_argument("archive", type=Path, help="docker save tar, OCI layout directory or OCI layout tar")
    p.add_argument("--image", help=IMAGE_HELP)
    p.add_argument("--json", action="store_true", help="print a stable JSON object")
    p.set_defaults(run=inspect)

    p = sub.add_parser("unpack", help="write the image's root filesystem into a new directory, safely")
    p.add_argument("archive", type=Path)
    p.add_argument("dir", type=Path, help="target directory (must not exist, or be empty)")
    p.add_argument("--image", help=IMAGE_HELP)
    p.add_argument("--layer", type=int, help="unpack only this layer (0 = bottom)")
    p.add_argument("--allow-devices", action="store_true", help="create device nodes (needs root)")
    p.set_defaults(run=unpack)


def _archived(args: argparse.Namespace, progress: bool | None) -> ArchivedImage:
    return select(read_archive(args.archive, progress=progress), args.image)


def inspect(args: argparse.Namespace, progress: bool | None) -> int:
    archived = _archived(args, progress)
    if args.json:
        print(json.dumps(inspect_json(archived.image, archived.tags), indent=2))
    else:
        print(inspect_text(archived.image, archived.tags))
    return 0


def unpack(args: argparse.Namespace, progress: bool | None) -> int:
    image = _archived(args, progress).image
    if args.layer is not None:
        if not 0 <= args.layer < len(image.layers):
            raise LayerlabError(f"no layer {args.layer}: the image has {len(image.layers)} (0..{len(image.layers) - 1})")
        unpack_layer(image.layers[args.layer], args.dir, allow_devices=args.allow_devices, progress=progress)
    else:
        unpack_image(image, args.dir, allow_devices=args.allow_devices, progress=progress)
    print(f"unpacked {image.image_id[7:19]} into {args.dir}")
    return 0
