"""Caveats on overlapping tables: synthetic records copied from the test set or the holdout."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import SynthaugWarning
from synthaug.evaluate import evaluate

FAST = {"classifiers": {"lr": LogisticRegression(max_iter=500)}, "n_seeds": 2, "n_boot": 100, "random_state": 0}


@pytest.fixture(scope="module")
def tables(make_frame):
    frame = make_frame(480, seed=5)
    return [frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(4)]


def _said(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SynthaugWarning)]


def test_synthetic_copies_of_the_holdout_make_its_privacy_inconclusive(tables):
    """The holdout itself passed as synthetic read "no measurable leak" (DCR share 0, MIA 0)."""
    train, holdout, test, _ = tables
    with pytest.warns(SynthaugWarning) as caught:
        result = evaluate(train, test, holdout, "label", holdout=holdout, baselines=("ros",), **FAST)
    said = [n for n in _said(caught) if "copies of holdout rows" in n]
    assert len(said) == 1 and said[0].startswith("120 of 120 synthetic records are exact copies of holdout rows")
    assert "privacy is not measured fairly" in said[0] and said[0] in result.notes
    synthetic, ros = result.privacy
    assert synthetic.verdict == "inconclusive" and {m.verdict for m in synthetic.measures} == {"inconclusive"}
    assert ros.verdict == "leaks"  # the baseline's records are made from the training rows: still measured
    assert not any("far below 0.5" in n for n in result.notes)  # the copy note says it already


def test_synthetic_copies_of_the_test_set_are_flagged_for_utility(tables):
    """The test set passed as synthetic gave `real+synthetic@1 helps` with no warning."""
    train, holdout, test, _ = tables
    with pytest.warns(SynthaugWarning) as caught:
        result = evaluate(train, test, test, "label", holdout=holdout, baselines=(), **FAST)
    said = next(n for n in _said(caught) if "copies of test rows" in n)
    assert said.startswith("120 of 120 synthetic records are exact copies of test rows")
    assert "utility is not measured fairly" in said and "privacy" not in said
    assert any(m.verdict != "inconclusive" for m in result.privacy[0].measures)  # the holdout is intact


def test_without_a_holdout_copies_of_the_test_set_touch_utility_and_privacy(tables):
    train, _, test, _ = tables
    with pytest.warns(SynthaugWarning) as caught:
        result = evaluate(train, test, test.iloc[:60], "label", baselines=(), **FAST)
    said = next(n for n in _said(caught) if "copies of test rows" in n)
    assert "utility is not measured fairly" in said and "privacy is not measured fairly" in said
    assert {m.verdict for m in result.privacy[0].measures} == {"inconclusive"}


def test_records_far_closer_to_the_holdout_than_to_training_rows_get_a_note(tables):
    """Near-copies of the holdout escape the exact-copy check; the DCR share far below 0.5 points to them."""
    train, holdout, test, _ = tables
    rng = np.random.default_rng(0)
    near = holdout.assign(x=holdout["x"] + rng.normal(0, 0.01, len(holdout)),
                          z=holdout["z"] + rng.normal(0, 0.01, len(holdout)))
    with pytest.warns(SynthaugWarning, match=r"synthetic records' DCR share 0\.0\d\d \[0\.0\d\d, 0\.\d+\]"):
        result = evaluate(train, test, near, "label", holdout=holdout, baselines=(), **FAST)
    said = next(n for n in result.notes if "far below 0.5" in n)
    assert "closer to the holdout rows than to the training rows" in said and "membership AUC" in said
    assert "privacy filter" in said  # a filtered release sits away from its training rows too: no leak


def test_fresh_rows_raise_none_of_these(tables):
    train, holdout, test, fresh = tables
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)
        result = evaluate(train, test, fresh, "label", holdout=holdout, baselines=(), **FAST)
    assert result.privacy[0].verdict != "leaks"


def test_missing_gap_notes_by_hand():
    """40 training rows with every 'x', 40 reference rows with half missing: a gap of 0.5; one missing is noise."""
    from synthaug.evaluate.caveats import missing_gap_notes

    train = pd.DataFrame({"x": np.arange(40.0), "c": ["a"] * 40})
    half = train.assign(x=np.where(np.arange(40) % 2 == 0, np.nan, train["x"]), c=["<missing>"] * 40)
    notes, comparable = missing_gap_notes(train, half, ["x", "c"], "holdout")
    assert not comparable and len(notes) == 1
    assert "'x' (0.0% of training rows, 50.0% of holdout rows), 'c' (0.0% of training rows, 100.0% of" in notes[0]
    assert "every privacy verdict is 'inconclusive'" in notes[0]
    one = train.assign(x=np.where(np.arange(40) == 0, np.nan, train["x"]))
    assert missing_gap_notes(train, one, ["x", "c"], "holdout") == ([], True)


def test_a_reference_missing_values_unlike_train_makes_privacy_inconclusive(tables):
    """A test set (the privacy reference) with 30% of a column missing made fresh records read as leaks, silently."""
    train, _, test, fresh = tables
    holey = test.assign(x=test["x"].where(np.random.default_rng(5).random(len(test)) >= 0.4))
    with pytest.warns(SynthaugWarning) as caught:
        result = evaluate(train, holey, fresh, "label", baselines=("ros",), **FAST)
    said = [n for n in _said(caught) if n.startswith("missing values differ")]
    assert len(said) == 1 and "column(s) 'x' (0.0% of training rows, " in said[0] and said[0] in result.notes
    assert "of test rows)" in said[0]
    for leakage in result.privacy:  # the reference is every source's: the baseline's verdicts too
        assert leakage.verdict == "inconclusive" and {m.verdict for m in leakage.measures} == {"inconclusive"}


def test_real_rows_notes_by_hand():
    from synthaug.evaluate.caveats import real_rows_notes

    assert real_rows_notes(300, 300, 150, 150, "holdout") == []
    train, small = real_rows_notes(600, 300, 19, 19, "holdout")
    assert train.startswith("300 of 600 training rows repeat another of them (300 distinct rows)")
    assert "(holdout rows) has only 19 distinct rows" in small
    (ref,) = real_rows_notes(300, 300, 40, 20, "test")
    assert ref.startswith("20 of 40 test (privacy reference) rows repeat")
    assert real_rows_notes(300, 300, 5, 5)[0].startswith("the privacy reference has only 5 distinct rows")
