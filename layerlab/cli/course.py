"""``layerlab course``: the course's own tools, the instructor view and the course map."""

from __future__ import annotations

import argparse
from pathlib import Path

from layerlab.i18n import _
from layerlab.model.errors import LayerlabError


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("course", help=_("the course's own tools: the instructor view, the course map"))
    course = p.add_subparsers(dest="course_command", required=True, metavar="TOOL")
    q = course.add_parser("instructor", help=_("write the notebooks with their exercises' answers as Markdown"))
    q.add_argument("outdir", type=Path, nargs="?", default=Path("instructor"),
                   help=_("default: {default}", default="instructor/"))
    q.add_argument("--notebooks", type=Path, default=Path("notebooks"),
                   help=_("default: {default}", default="notebooks/"))
    q.set_defaults(run=instructor)
    q = course.add_parser("map", help=_("print the course map, a Markdown table of the notebooks"))
    q.add_argument("--base", default="", help=_("prefix of the links, e.g. notebooks/ for the README"))
    q.add_argument("--current", type=int, help=_("the notebook shown as (this one), not linked"))
    q.set_defaults(run=course_map)


def course_map(args: argparse.Namespace, progress: bool | None) -> int:
    from layerlab.course.map import course_map as markdown_map

    print(markdown_map(args.base, current=args.current), end="")
    return 0


def instructor(args: argparse.Namespace, progress: bool | None) -> int:
    from layerlab.course.instructor import write_instructor_view

    if not args.notebooks.is_dir():
        raise LayerlabError(
            _("no notebooks directory {path} (run from the repository's root, or pass --notebooks)",
              path=args.notebooks)
        )
    written = write_instructor_view(args.notebooks, args.outdir)
    print(_("wrote {n} files into {dir}", n=len(written), dir=args.outdir))
    return 0
