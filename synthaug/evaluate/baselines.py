"""Baseline records to compare a generator with: SMOTE (imbalanced-learn) and random oversampling.

Both take a canonical training table and ``additions`` = {class label: records to create} and
return only the *new* records, as a canonical table with the target column, so they go through
the same utility and privacy measures as the generator's records.

SMOTE variant: ``SMOTE`` for all-numeric features, ``SMOTEN`` for all-categorical, ``SMOTENC``
for mixed. SMOTE cannot use missing numerics: they are imputed with the training median first
(the records it creates never contain NaN); missing categories are an ordinary category.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.preprocessing import OneHotEncoder

from .._errors import SynthaugError
from .._random import numpy_generator
from .canonical import encode_labels
from .defaults import BASELINES
from .distances import nearest
from .tables import TableSchema

LABELS = {"synthetic": "synthetic", "smote": "SMOTE", "ros": "random oversampling"}
SMOTE_NEIGHBOURS = 5


class MissingDependencyError(SynthaugError, ImportError):
    """An optional dependency needed for the requested work is not installed."""


def baseline_records(
    method: str, train: pd.DataFrame, schema: TableSchema, additions: Mapping, seed: int
) -> pd.DataFrame:
    """New records from ``method`` ("smote" or "ros"); see :func:`smote_problem` first."""
    if method == "smote":
        return smote_records(train, schema, additions, seed)
    if method == "ros":
        return random_oversample_records(train, schema, additions, seed)
    raise ValueError(f"unknown baseline {method!r}; use one of {BASELINES}")


def random_oversample_records(train: pd.DataFrame, schema: TableSchema, additions: Mapping, seed: int) -> pd.DataFrame:
    """Training rows of each class drawn uniformly with replacement."""
    rng = numpy_generator(seed)
    codes = encode_labels(train[schema.target], schema)
    picks = []
    for code, label in enumerate(schema.classes):
        n_new = int(additions.get(label, 0))
        rows = np.flatnonzero(codes == code)
        if n_new > 0 and len(rows):
            picks.append(rng.choice(rows, size=n_new, replace=True))
    index = np.concatenate(picks) if picks else np.zeros(0, dtype=np.int64)
    return train.iloc[index].reset_index(drop=True)


def smote_problem(train: pd.DataFrame, schema: TableSchema, additions: Mapping) -> str | None:
    """Why SMOTE cannot create ``additions`` from ``train`` (a sentence), or None if it can."""
    counts = train[schema.target].value_counts()
    for label, n_new in additions.items():
        if n_new > 0 and counts.get(label, 0) < 2:
            return f"SMOTE needs at least 2 training rows of class {label!r}"
    return None


def smote_records(train: pd.DataFrame, schema: TableSchema, additions: Mapping, seed: int) -> pd.DataFrame:
    """SMOTE / SMOTENC / SMOTEN interpolations between same-class training rows."""
    over = _import_imblearn()
    problem = smote_problem(train, schema, additions)
    if problem:
        raise SynthaugError(problem)
    codes = encode_labels(train[schema.target], schema)
    counts = np.bincount(codes, minlength=len(schema.classes))
    strategy = {}
    for code, label in enumerate(schema.classes):
        if int(additions.get(label, 0)) > 0:
            strategy[code] = int(counts[code] + additions[label])
    if not strategy:
        return train.iloc[:0].reset_index(drop=True)
    k = min(SMOTE_NEIGHBOURS, min(int(counts[c]) for c in strategy) - 1)
    features = train[list(schema.features)].copy()
    for column in schema.numeric:
        median = features[column].median()
        features[column] = features[column].fillna(0.0 if np.isnan(median) else median)
    neighbours = ExactNeighbours(n_neighbors=k + 1)  # +1: each row is its own nearest
    if not schema.categorical:
        sampler = over.SMOTE(sampling_strategy=strategy, k_neighbors=neighbours, random_state=seed % 2**32)
    elif not schema.numeric:
        sampler = over.SMOTEN(sampling_strategy=strategy, k_neighbors=k, random_state=seed % 2**32)
    else:
        positions = [features.columns.get_loc(c) for c in schema.categorical]
        sampler = over.SMOTENC(
            categorical_features=positions,
            categorical_encoder=FastOneHotEncoder(handle_unknown="ignore"),
            sampling_strategy=strategy,
            k_neighbors=neighbours,
            random_state=seed % 2**32,
        )
    x_res, y_res = sampler.fit_resample(features, codes)
    new = pd.DataFrame(np.asarray(x_res, dtype=object)[len(train) :], columns=features.columns)
    labels = np.empty(len(schema.classes), dtype=object)
    labels[:] = list(schema.classes)
    out = {c: new[c].to_numpy(np.float64) for c in schema.numeric}
    out.update({c: new[c].astype(str).to_numpy() for c in schema.categorical})
    out[schema.target] = labels[np.asarray(y_res)[len(train) :]]
    return pd.DataFrame(out)[list(schema.columns)]


class ExactNeighbours(BaseEstimator):
    """Brute-force Euclidean k-NN on chunked matrix products, for imbalanced-learn's samplers.

    Same neighbours as ``NearestNeighbors(algorithm="brute")`` (up to ties), several times
    faster on tens of thousands of rows because it never sorts whole distance rows.
    """

    def __init__(self, n_neighbors: int = 6) -> None:
        self.n_neighbors = n_neighbors

    def fit(self, X, y=None) -> ExactNeighbours:
        self.fit_X_ = _dense(X)
        return self

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        query = self.fit_X_ if X is None else _dense(X)
        found = nearest(query, self.fit_X_, k=n_neighbors or self.n_neighbors)
        return (found.dist, found.idx) if return_distance else found.idx

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        raise NotImplementedError("ExactNeighbours only provides kneighbors")


class FastOneHotEncoder(OneHotEncoder):
    """``OneHotEncoder`` whose inverse of rows with one active column per feature (what SMOTENC
    produces) is a vectorised lookup instead of a sparse arg-max per feature."""

    def inverse_transform(self, X):
        X = sparse.csr_matrix(X, copy=True)
        X.sort_indices()
        sizes = np.array([len(c) for c in self.categories_])
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        if X.nnz != X.shape[0] * len(sizes):
            return super().inverse_transform(X)
        codes = X.indices.reshape(X.shape[0], len(sizes)) - starts  # (n, features)
        if np.any(codes < 0) or np.any(codes >= sizes):
            return super().inverse_transform(X)
        out = np.empty(codes.shape, dtype=object)
        for j, categories in enumerate(self.categories_):
            out[:, j] = categories[codes[:, j]]
        return out


def _dense(X) -> np.ndarray:
    return np.asarray(X.toarray() if sparse.issparse(X) else X, dtype=np.float64)


def _import_imblearn():
    try:
        from imblearn import over_sampling
    except ImportError:
        raise MissingDependencyError(
            "the SMOTE baseline needs imbalanced-learn, a dependency of synthaug that is missing here: "
            "pip install imbalanced-learn (or leave SMOTE out of the baselines)"
        ) from None
    return over_sampling
