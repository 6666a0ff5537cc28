"""Check that the real and synthetic tables agree, and learn their column kinds.

Column kinds: a column is *numeric* when its pandas dtype is numeric (booleans excepted) or, as
``fit`` reads it, it holds Python numbers or ``Decimal`` values (:func:`.fit_reads.as_fit_reads`), a *date*
when every present value is a date (``2021-03-04``, ``2021-03-04 10:30``; the rule ``fit`` uses,
:func:`synthaug.tabular.datetimes.is_date_column`), and *categorical* otherwise
(text, ``category``, ``bool``, objects). Any table may hold a date column as text or as
``datetime64`` (as Parquet files and DataFrames do); timedeltas are refused. The target is
always treated as class labels. ``categorical`` / ``continuous`` (as ``fit`` takes them) override
the inferred kind of the columns they name: a numeric-looking zip code compared as categories, a
column of numbers held as text compared as numbers. A missing *target* is an error, never a
silently dropped row; an infinite number is an error (the classifiers and distances cannot use
it). :mod:`.canonical` puts the checked tables in one form (dates as seconds, missing categories
as a category of their own).

Error messages name the table and column and may name class labels, never a record.
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import DataError
from .._text import column_hint, columns_option, listed_column_hint, option_name, quoted, stray_example
from ..tabular.datetimes import day_first, is_date_column
from ..tabular.schema import check_option_conflicts, check_text_numbers, is_identifier_like


@dataclass(frozen=True)
class TableSchema:
    """Column kinds learned from the training table."""

    target: str
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    classes: tuple  # sorted class labels of the training table
    dates: tuple[str, ...] = ()  # the numeric columns that are dates (seconds in canonical form)
    day_first: tuple[str, ...] = ()  # dates whose dd/mm/yyyy text the training table reads day first
    forced: tuple[str, ...] = ()  # features whose kind was given (categorical=, continuous=), not inferred
    formatted: tuple[str, ...] = ()  # categorical features of numbers written as $1,234 or 12%, compared as text

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric + self.categorical

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column, target last."""
        return self.features + (self.target,)

    def kind(self, column: str) -> str:
        return "numeric" if column in self.numeric else "categorical"


def column_kind(series: pd.Series) -> str:
    """``"numeric"``, ``"date"`` (text dates and ``datetime64``) or ``"categorical"``; a timedelta
    column is refused with its name."""
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_timedelta64_dtype(dtype):
        raise DataError(f"column {series.name!r} has dtype {dtype}; convert it to numbers or text first")
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):  # as fit: even of dates
        return "categorical"
    if not pd.api.types.is_numeric_dtype(dtype):
        return "date" if is_date_column(series) else "categorical"
    return "numeric"


def infer_schema(
    train: pd.DataFrame, target: str, categorical: Sequence[str] = (), continuous: Sequence[str] = ()
) -> TableSchema:
    """Column kinds and classes of ``train``; the target must exist, be complete, have 2+ classes.

    ``categorical`` / ``continuous``: features compared as categories / numbers whatever their
    values look like; a column in ``continuous`` must hold numbers (or text that reads as numbers).
    """
    if not isinstance(train, pd.DataFrame):
        raise DataError(f"train must be a pandas DataFrame, got {type(train).__name__}")
    _check_unique_columns(train, "train")
    named = next((c for c in train.columns if not isinstance(c, str)), None)
    if named is not None:  # scikit-learn would read integer names as column positions
        raise DataError(
            f"train: column names must be text, got {named!r} ({type(named).__name__}); "
            "rename them, e.g. frame.columns = frame.columns.astype(str)"
        )
    if target not in train.columns:
        raise DataError(f"train: target column {target!r} not found{_target_hint(target, train.columns)}")
    if train.shape[0] == 0:
        raise DataError("train: table has no rows")
    _check_target_complete(train, target, "train")
    _check_not_regression(train[target], target)
    features = [c for c in train.columns if c != target]
    if not features:
        raise DataError("train: no feature columns besides the target")
    forced = forced_kinds(train, target, categorical, continuous)
    kinds = {c: forced.get(c) or column_kind(train[c]) for c in features}
    text = [c for c in features if kinds[c] == "categorical" and c not in forced and _is_text(train[c])]
    formatted = tuple(c for c in text if _text_numbers(train[c], c, "train"))
    classes = tuple(sorted(pd.unique(train[target]), key=_label_key))
    if len(classes) < 2:
        raise DataError(f"train: target column {target!r} has a single class")
    return TableSchema(
        target=target,
        numeric=tuple(c for c in features if kinds[c] != "categorical"),
        categorical=tuple(c for c in features if kinds[c] == "categorical"),
        classes=classes,
        dates=tuple(c for c in features if kinds[c] == "date"),
        day_first=tuple(c for c in features if kinds[c] == "date" and day_first(train[c])),  # for every table
        forced=tuple(c for c in features if c in forced),
        formatted=formatted,
    )


TARGET_MATCH = 0.75
"""How close (difflib's ratio) a column's name must be to a missing target's to be suggested: at the
column hints' 0.5, 'target' was told "did you mean 'worst area'?"."""


def _target_hint(target: str, columns) -> str:
    """`` (did you mean 'Target'?)`` for a column named nearly as ``target``, else the columns' names."""
    names = [str(c) for c in columns]
    close = difflib.get_close_matches(str(target), names, n=1, cutoff=TARGET_MATCH)
    close = close or [c for c in names if c.casefold() == str(target).casefold()]
    return f" (did you mean {close[0]!r}?)" if close else column_hint("", names)  # "" matches no name: the list


def _is_text(col: pd.Series) -> bool:
    return col.dtype == object or pd.api.types.is_string_dtype(col.dtype)


def _text_numbers(col: pd.Series, column: str, name: str) -> bool:
    """:func:`~synthaug.tabular.schema.check_text_numbers` of table ``name``'s text column, as ``fit``
    reads it: numbers with a stray value or missing values spelled '?' or '-' are refused, not compared
    as categories; returns whether they are numbers written as $1,234 or 12%."""
    try:
        return check_text_numbers(col, column)
    except DataError as error:
        raise DataError(f"{name}: {error}") from None


def forced_kinds(
    train: pd.DataFrame, target: str, categorical: Sequence[str], continuous: Sequence[str]
) -> dict[str, str]:
    """Column -> kind for the columns named in ``categorical`` / ``continuous``, after checking the
    names (features of ``train``, in one list only) and that a continuous column holds numbers.

    A ``datetime64`` column named continuous stays a date: its numbers are its seconds.
    """
    check_option_conflicts(categorical=categorical, continuous=continuous)
    for option, names in (("categorical", categorical), ("continuous", continuous)):
        for name in names:
            if name == target:
                raise DataError(f"{option_name(option)}: {name!r} is the target column, always class labels")
            if name not in train.columns:
                raise DataError(f"{option_name(option)}: no column {name!r} in train"
                                f"{listed_column_hint(str(name), train.columns)}")
    kinds = dict.fromkeys(categorical, "categorical")
    for name in continuous:
        if pd.api.types.is_datetime64_any_dtype(train[name].dtype):
            kinds[name] = "date"
        else:
            _check_numbers(train[name], name, "train")
            kinds[name] = "numeric"
    return kinds


def column_names(names: Sequence[str] | str | int | None) -> tuple[str, ...] | None:
    """Column names (:func:`as_names`; one label may be a number too) as text, as
    :func:`.fit_reads.as_fit_reads` names the columns."""
    names = (names,) if isinstance(names, numbers.Number) else as_names(names)
    return None if names is None else tuple(str(n) for n in names)


def check_table(frame: pd.DataFrame, schema: TableSchema, name: str, train: pd.DataFrame) -> None:
    """Raise DataError if ``frame`` (called ``name``) does not match the training table."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    _check_unique_columns(frame, name)
    missing = [c for c in schema.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in schema.columns]
    if schema.target in missing:
        raise DataError(f"{name}: the target column {schema.target!r} is missing")
    if missing and extra:
        raise DataError(_renamed_message(name, missing, extra))
    if missing:
        raise DataError(_missing_message(name, missing, train))
    if extra:
        them = "it" if len(extra) == 1 else "them"
        raise DataError(f"{name}: column {extra[0]!r} is not in train ({len(extra)} extra); give the table train's "
                        f"columns only, or leave {them} out of every table with {columns_option('drop', extra)}")
    if frame.shape[0] == 0:
        raise DataError(f"{name}: table has no rows")
    for column in schema.features:  # the target is checked by its labels below
        found = column_kind(frame[column])
        if column in schema.forced and column not in schema.dates:
            if column in schema.numeric:
                _check_numbers(frame[column], column, name)
                continue
            # categories compare as text: the tables must hold the same kind of values, or a CSV's 1234
            # would meet a Parquet's '01234' (and a timestamp its date text) without a match
            expected = column_kind(train[column])
            stamped = [pd.api.types.is_datetime64_any_dtype(t[column].dtype) for t in (train, frame)]
            if stamped[0] != stamped[1]:
                expected, found = ("datetime64", "text") if stamped[0] else ("text", "datetime64")
        else:
            expected = "date" if column in schema.dates else schema.kind(column)  # the training table decides
        if expected == "categorical" and found == "date":  # e.g. the dates of a column whose 'TBD' is in train only
            found = "categorical"
        if expected == "numeric" and found == "categorical" and _is_text(frame[column]):
            _text_numbers(frame[column], column, name)  # names a '?' or a typo among the numbers
        if found != expected and not frame[column].isna().all():
            raise DataError(
                f"{name}: column {column!r} is {found} ({frame[column].dtype}) "
                f"but {expected} in train ({train[column].dtype})"
            )
    _check_finite(frame, schema, name)
    _check_target_complete(frame, schema.target, name)
    unknown = set(pd.unique(frame[schema.target])) - set(schema.classes)
    if unknown:
        shown = quoted(sorted(unknown, key=_label_key))
        raise DataError(f"{name}: target column {schema.target!r} has class(es) absent from train: {shown} "
                        f"(train's: {quoted(schema.classes)})")


def _missing_message(name: str, missing: list, train: pd.DataFrame) -> str:
    """One line for a table that lacks some of train's columns. Only when they all look like
    identifiers in train (as fit sees them) does it say a model leaves such columns out (it said so of any column:
    a synthetic file without 'bmi' was told 'bmi' might be identifier-like)."""
    lacks = f"{name}: lacks {'column' if len(missing) == 1 else 'columns'} {quoted(missing)} that train has"
    drop, them = columns_option("drop", missing), "it" if len(missing) == 1 else "them"
    if all(is_identifier_like(train[c]) for c in missing):
        return (f"{lacks}; a model leaves out identifier-like columns (nearly every value unique, as in train): "
                f"leave {them} out of every table too with {drop}")
    return f"{lacks}; give the table all of train's columns, or leave {them} out of every table with {drop}"


def _renamed_message(name: str, missing: list, extra: list) -> str:
    """One line for a table that lacks some of train's columns and has others: a likely rename
    (the first missing column with a close match among the extra ones, as difflib sees it)."""
    pairs = ((m, difflib.get_close_matches(str(m), list(map(str, extra)), n=1, cutoff=0.5)) for m in missing)
    found = next(((m, match[0]) for m, match in pairs if match), None)
    counts = f"({len(missing)} missing, {len(extra)} extra)"
    if found is None:
        return (f"{name}: column {missing[0]!r} of train is missing and column {extra[0]!r} is not in train "
                f"{counts}; give the table train's column names")
    was, now = found
    return (f"{name}: column {was!r} of train is missing and column {now!r} is not in train {counts}; "
            f"was {was!r} renamed {now!r}? Give the table train's column names")


def check_tables(
    train: pd.DataFrame,
    target: str,
    others: Mapping[str, pd.DataFrame | None],
    categorical: Sequence[str] = (),
    continuous: Sequence[str] = (),
) -> TableSchema:
    """Validate ``train`` and every named table against it; returns the schema (kinds as in
    :func:`infer_schema`)."""
    schema = infer_schema(train, target, categorical, continuous)
    _check_finite(train, schema, "train")
    for name, frame in others.items():
        if frame is not None:
            check_table(frame, schema, name, train)
    return schema


def without_columns(schema: TableSchema, columns: Sequence[str]) -> TableSchema:
    """``schema`` with ``columns`` (features) left out."""
    keep = lambda names: tuple(c for c in names if c not in set(columns))  # noqa: E731
    return dataclasses.replace(schema, numeric=keep(schema.numeric), categorical=keep(schema.categorical),
                               dates=keep(schema.dates), day_first=keep(schema.day_first), forced=keep(schema.forced))


def as_names(names: Sequence[str] | str | None) -> tuple | None:
    """Column names as a tuple; a str is one name, not a sequence of its letters."""
    if names is None:
        return None
    return (names,) if isinstance(names, str) else tuple(names)


def _check_numbers(col: pd.Series, column: str, name: str) -> None:
    """A DataError naming table ``name`` and ``column`` (given as continuous) if a present value is
    not a number; text that reads as a number passes."""
    dtype = col.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise DataError(f"{name}: column {column!r} is listed in {option_name('continuous')} but has "
                        f"dtype {dtype}, not numbers")
    if pd.api.types.is_numeric_dtype(dtype):
        return
    present = col.notna().to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_numeric(col.astype(object).where(present, None), errors="coerce")
    stray = present & parsed.isna().to_numpy()
    if stray.any():
        raise DataError(
            f"{name}: column {column!r} is listed in {option_name('continuous')} but {int(stray.sum())} "
            f"value(s) are not numbers ({stray_example(col.astype(str), stray)}); fix them, or leave it out of "
            "continuous"
        )


def _check_unique_columns(frame: pd.DataFrame, name: str) -> None:
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise DataError(f"{name}: column {duplicated[0]!r} appears more than once")


def _check_finite(frame: pd.DataFrame, schema: TableSchema, name: str) -> None:
    for column in schema.numeric:
        numbers = pd.api.types.is_numeric_dtype(frame[column].dtype) or column in schema.forced  # all-missing: text
        if numbers and column not in schema.dates:
            n_inf = int(np.isinf(pd.to_numeric(frame[column]).to_numpy(np.float64)).sum())
            if n_inf:
                raise DataError(f"{name}: column {column!r} has {n_inf} infinite value(s); use finite numbers")


MAX_FLOAT_LEVELS = 20
"""A float target with more distinct non-whole values than this (or than half its rows) is refused as a
regression target; one with more distinct values than :data:`FEW_LEVELS` (or non-whole ones) gets a note."""
FEW_LEVELS = 10


def _float_levels(labels: pd.Series) -> tuple[int, bool] | None:
    """Distinct values of a float target and whether all are whole numbers; None for other targets."""
    if not pd.api.types.is_float_dtype(labels.dtype):
        return None
    values = labels.to_numpy(np.float64)
    return len(np.unique(values)), bool(np.all(values == np.round(values)))


def _check_not_regression(labels: pd.Series, target: str) -> None:
    """A DataError for a float target of many distinct non-whole values: a regression target."""
    levels = _float_levels(labels)
    if levels is not None and not levels[1] and levels[0] > min(MAX_FLOAT_LEVELS, len(labels) / 2):
        raise DataError(f"train: target column {target!r} holds {levels[0]} distinct non-whole numbers, a "
                        "regression target; the evaluator scores classification: give a column of class labels "
                        "(e.g. the values binned into a few classes)")


def target_notes(train: pd.DataFrame, target: str) -> list[str]:
    """A note on a float target that passed :func:`_check_not_regression` yet may be a measurement."""
    levels = _float_levels(train[target])
    if levels is None or (levels[1] and levels[0] <= FEW_LEVELS):
        return []
    kind = "whole numbers as floats" if levels[1] else "non-whole numbers"
    return [f"target column {target!r} holds {kind} ({levels[0]} distinct values): each value is scored as a "
            "class of its own (the evaluator scores classification, not regression); if it is a measurement, "
            "give a column of class labels instead"]


def _check_target_complete(frame: pd.DataFrame, target: str, name: str) -> None:
    n_missing = int(frame[target].isna().sum())
    if n_missing:
        raise DataError(f"{name}: target column {target!r} has {n_missing} missing value(s)")


def _label_key(label: object) -> tuple[str, object]:
    """Sort labels of mixed types deterministically (numbers first, then text)."""
    if isinstance(label, (int, float, np.integer, np.floating)) and not isinstance(label, bool):
        return ("0", float(label))
    return ("1", str(label))
