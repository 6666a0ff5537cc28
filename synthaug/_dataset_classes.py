"""Which items an AugmentedDataset holds: its classes, the synthetic items per class, the checks on
its labels and on a synthesizer's, and the rows taken from pre-sampled synthetic data."""

from __future__ import annotations

import reprlib

import numpy as np
import pandas as pd

from ._errors import DataError, warn
from ._text import closest_name, plain, quoted
from .sampling import allocate, per_class_counts


def classes_of(y, labels: np.ndarray) -> np.ndarray:
    """The classes of ``y``: a Categorical's categories that occur, in category order (so indices agree
    with ``y.cat.codes``; sorted labels disagreed with them for every item), else the sorted labels."""
    dtype = getattr(y, "dtype", None)
    if not isinstance(dtype, pd.CategoricalDtype):
        return np.unique(labels)
    codes = np.asarray(y.codes if isinstance(y, pd.Categorical) else pd.Series(y).cat.codes)
    return dtype.categories.to_numpy()[np.unique(codes[codes >= 0])]


def synthetic_counts(labels: np.ndarray, classes: np.ndarray, ratio: float | None, per_class,
                      balance: bool, presampled: np.ndarray | None = None) -> np.ndarray:
    """Synthetic items per class (aligned with ``classes``); ``presampled``: the labels of pre-sampled
    synthetic data, all of which are taken when no count is asked for."""
    real = np.array([(labels == c).sum() for c in classes])  # one pass per class, not per row
    given = [f"{name}={reprlib.repr(value)}" for name, value, on in (("synthetic_ratio", ratio, ratio is not None),
                                                         ("per_class", per_class, per_class is not None),
                                                         ("balance", balance, bool(balance))) if on]
    if len(given) > 1:  # each sets every class's count on its own: the other(s) would be ignored
        raise DataError(f"AugmentedDataset: pass one of synthetic_ratio=, per_class= or balance=True, "
                        f"not {' and '.join(given)}")
    if per_class is not None:  # a negative count added nothing, 2.7 added 2: refused, as model.sample refuses them
        return per_class_counts(classes, per_class)
    if balance:
        if real.min() == real.max():  # model.sample(balance=True) refuses it; here it added nothing, silently
            warn(f"AugmentedDataset: balance=True adds no synthetic items: every class already has {real.max()} "
                 "items; pass per_class=N or synthetic_ratio=R for some")
        return real.max() - real
    if ratio is None and presampled is not None:  # no count asked for: all the pre-sampled rows
        unknown = presampled[~np.isin(presampled, classes)]
        if len(unknown):
            raise DataError(f"synthetic y has label {plain(unknown[0])!r}, which is not a class of y "
                            f"(classes are {quoted(classes)}){_text_labels_hint(presampled, classes)}")
        return np.array([(presampled == c).sum() for c in classes])
    ratio = 1.0 if ratio is None else ratio
    if not 0 <= ratio < np.inf:  # NaN and inf too, which round() cannot take
        raise DataError(f"synthetic_ratio must be a finite number >= 0, got {ratio}")
    return allocate(int(round(ratio * real.sum())), real / real.sum())


def _text_labels_hint(labels: np.ndarray, classes: np.ndarray) -> str:
    """How to convert synthetic labels that are y's classes as text ('0' for 0, as read back from a sample
    folder) to y's kind, or "" when they are not."""
    kind = np.asarray(classes).dtype.kind
    conversion = {"i": "int", "u": "int", "f": "float"}.get(kind, "str" if _label_kind(classes) == "text" else None)
    as_text = set(map(str, np.asarray(classes).tolist()))
    if conversion is None or not all(str(v) in as_text for v in np.unique(labels.astype(str)).tolist()):
        return ""
    return (f"; its labels are y's classes as {'text' if conversion != 'str' else 'numbers'}: "
            f"pass synthetic=(X, Y.astype({conversion}))")


def check_synthesizer_classes(synthesizer, wanted: np.ndarray) -> None:
    """Refuse a synthesizer fitted on other labels than ``y``'s, before asking it for them (its own
    error would name a per_class request the user never made)."""
    known = getattr(synthesizer, "classes_", None)
    if known is None:  # not fitted: its sample() says so
        return
    missing = [c for c in wanted.tolist() if c not in set(np.asarray(known).tolist())]
    kinds = _label_kind(wanted), _label_kind(known)
    as_text = set(map(str, np.asarray(known).tolist()))
    # '0' beside 0: say the kinds differ, not "did you mean '0'?"
    if missing and None not in kinds and kinds[0] != kinds[1] and all(str(c) in as_text for c in missing):
        raise DataError(f"AugmentedDataset: y's labels are {kinds[0]} ({quoted(wanted)}) but the synthesizer's are "
                        f"{kinds[1]} ({quoted(known)}); convert y to the synthesizer's labels "
                        f"(e.g. {'y.astype(int)' if kinds[1] == 'numbers' else 'y.astype(str)'}) or refit it on y")
    if missing:
        raise DataError(f"AugmentedDataset: class {plain(missing[0])!r} of y is not a class of the synthesizer, "
                        f"which was fitted on {quoted(known)}{closest_name(str(missing[0]), map(str, known))}; "
                        "fit it on labels like y's")


def _label_kind(labels) -> str | None:
    """"text" or "numbers" (booleans count as numbers) when every label is of that kind, else None."""
    values = np.asarray(labels)
    if values.dtype.kind in "biuf":
        return "numbers"
    if values.dtype.kind in "US":
        return "text"
    kinds = {"text" if isinstance(v, (str, bytes)) else "numbers" if isinstance(v, (int, float, np.number))
             else None for v in values.tolist()}  # an object array of classes, not of rows
    return kinds.pop() if len(kinds) == 1 else None


def check_lengths(X, y, x_name: str, y_name: str) -> np.ndarray:
    """``y`` as a 1-D array as long as ``X`` (else the unmatched items were silently left out)."""
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == 1:  # a column vector, as scikit-learn's column_or_1d takes
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise DataError(f"{y_name} must be one label per item (1-D); got shape {labels.shape}")
    if len(X) != len(labels):
        from .images.arrays import looks_like_one_image

        if labels.shape == (1,) and np.ndim(X) == 3 and looks_like_one_image(np.shape(X)):  # 2-D: a table
            raise DataError(f"{x_name} looks like one image of shape {tuple(np.shape(X))}; pass a batch of images "
                            f"({x_name.split()[-1]}[None] for one)")
        raise DataError(f"{x_name} has {len(X)} items but {y_name} has {len(labels)}")
    return labels


def take_per_class(X, y, per_class: dict, rng: np.random.Generator):
    """Rows of a pre-sampled synthetic set: ``per_class[c]`` of class c, without replacement."""
    y = np.asarray(y)
    chosen = []
    for cls, n in per_class.items():  # one vectorised draw per class
        rows = np.flatnonzero(y == cls)
        if len(rows) < n:
            raise DataError(f"synthetic data has {len(rows)} rows of class {cls!r}, {n} requested")
        chosen.append(rng.choice(rows, size=n, replace=False))
    index = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, np.int64)
    X_sel = X.iloc[index] if isinstance(X, pd.DataFrame) else np.asarray(X)[index]
    return X_sel, y[index]
