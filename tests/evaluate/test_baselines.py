"""SMOTE and random-oversampling records: counts, kinds, origin."""

import pandas as pd
import pytest

from synthaug.evaluate.baselines import random_oversample_records, smote_problem, smote_records
from synthaug.evaluate.canonical import canonical
from synthaug.evaluate.tables import check_tables


@pytest.fixture
def train(make_frame):
    frame = make_frame(80)
    schema = check_tables(frame, "label", {})
    return canonical(frame, schema), schema


def test_random_oversampling_copies_rows_of_the_right_class(train):
    frame, schema = train
    records = random_oversample_records(frame, schema, {"yes": 7, "no": 3}, seed=0)
    assert records["label"].value_counts().to_dict() == {"yes": 7, "no": 3}
    merged = records.merge(frame.drop_duplicates(), how="left", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_smotenc_makes_mixed_records(train):
    frame, schema = train
    records = smote_records(frame, schema, {"yes": 20}, seed=0)
    assert len(records) == 20
    assert list(records.columns) == list(schema.columns)
    assert set(records["label"]) == {"yes"}
    assert set(records["colour"]) <= set(frame["colour"])
    assert records[["x", "z"]].notna().all().all()
    yes = frame[frame["label"] == "yes"]
    assert records["x"].between(yes["x"].min(), yes["x"].max()).all()


def test_smote_numeric_only_and_reproducible(train):
    frame, schema = train
    numeric = check_tables(frame.drop(columns="colour"), "label", {})
    a = smote_records(frame.drop(columns="colour"), numeric, {"no": 5, "yes": 5}, seed=3)
    b = smote_records(frame.drop(columns="colour"), numeric, {"no": 5, "yes": 5}, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a["label"].value_counts().to_dict() == {"no": 5, "yes": 5}


def test_smote_needs_two_rows_per_class():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "label": ["a", "a", "b"]})
    schema = check_tables(frame, "label", {})
    assert "class 'b'" in smote_problem(frame, schema, {"b": 4})
    assert smote_problem(frame, schema, {"a": 4}) is None
    made = smote_records(frame, schema, {"a": 4}, seed=0)
    assert made["x"].between(1.0, 2.0).all()
