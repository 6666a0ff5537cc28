"""Small, pure statistics for intervals and verdicts (arrays in, numbers out).

Every function takes a ``confidence`` (default 0.95) and returns plain floats, so each can be
checked by hand: see ``tests/evaluate/test_stats.py``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as _st

from .._errors import DataError


def z_value(confidence: float = 0.95) -> float:
    """Two-sided standard-normal quantile, 1.959964 for 0.95."""
    if not 0.0 < confidence < 1.0:
        raise DataError(f"confidence must be in (0, 1), got {confidence!r}")
    return float(_st.norm.ppf(0.5 + confidence / 2.0))


def wilson_interval(successes: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ``successes / n``."""
    if n <= 0:
        return (float("nan"), float("nan"))
    z = z_value(confidence)
    p = successes / n
    denom = 1.0 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (float(max(0.0, center - half)), float(min(1.0, center + half)))


def newcombe_interval(s1: float, n1: int, s2: float, n2: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """Difference ``s1/n1 - s2/n2`` with Newcombe's hybrid score interval (method 10, 1998)."""
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson_interval(s1, n1, confidence)
    l2, u2 = wilson_interval(s2, n2, confidence)
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (float(diff), float(low), float(high))


def auc_delong(pos: np.ndarray, neg: np.ndarray, neg_weights: np.ndarray | None = None) -> tuple[float, float]:
    """ROC AUC of scores ``pos`` (positives) against ``neg`` and its DeLong standard error.

    Ties count one half. Larger scores mean "more likely positive". ``neg_weights`` (positive,
    one per negative) make it the weighted AUC, each negative counting in proportion to its
    weight; the negatives' variance term is then the linearisation variance of a weighted mean
    (with unit weights both equal the unweighted ones).
    """
    pos = np.asarray(pos, dtype=np.float64)
    neg = np.asarray(neg, dtype=np.float64)
    m, n = len(pos), len(neg)
    if m == 0 or n == 0:
        raise DataError(f"AUC needs both groups; got {m} positive and {n} negative scores")
    all_ranks = _st.rankdata(np.concatenate([pos, neg]))
    pos_ranks, neg_ranks = all_ranks[:m], all_ranks[m:]
    v01 = 1.0 - (neg_ranks - _st.rankdata(neg)) / m  # share of positives beating each negative
    if neg_weights is not None:
        return _weighted_delong(pos, neg, np.asarray(neg_weights, dtype=np.float64), v01)
    v10 = (pos_ranks - _st.rankdata(pos)) / n  # share of negatives each positive beats
    auc = float(v10.mean())
    s10 = v10.var(ddof=1) if m > 1 else 0.0
    s01 = v01.var(ddof=1) if n > 1 else 0.0
    return auc, float(np.sqrt(s10 / m + s01 / n))


def _weighted_delong(pos: np.ndarray, neg: np.ndarray, weights: np.ndarray, v01: np.ndarray) -> tuple[float, float]:
    m, n = len(pos), len(neg)
    order = np.argsort(neg, kind="stable")
    below = np.r_[0.0, np.cumsum(weights[order])]
    sorted_neg = neg[order]
    left, right = (below[np.searchsorted(sorted_neg, pos, side=side)] for side in ("left", "right"))
    v10 = (left + right) / 2 / below[-1]  # weighted share of negatives each positive beats
    auc = float(v10.mean())
    s10 = v10.var(ddof=1) if m > 1 else 0.0
    share = weights / weights.sum()
    s01 = n / (n - 1) * float((share**2 * (v01 - auc) ** 2).sum()) if n > 1 else 0.0
    return auc, float(np.sqrt(s10 / m + s01))


SMALL_GROUP = 30
"""Groups smaller than this get AUC intervals that also span Wilson's (see :func:`auc_interval`)."""


def auc_interval(
    pos: np.ndarray, neg: np.ndarray, confidence: float = 0.95, neg_weights: np.ndarray | None = None
) -> tuple[float, float, float]:
    """AUC with a DeLong normal interval clipped to [0, 1] (negatives weighted by ``neg_weights``,
    see :func:`auc_delong`; the group size below is then the negatives' effective number, Kish's
    ``sum(w) ** 2 / sum(w ** 2)``).

    DeLong's standard error is 0 when the scores separate perfectly (AUC 0 or 1) or all tie, which
    would make 3 members against 3 non-members a certain leak (chance alone separates them 1 time
    in 20). Then the interval is Wilson's for the AUC as a proportion of the smaller group's size,
    a conservative stand-in (the AUC's variance is at most ``A (1 - A) / min(m, n)``). Below
    ``SMALL_GROUP`` rows in the smaller group DeLong's normal interval is too narrow as well, so
    there the interval spans both: weaker separation never gets a higher lower bound than a
    perfect one (3 against 3: AUC 8/9 had [0.58, 1], AUC 1 [0.44, 1]).
    """
    auc, se = auc_delong(pos, neg, neg_weights)
    if np.isnan(auc):
        return auc, 0.0, 1.0  # nothing known: the whole range
    w = np.asarray(neg_weights, dtype=np.float64) if neg_weights is not None else None
    k = min(len(pos), len(neg) if w is None else w.sum() ** 2 / (w**2).sum())
    w_low, w_high = wilson_interval(auc * k, k, confidence)
    if se == 0:
        return auc, w_low, w_high
    z = z_value(confidence)
    low, high = max(0.0, auc - z * se), min(1.0, auc + z * se)
    if k < SMALL_GROUP:
        low, high = min(low, w_low), max(high, w_high)
    return auc, low, high


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``values`` with a Student-t interval (NaN width for a single value)."""
    values = np.asarray(values, dtype=np.float64)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    half = _st.t.ppf(0.5 + confidence / 2, len(values) - 1) * values.std(ddof=1)
    half /= np.sqrt(len(values))
    return mean, float(mean - half), float(mean + half)


def percentile_interval(replicates: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of replicate statistics (NaN replicates are ignored)."""
    alpha = (1.0 - confidence) / 2.0
    low, high = np.nanquantile(np.asarray(replicates, dtype=np.float64), [alpha, 1.0 - alpha])
    return float(low), float(high)


def cluster_ratio_bootstrap(
    numer: np.ndarray,
    denom: np.ndarray,
    rng: np.random.Generator,
    n_boot: int = 1000,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """``sum(numer) / sum(denom)`` with a Poisson cluster-bootstrap percentile interval.

    Each cluster keeps its numerator and denominator together and gets an independent
    Poisson(1) weight per replicate, so empty clusters (denominator 0) can be left out.
    """
    numer = np.asarray(numer, dtype=np.float64)
    denom = np.asarray(denom, dtype=np.float64)
    keep = denom > 0
    numer, denom = numer[keep], denom[keep]
    ratio = float(numer.sum() / denom.sum())
    reps = []
    block = max(1, 2_000_000 // max(1, len(numer)))
    for start in range(0, n_boot, block):
        w = rng.poisson(1.0, size=(min(block, n_boot - start), len(numer))).astype(np.float64)
        total = w @ denom
        with np.errstate(invalid="ignore", divide="ignore"):
            reps.append(np.where(total > 0, (w @ numer) / total, np.nan))
    low, high = percentile_interval(np.concatenate(reps), confidence)
    return ratio, low, high


def verdict_from_interval(low: float, high: float, reference: float, tolerance: float) -> str:
    """``"leaks"`` if the interval lies above ``reference + tolerance``, ``"no measurable leak"``
    if it lies at or below it, ``"inconclusive"`` otherwise (or when the interval is NaN)."""
    limit = reference + tolerance
    if np.isnan(low) or np.isnan(high):
        return "inconclusive"
    if low > limit:
        return "leaks"
    if high <= limit:
        return "no measurable leak"
    return "inconclusive"


def effect_verdict(low: float, high: float) -> str:
    """``"helps"`` if the interval is above 0, ``"hurts"`` if below, else no measurable effect."""
    if low > 0:
        return "helps"
    if high < 0:
        return "hurts"
    return "no measurable effect"
