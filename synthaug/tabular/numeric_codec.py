"""The reversible, vectorised codec of a numeric or datetime column.

It stores aggregates only (bin means, point masses shared by many rows, bounds, decimals), never
a list of training values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .._errors import ModelFileError
from .columns import MAX_DECIMALS, Z_EDGE, _accepts_nan, learn_decimals, point_masses, seconds_since_epoch, to_float
from .datetimes import (
    CASES,
    OBJECT_KINDS,
    TEXT_DIRECTIVES,
    as_date_objects,
    date_objects,
    format_dates,
    is_text_format,
    learn_text_format,
    parse_datetimes,
    resolution_ns,
    round_to_resolution,
    time_zone,
)
from .schema import ColumnSpec


class NumericCodec:
    """Point masses and missingness as a mode one-hot; the rest as a piecewise-linear normal score.

    The continuous part is mapped through knots (means of equal-count bins of the sorted values,
    plus the bounds) placed at normal quantiles, so multimodal and heavy-tailed columns become
    near-Gaussian. Integers are dequantised with uniform noise before and rounded after. A point
    mass holds at least ``mass_share`` of the values and occurs in at least ``min_count`` rows.
    Datetimes come back at the column's resolution (dates as dates, whole seconds as seconds) and
    in its time zone, text with month names, AM/PM or two-digit years as the column wrote it
    (``text_format_``, see :func:`~synthaug.tabular.datetimes.learn_text_format`; None: as pandas
    writes timestamps; an object column of ``datetime.date`` or Timestamp objects as such objects:
    ``objects_``); continuous numbers at the decimals of their training values
    (:func:`~.columns.learn_decimals`; ``decimals_`` None: not rounded), when decoded with ``rounding``.
    """

    def __init__(self, spec: ColumnSpec, max_knots: int, min_bin: int, mass_share: float, max_masses: int,
                 min_count: int = 2):
        self.spec, self.max_knots, self.min_bin = spec, max_knots, min_bin
        self.mass_share, self.max_masses, self.min_count = mass_share, max_masses, min_count

    @property
    def integral(self) -> bool:
        return self.spec.kind == "integer"

    def fit(self, col: pd.Series, rng: np.random.Generator) -> NumericCodec:
        self.resolution_ns_, self.tz_, self.text_format_, self.objects_ = 1, None, None, None
        if self.spec.kind == "datetime":
            stamps = parse_datetimes(col)
            x = seconds_since_epoch(stamps)  # first: it refuses dates resolution_ns cannot take
            self.resolution_ns_, self.tz_ = resolution_ns(stamps), time_zone(stamps)
            self.text_format_ = learn_text_format(col, stamps)
            self.objects_ = date_objects(col)  # datetime.date or Timestamp objects come back as such
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
        if self.objects_ is not None:
            return as_date_objects(pd.Series(stamps), self.objects_)
        text = stamps.astype(str) if self.text_format_ is None else format_dates(pd.Series(stamps), *self.text_format_)
        return pd.Series(text.where(~missing), dtype=object).astype(dtype)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        scalars = {"lo": self.lo_, "hi": self.hi_, "has_missing": self.has_missing_}
        if self.spec.kind == "datetime":
            scalars |= {"resolution_ns": int(self.resolution_ns_), "time_zone": self.tz_,
                        "text_format": None if self.text_format_ is None else list(self.text_format_)}
            if self.objects_ is not None:
                scalars["objects"] = self.objects_
        if self.spec.kind == "continuous":
            scalars["decimals"] = self.decimals_
        arrays = {"masses": self.masses_, "knots": self.knots_, "z_knots": self.z_knots_}
        return scalars, arrays

    def load(self, scalars: dict, arrays: dict[str, np.ndarray]) -> NumericCodec:
        self.lo_, self.hi_, self.has_missing_ = scalars["lo"], scalars["hi"], scalars["has_missing"]
        # model files before the resolution was stored: timestamps at full precision, UTC
        self.resolution_ns_, self.tz_ = int(scalars.get("resolution_ns", 1)), scalars.get("time_zone")
        self.text_format_ = _checked_text_format(scalars.get("text_format"), self.spec)  # older files: ISO text
        self.objects_ = _checked_objects(scalars.get("objects"), self.spec)  # older files: text
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


def _checked_objects(objects, spec: ColumnSpec) -> str | None:
    """A stored ``objects``: None, or one of OBJECT_KINDS for a datetime column held as objects."""
    if objects is None or (spec.kind == "datetime" and spec.dtype == "object" and objects in OBJECT_KINDS):
        return objects
    raise ModelFileError(f"column {spec.name!r}: objects must be one of {OBJECT_KINDS} for a datetime column "
                         f"of dtype object, or null; got {objects!r}")


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
