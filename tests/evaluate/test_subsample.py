"""A synthetic table above ``max_synthetic`` is measured on a seeded, class-stratified sample."""

import json
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import DataError, SynthaugWarning
from synthaug.evaluate import evaluate
from synthaug.evaluate.subsample import class_quota, subsample_rows

FAST = {"classifiers": {"lr": LogisticRegression(max_iter=500)}, "n_seeds": 1, "n_boot": 100, "baselines": ("ros",)}


@pytest.fixture(scope="module")
def tables(make_frame):
    frame = make_frame(480, seed=11)
    train, holdout, test, fresh = (frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(4))
    return train, holdout, test, fresh


def _evaluate(tables, **options):
    train, holdout, test, fresh = tables
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        return evaluate(train, test, fresh, "label", holdout=holdout, random_state=2, **FAST, **options)


@pytest.mark.parametrize(
    ("counts", "n", "expected"),
    [((900, 90, 10), 100, (90, 9, 1)), ((9990, 10), 100, (99, 1)), ((5, 0, 5), 3, (2, 0, 1))],
)
def test_class_quota_is_proportional_and_keeps_every_present_class(counts, n, expected):
    codes = np.repeat(np.arange(len(counts)), counts)
    assert tuple(class_quota(codes, n)) == expected


def test_subsample_rows_is_seeded_sorted_and_stratified():
    codes = np.repeat([0, 1], [700, 300])
    np.random.default_rng(0).shuffle(codes)
    rows = subsample_rows(codes, 100, np.random.default_rng(5))
    assert len(np.unique(rows)) == 100 and np.all(np.diff(rows) > 0)
    assert np.bincount(codes[rows]).tolist() == [70, 30]
    assert np.array_equal(rows, subsample_rows(codes, 100, np.random.default_rng(5)))
    assert not np.array_equal(rows, subsample_rows(codes, 100, np.random.default_rng(6)))
    assert np.array_equal(subsample_rows(codes, 1000, np.random.default_rng(5)), np.arange(1000))


def test_a_table_above_the_cap_is_measured_on_a_noted_sample(tables):
    train, holdout, test, fresh = tables
    with pytest.warns(SynthaugWarning, match="measured on a random 100 of 120 synthetic records"):
        result = evaluate(train, test, fresh, "label", holdout=holdout, random_state=2, max_synthetic=100, **FAST)
    assert result.sizes["synthetic"] == 120 and result.sizes["synthetic_measured"] == 100
    assert result.options["max_synthetic"] == 100
    assert any(n.startswith("measured on a random 100 of 120 synthetic records") for n in result.notes)
    assert all(p.n_records == 100 for p in result.privacy)  # the synthetic records and as many ROS records
    assert result.utility.added_rows["synthetic"] == 100
    shares = fresh["label"].value_counts(normalize=True).to_dict()  # the sample keeps the table's class mix
    assert result.fidelity.class_mix["synthetic"] == pytest.approx(shares, abs=0.01)
    assert any(n.startswith("the 100 synthetic records measured (of 120; max_synthetic sets how many): "
                            "real+synthetic@1 adds all of them") for n in result.notes)
    again = _evaluate(tables, max_synthetic=100)
    assert json.loads(again.to_json()) == json.loads(result.to_json())  # the same seed, the same sample


def test_the_sample_follows_the_seed(tables):
    a, b = _evaluate(tables, max_synthetic=100), _evaluate(tables, max_synthetic=101)
    assert a.privacy[0].dcr_percentiles != b.privacy[0].dcr_percentiles


def test_a_table_at_or_below_the_cap_is_unchanged(tables):
    def measured(**cap):
        report = _evaluate(tables, **cap).to_dict()
        return report, {**report, "options": {k: v for k, v in report["options"].items() if k != "max_synthetic"}}

    (whole, same), (at_cap, same_at_cap), (default, same_default) = (
        measured(max_synthetic=None), measured(max_synthetic=120), measured())
    assert same_at_cap == same and same_default == same  # the default cap is far above 120
    assert (whole["options"]["max_synthetic"], at_cap["options"]["max_synthetic"]) == (None, 120)  # always present
    assert default["options"]["max_synthetic"] == 50_000
    assert whole["sizes"]["synthetic_measured"] == whole["sizes"]["synthetic"] == 120


@pytest.mark.parametrize("value", [99, 0, 150.0, True, "1000"])
def test_bad_caps_are_refused_by_name(tables, value):
    train, holdout, test, fresh = tables
    with pytest.raises(DataError, match="max_synthetic must be a whole number of at least 100"):
        evaluate(train, test, fresh, "label", max_synthetic=value, **FAST)
