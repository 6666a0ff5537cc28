"""The class label: split from the table and checked."""

import re

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError, SynthaugWarning, SynthOverSampler, TabularCGAN
from synthaug.tabular.target import encode_labels


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
