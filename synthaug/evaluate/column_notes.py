"""Notes on the columns and classes of the tables ``evaluate`` was given: left-out columns,
identifier-like and formatted-number columns, classes with no test rows; and which columns are empty
or identifier-like."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._errors import DataError
from .._text import MIN_SHOWN_ROWS, columns_option, quoted, shown
from ..tabular.schema import ID_MIN_ROWS, is_identifier_like, number_format
from .canonical import MISSING
from .tables import TableSchema, without_columns

UNSEEN_SHARE = 0.5
"""A categorical column of another table more than this share of whose present values never occur in
train gets a note. A generator fit on train draws its categories from train's, so a few unseen values are
invented or rare categories, but most of them are train's values spelled another way (spaces, case,
leading zeros); each then mismatches every real row and the figures measure the spelling."""
UNSEEN_MIN_ROWS = 20
"""Fewer present values than this in a column are too few to call its coding unlike train's."""


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
    ids, notes = identifier_columns(train, schema), _formatted_notes(train, schema.formatted)
    if not ids:
        return notes
    return notes + [
        f"column(s) {quoted(ids)} have a different value in nearly every training row, like identifiers: the privacy "
        "measures and classifiers then match records by them (synthetic ids that reuse training ids read as leaks); if "
        f"they are identifiers, leave them out of every table with {columns_option('drop', ids)} (fit leaves out "
        "identifier-like columns)"]


def _formatted_notes(train: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """One note per way the numbers of ``columns`` are written (:func:`number_format`, as fit words it: a
    decimal comma, or currency symbols, separators, percent signs)."""
    ways: dict[tuple[str, str], list[str]] = {}
    for name in columns:
        ways.setdefault(number_format(train[name]), []).append(name)
    return [f"column(s) {quoted(names)} look like {what}, so they are compared as categories (a different amount "
            f"is a different category); {fix}, in every table" for (what, fix), names in ways.items()]


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


def unseen_value_notes(train_c: pd.DataFrame, others: dict[str, pd.DataFrame | None], schema: TableSchema,
                       skip: Sequence[str] = ()) -> list[str]:
    """A note per canonical table of ``others`` on its categorical features (but ``skip``) more than
    :data:`UNSEEN_SHARE` of whose present values never occur in the canonical ``train_c``."""
    notes = []
    for name, frame in others.items():
        found = []
        for column in (c for c in schema.categorical if c not in skip) if frame is not None else ():
            known, values = train_c[column], frame[column]
            known, values = known[known != MISSING], values[values != MISSING]
            unseen = ~values.isin(known)
            if _unlike_coding(known, values, unseen):
                found.append((column, float(unseen.mean()), known, values[unseen]))
        notes += [_unseen_note(name, found)] if found else []
    return notes


def _unlike_coding(known: pd.Series, values: pd.Series, unseen: pd.Series) -> bool:
    """Whether the present ``values`` (``unseen``: (n,) those not among train's ``known`` values) look coded
    unlike train: more than :data:`UNSEEN_SHARE` of at least :data:`UNSEEN_MIN_ROWS` values are unseen, and
    either most of those are respellings of train's (:func:`_respelled`) or train's categories repeat
    (:data:`~synthaug._text.MIN_SHOWN_ROWS` rows each on average), so that new ones in most rows are not
    chance. A city column of 150 values in 60 rows has new values in any other 60 rows."""
    if len(values) < UNSEEN_MIN_ROWS or unseen.mean() <= UNSEEN_SHARE:
        return False
    return _respelled(known, values[unseen]) or len(known) >= MIN_SHOWN_ROWS * max(known.nunique(), 1)


def _unseen_note(name: str, found: list[tuple[str, float, pd.Series, pd.Series]]) -> str:
    """The note on table ``name``'s columns ``found`` (column, unseen share, train's values, the unseen ones):
    the first two with examples (only values of :data:`~synthaug._text.MIN_SHOWN_ROWS` rows or more: categories,
    not one record's text), then the others' names, and a likely cause."""
    details = []
    for column, share, known, unseen in found[:2]:
        examples = [f"{table} {', '.join(vals)}" for table, vals in (("train", _common(known)), (name, _common(unseen)))
                    if vals]
        details.append(f"{column!r} ({'all' if share == 1.0 else f'{share:.0%}'} of its rows with a value"
                       f"{'; ' + '; '.join(examples) if examples else ''})")
    rest = f", and in {quoted([c for c, *_ in found[2:]], 3)}" if len(found) > 2 else ""
    respelled = np.mean([_respelled(known, unseen) for _, _, known, unseen in found]) > 0.5
    cause = ("most match one of train's once surrounding spaces, case and leading zeros are ignored. Write them "
             "as train does" if respelled else "train's categories recur, these are not among them: another coding "
             "or another source? Code them as train does")
    return (f"{name} values that never occur in train in column(s) {', '.join(details)}{rest}: {cause}: every "
            "unseen value mismatches every real row, so the fidelity and privacy figures measure the coding")


def _common(values: pd.Series, limit: int = 2) -> list[str]:
    """The ``limit`` commonest of ``values`` held by at least MIN_SHOWN_ROWS rows, as short reprs."""
    counts = values.value_counts()
    return [shown(str(v), 32) for v in counts.index[:limit][counts.iloc[:limit] >= MIN_SHOWN_ROWS]]


def _respelled(known: pd.Series, unseen: pd.Series) -> bool:
    """Whether most distinct ``unseen`` values match a ``known`` one once spaces, case and leading zeros are
    ignored."""
    loose = lambda v: pd.Series(v.unique()).str.strip().str.casefold().str.lstrip("0")  # noqa: E731
    return bool(loose(unseen).isin(loose(known)).mean() > 0.5)
