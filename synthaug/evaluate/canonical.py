"""Put checked tables in one canonical form, the form every measure of the evaluator reads.

Columns in schema order; numbers as float64, and dates too: seconds since 1970-01-01 UTC, so the
marginal distances, the classifiers and the privacy distances compare them as times, not as
labels; categories as text; target labels as the training table's label objects. Missing values:

* categorical NaN becomes its own category, :data:`MISSING`, everywhere;
* numeric NaN stays NaN here; classifiers impute the training median and add a missing
  indicator, distances treat "missing" as a value (see :mod:`synthaug.evaluate.distances`).

The tables must have passed :func:`~.tables.check_tables` (column kinds: :mod:`.tables`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..tabular.datetimes import parse_datetimes
from .tables import TableSchema

MISSING = "<missing>"


def date_seconds(series: pd.Series, first: bool | None = None) -> np.ndarray:
    """Dates (text or ``datetime64``) as float seconds since 1970-01-01 UTC; missing or unparsable: NaN.

    ``first``: read ``dd/mm/yyyy`` text day first (None: as the column's own values say).
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        stamps = series
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stamps = parse_datetimes(series.astype(object).where(series.notna(), None), first)
    if getattr(stamps.dt, "tz", None) is not None:  # an instant; naive times read as UTC
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return ((stamps - pd.Timestamp("1970-01-01")) / pd.Timedelta(seconds=1)).to_numpy(np.float64, na_value=np.nan)


def canonical(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Columns in schema order; numerics as float64; categoricals as text with NaN -> MISSING.

    Target labels become the training table's label objects (so ``1.0`` reads as ``1``); the
    frame must have passed :func:`check_table`.
    """
    out = {}
    for column in schema.numeric:
        if column in schema.dates:
            out[column] = date_seconds(frame[column], column in schema.day_first)
        else:
            out[column] = pd.to_numeric(frame[column], errors="raise").to_numpy(np.float64)
    for column in schema.categorical:
        out[column] = as_text(_whole_numbers(frame[column]) if column in schema.forced else frame[column])
    labels = np.empty(len(schema.classes), dtype=object)
    labels[:] = list(schema.classes)
    out[schema.target] = labels[encode_labels(frame[schema.target], schema)]
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def encode_labels(labels: pd.Series | np.ndarray, schema: TableSchema) -> np.ndarray:
    """Class labels -> integer codes 0..K-1 in ``schema.classes`` order (all labels are known)."""
    lookup = {label: code for code, label in enumerate(schema.classes)}
    return pd.Series(labels).map(lookup).to_numpy(dtype=np.int64)


def as_text(col: pd.Series, missing: str = MISSING) -> np.ndarray:
    """A column's values as text (an object array of str), missing values as the category ``missing``."""
    obj = col.astype(object)
    return obj.where(obj.notna(), missing).astype(str).to_numpy()


def _whole_numbers(col: pd.Series) -> pd.Series:
    """A float column's whole numbers as integers (objects), so the category of 12345.0 (a column
    with NaN) is the category of 12345 (one without); other columns as given."""
    if not pd.api.types.is_float_dtype(col.dtype):
        return col
    values = col.to_numpy(np.float64)
    whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2**53)
    out = col.astype(object)
    out[whole] = values[whole].astype(np.int64)
    return out
