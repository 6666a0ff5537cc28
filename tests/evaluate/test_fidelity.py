"""Association statistics by hand; marginals and detection on tiny data."""

import numpy as np
import pandas as pd
import pytest

from synthaug.evaluate import fidelity
from synthaug.evaluate.tables import canonical, check_tables


def test_cramers_v_perfect_and_none():
    a = np.array([0] * 10 + [1] * 10)
    # table [[10, 0], [0, 10]]: phi^2 = 1, corrected 1 - 1/19 over min(k, r) corrected - 1 = 18/19
    assert fidelity.cramers_v(a, a) == pytest.approx(1.0)
    assert fidelity.cramers_v(a, np.tile([0, 1], 10)) == 0.0
    assert fidelity.cramers_v(a, np.zeros(20)) == 0.0


def test_correlation_ratio_by_hand():
    cats = np.array(["a", "a", "b", "b"])
    assert fidelity.correlation_ratio(cats, np.array([1.0, 1.0, 3.0, 3.0])) == pytest.approx(1.0)
    assert fidelity.correlation_ratio(cats, np.array([1.0, 3.0, 1.0, 3.0])) == pytest.approx(0.0)
    # means 1.5 and 3.5 around 2.5: between 4 * 1, total 1 + 0.25*... -> 4 / 5
    assert fidelity.correlation_ratio(cats, np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(np.sqrt(4 / 5))


def test_marginal_distances_by_hand():
    assert fidelity.ks_statistic(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, np.nan])) == 1.0
    values = np.arange(10.0)
    with_gaps = np.where(values % 2 == 0, np.nan, values)  # half missing, the rest from the same range
    assert fidelity.ks_statistic(np.r_[values, values], np.r_[values, with_gaps]) == pytest.approx(0.25)
    assert fidelity.ks_statistic(values, np.full(4, np.nan)) == 1.0  # never present vs always present
    assert np.isnan(fidelity.ks_statistic(values, values[:0]))
    tv = fidelity.total_variation(pd.Series(["a", "a", "b", "b"]), pd.Series(["a", "b", "b", "c"]))
    assert tv == pytest.approx(0.25)  # |0.5-0.25| + |0.5-0.5| + |0-0.25| = 0.5, halved


def test_rare_categories_are_not_named():
    real = pd.Series(["common"] * 20 + ["rare-one"])
    m = fidelity.marginal("c", real, real, numeric=False)
    assert "rare-one" not in m.bins
    assert m.bins == ["common", "(other)"]


def test_numeric_bin_edges_are_round_numbers_not_record_values():
    # with 41 rows the 2.5th and 97.5th percentiles are exactly the 2nd smallest and largest value
    values = np.random.default_rng(0).normal(size=41) * 3.0
    values[np.argsort(values)[[1, -2]]] = [-3.7890123, 4.2345678]
    m = fidelity.marginal("x", pd.Series(values), pd.Series(values), numeric=True)
    assert m.bins[0] <= -3.7890123 and m.bins[-1] >= 4.2345678
    assert not set(m.bins) & set(values.tolist())
    assert (m.bins[0], m.bins[-1]) == (-3.8, 4.3)
    assert fidelity.plot_range(np.array([5.0, 5.0])) == (5.0, 6.0)
    assert fidelity.plot_range(np.array([])) == (0.0, 1.0)


@pytest.mark.parametrize("values", [
    np.array([19, 22, 35, 41, 44, 47, 52, 60, 71, 73], float),  # 10 ages: the rounded 2.5th percentile was 19
    np.arange(10.0, 91.0),  # every linspace edge of 10..90 was a whole number, i.e. an age
    np.round(np.random.default_rng(1).uniform(0, 1, 200), 1),  # values on a 0.1 grid
    np.random.default_rng(2).integers(0, 100_000, 300).astype(float),
])
def test_no_bin_edge_is_a_value_of_the_column(values):
    edges = fidelity.bin_edges(values)
    assert not np.isin(edges, values).any()
    assert 10 <= len(edges) - 1 <= 21 and np.all(np.diff(edges) > 0)
    lo, hi = np.quantile(values, [0.025, 0.975])
    assert edges[0] < lo and edges[-1] > hi


def test_run_fidelity_on_copy_and_on_fresh_rows(splits):
    data = splits
    schema = check_tables(data["train"], "label", {})
    train, fresh = canonical(data["train"], schema), canonical(data["fresh"], schema)
    same = fidelity.run_fidelity(train, train, schema, seed=0)
    assert all(m.value == 0.0 for m in same.marginals)
    assert same.association_difference == 0.0
    other = fidelity.run_fidelity(train, fresh, schema, seed=0)
    assert 0.3 < other.detection_auc.value < 0.7
    assert other.detection_auc.low < 0.5 + 0.15
    shifted = fresh.assign(x=fresh["x"] + 3.0)
    assert fidelity.run_fidelity(train, shifted, schema, seed=0).detection_auc.low > 0.8
