"""A train-only privacy filter for sampling: reject generated rows that sit too close to a training row.

A generated row is rejected when it is nearer its nearest training row ``t`` (of the same class)
than ``t``'s radius: ``factor`` times ``t``'s own leave-one-out nearest-neighbour distance (from
``t`` to the closest *other* training row of its class), but at least ``factor`` times the
``floor`` quantile of those distances over the class, so rows in a tight cluster still get a
radius. With ``factor = 1`` a released row never pins a training row down more tightly than the
training rows' own spacing does. A row with no spacing within its class (the only row of its
class, or a class whose rows repeat one another below the floor) takes its distance to the
nearest other training row of any class instead, and an exact copy is always inside the radius.
Only training rows are used, so no held-out data is consumed.
Distances are the evaluator's mixed distance (:mod:`synthaug.evaluate.distances`): numbers
scaled by their training range, a category mismatch counts as a whole range, averaged over the
columns.

A second, scale-free test (``pinning``) catches rows that single out one training row among
its neighbours: a generated row's *pinning ratio* is its distance to the nearest training row
divided by the mean distance to its ``NNDR_K`` nearest training rows (of its class). The training
rows' own leave-one-out ratios (each row against the other rows of its class) are a sample of
what fresh rows give; a generated row is rejected when its ratio is below the ``pinning``
quantile of the ratios of the ``LOCAL_K`` training rows nearest to it. With ``pinning = 0.5`` a
generated row is released only if it is no more pinned to a training row than half of the fresh
rows around it would be. The reference is local because ratios differ between parts of a table:
rows that share a rare category or a missing value with a few training rows are close to those
few and far from the rest, so their ratios are low whether they are fresh or copied; against one
quantile for the whole class they were nearly all rejected, and the released rows lost most of
the table's missing values and rare categories. A class of ``m <= NNDR_K`` rows uses its
``m - 1`` nearest, as its leave-one-out rows did; a class of ``m <= LOCAL_K`` rows is its own
reference; a class of one row has no ratio and no pinning test.

A generated row whose values all equal those of at least ``COMMON_K`` training rows of its class
(a combination, label included, that ``COMMON_K`` people share) passes both tests: copying it
singles none of them out, as in k-anonymity. On categorical tables such rows are common (in an
adult extract of 6 categorical columns, 56% of rows repeated another) and the two tests, which
measure closeness and cannot tell a record shared by many from a unique one, rejected every copy:
the released rows then lacked the table's most common combinations and marginals, and a
combination missing from the release became evidence that it was in the training rows. Rows
equal to fewer than ``COMMON_K`` training rows, and every row of a table with continuous columns
(where equal rows are rare), are tested as before. The training rows of such a combination have
no pinning ratio (0/0: their nearest other rows are their twins, at distance 0) and are left out
of the pinning references: a fresh row on their values is not tested, so their ratio (which 0/0
made the largest, 1) is not a sample of the rows the test judges, and it made the test reject
most fresh rows one value away from a common combination.

The filter keeps the embedded training rows in memory; they are never written to a model file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import is_real
from .._errors import DataError
from .._text import none_name, param_name
from ..evaluate import distances as _dist
from ..evaluate.canonical import MISSING, as_text
from ..evaluate.leakage_measures import COMMON_K
from .columns import to_float
from .schema import ColumnSpec

NNDR_K = 5
"""Neighbours in the pinning ratio: nearest distance / mean distance to the ``NNDR_K`` nearest rows."""

LOCAL_K = 8
"""Training rows nearest a generated row whose leave-one-out ratios are its pinning reference. With
20 the reference reached past a small group of rows sharing a missing value into rows that have it,
whose ratios are higher: on a fraud table the pinning test (quantile 0.7) rejected fresh positives
missing a value 0.86 of the time against 0.72 for the others; with 8 (and the quantile 0.75, which
keeps the test about as strong on the scarce protocol's tables), 0.69 against 0.69
(``benchmarks/pinning_calibration.py``)."""

assert COMMON_K <= NNDR_K  # the neighbours searched for the pinning ratio tell whether that many are at 0

RADIUS_ACCEPTANCE = 0.5
"""About the share of fresh rows (real rows the filter was not fitted on) that the radius test passes with
``factor`` 1: 0.53 to 0.62 on breast cancer, wine, adult (3,000 rows) and its categorical columns, each
filter fitted on half of the table and tested on the other half. With ``pinning`` q the filter passes
about ``1 - q`` of them (0.28 to 0.35 at 0.75, 0.42 to 0.51 at 0.5)."""

EXACT_COPY_RADIUS = float(np.finfo(np.float64).tiny)
"""Radius of a row whose nearest other training row is a twin: rejects its exact copies only."""

MAX_ROWS = 10_000
"""Above this many training rows the filter is not fitted (nothing to memorise; n^2 distances)."""


@dataclass(frozen=True)
class PrivacyFilter:
    """Embedded training rows of each class and their leave-one-out radii (fitted by :func:`fit_filter`)."""

    space: _dist.DistanceSpace
    index: tuple[_dist.ReferenceIndex | None, ...]  # per class code: its training rows' coordinates
    rows: tuple[np.ndarray, ...]  # per class code: positions of its training rows
    radius: np.ndarray  # (n,): factor x distance to the nearest other training row of the class
    dates: tuple[str, ...] = ()  # numeric columns read as dates (datetime64 or text), in seconds
    pinning: float | None = None  # quantile of the reference ratios; None: no pinning test
    row_ratio: np.ndarray | None = None  # (n,): each row's LOO pinning ratio (0: a class of one; NaN: common values)
    n_near: np.ndarray | None = None  # (n_classes,): neighbours in the ratio, min(NNDR_K, class rows - 1)
    categories: tuple | None = None  # columns modelled as categories (categorical, boolean); None: by dtype

    def too_close(self, frame: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
        """(n,) bool: rows of ``frame`` (class codes ``codes``) inside their nearest training row's
        radius, or more pinned to it than the ``pinning`` quantile of fresh rows; never a row equal to
        ``COMMON_K`` or more training rows of its class."""
        return self.check(frame, codes)[0]

    def check(self, frame: pd.DataFrame, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(too_close, nearest), each (n,): :meth:`too_close`, and each row's distance to its nearest
        training row of its class (0: an exact copy of one; inf: the class has no training row)."""
        codes = np.asarray(codes, np.int64)
        k = NNDR_K if self.pinning is None else max(NNDR_K, LOCAL_K)
        dist, idx = _class_nearest(self.index, self.rows, _embed(frame, self.space, self.dates), codes, k)
        common = dist[:, COMMON_K - 1] == 0.0  # missing neighbours (a small class) are at inf: never common
        close = dist[:, 0] < self.radius[idx[:, 0]]  # no training row of the class: inf, never close
        if self.pinning is None:
            return close & ~common, dist[:, 0]
        known = codes < len(self.n_near)  # a class without training rows has nothing to pin
        ratio = pinning_ratio(dist, self.n_near[np.where(known, codes, 0)])
        pinned = known & (ratio < self._local_min_ratio(dist[:, :LOCAL_K], idx[:, :LOCAL_K]))
        return (close | pinned) & ~common, dist[:, 0]

    def class_rows(self) -> np.ndarray:
        """(n_classes,): training rows of each class code."""
        return np.array([len(r) for r in self.rows], dtype=np.int64)

    def fresh_acceptance(self) -> float:
        """About the share of fresh rows the filter passes (``RADIUS_ACCEPTANCE``, or ``1 - pinning``
        when lower): a model whose rows pass far less often is being filtered into a skewed sample."""
        return RADIUS_ACCEPTANCE if self.pinning is None else min(RADIUS_ACCEPTANCE, 1.0 - self.pinning)

    def _local_min_ratio(self, dist: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """(n,): the ``pinning`` quantile (numpy's linear one) of the LOO ratios of each row's
        nearest training rows (those that exist and have a ratio: a small class has fewer than
        ``LOCAL_K``, a row of common values none); 0 where there are none. Sorted once, NaN last,
        instead of ``np.nanquantile`` (3x slower)."""
        reference = np.sort(np.where(np.isfinite(dist), self.row_ratio[idx], np.nan), axis=1)
        found = np.isfinite(reference).sum(axis=1)  # NaN: no such neighbour, or no ratio (common values)
        at = float(self.pinning) * np.maximum(found - 1, 0)
        low = np.floor(at).astype(np.int64)
        high = np.minimum(low + 1, np.maximum(found - 1, 0))
        rows = np.arange(len(dist))
        below, above = reference[rows, low], reference[rows, high]
        out = below + (at - low) * (above - below)
        return np.where(found > 0, out, 0.0)


def _class_nearest(index: Sequence[_dist.ReferenceIndex | None], rows: Sequence[np.ndarray], emb: np.ndarray,
                   codes: np.ndarray, k: int, skip_self: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(dist, idx), each (n, k): the nearest training rows of each row's own class, searched class
    by class; missing neighbours (a small or unknown class) are at distance inf, index 0.
    ``skip_self``: ``emb`` are the training rows themselves; leave each row out."""
    dist, idx = np.full((len(emb), k), np.inf), np.zeros((len(emb), k), dtype=np.int64)
    for code in np.unique(codes):  # classes, not rows
        ref = index[code] if code < len(index) else None
        if ref is None:
            continue
        at = np.flatnonzero(codes == code)
        d, i = ref.nearest(emb[at], k + int(skip_self))
        d, i = (d[:, 1:], i[:, 1:]) if skip_self else (d, i)
        dist[at, : d.shape[1]], idx[at, : i.shape[1]] = d, rows[code][i]
    return dist, idx


def pinning_ratio(dist: np.ndarray, k: np.ndarray | int = NNDR_K) -> np.ndarray:
    """(n,): nearest distance over the mean of the ``k`` (per row, at most ``NNDR_K``) nearest.

    ``dist`` is (n, >= k) ascending; infinite entries (no such neighbour in the class) are left
    out. A row with no neighbour, or all of them at distance 0, gets 1.
    """
    cols = np.arange(min(dist.shape[1], NNDR_K))
    use = np.isfinite(dist[:, cols]) & (cols[None, :] < np.broadcast_to(np.asarray(k), (len(dist),))[:, None])
    mean = np.where(use, dist[:, cols], 0.0).sum(axis=1) / np.maximum(use.sum(axis=1), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(use[:, 0] & (mean > 0), dist[:, 0] / mean, 1.0)


def fit_filter(features: pd.DataFrame, codes: np.ndarray, factor: float, floor: float = 0.0,
               specs: Sequence[ColumnSpec] | None = None, pinning: float | None = None) -> PrivacyFilter:
    """The filter for training ``features`` with class codes ``codes``.

    ``pinning`` (a quantile in [0, 1), or None for off) turns on the pinning-ratio test.

    ``specs`` (the encoder's column kinds) say which columns are dates, so a date column read
    from a CSV as text is measured as a date, in the training rows and in the generated ones
    alike; other columns are numbers or categories by their dtype. They also name the columns
    modelled as categories (``categories``), whose shares the skew warning compares.
    """
    check_filter_params(factor, floor, pinning)
    numeric, categorical, dates = _kinds(features, specs)
    space = _dist.fit_space([_canonical(features, numeric, categorical, dates)], numeric, categorical)
    emb = _embed(features, space, dates)
    codes = np.asarray(codes, np.int64)
    n_classes = int(codes.max()) + 1 if len(codes) else 0
    rows = tuple(np.flatnonzero(codes == k) for k in range(n_classes))
    index = tuple(_dist.ReferenceIndex(emb[r]) if len(r) else None for r in rows)
    others = _class_nearest(index, rows, emb, codes, NNDR_K, skip_self=True)[0]  # (n, K): nearest other rows
    loo = np.where(np.isfinite(others[:, 0]), others[:, 0], 0.0)  # a class with one row: no radius
    ratio = pinning_ratio(others)  # (n,): each row's pinning ratio against the others of its class
    n_near = np.minimum(np.bincount(codes, minlength=n_classes) - 1, NNDR_K)  # what each LOO row saw
    ratio[n_near[codes] < 1] = 0.0  # a single row has no ratio to compare with: never a reference to fail
    ratio[others[:, COMMON_K - 2] == 0.0] = np.nan  # values COMMON_K rows share: 0/0, no reference (see module)
    for k in np.unique(codes):  # classes, not rows: one floor each
        own = codes == k
        loo[own] = np.maximum(loo[own], np.quantile(loo[own], float(floor)))
    bare = loo <= 0.0  # no spacing within the class: the only row, or repeated rows
    if bare.any():
        loo[bare] = _spacing_in_table(emb, bare)
    categories = None if specs is None else tuple(
        c for c in features.columns if str(c) in {s.name for s in specs if s.kind in ("categorical", "boolean")})
    return PrivacyFilter(space=space, index=index, rows=rows, radius=float(factor) * loo, dates=dates,
                         pinning=None if pinning is None else float(pinning), row_ratio=ratio, n_near=n_near,
                         categories=categories)


def _spacing_in_table(emb: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Distance from each training row in ``rows`` (a mask) to the nearest other row of any class,
    at least the smallest positive float, so an exact copy of the row is always inside its radius."""
    if len(emb) < 2:
        return np.full(int(rows.sum()), EXACT_COPY_RADIUS)
    dist, _ = _dist.ReferenceIndex(emb).nearest(emb[rows], 2)
    return np.maximum(dist[:, 1], EXACT_COPY_RADIUS)  # column 0 is the row itself (or a twin at 0)


def check_filter_params(factor: float | None, floor: float, pinning: float | None) -> None:
    """Raise DataError naming the parameter when a filter setting is out of range (``factor`` None: off)."""
    def number(value) -> float:  # text ("0.5") and bools are not quantiles: NaN fails every test below
        return float(value) if is_real(value) else float("nan")

    if factor is not None and not number(factor) > 0:
        raise DataError(f"{param_name('privacy_filter')} must be a positive factor or {none_name()}; "
                        f"got {factor!r}")
    if not 0.0 <= number(floor) <= 1.0:
        raise DataError(f"privacy_filter_floor must be a quantile in [0, 1]; got {floor!r}")
    if pinning is not None and not 0.0 <= number(pinning) < 1.0:
        raise DataError(f"{param_name('privacy_filter_pinning')} must be a quantile in [0, 1) or {none_name()}; "
                        f"got {pinning!r}")


def _kinds(features: pd.DataFrame, specs: Sequence[ColumnSpec] | None) -> tuple[list, list, tuple]:
    """Numeric (dates included, as seconds) and categorical column names, and the date columns.

    Dates are the datetime columns of ``specs`` (text in a CSV) and datetime64 columns; other
    columns are numbers by their dtype, as before the specs were passed.
    """
    dated = {s.name for s in specs or () if s.kind == "datetime"}
    dates = tuple(c for c in features.columns
                  if str(c) in dated or pd.api.types.is_datetime64_any_dtype(features[c].dtype))
    numeric = [c for c in features.columns if c in dates or _is_numeric(features[c])]
    return numeric, [c for c in features.columns if c not in set(numeric)], dates


def _is_numeric(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return True
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _canonical(frame: pd.DataFrame, numeric: list[str], categorical: list[str], dates: tuple = ()) -> pd.DataFrame:
    """Numbers as float64 (dates as seconds since 1970), categories as text with NaN -> MISSING."""
    out = {}
    for c in numeric:
        out[c] = to_float(frame[c], ColumnSpec(str(c), "datetime" if c in dates else "continuous", "", False))
    for c in categorical:
        out[c] = as_text(frame[c], MISSING)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _embed(frame: pd.DataFrame, space: _dist.DistanceSpace, dates: tuple = ()) -> np.ndarray:
    """(n, d): the mixed-distance coordinates of ``frame``'s rows."""
    missing = [c for c in space.columns if c not in frame.columns]
    if missing:
        raise DataError(f"privacy filter: column {missing[0]!r} is missing from the rows to filter")
    return _dist.embed(_canonical(frame, list(space.numeric), list(space.categorical), dates), space)
