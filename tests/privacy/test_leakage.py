"""Sanity of the leakage measures: copies leak, fresh real rows do not, SMOTE sits close."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from synthaug import SynthaugWarning
from synthaug.evaluate.baselines import smote_records
from synthaug.evaluate.canonical import canonical
from synthaug.evaluate.leakage_measures import _loo_quantiles, balanced_share, tail_hits
from synthaug.evaluate.tables import check_tables
from synthaug.privacy import assess_leakage
from synthaug.privacy.leakage import _nndr


def _population(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    label = rng.choice(["a", "b"], size=n)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n) + (label == "b"),
            "z": rng.exponential(size=n),
            "kind": rng.choice(["p", "q", "r", "s"], size=n),
            "label": label,
        }
    )


@pytest.fixture(scope="module")
def real():
    frame = _population(900)
    return frame.iloc[:300], frame.iloc[300:600], frame.iloc[600:]


def _measure(result, name):
    return next(m for m in result.measures if m.name == name)


def test_copy_of_train_leaks(real):
    train, holdout, _ = real
    result = assess_leakage(train, holdout, train.copy(), "label", random_state=0)
    assert _measure(result, "dcr_share").value == 1.0
    assert _measure(result, "exact_copies").details["records_rate"] == 1.0
    assert _measure(result, "mia_distance").value > 0.95
    assert _measure(result, "mia_density").value > 0.95
    assert result.verdict == "leaks"
    assert _measure(result, "dcr_share").verdict == "leaks"


def test_fresh_rows_from_the_population_do_not_leak(real):
    train, holdout, fresh = real
    result = assess_leakage(train, holdout, fresh, "label", random_state=0)
    assert abs(_measure(result, "dcr_share").value - 0.5) < 0.1
    assert abs(_measure(result, "mia_distance").value - 0.5) < 0.1
    assert abs(_measure(result, "mia_density").value - 0.5) < 0.1
    assert abs(_measure(result, "attribute_inference[label]").value) < 0.1
    assert result.verdict != "leaks"
    for m in result.measures:
        assert m.low <= m.value <= m.high


def test_a_handful_of_records_cannot_prove_a_dcr_leak(real):
    # two records both nearer a training row happen by chance 1 time in 4: the bootstrap alone
    # gave the interval [1, 1] and "leaks"; the exact-copy measure is the one that speaks here
    train, holdout, fresh = real
    share = _measure(assess_leakage(train, holdout, train.iloc[:2], "label", random_state=0), "dcr_share")
    assert share.value == 1.0 and share.low < 0.5 and share.verdict == "inconclusive"
    many = _measure(assess_leakage(train, holdout, train.iloc[:100], "label", random_state=0), "dcr_share")
    assert many.low > 0.9 and many.verdict == "leaks"


def test_unequal_sizes_keep_half_as_the_null():
    frame = _population(1500, seed=1)
    train, holdout, fresh = frame.iloc[:250], frame.iloc[250:1000], frame.iloc[1000:]
    share = _measure(assess_leakage(train, holdout, fresh, "label", random_state=0), "dcr_share")
    assert share.details["raw_null"] == pytest.approx(0.25)
    assert abs(share.value - 0.5) < 0.12
    copies = assess_leakage(train, holdout, train, "label", random_state=0)
    assert _measure(copies, "dcr_share").value == 1.0


def test_smote_on_breast_cancer_sits_close_to_training_rows():
    data = load_breast_cancer(as_frame=True).frame
    rng = np.random.default_rng(0)
    picks = [rng.permutation(np.flatnonzero(data["target"] == c))[:50] for c in (0, 1)]
    train = data.iloc[np.r_[picks[0][:25], picks[1][:25]]].reset_index(drop=True)
    holdout = data.iloc[np.r_[picks[0][25:], picks[1][25:]]].reset_index(drop=True)
    schema = check_tables(train, "target", {})
    records = smote_records(canonical(train, schema), schema, {0: 250, 1: 250}, seed=0)
    result = assess_leakage(train, holdout, records, "target", random_state=0)
    share = _measure(result, "dcr_share")
    assert share.value > 0.75
    assert share.low > 0.55


def test_ties_count_half():
    train = pd.DataFrame({"c": ["u", "v", "u", "v"], "label": ["a", "a", "b", "b"]})
    holdout = train.copy()
    with pytest.warns(SynthaugWarning, match="only 4 distinct rows"):
        result = assess_leakage(train, holdout, train.iloc[:2], "label", random_state=0)
    assert _measure(result, "dcr_share").value == 0.5
    assert _measure(result, "exact_copies").value == 0.0  # the reference rows are copies too


def test_balanced_share_by_hand():
    assert balanced_share(0.5, 100, 100) == 0.5
    assert balanced_share(1 / 3, 100, 200) == pytest.approx(0.5)  # the null when n_r = 2 n_t
    assert balanced_share(1.0, 100, 200) == 1.0


def test_nndr_by_hand():
    # a record on a training row is pinned to it: ratio 0 (it was 1 when the second distance was 0 too)
    d = np.array([[0.0, 0.0], [0.0, 2.0], [1.0, 4.0], [2.0, 2.0]])
    np.testing.assert_allclose(_nndr(d), [0.0, 0.0, 0.25, 1.0])


def _leaky(train: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """80 near-copies of training rows (noise 0.02 sd) and 120 fresh rows."""
    rng = np.random.default_rng(3)
    near = train.iloc[:80].copy()
    near[["x", "z"]] += rng.normal(size=(80, 2)) * 0.02 * train[["x", "z"]].std().to_numpy()
    return pd.concat([near, fresh.iloc[:120]], ignore_index=True)


def _values(result) -> dict[str, tuple[float, float, float]]:
    return {m.name: (m.value, m.low, m.high) for m in result.measures}


def test_repeated_training_rows_count_once(real):
    """Training rows given three times read 0.40 'no measurable leak' for 80 near-copies in 200 records
    (0.67 'leaks' once); fresh rows against twice-given training rows read 0.33, not 0.5."""
    train, holdout, fresh = real
    for records in (fresh, _leaky(train, fresh)):
        once = assess_leakage(train, holdout, records, "label", n_boot=100, random_state=0)
        with pytest.warns(SynthaugWarning, match="600 of 900 training rows repeat another of them"):
            thrice = assess_leakage(pd.concat([train] * 3), holdout, records, "label", n_boot=100, random_state=0)
        assert _values(thrice) == _values(once)
    assert _measure(thrice, "dcr_share").verdict == "leaks" and thrice.n_train == 900


def test_repeated_holdout_rows_count_once(real):
    """Fresh rows against a twice-given holdout read DCR share 0.66 'leaks'."""
    train, holdout, fresh = real
    once = assess_leakage(train, holdout, fresh, "label", n_boot=100, random_state=0)
    with pytest.warns(SynthaugWarning, match=r"300 of 600 holdout \(privacy reference\) rows repeat"):
        twice = assess_leakage(train, pd.concat([holdout] * 2), fresh, "label", n_boot=100, random_state=0)
    assert _values(twice) == _values(once) and _measure(twice, "dcr_share").verdict != "leaks"


def test_copies_of_repeated_training_rows_have_a_low_nndr(real):
    """Exact copies of twice-given training rows had NNDR 1 (both nearest distances 0): low_nndr +0.000."""
    train, holdout, _ = real
    with pytest.warns(SynthaugWarning, match="repeat"):
        result = assess_leakage(pd.concat([train] * 2), holdout, train, "label", n_boot=100, random_state=0)
    low = _measure(result, "low_nndr")
    assert low.details["records_rate"] == 1.0 and low.verdict == "leaks"


def test_tables_without_repeats_measure_as_before(real):
    """Counting distinct rows changes nothing when no row repeats: figures pinned from before."""
    train, holdout, fresh = real
    got = _values(assess_leakage(train, holdout, _leaky(train, fresh), "label", n_boot=100, random_state=0))
    pinned = {  # the code before distinct rows, same seed (near_copies and low_nndr: see the next test)
        "dcr_share": (0.74, 0.675092544, 0.80301356),
        "exact_copies": (0.0, -0.012642971, 0.018845326),
        "mia_distance": (0.627077778, 0.582264528, 0.671891027),
        "mia_density": (0.619633333, 0.574610788, 0.664655879),
        "attribute_inference[label]": (0.086666667, 0.011222052, 0.16075625),
    }
    for name, values in pinned.items():
        np.testing.assert_allclose(got[name], values, rtol=0, atol=1e-8, err_msg=name)


def test_a_reference_of_few_rows_gets_a_note(real):
    train, holdout, fresh = real
    with pytest.warns(SynthaugWarning, match=r"has only 5 distinct rows: near_copies and low_nndr"):
        assess_leakage(train, holdout.iloc[:5], fresh, "label", n_boot=100, random_state=0)


def test_numeric_attribute_inference(real):
    train, holdout, _ = real
    result = assess_leakage(train, holdout, train, "label", sensitive=["x"], random_state=0)
    ai = _measure(result, "attribute_inference[x]")
    assert ai.details["train_success"] > 0.97  # near-ties on the other columns may swap
    assert ai.value > 0.3


def test_unknown_sensitive_column(real):
    train, holdout, _ = real
    with pytest.raises(ValueError, match="sensitive column 'nope'"):
        assess_leakage(train, holdout, train, "label", sensitive=["nope"])


def test_privacy_imports_before_evaluate():
    # leakage uses evaluate's distances and evaluate uses leakage: importing either first works
    code = "import synthaug.privacy; from synthaug.evaluate import evaluate"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_holdout_with_a_column_missing_is_warned_of_and_inconclusive(real):
    """An empty column in the holdout made fresh rows read as leaks (DCR 0.98, AUC 0.995), silently."""
    from synthaug import SynthaugWarning

    train, holdout, fresh = real
    with pytest.warns(SynthaugWarning, match=r"column\(s\) 'z' \(0\.0% of training rows, 100\.0% of holdout rows\)"):
        result = assess_leakage(train, holdout.assign(z=np.nan), fresh, "label", random_state=0)
    assert result.verdict == "inconclusive" and {m.verdict for m in result.measures} == {"inconclusive"}


def test_assess_leakage_reads_tables_as_fit_and_evaluate_do():
    """A column named 7 was refused ('column names must be text'), and Decimals compared as categories."""
    import decimal

    rng = np.random.default_rng(0)

    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame({7: rng.normal(size=n), "cost": [decimal.Decimal(f"{v:.2f}") for v in rng.gamma(2, 5, n)],
                             "y": rng.choice(["a", "b"], n)})

    result = assess_leakage(table(80), table(80), table(80), "y", n_boot=100, random_state=0)
    assert result.n_records == 80 and result.verdict in ("no measurable leak", "inconclusive")


def test_reference_rows_are_held_against_the_other_rows_percentile():
    # in-sample, rows 0..19 had one row (0) at or below their 5th percentile (0.95): 1/20, while a fresh
    # record falls at or below it with chance 1.95/21; held against the others' percentile, rows 0 and 1 hit
    records, reference = tail_hits(np.array([0.5, 0.96, 2.0]), np.arange(20.0), strict=False)
    assert records.tolist() == [True, False, False]
    assert np.flatnonzero(reference).tolist() == [0, 1]
    values = np.random.default_rng(0).integers(0, 4, 9).astype(float)  # ties
    brute = [np.quantile(np.delete(values, i), 0.05) for i in range(9)]
    np.testing.assert_allclose(_loo_quantiles(values, 0.05), brute)


def test_the_reference_rate_matches_a_fresh_records_rate():
    """With 20 reference rows, fresh records read an excess of +0.043 on average (tolerance 0.05)."""
    rng = np.random.default_rng(0)
    draws = rng.random((400, 20 + 2000))
    excess = [tail_hits(d[20:], d[:20], strict)[0].mean() - tail_hits(d[20:], d[:20], strict)[1].mean()
              for d in draws for strict in (False, True)]
    assert abs(np.mean(excess)) < 0.006
