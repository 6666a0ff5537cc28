"""The risks of :mod:`synthaug.privacy.leakage`, each a statistic with its 95% interval, the value
expected when nothing leaks, a tolerance and a verdict, computed from the nearest-neighbour
distances and matches leakage has already found (see that module's docstring for what each means)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import distances as _dist
from . import stats as _stats
from .results import RiskMeasure

if TYPE_CHECKING:
    from ..privacy.leakage import RealReference

TAIL_QUANTILE = 0.05
COMMON_K = 5
"""Training rows that must share a combination of values (label included) for a copy of it to single
none of them out (the k of k-anonymity; 5 is a common choice, as in minimum cell sizes of health
statistics): the sampling privacy filter lets such copies through. The exact-copies gate of ``share``
does not count them when a reference row shows the combination too: five equal training rows may be one
record given five times (a table oversampled before fitting), whose copies the gate must count."""
NUMERIC_MATCH = 0.05  # attribute inference: a numeric guess within 5% of the range succeeds
_LOG_EPS = 1e-6


def dcr_share(to_train: tuple[np.ndarray, np.ndarray], to_ref: tuple[np.ndarray, np.ndarray], real: RealReference,
              rng: np.random.Generator, n_boot: int, confidence: float, tol: Mapping[str, float]) -> RiskMeasure:
    """Size-balanced share of records nearer a training row, cluster-bootstrapped."""
    (d_t, i_t), (d_r, i_r) = to_train, to_ref
    d_t, d_r = np.round(d_t, 12), np.round(d_r, 12)
    nearer = np.where(d_t < d_r, 1.0, np.where(d_t == d_r, 0.5, 0.0))  # (n,)
    n_t, n_r = len(real.train_emb), len(real.ref_emb)
    numer = np.bincount(i_t, weights=nearer, minlength=n_t)
    denom = np.concatenate([numer, np.bincount(i_r, weights=1.0 - nearer, minlength=n_r)])
    numer = np.concatenate([numer, np.zeros(n_r)])
    raw, low, high = _stats.cluster_ratio_bootstrap(numer, denom, rng, n_boot, confidence)
    # A few records all nearer a training row make every bootstrap replicate 1: the records'
    # own binomial chance (Wilson) bounds the interval too.
    wilson_low, wilson_high = _stats.wilson_interval(float(nearer.sum()), len(nearer), confidence)
    low, high = min(low, wilson_low), max(high, wilson_high)
    balanced = tuple(balanced_share(x, n_t, n_r) for x in (raw, low, high))
    method = f"cluster bootstrap over real rows ({n_boot}) and Wilson, size-balanced"
    return _measure("dcr_share", "share of records closer to a training row than to a reference row", balanced,
                    0.5, tol["dcr_share"], method, {"raw_share": raw, "raw_null": n_t / (n_t + n_r)})


def balanced_share(raw: float, n_train: int, n_reference: int) -> float:
    """Share nearer a training row rescaled as if both real sets had the same size."""
    per_train, per_ref = raw / n_train, (1.0 - raw) / n_reference
    total = per_train + per_ref
    return float(per_train / total) if total > 0 else float("nan")


def copy_measures(dcr: np.ndarray, nndr: np.ndarray, real: RealReference, confidence: float,
                  tol: Mapping[str, float], shared: np.ndarray | None = None) -> list[RiskMeasure]:
    """Exact copies, near copies and low NNDR: excess over the reference rows' own rates. ``shared``
    (n_records,): whether a record's nearest training row is a combination :data:`COMMON_K` or more
    training rows hold and a reference row shows too; the exact-copies measure's details give the share
    of records that copy one (``shared_rate``, when any do), which the exact-copies gate of ``share`` does
    not count."""
    near, ref_near = tail_hits(dcr, real.ref_dcr, strict=False)
    low, ref_low = tail_hits(nndr, real.ref_nndr, strict=True)
    exact = dcr <= _dist.EXACT_TOLERANCE
    copies = _excess("exact_copies", "exact copies of training rows", exact, real.ref_dcr <= _dist.EXACT_TOLERANCE,
                     confidence, tol["exact_copies"])
    shared_rate = float((exact & shared).mean()) if shared is not None else 0.0
    if shared_rate:  # only then: the tables of most datasets (continuous columns) never have such copies
        copies.details["shared_rate"] = shared_rate
    return [
        copies,
        _excess(
            "near_copies",
            "closer to a training row than 95% of reference rows",
            near,
            ref_near,
            confidence,
            tol["near_copies"],
        ),
        _excess(
            "low_nndr",
            "distance ratio below the reference's 5th percentile",
            low,
            ref_low,
            confidence,
            tol["low_nndr"],
        ),
    ]


def tail_hits(records: np.ndarray, reference: np.ndarray, strict: bool) -> tuple[np.ndarray, np.ndarray]:
    """Records, and reference rows, at or (``strict``) below the reference rows' 5th percentile.

    A reference row is held against the percentile of the *other* reference rows, as a record is
    against all of them: in-sample, each row helped set the line it was held against, so the
    reference's own rate fell short of a fresh record's by up to 1/(n+1) (+0.04 of excess at 20
    reference rows, +0.01 at 100, on fresh records). NaN values (one training row) hit nothing.
    """
    present = ~np.isnan(reference)
    if present.sum() < 2:
        return np.zeros(len(records), dtype=bool), np.zeros(len(reference), dtype=bool)
    below = np.less if strict else np.less_equal
    line = np.quantile(reference[present], TAIL_QUANTILE)
    own = np.full(len(reference), np.nan)
    own[present] = _loo_quantiles(reference[present], TAIL_QUANTILE)
    with np.errstate(invalid="ignore"):
        return below(records, line), below(reference, own)


def _loo_quantiles(values: np.ndarray, q: float) -> np.ndarray:
    """(n,) each value's leave-one-out ``q``-quantile of the other n - 1 (numpy's linear method); n >= 2."""
    n = len(values)
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    pos = q * (n - 2)
    j = int(np.floor(pos))

    def others(k: int) -> np.ndarray:  # the k-th smallest of the others, for each value
        k = min(k, n - 2)
        return np.where(k < rank, ranked[k], ranked[k + 1])

    low = others(j)
    return low + (pos - j) * (others(j + 1) - low)


def membership_measures(member_d: np.ndarray, nonmember_d: np.ndarray, real: RealReference, confidence: float,
                        tol: Mapping[str, float]) -> list[RiskMeasure]:
    """AUCs of the distance attack and of the DOMIAS-style density-ratio attack."""
    return [
        _auc_measure(
            "mia_distance",
            "membership attack AUC (distance to nearest record)",
            -member_d,
            -nonmember_d,
            confidence,
            tol["mia_distance"],
        ),
        _auc_measure(
            "mia_density",
            "membership attack AUC (density ratio, DOMIAS-style)",
            _log(real.member_radius) - _log(member_d),
            _log(real.nonmember_radius) - _log(nonmember_d),
            confidence,
            tol["mia_density"],
        ),
    ]


def _excess(name, label, records_hit, reference_hit, confidence, tolerance) -> RiskMeasure:
    s1, n1 = float(records_hit.sum()), len(records_hit)
    s2, n2 = float(reference_hit.sum()), len(reference_hit)
    return _measure(name, f"excess share: {label}", _stats.newcombe_interval(s1, n1, s2, n2, confidence), 0.0,
                    tolerance, "Newcombe hybrid score", {"records_rate": s1 / n1, "reference_rate": s2 / n2})


def _auc_measure(name, label, members, nonmembers, confidence, tolerance) -> RiskMeasure:
    return _measure(name, label, _stats.auc_interval(members, nonmembers, confidence), 0.5, tolerance, "DeLong",
                    {"members": len(members), "non_members": len(nonmembers)})


def _measure(name: str, label: str, estimate: tuple[float, float, float], null: float, tolerance: float,
             method: str, details: dict) -> RiskMeasure:
    """A RiskMeasure of ``estimate`` (value, low, high), its verdict from the interval against ``null``."""
    value, low, high = estimate
    return RiskMeasure(name=name, label=label, value=value, low=low, high=high, null=null, tolerance=tolerance,
                       verdict=_stats.verdict_from_interval(low, high, null, tolerance), method=method,
                       details=details)


def attribute_inference(real: RealReference, column: str, member_guess: np.ndarray, nonmember_guess: np.ndarray,
                        confidence: float, tolerance: float) -> RiskMeasure:
    """Success of guessing ``column`` from the nearest record on members vs non-members."""
    hit_train = _matches(member_guess, real.train_values[column], real.space, column)
    hit_ref = _matches(nonmember_guess, real.ref_values[column], real.space, column)
    measure = _excess(f"attribute_inference[{column}]", "", hit_train, hit_ref, confidence, tolerance)
    measure.label = f"attribute inference of {column!r} from the other columns"
    measure.details = {
        "train_success": measure.details["records_rate"],
        "reference_success": measure.details["reference_rate"],
    }
    return measure


def _matches(guess: np.ndarray, truth: np.ndarray, space, column: str) -> np.ndarray:
    if column in space.numeric:
        span = space.spans[space.numeric.index(column)]
        guess, truth = guess.astype(np.float64), truth.astype(np.float64)
        both_missing = np.isnan(guess) & np.isnan(truth)
        with np.errstate(invalid="ignore"):
            return both_missing | (np.abs(guess - truth) <= NUMERIC_MATCH * span)
    return pd.Series(guess).to_numpy() == pd.Series(truth).to_numpy()


def _log(d: np.ndarray) -> np.ndarray:
    return np.log(d + _LOG_EPS)
