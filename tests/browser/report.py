"""The learner's-view report: per notebook, the widest output and every finding by kind.

Written to ``$LAYERLAB_ARTIFACTS/learner-view.json`` and ``learner-view.md`` after every
notebook, so a run that stops half-way still leaves what it measured.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding
from .learner_view import TOLERANCE_PX, OutputView


@dataclass
class NotebookReport:
    name: str
    column: int | None = None
    widest: dict | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=lambda: defaultdict(list))
    screenshots: list[str] = field(default_factory=list)
    shown: list[OutputView] = field(default_factory=list)  # every output measured

    def as_json(self) -> dict:
        return {
            "column_px": self.column,
            "widest": self.widest,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "findings": {
                check: [{"kind": f.kind, "cell": f.cell, "message": f.message} for f in found]
                for check, found in self.findings.items()
            },
            "screenshots": self.screenshots,
        }


@dataclass
class Report:
    directory: Path
    notebooks: dict[str, NotebookReport] = field(default_factory=dict)

    def notebook(self, name: str) -> NotebookReport:
        return self.notebooks.setdefault(name, NotebookReport(name))

    def measured(self, name: str, shown: list[OutputView]) -> None:
        """The widest output on screen, and the largest picture at its own size (scaled
        down to the column if it is wider), over every call for ``name`` (after Run All,
        after Show me)."""
        entry = self.notebook(name)
        entry.shown += shown
        if not entry.shown:
            return
        widest = max(entry.shown, key=lambda o: o.widest)
        largest = max(entry.shown, key=lambda o: o.natural)
        entry.column = widest.column
        entry.widest = {"px": widest.widest, "cell": widest.cell, "prompt": widest.prompt,
                        "kind": widest.kind, "what": widest.widest_what,
                        "largest_picture_px": largest.natural, "largest_picture_cell": largest.cell}  # fmt: skip

    def add(self, name: str, check: str, found: list[Finding]) -> None:
        """Record what ``check`` found in ``name`` (an empty list records a pass)."""
        self.notebook(name).findings[check] = list(found)
        self.write()

    def write(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = {name: nb.as_json() for name, nb in sorted(self.notebooks.items())}
        (self.directory / "learner-view.json").write_text(json.dumps(data, indent=1), "utf-8")
        (self.directory / "learner-view.md").write_text(self.markdown(), "utf-8")

    def markdown(self) -> str:
        checks = sorted({c for nb in self.notebooks.values() for c in nb.findings})
        lines = ["# The learner's view (JupyterLab 4, 1280x900, file browser open)", "",
                 "Findings per check (`-`: not run); seconds to open (kernel idle) and to Run All.", "",
                 "| notebook | column | widest output | " + " | ".join(checks) + " | open, run s |",
                 "|---|---:|---|" + "---:|" * len(checks) + "---:|"]  # fmt: skip
        for name, nb in sorted(self.notebooks.items()):
            w = nb.widest
            widest = f"{w['px']} px, cell {w['cell']} ({w['kind']}: {w['what']})" if w else "-"
            if w and w["px"] <= (nb.column or 0) + TOLERANCE_PX:
                widest = f"{w['px']} px: none wider than the column"
            if w and w["largest_picture_px"]:
                widest += f"; largest picture {w['largest_picture_px']} px at full size (cell {w['largest_picture_cell']})"
            counts = [str(len(nb.findings[c])) if c in nb.findings else "-" for c in checks]
            took = ", ".join(f"{nb.seconds[k]:.1f}" for k in ("open", "run all") if k in nb.seconds)
            lines.append(
                f"| {name} | {nb.column or '-'} | {widest} | "
                + " | ".join(counts)
                + f" | {took or '-'} |"
            )
        for name, nb in sorted(self.notebooks.items()):
            found = [f for check in checks for f in nb.findings.get(check, [])]
            if found:
                lines += ["", f"## {name}", ""] + [f"- {f.kind}: {f.message}" for f in found]
        return "\n".join(lines) + "\n"
