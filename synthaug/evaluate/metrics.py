"""Classification metrics under many bootstrap weightings of the test set at once.

``weights`` is a (B, n) matrix: row 0 of ``np.ones((1, n))`` gives the plain scores, rows of
:func:`bootstrap_weights` give test-set bootstrap replicates (float32 counts: sums stay exact
integers below 2**24, and halving the memory traffic halves the time). The (B, K) sums are
divided in float64, so every score is the float64 value the counts give. All metrics are macro averages
over the classes present in ``y`` (a class with no test rows has no recall and no AUC):

* ``macro_f1``: mean over classes of ``2 TP / (2 TP + FP + FN)``;
* ``balanced_accuracy``: mean recall;
* ``roc_auc``: mean one-vs-rest ROC AUC of the class probability (ties count one half).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

METRICS = ("macro_f1", "balanced_accuracy", "roc_auc")


def bootstrap_weights(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n) resampling counts: row b says how often each test row is drawn."""
    return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float32)


def weighted_scores(y: np.ndarray, proba: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Every metric in :data:`METRICS` for each weighting: a dict of (B,) arrays.

    ``y``: (n,) integer codes 0..K-1; ``proba``: (n, K) class probabilities.
    """
    n_classes = proba.shape[1]
    present = np.flatnonzero(np.bincount(y, minlength=n_classes) > 0)
    pred = np.argmax(proba, axis=1)
    eye = np.eye(n_classes, dtype=weights.dtype)
    truth = eye[y]  # (n, K)
    support = (weights @ truth).astype(np.float64)  # (B, K) weighted rows per true class
    predicted = (weights @ eye[pred]).astype(np.float64)  # (B, K) weighted rows per predicted class
    tp = (weights @ (truth * (pred == y)[:, None])).astype(np.float64)  # (B, K)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(support + predicted > 0, 2 * tp / (support + predicted), 0.0)
        recall = np.where(support > 0, tp / support, np.nan)
    f1 = np.where(support > 0, f1, np.nan)[:, present]
    # with two classes both one-vs-rest AUCs are equal: compute one
    auc_classes = present[1:] if n_classes == 2 else present
    aucs = np.stack([weighted_auc(proba[:, k], y == k, weights) for k in auc_classes], axis=1)
    return {
        "macro_f1": _nanmean(f1),
        "balanced_accuracy": _nanmean(recall[:, present]),
        "roc_auc": _nanmean(aucs),
    }


def weighted_auc(scores: np.ndarray, positive: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """ROC AUC of ``scores`` for the ``positive`` mask under each row of ``weights``: (B,)."""
    values, group = np.unique(scores, return_inverse=True)  # group: rank of each tied score
    rows = np.arange(len(scores))
    pos_w = _group_sums(weights, group[positive], rows[positive], len(values))  # (G, B)
    neg_w = _group_sums(weights, group[~positive], rows[~positive], len(values))
    below = np.cumsum(neg_w, axis=0)
    below -= 0.5 * neg_w  # negative weight below each group, ties counted one half
    pairs = pos_w.sum(axis=0) * neg_w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = np.einsum("gb,gb->b", pos_w, below, dtype=np.float64) / pairs.astype(np.float64)
    return np.where(pairs > 0, auc, np.nan)


def _group_sums(weights: np.ndarray, groups: np.ndarray, rows: np.ndarray, n_groups: int):
    """(n_groups, B) sums of ``weights[:, rows]`` by ``groups`` (a sparse matrix product)."""
    member = sparse.csr_matrix((np.ones(len(rows)), (groups, rows)), shape=(n_groups, weights.shape[1]))
    return np.asarray(member @ weights.T)


def _nanmean(values: np.ndarray) -> np.ndarray:
    """Row means ignoring NaN; NaN (without a warning) where a row is all NaN."""
    count = np.sum(~np.isnan(values), axis=1)
    total = np.nansum(values, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)
