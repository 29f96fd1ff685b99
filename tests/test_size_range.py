"""The comparison rule for sizes the model knows within an interval (compressed content)."""

from __future__ import annotations

from layerlab.compare.size_range import SizeRange, admitted_lines, size_fact


def test_an_engine_value_agrees_when_a_size_in_the_interval_prints_as_it_does() -> None:
    # Engine 28.5 printed 7.32MB for shared-one:1 where layerlab's zlib gives 7,314,100 B
    size = SizeRange(7_314_100 - 400, 7_314_100 + 9_000)
    assert size == "7.32MB" and size == "7.31MB" and size != "7.33MB" and size != "7.3MB"
    assert ("shared-one:1", size) == ("shared-one:1", "7.32MB")
    assert ("shared-one:1", size) != ("shared-one:1", "7.4MB")


def test_a_difference_shows_the_interval() -> None:
    assert repr(SizeRange(36_250, 36_480)) == "'36.2kB..36.5kB'"
    assert repr(SizeRange(3_160_000, 3_160_400)) == "'3.16MB'"
    assert SizeRange(7_200_000, 7_230_000, 4, " (100%)") == "7.22MB (100%)"
    assert SizeRange(7_200_000, 7_230_000, 4, " (100%)") != "7.22MB (99%)"


def test_an_exact_size_stays_a_printed_string() -> None:
    assert size_fact(2_011_000, (0, 0), 4) == "2.011MB" and isinstance(size_fact(1, (0, 0)), str)


def test_table_lines_take_the_engine_value_the_interval_admits() -> None:
    mine = ["REPOSITORY   TAG      IMAGE ID   SIZE", "course-api   latest   <id>       36.3kB"]
    theirs = ["REPOSITORY   TAG      IMAGE ID   SIZE", "course-api   latest   <id>       36.4kB"]
    ranges = {"course-api latest": SizeRange(36_300, 36_420)}
    assert admitted_lines(mine, theirs, ranges) == theirs
    assert admitted_lines(mine, theirs, {"course-api latest": SizeRange(36_200, 36_340)})[1].endswith("36.2kB..36.3kB")


def test_inspect_size_is_an_interval_only_where_compressed_content_counts() -> None:
    from layerlab.build.context import BuildContext
    from layerlab.compare.size_range import inspect_size_fact
    from layerlab.engine.host import Host

    for engine, ranged in (("28-containerd", True), ("28", False)):
        host = Host(engine=engine, seed=1)
        host.build(BuildContext.from_files({"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "x" * 5000}), "x:1")
        size = host.inspect("x:1")["Size"]
        fact = inspect_size_fact(host, "x:1", size)
        assert isinstance(fact, SizeRange) is ranged and fact == size
        assert (fact == size + 10_000) is False
