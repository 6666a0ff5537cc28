"""``categorical=`` / ``continuous=`` (``--categorical`` / ``--continuous``): a column's kind as the user
gives it, in every measure, rather than as its values look (a numeric zip code, a date-looking code)."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from typer.testing import CliRunner

from synthaug import DataError
from synthaug.cli import app
from synthaug.evaluate import evaluate
from synthaug.evaluate.canonical import canonical
from synthaug.evaluate.classifiers import preprocessor
from synthaug.evaluate.tables import check_tables
from synthaug.privacy import assess_leakage
from tests.conftest import ZIPS, make_zip_table

FAST = {"classifiers": {"lr": LogisticRegression(max_iter=500)}, "n_seeds": 1, "n_boot": 100, "baselines": ()}


@pytest.fixture(scope="module")
def tables():
    return {name: make_zip_table(40, seed) for seed, name in enumerate(("train", "test", "synthetic", "holdout"))}


def test_inferred_kinds_without_the_options(tables):
    schema = check_tables(tables["train"], "y", {})
    assert schema.numeric == ("x", "zip", "code") and schema.dates == ("code",)


def test_a_zip_given_as_categorical_is_compared_as_categories_by_every_measure(tables):
    result = evaluate(tables["train"], tables["test"], tables["synthetic"], "y", random_state=0,
                      categorical=["zip", "code"], **FAST)
    kinds = {m.column: (m.kind, m.statistic) for m in result.fidelity.marginals}
    assert kinds["zip"] == kinds["code"] == ("categorical", "tv")  # not KS, not dates
    assert kinds["x"] == ("numeric", "ks")
    assert result.options["categorical"] == ["zip", "code"] and result.options["continuous"] == []
    schema = check_tables(tables["train"], "y", {}, categorical=["zip"])
    features = preprocessor(schema).fit(canonical(tables["train"], schema)).get_feature_names_out()
    assert {f"zip_{z}" for z in ZIPS} <= set(features)  # one-hot, not one scaled number


def test_the_privacy_distance_counts_another_zip_as_one_category_mismatch(tables):
    train, holdout = tables["train"], tables["holdout"]
    records = train.assign(zip=train["zip"] + 1000)  # every training row, with an unseen but close code
    as_number = assess_leakage(train, holdout, records, "y", random_state=0, n_boot=100)
    as_category = assess_leakage(train, holdout, records, "y", random_state=0, n_boot=100, categorical="zip")
    # as a number, 1000 of a 70216 range: near copies; as a category, one of 4 columns differs entirely
    assert as_number.dcr_percentiles["records"]["p50"] < 0.01
    assert as_category.dcr_percentiles["records"]["p1"] == pytest.approx(np.sqrt(1 / 4))


def test_a_categorical_number_reads_the_same_with_and_without_missing_values(tables):
    train = tables["train"]
    synthetic = train.assign(zip=train["zip"].where(train.index > 0))  # a NaN makes the column float: 10115.0
    schema = check_tables(train, "y", {"synthetic": synthetic}, categorical=["zip"])
    assert (canonical(synthetic, schema)["zip"][1:] == canonical(train, schema)["zip"][1:]).all()
    assert canonical(train, schema)["zip"][0] == str(train["zip"][0])


def test_numbers_held_as_text_given_as_continuous_are_compared_as_numbers(tables):
    train = tables["train"].assign(x=tables["train"]["x"].round(3).astype(str))
    schema = check_tables(train, "y", {"synthetic": tables["synthetic"]}, continuous=["x"])
    assert "x" in schema.numeric
    assert canonical(train, schema)["x"].to_numpy() == pytest.approx(tables["train"]["x"].round(3).to_numpy())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"categorical": ["zipp"]},
         r"^categorical: no column 'zipp' in train \(did you mean 'zip'\?\)$"),
        ({"continuous": "qq"}, r"^continuous: no column 'qq' in train$"),
        ({"categorical": ["y"]}, r"^categorical: 'y' is the target column, always class labels$"),
        ({"categorical": ["zip"], "continuous": ["zip"]},
         r"^column 'zip' is in both categorical and continuous; give it"),
        ({"categorical": ["zip"], "drop": ["zip"]}, r"^column 'zip' is in both drop and categorical"),
        ({"continuous": ["code"]}, r"^train: column 'code' is listed in continuous but 40 value\(s\) "
                                   r"are not numbers \(e\.g\. '\d{4}-\d\d-\d\d' in \d+ rows\); fix them"),
    ],
)
def test_bad_kind_options_are_one_line_errors(tables, options, message):
    with pytest.raises(DataError, match=message):
        evaluate(tables["train"], tables["test"], tables["synthetic"], "y", **options, **FAST)


def test_a_value_held_by_one_row_is_not_quoted_but_located(tables):
    train = tables["train"].assign(x=tables["train"]["x"].astype(str))
    synthetic = tables["synthetic"].assign(x=tables["synthetic"]["x"].astype(object))
    synthetic.loc[6, "x"] = "Ola Nordmann"
    with pytest.raises(DataError, match=r"^synthetic: column 'x' .* 1 value\(s\) are not numbers \(first at "
                                        r"\.iloc\[6\]\)") as caught:
        check_tables(train, "y", {"synthetic": synthetic}, continuous=["x"])
    assert "Ola" not in str(caught.value)


def _args(paths: dict, out, *extra) -> list[str]:
    return ["evaluate", "--train", str(paths["train"]), "--test", str(paths["test"]), "--synthetic",
            str(paths["synthetic"]), "--target", "y", "-o", str(out), "--seeds", "1", "-q", *extra]


@pytest.fixture(scope="module")
def files(tables, tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinds")
    paths = {name: folder / f"{name}.csv" for name in ("train", "test", "synthetic")}
    for name, path in paths.items():
        tables[name].to_csv(path, index=False)
    return paths


def test_cli_takes_the_kinds_as_fit_does(files, tmp_path):
    result = CliRunner().invoke(app, _args(files, tmp_path / "r", "--categorical", "zip", "--categorical", "code",
                                           "--ratio", "1"))
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["options"]["categorical"] == ["zip", "code"]
    assert {m["column"]: m["kind"] for m in report["fidelity"]["marginals"]}["zip"] == "categorical"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--categorical", "zip,zipp"], "error: --categorical: no column 'zipp' in train (did you mean "
                                        "'zip'?)"),
        (["--continuous", "y"], "error: --continuous: 'y' is the target column, always class labels"),
        (["--categorical", "zip", "--continuous", "x, zip"], "error: column 'zip' is in both --categorical and "
                                                             "--continuous"),
        (["--continuous", "code"], "(train): column 'code' is listed in --continuous but 40 value(s) are "
                                   "not numbers (e.g. '20"),
    ],
)
def test_cli_bad_kinds_are_one_line_with_exit_2(files, tmp_path, extra, message):
    result = CliRunner().invoke(app, _args(files, tmp_path / "e", *extra))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and message in lines[0], result.output
    assert "Traceback" not in result.output and not (tmp_path / "e").exists()


def test_a_continuous_column_of_times_in_another_table_is_refused_not_read_as_nanoseconds(tables):
    synthetic = tables["synthetic"].assign(x=pd.Timestamp("2021-01-01") + pd.to_timedelta(range(40), unit="D"))
    with pytest.raises(DataError, match=r"^synthetic: column 'x' is listed in continuous but has "
                                        r"dtype datetime64\[\w+\], not numbers$"):
        check_tables(tables["train"], "y", {"synthetic": synthetic}, continuous=["x"])
    dated = tables["train"].assign(x=synthetic["x"])  # times given as continuous in train stay times (seconds)
    assert check_tables(dated, "y", {"synthetic": synthetic}, continuous=["x"]).dates == ("x", "code")


def test_a_categorical_column_must_hold_the_same_kind_of_values_in_every_table():
    # a Parquet train's text '01234' against a CSV's number 1234, or a timestamp against date text:
    # as categories they never match, and the check was skipped for forced columns (TV near 1, no word)
    train = pd.DataFrame({"zip": ["01234", "02345"] * 10, "day": pd.to_datetime(["2021-01-01", "2021-01-02"] * 10),
                          "y": ["a", "b"] * 10})
    with pytest.raises(DataError, match=r"synthetic: column 'zip' is numeric \(int64\) but categorical in train"):
        check_tables(train, "y", {"synthetic": train.assign(zip=train["zip"].astype(int))}, categorical=["zip"])
    text_days = train.assign(day=train["day"].dt.strftime("%Y-%m-%d"))
    with pytest.raises(DataError, match=r"synthetic: column 'day' is text \(.*\) but datetime64 in train"):
        check_tables(train, "y", {"synthetic": text_days}, categorical=["zip", "day"])
    check_tables(train, "y", {"synthetic": train}, categorical=["zip", "day"])  # the same kinds: fine



def test_decimal_comma_columns_are_named_as_fit_names_them():
    # fit said "a decimal comma ... decimal=','", evaluate (and so share) "currency symbols" for the same column
    from synthaug.evaluate.column_notes import matching_notes

    rng = np.random.default_rng(0)
    train = pd.DataFrame({"age": [f"{v:.1f}".replace(".", ",") for v in rng.integers(18, 90, 60)],
                          "price": [f"${v:,}" for v in rng.integers(1000, 9000, 60)], "y": np.resize(["a", "b"], 60)})
    notes = matching_notes(train, check_tables(train, "y", {}))
    assert len(notes) == 2, notes
    assert notes[0].startswith("column(s) 'age' look like numbers written with a decimal comma (46,5 for 46.5), so "
                               "they are compared as categories") and "decimal=','" in notes[0]
    assert notes[1].startswith("column(s) 'price' look like numbers written with currency symbols")
