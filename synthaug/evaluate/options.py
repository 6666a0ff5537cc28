"""Checks of ``evaluate``'s options, each error naming the option as the user spells it."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import pandas as pd

from .._checks import is_whole
from .._errors import DataError
from .._text import in_python, listed_column_hint, option_name
from .baselines import BASELINES
from .metrics import METRICS


def drop_columns(drop, target, *frames):
    """``frames`` without the ``drop`` columns (where they have them); None and non-frames as given."""
    if not drop:
        return frames
    tables = [f for f in frames if isinstance(f, pd.DataFrame)]
    columns = {str(c) for f in tables for c in f.columns}
    for name in drop:
        if name == target:
            raise DataError(f"{option_name('drop')}: {name!r} is the target column")
        if name not in columns:
            hint = listed_column_hint(str(name), columns)
            raise DataError(f"{option_name('drop')}: no column {name!r} in any table{hint}")
    return tuple(
        f.drop(columns=[c for c in f.columns if c in set(drop)]) if isinstance(f, pd.DataFrame) else f for f in frames
    )


def ratios_option() -> str:
    """``ratios`` as the user spells it: ``--ratio`` (given once per ratio), ``evaluate.ratios`` in a recipe."""
    return option_name("ratios", "--ratio", "evaluate.ratios")


def check_ratios_add_records(ratios: Sequence[float], n_train: int) -> None:
    for ratio in ratios:
        if round(ratio * n_train) < 1:
            raise DataError(
                f"{ratios_option()}: {ratio:g} of {n_train} training rows adds no synthetic record; "
                f"use a ratio above {0.5 / n_train:.3g}"
            )


def as_ratios(ratios) -> tuple:
    """Any sequence or array of real numbers as a tuple of floats; other values as given, for the check."""
    if isinstance(ratios, (str, bytes)) or not hasattr(ratios, "__iter__"):
        return (ratios,) if ratios is not None else ()
    return tuple(float(r) if isinstance(r, numbers.Real) and not isinstance(r, bool) else r for r in ratios)


def as_int(value):
    """A numpy integer as an int; other values as given, for the check."""
    return int(value) if is_whole(value) else value


MIN_DETECTION_ROWS = 50
"""The least ``detection_rows``: fewer real and synthetic rows give the detector's folds next to nothing."""


def check_detection_rows(detection_rows) -> None:
    if not isinstance(detection_rows, int) or isinstance(detection_rows, bool) or detection_rows < MIN_DETECTION_ROWS:
        raise DataError(f"detection_rows must be an integer of at least {MIN_DETECTION_ROWS}, got {detection_rows!r}")


def check_options(ratios, baselines, n_seeds, primary_metric, n_boot, n_jobs) -> None:
    if not ratios or any(not (isinstance(r, (int, float)) and 0 < r < math.inf) for r in ratios):
        raise DataError(f"{ratios_option()} must be positive finite numbers, got {list(ratios)!r}")
    names = [f"{r:g}" for r in ratios]  # the settings are named after them
    repeated = next((r for r, name in zip(ratios, names, strict=True) if names.count(name) > 1), None)
    if repeated is not None:
        raise DataError(f"{ratios_option()}: {repeated:g} is given more than once, got {list(ratios)!r}")
    unknown = [b for b in baselines if b not in BASELINES]
    if unknown:
        name = option_name("baselines", recipe="evaluate.baselines")
        none = ", or baselines=() for none" if in_python() else ""  # the command line's "none" is () in Python
        raise DataError(f"{name}: unknown baseline {unknown[0]!r}; use any of {list(BASELINES)}{none}")
    if not isinstance(n_seeds, int) or isinstance(n_seeds, bool) or n_seeds < 1:
        raise DataError(f"{option_name('n_seeds', '--seeds', 'evaluate.seeds')} must be a positive integer, "
                        f"got {n_seeds!r}")
    if primary_metric not in METRICS:
        raise DataError(f"primary_metric must be one of {list(METRICS)}, got {primary_metric!r}")
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 100:
        raise DataError(f"n_boot must be an integer of at least 100, got {n_boot!r}")
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise DataError(f"n_jobs must be a positive integer, got {n_jobs!r}")
