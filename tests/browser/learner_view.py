"""What a learner sees of a notebook in the browser: every cell's outputs, their text and widths.

One JavaScript pass over the open notebook reads, for every output of every cell, the text
on screen, what kind of thing it is (picture, table, lab, exercise, text) and how wide its
content is against the column it sits in: boxes that scroll sideways, boxes that cut their
content off, labels shortened with "…", placeholders cut by their input box. The checks
(:mod:`.findings`) turn these views into messages; nothing here decides what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Sub-pixel rounding: a box is too narrow only when its content is this many px wider.
TOLERANCE_PX = 2

#: Reads every cell of the visible notebook. Each top-level output (not one nested inside a
#: widget's Output) is tagged ``data-learner-view="CELL-N"`` so a screenshot can find it again.
READ_CELLS = """(tol) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = [...panel.querySelectorAll('.jp-Cell')].filter(c => !c.parentElement.closest('.jp-Cell'));
  const canvas = document.createElement('canvas').getContext('2d');
  const describe = (e) => {
    const tag = e.tagName.toLowerCase();
    const named = e.closest('[class*="layerlab-"]');
    const cls = named ? [...named.classList].find(c => c.startsWith('layerlab-')) : '';
    if (cls) return named === e ? `.${cls}` : `${tag} in .${cls}`;
    if (e.classList.contains('jp-OutputArea-output')) return 'the output';
    const own = [...e.classList].filter(c => !c.startsWith('lm-')).slice(0, 2);
    return tag + (own.length ? '.' + own.join('.') : '');
  };
  const kindOf = (o) => {
    if (o.querySelector('.layerlab-exercise')) return 'exercise';
    if (o.matches('.jupyter-widgets') || o.querySelector('.jupyter-widgets')) return 'lab';
    if (o.querySelector('table')) return 'table';
    if (o.querySelector('img, svg, canvas')) return 'picture';
    if (o.getAttribute('data-mime-type') === 'text/html') return 'html';  // e.g. %%docker --beside
    return 'text';
  };
  const read = (o, tag) => {
    o.setAttribute('data-learner-view', tag);
    const box = o.getBoundingClientRect();
    const left = box.left + o.clientLeft;
    const column = o.clientWidth;
    // The widest box names what is too wide; a scroller's content may reach further still.
    let widest = column, widestWhat = describe(o), scrolled = 0;
    const problems = [];
    for (const e of [o, ...o.querySelectorAll('*')]) {
      if (e.tagName.toLowerCase() !== 'svg' && e.closest('svg')) continue;  // the svg's box counts
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const right = r.right - left;
      if (e instanceof HTMLElement && e.scrollWidth > e.clientWidth + tol && e.clientWidth > 0) {
        const s = getComputedStyle(e);
        scrolled = Math.max(scrolled, r.left - left + e.clientLeft + e.scrollWidth);
        const text = (e.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 80);
        const room = e.clientWidth, width = e.scrollWidth, what = describe(e);
        if (s.overflowX === 'auto' || s.overflowX === 'scroll') {
          problems.push({kind: 'scrolls', what, width, room, text: ''});
        } else if (s.overflowX !== 'visible') {
          problems.push({kind: s.textOverflow === 'ellipsis' ? 'ellipsis' : 'clipped', what, width, room, text});
        }
      }
      if (right > widest) { widest = right; widestWhat = describe(e); }
    }
    if (scrolled > widest + tol) { widest = scrolled; widestWhat = 'content of ' + widestWhat; }
    // The largest picture at its own size (a Graphviz SVG's viewBox is in pt), however it is shown.
    let natural = 0;
    for (const img of o.querySelectorAll('img')) natural = Math.max(natural, img.naturalWidth || 0);
    for (const svg of o.querySelectorAll('svg')) {
      const box = svg.viewBox && svg.viewBox.baseVal;
      if (box && box.width) natural = Math.max(natural, box.width * 4 / 3);
    }
    for (const input of o.querySelectorAll('input[placeholder]')) {
      if (input.value || !input.placeholder || input.clientWidth === 0) continue;
      const s = getComputedStyle(input);
      canvas.font = s.font;
      const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      const width = canvas.measureText(input.placeholder).width;
      if (width > room + tol) {
        problems.push({kind: 'placeholder', what: describe(input), width: Math.round(width), room: Math.round(room), text: input.placeholder});
      }
    }
    return {
      mime: o.getAttribute('data-mime-type') || '',
      kind: kindOf(o),
      text: (o.innerText || '').slice(0, 4000),
      column, widest: Math.round(widest), widest_what: widestWhat, problems,
      natural: Math.round(natural),
      // a widget's own error box (layerlab's are "<box>-error-body"), shown only when non-empty
      error_boxes: [...o.querySelectorAll('[class*="-error-body"]')]
        .map(e => (e.innerText || '').trim()).filter(Boolean),
      tag,
    };
  };
  return cells.map((cell, i) => {
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')]
      .filter(o => !o.parentElement.closest('.jp-OutputArea-output'));
    const prompt = cell.querySelector(':scope .jp-InputPrompt');
    return {
      number: i + 1,
      type: cell.classList.contains('jp-CodeCell') ? 'code' : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
      prompt: prompt ? prompt.textContent.trim() : '',
      outputs: outputs.map((o, j) => read(o, `${i + 1}-${j + 1}`)),
    };
  });
}"""


@dataclass(frozen=True)
class Problem:
    """One box in an output that does not show all of its content."""

    kind: str  # scrolls | clipped | ellipsis | placeholder
    what: str
    width: int
    room: int
    text: str = ""


@dataclass(frozen=True)
class OutputView:
    """One output of a cell as it is on screen."""

    cell: int  # 1-based, as JupyterLab's status bar counts ("Cell 7/33")
    prompt: str  # "[4]:" once run, "[ ]:" before
    mime: str
    kind: str  # exercise | lab (any other widget) | table | picture | html | text
    text: str
    column: int  # px the output has: the notebook's column minus the prompt
    widest: int  # px from the column's left edge to the right end of its widest content
    widest_what: str
    tag: str  # data-learner-view, to find the element again
    problems: tuple[Problem, ...] = ()
    natural: int = 0  # px of its largest picture at full size (0: no picture)
    error_boxes: tuple[str, ...] = ()  # what the widgets' error boxes say

    @property
    def where(self) -> str:
        return f"cell {self.cell} {self.prompt}".strip().rstrip(":")

    @property
    def too_wide(self) -> bool:
        return self.widest > self.column + TOLERANCE_PX


@dataclass(frozen=True)
class CellView:
    number: int
    type: str
    prompt: str
    outputs: tuple[OutputView, ...] = field(default_factory=tuple)


def read_cells(page: Any) -> list[CellView]:
    """Every cell of the open notebook with its outputs as the learner sees them now."""
    cells = []
    for raw in page.evaluate(READ_CELLS, TOLERANCE_PX):
        outputs = tuple(
            OutputView(
                cell=raw["number"],
                prompt=raw["prompt"],
                problems=tuple(Problem(**p) for p in out.pop("problems")),
                error_boxes=tuple(out.pop("error_boxes")),
                **out,
            )
            for out in raw["outputs"]
        )
        cells.append(CellView(raw["number"], raw["type"], raw["prompt"], outputs))
    return cells


def outputs(cells: list[CellView]) -> list[OutputView]:
    return [out for cell in cells for out in cell.outputs]
