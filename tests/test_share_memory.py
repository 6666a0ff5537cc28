"""share refuses, before training, a number of records whose table cannot fit in memory, and turns
running out of memory while it samples or measures into one line with nothing written."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import synthaug._share_checks as share_checks
from synthaug import DataError
from synthaug.cli import app
from synthaug.share import share
from tests.test_share import Memoriser


class MustNotFit(Memoriser):
    def fit(self, X, y):
        raise AssertionError("share trained before refusing --n")


class OutOfMemory(Memoriser):
    def sample_frame(self, n, random_state=None):
        raise RuntimeError("[enforce fail at alloc_cpu.cpp:127] DefaultCPUAllocator: can't allocate memory: you "
                           "tried to allocate 51200000 bytes. Error code 12 (Cannot allocate memory)")


def table() -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(40.0), "y": np.arange(40.0) % 7, "target": ["a", "b"] * 20})


def test_an_n_whose_table_cannot_fit_in_memory_is_refused_before_training(tmp_path, monkeypatch):
    # `share bc.csv --n 100000000` trained, then crashed with a 28-frame traceback while sampling
    monkeypatch.setattr(share_checks, "available_memory", lambda: 480_000_000)  # 1,000,000 cells of 160 bytes
    with pytest.raises(DataError, match=r"^n 2000000: 2,000,000 records of 3 columns take about 1.0 GB \(about 160 "
                                        r"bytes a cell, measured\)") as info:
        share(table(), "target", tmp_path / "out", synthesizer=MustNotFit(), n=2_000_000)
    assert "ask for at most 1,000,000" in str(info.value) and not (tmp_path / "out").exists()
    with pytest.raises(AssertionError, match="share trained"):  # one that fits goes on to train
        share(table(), "target", tmp_path / "out", synthesizer=MustNotFit(), n=1_000_000)


def test_the_cli_names_n_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(share_checks, "available_memory", lambda: 480_000_000)
    table().to_csv(tmp_path / "t.csv", index=False)
    result = CliRunner().invoke(app, ["share", str(tmp_path / "t.csv"), "-t", "target", "-o", str(tmp_path / "out"),
                                      "--n", "100000000", "-q"])
    assert result.exit_code == 2 and result.output.startswith("error: --n 100000000: 100,000,000 records of 3 ")
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_running_out_of_memory_while_sampling_is_one_line_and_writes_nothing(tmp_path):
    with pytest.raises(DataError, match=r"^out of memory while sampling the release \(n 1000\); nothing was "
                                        r"written: ask for fewer records"):
        share(table(), "target", tmp_path / "out", synthesizer=OutOfMemory(), n=1000)
    assert not (tmp_path / "out").exists()
