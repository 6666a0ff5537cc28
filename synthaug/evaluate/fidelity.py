"""How closely the synthetic table follows the training table.

* Marginals: Kolmogorov-Smirnov statistic for numeric columns (on the present values, or the
  difference in missing share when that is larger), total variation
  distance for categorical columns and the target (missing is a category).
* Associations: a matrix over all columns of Spearman correlation (numeric-numeric), bias-
  corrected Cramer's V (categorical-categorical, Bergsma 2013) and the correlation ratio eta
  (numeric-categorical); the summary is the mean absolute difference over column pairs.
* Within classes: the marginals and associations of each class, and missing shares per class
  (:mod:`.class_fidelity`): pooled figures cannot see a pattern that differs between classes.
* Detection: a gradient-boosting classifier tells real from synthetic rows (at most
  ``max_rows`` of each, 5-fold cross-validated with rows of equal content in one fold, see
  :func:`content_folds`); its AUC is 0.5 when they are indistinguishable.

All of these are measured at the synthetic table's class mix: when it differs from the real one
(``sample --balance``), each real row is weighted by its class's synthetic share over its real
share (see :mod:`.classmix`). The target's own marginal compares the class mixes unweighted.

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
from .classmix import AT_SYNTHETIC_MIX, absent_class_notes, class_mix_notes, class_shares, class_weights
from .results import Estimate, FidelityResult, Marginal
from .tables import TableSchema

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


def detection_auc(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: TableSchema,
    seed: int,
    max_rows: int = 5000,
    folds: int = 5,
    class_weight: pd.Series | None = None,
) -> Estimate:
    """Cross-validated AUC of a classifier separating real from synthetic rows (DeLong interval).

    With ``class_weight`` (class -> synthetic over real share, positive for every class of
    ``real``) it is the AUC at the synthetic class mix: each real row counts with its class's
    weight, and the log of that weight comes off the classifier's log-odds. That part of the
    log-odds is what the class shares alone tell (label shift, Saerens et al. 2002); the rest is
    the within-class density ratio, the best detector at the synthetic mix. Under equal class
    conditionals any score gives a weighted AUC of 0.5, so the correction adds power, not validity;
    the classifier is fitted unweighted (scikit-learn's weighted binning is several times slower).
    """
    rng = numpy_generator(seed)
    pick = lambda n: np.sort(rng.choice(n, min(n, max_rows), replace=False))  # noqa: E731
    real_rows, synthetic_rows = pick(len(real)), pick(len(synthetic))
    both = pd.concat([real.iloc[real_rows], synthetic.iloc[synthetic_rows]], ignore_index=True)
    is_synth = np.r_[np.zeros(len(real_rows)), np.ones(len(synthetic_rows))]
    features = _codes(both, schema)
    present = ~np.isnan(features).all(axis=0)  # a column with no value in either table tells nothing (and HGB fails)
    features = features[:, present]
    folds = int(min(folds, is_synth.sum(), len(is_synth) - is_synth.sum()))
    if folds < 2:
        return Estimate(float("nan"), float("nan"), float("nan"), "too few rows")
    model = HistGradientBoostingClassifier(
        max_iter=100, categorical_features=_categorical_mask(schema)[present], random_state=seed % 2**32
    )
    cv, shared = content_folds(features, is_synth, folds, seed)
    if len(cv) < 2 or any(len(np.unique(is_synth[train])) < 2 for train, _ in cv):
        return Estimate(float("nan"), float("nan"), float("nan"), "too few distinct rows for grouped folds")
    method = f"{len(cv)}-fold cross-validation grouped by row content, DeLong" + (
        f"; {shared} of {len(synthetic_rows)} synthetic rows compared equal a real row" if shared else "")
    if class_weight is None:
        proba = cross_val_predict(model, features, is_synth, cv=cv, method="predict_proba")[:, 1]
        auc, low, high = _stats.auc_interval(proba[is_synth == 1], proba[is_synth == 0])
        return Estimate(auc, low, high, method)
    w = both[schema.target].map(class_weight).to_numpy(np.float64)  # (n_real + n_synthetic,)
    score = cross_val_predict(model, features, is_synth, cv=cv, method="decision_function") - np.log(w)
    auc, low, high = _stats.auc_interval(score[is_synth == 1], score[is_synth == 0], neg_weights=w[is_synth == 0])
    return Estimate(auc, low, high, f"{method}; real rows at the {AT_SYNTHETIC_MIX}")


def content_folds(
    features: np.ndarray, is_synth: np.ndarray, folds: int, seed: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]], int]:
    """Stratified folds in which rows of equal content share a fold, and how many synthetic rows equal a real row.

    A row's fold is the shuffled stratified fold of the first row with its content (a 64-bit hash of
    ``features``), so without repeated rows the folds are exactly ``StratifiedKFold``'s; a fold left
    without rows (fewer contents than folds) is dropped. Split
    apart, a synthetic copy of a real row would be scored by a model that learnt its twin with the
    opposite label: a copy table would read as an AUC near 0 instead of 0.5.
    """
    fold = np.empty(len(is_synth), np.int64)
    stratified = StratifiedKFold(folds, shuffle=True, random_state=seed % 2**32)
    for k, (_, test) in enumerate(stratified.split(features, is_synth)):
        fold[test] = k
    content = pd.util.hash_pandas_object(pd.DataFrame(features), index=False).to_numpy()
    group = pd.factorize(content)[0]
    first = np.unique(group, return_index=True)[1]  # (n_groups,) first row of each content
    fold = fold[first[group]]
    real = is_synth == 0
    shared = int(np.isin(content[~real], content[real]).sum())
    parts = [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(folds)]
    return [(train, test) for train, test in parts if len(test)], shared  # few contents: some folds empty


def _codes(frame: pd.DataFrame, schema: TableSchema) -> np.ndarray:
    """Numerics as they are; categoricals (and the target) as integer codes."""
    cols = [frame[c].to_numpy(np.float64) for c in schema.numeric]
    for c in list(schema.categorical) + [schema.target]:
        codes = pd.factorize(frame[c].astype(str), sort=True)[0]
        cols.append(np.minimum(codes, 254).astype(np.float64))  # HGB allows 255 categories
    return np.column_stack(cols)


def _categorical_mask(schema: TableSchema) -> np.ndarray:
    return np.r_[np.zeros(len(schema.numeric), bool), np.ones(len(schema.categorical) + 1, bool)]


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


def fidelity_caveats(result: FidelityResult) -> list[str]:
    """The fidelity notes that are caveats (also top-level notes and warnings): a class the synthetic
    table lacks, a detection AUC whose interval lies wholly below 0.5."""
    notes = absent_class_notes(result.class_mix["real"], result.class_mix["synthetic"])
    d = result.detection_auc
    if d.high < 0.5:
        notes.append(
            f"the detection AUC {d.value:.3f} [{d.low:.3f}, {d.high:.3f}] lies wholly below 0.5 (worse than "
            "guessing): this points to synthetic records that nearly copy real rows (each scored by a model that "
            "learnt its near-twin with the other label) or to too few rows, not to records that look more real "
            "than real rows")
    return notes


def run_fidelity(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: TableSchema,
    seed: int,
    max_rows: int = 5000,
) -> FidelityResult:
    """Marginals, associations and detection AUC of ``synthetic`` against ``real``, at the
    synthetic class mix (real rows weighted by :func:`~.classmix.class_weights`, those of a
    class the synthetic table lacks left out); the target's marginal compares the mixes as they are.
    The same measures class by class are in ``within_class`` (:mod:`.class_fidelity`)."""
    target = schema.target
    per_class = class_weights(real[target], synthetic[target])
    mix = marginal(target, real[target], synthetic[target], numeric=False)
    shares = {"real": class_shares(real[target], schema.classes),
              "synthetic": class_shares(synthetic[target], schema.classes)}
    weights, all_real = None, real
    if per_class is not None:
        per_class = per_class[per_class > 0]
        real = real[real[target].isin(per_class.index)].reset_index(drop=True)
        weights = real[target].map(per_class).to_numpy(np.float64)
    marginals = [
        mix if c == target else marginal(c, real[c], synthetic[c], c in schema.numeric, c in schema.dates, weights)
        for c in schema.columns
    ]
    a_real = association_matrix(real, schema, weights)
    a_syn = association_matrix(synthetic, schema)
    upper = np.triu_indices(len(schema.columns), k=1)
    from .class_fidelity import class_fidelity  # it builds on this module's measures

    within, within_notes = class_fidelity(all_real, synthetic, schema, marginals)
    result = FidelityResult(
        marginals=marginals,
        columns=list(schema.columns),
        association_real=a_real.tolist(),
        association_synthetic=a_syn.tolist(),
        association_difference=float(np.abs(a_real - a_syn)[upper].mean()),
        detection_auc=detection_auc(real, synthetic, schema, seed, max_rows, class_weight=per_class),
        notes=[] if weights is None else class_mix_notes(shares["real"], shares["synthetic"], mix.value),
        weighting="none" if weights is None else AT_SYNTHETIC_MIX,
        class_mix=shares,
        within_class=within,
    )
    result.notes += [n for n in fidelity_caveats(result) + within_notes if n not in result.notes]
    return result
