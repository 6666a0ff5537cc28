"""synthaug._csv_codes through synthaug.io.read_table: numeric-looking codes in a CSV stay text."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from synthaug._csv_codes import spelled_twice
from synthaug.cli import app
from synthaug.io import TableWriter, read_table, read_tables


def _csv(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _column(tmp_path, values, name="t.csv"):
    """A file of one column ``c`` of ``values`` (as written) beside a number, read back."""
    rows = "".join(f"{i},{v}\n" for i, v in enumerate(values))
    return read_table(_csv(tmp_path, f"n,c\n{rows}", name))["c"]


@pytest.mark.parametrize("values", [
    ["00123", "02134", "00501", "10001"],  # ZIP codes: pandas read 123, 2134, 501
    ["01", "02", "10", "01"],  # class labels
    ["250", "250.00", "401.9", "401.90"],  # ICD-like: pandas merged 250 and 250.00 (and 401.9, 401.90)
    ["250", "401.9", "038", "401.9"],
    ["-07", "3", "12", "3"],
])
def test_codes_keep_their_text(tmp_path, values):
    assert _column(tmp_path, values).tolist() == values


@pytest.mark.parametrize(("values", "dtype"), [
    (["0.5", "0", "-0.25", "1e-3"], "float64"),
    (["689.60", "689.6", "12.50", "12.5"], "float64"),  # every value decimal: trailing zeros are formatting
    (["250.0", "0.5", "-0.0", "0.0", "1e-05", "250.0"], "float64"),  # Python's repr, as synthaug writes floats
    (["1e3", "1000", "+5", "5", " 5"], "float64"),  # exponents, signs and spaces are not two spellings
    (["0", "10", "7", "10"], "int64"),
    (["1.5", "2", "2.25", "3"], "float64"),  # integers beside decimals, no number spelled twice
])
def test_plain_numbers_stay_numbers(tmp_path, values, dtype):
    assert str(_column(tmp_path, values).dtype) == dtype


def test_a_missing_code_stays_missing_and_other_columns_are_untouched(tmp_path):
    frame = read_table(_csv(tmp_path, 'zip,note,x\n00123,"two\nlines",1.5\nNA,plain,2\n,"x",3\n'))
    assert frame["zip"].tolist()[0] == "00123" and frame["zip"].isna().tolist() == [False, True, True]
    assert frame["x"].tolist() == [1.5, 2.0, 3.0] and frame["note"].tolist()[0] == "two\nlines"


def test_the_codes_of_a_gzip_file_and_of_a_written_sample_read_back_alike(tmp_path):
    frame = pd.DataFrame({"zip": ["00123", "02134", None], "icd": ["250", "250.00", "038"],
                          "x": [250.0, -0.0, 1e-05], "y": ["01", "10", "01"]})
    for name in ("s.csv", "s.csv.gz"):
        with TableWriter(tmp_path / name) as writer:
            writer.write(frame)
        back = read_table(tmp_path / name)
        for column in ("zip", "icd", "y"):
            assert back[column].fillna("-").tolist() == frame[column].fillna("-").tolist()
        assert back["x"].dtype == np.float64


def test_spelled_twice_by_hand():
    text = pa.array(["250", "250.00", "401.9", "7"])
    assert spelled_twice(text, np.array([250.0, 250.0, 401.9, 7.0]))
    assert not spelled_twice(text, np.array([250.0, 250.5, 401.9, 7.0]))  # no number written twice
    assert not spelled_twice(pa.array(["1.50", "1.5", "0.0", "-0.0"]), np.array([1.5, 1.5, 0.0, -0.0]))


def test_a_column_of_codes_in_one_file_is_text_in_every_file_of_the_job(tmp_path):
    train = _csv(tmp_path, "zip,y\n00123,a\n10001,b\n", "train.csv")
    test = _csv(tmp_path, "zip,y\n60614,a\n10001,b\n", "test.csv")  # no leading zero here
    alone = read_table(test)["zip"]
    tables = read_tables({"train": train, "test": test, "holdout": None})
    assert alone.dtype == np.int64 and tables["test"]["zip"].tolist() == ["60614", "10001"]
    assert tables["train"]["zip"].tolist() == ["00123", "10001"] and tables["holdout"] is None


def test_class_labels_with_a_leading_zero_are_sampled_by_their_name(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.resize(["01", "02", "10"], 60)
    rows = "".join(f"{x:.3f},{y}\n" for x, y in zip(rng.normal(size=60), labels, strict=True))
    data = _csv(tmp_path, f"x,y\n{rows}")
    runner = CliRunner()
    fast = ["--epochs", "1", "--min-steps", "20", "--set", "generator_dims=[16]", "--set", "discriminator_dims=[16]"]
    fit = runner.invoke(app, ["fit", str(data), "--target", "y", "-o", str(tmp_path / "m"), "-q", *fast])
    assert fit.exit_code == 0, fit.output
    out = tmp_path / "s.csv"
    sample = runner.invoke(app, ["sample", str(tmp_path / "m"), "--per-class", "01=5,10=2", "-o", str(out), "-q"])
    assert sample.exit_code == 0, sample.output  # was: unknown class '01' (did you mean '1'?)
    assert sorted(read_table(out)["y"]) == ["01"] * 5 + ["10"] * 2
