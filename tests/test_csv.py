"""synthaug._csv: the text of float columns is what pandas writes; the CSV writer itself is tested through
synthaug.io.TableWriter in test_io.py."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from synthaug._csv import float_text
from synthaug.io import TableWriter


def test_float_text_is_numpys_repr_which_pandas_writes():
    rng = np.random.default_rng(0)
    x = np.concatenate([
        rng.normal(size=2000) * 10.0 ** rng.integers(-30, 30, 2000),  # every exponent layout
        np.round(rng.normal(size=2000) * 1e3, 2), np.round(rng.normal(size=2000) * 1e6),  # whole: 1.0, not 1
        [0.0, -0.0, np.inf, -np.inf, 1e16, 9.999999999999998e15, 1e-4, 9.99999e-5, 5e-324, 2.0**53, 1e15],
    ])
    assert float_text(pa.array(x)).to_pylist() == x.astype(str).tolist()


@pytest.mark.parametrize(("values", "text"), [
    ([1.0, None, 12.5], ["1.0", None, "12.5"]),
    ([1e-05, 1.5e-07, 123456789012345.0], ["1e-05", "1.5e-07", "123456789012345.0"]),  # Arrow: 0.00001, 1.5e-7
    ([], []),
])
def test_float_text_by_hand(values, text):
    assert float_text(pa.chunked_array([pa.array(values, pa.float64())])).to_pylist() == text


def test_files_are_what_pandas_to_csv_writes(tmp_path):
    """Every dtype sampling gives (but tz-aware timestamps: Arrow's +0200 where pandas writes +02:00)."""
    rng = np.random.default_rng(1)
    n = 50
    frame = pd.DataFrame({
        "float": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n) * 10.0 ** rng.integers(-8, 18, n)),
        "whole float": np.round(rng.normal(size=n) * 100),
        "float32": rng.normal(size=n).astype(np.float32),
        "int": rng.integers(-5, 5, n),
        "Int64": pd.Series(rng.integers(0, 9, n), dtype="Int64").where(rng.random(n) > .2),
        "uint8": rng.integers(0, 255, n).astype(np.uint8),
        "bool": rng.random(n) < 0.5,
        "boolean": pd.Series(rng.random(n) < 0.5, dtype="boolean").where(rng.random(n) > .2),
        "bool object": pd.Series(rng.random(n) < 0.5, dtype=object).where(rng.random(n) > .2),
        "text": pd.Series(rng.choice(["Oslo", "a, b", 'say "hi"', "two\nlines", " x ", "", "東京"], n)).where(
            rng.random(n) > .2),
        "category": pd.Series(rng.choice(["red", "a,b"], n), dtype="category"),
        "day": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
        "second": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s"),
    })
    with TableWriter(tmp_path / "t.csv") as writer:
        writer.write(frame.iloc[:20])
        writer.write(frame.iloc[20:])
    assert (tmp_path / "t.csv").read_bytes().decode("utf-8") == frame.to_csv(index=False, lineterminator="\n")


def test_a_single_column_writes_missing_values_as_pandas_does(tmp_path):
    frame = pd.DataFrame({"a": [1.5, np.nan, 2.0]})  # an empty line would be skipped when read back
    with TableWriter(tmp_path / "t.csv") as writer:
        writer.write(frame)
    assert (tmp_path / "t.csv").read_text() == frame.to_csv(index=False) == 'a\n1.5\n""\n2.0\n'
    assert pd.read_csv(tmp_path / "t.csv")["a"].isna().tolist() == [False, True, False]
