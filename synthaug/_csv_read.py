"""Checks on a CSV file as pandas read it: what spreadsheets leave in exports, found in the raw text.

* a workbook or other binary file renamed ``.csv`` (:func:`not_text`, from its first bytes);
* header names: a name given twice is refused (pandas would read ``outcome`` and ``outcome.1``
  and ``--target outcome`` pick the first); names that differ only by case or surrounding spaces
  warn; a column with no name is dropped with a warning when it is empty (Excel's trailing
  columns) or holds row numbers (a saved index), and refused otherwise;
* (in :mod:`synthaug.io`, which reads the file again) data rows with one field more than the header
  (pandas silently takes the first field for a row index): dropped when that field is empty in
  every row (a trailing comma), else refused;
* rows that are entirely empty (``,,,,``) are dropped with a warning;
* a header repeated below the first and a totals row at the end are refused, naming the line.

Line numbers are the file's (quoted line breaks counted), from :func:`data_row_lines`.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import re
import zipfile
import zlib
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from ._errors import DataError, warn
from ._paths import EXCEL_TEXT, is_gzip, table_suffix

SIGNATURES = ((b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"), (b"PAR1", "parquet"))
NOT_TEXT = {
    **EXCEL_TEXT,
    "parquet": "is a Parquet file, not a text table; name it .parquet",
    "zip": "is a zip archive, not a text table; unzip it and give the table inside",
    "damaged": "is not a text table (it starts like a zip archive or an Excel workbook, but is damaged)",
}
TOTAL_WORDS = frozenset({"total", "totals", "grand total", "sum", "subtotal"})
OTHER_SEPARATORS = ((";", "semicolons"), ("\t", "tabs"))  # what a CSV read as one column may be separated by
# a decimal comma: digits (or thousands grouped by dots), one comma, digits (46,0, 3674,25 or 1.234,50);
# 1,234 could be a thousands separator
DECIMAL_COMMA = re.compile(r"\s*[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),(?!\d{3}\s*$)\d+\s*")
SNIFFED_ROWS = 20  # data rows read for decimal commas


def not_text(path: Path) -> str | None:
    """Why a ``.csv`` file is not a text table when its first bytes say so ("is an Excel workbook
    (.xlsx), ..."), else None."""
    head = text_bytes(path, 8)
    kind = next((name for mark, name in SIGNATURES if head.startswith(mark)), None)
    if kind == "zip" and not is_gzip(path):
        try:
            with zipfile.ZipFile(path) as archive:
                kind = "xlsx" if any(m.startswith("xl/") for m in archive.namelist()) else "zip"
        except (zipfile.BadZipFile, OSError):
            kind = "damaged"
    return NOT_TEXT.get(kind)


def separator_hint(path: Path) -> str:
    """``"; ..."`` advice when a CSV's header is separated by semicolons or tabs rather than commas (a
    spreadsheet's export in a European locale), with the pandas line that saves it with commas; else ""."""
    with open_text(path, "utf-8") as handle:
        lines = list(itertools.islice(handle, 1 + SNIFFED_ROWS))
    header = lines[0] if lines else ""
    found = next(((sep, name) for sep, name in OTHER_SEPARATORS if header.count(sep) > header.count(",")), None)
    if found is None:
        return ""
    sep, name = found
    new = path.with_name(path.name[: -len(table_suffix(path))] + "-commas" + table_suffix(path))
    return f"; its header is separated by {name}: save it with commas, e.g. in pandas {convert_line(path, sep, new)}"


def convert_line(path: Path, sep: str, new: Path) -> str:
    """The pandas line that saves the ``sep``-separated table ``path`` as the CSV ``new``, with ``decimal=','``
    when its first data rows hold decimal commas (46,0: read without it, such a column is text), and
    ``thousands='.'`` when those group thousands by dots (1.234,50)."""
    with open_text(path, "utf-8-sig") as handle:
        rows = csv.reader(itertools.islice(handle, 1, 1 + SNIFFED_ROWS), delimiter=sep)
        commas = [cell for row in rows for cell in row if DECIMAL_COMMA.fullmatch(cell)]
    decimal = (", decimal=','" if commas else "") + (", thousands='.'" if any("." in cell for cell in commas) else "")
    return f"pd.read_csv({str(path)!r}, sep={sep!r}{decimal}).to_csv({str(new)!r}, index=False)"


def text_bytes(path: Path, size: int = -1) -> bytes:
    """A CSV file's bytes as pandas parses them (a ``.csv.gz`` decompressed): the first ``size``, or all;
    b"" for a ``.csv.gz`` gzip cannot read (pandas' reading names the trouble)."""
    try:
        with gzip.open(path) if is_gzip(path) else open(path, "rb") as handle:
            return handle.read(size)
    except (OSError, EOFError, zlib.error):
        return b""


def open_text(path: Path, encoding: str = "utf-8-sig") -> TextIO:
    """A CSV file (a ``.csv.gz`` decompressed) opened as text, undecodable bytes replaced."""
    opener = gzip.open if is_gzip(path) else open
    return opener(path, "rt", encoding=encoding, errors="replace", newline="")


def header_names(path: Path) -> list[str]:
    """The header row's names as written (pandas renames repeated and blank ones); [] for no header."""
    with open_text(path) as handle:
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


def empty_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which rows are entirely empty (``,,,,``: every value missing)."""
    return frame.isna().all(axis=1).to_numpy()


def drop_rows(frame: pd.DataFrame, empty: np.ndarray, path: Path) -> pd.DataFrame:
    """``frame`` without its ``empty`` rows, with a warning giving their count and first line."""
    if not empty.any():
        return frame
    first = data_row_lines(text_bytes(path))[np.flatnonzero(empty)[0]]
    warn(f"{path}: dropped {int(empty.sum())} empty row(s) (the first on line {first})")
    return frame.loc[~empty].reset_index(drop=True)


def check_stray_rows(frame: pd.DataFrame, path: Path) -> None:
    """Refuse a header repeated below the first and a totals row at the end, naming their lines
    (``frame``'s index: the rows' places in the file)."""
    repeats = frame.index[_repeats_header(frame)]
    if repeats.size:
        lines = data_row_lines(text_bytes(path))[repeats]
        more = f" (and {repeats.size - 1} more line(s))" if repeats.size > 1 else ""
        raise DataError(f"{path}: line {lines[0]} repeats the header{more}; delete it (tables pasted into one file?)")
    present = frame.iloc[-1].dropna() if len(frame) else pd.Series(dtype=object)
    first = present.iloc[0] if len(present) else None
    if isinstance(first, str) and first.strip().rstrip(":").casefold() in TOTAL_WORDS:
        line = data_row_lines(text_bytes(path))[frame.index[-1]]
        raise DataError(f"{path}: line {line} looks like a totals row (its first cell is {first.strip()!r}), "
                        "not a record; delete it")


def _repeats_header(frame: pd.DataFrame) -> np.ndarray:
    """Which rows hold every column's own name (compared column by column, vectorised)."""
    rows = np.ones(len(frame), dtype=bool)
    for name, col in frame.items():
        if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
            return np.zeros(len(frame), dtype=bool)  # a number column holds no names (numeric names are rare)
        rows &= (col == str(name)).fillna(False).to_numpy(dtype=bool)
        if not rows.any():
            break
    return rows


def data_row_lines(raw: bytes) -> np.ndarray:
    """The file line (1-based) on which each data row starts, as pandas counts rows: records end at a
    line break outside quotes, and blank records (only spaces) are skipped; the first is the header."""
    data = np.frombuffer(raw, dtype=np.uint8)
    breaks = np.flatnonzero(data == (10 if b"\n" in raw else 13))
    quotes = np.flatnonzero(data == ord('"'))
    ends = breaks[np.searchsorted(quotes, breaks) % 2 == 0]  # even quotes before: not inside a field
    ends = np.append(ends, len(data))
    starts = np.concatenate([[0], ends[:-1] + 1])
    solid = np.flatnonzero(~np.isin(data, np.frombuffer(b" \t\r\n\x0b\x0c", dtype=np.uint8)))
    filled = np.searchsorted(solid, starts) < np.searchsorted(solid, ends)
    lines = np.searchsorted(breaks, starts) + 1  # line breaks before a record's start, plus one
    return lines[filled][1:]


def _listed(items: list) -> str:
    """``1, 4 and 6``."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
