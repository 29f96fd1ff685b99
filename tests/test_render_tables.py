"""Tables a notebook prints: what history rows made a layer, an analysed image's figures.

Expected rows come from how each image is built (which instructions make a layer, what each
layer stores), not from the tables' own output."""

from __future__ import annotations

import layerlab as ll
from layerlab.analysis import analyze
from layerlab.build.context import BuildContext
from layerlab.engine.host import Host
from layerlab.i18n import set_language
from layerlab.model.image import HistoryEntry
from layerlab.render import efficiency_table, fixes_table, image_steps, largest_files_table, layer_changes_table
from layerlab.render.tables import Column, Table

MB = 1_000_000


def test_a_table_prints_as_text_and_shows_as_escaped_html() -> None:
    table = Table((Column("path"), Column("size", numeric=True)), (("/a<b>", "1kB"), ("/long/path", "12MB")))
    text = str(table)
    assert text.splitlines() == ["path        size", "/a<b>        1kB", "/long/path  12MB"]
    assert repr(table) == text
    page = table._repr_html_()
    assert "/a&lt;b&gt;" in page and "<b>" not in page
    assert "text-align:right" in page  # the size column


def test_image_steps_says_which_instructions_made_a_layer() -> None:
    dockerfile = ('FROM scratch\nENV MODE=demo\nWORKDIR /app\nLABEL course=layerlab\n'
                  'RUN echo hello > greeting.txt\nCMD ["cat", "greeting.txt"]\n')  # fmt: skip
    built = Host().build(BuildContext.from_files({"Dockerfile": dockerfile}), "demo")
    table = image_steps(built.image)
    made = [row[0] for row in table.rows]
    # ENV, LABEL and CMD only change the config; WORKDIR (it made /app) and RUN give layers
    assert made == ["no", "yes", "no", "yes", "no"]
    assert [row[1].split()[0] for row in table.rows] == ["ENV", "WORKDIR", "LABEL", "RUN", "CMD"]
    assert made.count("yes") == len(built.image.layers)


def test_image_steps_cuts_a_long_created_by() -> None:
    image = ll.Image.build([ll.Layer.from_files({"a": b"x"})], history=[HistoryEntry(created_by="RUN " + "x" * 200)])
    (row,) = image_steps(image).rows
    assert len(row[1]) == 60 and row[1].endswith("…")


def wasteful() -> ll.Image:
    """5 MB added then deleted, and a 1 MB file, in three layers."""
    layers = [
        ("RUN make big", ll.Layer.from_files({"tmp/big": ll.SyntheticContent(5 * MB, 1), "app/x": b"ok"})),
        ("RUN rm big", ll.Layer.from_files({}, delete=["tmp/big"])),
        ("COPY tool", ll.Layer.from_files({"bin/tool": ll.SyntheticContent(MB, 2)})),
    ]
    return ll.Image.build([layer for _, layer in layers], history=[HistoryEntry(created_by=c) for c, _ in layers])


def test_analysis_tables_hold_the_figures_of_each_layer() -> None:
    app = analyze(wasteful(), "app:1")
    assert largest_files_table(app, 2).rows == (("1MB", "2", "/bin/tool"), ("2B", "0", "/app/x"))
    changes = layer_changes_table(app).rows
    assert [row[0] for row in changes] == ["0", "1", "2"]
    assert [row[2:] for row in changes] == [("4", "0", "0"), ("0", "0", "1"), ("2", "0", "0")]  # tmp, tmp/big, app, app/x
    assert changes[0][1] == "5MB"
    (fix,) = fixes_table(app).rows
    assert fix[0] == "5MB" and "RUN" in fix[1]
    (row,) = efficiency_table([app]).rows
    assert row == ("app:1", "6MB", "5MB", f"{(MB + 2) / (6 * MB + 2):.1%}")


def test_tables_are_headed_in_the_learners_language() -> None:
    app = analyze(wasteful(), "app:1")
    set_language("ko")
    try:
        headings = [c.heading for t in (largest_files_table(app), layer_changes_table(app), fixes_table(app),
                                        efficiency_table([app]), image_steps(app.image)) for c in t.columns]  # fmt: skip
    finally:
        set_language(None)
    english = [h for h in headings if h.isascii()]
    assert not english, english
