"""The class label: split from the table and checked."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError, SynthaugWarning, SynthOverSampler, TabularCGAN
from synthaug.tabular.target import encode_labels, numbers_as_numbers, split_target


@pytest.mark.parametrize("dtype", [object, "category"])
def test_labels_of_mixed_types_are_a_data_error(mixed_table, dtype):
    """They used to end in numpy's TypeError from sorting 1 against 'a'."""
    labels = pd.Series([1, "a"] * (len(mixed_table) // 2), dtype=dtype, name="label")
    with pytest.raises(DataError, match=r"target column 'label' mixes label types \(int, str\)"):
        TabularCGAN(min_steps=1, epochs=1).fit(mixed_table.drop(columns="label"), labels)


def test_many_single_row_classes_are_counted_not_all_listed(fast_params):
    """A warning used to quote every single-row class: ~700 names on one line for an ID-like target."""
    labels = ["a", "b"] * 20 + [f"m{i:03d}" for i in range(30)]
    frame = pd.DataFrame({"x": np.random.default_rng(0).normal(size=70), "t": labels})
    with pytest.warns(SynthaugWarning) as caught:
        TabularCGAN(random_state=0, **fast_params).fit(frame, y="t")
    said = [str(w.message) for w in caught if "single row" in str(w.message)]
    assert said == ["target column 't': 30 of 32 classes ('m000', 'm001', 'm002', 'm003', 'm004', … and 25 more) "
                    "have a single row; the model will likely copy or ignore them"]


@pytest.mark.parametrize(("labels", "message"), [
    ([f"TX{i}" for i in range(40)], "has 40 classes in 40 rows (every class a single row)"),
    (["p", "q", "r"], "has 3 classes in 3 rows (every class a single row)"),  # below ID_MIN_ROWS too
    ([f"TX{i}" for i in range(37)] + ["TX0", "TX1", "TX2"], "has 37 classes in 40 rows (34 of them a single row)"),
])
def test_an_identifier_as_target_is_refused(labels, message):
    """An ID column chosen as target warned with every ID, then crashed in the label filter."""
    frame = pd.DataFrame({"x": np.random.default_rng(0).normal(size=len(labels)), "t": labels})
    with pytest.raises(DataError, match="target column 't' " + re.escape(message) + ": is it an identifier"):
        TabularCGAN(min_steps=1, epochs=1).fit(frame, y="t")


def test_small_tables_with_small_classes_are_not_identifiers():
    """Below ID_MIN_ROWS rows, a class with a second row is enough; so is one ID-like share short of it."""
    with pytest.warns(SynthaugWarning, match="'b' have a single row"):
        assert encode_labels(pd.Series(["a", "a", "b"], name="t"))[2].tolist() == [2, 1]
    labels = pd.Series([f"c{i}" for i in range(35)] + ["c0"] * 5, name="t")  # 35 classes in 40 rows: < 90%
    with pytest.warns(SynthaugWarning, match="34 of 35 classes"):
        assert len(encode_labels(labels)[0]) == 35


@pytest.mark.parametrize("fit", [TabularCGAN(min_steps=1, epochs=1).fit,
                                 SynthOverSampler(synthesizer=TabularCGAN(min_steps=1, epochs=1)).fit_resample])
def test_a_repeated_column_name_is_named_in_one_line(mixed_table, fit):
    """X["age"] is then a table: both entry points crashed in the schema with 'no attribute dtype'."""
    X = mixed_table[["age", "score", "colour", "age", "visits"]]
    with pytest.raises(DataError, match=r"^fit(_resample)?: column 'age' appears 2 times in X; give each") as info:
        fit(X, mixed_table["label"])
    assert "\n" not in str(info.value)


def test_object_columns_of_numbers_become_numbers():
    frame = pd.DataFrame({
        "ints": pd.Series([1, np.int64(2), None], dtype=object),
        "floats": pd.Series([1.5, 2, np.float32(0.5)], dtype=object),
        "text": pd.Series(["1", "2", "3"], dtype=object),  # text stays text, even of digits
        "flags": pd.Series([True, False, 1], dtype=object),  # bools are no numbers here
        "words": pd.Series([1.5, "n/a", 2.0], dtype=object),
    })
    out = numbers_as_numbers(frame)
    assert out.dtypes.astype(str).tolist() == ["float64", "float64", "object", "object", "object"]
    assert out["ints"].tolist()[:2] == [1.0, 2.0] and np.isnan(out.loc[2, "ints"])
    assert out["floats"].tolist() == [1.5, 2.0, 0.5]


def test_fit_models_an_object_column_of_numbers_as_numbers(mixed_table, fast_params):
    """It was taken for an identifier (every value unique) and left out with a warning."""
    table = mixed_table.assign(score=mixed_table["score"].astype(object))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)
        model = TabularCGAN(random_state=0, **fast_params).fit(table, y="label")
    assert {s.name: s.kind for s in model.encoder_.specs_}["score"] == "continuous"
    stray = table.assign(score=table["score"].where(table.index != 5, "n/a"))  # as the path for read text says
    with pytest.raises(DataError, match=r"column 'score' is numeric but 1 value\(s\) are not numbers"):
        TabularCGAN(**fast_params).fit(stray, y="label")


def test_any_column_label_of_x_names_the_target():
    """fit(df, 4) with integer column labels said "X has 150 rows but y has 1"."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(np.c_[rng.normal(size=(8, 2)), [0, 1] * 4])  # columns 0, 1, 2
    features, labels, columns = split_target(frame, 2)
    assert labels.name == "2" and labels.tolist() == [0, 1] * 4
    assert list(features.columns) == ["0", "1"] and columns == ["0", "1", "2"]
    assert split_target(frame, np.int64(2))[1].name == "2"
    assert split_target(frame, "2")[1].name == "2"  # as text, as a CSV's header reads
    with pytest.raises(DataError, match="target column 7 not found"):
        split_target(frame, 7)


def test_a_label_series_named_0_keeps_its_name_and_unnamed_labels_get_a_free_one():
    """A Series named 0 became 'target' (``name or "target"``); unnamed labels beside a column
    'target' were refused with "target name 'target' is also a column of X", a name nobody chose."""
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "target": [0.5, 0.1, 0.2, 0.3]})
    assert split_target(X, pd.Series([0, 1, 0, 1], name=0))[1].name == "0"
    features, labels, columns = split_target(X, np.array([0, 1, 0, 1]))
    assert labels.name == "_target" and columns == ["a", "target", "_target"]
    assert split_target(X.rename(columns={"a": "_target"}), [0, 1, 0, 1])[1].name == "__target"
    with pytest.raises(DataError, match="target name 'a' is also a column of X"):  # a name the user chose
        split_target(X, pd.Series([0, 1, 0, 1], name="a"))


def test_a_number_named_series_beside_that_column_gets_a_free_name():
    """read_csv(header=None).squeeze() names the labels 0; beside X's column 0 that was refused
    ("target name 0 is also a column of X"), where before it was called 'target'."""
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(6, 2)))  # columns 0, 1
    features, labels, columns = split_target(X, pd.Series([0, 1] * 3, name=0))
    assert labels.name == "target" and columns == ["0", "1", "target"]


def test_a_whole_number_finds_a_float_column_label():
    """fit(X, 3) with columns 0.0..3.0 found 3.0 among the labels, then asked for column '3' (KeyError)."""
    X = pd.DataFrame(np.c_[np.random.default_rng(0).normal(size=(6, 3)), [0, 1] * 3], columns=[0.0, 1.0, 2.0, 3.0])
    features, labels, columns = split_target(X, 3)
    assert labels.name == "3.0" and labels.tolist() == [0, 1] * 3 and list(features.columns) == ["0.0", "1.0", "2.0"]


def test_a_column_vector_of_labels_is_taken_with_sklearns_warning():
    """fit(X, y[:, None]) raised pandas' "Data must be 1-dimensional, got ndarray of shape (150, 1)"."""
    from sklearn.exceptions import DataConversionWarning

    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    y = np.array([0, 1, 0, 1])
    for column in (y[:, None], pd.DataFrame({"lab": y})):
        with pytest.warns(DataConversionWarning, match="A column-vector y was passed"):
            labels = split_target(X, column)[1]
        assert labels.tolist() == y.tolist()
    assert split_target(X, pd.DataFrame({"lab": y}).pipe(lambda d: d.iloc[:, 0]))[1].name == "lab"
    with pytest.raises(DataError, match=r"y must hold one class label per row \(1-D\); got an array of shape \(4, 2\)"):
        split_target(X, np.c_[y, y])
    with pytest.raises(DataError, match="y must hold one class label per row; got a table of 2 columns"):
        split_target(X, pd.DataFrame({"p": y, "q": y}))


def test_decimal_columns_are_numbers_sampled_as_floats(fast_params):
    """Decimals (read_sql's NUMERIC) were text: dropped as identifier-like, or modelled as categories."""
    from decimal import Decimal

    rng = np.random.default_rng(0)
    amounts = rng.normal(50, 10, 80).round(2)
    frame = pd.DataFrame({"x": rng.normal(size=80), "amount": pd.Series([Decimal(str(v)) for v in amounts])})
    assert numbers_as_numbers(frame)["amount"].tolist() == amounts.tolist()
    frame.loc[3, "amount"] = None
    assert numbers_as_numbers(frame)["amount"].dtype == np.float64
    model = TabularCGAN(random_state=0, **fast_params).fit(frame, np.r_[np.zeros(60, int), np.ones(20, int)])
    assert {s.name: s.kind for s in model.encoder_.specs_}["amount"] == "continuous"
    sampled = model.sample(n=50, random_state=0)[0]["amount"]
    assert sampled.dtype == np.float64 and sampled.nunique() > 10
    np.testing.assert_array_equal(sampled.dropna(), sampled.dropna().round(2))


def test_decimals_mixed_with_ints_and_floats_are_numbers_and_text_or_bools_keep_a_column_text():
    """A column of Decimals beside ints or floats (a NUMERIC column concatenated with a float one) was
    text, which fit then dropped as identifier-like."""
    from decimal import Decimal

    frame = pd.DataFrame({"mixed": pd.Series([Decimal("1.5"), 2, 3.25, None], dtype=object),
                          "with_text": pd.Series([Decimal("1.5"), "n/a", 2.0, 1], dtype=object),
                          "with_bool": pd.Series([Decimal("1.5"), True, 2.0, 1], dtype=object)})
    out = numbers_as_numbers(frame)
    assert out["mixed"].dtype == np.float64 and out["mixed"].iloc[:3].tolist() == [1.5, 2.0, 3.25]
    assert out["with_text"].dtype == object and out["with_bool"].dtype == object
    integer_labels = numbers_as_numbers(pd.DataFrame({0: pd.Series([Decimal("1"), 2.5], dtype=object)}))
    assert integer_labels[0].dtype == np.float64  # pd.DataFrame(array)'s integer column labels


@pytest.mark.parametrize("who", ["fit", "fit_resample"])
def test_tuple_column_names_are_refused_with_advice_to_flatten(mixed_table, who):
    """Sampling named MultiIndex columns by their text ("('lab', 'a')"), without a word."""
    X = mixed_table.drop(columns="label")
    X.columns = pd.MultiIndex.from_product([["lab"], X.columns])
    estimator = TabularCGAN(epochs=1, min_steps=1) if who == "fit" else SynthOverSampler()
    with pytest.raises(DataError, match=re.escape(f"{who}: X has tuple column names (a MultiIndex), such as "
                                                  "('lab', 'age'); flatten them to text first")):
        getattr(estimator, who)(X, mixed_table["label"])
