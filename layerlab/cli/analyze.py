"""``layerlab analyze``: efficiency, waste, fixes and per-driver costs of real images, and a
``--ci`` gate for pipelines (exit 1 when a threshold is crossed, naming it)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from layerlab.analysis import (
    ImageAnalysis,
    analyze,
    compare_analyses,
    comparison_json,
    comparison_text,
)
from layerlab.archive import read_archive
from layerlab.archive.read import select
from layerlab.i18n import _
from layerlab.model.units import SIZE_UNITS_TEXT, NotASize, human_size, parse_size

#: dive's default when --ci is given without thresholds.
DEFAULT_LOWEST_EFFICIENCY = 0.9


def byte_count(text: str) -> int:
    """``5000000``, ``5MB``, ``20MiB``, ``1.5GB`` -> bytes (an argparse type; units: :func:`parse_size`)."""
    try:
        return parse_size(text)
    except NotASize:
        raise argparse.ArgumentTypeError(
            _(
                "not a byte count: {text!r} (a whole number of bytes, with a unit if you like: "
                "{units}; e.g. 5000000, 5MB, 20MiB)",
                text=text,
                units=SIZE_UNITS_TEXT,
            )
        ) from None


def ratio(text: str) -> float:
    """``0.9`` or ``90%`` -> 0.9 (an argparse type)."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not an efficiency: {text!r} (a number from 0 to 1, or a percentage)", text=text)
        ) from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(_("efficiency {text!r} is outside 0..1", text=text))
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "analyze", help=_("efficiency, wasted space, fixes, per-driver costs; images side by side")
    )
    p.add_argument(
        "archives",
        type=Path,
        nargs="+",
        metavar="ARCHIVE",
        help=_("docker save tar, OCI layout directory or tar (several: compared side by side)"),
    )
    p.add_argument(
        "--image",
        help=_("tag, id prefix or index, when an archive holds several images (default: all)"),
    )
    p.add_argument("--json", action="store_true", help=_("print a stable JSON object"))
    p.add_argument(
        "--ci",
        action="store_true",
        help=_(
            "gate a pipeline: exit 1 when a threshold is crossed (default --lowest-efficiency {efficiency})",
            efficiency=DEFAULT_LOWEST_EFFICIENCY,
        ),
    )
    p.add_argument(
        "--lowest-efficiency",
        type=ratio,
        metavar="F",
        help=_("fail below this efficiency (0..1 or N%%)"),
    )
    p.add_argument(
        "--highest-wasted-bytes",
        type=byte_count,
        metavar="N",
        help=_("fail above this many wasted bytes"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, progress: bool | None) -> int:
    analyses: list[ImageAnalysis] = []
    for path in args.archives:
        found = read_archive(path, progress=progress)
        chosen = [select(found, args.image)] if args.image is not None else found
        for archived in chosen:
            name = (
                archived.tags[0]
                if archived.tags
                else f"{path.name}:{archived.image.image_id[7:19]}"
            )
            analyses.append(analyze(archived.image, name, archived.tags, progress=progress))
    comparison = compare_analyses(analyses) if len(analyses) > 1 else None
    if args.json:
        if comparison is None:
            out = analyses[0].to_json()
        else:
            out = {
                "images": [a.to_json() for a in analyses],
                "comparison": comparison_json(comparison),
            }
        print(json.dumps(out, indent=2))
    else:
        print(
            "\n\n".join(
                [a.text() for a in analyses] + ([comparison_text(comparison)] if comparison else [])
            )
        )
    if not (args.ci or args.lowest_efficiency is not None or args.highest_wasted_bytes is not None):
        return 0
    return ci_gate(analyses, args.lowest_efficiency, args.highest_wasted_bytes)


def ci_gate(
    analyses: list[ImageAnalysis], lowest_efficiency: float | None, highest_wasted: int | None
) -> int:
    """Print one line per check; 1 when any threshold is crossed."""
    import sys

    if lowest_efficiency is None and highest_wasted is None:
        lowest_efficiency = DEFAULT_LOWEST_EFFICIENCY
    failed = 0
    for a in analyses:
        if lowest_efficiency is not None:
            ok = a.efficiency >= lowest_efficiency
            failed += not ok
            verdict = "ok" if ok else "FAIL"
            line = _(
                "{verdict}: {name}: efficiency {efficiency:.4f} (lowest allowed {lowest:.4f})",
                verdict=verdict,
                name=a.name,
                efficiency=a.efficiency,
                lowest=lowest_efficiency,
            )
            print(line if ok else f"layerlab: ci: {line}", file=sys.stderr)
        if highest_wasted is not None:
            ok = a.wasted_bytes <= highest_wasted
            failed += not ok
            verdict = "ok" if ok else "FAIL"
            line = _(
                "{verdict}: {name}: wasted bytes {wasted} ({size}; highest allowed {highest})",
                verdict=verdict,
                name=a.name,
                wasted=a.wasted_bytes,
                size=human_size(a.wasted_bytes),
                highest=highest_wasted,
            )
            print(line if ok else f"layerlab: ci: {line}", file=sys.stderr)
    return 1 if failed else 0
