"""Associations between columns: Spearman correlation, bias-corrected Cramer's V and the
correlation ratio eta, each optionally weighted, and the matrix of them over a table's columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _st

from .tables import TableSchema


def cramers_v(a: np.ndarray, b: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Bias-corrected Cramer's V of two categorical arrays (0 when either is constant); with
    ``weights`` the contingency table holds weight sums and ``n`` is their total."""
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    r, k = ia.max() + 1, ib.max() + 1
    n = len(a) if weights is None else float(weights.sum())
    if r < 2 or k < 2 or n < 2:
        return 0.0
    table = np.bincount(ia * k + ib, weights=weights, minlength=r * k).reshape(r, k).astype(np.float64)
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / n
    phi2 = ((table - expected) ** 2 / expected).sum() / n
    phi2 = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    r_c, k_c = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    denom = min(k_c - 1, r_c - 1)
    return float(np.sqrt(phi2 / denom)) if denom > 0 else 0.0


def correlation_ratio(categories: np.ndarray, values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Eta: share of the numeric variance explained by the categories (NaN values left out;
    rows weighted by ``weights``)."""
    keep = ~np.isnan(values)
    categories, values = categories[keep], values[keep]
    if len(values) < 2:
        return 0.0
    w = np.ones(len(values)) if weights is None else weights[keep]
    _, codes = np.unique(categories, return_inverse=True)
    counts = np.bincount(codes, weights=w)
    means = np.bincount(codes, weights=w * values) / counts
    mean = values.mean() if weights is None else np.average(values, weights=w)
    total = (w * (values - mean) ** 2).sum()
    between = (counts * (means - mean) ** 2).sum()
    return float(np.sqrt(between / total)) if total > 0 else 0.0


def spearman(a: np.ndarray, b: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Spearman correlation on pairwise-complete rows (0 when either side is constant); with
    ``weights``, the weighted Pearson correlation of weighted mid-ranks (:func:`weighted_ranks`)."""
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    if weights is None:
        return float(_st.spearmanr(a, b).statistic)
    w = weights[keep]
    ra, rb = (r - np.average(r, weights=w) for r in (weighted_ranks(a, w), weighted_ranks(b, w)))
    return float((w * ra * rb).sum() / np.sqrt((w * ra * ra).sum() * (w * rb * rb).sum()))


def weighted_ranks(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weight of the values below each value plus half the weight of those equal to it
    (unit weights: the average rank minus one half)."""
    _, inverse = np.unique(values, return_inverse=True)
    tied = np.bincount(inverse, weights=weights)
    return (np.cumsum(tied) - tied / 2)[inverse]


def association_matrix(frame: pd.DataFrame, schema: TableSchema, weights: np.ndarray | None = None) -> np.ndarray:
    """(p, p) associations over ``schema.columns`` (target last as a categorical), rows weighted
    by ``weights``."""
    return associations(frame, list(schema.columns), set(schema.numeric), weights)


def associations(frame: pd.DataFrame, columns: list, numeric: set, weights: np.ndarray | None = None) -> np.ndarray:
    """(p, p) associations over ``columns`` of ``frame``, those in ``numeric`` as numbers and the
    others as categories, rows weighted by ``weights``."""
    arrays = {  # categories as integer codes: the pairwise loop then never sorts text
        c: frame[c].to_numpy(np.float64) if c in numeric else pd.factorize(frame[c].astype(str))[0] for c in columns
    }
    out = np.eye(len(columns))
    for i, a in enumerate(columns):
        for j in range(i + 1, len(columns)):
            b = columns[j]
            out[i, j] = out[j, i] = _association(arrays[a], arrays[b], a in numeric, b in numeric, weights)
    return out


def _association(a, b, a_numeric: bool, b_numeric: bool, weights: np.ndarray | None) -> float:
    if a_numeric and b_numeric:
        return spearman(a, b, weights)
    if a_numeric:
        return correlation_ratio(b, a, weights)
    if b_numeric:
        return correlation_ratio(a, b, weights)
    return cramers_v(a, b, weights)
