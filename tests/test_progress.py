"""The progress bar is drawn from its first step, so an error before any work stands alone; it shows the
time elapsed beside the time left."""

import pytest
from rich.progress import Progress

from synthaug import DataError, TabularCGAN
from synthaug._progress import TimesColumn, new_progress, progress_bar
from tests.conftest import make_mixed_table


def test_a_bar_is_drawn_only_once_work_advances_it(capfd):
    # `share --dp-epsilon 0.01` printed an empty "training 0/200" bar above its one-line error
    with progress_bar(200, "training", enabled=True):
        pass
    assert "training" not in capfd.readouterr().err
    with progress_bar(200, "training", enabled=True) as bar:
        bar.advance(200, status="done")
    assert "training" in capfd.readouterr().err


def test_the_bar_shows_the_time_elapsed_and_left_then_the_time_it_took():
    # a 429 s sample ended on "0:00:00" (the time left alone); advanced once per 50,000-row chunk, it said
    # "-:--:--" until its second chunk (rich's speed needs two advances)
    now = [0.0]
    progress = Progress(get_time=lambda: now[0], disable=True)
    task = progress.add_task("sampling", total=100)
    said = []
    for at, rows in ((0.0, 0), (10.0, 25), (429.0, 75)):
        now[0] = at
        progress.advance(task, rows)
        said.append(TimesColumn().render(progress.tasks[0]).plain)
    assert said == ["0:00:00 (-:--:-- left)", "0:00:10 (0:00:30 left)", "took 0:07:09"]


def test_a_training_bar_with_its_losses_fits_80_columns():
    # "training 15/300 0:00:00 elapsed,       D 0.817  G 3.417": the time left was cropped to blanks
    import io

    from rich.console import Console

    out = io.StringIO()
    progress = new_progress(Console(file=out, width=80, force_terminal=True, color_system=None))
    task = progress.add_task("training", total=3000, status="D 0.817  G 3.417")
    progress.start()
    progress.update(task, advance=1500)
    progress.stop()
    line = [text for text in out.getvalue().splitlines() if "training" in text][-1].split("\r")[-1].rstrip()
    assert "1500/3000" in line and "left)" in line and line.endswith("D 0.817  G 3.417"), line


def test_a_sample_draws_its_bar_before_its_first_chunk_is_made(capfd, tmp_path):
    # the bar came at the first chunk's end: with the filters on, ~10 s of nothing on screen for 50,000 rows
    model = TabularCGAN(epochs=1, min_steps=2, generator_dims=(8,), discriminator_dims=(8,), latent_dim=4,
                        random_state=0, verbose=False).fit(make_mixed_table(40), y="label")

    def first_chunk_fails(*args, **kwargs):
        raise RuntimeError("making the first chunk")
        yield

    model._text_chunks = first_chunk_fails
    with pytest.raises(RuntimeError, match="first chunk"):
        model.write_sample(tmp_path / "s.csv", n=10, verbose=True)
    assert "sampling" in capfd.readouterr().err
    with pytest.raises(DataError):  # a request refused before any work draws no bar
        model.write_sample(tmp_path / "s.csv", n=0, verbose=True)
    assert "sampling" not in capfd.readouterr().err


def test_a_fit_says_what_it_does_before_its_training_bar(monkeypatch):
    # a 300,000-row fit showed nothing for 24 s (encoding, the sampling filters) before "training 0/600"
    import contextlib

    import synthaug.tabular.synthesizer as module

    said = []

    @contextlib.contextmanager
    def recording(text, enabled):
        said.append((text, enabled))
        yield

    monkeypatch.setattr(module, "status", recording)
    fast = {"epochs": 1, "min_steps": 2, "generator_dims": (8,), "discriminator_dims": (8,), "latent_dim": 4}
    table = make_mixed_table(40)
    TabularCGAN(**fast, random_state=0, verbose=True).fit(table, y="label")
    assert said == [(f"encoding 40 rows x {table.shape[1] - 1} columns", True),
                    ("preparing the sampling filters", True)]
    said.clear()
    TabularCGAN(**fast, random_state=0, verbose=False).fit(table, y="label")
    assert [enabled for _, enabled in said] == [False, False]


def test_a_status_spins_on_a_terminal_only(capfd):
    from synthaug._progress import status

    with status("encoding", True):  # stderr here is not a terminal: nothing, as in a log
        pass
    assert capfd.readouterr().err == ""
