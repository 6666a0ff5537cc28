"""What the column codecs and the schemas share about a column.

Its values as float64 (datetimes as seconds since the epoch), the point masses and the decimals
learnt from them, values as JSON scalars, whether a dtype can hold a missing value, and the
:class:`Span` a codec's output takes in the encoded matrix. The codecs themselves are in
:mod:`.numeric_codec` and :mod:`.categorical_codecs`; like them, these store aggregates only,
never a list of training values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .._errors import DataError
from .._text import columns_option
from .datetimes import DATE_RANGE, n_out_of_range, parse_datetimes, time_zone
from .schema import ColumnSpec

Z_EDGE = float(ndtri(1.0 - 1e-4))  # |z| of the outermost knots (~3.72)
MAX_DECIMALS = np.finfo(np.float64).precision - 1  # 14: more decimals than this are float64 noise
HEAD = 1000  # learn_decimals: values that find the first candidate count of decimals


@dataclass(frozen=True)
class Span:
    """A slice of the encoded matrix: ``linear`` (one number) or ``softmax`` (a one-hot block)."""

    start: int
    width: int
    activation: str
    column: str

    @property
    def stop(self) -> int:
        return self.start + self.width


def to_float(col: pd.Series, spec: ColumnSpec) -> np.ndarray:
    """A numeric or datetime column as float64 (datetimes in seconds), NaN for missing."""
    if spec.kind == "datetime":
        return seconds_since_epoch(parse_datetimes(col))
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def seconds_since_epoch(stamps: pd.Series) -> np.ndarray:
    """Parsed timestamps as float64 seconds since 1970 (UTC for aware ones), NaN for NaT; a
    DataError naming the column for dates outside 1677..2262."""
    outside = n_out_of_range(stamps)
    if outside:  # a 9999-12-31 "no end date" placeholder: OutOfBoundsDatetime below
        raise DataError(f"column {stamps.name!r}: {outside} date(s) outside {DATE_RANGE}, the range synthaug can "
                        "represent (a 9999-12-31 'no end date' placeholder, say); make them empty cells or "
                        f"leave the column out: {columns_option('drop', [stamps.name])}")
    if time_zone(stamps) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    seconds = stamps.astype("datetime64[ns]").to_numpy().astype("int64") / 1e9
    return np.where(stamps.isna().to_numpy(), np.nan, seconds)


def point_masses(present: np.ndarray, share: float, max_masses: int, min_count: int) -> np.ndarray:
    """The (at most ``max_masses``) values held by at least ``share`` of the rows and by at least
    ``min_count`` rows: in a column of 20 values or fewer one row is 5%, and its value would
    otherwise be stored, or written in a draft schema, exactly."""
    values, counts = np.unique(present, return_counts=True)
    shares = counts / max(len(present), 1)
    top = np.argsort(-shares, kind="stable")[:max_masses]
    return np.sort(values[top[(shares[top] >= share) & (counts[top] >= min_count)]])


def learn_decimals(x: np.ndarray, dtype: str) -> int | None:
    """The fewest decimals, at most ``precision - 1`` of the column's float type (14 for float64,
    5 for float32), that write every value of ``x`` (float64, no NaN) exactly, or up to float
    noise (:func:`_written_by`); None if none do.

    RDT's ``learn_rounding_scheme`` with three changes: the values are compared in the column's
    type (a float32 3.99 is 3.990000009536743 in float64); every count is tried from 0 up,
    as ``np.round(x, 14) == x`` fails for about one in ten values of 0..1e6 that 2 decimals write
    exactly (RDT tries 14 first and gives up on them); and a value a few units in the last place
    from a short one (882.4999999999999, 0.30000000000000004) reads as that value, so two such
    values no longer turn off rounding for a column of 4,850 amounts in cents. The first ``HEAD``
    values find where to start, so a column of float noise takes fifteen passes over those, none
    over the whole column.
    """
    ftype = np.float32 if str(dtype).lower() == "float32" else np.float64
    cap = min(np.finfo(ftype).precision - 1, MAX_DECIMALS)

    def first_written(values: np.ndarray, start: int) -> int | None:
        target = values.astype(ftype)
        return next((d for d in range(start, cap + 1) if _written_by(values, target, d, ftype).all()), None)

    start = first_written(x[:HEAD], 0)  # every count that writes all of x writes these
    return None if start is None else first_written(x, start)


NOISE_ULPS = 16  # _written_by: float noise, in units in the last place (882.4999999999999 is 1 from 882.5)
NOISE_MARGIN = 100  # ... when the grid of d decimals is at least this many times coarser than that


def _written_by(values: np.ndarray, target: np.ndarray, d: int, ftype: type) -> np.ndarray:
    """Whether ``d`` decimals write each value: its rounding is the value itself in ``ftype``
    (``target``), or at most ``NOISE_ULPS`` units in the last place from it while those decimals'
    grid is ``NOISE_MARGIN`` times coarser than that tolerance (about 12 significant digits in float64).
    The margin keeps columns that genuinely have many decimals unrounded: a random value lands that
    close to a grid point by chance with probability under 1/NOISE_MARGIN, and every value must."""
    rounded = np.round(values, d).astype(ftype)
    tolerance = NOISE_ULPS * np.spacing(np.abs(target))
    near = (np.abs(rounded - target) <= tolerance) & (0.5 * 10.0 ** -d >= NOISE_MARGIN * tolerance)
    return (rounded == target) | near


def _accepts_nan(dtype: str) -> bool:
    return dtype.startswith(("float", "Float", "Int", "UInt", "object", "str", "string", "datetime",
                             "category", "boolean"))


def categorical_dtype_state(dtype, kept: list) -> tuple[list | None, bool]:
    """(categories in the dtype's order, ordered) of a pandas categorical ``dtype``, else (None, False).

    Only the ``kept`` values are listed (JSON scalars seen often enough to be the column's, not a
    record's): a category of the dtype that no training row or a single row holds stays out of the
    model file (an unused one may be another private row's value: a table split after astype).
    """
    if not isinstance(dtype, pd.CategoricalDtype):
        return None, False
    kept_set = set(kept)
    order = [c for c in map(_to_json_scalar, dtype.categories) if c in kept_set]
    return order, bool(dtype.ordered)


def categories_dtype(dtype) -> str | None:
    """The dtype name of a pandas categorical ``dtype``'s categories (``datetime64[ns]``, ``int8``,
    ``str``), which gives non-text categories back from their JSON scalars; None for other dtypes."""
    return str(dtype.categories.dtype) if isinstance(dtype, pd.CategoricalDtype) else None


def json_values(col: pd.Series) -> pd.Series:
    """``col`` as objects comparable with JSON-scalar categories: a categorical's categories as
    :func:`_to_json_scalar` writes them (Timestamps as ISO text), renamed once per category."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        col = col.cat.rename_categories([_to_json_scalar(c) for c in col.cat.categories])
    return col.astype(object)


def _to_json_scalar(value):
    """numpy / pandas scalars to plain Python for JSON; timestamps to ISO strings."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value
