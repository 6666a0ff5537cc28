"""Association statistics by hand; marginals and detection on tiny data."""

import numpy as np
import pandas as pd
import pytest

from synthaug.evaluate import associations, detection, fidelity, marginals
from synthaug.evaluate.canonical import canonical
from synthaug.evaluate.tables import check_tables


def test_cramers_v_perfect_and_none():
    a = np.array([0] * 10 + [1] * 10)
    # table [[10, 0], [0, 10]]: phi^2 = 1, corrected 1 - 1/19 over min(k, r) corrected - 1 = 18/19
    assert associations.cramers_v(a, a) == pytest.approx(1.0)
    assert associations.cramers_v(a, np.tile([0, 1], 10)) == 0.0
    assert associations.cramers_v(a, np.zeros(20)) == 0.0


def test_correlation_ratio_by_hand():
    cats = np.array(["a", "a", "b", "b"])
    assert associations.correlation_ratio(cats, np.array([1.0, 1.0, 3.0, 3.0])) == pytest.approx(1.0)
    assert associations.correlation_ratio(cats, np.array([1.0, 3.0, 1.0, 3.0])) == pytest.approx(0.0)
    # means 1.5 and 3.5 around 2.5: between 4 * 1, total 1 + 0.25*... -> 4 / 5
    assert associations.correlation_ratio(cats, np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(np.sqrt(4 / 5))


def test_marginal_distances_by_hand():
    assert marginals.ks_statistic(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, np.nan])) == 1.0
    values = np.arange(10.0)
    with_gaps = np.where(values % 2 == 0, np.nan, values)  # half missing, the rest from the same range
    assert marginals.ks_statistic(np.r_[values, values], np.r_[values, with_gaps]) == pytest.approx(0.25)
    assert marginals.ks_statistic(values, np.full(4, np.nan)) == 1.0  # never present vs always present
    assert np.isnan(marginals.ks_statistic(values, values[:0]))
    tv = marginals.total_variation(pd.Series(["a", "a", "b", "b"]), pd.Series(["a", "b", "b", "c"]))
    assert tv == pytest.approx(0.25)  # |0.5-0.25| + |0.5-0.5| + |0-0.25| = 0.5, halved


def test_rare_categories_are_not_named():
    real = pd.Series(["common"] * 20 + ["rare-one"])
    m = marginals.marginal("c", real, real, numeric=False)
    assert "rare-one" not in m.bins
    assert m.bins == ["common", "(other)"]


def test_numeric_bin_edges_are_round_numbers_not_record_values():
    # with 41 rows the 2.5th and 97.5th percentiles are exactly the 2nd smallest and largest value
    values = np.random.default_rng(0).normal(size=41) * 3.0
    values[np.argsort(values)[[1, -2]]] = [-3.7890123, 4.2345678]
    m = marginals.marginal("x", pd.Series(values), pd.Series(values), numeric=True)
    assert m.bins[0] <= -3.7890123 and m.bins[-1] >= 4.2345678
    assert not set(m.bins) & set(values.tolist())
    assert (m.bins[0], m.bins[-1]) == (-3.8, 4.3)
    assert marginals.plot_range(np.array([5.0, 5.0])) == (5.0, 6.0)
    assert marginals.plot_range(np.array([])) == (0.0, 1.0)


@pytest.mark.parametrize("values", [
    np.array([19, 22, 35, 41, 44, 47, 52, 60, 71, 73], float),  # 10 ages: the rounded 2.5th percentile was 19
    np.arange(10.0, 91.0),  # every linspace edge of 10..90 was a whole number, i.e. an age
    np.round(np.random.default_rng(1).uniform(0, 1, 200), 1),  # values on a 0.1 grid
    np.random.default_rng(2).integers(0, 100_000, 300).astype(float),
])
def test_no_bin_edge_is_a_value_of_the_column(values):
    edges = marginals.bin_edges(values)
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



def test_a_copy_of_the_training_table_is_undetectable_not_anti_detected(splits):
    # before: 0.026 [0.019, 0.033] on a user's table, 0.05 here: a row and its twin of the other
    # label fell in different folds, so each was scored by a model that had learnt the twin
    schema = check_tables(splits["train"], "label", {})
    train, fresh = canonical(splits["train"], schema), canonical(splits["fresh"], schema)
    copy = detection.detection_auc(train, train, schema, seed=0)
    assert copy.value == pytest.approx(0.5) and copy.low < 0.5 < copy.high
    assert "150 of 150 synthetic rows compared equal a real row" in copy.method
    half = detection.detection_auc(train, pd.concat([train[:75], fresh[:75]], ignore_index=True), schema, seed=0)
    assert half.low < 0.5 < half.high and "75 of 150" in half.method


def test_a_table_of_fewer_contents_than_folds_is_measured_not_a_crash():
    # two columns of two values: 4 contents, 5 grouped folds; an empty fold reached predict() with
    # 0 rows (scikit-learn's "Found array with 0 sample(s)") from `synthaug evaluate`
    rng = np.random.default_rng(0)
    table = lambda n: pd.DataFrame({"smoker": rng.choice(["yes", "no"], n), "y": rng.choice(["a", "b"], n)})  # noqa: E731
    real, synthetic = table(200), table(200)
    schema = check_tables(real, "y", {})
    real, synthetic = canonical(real, schema), canonical(synthetic, schema)
    features = detection._codes(pd.concat([real, synthetic]), schema)
    folds, _ = detection.content_folds(features, np.repeat([0.0, 1.0], 200), 5, 0)
    assert len(folds) == 4 and all(len(test) for _, test in folds)
    auc = detection.detection_auc(real, synthetic, schema, seed=0)
    assert 0.3 < auc.value < 0.7 and "200 of 200 synthetic rows" in auc.method


def test_content_folds_are_stratified_folds_without_repeats_and_keep_twins_together():
    rng = np.random.default_rng(0)
    features, is_synth = rng.normal(size=(40, 2)), np.repeat([0.0, 1.0], [30, 10])
    folds, shared = detection.content_folds(features, is_synth, 5, seed=3)
    reference = detection.StratifiedKFold(5, shuffle=True, random_state=3).split(features, is_synth)
    assert shared == 0
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, reference, strict=True))
    features[30:] = features[:10]  # the synthetic rows copy the first ten real rows
    folds, shared = detection.content_folds(features, is_synth, 5, seed=3)
    fold_of = np.empty(40, int)
    for k, (_, test) in enumerate(folds):
        fold_of[test] = k
    assert shared == 10 and np.array_equal(fold_of[30:], fold_of[:10])


def _two_classes(counts: list[int], rng: np.random.Generator) -> pd.DataFrame:
    """x shifted by 2 and colour mostly red for class 'b': both depend on the class."""
    label = np.repeat(["a", "b"], counts)
    n = len(label)
    return pd.DataFrame({
        "x": rng.normal(size=n) + 2.0 * (label == "b"),
        "colour": np.where(rng.random(n) < np.where(label == "b", 0.8, 0.2), "red", "blue"),
        "label": label,
    })


def test_marginals_and_associations_are_measured_at_the_synthetic_class_mix():
    # 96 'a' and 24 'b' real rows; synthetic = the same rows resampled per class to 96 and 96 (each
    # 'b' row 4 times): faithful within every class, at a chosen balanced mix. Unweighted (before):
    # x KS 0.19, colour TV 0.17, association difference 0.081
    real = _two_classes([96, 24], np.random.default_rng(0))
    schema = check_tables(real, "label", {})
    real = canonical(real, schema)
    synthetic = pd.concat([real[real.label == "a"]] + [real[real.label == "b"]] * 4, ignore_index=True)
    result = fidelity.run_fidelity(real, synthetic, schema, seed=0)
    value = {m.column: m.value for m in result.marginals}
    assert value["x"] == pytest.approx(0.0, abs=1e-12) and value["colour"] == pytest.approx(0.0, abs=1e-12)
    colour = result.marginals[1]
    assert colour.real == pytest.approx(colour.synthetic)  # plot shares weighted too
    assert result.association_difference < 0.002  # Cramer's V's bias correction sees 120 vs 192 rows
    assert value["label"] == pytest.approx(0.3)  # the class mix itself, unweighted: |0.8 - 0.5|
    assert [m.weighted for m in result.marginals] == [True, True, False]
    assert result.weighting == "synthetic class mix"
    assert result.class_mix == {"real": {"a": 0.8, "b": 0.2}, "synthetic": {"a": 0.5, "b": 0.5}}
    assert len(result.notes) == 1 and "measured at the synthetic class mix" in result.notes[0]


def test_detection_is_measured_at_the_synthetic_class_mix():
    # a faithful generator asked for 100 + 100 rows of a 160 / 40 table: AUC 0.484 [0.422, 0.546], x KS
    # 0.064. Unweighted (before): AUC 0.619 [0.565, 0.674] from the label share alone, x KS 0.265
    rng = np.random.default_rng(1)
    real, synthetic = _two_classes([160, 40], rng), _two_classes([100, 100], rng)
    schema = check_tables(real, "label", {})
    result = fidelity.run_fidelity(canonical(real, schema), canonical(synthetic, schema), schema, seed=0)
    auc = result.detection_auc
    assert auc.value < 0.55 and auc.low < 0.5 < auc.high
    assert "synthetic class mix" in auc.method
    assert result.marginals[0].value < 0.1
    shifted = canonical(synthetic.assign(x=synthetic["x"] + 1.0), schema)  # unfaithful within classes: still seen
    assert fidelity.run_fidelity(canonical(real, schema), shifted, schema, seed=0).detection_auc.low > 0.6


def test_a_real_class_without_synthetic_records_gets_weight_zero():
    # sample --balance tops classes up to the largest: no records of the largest class
    rng = np.random.default_rng(2)
    real, synthetic = _two_classes([96, 24], rng), _two_classes([0, 72], rng)
    schema = check_tables(real, "label", {})
    result = fidelity.run_fidelity(canonical(real, schema), canonical(synthetic, schema), schema, seed=0)
    values = [m.value for m in result.marginals] + [result.association_difference, result.detection_auc.value]
    assert np.isfinite(values).all()
    assert result.marginals[0].value < 0.2  # x of real 'b' rows only (unweighted: 0.49)
    assert result.detection_auc.low < 0.5  # unweighted: 0.89 [0.84, 0.94]
    assert result.marginals[2].value == pytest.approx(0.8)
    assert result.class_mix["synthetic"] == {"a": 0.0, "b": 1.0}
    assert any("no records of class(es) 'a'" in note and "weight 0" in note for note in result.notes)


def test_whole_weights_act_as_repeated_rows():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=12).round(1), rng.normal(size=12).round(1)  # rounded: some ties
    cats, other = rng.choice(["p", "q", "r"], 12), rng.choice(["u", "v"], 12)
    x[[2, 5]] = np.nan
    w = rng.integers(1, 4, 12).astype(float)
    rep = lambda v: np.repeat(v, w.astype(int))  # noqa: E731
    assert marginals.ks_statistic(x, y, w) == pytest.approx(marginals.ks_statistic(rep(x), y))
    tv = marginals.total_variation(pd.Series(cats), pd.Series(other), w)
    assert tv == pytest.approx(marginals.total_variation(pd.Series(rep(cats)), pd.Series(other)))
    assert associations.spearman(x, y, w) == pytest.approx(associations.spearman(rep(x), rep(y)))
    eta = associations.correlation_ratio
    assert eta(cats, x, w) == pytest.approx(eta(rep(cats), rep(x)))
    assert associations.cramers_v(cats, other, w) == pytest.approx(associations.cramers_v(rep(cats), rep(other)))


def test_a_detection_auc_wholly_below_one_half_gets_a_note():
    """Near-copies scored 0.025 and 30 fresh iris rows 0.266 [0.120, 0.491], both read as "looks real"."""
    import dataclasses

    from synthaug.evaluate.results import Estimate

    rng = np.random.default_rng(2)
    real = _two_classes([60, 60], rng)
    schema = check_tables(real, "label", {})
    result = fidelity.run_fidelity(canonical(real, schema), canonical(_two_classes([60, 60], rng), schema), schema, 0)
    assert fidelity.fidelity_caveats(result) == []
    low = dataclasses.replace(result, detection_auc=Estimate(0.266, 0.120, 0.491, "DeLong"))
    (said,) = fidelity.fidelity_caveats(low)
    assert said.startswith("the detection AUC 0.266 [0.120, 0.491] lies wholly below 0.5")
    assert "nearly copy real rows" in said and "too few rows" in said
    near = canonical(real.assign(x=real["x"] + rng.normal(0, 1e-3, len(real))), schema)  # near-copies
    copied = fidelity.run_fidelity(canonical(real, schema), near, schema, seed=0)
    assert copied.detection_auc.high < 0.5 and any("wholly below 0.5" in n for n in copied.notes)
