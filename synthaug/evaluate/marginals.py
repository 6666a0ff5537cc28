"""Marginal distances of one column, real against synthetic, and their plot data.

Kolmogorov-Smirnov for numbers (counting the gap in missing share), total variation for
categories (missing is a category); real rows may be weighted to the synthetic class mix. Plot
data are shares per bin or category only, binned so that no edge is a record's exact value
(:func:`plot_range`, :func:`bin_edges`) and naming only categories held by at least
``MIN_CATEGORY_ROWS`` real rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .results import Marginal

MAX_CATEGORIES_SHOWN = 20
MIN_CATEGORY_ROWS = 5


def ks_statistic(real: np.ndarray, synthetic: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Two-sample Kolmogorov-Smirnov statistic of the present values, or the difference in the
    share of missing (NaN) values when that is larger; the missing-share difference alone when a
    side has no present value, NaN when a side is empty. ``weights`` (positive, one per real
    value) make the real side's shares and distribution function weighted ones.

    So a column whose numbers follow the real ones but that is never missing where the real one
    is missing 30% of the time scores 0.3, not 0.
    """
    if len(real) == 0 or len(synthetic) == 0:
        return float("nan")
    r_missing, s_missing = np.isnan(real), np.isnan(synthetic)
    missing_gap = abs(float(np.average(r_missing, weights=weights)) - float(s_missing.mean()))
    if r_missing.all() or s_missing.all():
        return missing_gap
    r, s = real[~r_missing], synthetic[~s_missing]
    at = np.r_[r, s]  # the statistic only: scipy's ks_2samp also works out an exact p-value, slow for n < 10^4
    w = None if weights is None else weights[~r_missing]
    return max(missing_gap, float(np.abs(ecdf(r, w, at) - ecdf(s, None, at)).max()))


def ecdf(values: np.ndarray, weights: np.ndarray | None, at: np.ndarray) -> np.ndarray:
    """The (weighted) empirical distribution function of ``values`` evaluated at ``at``."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.ones(len(values)) if weights is None else weights[order])
    return np.r_[0.0, cumulative / cumulative[-1]][np.searchsorted(values[order], at, side="right")]


def total_variation(real: pd.Series, synthetic: pd.Series, weights: np.ndarray | None = None) -> float:
    """Half the L1 distance between the two category distributions (real rows weighted by ``weights``)."""
    p = real.value_counts(normalize=True) if weights is None else _weighted_shares(real, weights)
    q = synthetic.value_counts(normalize=True)
    return float(0.5 * p.sub(q, fill_value=0.0).abs().sum())


def _weighted_shares(values: pd.Series, weights: np.ndarray) -> pd.Series:
    return pd.Series(weights, index=values.index).groupby(values, sort=False).sum() / weights.sum()

def marginal(
    column: str,
    real: pd.Series,
    synthetic: pd.Series,
    numeric: bool,
    date: bool = False,
    weights: np.ndarray | None = None,
) -> Marginal:
    """Distance and plot data of one column; a ``date`` column is numeric (seconds since 1970 UTC).

    ``weights`` (positive, one per real row) weight the real distance and shares; which
    categories are named still depends on real row counts.
    """
    weighted = weights is not None
    if numeric:
        r, s = real.to_numpy(np.float64), synthetic.to_numpy(np.float64)
        edges = bin_edges(r[~np.isnan(r)])
        kind = "date" if date else "numeric"
        return Marginal(column, kind, "ks", ks_statistic(r, s, weights), edges.tolist(),
                        _binned(r, edges, weights), _binned(s, edges), weighted)
    real, synthetic = real.astype(str), synthetic.astype(str)
    counts = real.value_counts()
    top = counts.index[counts.to_numpy() >= MIN_CATEGORY_ROWS][:MAX_CATEGORIES_SHOWN].tolist()
    distance = total_variation(real, synthetic, weights)
    return Marginal(column, "categorical", "tv", distance, top + ["(other)"], _shown(real, top, weights),
                    _shown(synthetic, top), weighted)


def plot_range(values: np.ndarray) -> tuple[float, float]:
    """The 2.5th to 97.5th percentile of ``values`` widened outwards to multiples of a tenth of
    the range's order of magnitude (``(0.0, 1.0)`` when empty).

    A percentile itself is often one record's exact value (always when ``0.025 * (n - 1)`` is
    a whole number, e.g. 41 or 121 rows), which the report must not print.
    """
    if len(values) == 0:
        return 0.0, 1.0
    lo, hi = (float(q) for q in np.quantile(values, [0.025, 0.975]))
    if not hi > lo:
        hi = lo + 1.0
    digits = 1 - int(np.floor(np.log10(hi - lo)))  # decimals of a tenth of the range's order
    unit = 10.0**-digits
    return round(float(np.floor(lo / unit)) * unit, digits), round(float(np.ceil(hi / unit)) * unit, digits)


def bin_edges(values: np.ndarray, n_bins: int = 20) -> np.ndarray:
    """About ``n_bins`` bins over :func:`plot_range`, no edge equal to one of ``values``.

    Values on a grid (whole numbers, prices in cents) get edges halfway between grid points, a
    whole number of grid steps apart: with ``np.linspace`` every edge of ages 10..90 was a whole
    number, i.e. some record's age. Other values keep evenly spaced round edges, and an edge that
    still equals a value (a tie by chance) moves to the next float outwards.
    """
    lo, hi = plot_range(values)
    grid = value_grid(values, (hi - lo) / 10)
    if grid is None:
        edges = np.linspace(lo, hi, n_bins + 1)
    else:
        step = max(1.0, np.ceil((hi - lo) / n_bins / grid)) * grid
        start = lo - grid / 2
        edges = start + step * np.arange(int(np.ceil((hi + grid / 2 - start) / step - 1e-9)) + 1)
    taken = np.isin(edges, values)
    if taken.any():
        edges = np.where(taken, np.nextafter(edges, np.where(edges > np.median(values), np.inf, -np.inf)), edges)
    return edges


def value_grid(values: np.ndarray, coarsest: float) -> float | None:
    """The largest power of ten, at most ``coarsest`` and at least a thousandth of it, of which
    every value is a whole multiple (None: no such grid, or no values)."""
    if len(values) == 0 or not coarsest > 0:
        return None
    top = 10.0 ** np.floor(np.log10(coarsest))
    for grid in top / 10.0 ** np.arange(4):
        steps = values / grid
        if np.all(np.abs(steps - np.round(steps)) < 1e-6):
            return float(grid)
    return None


def _shown(values: pd.Series, top: list[str], weights: np.ndarray | None = None) -> list[float]:
    """Shares of each of the ``top`` categories, then of all others together (weighted by ``weights``)."""
    return [float(np.average(values == c, weights=weights)) for c in top] + [
        float(np.average(~values.isin(top), weights=weights))
    ]


def _binned(values: np.ndarray, edges: np.ndarray, weights: np.ndarray | None = None) -> list[float]:
    """Shares of the present ``values`` per bin, values beyond the edges in the edge bins (weighted
    by ``weights``)."""
    present = ~np.isnan(values)
    if not present.any():
        return [0.0] * (len(edges) - 1)
    clipped = np.clip(values[present], edges[0], edges[-1])
    w = None if weights is None else weights[present]
    return (np.histogram(clipped, edges, weights=w)[0] / (len(clipped) if w is None else w.sum())).tolist()
