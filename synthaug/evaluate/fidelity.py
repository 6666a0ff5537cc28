"""How closely the synthetic table follows the training table.

* Marginals: Kolmogorov-Smirnov statistic for numeric columns (on the present values, or the
  difference in missing share when that is larger), total variation
  distance for categorical columns and the target (missing is a category).
* Associations: a matrix over all columns of Spearman correlation (numeric-numeric), bias-
  corrected Cramer's V (categorical-categorical, Bergsma 2013) and the correlation ratio eta
  (numeric-categorical); the summary is the mean absolute difference over column pairs.
* Detection: a gradient-boosting classifier tells real from synthetic rows (at most
  ``max_rows`` of each, 5-fold cross-validated); its AUC is 0.5 when they are indistinguishable.

Plot data are shares per bin or category only. Numeric bins span the real column's 2.5th to
97.5th percentile (values beyond fall in the edge bins), so no extreme value is drawn, widened to
round numbers (see :func:`plot_range`), with edges between grid points for values on a grid
(see :func:`bin_edges`), so no edge is a record's exact value; only
categories held by at least ``MIN_CATEGORY_ROWS`` real rows are named, rarer ones (and the
synthetic table's unknown ones) are pooled as "(other)".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _st
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from .._random import numpy_generator
from . import stats as _stats
from .results import Estimate, FidelityResult, Marginal
from .tables import TableSchema

MAX_CATEGORIES_SHOWN = 20
MIN_CATEGORY_ROWS = 5


def ks_statistic(real: np.ndarray, synthetic: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic of the present values, or the difference in the
    share of missing (NaN) values when that is larger; the missing-share difference alone when a
    side has no present value, NaN when a side is empty.

    So a column whose numbers follow the real ones but that is never missing where the real one
    is missing 30% of the time scores 0.3, not 0.
    """
    if len(real) == 0 or len(synthetic) == 0:
        return float("nan")
    r_missing, s_missing = np.isnan(real), np.isnan(synthetic)
    missing_gap = abs(float(r_missing.mean()) - float(s_missing.mean()))
    if r_missing.all() or s_missing.all():
        return missing_gap
    return max(missing_gap, float(_st.ks_2samp(real[~r_missing], synthetic[~s_missing]).statistic))


def total_variation(real: pd.Series, synthetic: pd.Series) -> float:
    """Half the L1 distance between the two category distributions."""
    p = real.value_counts(normalize=True)
    q = synthetic.value_counts(normalize=True)
    return float(0.5 * p.sub(q, fill_value=0.0).abs().sum())


def cramers_v(a: np.ndarray, b: np.ndarray) -> float:
    """Bias-corrected Cramer's V of two categorical arrays (0 when either is constant)."""
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    r, k, n = ia.max() + 1, ib.max() + 1, len(a)
    if r < 2 or k < 2 or n < 2:
        return 0.0
    table = np.bincount(ia * k + ib, minlength=r * k).reshape(r, k).astype(np.float64)
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / n
    phi2 = ((table - expected) ** 2 / expected).sum() / n
    phi2 = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    r_c, k_c = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    denom = min(k_c - 1, r_c - 1)
    return float(np.sqrt(phi2 / denom)) if denom > 0 else 0.0


def correlation_ratio(categories: np.ndarray, values: np.ndarray) -> float:
    """Eta: share of the numeric variance explained by the categories (NaN values left out)."""
    keep = ~np.isnan(values)
    categories, values = categories[keep], values[keep]
    if len(values) < 2:
        return 0.0
    _, codes = np.unique(categories, return_inverse=True)
    counts = np.bincount(codes)
    means = np.bincount(codes, weights=values) / counts
    total = ((values - values.mean()) ** 2).sum()
    between = (counts * (means - values.mean()) ** 2).sum()
    return float(np.sqrt(between / total)) if total > 0 else 0.0


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman correlation on pairwise-complete rows (0 when either side is constant)."""
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(_st.spearmanr(a, b).statistic)


def association_matrix(frame: pd.DataFrame, schema: TableSchema) -> np.ndarray:
    """(p, p) associations over ``schema.columns`` (target last as a categorical)."""
    columns = list(schema.columns)
    arrays = {  # categories as integer codes: the pairwise loop then never sorts text
        c: frame[c].to_numpy(np.float64) if c in schema.numeric else pd.factorize(frame[c].astype(str))[0]
        for c in columns
    }
    out = np.eye(len(columns))
    for i, a in enumerate(columns):
        for j in range(i + 1, len(columns)):
            b = columns[j]
            out[i, j] = out[j, i] = _association(arrays[a], arrays[b], a in schema.numeric, b in schema.numeric)
    return out


def _association(a, b, a_numeric: bool, b_numeric: bool) -> float:
    if a_numeric and b_numeric:
        return spearman(a, b)
    if a_numeric:
        return correlation_ratio(b, a)
    if b_numeric:
        return correlation_ratio(a, b)
    return cramers_v(a, b)


def detection_auc(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: TableSchema,
    seed: int,
    max_rows: int = 5000,
    folds: int = 5,
) -> Estimate:
    """Cross-validated AUC of a classifier separating real from synthetic rows (DeLong interval)."""
    rng = numpy_generator(seed)
    take = lambda f: f.iloc[np.sort(rng.choice(len(f), min(len(f), max_rows), replace=False))]  # noqa: E731
    both = pd.concat([take(real), take(synthetic)], ignore_index=True)
    is_synth = np.r_[np.zeros(min(len(real), max_rows)), np.ones(min(len(synthetic), max_rows))]
    features = _codes(both, schema)
    folds = int(min(folds, is_synth.sum(), len(is_synth) - is_synth.sum()))
    if folds < 2:
        return Estimate(float("nan"), float("nan"), float("nan"), "too few rows")
    model = HistGradientBoostingClassifier(
        max_iter=100, categorical_features=_categorical_mask(schema), random_state=seed % 2**32
    )
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed % 2**32)
    proba = cross_val_predict(model, features, is_synth, cv=cv, method="predict_proba")[:, 1]
    auc, low, high = _stats.auc_interval(proba[is_synth == 1], proba[is_synth == 0])
    return Estimate(auc, low, high, f"{folds}-fold cross-validation, DeLong")


def _codes(frame: pd.DataFrame, schema: TableSchema) -> np.ndarray:
    """Numerics as they are; categoricals (and the target) as integer codes."""
    cols = [frame[c].to_numpy(np.float64) for c in schema.numeric]
    for c in list(schema.categorical) + [schema.target]:
        codes = pd.factorize(frame[c].astype(str), sort=True)[0]
        cols.append(np.minimum(codes, 254).astype(np.float64))  # HGB allows 255 categories
    return np.column_stack(cols)


def _categorical_mask(schema: TableSchema) -> np.ndarray:
    return np.r_[np.zeros(len(schema.numeric), bool), np.ones(len(schema.categorical) + 1, bool)]


def marginal(column: str, real: pd.Series, synthetic: pd.Series, numeric: bool, date: bool = False) -> Marginal:
    """Distance and plot data of one column; a ``date`` column is numeric (seconds since 1970 UTC)."""
    if numeric:
        r, s = real.to_numpy(np.float64), synthetic.to_numpy(np.float64)
        edges = bin_edges(r[~np.isnan(r)])
        share = lambda v: _binned(v[~np.isnan(v)], edges)  # noqa: E731
        kind = "date" if date else "numeric"
        return Marginal(column, kind, "ks", ks_statistic(r, s), edges.tolist(), share(r), share(s))
    real, synthetic = real.astype(str), synthetic.astype(str)
    counts = real.value_counts()
    top = counts.index[counts.to_numpy() >= MIN_CATEGORY_ROWS][:MAX_CATEGORIES_SHOWN].tolist()
    shown = lambda v: [float((v == c).mean()) for c in top] + [float((~v.isin(top)).mean())]  # noqa: E731
    return Marginal(
        column, "categorical", "tv", total_variation(real, synthetic), top + ["(other)"], shown(real), shown(synthetic)
    )


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


def _binned(values: np.ndarray, edges: np.ndarray) -> list[float]:
    if len(values) == 0:
        return [0.0] * (len(edges) - 1)
    clipped = np.clip(values, edges[0], edges[-1])
    return (np.histogram(clipped, edges)[0] / len(values)).tolist()


def run_fidelity(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: TableSchema,
    seed: int,
    max_rows: int = 5000,
) -> FidelityResult:
    """Marginals, associations and detection AUC of ``synthetic`` against ``real``."""
    marginals = [marginal(c, real[c], synthetic[c], c in schema.numeric, c in schema.dates)
                 for c in schema.columns]
    a_real = association_matrix(real, schema)
    a_syn = association_matrix(synthetic, schema)
    upper = np.triu_indices(len(schema.columns), k=1)
    return FidelityResult(
        marginals=marginals,
        columns=list(schema.columns),
        association_real=a_real.tolist(),
        association_synthetic=a_syn.tolist(),
        association_difference=float(np.abs(a_real - a_syn)[upper].mean()),
        detection_auc=detection_auc(real, synthetic, schema, seed, max_rows),
    )
