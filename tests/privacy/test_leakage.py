"""Sanity of the leakage measures: copies leak, fresh real rows do not, SMOTE sits close."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from synthaug.evaluate.baselines import smote_records
from synthaug.evaluate.canonical import canonical
from synthaug.evaluate.leakage_measures import balanced_share
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
    result = assess_leakage(train, holdout, train.iloc[:2], "label", random_state=0)
    assert _measure(result, "dcr_share").value == 0.5
    assert _measure(result, "exact_copies").value == 0.0  # the reference rows are copies too


def test_balanced_share_by_hand():
    assert balanced_share(0.5, 100, 100) == 0.5
    assert balanced_share(1 / 3, 100, 200) == pytest.approx(0.5)  # the null when n_r = 2 n_t
    assert balanced_share(1.0, 100, 200) == 1.0


def test_nndr_by_hand():
    d = np.array([[0.0, 0.0], [0.0, 2.0], [1.0, 4.0]])
    np.testing.assert_allclose(_nndr(d), [1.0, 0.0, 0.25])


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
