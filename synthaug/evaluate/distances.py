"""Mixed-type record distances and exact, chunked nearest neighbours.

The distance between two records ``a`` and ``b`` over ``p`` columns is a Euclidean Gower-like
distance::

    d(a, b)^2 = ( sum over numeric columns ((a_j - b_j) / range_j)^2
                + sum over categorical columns [a_j != b_j] ) / p

``range_j`` is the column's max minus min over the *real* tables the space was fitted on
(1 for a constant column). So a category mismatch weighs as much as a numeric difference of a
whole range, and ``d`` is 0 for identical records and about 1 at most for in-range values.

Missing values: a categorical NaN is its own category (a mismatch against anything else). A
numeric column that has NaN anywhere gets an extra indicator coordinate, and NaN is placed at
the column's median: a missing value is at distance at least 1 (one mismatch) from any present
value and 0 from another missing value.

The embedding is ``numeric / range`` plus one-hot coordinates of weight ``1/sqrt(2)`` (so two
different categories are at squared distance 1), all divided by ``sqrt(p)``; nearest neighbours
are then a matrix product on chunks (float32, torch) followed by an exact float64 recomputation
of the distances of the candidates found (see :func:`nearest`).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .._errors import DataError

EXACT_TOLERANCE = 1e-9
"""Distances at or below this are exact copies (equal categories, numerics equal to 1e-9 range)."""

EXTRA_CANDIDATES = 8
"""Float32 candidates beyond ``k`` whose distances are recomputed exactly."""

_CHUNK_ELEMENTS = 1 << 21  # query rows x reference rows per matrix product (8 MB in float32)
# Per-chunk temporaries stay well below glibc's largest mmap threshold (32 MB): at 32 MB they went to
# the heap and fragmented it, and the resident size grew with the number of query rows.
_EXACT_ELEMENTS = 1 << 20  # float64 elements per chunk of exact distances (8 MB)


@dataclass(frozen=True)
class DistanceSpace:
    """How records are embedded; fitted on real tables by :func:`fit_space`."""

    numeric: tuple[str, ...]
    lows: np.ndarray  # (n_numeric,)
    spans: np.ndarray  # (n_numeric,)
    medians: np.ndarray  # (n_numeric,)
    indicators: tuple[bool, ...]  # numeric columns that get a missing-value coordinate
    categorical: tuple[str, ...]
    categories: tuple[np.ndarray, ...]  # sorted text values per categorical column

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical


def fit_space(
    real: Sequence[pd.DataFrame],
    numeric: Sequence[str],
    categorical: Sequence[str],
    extra: Sequence[pd.DataFrame] = (),
) -> DistanceSpace:
    """Ranges and medians from the ``real`` tables; categories and missingness from all tables.

    Tables must be in canonical form (:func:`synthaug.evaluate.canonical.canonical`): numerics as
    float, categoricals as text with NaN already replaced by ``MISSING``.
    """
    frames = list(real) + list(extra)
    num_real = np.concatenate([f[list(numeric)].to_numpy(np.float64) for f in real], axis=0)
    if len(numeric):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column: handled just below
            lows = np.nanmin(num_real, axis=0) if len(num_real) else np.zeros(len(numeric))
            highs = np.nanmax(num_real, axis=0) if len(num_real) else np.ones(len(numeric))
            medians = np.nanmedian(num_real, axis=0)
    else:
        lows = highs = medians = np.zeros(0)
    spans = np.where(np.isfinite(highs - lows) & (highs - lows > 0), highs - lows, 1.0)
    lows = np.where(np.isfinite(lows), lows, 0.0)
    medians = np.where(np.isfinite(medians), medians, lows)
    indicators = tuple(bool(any(f[c].isna().any() for f in frames)) for c in numeric)
    categories = tuple(
        np.unique(np.concatenate([f[c].to_numpy(dtype=object) for f in frames]).astype(str)) for c in categorical
    )
    return DistanceSpace(
        numeric=tuple(numeric),
        lows=lows,
        spans=spans,
        medians=medians,
        indicators=indicators,
        categorical=tuple(categorical),
        categories=categories,
    )


def embed(frame: pd.DataFrame, space: DistanceSpace, drop: Collection[str] = ()) -> np.ndarray:
    """Records -> (n, d) float64 coordinates whose Euclidean distance is the mixed distance.

    ``drop`` leaves columns out (the distance is then averaged over the remaining columns).
    Categories unseen when the space was fitted all map to one extra "other" coordinate.
    """
    kept = [c for c in space.columns if c not in drop]
    if not kept:
        raise DataError("no columns left to compare records on")
    # one matrix, filled in place: float64 one-hot blocks, their concatenation and its scaled copy
    # took three times its size (a 5,000-level column: gigabytes). Every value is the old one.
    scale = np.sqrt(len(kept))
    out = np.zeros((len(frame), _width(space, drop)), dtype=np.float64)
    start = 0
    for j, column in enumerate(space.numeric):
        if column in drop:
            continue
        values = frame[column].to_numpy(np.float64)
        missing = np.isnan(values)
        out[:, start] = (np.where(missing, space.medians[j], values) - space.lows[j]) / space.spans[j] / scale
        start += 1
        if space.indicators[j]:
            out[missing, start] = 1.0 / scale
            start += 1
    for column, categories in zip(space.categorical, space.categories, strict=True):
        if column in drop:
            continue
        codes = _codes(frame[column].to_numpy(dtype=object).astype(str), categories)
        out[np.arange(len(frame)), start + codes] = np.sqrt(0.5) / scale
        start += len(categories) + 1
    return out


def _width(space: DistanceSpace, drop: Collection[str]) -> int:
    """Coordinates of the columns not in ``drop``."""
    numeric = sum(1 + int(ind) for c, ind in zip(space.numeric, space.indicators, strict=True) if c not in drop)
    return numeric + sum(len(cats) + 1 for c, cats in zip(space.categorical, space.categories, strict=True)
                         if c not in drop)


def _codes(values: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """Each value's position in ``categories`` (sorted); ``len(categories)`` for an unseen one."""
    pos = np.searchsorted(categories, values)
    pos_clipped = np.minimum(pos, len(categories) - 1)
    known = (pos < len(categories)) & (categories[pos_clipped] == values)
    return np.where(known, pos_clipped, len(categories))


@dataclass
class Neighbours:
    """Nearest-neighbour results of :func:`nearest` (indices are row positions)."""

    dist: np.ndarray  # (n_query, k) distances to the k nearest ref rows, ascending
    idx: np.ndarray  # (n_query, k)
    view_idx: list[np.ndarray]  # per view: (n_query,) nearest ref row on the kept columns
    back_dist: np.ndarray | None = None  # (n_ref,) distance to the nearest query row
    back_idx: np.ndarray | None = None  # (n_ref,)
    back_view_idx: list[np.ndarray] | None = None  # per view: (n_ref,)


SPARSE_DENSITY = 0.3
"""A reference whose share of non-zero coordinates is below this is searched with sparse queries."""


class ReferenceIndex:
    """A reference table prepared once for repeated nearest-neighbour queries.

    One-hot coordinates make most embeddings sparse (adult: 14 of 122 coordinates are non-zero),
    so for a sparse reference the query-reference products are an ``embedding_bag`` over each
    query row's non-zero coordinates (a weighted sum of rows of the transposed reference)
    instead of a dense matrix product: the same scores, at a fraction of the work. A dense
    reference is centred and multiplied as usual.
    """

    def __init__(self, ref: np.ndarray) -> None:
        if len(ref) == 0:
            raise DataError("nearest neighbours need non-empty tables")
        self.ref = np.asarray(ref, dtype=np.float64)  # (m, d): for exact distances
        self.sparse = bool(np.count_nonzero(self.ref) < SPARSE_DENSITY * self.ref.size)
        self.centre = np.zeros(self.ref.shape[1]) if self.sparse else self.ref.mean(axis=0)
        shifted = self.ref if self.sparse else self.ref - self.centre  # sparse: no float64 copy to subtract 0
        self.r = torch.from_numpy(np.ascontiguousarray(shifted, dtype=np.float32))  # (m, d)
        self.r_sq = (self.r * self.r).sum(dim=1)  # (m,)
        self._r_t = self.r.T.contiguous() if self.sparse else None  # (d, m): rows picked by embedding_bag

    def __len__(self) -> int:
        return len(self.ref)

    def shifted(self, query: np.ndarray) -> torch.Tensor:
        """Query rows in the reference's (possibly centred) float32 coordinates."""
        return torch.from_numpy(np.ascontiguousarray(query - self.centre, dtype=np.float32))

    def scores(self, q: torch.Tensor) -> torch.Tensor:
        """(b, m): squared distances minus each query row's own squared norm."""
        if not self.sparse:
            return torch.addmm(self.r_sq[None, :], q, self.r.T, alpha=-2.0)
        rows, cols = torch.nonzero(q, as_tuple=True)  # row-major, so each row's coordinates are contiguous
        offsets = torch.zeros(len(q), dtype=torch.int64)
        offsets[1:] = torch.cumsum(torch.bincount(rows, minlength=len(q)), 0)[:-1]
        dot = torch.nn.functional.embedding_bag(cols, self._r_t, offsets, mode="sum",
                                                per_sample_weights=q[rows, cols])  # (b, m)
        return dot.mul_(-2.0).add_(self.r_sq[None, :])

    def nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(dist, idx), each (n, min(k, m)): the exact ``k`` nearest reference rows, ascending."""
        if len(query) == 0:
            return np.zeros((0, min(k, len(self)))), np.zeros((0, min(k, len(self))), dtype=np.int64)
        found = nearest(query, self, k)
        return found.dist, found.idx


def nearest(
    query: np.ndarray,
    ref: np.ndarray | ReferenceIndex,
    k: int = 1,
    views: Sequence[np.ndarray] = (),
    both_ways: bool = False,
    back_views: Sequence[np.ndarray] = (),
) -> Neighbours:
    """The ``k`` nearest rows of ``ref`` for every row of ``query`` (and, with ``both_ways``,
    the nearest ``query`` row for every row of ``ref``, from the same matrix products).

    Each entry of ``views`` (``back_views``: in the reverse direction) is a boolean mask of
    coordinates to leave out; for each, the nearest row on the remaining coordinates is
    returned too (to compare records on all columns but one).

    Exactness: ``k + EXTRA_CANDIDATES`` candidates per query row come from a float32 product
    (see :class:`ReferenceIndex`); their distances are recomputed in float64 and the best kept,
    so exact copies have distance 0. The reverse direction keeps one float32 candidate (its
    distance is then recomputed in float64), so rows closer than about 1e-3 may swap there.
    """
    if len(ref) == 0 or len(query) == 0:
        raise DataError("nearest neighbours need non-empty tables")
    index = ref if isinstance(ref, ReferenceIndex) else ReferenceIndex(ref)
    k = min(k, len(index))
    n_cand = min(k + EXTRA_CANDIDATES, len(index))
    fwd = [_View(mask, index.r) for mask in views]
    bwd = [_View(mask, index.r) for mask in back_views]
    back = _RunningMin(len(index), 1 + len(bwd)) if both_ways else None
    block = max(1, _CHUNK_ELEMENTS // len(index))
    # candidates go into arrays made once: small per-chunk arrays kept alive between the large
    # per-chunk temporaries fragmented the heap, so the resident size grew ~40 KB per query row
    found = np.empty((len(query), n_cand), dtype=np.int64)
    found_views = [np.empty((len(query), n_cand), dtype=np.int64) for _ in fwd]
    for start in range(0, len(query), block):
        q = index.shifted(query[start : start + block])  # (b, d)
        rows = slice(start, start + len(q))
        d2 = index.scores(q)  # (b, m): squared distance - |q|^2
        found[rows] = _smallest(d2, n_cand)
        for view, out in zip(fwd, found_views, strict=True):
            # drop the view's coordinates; the per-row constant |q_view|^2 does not matter here
            out[rows] = _smallest(torch.addmm(d2 - view.r_sq[None, :], q[:, view.mask], view.r.T, alpha=2.0), n_cand)
        if back is not None:
            full = d2 + (q * q).sum(dim=1, keepdim=True)  # (b, m) squared distances
            back.update(0, full, start)
            for v, view in enumerate(bwd, start=1):
                q_v = q[:, view.mask]
                # per-column constant |r_view|^2 left out: it does not change the column minimum
                kept = torch.addmm(full - (q_v * q_v).sum(dim=1, keepdim=True), q_v, view.r.T, alpha=2.0)
                back.update(v, kept, start)
    ref = index.ref
    dist, idx = _refine(query, ref, found, k)
    view_idx = [
        _refine(query[:, ~view.left_out], ref[:, ~view.left_out], c, 1)[1][:, 0]
        for view, c in zip(fwd, found_views, strict=True)
    ]
    out = Neighbours(dist, idx, view_idx)
    if back is not None:
        out.back_idx = back.idx[0]
        out.back_dist = exact_distances(ref, query, out.back_idx[:, None])[:, 0]
        out.back_view_idx = list(back.idx[1:])
    return out


class _View:
    """The reference coordinates a view leaves out, and their squared norms."""

    def __init__(self, mask: np.ndarray, r: torch.Tensor) -> None:
        self.left_out = np.asarray(mask, dtype=bool)
        self.mask = torch.from_numpy(self.left_out)
        self.r = r[:, self.mask]  # (m, d_view)
        self.r_sq = (self.r * self.r).sum(dim=1)


class _RunningMin:
    """Column-wise minimum (value and row) of several (b, m) matrices over row chunks."""

    def __init__(self, m: int, n: int) -> None:
        self.best = torch.full((n, m), float("inf"))
        self.idx = np.zeros((n, m), dtype=np.int64)

    def update(self, which: int, matrix: torch.Tensor, offset: int) -> None:
        values, rows = torch.min(matrix, dim=0)  # (m,)
        better = values < self.best[which]
        self.best[which] = torch.where(better, values, self.best[which])
        self.idx[which][better.numpy()] = rows.numpy()[better.numpy()] + offset


def _smallest(d2: torch.Tensor, n: int) -> np.ndarray:
    return torch.topk(d2, n, dim=1, largest=False, sorted=False).indices.numpy()


def _refine(query: np.ndarray, ref: np.ndarray, cand: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact float64 distances to the candidates; the ``k`` best, sorted."""
    dist = exact_distances(query, ref, cand)
    order = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(dist, order, axis=1), np.take_along_axis(cand, order, axis=1)


def column_mask(space: DistanceSpace, column: str) -> np.ndarray:
    """Boolean mask of the embedding coordinates that belong to ``column``."""
    sizes = []
    for j, name in enumerate(space.numeric):
        sizes.append((name, 1 + int(space.indicators[j])))
    for name, categories in zip(space.categorical, space.categories, strict=True):
        sizes.append((name, len(categories) + 1))
    return np.concatenate([np.full(n, name == column) for name, n in sizes])


def exact_distances(query: np.ndarray, ref: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """float64 distances from each query row to the ref rows ``idx`` (n, k); chunked."""
    out = np.empty(idx.shape, dtype=np.float64)
    block = max(1, _EXACT_ELEMENTS // max(1, idx.shape[1] * query.shape[1]))
    for start in range(0, len(query), block):
        q = query[start : start + block, None, :]  # (b, 1, d)
        r = ref[idx[start : start + block]]  # (b, k, d)
        out[start : start + block] = np.sqrt(((q - r) ** 2).sum(axis=2))
    return out
