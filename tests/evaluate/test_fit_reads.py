"""The evaluator reads a table as ``fit`` does, so it takes the model's own output: Decimal columns are
numbers (a model samples them as float64), and a column named 7 is column "7" in every table."""

import decimal
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.linear_model import LogisticRegression
from typer.testing import CliRunner

from synthaug import DataError
from synthaug.cli import app
from synthaug.evaluate import evaluate, write_report
from synthaug.share import filter_close_records

FAST = {"classifiers": {"lr": LogisticRegression(max_iter=500)}, "n_seeds": 1, "n_boot": 100, "baselines": ()}


@pytest.fixture(scope="module")
def tables(make_frame):
    """train, test, synthetic: 120 rows each, ``z`` rounded to 3 decimals (exact as Decimals)."""
    frame = make_frame(360, seed=3).assign(z=lambda f: f["z"].round(3))
    return [frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(3)]


def as_decimals(frame: pd.DataFrame, every: int = 1) -> pd.DataFrame:
    """``frame`` with ``z`` an object column of Decimals (every ``every``-th row; the others as floats)."""
    values = [decimal.Decimal(f"{v:.3f}") if i % every == 0 else float(v) for i, v in enumerate(frame["z"])]
    return frame.assign(z=pd.Series(values, dtype=object))


@pytest.mark.parametrize("every", [1, 2])  # Decimals alone, and among floats
def test_decimal_columns_are_numbers_and_measured_as_their_floats(tables, every):
    train, test, synthetic = tables
    floats = evaluate(train, test, synthetic, "label", random_state=0, **FAST).to_dict()
    decimals = evaluate(as_decimals(train, every), as_decimals(test, every), synthetic, "label", random_state=0,
                        **FAST).to_dict()
    assert {m["column"]: m["kind"] for m in decimals["fidelity"]["marginals"]}["z"] == "numeric"
    assert decimals == floats


def test_the_close_filter_reads_decimals_as_numbers(tables):
    train, test, synthetic = tables
    kept = filter_close_records(as_decimals(train), as_decimals(test), synthetic, "label", 0.05)
    assert kept.equals(filter_close_records(train, test, synthetic, "label", 0.05))


def test_cli_reads_a_parquet_decimal_column_as_numbers(tables, tmp_path):
    paths = {name: tmp_path / f"{name}.parquet" for name in ("train", "test")}
    for path, frame in zip(paths.values(), tables, strict=False):
        table = pa.Table.from_pandas(frame, preserve_index=False)
        decimals = pa.array(as_decimals(frame)["z"], type=pa.decimal128(12, 3))
        pq.write_table(table.set_column(table.schema.get_field_index("z"), "z", decimals), path)
    tables[2].to_csv(tmp_path / "synthetic.csv", index=False)  # as sample writes it: floats
    result = CliRunner().invoke(app, ["evaluate", "--train", str(paths["train"]), "--test", str(paths["test"]),
                                      "--synthetic", str(tmp_path / "synthetic.csv"), "--target", "label",
                                      "--seeds", "1", "--baselines", "none", "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert {m["column"]: m["kind"] for m in report["fidelity"]["marginals"]}["z"] == "numeric"


def test_column_names_that_are_not_text_are_matched_by_their_text_in_every_table(tables, tmp_path):
    # fit names column 7 "7" and sample gives 7 back; a CSV of the samples gives "7": each matches the others
    as_text = [f.rename(columns={"x": "7", "label": "0"}) for f in tables]
    as_numbers = [f.rename(columns={"x": 7, "label": 0}) for f in tables[:2]]
    texts = evaluate(*as_text, "0", random_state=0, sensitive="7", **FAST)
    numbers = evaluate(*as_numbers, as_text[2], 0, random_state=0, sensitive=7, **FAST)
    assert numbers.to_dict() == texts.to_dict()
    write_report(numbers, tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["target"] == "0" and report["options"]["sensitive"] == ["7"]
    assert [m["column"] for m in report["fidelity"]["marginals"]] == ["7", "z", "colour", "0"]


def test_two_names_equal_as_text_are_refused_in_one_line(tables):
    train, test, synthetic = tables
    with pytest.raises(DataError, match=r"^synthetic: columns 7 and '7' are both named '7' as text; rename one$"):
        evaluate(train, test, synthetic.rename(columns={"x": 7, "z": "7"}), "label", **FAST)


def test_an_arrow_decimal_column_with_a_missing_value_is_measured_as_its_floats(tables):
    # read_parquet(dtype_backend="pyarrow") gives decimal128[pyarrow]; pandas' to_numeric failed on its missing value
    train, test, synthetic = (f.assign(z=f["z"].where(f.index != 2)) for f in tables)
    arrow = train.assign(z=pd.array([None if pd.isna(v) else decimal.Decimal(f"{v:.3f}") for v in train["z"]],
                                    dtype=pd.ArrowDtype(pa.decimal128(12, 3))))
    floats = evaluate(train, test, synthetic, "label", random_state=0, **FAST).to_dict()
    assert evaluate(arrow, test, synthetic, "label", random_state=0, **FAST).to_dict() == floats
