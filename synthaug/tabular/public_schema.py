"""Public schemas: column kinds, category lists, bounds and class names given, not learned.

A public schema is a JSON file (``synthaug schema`` drafts one for review)::

    {"format": "synthaug-public-schema", "format_version": 3,
     "target": {"name": "income", "classes": ["<=50K", ">50K"], "counts": null},
     "columns": [
       {"name": "age", "kind": "integer", "bounds": [16, 100]},
       {"name": "capital-gain", "kind": "integer", "bounds": [0, 100000], "point_masses": [0]},
       {"name": "workclass", "kind": "categorical", "categories": ["Private", "State-gov"], "missing": true},
       {"name": "member", "kind": "boolean"},
       {"name": "joined", "kind": "datetime", "bounds": ["2020-01-01", "2024-01-01"]},
       {"name": "visit", "kind": "datetime", "bounds": ["2020-01-01", "2024-01-01"], "dtype": "str",
        "text_format": "%d-%b-%Y", "text_case": "upper"},
       {"name": "country", "kind": "constant", "value": "NO"}],
     "omitted": ["customer_id"]}

Optional: a top-level ``description`` (where the values come from) and ``omitted`` (data columns
the schema leaves out, such as identifiers: fit and share leave them out of the data without a
``drop``; version 2 added it); per column ``missing`` (default false), ``dtype`` (the pandas
dtype samples get; a default per kind), for a continuous column, ``decimals`` (sampled values are
rounded to them; without it they are not rounded, as the decimals fit learns from data would come
from the private rows) and, for a datetime column sampled as text, ``text_format`` (a strftime
format of directives and separators, ``%-d`` a day without its zero: ``03-MAR-2021`` is
``%d-%b-%Y``; without it dates are written as ISO text) and ``text_case`` (``upper``, ``lower``
or null: as the format writes; version 3 added both; every version before is read as well);
``target.counts`` (class -> count) makes the class prior public too. Without ``dtype``,
categories and classes that are all numbers (or all true/false) give a numeric (bool) dtype.

A top-level ``draft`` (a note, or true) marks a schema ``synthaug schema`` drafted from the data
that nobody has yet reviewed: fit and share warn, and the model, ``inspect`` and a release card
record it as :data:`DRAFT` rather than public, so a DP fit's epsilon is said to cover training
only. Deleting the key (or setting it to false) is the reviewer's claim that the values are public.
It is read in every format version and does not raise the version: a reviewed schema has no new
field, and a synthaug from before the key refuses a marked draft (unknown key), the safe way.

With a public schema the encoder takes nothing from the data: kinds, categories, bounds, point
masses and missingness come from the file, and each number's normal-score transform is the
linear map of its public bounds onto [-3.72, 3.72] (two knots; see :func:`numeric_state`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError, SynthaugWarning, warn
from .._text import closest_name, coarse_count, columns_option, option_name, quoted
from .columns import MAX_DECIMALS, Z_EDGE, learn_decimals, seconds_since_epoch, to_float
from .datetimes import CASES, DATE_RANGE, TEXT_DIRECTIVES, is_text_format, n_out_of_range, parse_datetimes
from .schema import KINDS, ColumnSpec

FORMAT = "synthaug-public-schema"
FORMAT_VERSION = 3
"""2 added the optional top-level ``omitted`` list, 3 a datetime column's ``text_format`` and
``text_case``; files of every earlier version are read as well."""
READ_VERSIONS = (1, 2, 3)
NUMERIC = ("continuous", "integer", "datetime")
DEFAULT_DTYPES = {"continuous": "float64", "integer": "int64", "boolean": "bool", "categorical": "object",
                  "datetime": "datetime64[ns]", "constant": "object"}
TOP_KEYS = {"format", "format_version", "description", "target", "columns", "omitted", "draft"}
TARGET_KEYS = {"name", "classes", "counts", "dtype"}
COLUMN_KEYS = {"name", "kind", "dtype", "missing", "categories", "bounds", "point_masses", "value", "decimals",
               "text_format", "text_case"}
TEXT_KEYS = ("text_format", "text_case")  # format_version 3
PUBLIC = "public (given)"  # provenance_ of a reviewed schema, and of class counts a schema gives
DRAFT = "unreviewed draft (data-derived)"  # provenance_ of a schema that still has its "draft" key


class DraftSchemaWarning(SynthaugWarning):
    """A schema still marked ``draft`` was given: it is used, but not taken as public."""


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


@dataclass(frozen=True)
class PublicSchema:
    """A parsed and checked public schema."""

    columns: tuple[PublicColumn, ...]
    target: str
    classes: tuple
    class_counts: tuple[int, ...] | None
    target_dtype: str
    omitted: tuple[str, ...] = ()
    draft: bool = False  # still marked as drafted from the data: not public

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# ---------------------------------------------------------------- reading and checking the file
def read_public_schema(path: str | Path) -> dict:
    """The JSON document at ``path``, checked by :func:`parse_public_schema`; DataError names the file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: schema file not found")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"line {exc.lineno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
        raise DataError(f"{path}: schema is not valid JSON ({where})") from None
    parse_public_schema(document, str(path))
    return document


def resolve_public_schema(value: dict | str | Path | None) -> PublicSchema | None:
    """The ``public_schema`` constructor parameter (a dict, a path, or None) parsed and checked."""
    if value is None:
        return None
    if isinstance(value, (str, Path)):
        return parse_public_schema(read_public_schema(value), str(value))
    if not isinstance(value, dict):
        raise DataError(f"public_schema must be a dict or a path to a JSON file, got {type(value).__name__}")
    return parse_public_schema(value)


def parse_public_schema(document, source: str = "public schema") -> PublicSchema:
    """Check the document's format version, target and columns; one-line DataError on the first problem."""
    if not isinstance(document, dict):
        raise DataError(f"{source}: expected a JSON object with format_version, target and columns")
    version = document.get("format_version")
    if version not in READ_VERSIONS or isinstance(version, bool) or document.get("format", FORMAT) != FORMAT:
        raise DataError(f"{source}: unknown schema format {document.get('format', FORMAT)!r} version {version!r} "
                        f"(this synthaug reads {FORMAT!r} versions {', '.join(map(str, READ_VERSIONS))})")
    if version < 2 and "omitted" in document:
        raise DataError(f"{source}: 'omitted' needs format_version 2 (the file says 1)")
    columns = document.get("columns")
    texts = [k for c in (columns if isinstance(columns, list) else []) if isinstance(c, dict)
             for k in TEXT_KEYS if k in c]
    if version < 3 and texts:
        raise DataError(f"{source}: {texts[0]!r} needs format_version 3 (the file says {version})")
    unknown = sorted(set(document) - TOP_KEYS)
    if unknown:
        raise DataError(f"{source}: unknown key {unknown[0]!r}{closest_name(unknown[0], TOP_KEYS)}")
    if not isinstance(columns, list) or not columns:
        raise DataError(f"{source}: 'columns' must be a non-empty list of column objects")
    parsed = tuple(_parse_column(c, source) for c in columns)
    names = [c.name for c in parsed]
    if len(set(names)) != len(names):
        raise DataError(f"{source}: column {next(n for n in names if names.count(n) > 1)!r} is declared twice")
    target, classes, counts, dtype = _parse_target(document.get("target"), source)
    if target in names:
        raise DataError(f"{source}: target {target!r} is also declared as a column")
    omitted = _parse_omitted(document.get("omitted", []), source, names, target)
    return PublicSchema(parsed, target, classes, counts, dtype, omitted, _parse_draft(document, source))


def _parse_draft(document: dict, source: str) -> bool:
    """Whether the document is still a draft: a ``draft`` note (text) or true; false or no key: reviewed."""
    marker = document.get("draft", False)
    if not isinstance(marker, (str, bool)):
        raise DataError(f"{source}: 'draft' must be a note (text), true or false; got {marker!r} (delete the key "
                        "once the schema is reviewed)")
    return marker is not False


def warn_if_draft(schema: PublicSchema | None, given, dp: bool) -> None:
    """Warn, naming the file (``given``, a path) or the option, when ``schema`` is still a draft."""
    if schema is None or not schema.draft:
        return
    where = str(given) if isinstance(given, (str, Path)) else option_name("public_schema", "--schema")
    warn(draft_message(where, dp), DraftSchemaWarning)


def draft_message(where: str, dp: bool) -> str:
    """The one line saying that the schema at ``where`` is an unreviewed draft and what follows."""
    covered = "; epsilon does not cover them, so the DP guarantee is for training only" if dp else ""
    return (f"{where}: the schema still has its \"draft\" key, so it is taken as an unreviewed draft, not public: "
            f"its bounds, category lists, point masses and decimals may be the private data's{covered}; replace "
            "them with public values and delete the key")


def _parse_omitted(omitted, source: str, names: list[str], target: str) -> tuple[str, ...]:
    """The ``omitted`` list: distinct column names, none declared, not the target."""
    if not isinstance(omitted, list) or not all(isinstance(n, str) for n in omitted):
        raise DataError(f"{source}: 'omitted' must be a list of column names, got {omitted!r}")
    if len(set(omitted)) != len(omitted):
        raise DataError(f"{source}: omitted: column {next(n for n in omitted if omitted.count(n) > 1)!r} is "
                        "listed twice")
    both = [n for n in omitted if n in names or n == target]
    if both:
        what = "the target" if both[0] == target else "declared as a column"
        raise DataError(f"{source}: omitted: column {both[0]!r} is {what}; a column is modelled or omitted")
    return tuple(omitted)


def _parse_target(target, source: str) -> tuple[str, tuple, tuple[int, ...] | None, str]:
    if not isinstance(target, dict) or not isinstance(target.get("name"), str):
        raise DataError(f"{source}: 'target' must be an object with a name and its classes")
    name, classes = target["name"], target.get("classes")
    unknown = sorted(set(target) - TARGET_KEYS)  # a misspelt "counts" would silently leave the prior private
    if unknown:
        raise DataError(f"{source}: target {name!r}: unknown key {unknown[0]!r}{closest_name(unknown[0], TARGET_KEYS)}")
    if not isinstance(classes, list) or len(classes) < 2:
        raise DataError(f"{source}: target {name!r}: 'classes' must list at least two distinct class names")
    _check_labels(classes, f"{source}: target {name!r}", "classes")
    counts = target.get("counts")
    if counts is not None:
        if not isinstance(counts, dict) or set(counts) != {str(c) for c in classes}:
            raise DataError(f"{source}: target {name!r}: 'counts' must map every class (and only those) to a count")
        values = [counts[str(c)] for c in classes]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values):
            raise DataError(f"{source}: target {name!r}: every class count must be a whole number >= 1")
        counts = tuple(values)
    dtype = _checked_dtype(f"{source}: target {name!r}", target.get("dtype") or _label_dtype(classes), classes)
    return name, tuple(classes), counts, dtype


def _label_dtype(classes: list) -> str:
    if all(isinstance(c, bool) for c in classes):
        return "bool"
    if all(isinstance(c, int) and not isinstance(c, bool) for c in classes):
        return "int64"
    if all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in classes):
        return "float64"
    return "object"


def _parse_column(column, source: str) -> PublicColumn:
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
            base["dtype"] = _checked_dtype(where, base["dtype"], list(bounds))
        decimals = _decimals(column.get("decimals"), bounds + masses, where, base["dtype"])
        text = _text_format(column, where, base["dtype"]) if kind == "datetime" else None
        return PublicColumn(**base, bounds=bounds, point_masses=masses, decimals=decimals, text_format=text)
    if kind in ("categorical", "boolean"):
        categories = _categories(column, kind, where)
        base["dtype"] = _checked_dtype(where, column.get("dtype") or _label_dtype(list(categories)), list(categories))
        return PublicColumn(**base, categories=categories)
    value = column.get("value")
    base["dtype"] = _checked_dtype(where, base["dtype"], [] if value is None else [value])
    return PublicColumn(**base, value=value)


def _checked_dtype(where: str, dtype, values: list) -> str:
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
    resolved = pd.api.types.pandas_dtype(_checked_dtype(where, dtype, []))
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
    _check_labels(categories, where, "categories")
    if kind == "boolean" and not set(categories) <= {False, True}:
        raise DataError(f"{where}: boolean categories must be true and/or false, got {categories!r}")
    return tuple(categories)


def _check_labels(values: list, where: str, key: str) -> None:
    """Text, finite numbers or true/false, distinct as pandas compares them: 1, 1.0 and true are one
    value to an Index (a repr-distinct list of them gave InvalidIndexError at fit)."""
    if not all(isinstance(v, (str, int, float, bool)) for v in values):  # a list or object: unhashable later
        raise DataError(f"{where}: {key} must be text, numbers or true/false")
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        hint = ' (a missing value is not a category: use "missing": true)' if key == "categories" else ""
        raise DataError(f"{where}: {key} must be finite{hint}; got {values!r}")
    if len(set(values)) != len(values):
        raise DataError(f"{where}: {key} must be distinct (1, 1.0 and true are the same value); got {values!r}")


# ---------------------------------------------------------------- encoder state with no data
def numeric_state(column: PublicColumn) -> tuple[dict, dict[str, np.ndarray]]:
    """A NumericCodec's fitted state from public bounds alone.

    The knots are the public bounds (widened by half a unit for integers, which are
    dequantised), mapped to the outer normal scores: a min-max scaling. Chosen over DP
    quantiles because it spends no epsilon and needs no per-column budget split (each row
    touches every column's histogram, so DP quantiles would divide their share by the number
    of numeric columns); the generator's linear output learns the shape instead. The cost is
    measured in benchmarks/results/dp_public_schema.md.
    """
    low, high = column.bounds
    half = 0.5 if column.kind == "integer" else 0.0
    scalars = {"lo": low, "hi": high, "has_missing": column.missing}
    if column.kind == "continuous":
        scalars["decimals"] = column.decimals
    if column.text_format is not None:
        scalars["text_format"] = list(column.text_format)
    arrays = {"masses": np.asarray(column.point_masses, dtype=np.float64),
              "knots": np.array([low - half, high + half]), "z_knots": np.array([-Z_EDGE, Z_EDGE])}
    return scalars, arrays


def codec_states(schema: PublicSchema) -> list[tuple[dict, dict[str, np.ndarray]]]:
    """Fitted codec state for every column, in schema order (see TableEncoder.fit_public)."""
    states = []
    for column in schema.columns:
        if column.kind in NUMERIC:
            states.append(numeric_state(column))
        elif column.kind in ("categorical", "boolean"):
            states.append(({"categories": list(column.categories), "has_missing": column.missing}, {}))
        else:
            states.append(({"value": column.value, "has_missing": column.missing}, {}))
    return states


# ---------------------------------------------------------------- the private data against the schema
def check_columns(features: pd.DataFrame, schema: PublicSchema) -> None:
    """Every data column declared (or omitted) and every declared column present, else one DataError
    naming all the columns at fault, undeclared and absent alike (a trial met them one run at a time).
    A name is suggested only among the other side's unmatched columns: 'capital-gain', declared and
    present, was offered for an absent 'capital-loss'."""
    data, declared = [str(c) for c in features.columns], schema.names
    undeclared = [n for n in data if n not in declared and n not in schema.omitted]
    absent = [n for n in declared if n not in data]
    faults = []
    if undeclared:
        hint = closest_name(undeclared[0], absent) if len(undeclared) == 1 else ""
        them = "it" if len(undeclared) == 1 else "them"
        faults.append(f"data {_names(undeclared)} not declared{hint}; add {them} to the schema, list {them} under "
                      f"\"omitted\", or leave {them} out: {columns_option('drop', undeclared)}")
    if absent:
        hint = closest_name(absent[0], undeclared) if len(absent) == 1 else ""
        faults.append(f"{_names(absent)} not in the data{hint}")
    if faults:
        raise DataError("public schema: " + "; and ".join(faults))


def omitted_present(features: pd.DataFrame, schema: PublicSchema) -> list[str]:
    """The data's columns that the schema lists as ``omitted``, in data order."""
    return [str(c) for c in features.columns if str(c) in schema.omitted]


def _names(names: list[str]) -> str:
    """``column 'a' is`` or ``columns 'a', 'b' are``."""
    listed = ", ".join(map(repr, names))
    return f"column {listed} is" if len(names) == 1 else f"columns {listed} are"


def conform(features: pd.DataFrame, schema: PublicSchema, coarse: bool = False) -> pd.DataFrame:
    """The features in schema order, checked against their declared kinds, clipped to the public
    bounds and with undeclared categories replaced; warnings give column names and counts only,
    and with ``coarse`` (under DP) the counts' order of magnitude only (:func:`_values`)."""
    check_columns(features, schema)
    out = {}
    for column in schema.columns:
        col = features[column.name]
        if column.kind in NUMERIC:
            out[column.name] = _conform_numeric(col, column, coarse)
        elif column.kind in ("categorical", "boolean"):
            out[column.name] = _conform_categories(col, column, coarse)
        else:
            if column.kind == "constant":
                _check_constant(col, column, coarse)
            out[column.name] = col
    return pd.DataFrame(out, index=features.index)


def _values(n: int, coarse: bool, noun: str = "value(s)") -> str:
    """``3 value(s)``; with ``coarse`` (under DP) ``fewer than 10 values``, ``100 to 999 values``.

    A warning is printed outside the DP mechanism, so an exact count of private rows in it would
    escape epsilon (an outlier's row adds one); an order of magnitude still says whether the
    public schema misses a few records or a share of them. That the warning appears at all is
    not covered either, and the coarse line says so."""
    if not coarse:
        return f"{n} {noun}"
    return f"{coarse_count(n)} {noun.replace('(s)', 's')}"


def _dp_note(coarse: bool, line: str = "warning") -> str:
    return f" (under DP the count is rounded to its order of magnitude; the {line} itself is not covered by " \
        "epsilon)" if coarse else ""


def _conform_numeric(col: pd.Series, column: PublicColumn, coarse: bool = False) -> pd.Series:
    x = to_float(col, column.spec())
    n_bad = int((np.isnan(x) & col.notna().to_numpy()).sum())
    if n_bad:
        noun = "dates" if column.kind == "datetime" else "numbers"
        raise DataError(f"column {column.name!r} is declared {column.kind} in the public schema but "
                        f"{_values(n_bad, coarse)} are not {noun}; fix the data or declare it categorical"
                        f"{_dp_note(coarse, 'error')}")
    if column.kind == "integer" and (np.mod(x[~np.isnan(x)], 1.0) != 0).any():
        raise DataError(f"column {column.name!r} is declared integer in the public schema but has fractional "
                        "values; declare it continuous")
    if not column.missing and np.isnan(x).any():
        raise DataError(f"column {column.name!r} has {_values(int(np.isnan(x).sum()), coarse, 'missing value(s)')} "
                        f'but the public schema does not allow them; set "missing": true{_dp_note(coarse, "error")}')
    low, high = column.bounds
    outside = int(((x < low) | (x > high)).sum())
    if outside:
        _warn(f"column {column.name!r}: {_values(outside, coarse)} outside the public bounds were clipped to "
              f"them{_dp_note(coarse)}")
    x = np.clip(x, low, high)
    if column.kind != "datetime":
        return pd.Series(x, index=col.index)
    nanos = np.round(np.nan_to_num(x) * 1e9).astype("int64")
    return pd.Series(pd.to_datetime(nanos, unit="ns"), index=col.index).where(~np.isnan(x))


def _check_constant(col: pd.Series, column: PublicColumn, coarse: bool = False) -> None:
    """Warn with a count when the data holds other values than a constant column's public value: the
    model generates the constant whatever the data held (a trial's 232 rows of other races vanished
    without a word)."""
    other = (pd.Index([column.value], dtype=object).get_indexer(col.astype(object)) < 0) & col.notna().to_numpy()
    if other.any():
        _warn(f"column {column.name!r}: {_values(int(other.sum()), coarse)} differ from the public schema's "
              f"constant {column.value!r}; the synthetic records all hold {column.value!r}{_dp_note(coarse)}")


def _conform_categories(col: pd.Series, column: PublicColumn, coarse: bool = False) -> pd.Series:
    values = col.astype(object)
    known = pd.Index(list(column.categories), dtype=object).get_indexer(values) >= 0
    present = col.notna().to_numpy()
    if present.any() and not known[present].any():  # nothing matches: a kind or type mismatch, not rare values
        if column.kind == "boolean":
            raise DataError(f"column {column.name!r} is declared boolean in the public schema but holds other "
                            "values; declare it categorical with its categories")
        raise DataError(f"column {column.name!r}: none of its values are among the public schema's categories; "
                        "check their spelling and type (the text '1' is not the number 1)")
    unknown = ~known & col.notna().to_numpy()
    dropped_missing = col.isna().to_numpy() & (not column.missing)
    replacement = np.nan if column.missing else column.categories[0]
    target = "missing" if column.missing else f"the first category {column.categories[0]!r}"
    if unknown.any():
        _warn(f"column {column.name!r}: {_values(int(unknown.sum()), coarse)} not among the public schema's "
              f"categories were set to {target}{_dp_note(coarse)}")
    if dropped_missing.any():
        _warn(f"column {column.name!r}: {_values(int(dropped_missing.sum()), coarse, 'missing value(s)')}, which "
              f"the public schema does not allow, were set to {target}{_dp_note(coarse)}")
    return values.where(~(unknown | dropped_missing), replacement)


def _warn(message: str) -> None:
    warn(message)


def _unlisted_class_advice(unlisted: pd.Series, schema: PublicSchema) -> str:
    """What to do about labels the schema does not list. When every one of them is a listed class with
    spaces around it (adult's ' <=50K' beside a schema's '<=50K'), say so, without the labels (they are
    the data's)."""
    text = unlisted.astype(str)
    listed = {str(c).strip() for c in schema.classes}
    if text.ne(text.str.strip()).all() and text.str.strip().isin(listed).all():
        return ("the data's labels differ from the schema's by leading or trailing spaces: strip them from the "
                "column (pandas: frame[col] = frame[col].str.strip()) or write the classes with the spaces")
    if any(str(c) != str(c).strip() for c in schema.classes) and text.isin(listed).all():
        return ("the schema's classes differ from the data's labels by leading or trailing spaces: remove the "
                "spaces from target.classes")
    return "add the class to target.classes or drop those rows"


def public_labels(labels: pd.Series, schema: PublicSchema, coarse: bool = False) -> tuple[list, np.ndarray, np.ndarray]:
    """(classes in schema order, class code per row, class counts: public if given, else the data's);
    ``coarse`` (under DP) gives the errors' counts of private rows to their order of magnitude."""
    name = str(labels.name)
    if name != schema.target:
        raise DataError(f"target column {name!r} is not the public schema's target {schema.target!r}")
    n_missing = int(labels.isna().sum())
    if n_missing:
        raise DataError(f"target column {name!r} has {_values(n_missing, coarse, 'missing value(s)')}; drop or fill "
                        f"them{_dp_note(coarse, 'error')}")
    codes = pd.Index(list(schema.classes), dtype=object).get_indexer(labels.astype(object))
    n_bad = int((codes < 0).sum())
    if n_bad:
        raise DataError(f"target column {name!r}: {_values(n_bad, coarse, 'row(s)')} have a class the public schema "
                        f"does not list (it lists {quoted(schema.classes, 10)}); "
                        f"{_unlisted_class_advice(labels[codes < 0], schema)}{_dp_note(coarse, 'error')}")
    counts = np.bincount(codes, minlength=len(schema.classes))
    empty = [c for c, k in zip(schema.classes, counts, strict=True) if k == 0]
    if empty:
        raise DataError(f"target column {name!r}: class(es) {', '.join(map(repr, empty))} of the public schema "
                        "have no training rows, and a model cannot generate a class it never saw; remove them "
                        "from target.classes for this fit (the class list then depends on this table: a released "
                        "model shows which listed classes it lacked)")
    if schema.class_counts is not None:
        counts = np.asarray(schema.class_counts)
    return list(schema.classes), codes.astype(np.int64), counts.astype(np.int64)
