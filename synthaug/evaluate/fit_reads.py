"""Tables read as ``fit`` reads them, before evaluate, share or assess_leakage compare them: column
names as text, and object columns of Python numbers or ``Decimal`` (and Arrow decimals) as numbers."""

from __future__ import annotations

import pandas as pd

from .._errors import DataError
from .._provenance import table_digest
from ..tabular.target import numbers_as_numbers


def as_fit_reads(frame: pd.DataFrame, name: str, target: str) -> pd.DataFrame:
    """``frame`` (the table called ``name``) read as ``fit`` reads a table: columns named by their text
    (column 7 is "7", two names equal as text refused) and object features of Python numbers or
    ``Decimal`` (alone or among ints and floats, as ``read_sql`` and a Parquet decimal column give them,
    or Arrow decimals) as numbers (:func:`~synthaug.tabular.target.numbers_as_numbers`); the target as
    given. Anything but a DataFrame, or one with a repeated column name, as given
    (:func:`.tables.check_table` refuses it)."""
    if not isinstance(frame, pd.DataFrame) or frame.columns.duplicated().any():
        return frame
    frame = _named_as_text(frame, name)
    features = frame.drop(columns=[target]) if target in frame.columns else frame
    numbers = numbers_as_numbers(features)
    changed = features.columns[numbers.dtypes.to_numpy() != features.dtypes.to_numpy()]
    converted = {c: numbers[c] for c in changed}
    if not converted:
        return frame
    frame = frame.copy()
    for column, values in converted.items():  # a whole column each
        frame.isetitem(frame.columns.get_loc(column), values)
    return frame


def table_digests(tables: dict[str, pd.DataFrame | None]) -> dict[str, str | None]:
    """report.json's ``data_sha256``: each table's :func:`synthaug._provenance.table_digest` as read by
    :func:`as_fit_reads`, before ``drop``, as ``fit`` digests its table (model.json's
    ``training.data_sha256``); None for a table not given (no holdout)."""
    return {name: None if frame is None else table_digest(frame) for name, frame in tables.items()}


def _named_as_text(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` with each column named ``str`` of its label, as ``fit`` names them; a DataError naming
    table ``name`` when two labels are equal as text (7 and "7")."""
    if all(isinstance(c, str) for c in frame.columns):
        return frame
    names = pd.Index([str(c) for c in frame.columns])
    if names.has_duplicates:
        text = names[names.duplicated()][0]
        first, second = [c for c in frame.columns if str(c) == text][:2]
        raise DataError(f"{name}: columns {first!r} and {second!r} are both named {text!r} as text; rename one")
    return frame.set_axis(names, axis=1)
