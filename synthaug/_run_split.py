"""How ``synthaug run`` divides a recipe's rows (or images) into test, training and holdout sets."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from ._errors import DataError
from ._text import plain


def split(x, y: np.ndarray, data: dict, seed: int, unit: str = "rows") -> dict[str, np.ndarray]:
    """Row indices: stratified test share (none with ``data.test_path``, whose file is the test set);
    then ``rows_per_class`` for training (and, with ``holdout``, a disjoint holdout of the same size)
    from the rest. Errors count in ``unit``."""
    rows = np.arange(len(y))
    if "test_path" in data:
        rest, out = rows, {}
    else:
        rest, test = _test_split(rows, y, data, seed)
        out = {"test": test}
    per_class = data.get("rows_per_class")
    if per_class is None:
        out["train"] = rest
        return out
    holdout = data.get("holdout", True)
    _check_rows_per_class(y[rest], per_class, holdout, "holdout" in data, unit)
    rng = np.random.default_rng(seed)
    picks = {"train": [], "holdout": []}
    for cls in np.unique(y):  # one shuffled draw per class
        members = rng.permutation(rest[y[rest] == cls])
        need = 2 * per_class if holdout else per_class
        picks["train"].append(members[:per_class])
        picks["holdout"].append(members[per_class:need])
    out["train"] = np.concatenate(picks["train"])
    if data.get("holdout", True):
        out["holdout"] = np.concatenate(picks["holdout"])
    return out


def _test_split(rows: np.ndarray, y: np.ndarray, data: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(rest, test): the stratified ``data.test_size`` share of ``rows`` and the others."""
    test_size = float(data.get("test_size", 0.3))
    _check_split(y, test_size, data.get("rows_per_class"))
    try:
        return train_test_split(rows, test_size=test_size, stratify=y,
                                random_state=seed % 2**32)  # sklearn takes 32 bits, --seed any size
    except ValueError as exc:  # too few test or training rows for one of each class
        raise DataError(f"data.test_size: {test_size} cannot be split stratified ({exc})") from None


def _check_rows_per_class(y_rest: np.ndarray, per_class: int, holdout: bool, holdout_set: bool,
                          unit: str = "rows") -> None:
    """A DataError naming the smallest class when it has fewer rows outside the test set than
    ``rows_per_class`` needs (twice that with a holdout), with the largest value that fits and the way
    to train on every row (``holdout_set``: the recipe sets data.holdout, which then goes too)."""
    classes, counts = np.unique(y_rest, return_counts=True)
    need = 2 * per_class if holdout else per_class
    if counts.min() >= need:
        return
    smallest = int(np.argmin(counts))
    fits = int(counts[smallest]) // (2 if holdout else 1)
    what = f"{need} needed ({per_class} to train on and {per_class} held out)" if holdout else f"{need} needed"
    lower = f"set data.rows_per_class to at most {fits}, or " if fits >= 1 else ""
    unset = "--set data.rows_per_class=null" + (" --set data.holdout=null" if holdout_set else "")
    raise DataError(f"data.rows_per_class: class {plain(classes[smallest])!r} has {counts[smallest]} {unit} outside "
                    f"the test set, {what}; {lower}remove it to train on every training {unit[:-1]} ({unset})")


def _check_split(y: np.ndarray, test_size: float, per_class) -> None:
    """One-line errors for splits scikit-learn refuses with a traceback, or that leave no training rows."""
    if not 0.0 < test_size < 1.0:
        raise DataError(f"data.test_size: must be a share between 0 and 1 (exclusive), got {test_size}")
    if per_class is not None and int(per_class) < 1:
        raise DataError(f"data.rows_per_class: must be at least 1, got {per_class}")
    classes, counts = np.unique(y, return_counts=True)
    few = classes[counts < 2]
    if len(few) > 1 and 2 * len(few) >= len(classes):  # a measurement, not a label: name no value of it
        raise DataError(f"data.target: {len(classes)} distinct values in {len(y)} rows, {len(few)} of them in one row "
                        "only: is it the class label? A stratified test split needs at least 2 rows per class")
    if len(few):
        raise DataError(f"data.target: class {plain(few[0])!r} has {int(counts[counts < 2][0])} row; a stratified "
                        "test split needs at least 2 rows per class")
