"""A public schema's column declarations: one column object of the JSON file checked and parsed
into a :class:`PublicColumn` (kind, dtype, bounds, point masses, categories, decimals, date text
format); see :mod:`synthaug.tabular.public_schema` for the file as a whole."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import DataError
from .._text import closest_name, columns_option
from .columns import MAX_DECIMALS, learn_decimals, seconds_since_epoch
from .datetimes import CASES, DATE_RANGE, TEXT_DIRECTIVES, is_text_format, n_out_of_range, parse_datetimes
from .schema import KINDS, ColumnSpec

NUMERIC = ("continuous", "integer", "datetime")
DEFAULT_DTYPES = {"continuous": "float64", "integer": "int64", "boolean": "bool", "categorical": "object",
                  "datetime": "datetime64[ns]", "constant": "object"}
COLUMN_KEYS = {"name", "kind", "dtype", "missing", "categories", "bounds", "point_masses", "value", "decimals",
               "text_format", "text_case"}
TEXT_KEYS = ("text_format", "text_case")  # format_version 3


@dataclass(frozen=True)
class PublicColumn:
    """One column as the public schema declares it (datetime bounds and masses in seconds)."""

    name: str
    kind: str
    dtype: str
    missing: bool = False
    categories: tuple = ()
    bounds: tuple[float, float] | None = None
    point_masses: tuple[float, ...] = ()
    value: object = None
    decimals: int | None = None
    text_format: tuple[str, str | None] | None = None  # (format, case) of dates sampled as text

    def spec(self) -> ColumnSpec:
        return ColumnSpec(self.name, self.kind, self.dtype, self.missing)


def label_dtype(classes: list) -> str:
    """The pandas dtype of a column of ``classes`` (or categories) given without one."""
    if all(isinstance(c, bool) for c in classes):
        return "bool"
    if all(isinstance(c, int) and not isinstance(c, bool) for c in classes):
        return "int64"
    if all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in classes):
        return "float64"
    return "object"


def parse_column(column, source: str) -> PublicColumn:
    """One column object of the file checked and parsed; one-line DataError naming ``source`` and the column."""
    if not isinstance(column, dict) or not isinstance(column.get("name"), str):
        raise DataError(f"{source}: every column needs a 'name' (text); got {str(column)[:60]!r}")
    name, kind = column["name"], column.get("kind")
    where = f"{source}: column {name!r}"
    if kind not in KINDS:
        raise DataError(f"{where}: unknown kind {kind!r}{closest_name(str(kind), KINDS)}; kinds are {', '.join(KINDS)}")
    unknown = sorted(set(column) - COLUMN_KEYS)
    if unknown:
        raise DataError(f"{where}: unknown key {unknown[0]!r}{closest_name(unknown[0], COLUMN_KEYS)}")
    missing = column.get("missing", False)
    if not isinstance(missing, bool):
        raise DataError(f"{where}: 'missing' must be true or false, got {missing!r}")
    base = {"name": name, "kind": kind, "dtype": str(column.get("dtype") or DEFAULT_DTYPES[kind]), "missing": missing}
    if column.get("decimals") is not None and kind != "continuous":
        raise DataError(f"{where}: 'decimals' is for continuous columns only (integers and dates are rounded "
                        f"to whole numbers and to their resolution); remove it")
    if any(key in column for key in TEXT_KEYS) and kind != "datetime":
        raise DataError(f"{where}: 'text_format' and 'text_case' are for datetime columns only; remove them")
    if kind in NUMERIC:
        bounds, masses = _numeric_fields(column, kind, where)
        if kind == "datetime":
            base["dtype"] = _checked_date_dtype(where, base["dtype"])
        else:
            base["dtype"] = checked_dtype(where, base["dtype"], list(bounds))
        decimals = _decimals(column.get("decimals"), bounds + masses, where, base["dtype"])
        text = _text_format(column, where, base["dtype"]) if kind == "datetime" else None
        return PublicColumn(**base, bounds=bounds, point_masses=masses, decimals=decimals, text_format=text)
    if kind in ("categorical", "boolean"):
        categories = _categories(column, kind, where)
        base["dtype"] = checked_dtype(where, column.get("dtype") or label_dtype(list(categories)), list(categories))
        return PublicColumn(**base, categories=categories)
    value = column.get("value")
    base["dtype"] = checked_dtype(where, base["dtype"], [] if value is None else [value])
    return PublicColumn(**base, value=value)


def checked_dtype(where: str, dtype, values: list) -> str:
    """``dtype`` as text, once pandas knows it and it can hold ``values`` (what sampling casts to it)."""
    try:
        resolved = pd.api.types.pandas_dtype(str(dtype))
    except TypeError:
        raise DataError(f"{where}: unknown dtype {dtype!r}; use a pandas dtype such as int64, float64, "
                        "bool, object or datetime64[ns]") from None
    try:
        pd.Series(values, dtype=object).astype(resolved)
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"{where}: dtype {dtype!r} cannot hold the schema's values {values[:5]!r}") from None
    return str(dtype)


def _checked_date_dtype(where: str, dtype: str) -> str:
    """A datetime64 dtype, or text (dates as pandas writes them): what sampling can turn dates into."""
    resolved = pd.api.types.pandas_dtype(checked_dtype(where, dtype, []))
    if not (pd.api.types.is_datetime64_any_dtype(resolved) or pd.api.types.is_string_dtype(resolved)):
        raise DataError(f"{where}: a datetime column's dtype must be datetime64[ns] (or another datetime64 "
                        f"dtype) or text (str, object); got {dtype!r}")
    return dtype


def _text_format(column: dict, where: str, dtype: str) -> tuple[str, str | None] | None:
    """A datetime column's (``text_format``, ``text_case``), None without a format; checked as a
    model file's is (:func:`~synthaug.tabular.datetimes.is_text_format`) and only for a text dtype."""
    shape, case = column.get("text_format"), column.get("text_case")
    if shape is None:
        if case is not None:
            raise DataError(f"{where}: 'text_case' needs a 'text_format' to write the dates in")
        return None
    if not is_text_format(shape, None):
        raise DataError(f"{where}: 'text_format' must be strftime directives ({TEXT_DIRECTIVES}) and "
                        f"separators, such as '%d-%b-%Y' or '%b %-d %Y'; got {shape!r}")
    if not is_text_format(shape, case):
        raise DataError(f"{where}: 'text_case' must be one of {', '.join(CASES)} or null, got {case!r}")
    if pd.api.types.is_datetime64_any_dtype(pd.api.types.pandas_dtype(dtype)):
        raise DataError(f"{where}: 'text_format' is for dates sampled as text, but the dtype is {dtype!r}; "
                        "make it str or object, or remove the format")
    return shape, case


def _numeric_fields(column: dict, kind: str, where: str) -> tuple[tuple[float, float], tuple[float, ...]]:
    bounds = column.get("bounds")
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise DataError(f"{where}: {kind} needs 'bounds': [low, high]")
    low, high = _as_numbers(bounds, kind, where, "bounds")
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise DataError(f"{where}: bounds must be finite with low < high, got {bounds!r}")
    if kind == "integer" and not (float(low).is_integer() and float(high).is_integer()):
        raise DataError(f"{where}: integer bounds must be whole numbers, got {bounds!r}")
    masses = column.get("point_masses", [])
    if not isinstance(masses, list):
        raise DataError(f"{where}: 'point_masses' must be a list of values, got {masses!r}")
    masses = tuple(sorted(set(_as_numbers(masses, kind, where, "point_masses"))))
    if kind == "integer" and not all(float(m).is_integer() for m in masses):
        raise DataError(f"{where}: an integer column's point masses must be whole numbers, "
                        f"got {column['point_masses']!r}")
    if any(not low <= m <= high for m in masses):
        raise DataError(f"{where}: every point mass must lie within the bounds {bounds!r}")
    return (low, high), masses


def _decimals(decimals, values: tuple[float, ...], where: str, dtype: str = "float64") -> int | None:
    """A continuous column's ``decimals`` (None if not given), once its bounds and point masses,
    which sampling returns as they are, are written with no more decimals than that, as numbers or
    as the column's ``dtype`` holds them (a float32 3.99, drafted as 3.990000009536743: 2)."""
    if decimals is None:
        return None
    if not (isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= MAX_DECIMALS):
        raise DataError(f"{where}: 'decimals' must be a whole number from 0 to {MAX_DECIMALS}, got {decimals!r}")
    x = np.asarray(values, dtype=np.float64)
    needed = [n for n in (learn_decimals(x, "float64"), learn_decimals(x, dtype)) if n is not None]
    if not needed or min(needed) > decimals:
        raise DataError(f"{where}: bounds and point masses must have at most {decimals} decimal(s), as "
                        f"'decimals' says; got bounds {list(values[:2])!r}, point masses {list(values[2:])!r}")
    return decimals


def _as_numbers(values: list, kind: str, where: str, key: str) -> list[float]:
    if kind == "datetime":
        stamps = parse_datetimes(pd.Series([str(v) for v in values], dtype=object))
        if stamps.isna().any():
            raise DataError(f"{where}: {key} must be dates such as '2020-01-31', got {values!r}")
        if n_out_of_range(stamps):  # OutOfBoundsDatetime when fitting
            raise DataError(f"{where}: {key} must be dates within {DATE_RANGE}, got {values!r}")
        return [float(s) for s in seconds_since_epoch(stamps)]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise DataError(f"{where}: {key} must be numbers, got {values!r}")
    return [float(v) for v in values]


def _categories(column: dict, kind: str, where: str) -> tuple:
    categories = column.get("categories", [False, True] if kind == "boolean" else None)
    if categories == []:  # what a draft writes when no category was common enough to list
        raise DataError(f"{where}: 'categories' is empty; fill in the column's public categories, or remove "
                        f"the column from the schema and leave it out of the data: "
                        f"{columns_option('drop', [column.get('name')])}")
    if not isinstance(categories, list):
        raise DataError(f"{where}: {kind} needs a non-empty 'categories' list")
    check_labels(categories, where, "categories")
    if kind == "boolean" and not set(categories) <= {False, True}:
        raise DataError(f"{where}: boolean categories must be true and/or false, got {categories!r}")
    return tuple(categories)


def check_labels(values: list, where: str, key: str) -> None:
    """Text, finite numbers or true/false, distinct as pandas compares them: 1, 1.0 and true are one
    value to an Index (a repr-distinct list of them gave InvalidIndexError at fit)."""
    if not all(isinstance(v, (str, int, float, bool)) for v in values):  # a list or object: unhashable later
        raise DataError(f"{where}: {key} must be text, numbers or true/false")
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        hint = ' (a missing value is not a category: use "missing": true)' if key == "categories" else ""
        raise DataError(f"{where}: {key} must be finite{hint}; got {values!r}")
    if len(set(values)) != len(values):
        raise DataError(f"{where}: {key} must be distinct (1, 1.0 and true are the same value); got {values!r}")
