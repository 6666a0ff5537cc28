"""Notes on the columns and classes of the tables ``evaluate`` was given: left-out columns,
identifier-like and formatted-number columns, classes with no test rows; and which columns are empty
or identifier-like."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._errors import DataError
from .._text import columns_option, quoted
from ..tabular.schema import CONVERT, FORMATTED, ID_MIN_ROWS, is_identifier_like
from .tables import TableSchema, without_columns


def classifier_features(train: pd.DataFrame, schema: TableSchema) -> tuple[TableSchema, list[str]]:
    """The schema of the classifiers' features: without the columns that have no value in train
    (nothing to learn; gradient boosting fails on them), and a note naming those."""
    empty = empty_columns(train, schema)
    if not empty:
        return schema, []
    if len(empty) == len(schema.features):
        raise DataError(f"train: every feature column is empty (no values in {quoted(empty)}); nothing to classify "
                        "from")
    return without_columns(schema, empty), [
        f"column(s) {quoted(empty)} have no value in train: left out of the classifiers' features (fidelity "
        f"still compares their missing share); leave them out of every table with {columns_option('drop', empty)}"]


def matching_notes(train: pd.DataFrame, schema: TableSchema) -> list[str]:
    """Notes on columns whose values would not compare as the user means them: numbers written as
    $1,234 or 12% (compared as categories), and identifier-like columns
    (:func:`identifier_columns`), which distances and classifiers would match records by."""
    ids, notes = identifier_columns(train, schema), [_formatted_note(schema.formatted)] if schema.formatted else []
    if not ids:
        return notes
    return notes + [
        f"column(s) {quoted(ids)} have a different value in nearly every training row, like identifiers: the privacy "
        "measures and classifiers then match records by them (synthetic ids that reuse training ids read as leaks); if "
        f"they are identifiers, leave them out of every table with {columns_option('drop', ids)} (fit leaves out "
        "identifier-like columns)"]


def _formatted_note(columns: Sequence[str]) -> str:
    return (f"column(s) {quoted(columns)} look like {FORMATTED}, so they are compared as categories (a "
            f"different amount is a different category); {CONVERT}, in every table")


def absent_class_notes(test: pd.DataFrame, target: str, classes: tuple) -> list[str]:
    """A note on training classes with no test rows; a DataError for a single-class test set."""
    present = set(pd.unique(test[target]))
    if len(present) < 2:
        raise DataError(f"test: target column {target!r} has a single class; scores need two")
    absent = [c for c in classes if c not in present]
    if absent:
        shown = quoted(absent)
        return [f"class(es) {shown} have no test rows and are left out of the macro averages"]
    return []


def identifier_columns(train: pd.DataFrame, schema: TableSchema) -> tuple[str, ...]:
    """Features of ``train`` (a raw table) that look like identifiers: those ``fit`` leaves out
    (:func:`~synthaug.tabular.schema.is_identifier_like`), and whole numbers or text with a different
    value in every one of at least ``ID_MIN_ROWS`` rows (a shuffled id column). Dates and columns given
    as continuous are left alone; so are non-whole numbers (measurements are often all distinct)."""
    def unique_ids(col: pd.Series) -> bool:
        if len(col) < ID_MIN_ROWS or col.isna().any() or not col.is_unique:
            return False
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            return bool(np.all(np.mod(col.to_numpy(np.float64), 1.0) == 0.0))
        return col.dtype == object or pd.api.types.is_string_dtype(col.dtype)

    skip = set(schema.dates) | (set(schema.forced) & set(schema.numeric)) | set(schema.formatted)
    return tuple(c for c in schema.features if c not in skip and (unique_ids(train[c]) or is_identifier_like(train[c])))


def empty_columns(train: pd.DataFrame, schema: TableSchema) -> tuple[str, ...]:
    """The features of ``train`` (a raw table) with no value at all: every row missing."""
    return tuple(c for c in schema.features if train[c].isna().all())
