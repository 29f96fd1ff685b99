"""Hangul on the page is drawn with the glyphs of a real Hangul font, never as boxes (tofu).

A browser draws each character in the first font of the element's ``font-family`` that has
it, else in a font the system offers for it (fontconfig), else as the ``.notdef`` glyph: an
empty box, the same for every character it cannot draw. JupyterLab's and Graphviz's fonts
(system-ui, Helvetica, DejaVu...) have no Hangul, so Korean text relies on that fallback:
on a machine without a Hangul font (no fonts-nanum) every syllable is a box.

The page is asked, in Chromium itself (the same font fallback as what it drew):

1. the Hangul font this machine should have (``$LAYERLAB_HANGUL_FONT``, default
   NanumGothic, from fonts-nanum) is loaded by name from the system as a ``FontFace`` with
   ``src: local(...)``, and ``document.fonts.check()`` must then say it is ready. Loading
   rejects when no installed font has that name, so a machine without it fails here,
   whatever the fallback would do;
2. for a text element holding Hangul and for each Graphviz picture's ``<text>`` holding
   Hangul (a widget's inline ``<svg>``, or an ``image/svg+xml`` output, which JupyterLab
   shows as an ``<img>``: its SVG is read from the data URL and laid out hidden in the page),
   one element per distinct font (family, regular or bold, upright or italic), up to three
   of its syllables are drawn on a canvas in the element's own computed font (the same
   fallback as the page) and compared pixel for pixel, and by ``measureText`` width, with
   the same syllables drawn in the named font at the element's weight and style: bold text
   that names the font (the pictures) is drawn with its bold face where the system has one
   (fonts-nanum does), bold text that reaches it by fallback (the prose) with its regular
   face made bold, so either must match; NanumGothic has no italic, and the browser slants
   it, on the page and here alike. Equal bitmaps mean the page's Hangul *is* that font's
   glyphs;
3. each syllable's bitmap is also compared with that of a code point no font has (U+0378,
   unassigned: the ``.notdef`` box in the element's font) and must differ, and must have
   ink; two different syllables must differ from each other. That is what tofu fails,
   whatever the font's name.

So a pass proves: the named Hangul font is installed, and the Korean prose and the
pictures' Korean labels are drawn with its glyphs, not with boxes or blanks. It does not
prove that every character on the page has a glyph (only the sampled syllables are drawn).
"""

from __future__ import annotations

import os
from typing import Any

#: The Hangul font the course's machines install (fonts-nanum; Binder's apt.txt too), by the
#: name ``local()`` finds its regular face by.
HANGUL_FONT = os.environ.get("LAYERLAB_HANGUL_FONT", "NanumGothic")
#: Hangul syllables (U+AC00 to U+D7A3): what the Korean track's prose is written in.
HANGUL = r"[\uac00-\ud7a3]"
#: Where to look: the open notebook.
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"

GLYPHS = r"""async ({font, script, scope, limit}) => {
  const root = document.querySelector(scope) || document.body;
  const W = 72, H = 72, SIZE = 48;  // the element's font at a size where glyphs differ clearly
  const wanted = new RegExp(script, 'g');
  let loaded = false, loadError = '';
  try {
    const face = new FontFace('layerlab-script-probe', `local("${font.replace(/"/g, '')}")`);
    await face.load();
    document.fonts.add(face);
    loaded = document.fonts.check('40px "layerlab-script-probe"', 'x');
  } catch (e) { loadError = String((e && e.message) || e); }
  // a second probe with the font's bold face too, where the system has one (fonts-nanum
  // does): text that names the font is drawn bold with it, text that reaches it by fallback
  // with the regular face made bold
  try {
    const name = font.replace(/"/g, '');
    const regular = new FontFace('layerlab-script-probe-bold', `local("${name}")`);
    const bold = new FontFace('layerlab-script-probe-bold', `local("${name} Bold"), local("${name}-Bold")`, {weight: '700'});
    await Promise.all([regular.load(), bold.load()]);
    document.fonts.add(regular);
    document.fonts.add(bold);
  } catch (e) { /* none: bold is the regular face made bold, which the first probe draws */ }
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (css, ch) => {
    ctx.clearRect(0, 0, W, H);
    ctx.font = css; ctx.fillStyle = '#000'; ctx.textBaseline = 'alphabetic';
    ctx.fillText(ch, 8, 56);
    const data = ctx.getImageData(0, 0, W, H).data;
    const alpha = new Uint8Array(W * H);
    for (let i = 0; i < alpha.length; i++) alpha[i] = data[i * 4 + 3];
    return {alpha, width: ctx.measureText(ch).width};
  };
  const same = (a, b) => a.alpha.every((v, i) => v === b.alpha[i]);
  const inked = (a) => a.alpha.some(v => v > 0);
  const describe = (e) => (e.closest('div') === shelf ? 'img>' : '') + e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).slice(0, 2).join('.') : '');
  // italic text gets the probes slanted by the browser, as the page's fallback does
  const weightOf = (s) => parseInt(s.fontWeight, 10) >= 600 ? 700 : 400;
  const candidates = {html: new Map(), svg: new Map()};
  let hangulText = {html: 0, svg: 0};
  const consider = (kind, e, text) => {
    hangulText[kind]++;
    const s = getComputedStyle(e);
    const key = `${s.fontStyle} ${weightOf(s)} ${s.fontFamily}`;
    if (candidates[kind].has(key) || candidates[kind].size >= limit) return;
    candidates[kind].set(key, {e, text, family: s.fontFamily, css: `${s.fontStyle} ${s.fontWeight} ${SIZE}px ${s.fontFamily}`,
                               probeCss: `${s.fontStyle} ${s.fontWeight} ${SIZE}px "layerlab-script-probe"`,
                               boldCss: `${s.fontStyle} ${s.fontWeight} ${SIZE}px "layerlab-script-probe-bold"`});
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!e || e.closest('svg') || !n.data.match(wanted) || !e.getClientRects().length) continue;
    consider('html', e, n.data);
  }
  // JupyterLab shows an image/svg+xml output as an <img> (its text is not in the page):
  // such a picture is read from its data URL and laid out, hidden, in the same page.
  const shelf = document.createElement('div');
  shelf.style.cssText = 'position:absolute;left:-20000px;top:0;visibility:hidden';
  document.body.appendChild(shelf);
  for (const img of root.querySelectorAll('img[src^="data:image/svg+xml"]')) {
    try {
      const doc = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml');
      if (doc.documentElement.tagName.toLowerCase() === 'svg') shelf.appendChild(document.importNode(doc.documentElement, true));
    } catch (e) { /* not a picture we can read: not counted */ }
  }
  const pictures = [...root.querySelectorAll('svg'), ...shelf.querySelectorAll(':scope > svg')]
    .filter(s => s.querySelector('g.graph'));
  for (const svg of pictures) {
    for (const t of svg.querySelectorAll('text')) {
      if ((t.textContent || '').match(wanted)) consider('svg', t, t.textContent);
    }
  }
  const checked = [];
  for (const kind of ['html', 'svg']) {
    for (const {e, text, family, css, probeCss, boldCss} of candidates[kind].values()) {
      const chars = [...new Set(text.match(wanted))].slice(0, 3);
      const none = draw(css, '\u0378');
      const drawn = chars.map(ch => draw(css, ch));
      const probe = chars.map(ch => draw(probeCss, ch));
      const probeBold = chars.map(ch => draw(boldCss, ch));
      checked.push({
        kind, what: describe(e), family, face: css.split(' ').slice(0, 2).join(' '), text: text.trim().slice(0, 60), chars,
        inked: drawn.map(inked),
        tofu: drawn.map(d => same(d, none)),
        font: loaded ? drawn.map((d, i) => same(d, probe[i]) || same(d, probeBold[i])) : chars.map(() => false),
        widths: drawn.map(d => Math.round(d.width * 10) / 10),
        font_widths: probe.map(d => Math.round(d.width * 10) / 10),
        distinct: drawn.length < 2 || !same(drawn[0], drawn[1]),
      });
    }
  }
  shelf.remove();
  return {loaded, load_error: loadError, pictures: pictures.length, hangul_text: hangulText, checked};
}"""


def glyph_report(page: Any, font: str = HANGUL_FONT, script: str = HANGUL,
                 scope: str = NOTEBOOK, limit: int = 6) -> dict:  # fmt: skip
    """What :data:`GLYPHS` finds on ``page``: see the module's docstring."""
    return page.evaluate(GLYPHS, {"font": font, "script": script, "scope": scope, "limit": limit})


def tofu_findings(where: str, report: dict, font: str = HANGUL_FONT) -> list[str]:
    """Why the report does not prove that the page's Hangul is drawn in ``font``: one line a
    problem (none: it is)."""
    if not report["loaded"]:
        return [f"{where}: no font named {font!r} on this machine ({report['load_error'] or 'not loaded'}): "
                f"Hangul falls back to whatever the system has, or to boxes (apt-get install fonts-nanum)"]  # fmt: skip
    found = []
    kinds = {c["kind"] for c in report["checked"]}
    if "html" not in kinds:
        found.append(f"{where}: no text element in Hangul to check")
    if report["pictures"] and "svg" not in kinds:
        found.append(f"{where}: {report['pictures']} Graphviz picture(s), but no <text> in them "
                     "holds Hangul (their labels are still English)")  # fmt: skip
    for c in report["checked"]:
        at = f"{where}: {c['kind']} {c['what']} ({c['text']!r}, {c['face']} {c['family']})"
        for i, ch in enumerate(c["chars"]):
            if not c["inked"][i]:
                found.append(f"{at}: {ch!r} is drawn blank")
            elif c["tofu"][i]:
                found.append(f"{at}: {ch!r} is drawn as the box of a missing glyph (tofu)")
            elif not c["font"][i]:
                found.append(f"{at}: {ch!r} is not drawn with {font}'s glyph "
                             f"({c['widths'][i]} px wide, {font}'s is {c['font_widths'][i]} px)")  # fmt: skip
        if not c["distinct"]:
            found.append(f"{at}: {c['chars'][0]!r} and {c['chars'][1]!r} are drawn the same")
    return found
