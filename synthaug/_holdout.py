"""The holdout a release keeps back: a stratified split of the table into training rows and the
holdout that scores utility and is the privacy reference, refused (naming the holdout option and
the fractions that work) when a part would lack a class."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from ._checks import is_finite
from ._errors import DataError
from ._text import coarse_count, column_hint, counted, dp_count_note, option_name, plain, quoted


def split_holdout(data: pd.DataFrame, target: str, fraction: float, seed: int,
                  halving: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified (train, holdout); the holdout scores utility and is the privacy reference.
    ``halving`` names the option that splits the holdout itself in two (``fraction`` 0.5)."""
    option = halving or option_name("holdout", recipe="share.holdout")
    if not (is_finite(fraction) and 0 < fraction < 1):
        raise DataError(f"{option} must be a fraction between 0 and 1, got {fraction}")
    if target not in data.columns:
        raise DataError(f"target column {target!r} not found{column_hint(target, data.columns)}")
    labels, groups = data[target], strata(data[target])
    k = pd.Series(groups).nunique(dropna=False)
    pooled = labels.nunique(dropna=False) > k
    what = f"{k} class{'' if k == 1 else 'es'}" + (" (classes of one row count as one)" if pooled else "")
    check_split_sizes(len(data), k, fraction, what, halving)
    train, holdout = train_test_split(data, test_size=fraction, stratify=groups,
                                      random_state=seed % 2**32)  # sklearn takes 32 bits, seeds have 64
    return train.reset_index(drop=True), holdout.reset_index(drop=True)


def check_split_sizes(n: int, k: int, fraction: float, what: str, halving: str | None = None) -> None:
    """Refuse a stratified split of ``n`` rows of ``k`` strata (``what``: "2 classes") by ``fraction``
    that leaves either part fewer than ``k`` rows: scikit-learn's rule, with its arithmetic (ceil(fraction
    * n) rows held out), but naming the holdout option and the fractions that work, where its own words
    ("The test_size = 1 should be greater or equal to the number of classes = 2") named neither."""
    def valid(f: float) -> bool:
        return k <= math.ceil(f * n) <= n - k

    if valid(fraction):
        return
    holdout = option_name("holdout", recipe="share.holdout")
    if halving:  # the 0.5 is not the user's: the holdout is too small
        raise DataError(f"{halving}: {counted(n, 'holdout row')} cannot be halved with a row of each of {what} in "
                        f"each half; give a larger {holdout}")
    if n < 2 * k:
        raise DataError(f"{holdout}: {counted(n, 'row')} cannot be split so that the holdout and the training rows "
                        f"each hold a row of each of {what}; that takes at least {2 * k} rows")
    n_out = math.ceil(fraction * n)
    part = f"holds out {n_out} of {n} rows" if n_out < k else f"leaves {n - n_out} of {n} rows to train on"
    raise DataError(f"{holdout} {fraction} {part}; the holdout and the training rows each need a row of each of the "
                    f"{what}: for {n} rows, use a fraction from {_bound(k / n, True, valid)} to "
                    f"{_bound((n - k) / n, False, valid)}")


def _bound(x: float, up: bool, valid: Callable[[float], bool]) -> str:
    """``x`` rounded up (or down) to the fewest significant digits, from 3, that ``valid`` accepts."""
    for digits in range(3, 17):
        scale = 10.0 ** (digits - 1 - math.floor(math.log10(x)))
        rounded = (math.ceil if up else math.floor)(round(x * scale, 9)) / scale  # 0.02 * 1e4: 200.00000000000003
        if valid(rounded):
            return f"{rounded:.{digits}g}"
    return repr(x)


def strata(labels: pd.Series):
    """What :func:`split_holdout` stratifies on: the labels, with the classes of a single row pooled
    into one stratum (joining the largest class when the pool is a single row too). scikit-learn
    refuses a stratum of one, and splitting unstratified instead, as it did, left every class to
    chance once one class had a single row."""
    codes, _ = pd.factorize(labels, use_na_sentinel=False)
    counts = np.bincount(codes)
    single = counts[codes] < 2
    if not single.any():
        return labels  # as always: the same split as before for tables without such classes
    pool = int(np.argmax(counts)) if single.sum() == 1 else len(counts)
    return np.where(single, pool, codes)


MIN_CLASS_ROWS = 2
"""Fewest training rows of a class a release synthesises. A class of one row has no class-mate to
set its privacy-filter radius and a conditional model of one row copies it: a user trial's single
'rare_syndrome' row was released with two digits changed, every gate passing on the pooled
measures."""


def check_class_rows(labels: pd.Series, train_labels: pd.Series, fraction: float, coarse: bool = False) -> None:
    """Refuse, before training, a class with fewer than :data:`MIN_CLASS_ROWS` training rows after
    the holdout split (``labels``: every row's, ``train_labels``: the training rows'); with ``coarse``
    (under DP) the class's rows are counted to their order of magnitude."""
    counts = labels.value_counts(sort=False)
    trained = train_labels.value_counts(sort=False).reindex(counts.index, fill_value=0)
    few = trained[trained < MIN_CLASS_ROWS].sort_values(kind="stable")
    if len(few):
        label, total, left = plain(few.index[0]), int(counts[few.index[0]]), int(few.iloc[0])
        rows = f"{counted(total, 'row')}, {left}"
        if coarse:
            rows = f"{coarse_count(total)} rows, fewer than {MIN_CLASS_ROWS}"
        more = f" (too few as well: {quoted(few.index[1:])})" if len(few) > 1 else ""
        holdout = option_name("holdout", recipe="share.holdout")
        raise DataError(f"class {label!r} of {labels.name!r} has {rows} left to train on after {holdout} {fraction}"
                        f"{more}: a release needs at least {MIN_CLASS_ROWS} training rows of every class (one is "
                        "copied, not synthesised); drop the class's rows, merge it into another class, or give it "
                        f"more rows{dp_count_note(coarse, 'error')}")
