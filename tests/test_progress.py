"""The progress bar is drawn from its first step, so an error before any work stands alone."""

from synthaug._progress import progress_bar


def test_a_bar_is_drawn_only_once_work_advances_it(capfd):
    # `share --dp-epsilon 0.01` printed an empty "training 0/200" bar above its one-line error
    with progress_bar(200, "training", enabled=True):
        pass
    assert "training" not in capfd.readouterr().err
    with progress_bar(200, "training", enabled=True) as bar:
        bar.advance(200, status="done")
    assert "training" in capfd.readouterr().err
