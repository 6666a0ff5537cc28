"""Detection: how well a classifier tells real from synthetic rows, as a cross-validated AUC."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from .._random import numpy_generator
from . import stats as _stats
from .classmix import AT_SYNTHETIC_MIX
from .results import Estimate
from .tables import TableSchema


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
