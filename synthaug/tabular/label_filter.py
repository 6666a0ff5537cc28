"""A train-only label-consistency filter for sampling: reject generated rows that look like another class.

A multinomial logistic regression is fitted on the training rows (numbers standardised by their
training mean and spread, categories one-hot over the training categories). A generated row of
class ``k`` is rejected when the regression gives ``k`` a probability below ``quantile`` of the
training rows' own *out-of-fold* probabilities of their class ``k`` (stratified folds, so a
training row is scored by a model that did not see it). With ``quantile = 0.1`` a released row is
at least as typical of its class as 90% of the class's real rows are to a model that never saw
them. Such rows are label noise for a downstream classifier; interpolating oversamplers (SMOTE)
never make them.

The regression holds coefficients only, but it is fitted on training rows and lives in memory
only, like the privacy filter: it is never written to a model file.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from .._checks import is_real
from .._errors import DataError, warn
from .._text import none_name, param_name
from ..evaluate.canonical import as_text
from .columns import to_float
from .schema import ColumnSpec

FOLDS = 5
"""Stratified folds for the training rows' out-of-fold probabilities (fewer if a class is smaller)."""

NUMERIC_KINDS = ("continuous", "integer", "datetime")
CATEGORICAL_KINDS = ("categorical", "boolean")
MAX_ROWS = 20_000
"""Larger training tables fit the regression on this many randomly chosen rows."""

CLIP = 5.0  # standardised numbers are clipped to +-CLIP (a generated outlier cannot dominate)


@dataclass(frozen=True)
class Featurizer:
    """Numbers standardised (missing -> 0 plus an indicator), categories one-hot; fitted on training rows."""

    specs: tuple[ColumnSpec, ...]
    means: np.ndarray  # (n_numeric,)
    scales: np.ndarray  # (n_numeric,)
    categories: tuple[np.ndarray, ...]  # text categories per categorical spec

    @property
    def numeric(self) -> list[ColumnSpec]:
        return [s for s in self.specs if s.kind in NUMERIC_KINDS]

    @property
    def categorical(self) -> list[ColumnSpec]:
        return [s for s in self.specs if s.kind in CATEGORICAL_KINDS]

    def transform(self, frame: pd.DataFrame) -> sparse.csr_matrix:
        """(n, d) sparse features of ``frame``'s modelled columns: numbers first, then one-hots.

        Sparse because a one-hot block has one non-zero per row: the regression's fits and
        scores then cost per non-zero, not per category (100 columns: ~100 of ~2,300 features).
        """
        n = len(frame)
        values, columns, width = [], [], 0  # per block: (n, w) values and (n, w) feature positions
        for spec, mean, scale in zip(self.numeric, self.means, self.scales, strict=True):
            x = (to_float(frame[spec.name], spec) - mean) / scale
            missing = np.isnan(x)
            block = [np.clip(np.where(missing, 0.0, x), -CLIP, CLIP)]
            if spec.has_missing:
                block.append(missing.astype(np.float64))
            values.append(np.stack(block, axis=1))
            columns.append(np.broadcast_to(width + np.arange(len(block)), (n, len(block))))
            width += len(block)
        for spec, cats in zip(self.categorical, self.categories, strict=True):
            at = pd.Index(cats).get_indexer(_text(frame[spec.name]))  # -1: a category unseen in training
            values.append((at >= 0).astype(np.float64)[:, None])  # unseen: an explicit 0, no category
            columns.append((width + np.maximum(at, 0))[:, None])
            width += len(cats)
        if not values:
            return sparse.csr_matrix((n, 0))
        data, cols = np.concatenate(values, axis=1), np.concatenate(columns, axis=1)  # (n, nnz per row)
        indptr = np.arange(0, data.size + 1, data.shape[1])
        return sparse.csr_matrix((data.ravel(), cols.ravel(), indptr), shape=(n, width))


def fit_featurizer(features: pd.DataFrame, specs: Sequence[ColumnSpec]) -> Featurizer:
    """Standardisation and category lists from the training ``features`` (kinds from ``specs``)."""
    numeric = [s for s in specs if s.kind in NUMERIC_KINDS]
    values = [to_float(features[s.name], s) for s in numeric]
    means = np.array([np.nanmean(v) if np.isfinite(v).any() else 0.0 for v in values])
    scales = np.array([np.nanstd(v) if np.isfinite(v).any() else 1.0 for v in values])
    scales = np.where(scales > 0, scales, 1.0)
    cats = tuple(np.unique(_text(features[s.name])) for s in specs if s.kind in CATEGORICAL_KINDS)
    return Featurizer(specs=tuple(specs), means=means, scales=scales, categories=cats)


def _text(col: pd.Series) -> np.ndarray:
    """A column as text, missing values as one marker category (sorted before any other)."""
    return as_text(col, "\x00missing")


@dataclass(frozen=True)
class LabelFilter:
    """A featurizer, a fitted regression and per-class probability floors (by :func:`fit_label_filter`)."""

    featurizer: Featurizer
    model: LogisticRegression | None  # None: a single class, nothing to confuse it with
    min_proba: np.ndarray  # (n_classes,): a row of class k needs P(k) >= min_proba[k]

    def proba(self, frame: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
        """(n,): the regression's probability of each row's own class ``codes``."""
        codes = np.asarray(codes, np.int64)
        if self.model is None:
            return np.ones(len(codes))
        p = self.model.predict_proba(self.featurizer.transform(frame))  # (n, fitted classes)
        return _own_proba(self.model.classes_, p, codes, unseen=1.0)  # no training rows: nothing to check

    def rejects(self, frame: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
        """(n,) bool: rows whose own class is less likely than the class's floor."""
        codes = np.asarray(codes, np.int64)
        floor = np.where(codes < len(self.min_proba), self.min_proba[np.minimum(codes, len(self.min_proba) - 1)], 0.0)
        return self.proba(frame, codes) < floor


def check_quantile(quantile: float | None) -> None:
    """Raise DataError unless ``quantile`` is None, "auto" or a number in [0, 1)."""
    if not (quantile is None or quantile == "auto" or (is_real(quantile) and 0.0 <= float(quantile) < 1.0)):
        raise DataError(f"{param_name('label_filter')} must be a quantile in [0, 1), 'auto' or {none_name()}; "
                        f"got {quantile!r}")


def fit_label_filter(features: pd.DataFrame, codes: np.ndarray, quantile: float, specs: Sequence[ColumnSpec],
                     rng: np.random.Generator, C: float = 1.0) -> LabelFilter:
    """The filter for training ``features`` with class codes ``codes`` (``rng``: the fold split)."""
    check_quantile(quantile)
    codes = np.asarray(codes, np.int64)
    if len(codes) > MAX_ROWS:  # a random subset is plenty for a linear model, and keeps fitting fast
        rows = np.sort(rng.choice(len(codes), MAX_ROWS, replace=False))
        features, codes = features.iloc[rows], codes[rows]
    featurizer = fit_featurizer(features, specs)
    x = featurizer.transform(features)
    n_classes = int(codes.max()) + 1 if len(codes) else 0
    min_proba = np.zeros(n_classes)
    if len(np.unique(codes)) < 2:
        return LabelFilter(featurizer, None, min_proba)
    if np.bincount(codes).max() < 2:  # every row's class is missing from its out-of-fold fit
        warn(f"label_filter: no class has a second training row among {len(codes)}, so no row can be "
             "scored by a model that saw its class; sampling goes without the label filter")
        return LabelFilter(featurizer, None, min_proba)
    oof = _out_of_fold(x, codes, rng, C)
    for k in np.unique(codes):  # classes, not rows: one quantile each
        min_proba[k] = np.quantile(oof[codes == k], float(quantile))
    return LabelFilter(featurizer, _fit_regression(x, codes, C), min_proba)


def _fit_regression(x: sparse.csr_matrix, codes: np.ndarray, C: float) -> LogisticRegression:
    """The regression fitted on ``x``, without scikit-learn's warning that classes outnumber half the
    rows: fits on folds of a table with many small classes repeat it, and the label check of ``fit``
    has already said which classes are too small (a single row)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The number of unique classes is greater than 50%")
        return LogisticRegression(C=float(C), max_iter=2000).fit(x, codes)


def _out_of_fold(x: sparse.csr_matrix, codes: np.ndarray, rng: np.random.Generator, C: float) -> np.ndarray:
    """(n,): each row's probability of its own class from a regression fitted without its fold.

    Rows are dealt to folds class by class in a random order, so every fold holds about the same
    share of each class; a class with fewer rows than folds leaves some folds without it.
    """
    n_folds = int(min(FOLDS, max(2, np.bincount(codes).max())))
    order = rng.permutation(len(codes))
    by_class = order[np.argsort(codes[order], kind="stable")]  # random within each class
    rank = np.arange(len(codes)) - np.searchsorted(codes[by_class], codes[by_class])  # position in its class
    fold = np.empty(len(codes), np.int64)
    fold[by_class] = rank % n_folds
    out = np.ones(len(codes))
    for f in range(n_folds):
        test, train = fold == f, fold != f
        if not test.any() or len(np.unique(codes[train])) < 2:
            continue  # no rows to score, or a fold split that leaves one class: those rows keep probability 1
        model = _fit_regression(x[train], codes[train], C)
        out[test] = _own_proba(model.classes_, model.predict_proba(x[test]), codes[test], unseen=0.0)
    return out


def _own_proba(classes: np.ndarray, p: np.ndarray, codes: np.ndarray, unseen: float) -> np.ndarray:
    """(n,): ``p[i, column of codes[i]]``, or ``unseen`` where the model was fitted without that class."""
    col = np.minimum(np.searchsorted(classes, codes), len(classes) - 1)
    seen = classes[col] == codes
    return np.where(seen, p[np.arange(len(codes)), col], unseen)
