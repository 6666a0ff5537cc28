"""Infer what kind each column is: continuous, integer, boolean, categorical, datetime, constant.

A schema is a list of :class:`ColumnSpec`, JSON-serialisable, with no data records in it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .. import _text
from .._errors import DataError, warn
from .._text import listed_column_hint, option_name
from .date_text import is_date_text
from .number_text import looks_formatted, not_numbers, number_format

KINDS = ("continuous", "integer", "boolean", "categorical", "datetime", "constant")
MAX_NUMERIC_CATEGORIES = 10  # numeric columns with at most this many values are categorical, if they repeat:
MIN_REPEATED_SHARE = 0.5  # more than this share of the rows must hold a value some other row holds too
ID_MIN_UNIQUE_SHARE = 0.9  # string/integer columns this unique (and larger than below) look like ids
ID_MIN_ROWS = 20
DENSE_ID_SPAN = 1.5  # distinct integers spanning at most this many times their count are a sequence number
MIN_NUMBER_SHARE = 0.5  # text at least this share numbers, the rest a few short tokens, is numbers with placeholders
MAX_TOKENS = 5  # ... at most this many distinct tokens
TOKEN_CHARS = 4  # a non-number this short ('?', 'n/a', 'none') or all whitespace is a token, never a record's text
UNSUPPORTED_OBJECTS = ("bytes", "timedelta", "timedelta64", "period", "interval", "complex")  # infer_dtype names


@dataclass(frozen=True)
class ColumnSpec:
    """How one column is modelled: its name, kind, original dtype and whether it had NaN."""

    name: str
    kind: str
    dtype: str
    has_missing: bool

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ColumnSpec:
        """A spec from its ``to_dict``; a DataError naming the key that is unknown, missing or mistyped."""
        if not isinstance(data, dict):
            raise DataError(f"column spec must be an object, got {type(data).__name__}")
        name = data.get("name")
        if data.get("kind") not in KINDS:
            raise DataError(f"column {name!r}: unknown kind {data.get('kind')!r}")
        unknown = sorted(set(data) - set(SPEC_TYPES))
        if unknown:
            raise DataError(f"column {name!r}: unknown key {unknown[0]!r} in its spec")
        for key, kind in SPEC_TYPES.items():
            if not isinstance(data.get(key), kind):
                raise DataError(f"column {name!r}: spec key {key!r} must be {kind.__name__}, got {data.get(key)!r}")
        return cls(**data)


SPEC_TYPES = {"name": str, "kind": str, "dtype": str, "has_missing": bool}


def check_columns_exist(frame: pd.DataFrame, names: Iterable[str], option: str) -> None:
    """Raise DataError naming ``option`` if any of ``names`` is not a column of ``frame``; a column-list
    parameter (``drop``, ``categorical``, ``continuous``, ``keep``) is named as the user spells it
    (``--drop``, ``model.drop``), any other ``option`` ("data") as given."""
    option = option_name(option) if option in COLUMN_OPTIONS else option
    for name in names:
        if name not in frame.columns:
            raise DataError(f"{option}: no column {name!r}{listed_column_hint(name, frame.columns)}")


COLUMN_OPTIONS = ("categorical", "continuous", "drop", "keep")
CONFLICTING_OPTIONS = (("categorical", "continuous"), ("drop", "keep"), ("drop", "categorical"), ("drop", "continuous"))


def check_option_conflicts(**options: Iterable) -> None:
    """A DataError naming the column and both options when two column-list options that
    contradict each other name the same column (categorical and continuous, drop and keep or a
    kind); a column name in one option only is left alone. ``options``: name -> column names."""
    for first, second in CONFLICTING_OPTIONS:
        if first not in options or second not in options:
            continue
        in_second = {str(c) for c in options[second]}
        both = [c for c in options[first] if str(c) in in_second]
        if both:
            raise DataError(f"column {str(both[0])!r} is in both {option_name(first)} and {option_name(second)}; "
                            f"give it to one of them")


def infer_schema(
    frame: pd.DataFrame,
    categorical: Iterable[str] = (),
    continuous: Iterable[str] = (),
    keep: Iterable[str] = (),
) -> tuple[list[ColumnSpec], list[str]]:
    """Return (specs of modelled columns, names of identifier-like columns dropped, with a warning).

    ``categorical`` / ``continuous`` force a kind; ``keep`` keeps identifier-like columns.
    """
    categorical, continuous, keep = set(categorical), set(continuous), set(keep)
    check_option_conflicts(categorical=categorical, continuous=continuous)
    for option, names in (("categorical", categorical), ("continuous", continuous), ("keep", keep)):
        check_columns_exist(frame, names, option)
    specs, dropped = [], []
    for name in frame.columns:
        col = frame[name]
        check_supported(col, name)
        kind = _forced_kind(col, name, categorical, continuous) or _infer_kind(col, name)
        if kind == "identifier":
            if name not in keep:
                dropped.append(name)
                continue
            kind = "categorical" if not _is_numeric(col) else "continuous"
            if _is_formatted(col):
                _warn_formatted(name, "modelled as categories", col)
        specs.append(ColumnSpec(str(name), kind, dtype_name(col.dtype), bool(col.isna().any())))
    _warn_dropped(frame, dropped)
    return specs, dropped


def dtype_name(dtype) -> str:
    """The name that gives ``dtype`` back: ``str(dtype)``, but ``"string[python]"`` for a python-backed
    ``string`` dtype, whose name ``"string"`` reads back with pyarrow storage when pyarrow is installed."""
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "python" and dtype.na_value is pd.NA:
        return "string[python]"
    return str(dtype)


def _warn_dropped(frame: pd.DataFrame, dropped: list) -> None:
    """One warning for the identifier-like columns left out, one per column of formatted numbers
    (``--keep`` would model those as one-row categories: an all-empty column)."""
    formatted = [name for name in dropped if _is_formatted(frame[name])]
    for name in formatted:
        _warn_formatted(name, "left out (as text, nearly every value is unique)", frame[name])
    plain = [name for name in dropped if name not in formatted]
    if plain:
        warn(
            f"dropping identifier-like column(s) {', '.join(map(repr, plain))} "
            f"(nearly every value is unique); to model them, {_text.columns_option('keep', plain)}",
        )


def warn_empty_columns(frame: pd.DataFrame, specs: list[ColumnSpec]) -> None:
    """One warning naming the modelled columns of ``frame`` with no value at all (every row missing): each
    is a constant empty column, so the synthetic rows leave it empty too. ``evaluate`` notes such columns
    in its own words (``have no value in train: left out of the classifiers' features``)."""
    constant = {spec.name for spec in specs if spec.kind == "constant"}
    empty = [name for name, present in frame.notna().any().items() if not present and str(name) in constant]
    if empty:
        warn(f"column(s) {_text.quoted(empty)} have no value in the training data: modelled as constant empty "
             f"column(s), so the synthetic rows leave them empty too; to leave them out of the model and its "
             f"synthetic rows, {_text.columns_option('drop', empty)}")


def _warn_formatted(name: str, fate: str, col: pd.Series) -> None:
    what, fix = number_format(col)
    warn(f"column {name!r} looks like {what}, so it is {fate}; {fix}")


def check_supported(col: pd.Series, name: str, leave_out: str | None = None) -> None:
    """A DataError naming a column of a kind no codec can model (it used to fail later, or worse,
    at save time after training: durations, periods, intervals, complex numbers, bytes, lists).
    ``leave_out``: how the caller leaves a column out (fit's ``drop`` option by default)."""
    leave_out = leave_out or _text.columns_option('drop', [name])
    dtype = col.dtype
    held = pd.api.types.infer_dtype(col, skipna=True) if pd.api.types.is_object_dtype(dtype) else ""
    if (pd.api.types.is_timedelta64_dtype(dtype) or pd.api.types.is_complex_dtype(dtype)
            or isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype)) or getattr(dtype, "kind", None) in ("S", "V")
            or held in UNSUPPORTED_OBJECTS):
        what = f"{held} values" if held else f"dtype {dtype}"
        raise DataError(f"column {name!r} has {what}, which synthaug cannot model; convert it (e.g. "
                        f"durations to seconds, bytes to text) or leave it out: {leave_out}")
    if _is_numeric(col):
        infinite = np.isinf(col.to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():  # it became an infinite knot and bound: a codec that decodes to inf or NaN
            raise DataError(f"column {name!r} has {int(infinite.sum())} infinite value(s) (first at "
                            f"{_text.data_row(int(np.flatnonzero(infinite)[0]))}); replace them, e.g. by missing "
                            "values" + (" (X.replace([np.inf, -np.inf], np.nan))" if _text.in_python() else "")
                            + f", or leave the column out: {leave_out}")
    try:
        col.nunique()
    except TypeError:
        raise DataError(f"column {name!r} holds lists or other unhashable values, which synthaug cannot "
                        f"model; leave it out: {leave_out}") from None


def _forced_kind(col: pd.Series, name: str, categorical: set, continuous: set) -> str | None:
    if (name in categorical or name in continuous) and not col.notna().any():
        return "constant"  # no value to model as either (a continuous one raised a numpy ValueError)
    if name in categorical:
        return "categorical"
    if name in continuous:
        if not _is_numeric(col):
            _raise_not_numeric(col, name)
        return "continuous"
    return None


def _is_numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _infer_kind(col: pd.Series, name: str) -> str:
    values = col.dropna()
    n_unique = values.nunique()
    if n_unique <= 1:
        return "constant"
    if pd.api.types.is_bool_dtype(col) or _is_bool_object(values):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(col):
        return "datetime"
    if _is_numeric(col):
        integral = bool(np.all(np.mod(values.to_numpy(dtype=float), 1.0) == 0.0))
        if n_unique <= MAX_NUMERIC_CATEGORIES and values_repeat(values):
            return "categorical"
        if integral and looks_like_id(len(values), n_unique) and (_is_monotonic(values) or _is_dense(values)):
            return "identifier"
        return "integer" if integral else "continuous"
    bad = _check_stray_strings(col, name)
    if not isinstance(col.dtype, pd.CategoricalDtype) and is_date_text(values, name):
        return "datetime"  # a pandas Categorical of dates keeps its categories, as one of numbers does
    if looks_like_id(len(values), n_unique):
        return "identifier"  # infer_schema warns
    if looks_formatted(col, bad):
        _warn_formatted(name, "modelled as categories", col)
    return "categorical"


def is_identifier_like(col: pd.Series) -> bool:
    """Whether ``fit`` would take ``col`` for an identifier and leave it out (unless kept)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _infer_kind(col, str(col.name)) == "identifier"
    except (DataError, TypeError):  # a column fit refuses, or unhashable values
        return False


def values_repeat(values: pd.Series) -> bool:
    """More than :data:`MIN_REPEATED_SHARE` of the rows hold a value that another row holds too.

    A few distinct numbers make a category only when they recur (a 0/1 flag, a 1-5 score): on a
    10-row table, 10 distinct measurements are not 10 categories of one row each, which a
    categorical codec would fold away (categories seen in fewer than ``min_category_count`` rows)
    and sample as missing. From 19 rows on, at most 10 distinct values always repeat enough.
    """
    counts = values.value_counts(sort=False).to_numpy()
    return counts[counts > 1].sum() > MIN_REPEATED_SHARE * len(values)


def _is_bool_object(values: pd.Series) -> bool:
    return values.dtype == object and values.map(type).eq(bool).all()


def _is_monotonic(values: pd.Series) -> bool:
    return values.is_monotonic_increasing or values.is_monotonic_decreasing


def _is_dense(values: pd.Series) -> bool:
    """Every value distinct and together covering most of their range: a sequence number in any order
    (a shuffled 100000..100199), not all-distinct measurements (incomes spread far wider than their count)."""
    n = len(values)
    return values.is_unique and float(values.max()) - float(values.min()) + 1 <= DENSE_ID_SPAN * n


def looks_like_id(n_rows: int, n_unique: int) -> bool:
    """Nearly every one of enough rows holds a value of its own: identifier-like (a column or a target)."""
    return n_rows >= ID_MIN_ROWS and n_unique >= ID_MIN_UNIQUE_SHARE * n_rows


def _check_stray_strings(col: pd.Series, name: str) -> np.ndarray:
    """A text column whose values are nearly all numbers is a numeric column with typos; returns
    :func:`not_numbers` of ``col``."""
    bad = not_numbers(col)
    n_bad, n_present = int(bad.sum()), int(col.notna().sum())
    if 0 < n_bad <= max(1, int(0.05 * n_present)) and n_present - n_bad > MAX_NUMERIC_CATEGORIES:
        _raise_not_numeric(col, name, bad)
    _check_missing_tokens(col, name, bad)
    return bad


def check_text_numbers(col: pd.Series, name: str) -> bool:
    """``fit``'s checks of a text column ``col`` (named ``name``) that may hold numbers: a DataError
    for numbers with a few stray values or with missing values spelled as tokens ('?', '-'); returns
    whether it holds numbers written with currency symbols, separators or percent signs."""
    return looks_formatted(col, _check_stray_strings(col, name))


def _is_formatted(col: pd.Series) -> bool:
    """:func:`looks_formatted` of a whole column (numbers held as numbers are not)."""
    return not _is_numeric(col) and looks_formatted(col, not_numbers(col))


def _check_missing_tokens(col: pd.Series, name: str, bad: np.ndarray) -> None:
    """A DataError for numbers among a few distinct short tokens ('-', '?', 'none', ' '): missing values
    spelled as text, which made the column categorical and folded away most of its numbers. Columns
    whose numbers are a few repeated codes (a stage 1-4 beside 'X') are categorical anyway, and stay so."""
    present = col.notna().to_numpy()
    if not bad.any() or (present & ~bad).sum() < MIN_NUMBER_SHARE * present.sum():
        return
    numbers = pd.to_numeric(col[present & ~bad], errors="coerce")
    tokens = col[bad].astype(str).value_counts()
    if len(tokens) > MAX_TOKENS or not is_token(tokens.index.to_series()).all():
        return
    if numbers.nunique() <= MAX_NUMERIC_CATEGORIES and values_repeat(numbers):
        return
    held = ", ".join(f"{token!r} ({count})" for token, count in tokens.items())
    raise DataError(f"column {name!r}: {int(bad.sum())} cells hold {held} among {len(numbers)} numbers; if they "
                    f"mean missing, make them empty cells (or {_text.columns_option('categorical', [name])} to "
                    "model it as text)")


def _raise_not_numeric(col: pd.Series, name: str, bad: np.ndarray | None = None) -> None:
    """A DataError naming the column, how many of its values are not numbers and where the first is
    (:func:`~synthaug._text.data_row`, empty cells included), quoting it when :func:`_quotable`."""
    bad = not_numbers(col) if bad is None else bad
    if not bad.any():
        return
    where = int(np.flatnonzero(bad)[0])
    first = col.iloc[where]
    shown = f": {str(first)!r}" if _quotable(col[bad], first) else ""
    said = (f"column {name!r} is numeric but {int(bad.sum())} value(s) are not numbers "
            f"(first at {_text.data_row(where)}{shown})")
    if looks_formatted(col, bad):
        what, fix = number_format(col)
        raise DataError(f"{said}; they look like {what}: {fix}")
    raise DataError(f"{said}; make such cells empty if they mean missing, fix them if they are typos, or make it "
                    f"categorical: {_text.columns_option('categorical', [name])}")


MISSING_MARKERS = frozenset({"?", "-", "--", ".", "n/a", "na", "nan", "none", "null", "nil", "#n/a", "missing",
                             "unknown"})
"""Texts that mean "no value" (case aside): a message may quote one even when a single row holds it."""


def _quotable(stray: pd.Series, value) -> bool:
    """Whether a message may quote ``value`` of the ``stray`` values: a marker of a missing value
    (:data:`MISSING_MARKERS`, or only whitespace), or one at least :data:`~synthaug._text.MIN_SHOWN_ROWS`
    rows hold (a placeholder). A short text one row holds ('POS', 'HIV+') is that record's value."""
    text = str(value).strip().lower()
    return text in MISSING_MARKERS or not text or int((stray == value).sum()) >= _text.MIN_SHOWN_ROWS


def is_token(text: pd.Series) -> np.ndarray:
    """(n,) which strings are short tokens: at most :data:`TOKEN_CHARS` characters, or only whitespace."""
    text = text.astype(str)
    return ((text.str.len() <= TOKEN_CHARS) | (text.str.strip() == "")).to_numpy()


def select_columns(frame: pd.DataFrame, specs: list[ColumnSpec]) -> pd.DataFrame:
    """The modelled columns of ``frame``, in schema order, checking they are all there."""
    check_columns_exist(frame, [s.name for s in specs], "data")
    return frame[[s.name for s in specs]]
