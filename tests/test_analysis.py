"""The analysis: marks, waste and efficiency, fixes, side by side, driver costs.

Expected figures come from how each image is constructed, or from a small reference
merge of the layers' *tar bytes* written here with ``tarfile`` (independent of
layerlab's Tree and of the analysis' own pass).
"""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import layerlab as ll
from layerlab import read_archive, save_docker_archive
from layerlab.analysis import analyze, compare_analyses, step_kind
from layerlab.model.fs import File, Symlink
from layerlab.model.image import HistoryEntry

MB = 1_000_000


def image_of(steps: list[tuple[str, ll.Layer]]) -> ll.Image:
    return ll.Image.build(
        [layer for _, layer in steps], history=[HistoryEntry(created_by=text) for text, _ in steps]
    )


def wasteful() -> ll.Image:
    """5 MB added then deleted; 3 MB added then chmod-ed (stored twice, same bytes)."""
    return image_of(
        [
            (
                "COPY busybox /bin/busybox # buildkit",
                ll.Layer.from_files({"bin/busybox": ll.SyntheticContent(2 * MB, 1)}),
            ),
            (
                "RUN /bin/sh -c dd if=/dev/urandom of=/tmp/big bs=1M count=5 && cp x /app/tool",
                ll.Layer.from_files(
                    {
                        "tmp/big": ll.SyntheticContent(5 * MB, 2),
                        "app/tool": ll.SyntheticContent(3 * MB, 3),
                    }
                ),
            ),
            ("RUN /bin/sh -c rm /tmp/big", ll.Layer.from_files({}, delete=["tmp/big"])),
            (
                "RUN /bin/sh -c chmod 755 /app/tool",
                ll.Layer.from_files(
                    {"app/tool": File(content=ll.SyntheticContent(3 * MB, 3), mode=0o755)}
                ),
            ),
        ]
    )


# -- an independent reference: merge the layer tars with tarfile ---------------------------


def reference(image: ll.Image) -> tuple[int, int, list[dict[str, str]]]:
    """(total file bytes of all layers, file bytes of the merged fs, per-layer marks)."""
    merged: dict[str, tuple] = {}
    total = 0
    marks: list[dict[str, str]] = []
    for layer in image.layers:
        data = b"".join(layer.tar_chunks())
        layer_marks: dict[str, str] = {}
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            members = tar.getmembers()
            for m in members:
                name = m.name.rstrip("/")
                base = name.rsplit("/", 1)[-1]
                parent = name.rsplit("/", 1)[0] if "/" in name else ""
                if base == ".wh..wh..opq":
                    for p in [p for p in merged if p.startswith(parent + "/")]:
                        layer_marks[p] = "D"
                        del merged[p]
                elif base.startswith(".wh."):
                    gone = (parent + "/" if parent else "") + base[4:]
                    for p in [p for p in merged if p == gone or p.startswith(gone + "/")]:
                        layer_marks[p] = "D"
                        del merged[p]
            for m in members:
                name = m.name.rstrip("/")
                if name.rsplit("/", 1)[-1].startswith(".wh."):
                    continue
                digest = (
                    hashlib.sha256(tar.extractfile(m).read()).hexdigest()
                    if m.isreg()
                    else m.linkname
                )
                if m.isreg():
                    total += m.size
                key = (m.type, digest, m.mode, m.uid, m.gid, m.size if m.isreg() else 0)
                old = merged.get(name)
                layer_marks[name] = (
                    "A"
                    if old is None and layer_marks.get(name) != "D"
                    else ("" if old == key else "M")
                )
                if old is None and layer_marks[name] == "M":
                    layer_marks[name] = "A"  # removed by an opaque marker and added again
                merged[name] = key
        marks.append(layer_marks)
    final = sum(key[5] for key in merged.values())
    return total, final, marks


# -- waste and efficiency ------------------------------------------------------------------


def test_waste_known_by_construction():
    a = analyze(wasteful())
    assert a.total_bytes == (2 + 5 + 3 + 3) * MB
    assert a.final_bytes == (2 + 3) * MB
    assert a.wasted_bytes == (5 + 3) * MB
    assert a.efficiency == pytest.approx(5 / 13)
    lost = {(c.layer, "/" + c.path, c.removed_by, c.fate) for c in a.lost_copies()}
    assert lost == {(1, "/tmp/big", 2, "deleted"), (1, "/app/tool", 3, "metadata")}
    assert [row.wasted_bytes for row in a.layers] == [0, 8 * MB, 0, 0]
    assert [row.removes_bytes for row in a.layers] == [0, 0, 5 * MB, 3 * MB]


def test_dive_counts_the_kept_copy_too():
    a = analyze(wasteful())
    # dive: paths seen in two layers add up every copy: /tmp/big 5 MB + /app/tool 3+3 MB
    assert a.figures.dive_wasted_bytes == (5 + 6) * MB
    assert a.wasted_bytes == 8 * MB


def test_matches_reference_merge_of_the_tars():
    image = wasteful()
    total, final, _ = reference(image)
    a = analyze(image)
    assert (a.total_bytes, a.final_bytes, a.wasted_bytes) == (total, final, total - final)


def test_no_waste_means_efficiency_one():
    image = image_of(
        [
            ("COPY a /a", ll.Layer.from_files({"a": b"x" * 10})),
            ("COPY b /b", ll.Layer.from_files({"b": b"y"})),
        ]
    )
    a = analyze(image)
    assert (a.wasted_bytes, a.efficiency, a.fixes) == (0, 1.0, [])
    empty = analyze(image_of([("WORKDIR /app", ll.Layer.from_files({"app": ll.Dir()}))]))
    assert (empty.total_bytes, empty.efficiency) == (0, 1.0)


def test_moved_file_shares_its_content_object_but_counts_twice():
    content = File(content=ll.SyntheticContent(MB, 9))
    image = image_of(
        [
            ("RUN a", ll.Layer.from_files({"old/f": content})),
            ("RUN mv /old/f /new/f", ll.Layer.from_files({"new/f": content}, delete=["old/f"])),
        ]
    )
    a = analyze(image)
    assert (a.total_bytes, a.final_bytes, a.wasted_bytes) == (2 * MB, MB, MB)
    assert [(c.layer, c.path, c.fate) for c in a.lost_copies()] == [(0, "old/f", "deleted")]


# -- marks ---------------------------------------------------------------------------------


def test_marks_for_each_kind_of_change():
    base = ll.Layer.from_files(
        {
            "etc/mode": b"m",
            "etc/owner": b"o",
            "etc/bytes": b"aaaa",
            "etc/same": b"s",
            "etc/link": b"l",
            "gone/x": b"x",
        }
    )
    top = ll.Layer.from_files(
        {
            "etc/mode": File(content=b"m", mode=0o600),
            "etc/owner": File(content=b"o", uid=1000),
            "etc/bytes": b"bbbb",  # same size, other bytes
            "etc/same": b"s",  # stored again, identical
            "etc/link": Symlink(target="mode"),
            "etc/new": b"n",
        },
        delete=["gone"],
    )
    a = analyze(image_of([("RUN a", base), ("RUN b", top)]))
    marks = {c.path: c.mark for c in a.changes(1)}
    assert marks == {
        "etc": "",
        "etc/mode": "M",
        "etc/owner": "M",
        "etc/bytes": "M",
        "etc/same": "",
        "etc/link": "M",
        "etc/new": "A",
        "gone": "D",
        "gone/x": "D",
    }
    gone = next(c for c in a.changes(1) if c.path == "gone")
    assert gone.removed_bytes == 1
    row = a.layers[1]
    assert (row.added, row.modified, row.deleted, row.unchanged) == (1, 4, 2, 2)


names = st.sampled_from(["f0", "d1/f1", "d1/f2", "d2/f1", "d2/sub/f3"])
contents = st.sampled_from([b"", b"a", b"bb", b"cc", b"ddd" * 100])
modes = st.sampled_from([0o644, 0o755])
layer_spec = st.tuples(
    st.dictionaries(names, st.tuples(contents, modes), max_size=4),
    st.lists(st.sampled_from(["f0", "d1", "d1/f1", "d2", "d2/sub"]), max_size=2, unique=True),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(layer_spec, min_size=1, max_size=5))
def test_figures_and_marks_agree_with_the_reference(specs):
    layers = []
    for files, deletes in specs:
        deletes = [
            d
            for d in deletes
            if not any(f == d or f.startswith(d + "/") or d.startswith(f + "/") for f in files)
        ]
        deletes = [d for d in deletes if not any(d.startswith(o + "/") for o in deletes)]
        layers.append(
            ll.Layer.from_files(
                {p: File(content=c, mode=m) for p, (c, m) in files.items()}, delete=deletes
            )
        )
    image = image_of([(f"RUN step {i}", layer) for i, layer in enumerate(layers)])
    total, final, ref_marks = reference(image)
    a = analyze(image)
    assert (a.total_bytes, a.final_bytes, a.wasted_bytes) == (total, final, total - final)
    for i, expected in enumerate(ref_marks):
        got = {c.path: c.mark for c in a.changes(i)}
        assert got == expected, i


# -- fixes ---------------------------------------------------------------------------------


def test_fixes_name_the_steps_and_the_savings():
    kinds = {(f.kind, f.added_in, f.lost_in, f.saves_bytes) for f in analyze(wasteful()).fixes}
    assert kinds == {("clean-in-same-step", 1, 2, 5 * MB), ("chmod-in-same-step", 1, 3, 3 * MB)}


def test_copy_then_chmod_suggests_copy_chown():
    image = image_of(
        [
            (
                "COPY app /app # buildkit",
                ll.Layer.from_files({"app/bin": ll.SyntheticContent(MB, 1)}),
            ),
            (
                "RUN /bin/sh -c chown -R 1000 /app",
                ll.Layer.from_files(
                    {"app/bin": File(content=ll.SyntheticContent(MB, 1), uid=1000)}
                ),
            ),
        ]
    )
    [fix] = analyze(image).fixes
    assert (fix.kind, fix.saves_bytes, fix.examples) == ("copy-chown", MB, ("/app/bin",))
    assert "COPY --chown" in fix.text


def test_build_tools_removed_later_suggest_multi_stage():
    image = image_of(
        [
            (
                "RUN /bin/sh -c apt-get install -y build-essential",
                ll.Layer.from_files(
                    {
                        "usr/lib/gcc/cc1": ll.SyntheticContent(4 * MB, 1),
                        "usr/bin/gcc": ll.SyntheticContent(MB, 2),
                    }
                ),
            ),
            (
                "RUN /bin/sh -c make && cp app /app",
                ll.Layer.from_files({"app": ll.SyntheticContent(MB, 3)}),
            ),
            (
                "RUN /bin/sh -c apt-get purge -y build-essential",
                ll.Layer.from_files({}, delete=["usr/lib/gcc", "usr/bin/gcc"]),
            ),
        ]
    )
    [fix] = analyze(image).fixes
    assert (fix.kind, fix.added_in, fix.lost_in, fix.saves_bytes, fix.files) == (
        "multi-stage",
        0,
        2,
        5 * MB,
        2,
    )


def test_step_kinds_from_history_text():
    assert step_kind("RUN /bin/sh -c apt-get update # buildkit") == "RUN"
    assert step_kind("/bin/sh -c #(nop) COPY file:abc in /app ") == "COPY"
    assert step_kind("/bin/sh -c apt-get update") == "RUN"
    assert step_kind("|1 X=y /bin/sh -c make") == "RUN"
    assert step_kind("ADD rootfs.tar / # buildkit") == "ADD"
    assert step_kind("") == ""


# -- side by side and drivers --------------------------------------------------------------


def test_two_images_side_by_side():
    base = ll.Layer.from_files({"bin/busybox": ll.SyntheticContent(2 * MB, 1)})
    one = image_of(
        [
            ("COPY busybox /bin/ # buildkit", base),
            ("COPY a /app/ # buildkit", ll.Layer.from_files({"app/a": b"A" * 100})),
        ]
    )
    two = image_of(
        [
            ("COPY busybox /bin/ # buildkit", base),
            ("COPY b /app/ # buildkit", ll.Layer.from_files({"app/a": b"B" * 100, "app/b": b"b"})),
        ]
    )
    c = compare_analyses([analyze(one, "one"), analyze(two, "two")])
    assert [s.chain_id for s in c.shared] == [one.chain_ids[0]] == [two.chain_ids[0]]
    assert c.separate_bytes == 2 * (2 * MB) + 100 + 101
    assert c.saved_bytes == 2 * MB
    assert c.own_layers == ((1,), (1,))
    assert {(d.path, d.mark) for d in c.differences[0]} == {("app/a", "M"), ("app/b", "A")}


def test_driver_costs_follow_the_driver_models():
    image = wasteful()
    a = analyze(image)
    costs = {d.driver: d for d in a.drivers}
    assert costs["overlay2"].image_disk == a.total_bytes  # each layer's files, as stored
    # vfs keeps every layer as a full copy of the merged tree up to it
    merged_sizes = [
        analyze(
            image_of([(f"s{k}", layer) for k, layer in enumerate(image.layers[: i + 1])])
        ).final_bytes
        for i in range(len(image.layers))
    ]
    assert costs["vfs"].image_disk == sum(merged_sizes)
    assert costs["btrfs"].image_disk >= a.total_bytes  # whole blocks


def test_archived_image_gives_the_same_analysis(tmp_path):
    image = wasteful()
    save_docker_archive({"waste:1": image}, tmp_path / "w.tar")
    [archived] = read_archive(tmp_path / "w.tar", progress=False)
    model, real = analyze(image), analyze(archived.image)
    for key in (
        "total_bytes",
        "final_bytes",
        "wasted_bytes",
        "efficiency",
        "layers",
        "wasted_files",
        "fixes",
        "drivers",
    ):
        assert model.to_json()[key] == real.to_json()[key], key
    assert (real.wasted_bytes, real.final_bytes) == (8 * MB, 5 * MB)
    assert {c.path: c.mark for c in real.changes(3)} == {"app": "", "app/tool": "M"}


def test_rewrites_of_a_base_rootfs_are_called_unavoidable():
    image = image_of(
        [
            (
                "/bin/sh -c #(nop) ADD file:0123abcd in / ",
                ll.Layer.from_files({"var/lib/dpkg/status": b"a" * 1000}),
            ),
            (
                "RUN /bin/sh -c apt-get install -y make",
                ll.Layer.from_files({"var/lib/dpkg/status": b"b" * 1200}),
            ),
        ]
    )
    [fix] = analyze(image).fixes
    assert (fix.kind, fix.saves_bytes) == ("base-rewrite", 1000)
    assert "usually unavoidable" in fix.text


def test_the_walk_reports_each_layer_for_the_progress_bar():
    from layerlab.analysis.stack import walk

    layers = [ll.Layer.from_files({"a": b"x" * 10}), ll.Layer.from_files({"b": b"y" * 3})]
    told: list[int] = []
    walk(layers, told.append)
    assert told == [10, 3]
