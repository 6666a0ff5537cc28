"""Checks on a CSV file as pandas read it, from its header row as written.

* a name given twice is refused (pandas would read ``outcome`` and ``outcome.1`` and
  ``--target outcome`` pick the first); names that differ only by case or surrounding spaces
  warn; a column with no name is dropped with a warning when it is empty (Excel's trailing
  columns) or holds row numbers (a saved index), and refused otherwise.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pandas as pd

from ._errors import DataError, warn
from ._paths import is_gzip


def header_names(path: Path) -> list[str]:
    """The header row's names as written (pandas renames repeated and blank ones); [] for no header."""
    opener = gzip.open if is_gzip(path) else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
        return next((row for row in csv.reader(handle) if row and any(cell.strip() for cell in row)), [])


def check_names(names: list[str], path: Path) -> None:
    """Refuse a name given twice; warn once about names that differ only by case or spaces."""
    seen: dict[str, int] = {}
    for i, name in enumerate(names, 1):
        if name in seen and name.strip():
            repeats = [j for j, other in enumerate(names, 1) if other == name]
            times = "twice" if len(repeats) == 2 else f"{len(repeats)} times"
            raise DataError(f"column name {name!r} appears {times} in {path} (columns {_listed(repeats)}); "
                            "rename or delete the copies")
        seen.setdefault(name, i)
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names, 1):
        if name.strip():
            groups.setdefault(name.strip().casefold(), []).append(i)
    similar = [cols for cols in groups.values() if len(cols) > 1]
    if similar:
        more = f" (and {len(similar) - 1} more such group(s))" if len(similar) > 1 else ""
        warn(f"{path}: column names {_listed([repr(names[i - 1]) for i in similar[0]])} (columns "
             f"{_listed(similar[0])}) differ only by case or surrounding spaces{more}; they are different "
             "columns, and options must spell them exactly")


def unnamed_columns(frame: pd.DataFrame, names: list[str], path: Path) -> pd.DataFrame:
    """``frame`` without the columns whose header cell is blank, when empty or row numbers (with a
    warning); a DataError for a blank-named column that holds values."""
    blank = [i for i, name in enumerate(names) if not name.strip()]
    if not blank or len(names) != frame.shape[1]:
        return frame
    empty = [i for i in blank if frame.iloc[:, i].isna().all()]
    index = [i for i in blank if i == 0 and i not in empty and _row_numbers(frame.iloc[:, 0])]
    kept = [i for i in blank if i not in empty and i not in index]
    if kept:
        raise DataError(f"{path}: column {kept[0] + 1} has no name in the header but holds values; "
                        "give it a name (or delete the column)")
    if empty:
        where = _listed([i + 1 for i in empty])
        warn(f"{path}: left out {len(empty)} empty column(s) with no name (column(s) {where}; "
             "a spreadsheet's trailing columns?)")
    if index:
        warn(f"{path}: left out column 1, which has no name and holds the row numbers (a saved row index)")
    return frame.drop(columns=frame.columns[empty + index])


def _row_numbers(col: pd.Series) -> bool:
    """Whether ``col`` is 0..n-1 or 1..n in order (a row index written with the table)."""
    if not pd.api.types.is_integer_dtype(col.dtype):
        return False
    values = col.to_numpy()
    return bool(np.array_equal(values, np.arange(len(values))) or np.array_equal(values, np.arange(1, len(values) + 1)))


def _listed(items: list) -> str:
    """``1, 4 and 6``."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
