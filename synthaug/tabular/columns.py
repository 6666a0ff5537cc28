"""Reversible, vectorised codecs for one column each: numeric, categorical, constant.

Every codec stores aggregates only (bin means, point masses shared by many rows, category
labels seen at least ``min_count`` times, bounds), never a list of training values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .._errors import DataError, ModelFileError, warn
from .._text import columns_option
from .datetimes import (
    CASES,
    DATE_RANGE,
    TEXT_DIRECTIVES,
    format_dates,
    is_text_format,
    learn_text_format,
    n_out_of_range,
    parse_datetimes,
    resolution_ns,
    round_to_resolution,
    time_zone,
)
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


class NumericCodec:
    """Point masses and missingness as a mode one-hot; the rest as a piecewise-linear normal score.

    The continuous part is mapped through knots (means of equal-count bins of the sorted values,
    plus the bounds) placed at normal quantiles, so multimodal and heavy-tailed columns become
    near-Gaussian. Integers are dequantised with uniform noise before and rounded after. A point
    mass holds at least ``mass_share`` of the values and occurs in at least ``min_count`` rows.
    Datetimes come back at the column's resolution (dates as dates, whole seconds as seconds) and
    in its time zone, text with month names, AM/PM or two-digit years as the column wrote it
    (``text_format_``, see :func:`~synthaug.tabular.datetimes.learn_text_format`; None: as pandas
    writes timestamps); continuous numbers at the decimals of their training values
    (:func:`learn_decimals`; ``decimals_`` None: not rounded), when decoded with ``rounding``.
    """

    def __init__(self, spec: ColumnSpec, max_knots: int, min_bin: int, mass_share: float, max_masses: int,
                 min_count: int = 2):
        self.spec, self.max_knots, self.min_bin = spec, max_knots, min_bin
        self.mass_share, self.max_masses, self.min_count = mass_share, max_masses, min_count

    @property
    def integral(self) -> bool:
        return self.spec.kind == "integer"

    def fit(self, col: pd.Series, rng: np.random.Generator) -> NumericCodec:
        self.resolution_ns_, self.tz_, self.text_format_ = 1, None, None
        if self.spec.kind == "datetime":
            stamps = parse_datetimes(col)
            x = seconds_since_epoch(stamps)  # first: it refuses dates resolution_ns cannot take
            self.resolution_ns_, self.tz_ = resolution_ns(stamps), time_zone(stamps)
            self.text_format_ = learn_text_format(col, stamps)
        else:
            x = to_float(col, self.spec)
        present = x[~np.isnan(x)]
        self.decimals_ = learn_decimals(present, self.spec.dtype) if self.spec.kind == "continuous" else None
        self.lo_, self.hi_ = float(present.min()), float(present.max())
        self.masses_ = point_masses(present, self.mass_share, self.max_masses, self.min_count)
        self.has_missing_ = bool(np.isnan(x).any())
        rest = present[~np.isin(present, self.masses_)]
        self.knots_, self.z_knots_ = self._fit_knots(self._dequantise(rest, rng))
        return self

    def _dequantise(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return x + rng.uniform(-0.5, 0.5, size=x.shape) if self.integral else x

    def _fit_knots(self, rest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        half = 0.5 if self.integral else 0.0
        lo, hi = self.lo_ - half, self.hi_ + half
        if len(rest) == 0:
            return np.array([lo, hi]), np.array([-Z_EDGE, Z_EDGE])
        n = len(rest)
        n_bins = int(np.clip(n // self.min_bin, 1, self.max_knots))
        edges = (np.arange(n_bins + 1) * n) // n_bins
        sizes = np.diff(edges)
        means = np.add.reduceat(np.sort(rest), edges[:-1]) / sizes  # equal-count bin means
        levels = (edges[:-1] + sizes / 2) / n
        knots = np.concatenate([[lo], means, [hi]])
        z = np.concatenate([[-Z_EDGE], ndtri(np.clip(levels, 1e-4, 1 - 1e-4)), [Z_EDGE]])
        knots = np.maximum.accumulate(knots)
        keep = np.concatenate([[True], np.diff(knots) > 0])
        keep[-1] = True
        return knots[keep], z[keep]

    @property
    def n_modes(self) -> int:
        return len(self.masses_) + int(self.has_missing_) + 1

    def widths(self) -> list[tuple[int, str]]:
        return [(1, "linear")] + ([(self.n_modes, "softmax")] if self.n_modes > 1 else [])

    def transform(self, col: pd.Series, rng: np.random.Generator) -> np.ndarray:
        x = to_float(col, self.spec)
        n = len(x)
        mode = np.full(n, self.n_modes - 1)  # continuous mode is last
        missing = np.isnan(x)
        for k, mass in enumerate(self.masses_):  # a loop over point masses, each a column op
            mode[x == mass] = k
        if self.has_missing_:
            mode[missing] = len(self.masses_)
        cont = mode == self.n_modes - 1
        z = np.zeros(n)
        xc = self._dequantise(np.where(cont & ~missing, x, self.lo_), rng)
        z[cont] = np.interp(xc[cont], self.knots_, self.z_knots_)
        if self.n_modes == 1:
            return z[:, None]
        onehot = np.zeros((n, self.n_modes))
        onehot[np.arange(n), mode] = 1.0
        return np.column_stack([z, onehot])

    def inverse(self, block: np.ndarray, clip: bool, rounding: bool) -> pd.Series:
        z = block[:, 0].astype(np.float64)
        x = np.interp(z, self.z_knots_, self.knots_)
        if not clip:
            x = self._extrapolate(z, x)
        if self.integral:
            x = np.round(x)
        if clip:
            x = np.clip(x, self.lo_, self.hi_)
        if self.n_modes > 1:
            mode = block[:, 1:].argmax(1)
            n_masses = len(self.masses_)
            if n_masses:
                x = np.where(mode < n_masses, self.masses_[np.minimum(mode, n_masses - 1)], x)
            if self.has_missing_:
                x = np.where(mode == n_masses, np.nan, x)
        if not self.integral and rounding and self.decimals_ is not None:  # last: a bound or point mass may be
            x = np.round(x, self.decimals_)  # float noise from the grid (882.4999999999999 for 882.5)
        return self._restore_dtype(x + 0.0)  # -0.0 as 0.0: round(-0.3) clipped to 0 kept its sign, written "-0.0"

    def _extrapolate(self, z: np.ndarray, x: np.ndarray) -> np.ndarray:
        zk, xk = self.z_knots_, self.knots_
        if len(zk) < 2:
            return x
        lo_slope = (xk[1] - xk[0]) / (zk[1] - zk[0])
        hi_slope = (xk[-1] - xk[-2]) / (zk[-1] - zk[-2])
        x = np.where(z < zk[0], xk[0] + (z - zk[0]) * lo_slope, x)
        return np.where(z > zk[-1], xk[-1] + (z - zk[-1]) * hi_slope, x)

    def _restore_dtype(self, x: np.ndarray) -> pd.Series:
        """``x`` as the column's dtype; whole numbers that were float only because of missing cells
        as ``Int64`` (written ``25``, not ``25.0``), and NaN in a dtype that cannot hold it as
        ``Int64`` or float64."""
        dtype = self.spec.dtype
        if self.spec.kind == "datetime":
            return self._restore_datetimes(x)
        if self.integral and self.spec.has_missing and dtype.startswith("float"):
            dtype = "Int64"
        elif np.isnan(x).any() and not _accepts_nan(dtype):
            dtype = "Int64" if self.integral else "float64"
        return pd.Series(x).astype(dtype)

    def _restore_datetimes(self, x: np.ndarray) -> pd.Series:
        """Seconds since the epoch (UTC) as the column's dtype: datetime64, or text as pandas writes it
        (month names, AM/PM and two-digit years in the column's ``text_format_``)."""
        dtype, missing = self.spec.dtype, np.isnan(x)
        target = pd.api.types.pandas_dtype(dtype) if dtype.startswith("datetime64") else None
        tz = str(target.tz) if getattr(target, "tz", None) is not None else self.tz_
        nanos = np.round(np.where(missing, 0.0, x) * 1e9).astype("int64")
        nanos = round_to_resolution(nanos, self.resolution_ns_, tz)
        stamps = pd.DatetimeIndex(nanos.astype("datetime64[ns]"))
        if tz is not None:  # to_float measured aware dates in UTC
            stamps = stamps.tz_localize("UTC").tz_convert(tz)
        stamps = stamps.where(~missing)
        if target is not None:
            return pd.Series(stamps).astype(target)
        text = stamps.astype(str) if self.text_format_ is None else format_dates(pd.Series(stamps), *self.text_format_)
        return pd.Series(text.where(~missing), dtype=object).astype(dtype)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        scalars = {"lo": self.lo_, "hi": self.hi_, "has_missing": self.has_missing_}
        if self.spec.kind == "datetime":
            scalars |= {"resolution_ns": int(self.resolution_ns_), "time_zone": self.tz_,
                        "text_format": None if self.text_format_ is None else list(self.text_format_)}
        if self.spec.kind == "continuous":
            scalars["decimals"] = self.decimals_
        arrays = {"masses": self.masses_, "knots": self.knots_, "z_knots": self.z_knots_}
        return scalars, arrays

    def load(self, scalars: dict, arrays: dict[str, np.ndarray]) -> NumericCodec:
        self.lo_, self.hi_, self.has_missing_ = scalars["lo"], scalars["hi"], scalars["has_missing"]
        # model files before the resolution was stored: timestamps at full precision, UTC
        self.resolution_ns_, self.tz_ = int(scalars.get("resolution_ns", 1)), scalars.get("time_zone")
        self.text_format_ = _checked_text_format(scalars.get("text_format"), self.spec)  # older files: ISO text
        self.decimals_ = _checked_decimals(scalars.get("decimals"), self.spec)  # older files: not rounded
        self.masses_, self.knots_, self.z_knots_ = arrays["masses"], arrays["knots"], arrays["z_knots"]
        return self


def _checked_decimals(decimals, spec: ColumnSpec) -> int | None:
    """A stored ``decimals``: None, or a whole number 0..MAX_DECIMALS for a continuous column."""
    if decimals is None or (spec.kind == "continuous" and isinstance(decimals, int)
                            and not isinstance(decimals, bool) and 0 <= decimals <= MAX_DECIMALS):
        return decimals
    raise ModelFileError(f"column {spec.name!r}: decimals must be a whole number 0..{MAX_DECIMALS} for a continuous "
                         f"column, or null; got {decimals!r}")


def _checked_text_format(text_format, spec: ColumnSpec) -> tuple[str, str | None] | None:
    """A stored ``text_format``: None, or [format of the allowed directives and separators, case]."""
    if text_format is None:
        return None
    if (spec.kind == "datetime" and isinstance(text_format, list) and len(text_format) == 2
            and is_text_format(*text_format)):
        return text_format[0], text_format[1]
    raise ModelFileError(f"column {spec.name!r}: text_format must be [format, case] for a datetime column, the "
                         f"format of strftime directives ({TEXT_DIRECTIVES}) and separators, the case one of {CASES} "
                         f"or null; got {text_format!r}")


def _accepts_nan(dtype: str) -> bool:
    return dtype.startswith(("float", "Float", "Int", "UInt", "object", "str", "string", "datetime",
                             "category", "boolean"))


class CategoricalCodec:
    """One-hot over the categories seen at least ``min_count`` times (and missing, if any).

    Rarer categories never enter the model file (a singleton value is often an identifier). For
    training, each of their rows is given a kept category drawn by the kept categories' frequencies,
    so the folded mass adds no category of its own and no tie to the rows' classes. A categorical
    column with no category that common is modelled as missing (a boolean keeps its most frequent
    value: True and False are public).
    """

    def __init__(self, spec: ColumnSpec, min_count: int):
        self.spec, self.min_count = spec, min_count

    def fit(self, col: pd.Series, rng: np.random.Generator) -> CategoricalCodec:
        counts = col.value_counts(dropna=True)
        kept = counts[counts >= self.min_count]
        rare = kept.empty and self.spec.kind == "categorical" and not counts.empty
        if kept.empty and not rare:
            kept = counts.head(1)
        if rare:
            _warn_rare(self.spec.name, self.min_count)
        self.categories_ = [_to_json_scalar(v) for v in kept.index]
        self.has_missing_ = bool(col.isna().any()) or rare
        self.n_folded_ = int(len(counts) - len(kept))
        self.dtype_categories_, self.ordered_ = categorical_dtype_state(col.dtype, self.categories_)
        return self

    @property
    def width(self) -> int:
        return len(self.categories_) + int(self.has_missing_)

    def widths(self) -> list[tuple[int, str]]:
        return [(self.width, "softmax")]

    def codes(self, col: pd.Series, rng: np.random.Generator) -> np.ndarray:
        """Each row's category code; a folded row draws a kept category by the kept rows' frequencies."""
        lookup = pd.Index(pd.Series(self.categories_, dtype=object))
        codes = lookup.get_indexer(col.astype(object))
        folded = (codes < 0) & col.notna().to_numpy()
        if folded.any() and self.categories_:
            codes[folded] = draw_kept(codes, int(folded.sum()), len(self.categories_), rng)
        if self.has_missing_:  # a column with no kept category is all missing
            codes[col.isna().to_numpy() | (codes < 0)] = len(self.categories_)
        return codes

    def transform(self, col: pd.Series, rng: np.random.Generator) -> np.ndarray:
        codes = self.codes(col, rng)
        onehot = np.zeros((len(col), self.width))
        onehot[np.arange(len(col)), codes] = 1.0
        return onehot

    def inverse(self, block: np.ndarray, clip: bool, rounding: bool) -> pd.Series:
        codes = np.minimum(block.argmax(1), len(self.categories_))  # the last code is missing
        missing = self.has_missing_ and bool((codes == len(self.categories_)).any())
        values = np.array(self.categories_ + [np.nan], dtype=object)  # NaN, as pandas reads a missing cell
        out = pd.Series(values[codes], dtype=object)
        dtype = self.spec.dtype
        if dtype in ("bool", "boolean") and not missing:
            return out.astype(dtype)
        if missing and not _accepts_nan(dtype):
            return out if dtype == "bool" else out.astype("float64")
        if self.dtype_categories_ is not None:  # a pandas Categorical: its categories' order, not sorted
            return out.astype(pd.CategoricalDtype(self.dtype_categories_, ordered=self.ordered_))
        return out if dtype == "object" else out.astype(dtype)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        scalars = {"categories": self.categories_, "has_missing": self.has_missing_}
        if self.dtype_categories_ is not None:
            scalars |= {"dtype_categories": self.dtype_categories_, "ordered": self.ordered_}
        return scalars, {}

    def load(self, scalars: dict, arrays: dict[str, np.ndarray]) -> CategoricalCodec:
        self.categories_, self.has_missing_ = list(scalars["categories"]), scalars["has_missing"]
        # model files before the categorical dtype was stored (and public schemas): categories sorted
        order = scalars.get("dtype_categories")
        self.dtype_categories_ = None if order is None else list(order)
        self.ordered_ = bool(scalars.get("ordered", False))
        return self


def draw_kept(codes: np.ndarray, n_folded: int, n_codes: int, rng: np.random.Generator) -> np.ndarray:
    """``n_folded`` codes in ``0..n_codes-1``, drawn by the kept rows' (``codes >= 0``) frequencies (uniform if none).

    Not by the rows' class: a class with few kept rows would pile its folded rows onto those few
    categories, the most-frequent fill's fault again, and onto real records' values.
    """
    kept = codes[codes >= 0]
    counts = np.bincount(kept, minlength=n_codes).astype(np.float64) if len(kept) else np.ones(n_codes)
    cdf = np.cumsum(counts / counts.sum())
    cdf[-1] = 1.0
    return np.minimum(np.searchsorted(cdf, rng.random(n_folded), side="left"), n_codes - 1)


def categorical_dtype_state(dtype, kept: list) -> tuple[list | None, bool]:
    """(categories in the dtype's order, ordered) of a pandas categorical ``dtype``, else (None, False).

    Only the ``kept`` values (JSON scalars seen often enough to be the column's, not a record's)
    are listed: a category of the dtype that no row or a single row holds stays out of the model file.
    """
    if not isinstance(dtype, pd.CategoricalDtype):
        return None, False
    kept_set = set(kept)
    order = [c for c in map(_to_json_scalar, dtype.categories) if c in kept_set]
    return order, bool(dtype.ordered)


class ConstantCodec:
    """A column with one value (or none), perhaps with missing values.

    Without missing values there is nothing to learn: the value is restored on decode. One value
    and missing values is a two-way choice, a softmax span ``[value, missing]`` the generator
    learns like a category, so the missing share is reproduced (and follows the class). A value
    present in fewer than ``min_count`` rows is a record's, not the column's: it is not kept, and
    the column is modelled as missing.
    """

    def __init__(self, spec: ColumnSpec, min_count: int = 1):
        self.spec, self.min_count = spec, min_count

    def fit(self, col: pd.Series, rng: np.random.Generator) -> ConstantCodec:
        present = col.dropna()
        if 0 < len(present) < self.min_count:
            _warn_rare(self.spec.name, self.min_count)
            present = present.iloc[:0]
        self.value_ = _to_json_scalar(present.iloc[0]) if len(present) else None
        self.has_missing_ = self.value_ is not None and bool(col.isna().any())
        return self

    def widths(self) -> list[tuple[int, str]]:
        return [(2, "softmax")] if self.has_missing_ else []

    def transform(self, col: pd.Series, rng: np.random.Generator) -> np.ndarray:
        if not self.has_missing_:
            return np.zeros((len(col), 0))
        missing = col.isna().to_numpy()
        return np.column_stack([~missing, missing]).astype(np.float64)  # (n, 2): value, missing

    def inverse(self, block: np.ndarray, clip: bool, rounding: bool) -> pd.Series:
        """The value, or missing where the span's second score wins; ``block`` is (n, 0) or (n, 2)."""
        n = len(block)
        if self.value_ is None:
            return pd.Series(np.full(n, np.nan), dtype=object)
        missing = block.argmax(1) == 1 if self.has_missing_ else np.zeros(n, dtype=bool)
        out = pd.Series(np.array([self.value_, np.nan], dtype=object)[missing.astype(np.int64)], dtype=object)
        dtype = self.spec.dtype
        if not missing.any():
            return out.astype(dtype)
        if not _accepts_nan(dtype):  # a public schema's "int64" or "bool" with missing values
            numeric = isinstance(self.value_, (int, float)) and not isinstance(self.value_, (bool, np.bool_))
            return out.astype("float64") if numeric else out  # booleans stay True / NaN, as categories do
        return out if dtype == "object" else out.astype(dtype)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        return {"value": self.value_, "has_missing": self.has_missing_}, {}

    def load(self, scalars: dict, arrays: dict[str, np.ndarray]) -> ConstantCodec:
        # model files before constant columns modelled their missing values: none, so no span
        self.value_ = scalars["value"]
        self.has_missing_ = self.value_ is not None and bool(scalars.get("has_missing", False))
        return self


def _warn_rare(name: str, min_count: int) -> None:
    warn(f"column {name!r}: no value occurs in {min_count} or more rows, so it is modelled as missing "
         "(keeping a value would copy a record into the model file and every sampled row)")


def _to_json_scalar(value):
    """numpy / pandas scalars to plain Python for JSON; timestamps to ISO strings."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value
