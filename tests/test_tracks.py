"""The Korean track is the English course in Korean, never a copy that drifts.

Each Korean notebook has the English one's cells, in order, with the same code (comments are
prose, in the notebook's language); its prose is Korean (a markdown cell without Hangul is
English left behind); its header and ending follow
the course's rules in Korean; it links to Korean pages, never to an English page that has a
Korean one. The Korean glossary defines the same terms under the same anchors, and the
Korean README is linked from the README's first screen. Notebooks are read as files, never
run (nbval runs them).
"""

from __future__ import annotations

import html
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from layerlab.course import NOTEBOOKS, Notebook
from layerlab.course.map import course_map
from layerlab.course.source import markdown_links, read_cells
from layerlab.i18n import set_language, translate
from layerlab.i18n.language import SETTING_FILE

ROOT = Path(__file__).resolve().parent.parent
EN = ROOT / "notebooks"
KO = EN / "ko"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
_ANCHOR = re.compile(r'<a id="([^"]*)"></a>')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: The English markers of a notebook's first cell, as the Korean track writes them.
PREVIOUS, NEXT, TIME, GOALS = "이전:", "다음:", r"\*\*시간:\*\* 약 (\d+)분", "**배울 것:**"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _fail_if(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{what} ({len(problems)}):\n  " + "\n  ".join(problems), pytrace=False)


def _code(source: str) -> list[str]:
    """A code cell's code without its comments (cell magics' lines as they are), line by line."""
    if source.startswith("%%"):
        return source.rstrip().split("\n")
    comments = {(t.start[0], t.start[1]) for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type == tokenize.COMMENT}  # fmt: skip
    lines = source.split("\n")
    for row, col in comments:
        lines[row - 1] = lines[row - 1][:col]
    return [line.rstrip() for line in lines]


def _label(nb: Notebook) -> str:
    return f"{nb.number:02d} · {translate(nb.title, 'ko')}"


def test_every_english_notebook_has_a_korean_one_and_no_more() -> None:
    english = {p.name for p in EN.glob("*.ipynb")}
    korean = {p.name for p in KO.glob("*.ipynb")}
    problems = [f"notebooks/ko/{n} is missing" for n in sorted(english - korean)]
    problems += [f"notebooks/ko/{n} has no English notebook" for n in sorted(korean - english)]
    _fail_if(problems, "the two tracks hold different notebooks")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_korean_notebook_has_the_english_cells_and_code(nb: Notebook) -> None:
    english, korean = _cells(EN / nb.file), _cells(KO / nb.file)
    problems = []
    if len(english) != len(korean):
        problems.append(f"{len(korean)} cells, the English notebook has {len(english)}")
    for i, (e, k) in enumerate(zip(english, korean)):
        if (e["cell_type"], e.get("id"), e.get("metadata")) != (k["cell_type"], k.get("id"), k.get("metadata")):
            problems.append(f"cell {i}: type, id or metadata differ from the English cell")
        elif e["cell_type"] == "code" and _code("".join(e["source"])) != _code("".join(k["source"])):
            problems.append(f"cell {i}: code differs from the English cell (change both tracks together)")
        elif e["cell_type"] == "markdown" and not HANGUL.search("".join(k["source"])):
            problems.append(f"cell {i}: markdown without Hangul (English left untranslated?)")
    _fail_if(problems, f"notebooks/ko/{nb.file} drifted from notebooks/{nb.file}")


#: Three or more English words in a row: a sentence, or a label, of layerlab's own.
_ENGLISH_RUN = re.compile(r"(?<![\w/.:-])[A-Za-z][a-z]+(?: [A-Za-z][a-z]*){2,}(?![\w/.-])")
#: The English that the Korean outputs may hold: docker's, BuildKit's and the kernel's own
#: words, and commands and packages named in docker's output.
DOCKER_WORDS = {
    "Are you sure you want to continue", "Build cache usage", "Containers space usage",
    "Images space usage", "Local Volumes space usage", "This will remove", "Total reclaimed space",
    "Less than a second ago", "Up Less than a second", "all anonymous volumes not used by at least one container", "all build cache",
    "all dangling images", "all images without at least one container associated to them",
    "all networks not used by at least one container", "all stopped containers", "unused build cache",
    "exporting attestation manifest", "exporting manifest list", "no such file or directory",
    "docker image prune", "docker logs rotated", "docker pull alpine", "docker rmi alpine",
    "docker volume ls", "docker volume prune", "pip install flask", "pip install flask requests",
}  # fmt: skip


def _shown_text(cell: dict) -> list[str]:
    """What a code cell's stored outputs show as text (HTML without its tags; widgets aside)."""
    shown = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if output.get("output_type") == "stream":
            shown.append("".join(output["text"]))
        if "text/html" in data:
            page = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", "".join(data["text/html"]), flags=re.S)
            shown.append(html.unescape(re.sub(r"<[^>]+>", "\n", page)))
        elif "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
            shown.append("".join(data["text/plain"]))
        if "text/markdown" in data:
            shown.append("".join(data["text/markdown"]))
    return shown


def english_in_outputs(path: Path) -> set[str]:
    """English word runs in a notebook's outputs outside command lines and BuildKit's log."""
    runs = set()
    for cell in _cells(path):
        for text in _shown_text(cell) if cell["cell_type"] == "code" else ():
            for line in text.splitlines():
                if not line.startswith(("$ ", "#")):
                    runs.update(m.group(0) for m in _ENGLISH_RUN.finditer(line))
    return runs


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_korean_outputs_hold_no_english_but_dockers(nb: Notebook) -> None:
    """A Korean beginner meets no English sentence of layerlab's in what the cells print."""
    english = english_in_outputs(KO / nb.file) - DOCKER_WORDS
    assert not english, f"ko/{nb.file} prints English of layerlab's own: {sorted(english)}"


def test_english_of_layerlabs_own_is_found_in_outputs(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "outputs": [
        {"output_type": "stream", "text": ["image size unchanged: 53.1MB\n", "$ docker images lists\n"]},
        {"output_type": "execute_result", "data": {"text/html": "<p>레이어 <b>makes a layer</b></p>"}},
    ]}  # fmt: skip
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [cell]}), encoding="utf-8")
    assert english_in_outputs(path) == {"image size unchanged", "makes a layer"}


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_korean_notebook_header_and_ending(nb: Notebook) -> None:
    cells = [c for c in read_cells(KO / nb.file) if c.source.strip()]
    first = next(c for c in cells if c.kind == "markdown")
    lines = [line.rstrip() for line in first.source.split("\n")]
    i = NOTEBOOKS.index(nb)
    previous = NOTEBOOKS[i - 1] if i > 0 else None
    following = NOTEBOOKS[i + 1] if i + 1 < len(NOTEBOOKS) else None
    parts = [f"{PREVIOUS} [{_label(previous)}]({previous.file})"] if previous else []
    parts += [f"{NEXT} [{_label(following)}]({following.file})"] if following else []
    nav = " · ".join(parts)
    problems = []
    if lines[0] != f"# {_label(nb)}":
        problems.append(f"first line is {lines[0]!r}, expected '# {_label(nb)}'")
    if nav not in lines:
        problems.append(f"no navigation line {nav!r}")
    if [int(t) for t in re.findall(TIME, first.source)] != [nb.minutes]:
        problems.append(f"no '**시간:** 약 {nb.minutes}분' line")
    goals = first.source.partition(GOALS)[2]
    if not re.search(r"^\s*[*-] \S", goals, re.M):
        problems.append(f"no bullet list of goals after {GOALS!r}")
    link = f"[{_label(following)}]({following.file})" if following else ""
    if cells[-1].kind != "markdown" or link not in cells[-1].source:
        problems.append(f"the last cell is not a markdown summary linking to {link or 'nothing'}")
    _fail_if(problems, f"problems in the header or ending of notebooks/ko/{nb.file}")


def _korean_pages() -> list[tuple[str, str]]:
    pages = [("glossary.md", (KO / "glossary.md").read_text(encoding="utf-8"))]
    for nb in NOTEBOOKS:
        pages += [(f"{nb.file} cell {c.index}", c.source) for c in read_cells(KO / nb.file) if c.kind == "markdown"]
    return pages


def test_korean_pages_link_to_korean_pages_that_exist() -> None:
    anchors = set(_ANCHOR.findall((KO / "glossary.md").read_text(encoding="utf-8")))
    problems = []
    for where, text in _korean_pages():
        for target in markdown_links(text):
            path, _, anchor = target.partition("#")
            if not path or _SCHEME.match(path) or path.startswith("/"):
                continue
            resolved = (KO / path).resolve()
            if not resolved.exists():
                problems.append(f"{where}: {target} leads nowhere")
            elif resolved.parent == EN and (KO / resolved.name).exists():
                problems.append(f"{where}: {target} is the English page; link ko's own {resolved.name}")
            elif path == "glossary.md" and anchor and anchor not in anchors:
                problems.append(f"{where}: {target}: no such anchor in notebooks/ko/glossary.md")
    _fail_if(problems, "links of the Korean track")


def test_korean_glossary_defines_the_english_terms_in_order() -> None:
    english = _ANCHOR.findall((EN / "glossary.md").read_text(encoding="utf-8"))
    korean = _ANCHOR.findall((KO / "glossary.md").read_text(encoding="utf-8"))
    assert korean == english, "notebooks/ko/glossary.md must define the English glossary's anchors, in order"


def test_korean_notebook_00_shows_the_korean_course_map() -> None:
    set_language("ko")
    try:
        tables = (course_map(), course_map(current=0))
    finally:
        set_language(None)
    cells = read_cells(KO / NOTEBOOKS[0].file)
    assert any(t.strip() in c.source for c in cells if c.kind == "markdown" for t in tables), (
        "notebooks/ko/00-start-here.ipynb does not show the course map: put the output of "
        "`LAYERLAB_LANG=ko layerlab course map --current 0` in a markdown cell"
    )


def test_the_korean_folder_speaks_korean() -> None:
    assert re.search(r'^language = "ko"$', (KO / SETTING_FILE).read_text(encoding="utf-8"), re.M)


def test_readme_links_the_korean_readme_on_its_first_screen() -> None:
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").split("\n")[:30])
    assert "(README.ko.md)" in first_screen
    korean = (ROOT / "README.ko.md").read_text(encoding="utf-8")
    missing = [t for t in markdown_links(korean) if not _SCHEME.match(t) and t.partition("#")[0]
               and not (ROOT / t.partition("#")[0]).exists()]  # fmt: skip
    assert not missing, f"README.ko.md links lead nowhere: {missing}"
    assert "notebooks/ko/00-start-here.ipynb" in korean


def test_the_korean_answer_key_is_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from layerlab.course.instructor import instructor_view

    monkeypatch.chdir(ROOT)
    set_language("ko")
    try:
        expected = instructor_view(KO, ROOT / "instructor" / "ko")
    finally:
        set_language(None)
    stored = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "instructor" / "ko").glob("*.md")}
    differ = sorted(n for n in expected if stored.get(n) != expected[n]) + sorted(set(stored) - set(expected))
    assert not differ, (
        f"instructor/ko is out of date ({', '.join(differ)}): run "
        "LAYERLAB_LANG=ko layerlab course instructor instructor/ko/ --notebooks notebooks/ko"
    )


def test_the_korean_readme_shows_the_korean_course_map() -> None:
    set_language("ko")
    try:
        table = course_map("notebooks/ko/")
    finally:
        set_language(None)
    assert table in (ROOT / "README.ko.md").read_text(encoding="utf-8"), (
        "README.ko.md does not show the course map: paste `LAYERLAB_LANG=ko layerlab course map --base notebooks/ko/`"
    )


def test_code_is_compared_without_its_comments() -> None:
    english = 'x = f(1)  # the classic store\nprint("# not a comment")\n'
    assert _code(english) == _code('x = f(1)  # 클래식 스토어\nprint("# not a comment")\n')
    assert _code(english) != _code('x = f(2)  # the classic store\nprint("# not a comment")\n')
    assert _code(english) != _code('x = f(1)  # the classic store\nprint("# 주석 아님")\n')
