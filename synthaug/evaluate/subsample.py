"""A seeded, class-stratified subsample of a large synthetic table, so the evaluation's memory and
time stay bounded whatever the number of records.

Every measure of :func:`synthaug.evaluate.evaluate` works on at most ``max_synthetic`` synthetic
records. A larger table is cut down to a random ``max_synthetic`` of its rows, drawn without
replacement within each class in the table's own class proportions (largest remainders), so the
class mix the fidelity weighting and the classifiers see is the table's. A class the table holds
keeps at least one record. A table at or below the cap is used whole, untouched.
"""

from __future__ import annotations

import numpy as np

from .._errors import DataError
from .._text import option_name


def class_quota(codes: np.ndarray, n: int) -> np.ndarray:
    """Records to keep per class code (``np.bincount`` order): ``n`` in all, in proportion to the
    counts of ``codes``, largest remainders first, and at least one of every present class.

    E.g. codes with counts (900, 90, 10) and ``n`` 100 give (90, 9, 1).
    """
    counts = np.bincount(codes)
    exact = counts * n / counts.sum()
    quota = np.floor(exact).astype(np.int64)
    quota[np.argsort(quota - exact, kind="stable")[: n - quota.sum()]] += 1  # largest remainders
    starved = (counts > 0) & (quota == 0)  # a rare class rounded away: one record, taken from the largest
    quota[starved] = 1
    quota[np.argmax(quota)] -= int(starved.sum())
    return quota


def subsample_rows(codes: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of ``n`` rows drawn without replacement per class (see :func:`class_quota`);
    all positions when there are at most ``n`` rows."""
    if len(codes) <= n:
        return np.arange(len(codes))
    quota = class_quota(codes, n)
    order = np.argsort(codes, kind="stable")  # positions grouped by class, O(n log n) once
    starts = np.r_[0, np.cumsum(np.bincount(codes, minlength=len(quota)))]
    picks = [rng.choice(order[starts[c] : starts[c + 1]], size=int(k), replace=False)
             for c, k in enumerate(quota) if k > 0]
    return np.sort(np.concatenate(picks))


def cap_option() -> str:
    """The cap as the user spells it."""
    return option_name("max_synthetic", "--max-synthetic", "evaluate.max_synthetic")


def check_max_synthetic(value: object) -> None:
    """``max_synthetic`` must be a whole number of at least 100 (None: no cap)."""
    if value is None:
        return
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 100:
        name = cap_option()
        raise DataError(f"{name} must be a whole number of at least 100 (or None for no cap), got {value!r}")


def subsample_note(n_measured: int, n_total: int) -> str:
    """The report's note on a subsampled synthetic table."""
    name = cap_option()
    return (f"measured on a random {n_measured:,} of {n_total:,} synthetic records (drawn per class in the table's "
            f"class proportions; {name} sets the cap): utility, fidelity and privacy all describe this sample, "
            "an exact-copy count covers these records only")
