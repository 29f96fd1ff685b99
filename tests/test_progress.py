"""Progress bars appear for long work when asked, and cost nothing otherwise."""

from layerlab.archive.progress import byte_progress


def test_a_bar_is_drawn_when_shown(capsys):
    with byte_progress(10 << 20, "reading test.tar", show=True) as tick:
        for _ in range(10):
            tick(1 << 20)
    err = capsys.readouterr().err
    assert "reading test.tar" in err and "10.0M" in err


def test_small_work_draws_nothing(capsys):
    with byte_progress(1000, "tiny") as tick:
        tick(1000)
    assert capsys.readouterr().err == ""
