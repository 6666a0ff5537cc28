"""Notes on columns: category values of another table that never occur in train."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import SynthaugWarning
from synthaug.evaluate import evaluate
from synthaug.evaluate.tables import check_tables

FAST = {"classifiers": {"lr": LogisticRegression(max_iter=500)}, "n_seeds": 2, "n_boot": 100, "random_state": 0,
        "baselines": ()}


def _notes(train: pd.DataFrame, synthetic: pd.DataFrame) -> list[str]:
    from synthaug.evaluate.canonical import canonical
    from synthaug.evaluate.column_notes import unseen_value_notes

    schema = check_tables(train, "y", {"synthetic": synthetic})
    return unseen_value_notes(canonical(train, schema), {"synthetic": canonical(synthetic, schema)}, schema)


def _table(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(len(codes), dtype=float), "c": codes, "y": ["n", "y"] * (len(codes) // 2)})


def test_a_column_spelled_without_its_spaces_is_named_with_common_values():
    train = _table([" a", " b"] * 20)
    notes = _notes(train, _table(["a", "b"] * 20))
    assert len(notes) == 1
    assert notes[0].startswith("synthetic values that never occur in train in column(s) 'c' (all of its rows with "
                               "a value; train ' a', ' b'; synthetic 'a', 'b'): most match one of train's once "
                               "surrounding spaces, case and leading zeros are ignored.")


def test_most_values_unseen_is_named_a_few_are_not():
    train = _table(["p", "q"] * 20)
    notes = _notes(train, _table(["r"] * 30 + ["p"] * 10))
    assert "'c' (75% of its rows with a value; train 'p', 'q'; synthetic 'r')" in notes[0]
    assert _notes(train, _table(["r"] * 10 + ["p"] * 30)) == []  # a quarter: invented or rare categories


def test_values_of_fewer_than_five_rows_are_never_shown():
    """A value held by one or a few rows may be one record's text: the note names the column only."""
    train = _table([f"t{i}" for i in range(4)] * 10)
    notes = _notes(train, _table([f"s{i}" for i in range(40)]))
    assert "'c' (all of its rows with a value; train 't0', 't1')" in notes[0] and "'s0'" not in notes[0]
    assert "another coding or another source? Code them as train does" in notes[0]


def test_evaluate_warns_of_codes_written_without_leading_zeros(make_frame):
    """A synthetic column of 1/2/3 against train's 01/02/03 gave exit 0, detection 0.999 and no warning."""
    frame = make_frame(240, seed=3)
    frame["grade"] = np.array(["01", "02", "03"], dtype=object)[np.arange(240) % 3]
    train, test, synthetic = frame.iloc[:80], frame.iloc[80:160], frame.iloc[160:].copy()
    synthetic["grade"] = synthetic["grade"].str.lstrip("0")
    with pytest.warns(SynthaugWarning, match=r"column\(s\) 'grade' \(all of its rows with a value; train '0\d', '0\d'"):
        result = evaluate(train, test, synthetic, "label", **FAST)
    assert sum("never occur in train" in n for n in result.notes) == 1  # the colour column is not named


def test_new_values_of_a_column_whose_categories_do_not_recur_are_not_named():
    """150 cities over 60 training rows: any other 60 rows hold cities train lacks (a verification trial saw
    the note on 90% of such splits, advising to respell them); so do columns with too few values."""
    rng = np.random.default_rng(0)
    cities = [f"city{i}" for i in range(150)]
    train, test = (_table(list(rng.choice(cities, 60))) for _ in range(2))
    assert _notes(train, test) == []
    few = _table(["p", "q"] * 20)
    assert _notes(few, _table(["r"] * 12 + [None] * 28)) == []  # 12 present values: too few to judge


def test_share_names_its_one_reference_table_once(make_frame):
    """share passes its holdout as test and holdout: the note came twice, as 'test values' and 'holdout values'."""
    frame = make_frame(240, seed=3)
    frame["grade"] = np.array(["01", "02", "03"], dtype=object)[np.arange(240) % 3]
    train, reference, synthetic = frame.iloc[:80], frame.iloc[80:160].copy(), frame.iloc[160:]
    reference["grade"] = reference["grade"].str.lstrip("0")
    with pytest.warns(SynthaugWarning):
        result = evaluate(train, reference, synthetic, "label", holdout=reference, **FAST)
    assert sum("never occur in train" in n for n in result.notes) == 1
