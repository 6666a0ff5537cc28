"""Bad input gives a DataError naming the table and column; canonical form handles NaN."""

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError
from synthaug.evaluate.canonical import MISSING, canonical
from synthaug.evaluate.caveats import shared_rows
from synthaug.evaluate.column_notes import identifier_columns
from synthaug.evaluate.tables import check_tables, column_kind
from synthaug.tabular.schema import infer_schema as fit_schema


@pytest.fixture
def train():
    return pd.DataFrame({"age": [30, 40, 50, 60], "city": ["a", "b", None, "a"], "y": ["no", "yes", "no", "yes"]})


def test_valid_tables_give_schema(train):
    schema = check_tables(train, "y", {"test": train.copy(), "holdout": None})
    assert schema.numeric == ("age",)
    assert schema.categorical == ("city",)
    assert schema.classes == ("no", "yes")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # "column 'city' of train is missing (1 missing); a model leaves out identifier-like columns" of any column
        (lambda f: f.drop(columns="city"), "^synthetic: lacks column 'city' that train has; give the table all of "
         "train's columns, or leave it out of every table with drop=\\['city'\\]$"),
        (lambda f: f.drop(columns=["city", "age"]), "^synthetic: lacks columns 'age', 'city' that train has; .* "
         "leave them out"),
        (lambda f: f.assign(extra=1), "synthetic: column 'extra' is not in train"),
        # a renamed column: before, "column 'city' of train is missing (1 missing); ... --drop city"
        (lambda f: f.rename(columns={"city": "cty"}).assign(zz=1), "synthetic: column 'city' of train is missing and "
         "column 'cty' is not in train \\(1 missing, 2 extra\\); was 'city' renamed 'cty'\\? Give the table train's "
         "column names$"),
        (lambda f: f.rename(columns={"city": "region"}), "synthetic: column 'city' of train is missing and column "
         "'region' is not in train \\(1 missing, 1 extra\\); give the table train's column names$"),
        (lambda f: f.assign(age=["x", "y", "z", "w"]), "synthetic: column 'age' is categorical"),
        (lambda f: f.iloc[:0], "synthetic: table has no rows"),
        (lambda f: f.assign(y=["no", "maybe", "no", "no"]), "class\\(es\\) absent from train: 'maybe'"),
        (lambda f: f.assign(y=["no", None, "no", "yes"]), "target column 'y' has 1 missing"),
        (lambda f: f.assign(age=[30, np.inf, -np.inf, 1]), "synthetic: column 'age' has 2 infinite value"),
    ],
)
def test_bad_synthetic_tables(train, change, message):
    with pytest.raises(DataError, match=message):
        check_tables(train, "y", {"synthetic": change(train.copy())})


def test_test_class_absent_from_train(train):
    test = train.assign(y=["no", "yes", "other", "no"])
    with pytest.raises(DataError, match="test: .*absent from train: 'other'"):
        check_tables(train, "y", {"test": test})


def test_train_problems(train):
    with pytest.raises(DataError, match="target column 'label' not found"):
        check_tables(train, "label", {})
    with pytest.raises(DataError, match="single class"):
        check_tables(train.assign(y="no"), "y", {})
    with pytest.raises(DataError, match=r"train: column names must be text, got 0 \(int\)"):
        check_tables(train.rename(columns={"age": 0}), "y", {})
    with pytest.raises(DataError, match="'wait' has dtype timedelta64"):
        check_tables(train.assign(wait=pd.Timedelta("1D")), "y", {})
    with pytest.raises(DataError, match="train: column 'age' has 1 infinite value"):
        check_tables(train.assign(age=[30.0, 40.0, np.inf, None]), "y", {})


def test_errors_never_show_cell_values(train):
    with pytest.raises(DataError) as info:
        check_tables(train, "y", {"synthetic": train.assign(age=["secret"] * 4)})
    assert "secret" not in str(info.value)


def test_canonical_form(train):
    schema = check_tables(train, "y", {})
    frame = canonical(train, schema)
    assert frame["age"].dtype == np.float64
    assert frame["city"].tolist() == ["a", "b", MISSING, "a"]
    numeric_labels = pd.DataFrame({"age": [1.0, 2.0], "city": ["a", "b"], "y": [0, 1]})
    schema = check_tables(numeric_labels, "y", {})
    as_float = canonical(numeric_labels.assign(y=[1.0, 0.0]), schema)
    assert as_float["y"].tolist() == [1, 0]
    assert all(type(v) is type(schema.classes[0]) for v in as_float["y"])


def test_numeric_labels_print_as_plain_values(train):
    numeric = train.assign(y=[0, 1, 0, 1])
    with pytest.raises(DataError, match=r"absent from train: 7 \(train's: 0, 1\)$"):
        check_tables(numeric, "y", {"synthetic": numeric.assign(y=[0, 7, 0, 1])})


def test_unknown_classes_show_trains_so_a_stray_space_is_visible(train):
    """'... absent from train: '<=50K', '>50K'' never showed that train's classes begin with a space."""
    spaced = train.assign(y=[" <=50K", " >50K", " <=50K", " >50K"])
    with pytest.raises(DataError, match=r"absent from train: '<=50K', '>50K' \(train's: ' <=50K', ' >50K'\)$"):
        check_tables(spaced, "y", {"synthetic": spaced.assign(y=spaced["y"].str.strip())})


def test_an_extra_column_suggests_drop(train):
    """'column 'extra' is not in train (1 extra)' did not say how to go on, as the missing-column message does."""
    with pytest.raises(DataError, match=r"^synthetic: column 'extra' is not in train \(1 extra\); give the table "
                                        r"train's columns only, or leave it out of every table with drop=\['extra'\]$"):
        check_tables(train, "y", {"synthetic": train.assign(extra=1)})


@pytest.mark.parametrize(("target", "hint"), [
    ("target", "; the columns are 'worst area', 'mean radius', 'label'"),  # it suggested 'worst area'
    ("Label", " (did you mean 'label'?)"),
    ("LABEL", " (did you mean 'label'?)"),
])
def test_a_missing_target_is_suggested_only_a_close_name(target, hint):
    frame = pd.DataFrame({"worst area": [1.0, 2.0], "mean radius": [3.0, 4.0], "label": [0, 1]})
    with pytest.raises(DataError, match=f"^train: target column {target!r} not found{re.escape(hint)}$"):
        check_tables(frame, target, {})


def test_shared_rows_counts_copies_and_natural_duplicates():
    train = pd.DataFrame({"a": [1.0, 1.0, 2.0, 3.0], "c": ["x", "x", "y", "y"], "t": [0, 0, 1, 1]})
    other = pd.DataFrame({"a": [1.0, 2.0, 2.0, 9.0, np.nan], "c": ["x", "y", "x", "y", "y"], "t": [0, 1, 1, 1, 1]})
    n_shared, natural = shared_rows(train, other)
    assert n_shared == 2  # (1, x, 0) and (2, y, 1); (2, x, 1) differs in one column
    assert natural == 0.5  # the two (1, x, 0) training rows


def test_text_dates_are_seconds(train):
    dated = train.assign(when=["1970-01-02", "1970-01-01 00:01:00", None, "2021-01-01T00:00:00+01:00"])
    schema = check_tables(dated, "y", {})
    assert schema.dates == ("when",) and "when" in schema.numeric and schema.kind("when") == "numeric"
    seconds = canonical(dated, schema)["when"].to_numpy()
    np.testing.assert_array_equal(seconds[[0, 1, 3]], [86400.0, 60.0, 1609455600.0])
    assert np.isnan(seconds[2])
    times = ["1970-01-02", "1970-01-01 00:01", None, "2020-12-31 23:00"]
    stamps = dated.assign(when=pd.to_datetime(times, format="mixed"))
    check_tables(dated, "y", {"synthetic": stamps})  # datetime64 in the other tables
    np.testing.assert_array_equal(canonical(stamps, schema)["when"].to_numpy()[[0, 1, 3]], seconds[[0, 1, 3]])
    with pytest.raises(DataError, match="synthetic: column 'when' is categorical .* but date in train"):
        check_tables(dated, "y", {"synthetic": dated.assign(when=["1970-01-02", "soon", None, "1970-01-03"])})


def test_a_datetime64_training_column_is_dates_like_text_dates(train):
    # fit models a Parquet/DataFrame datetime64 column, but evaluate refused it in train: the chain
    # fit -> sample -> evaluate broke for every Parquet table with a date
    stamps = pd.to_datetime(["1970-01-02", "1970-01-01 00:01", None, "2021-01-01 00:00+01:00"],
                            format="mixed", utc=True)
    dated = train.assign(when=stamps)
    schema = check_tables(dated, "y", {"synthetic": dated.assign(when=stamps.strftime("%Y-%m-%d %H:%M:%S%z"))})
    assert schema.dates == ("when",)
    seconds = canonical(dated, schema)["when"].to_numpy()
    np.testing.assert_array_equal(seconds[[0, 1, 3]], [86400.0, 60.0, 1609455600.0])
    assert np.isnan(seconds[2])


@pytest.mark.parametrize("values", [["12.5", "3"], ["a-1", "b-2"], ["red", "blue"], [True, False]])
def test_text_that_is_not_dates_stays_categorical(values):
    assert column_kind(pd.Series(values, dtype=object)) == "categorical"


WEEK = pd.date_range("2021-01-04", periods=7).strftime("%Y-%m-%d").tolist()


@pytest.mark.parametrize(("values", "dates"), [
    pytest.param(WEEK * 9, True, id="iso-dates"),
    # fit read the first 50 values only (a datetime column), evaluate all of them (categorical)
    pytest.param(WEEK * 9 + ["TBD"], False, id="tbd-in-row-64"),
    pytest.param(WEEK * 9 + ["12.5"], False, id="number-in-row-64"),
    # date objects (Parquet's date32): a datetime column in fit, categorical in evaluate
    pytest.param([dt.date(2021, 1, d) for d in range(4, 11)] * 9, True, id="date-objects"),
    # fractions, times of day (read as today), year-months: dates in both before
    pytest.param(["1/2", "3/4", "2/3"] * 9, False, id="fractions"),
    pytest.param(["10:30", "11:45", "09:00"] * 9, False, id="times-of-day"),
    pytest.param(["2021-01", "2021-02", "2021-03"] * 9, False, id="year-months"),
    pytest.param(["2021", "2022", "2023"] * 9, False, id="years-as-text"),
    # month names: text (categorical) in both before
    pytest.param(["Jan 3 2021", "Mar 14 2021", "Dec 31 2021"] * 9, True, id="month-day-year"),
    pytest.param(["03-JAN-2021", "14-MAR-2021", "31-DEC-2021"] * 9, True, id="day-mon-year"),
    pytest.param(["January 3, 2021", "3 March 2021", "2021-Dec-31"] * 9, True, id="month-names-mixed"),
    pytest.param(["May", "Jan Smith", "June"] * 9, False, id="month-words"),
])
def test_evaluate_compares_as_dates_exactly_the_columns_fit_models_as_dates(values, dates):
    column = pd.Series(values, dtype=object, name="d")
    specs, _ = fit_schema(column.to_frame())
    assert (specs[0].kind == "datetime", column_kind(column) == "date") == (dates, dates)


def test_only_the_training_table_decides_that_a_column_is_dates():
    # train holds a 'TBD' among its dates, so the column is categorical; a synthetic or test table
    # that happens to hold only dates was refused as "date but categorical in train"
    days = [f"2021-01-{d:02d}" for d in range(1, 21)]
    train = pd.DataFrame({"d": days[:-1] + ["TBD"], "y": [0, 1] * 10})
    other = pd.DataFrame({"d": days, "y": [0, 1] * 10})
    schema = check_tables(train, "y", {"synthetic": other, "test": other})
    assert schema.kind("d") == "categorical" and "d" not in schema.dates


def test_a_missing_target_is_named_as_the_target():
    train = pd.DataFrame({"x": np.arange(10.0), "y": [0, 1] * 5})
    with pytest.raises(DataError, match="synthetic: the target column 'y' is missing"):  # suggested --drop y
        check_tables(train, "y", {"synthetic": train.drop(columns="y")})


def test_every_table_reads_dd_mm_dates_in_the_training_tables_order(train):
    # train said day first (31/03), the synthetic table alone could not tell (03/04, 05/06) and was
    # read month first: 4 March and 5 June against train's 3 April
    dated = train.assign(when=["31/03/2021", "03/04/2021", None, "01/02/2021"])
    schema = check_tables(dated, "y", {})
    other = dated.assign(when=["03/04/2021", "05/06/2021", None, "2021-08-04"])
    days = canonical(other, schema)["when"].to_numpy() / 86_400
    expected = pd.to_datetime(["2021-04-03", "2021-06-05", None, "2021-08-04"])
    np.testing.assert_array_equal(days[[0, 1, 3]], ((expected - pd.Timestamp("1970-01-01")).days.to_numpy())[[0, 1, 3]])


def test_a_float_target_of_many_values_is_refused_as_regression():
    """A float target failed with "test: target column ... has class(es) absent from train: 8.196, ..."."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=60), "radius": rng.normal(14, 3, 60).round(3)})
    with pytest.raises(DataError, match=r"^train: target column 'radius' holds 60 distinct non-whole numbers, a "
                                        r"regression target; the evaluator scores classification"):
        check_tables(frame, "radius", {"test": frame})
    halves = frame.assign(radius=np.arange(60) % 12 + 0.5)  # 12 distinct: at most 20 and half the rows
    assert len(check_tables(halves, "radius", {}).classes) == 12


@pytest.mark.parametrize(
    ("labels", "said"),
    [
        (np.arange(60) % 14 + 9.0, "whole numbers as floats (14 distinct values)"),  # a rounded measurement
        (np.arange(60) % 3 + 0.5, "non-whole numbers (3 distinct values)"),
        (np.arange(60) % 3 + 1.0, None),  # float class labels 1.0, 2.0, 3.0
        (np.arange(60) % 14, None),  # integers
    ],
)
def test_a_float_target_of_few_values_gets_a_note(labels, said):
    from synthaug.evaluate.tables import target_notes

    notes = target_notes(pd.DataFrame({"x": np.zeros(60), "y": labels}), "y")
    if said is None:
        assert notes == []
    else:
        assert notes == [f"target column 'y' holds {said}: each value is scored as a class of its own (the "
                         "evaluator scores classification, not regression); if it is a measurement, give a column "
                         "of class labels instead"]


def _numbers_with(token: str, n_tokens: int) -> pd.Series:
    values = [str(v) for v in range(30, 30 + 40 - n_tokens)] + [token] * n_tokens
    return pd.Series(values, dtype=object, name="age")


TOKENS = "column 'age': 6 cells hold '{}' \\(6\\) among 34 numbers"
TYPO = "column 'age' is numeric but 1 value\\(s\\) are not numbers \\(first at \\.iloc\\[39\\]\\)"  # one row's


@pytest.mark.parametrize(("column", "said"), [
    pytest.param(_numbers_with("?", 6), TOKENS.format("\\?"), id="missing-token"),
    pytest.param(_numbers_with("-", 6), TOKENS.format("-"), id="dash-token"),
    pytest.param(_numbers_with("4O", 1), TYPO, id="typo"),
])
def test_evaluate_refuses_the_numbers_with_text_that_fit_refuses(column, said):
    # evaluate had compared such a column as 35 categories without a word, where fit refuses it
    with pytest.raises(DataError, match=f"^{said}"):
        fit_schema(column.to_frame())
    train = pd.DataFrame({"age": column, "y": [0, 1] * 20})
    with pytest.raises(DataError, match=f"^train: {said}"):
        check_tables(train, "y", {})
    schema = check_tables(train, "y", {}, categorical=["age"])  # the way out the message names
    assert schema.categorical == ("age",)


def test_a_synthetic_table_with_a_missing_token_is_named_by_its_token():
    train = pd.DataFrame({"age": np.arange(40.0), "y": [0, 1] * 20})
    synthetic = train.assign(age=_numbers_with("?", 6).to_numpy())
    # was "synthetic: column 'age' is categorical (object) but numeric in train (float64)"
    with pytest.raises(DataError, match="^synthetic: column 'age': 6 cells hold '\\?' \\(6\\)"):
        check_tables(train, "y", {"synthetic": synthetic})


def test_formatted_numbers_are_marked_and_not_taken_for_identifiers():
    amounts = pd.Series([f"${v:,.2f}" for v in np.linspace(1000, 90000, 40)], name="income")
    train = pd.DataFrame({"income": amounts, "code": [f"c{i}" for i in range(40)], "y": [0, 1] * 20})
    schema = check_tables(train, "y", {})
    assert schema.formatted == ("income",) and schema.categorical == ("income", "code")
    assert identifier_columns(train, schema) == ("code",)  # income had been called identifier-like


def test_a_categorical_of_dates_is_compared_as_categories_as_fit_models_it():
    dates = pd.Series(pd.Categorical(pd.to_datetime(["2020-01-01", "2021-01-01"] * 5)))
    assert column_kind(dates) == "categorical"
    assert column_kind(dates.astype("datetime64[ns]")) == "date"
