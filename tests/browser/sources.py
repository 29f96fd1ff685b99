"""What a notebook's code cells show before anything runs: answers must not be among it.

Read from the .ipynb itself (what JupyterLab puts in the code cells) and from the course
data of the notebooks' own checkout: every exercise's answer, hints and explanation,
found by their shape (an object with an ``explanation`` and an ``answer``), so the check
keeps working wherever the course keeps them. The course is read in a child Python with
that checkout first on its path, so an older checkout can be checked from this one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .findings import Finding
from .learner_view import OutputView

if TYPE_CHECKING:
    from .lab import Notebook

#: Keywords that put an exercise's answer or its explanation into a code cell.
ANSWER_KEYWORDS = re.compile(r"\b(answer|explanation|hints?|accept)\s*=(?!=)")
#: A displayed exercise or lab: a line that calls one (the cell's value is the widget).
EXERCISE_CALL = re.compile(r"^(exercise|MultipleChoice|ShortAnswer)\(", re.MULTILINE)
LAB_CALL = re.compile(r"^(?:(\w+) = )?[A-Z]\w*(?:Lab|Explorer)\(", re.MULTILINE)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Shorter secrets than these would match ordinary code ("2", "vfs", "bs=1024"), so they are
#: not looked for.
MIN_TEXT = 20
MIN_DIGITS = 5


@dataclass(frozen=True)
class CodeCell:
    number: int  # 1-based, as JupyterLab counts cells
    source: str
    outputs: tuple[dict, ...]


def code_cells(notebook: Path | Notebook) -> list[CodeCell]:
    """``notebook``: a path, or a :class:`~.lab.Notebook` (its file)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return [
        CodeCell(i + 1, "".join(c["source"]), tuple(c.get("outputs", ())))
        for i, c in enumerate(cells)
        if c["cell_type"] == "code"
    ]


def widget_cells(notebook: Path | Notebook) -> dict[int, str]:
    """Cells that show an exercise or a lab: cell number -> "exercise" or "lab"."""
    found = {}
    for cell in code_cells(notebook):
        stored = any(WIDGET_VIEW in out.get("data", {}) for out in cell.outputs)
        if EXERCISE_CALL.search(cell.source):
            found[cell.number] = "exercise"
        elif stored or _shows_a_lab(cell.source):
            found[cell.number] = "lab"
    return found


def _shows_a_lab(source: str) -> bool:
    """``DriverLab(...)`` as the cell's value, or ``lab = DriverLab(...)`` then ``lab``."""
    last = source.strip().splitlines()[-1].strip() if source.strip() else ""
    return any(m.group(1) in (None, last) for m in LAB_CALL.finditer(source))


def answer_keywords(notebook: Path | Notebook) -> list[Finding]:
    """``answer=``, ``explanation=``, ``hints=`` ... in a code cell's source."""
    found = []
    for cell in code_cells(notebook):
        words = sorted({m.group(1) + "=" for m in ANSWER_KEYWORDS.finditer(cell.source)})
        if words:
            first = next(ln for ln in cell.source.splitlines() if ANSWER_KEYWORDS.search(ln))
            found.append(Finding("answer in code", cell.number,
                f"{notebook.name} cell {cell.number}: the code shows {', '.join(words)} "
                f"(first: {first.strip()[:80]!r})"))  # fmt: skip
    return found


# -- the course's exercises, read in a child Python -------------------------------------

_READ_COURSE = r"""
import importlib, json, pkgutil
import layerlab.course as course

def exercises_in(value, name, depth=0):
    if isinstance(value, type) or isinstance(value, (str, bytes)):
        return
    if hasattr(value, "explanation") and (hasattr(value, "answer") or hasattr(value, "answer_text")):
        yield name, value
    elif depth < 2 and isinstance(value, dict):
        for key, item in value.items():
            yield from exercises_in(item, str(key), depth + 1)
    elif depth < 2 and isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from exercises_in(item, f"{name}[{i}]", depth + 1)

def texts(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [str(v) for v in (value or ())] if isinstance(value, (list, tuple)) else []

def answer_of(ex):
    answer = getattr(ex, "answer_text", None) or getattr(ex, "answer", None)
    options = getattr(ex, "options", None)
    if isinstance(answer, int) and not isinstance(answer, bool) and options:
        answer = options[answer]
    return str(answer)

found = {}
for info in pkgutil.walk_packages(course.__path__, course.__name__ + "."):
    try:
        module = importlib.import_module(info.name)
    except Exception:
        continue
    for attr, value in vars(module).items():
        for name, ex in exercises_in(value, f"{info.name}.{attr}"):
            if id(ex) in found:
                continue
            answer = answer_of(ex)
            ident = getattr(ex, "id", None) or getattr(ex, "slug", None) or name
            found[id(ex)] = {
                "id": str(ident), "answer": answer,
                "explanation": str(getattr(ex, "explanation", "") or ""),
                "hints": texts(getattr(ex, "hints", None)) + texts(getattr(ex, "hint", None)),
            }
print(json.dumps(list(found.values())))
"""


@dataclass(frozen=True)
class Secret:
    """A piece of an exercise that must not be on screen before the learner answers."""

    exercise: str
    what: str  # "answer", "explanation", "hint"
    pattern: re.Pattern[str]
    text: str


def course_secrets(package_root: Path, language: str = "en") -> list[Secret]:
    """Answers, hints and explanations of every exercise in ``package_root``'s course data,
    as a learner reading ``language`` sees them: in English, and for another language also
    as its catalogue gives them (the course is read in a Python that speaks it; where the
    catalogue has no sentence yet, the English one stands for it)."""
    secrets = _read_secrets(package_root, "en")
    if language != "en":
        known = {(s.exercise, s.what, s.text) for s in secrets}
        secrets += [s for s in _read_secrets(package_root, language)
                    if (s.exercise, s.what, s.text) not in known]  # fmt: skip
    return secrets


def _read_secrets(package_root: Path, language: str) -> list[Secret]:
    env = dict(os.environ, PYTHONPATH=str(package_root), PYTHONDONTWRITEBYTECODE="1",
               LAYERLAB_LANG=language)  # fmt: skip
    out = subprocess.run([sys.executable, "-c", _READ_COURSE], capture_output=True, text=True,
                         env=env, cwd=package_root, check=True, timeout=120)  # fmt: skip
    secrets = []
    for ex in json.loads(out.stdout):
        answer = ex["answer"].strip()
        if re.fullmatch(r"\d+", answer) and len(answer) >= MIN_DIGITS:
            grouped = f"{int(answer):,}"
            spelled = "|".join(re.escape(s) for s in {answer, grouped, grouped.replace(",", "_")})
            secrets.append(
                Secret(ex["id"], "answer", re.compile(rf"(?<![\w.,])({spelled})(?![\w,])"), answer)
            )
        elif len(answer) >= MIN_TEXT:
            secrets.append(Secret(ex["id"], "answer", _phrase(answer), answer))
        for what, texts in (("explanation", [ex["explanation"]]), ("hint", ex["hints"])):
            for text in texts:
                if len(text.strip()) >= MIN_TEXT:
                    secrets.append(Secret(ex["id"], what, _phrase(text.strip()[:40]), text))
    return secrets


def _phrase(text: str) -> re.Pattern[str]:
    """``text`` as code may hold it: wrapped anywhere between words, even into a new string
    literal (``"... touch "`` newline ``"blocks ..."``)."""
    return re.compile(r"[\s\"'+]+".join(re.escape(word) for word in text.split()))


def secrets_in_code(notebook: Path | Notebook, secrets: list[Secret]) -> list[Finding]:
    """Cells whose code holds the answer, a hint or the explanation of an exercise asked in
    this notebook (an id such as ``04-chmod`` names its notebook; other ids count anywhere)."""
    found = []
    for cell in code_cells(notebook):
        for secret in asked_in(notebook.name, secrets):
            if secret.pattern.search(cell.source):
                found.append(Finding("answer in code", cell.number,
                    f"{notebook.name} cell {cell.number}: the code holds the {secret.what} of "
                    f"exercise {secret.exercise}: {secret.text[:80]!r}"))  # fmt: skip
    return found


def asked_in(notebook: str, secrets: list[Secret]) -> list[Secret]:
    """The secrets of exercises asked in ``notebook`` (``04-copy-on-write.ipynb``, or
    ``ko/04-copy-on-write.ipynb``: by the id's two digits; others: all)."""
    number = PurePosixPath(notebook).name[:2]
    return [s for s in secrets if not s.exercise[:2].isdigit() or s.exercise[:2] == number]


def secrets_on_screen(
    notebook: str, shown: list[OutputView], secrets: list[Secret]
) -> list[Finding]:
    """Outputs other than the exercises themselves that print an exercise's answer, hint or
    explanation: Run All put it on screen next to the question."""
    found = []
    for out in shown:
        if out.kind == "exercise":
            continue  # an exercise reveals its proof after an attempt, not before
        for secret in asked_in(notebook, secrets):
            if secret.pattern.search(out.text):
                found.append(Finding("answer on screen", out.cell,
                    f"{notebook} {out.where} ({out.kind}, after Run All) shows the {secret.what} of "
                    f"exercise {secret.exercise}: {secret.text[:80]!r}"))  # fmt: skip
    return found
