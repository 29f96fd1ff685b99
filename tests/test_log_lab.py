"""The log lab without a browser: pick a driver and limits, click Run, read what was kept."""

from __future__ import annotations

import html
import json
import re
import statistics

import pytest

pytest.importorskip("ipywidgets")

from layerlab.engine.host import Host
from layerlab.widgets import LogLab
from layerlab.widgets.fallback import RUN_TO_USE


def text(value: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", value))


def record_bytes(i: int) -> int:
    """One json-file record of line ``i`` as dockerd writes it (a 30-character time)."""
    line = f"{i:05d} GET /index.html 200\n"
    return len(json.dumps({"log": line, "stream": "stdout", "time": "2026-12-06T05:00:00.123456789Z"},
                          separators=(",", ":"))) + 1  # fmt: skip


@pytest.fixture()
def lab() -> LogLab:
    return LogLab(Host(seed=3, engine="20.10"))


def run(lab: LogLab, driver: str, max_size: str, max_file: str, lines: int) -> None:
    lab.driver.value, lab.max_size.value, lab.max_file.value, lab.lines.value = (
        driver,
        max_size,
        max_file,
        lines,
    )
    lab.run_button.click()


def test_without_limits_json_file_keeps_every_line_outside_the_layer(lab: LogLab) -> None:
    run(lab, "json-file", "", "", 1_000)
    shown = text(lab.result.value)
    assert "--log-driver json-file \\\n" in shown and "--log-opt" not in shown
    assert "$ docker logs talk | wc -l\n1000\n" in shown
    expected = sum(record_bytes(i) for i in range(1_000))
    assert f"{expected:<8}/var/lib/docker/containers/<id>/<id>-json.log" in shown
    assert "talk: 0B (virtual" in shown
    assert text(lab.status.value).startswith(
        f"kept 1,000 of 1,000 lines in 1 file(s), {expected:,} bytes"
    )


def test_max_size_and_max_file_keep_the_newest_lines_in_that_many_files(lab: LogLab) -> None:
    run(lab, "json-file", "10k", "3", 1_000)
    shown = text(lab.result.value)
    sizes = [
        int(n)
        for n in re.findall(r"^(\d+)\s+/var/lib/docker/containers/<id>/<id>-json\.log", shown, re.M)
    ]
    assert len(sizes) == 3 and all(s <= 10_000 + record_bytes(0) for s in sizes)
    kept = int(re.search(r"wc -l\n(\d+)", shown).group(1))
    assert kept == lab.host.logs("talk").count("\n") and kept < 1_000 // 2
    assert lab.host.logs("talk").splitlines()[-1] == "00999 GET /index.html 200"
    assert (
        len([c for c in lab.host.containers.values() if c.name == "talk"]) == 1
    )  # replaced, not added


def test_local_and_none_drivers(lab: LogLab) -> None:
    run(lab, "local", "", "", 500)
    assert "/var/lib/docker/containers/<id>/local-logs/container.log" in text(lab.result.value)
    run(lab, "none", "10k", "2", 500)
    shown = text(lab.result.value)
    assert "--log-driver none \\\n" in shown and "--log-opt" not in shown  # none takes no options
    assert "docker logs has nothing to read" in shown and "(no log files)" in shown


def test_a_bad_option_is_refused_inside_the_widget_and_keeps_the_last_run(lab: LogLab) -> None:
    before, kept = lab.result.value, lab.host.container("talk").id
    run(lab, "json-file", "10k", "two", 500)
    assert "docker run refused" in lab.error.value and "two" in text(lab.error.value)
    assert lab.result.value == before and lab.host.container("talk").id == kept
    run(lab, "json-file", "1x", "2", 500)
    assert "invalid size" in text(lab.error.value)
    run(lab, "json-file", "10k", "2", 500)
    assert lab.error.value == ""


def test_reads_like_a_page_before_it_runs() -> None:
    bundle = LogLab(Host(seed=3), run_now=False)._repr_mimebundle_()
    assert "Log lab" in bundle["text/markdown"]
    assert RUN_TO_USE.format(what="the log lab") in bundle["text/markdown"]


def test_a_run_takes_well_under_100_ms_of_kernel_time(lab: LogLab) -> None:
    for _ in range(5):
        run(lab, "json-file", "", "", 1_000)
    assert statistics.median(lab.seconds[1:]) < 0.1, lab.seconds
