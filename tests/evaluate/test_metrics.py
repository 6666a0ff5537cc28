"""Weighted (bootstrap) metrics agree with scikit-learn on resampled rows."""

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score, f1_score, roc_auc_score

from synthaug.evaluate.metrics import bootstrap_weights, weighted_auc, weighted_scores


def _sklearn(y, proba):
    k = proba.shape[1]
    auc = roc_auc_score(y, proba[:, 1]) if k == 2 else roc_auc_score(y, proba, multi_class="ovr")
    pred = proba.argmax(1)
    return f1_score(y, pred, average="macro"), balanced_accuracy_score(y, pred), auc


@pytest.mark.parametrize("n_classes", [2, 3])
def test_scores_match_sklearn_on_resampled_rows(n_classes):
    rng = np.random.default_rng(n_classes)
    y = rng.integers(0, n_classes, 200)
    proba = rng.dirichlet(np.ones(n_classes), 200).round(1) + 1e-3  # rounding makes ties
    proba /= proba.sum(1, keepdims=True)
    weights = np.vstack([np.ones((1, 200)), bootstrap_weights(200, 3, rng)])
    scores = weighted_scores(y, proba, weights)
    for b in range(4):
        rows = np.repeat(np.arange(200), weights[b].astype(int))
        f1, bacc, auc = _sklearn(y[rows], proba[rows])
        assert scores["macro_f1"][b] == pytest.approx(f1)
        assert scores["balanced_accuracy"][b] == pytest.approx(bacc)
        assert scores["roc_auc"][b] == pytest.approx(auc)


def test_bootstrap_weights_are_resampling_counts():
    w = bootstrap_weights(50, 7, np.random.default_rng(0))
    assert w.shape == (7, 50)
    assert np.all(w.sum(axis=1) == 50)


def test_auc_by_hand_with_tie():
    # positives 0.9, 0.5; negatives 0.5, 0.1: pairs win, win, tie, win -> 3.5 / 4
    auc = weighted_auc(np.array([0.9, 0.5, 0.5, 0.1]), np.array([True, True, False, False]), np.ones((1, 4)))
    assert auc[0] == pytest.approx(0.875)


def test_class_absent_from_test_is_left_out():
    y = np.array([0, 0, 1, 1])
    proba = np.array([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7]])
    scores = weighted_scores(y, proba, np.ones((1, 4)))
    # class 0: F1 1; class 1: one of two found, nothing wrongly predicted -> F1 2/3
    assert scores["macro_f1"][0] == pytest.approx((1 + 2 / 3) / 2)
    assert scores["balanced_accuracy"][0] == pytest.approx(0.75)


def test_scores_are_float64_values_even_from_float32_weights():
    """Point estimates were float32 (macro_f1 0.5475113391876221, not f1_score's 0.5475113122171946)."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 101)
    proba = rng.dirichlet(np.ones(3), 101)
    weights = np.vstack([np.ones((1, 101), np.float32), bootstrap_weights(101, 2, rng)])
    assert weights.dtype == np.float32
    scores = weighted_scores(y, proba, weights)
    assert all(v.dtype == np.float64 for v in scores.values())
    pred = proba.argmax(1)
    assert scores["macro_f1"][0] == f1_score(y, pred, average="macro")  # exactly, not approximately
    assert scores["balanced_accuracy"][0] == balanced_accuracy_score(y, pred)
