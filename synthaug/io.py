"""Read and write tables (CSV, gzip-compressed CSV, Parquet) with clear errors and atomic, streaming writes.

The path checks and atomic writes themselves are in :mod:`synthaug._paths` (no pandas), and importable from here."""

from __future__ import annotations

import codecs
import contextlib
import gzip
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ._csv import CsvWriter
from ._csv_codes import is_number, keep_codes
from ._csv_read import (
    check_names,
    check_stray_rows,
    drop_rows,
    empty_rows,
    header_names,
    not_text,
    separator_hint,
    text_bytes,
    unnamed_columns,
)
from ._errors import DataError
from ._folder_replace import atomic_directory  # noqa: F401 (here since before it moved)
from ._paths import (  # noqa: F401 (the path checks and atomic writes, here since before they moved)
    TABLE_SUFFIXES,
    atomic_path,
    check_output_folder,
    check_replaceable_folder,
    check_table_file,
    is_gzip,
    table_format,
    table_suffix,
)
from .tabular.datetimes import UNITS_NS, n_out_of_range, resolution_ns


def read_table(path: str | Path, text_columns: Iterable[str] = ()) -> pd.DataFrame:
    """Read a CSV (``.csv.gz`` too) or Parquet file; missing, empty or unparsable files raise DataError.

    A CSV's numeric-looking codes (``00123``, ``250`` beside ``250.00``) stay text
    (:mod:`synthaug._csv_codes`), as do its numeric ``text_columns``; what spreadsheets leave in
    exports is dropped with a warning or refused (:mod:`synthaug._csv_read`)."""
    return _read(Path(path), text_columns)[0]


def read_tables(paths: Mapping[str, str | Path | None]) -> dict[str, pd.DataFrame | None]:
    """Read the tables of one job (evaluate's train, test, synthetic) by :func:`read_table`, alike: a
    column kept as codes in one CSV is text in every CSV, though another's values have no leading zero."""
    read = {role: None if path is None else _read(Path(path)) for role, path in paths.items()}
    codes = set().union(*(found[1] for found in read.values() if found is not None))
    tables = {}
    for role, found in read.items():
        frame = None if found is None else found[0]
        if frame is not None and any(c in frame.columns and is_number(frame[c].dtype) for c in codes - found[1]):
            frame = _read(Path(paths[role]), codes)[0]
        tables[role] = frame
    return tables


def _read(path: Path, text_columns: Iterable[str] = ()) -> tuple[pd.DataFrame, set[str]]:
    """A table and the names of the CSV columns kept as codes."""
    fmt = check_table_file(path)
    if fmt == "csv" and (why := not_text(path)):  # before pandas, which read a workbook as bad UTF-8 or no rows
        raise DataError(f"{path}: {why}")
    frame = _parse(path, fmt)
    codes: set[str] = set()
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise DataError(f"{path}: file has no rows")
    if fmt == "csv" and frame.shape[1] == 1 and (hint := separator_hint(path)):
        raise DataError(f"{path}: read as a single column {str(frame.columns[0])[:40]!r}{hint}")
    if fmt == "csv":
        frame, codes = _tidy_csv(frame, path, set(text_columns))
    if frame.shape[0] == 0:  # every row empty
        raise DataError(f"{path}: file has no rows")
    return frame, codes


def _parse(path: Path, fmt: str, **options) -> pd.DataFrame:
    """pandas' reading of the file (``options`` for ``read_csv``), its errors as DataErrors naming the file."""
    try:
        return pd.read_csv(path, **options) if fmt == "csv" else pd.read_parquet(path)
    except UnicodeDecodeError:
        raise DataError(f"{path}: {_not_utf8(text_bytes(path))}") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:  # EOFError was a traceback, the others unnamed
        raise DataError(f"{path}: cannot be read as gzip-compressed csv: {_gzip_trouble(exc)}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, pa.ArrowInvalid) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = separator_hint(path) if fmt == "csv" else ""
        raise DataError(f"{path}: cannot be read as {fmt}: {first}{hint}") from None


def _tidy_csv(frame: pd.DataFrame, path: Path, text_columns: set[str]) -> tuple[pd.DataFrame, set[str]]:
    """A CSV as pandas read it, checked and tidied (:mod:`synthaug._csv_read`), its codes as text."""
    names = header_names(path)
    check_names(names, path)
    options = {}
    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0):  # pandas took fields for an index
        frame, options = _without_trailing_fields(frame, path, len(names)), {"index_col": False}
    frame = unnamed_columns(frame, names, path)
    empty = empty_rows(frame)
    check_stray_rows(frame.loc[~empty], path)
    frame, codes = keep_codes(frame, path, lambda columns: _parse(path, "csv", usecols=columns, dtype=str, **options),
                              text_columns)
    return drop_rows(frame, empty, path), codes


def _without_trailing_fields(frame: pd.DataFrame, path: Path, n_names: int) -> pd.DataFrame:
    """The file read again without the fields that data rows hold beyond the header's names, when they
    are empty in every row (trailing commas); otherwise a DataError."""
    extra = frame.index.nlevels
    if not frame.iloc[:, -extra:].isna().all().all():
        raise DataError(f"{path}: the data rows have {extra} field(s) more than the header's {n_names} names; "
                        "name every column in the header")
    return _parse(path, "csv", index_col=False)


BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),  # before UTF-16's:
                    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))  # FF FE starts both


def _gzip_trouble(exc: Exception) -> str:
    """What is wrong with a ``.csv.gz`` that gzip refused, without quoting its bytes (they may be data)."""
    if isinstance(exc, EOFError):
        return "it is cut short (an unfinished download or copy?)"
    if str(exc).startswith("Not a gzipped file"):
        return "it is not gzip-compressed; if it is plain CSV, name it .csv"
    return "it is damaged (the compressed data does not check out)"


def _not_utf8(raw: bytes) -> str:
    """Why ``raw`` is not UTF-8 and what to do: a UTF-16/32 byte-order mark ("is UTF-16 text"), else
    where it stops being UTF-8 ("line 3 is not UTF-8 text (byte 0xe9)"), likely a legacy code page."""
    encoding = next((name for mark, name in BYTE_ORDER_MARKS if raw.startswith(mark)), None)
    if encoding:  # it was told it might be Windows-1252/Latin-1
        return (f"is {encoding} text (it starts with a {encoding} byte-order mark), not UTF-8; save the file as "
                "UTF-8 (e.g. Excel's 'CSV UTF-8')")
    return f"{_first_non_utf8(raw)}; save the file as UTF-8 (e.g. from Windows-1252/Latin-1)"


def _first_non_utf8(raw: bytes) -> str:
    """Where ``raw`` stops being UTF-8: "line 3 is not UTF-8 text (byte 0xe9)"."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return f"line {line} is not UTF-8 text (byte 0x{raw[exc.start]:02x})"
    return "not UTF-8 text"


class TableWriter:
    """Append DataFrame chunks to one CSV, ``.csv.gz`` or Parquet file; it appears only when closed cleanly.

    Use as a context manager: ``with TableWriter(path) as w: w.write(chunk)``. ``template``, a
    frame with every column's dtype and values of every type it can hold, fixes the file's column
    types up front (else the first chunk does, and a column all missing in it has no type) and
    lets a file with no rows still be written with its header.

    CSV is written as pandas ``to_csv`` writes it (:mod:`synthaug._csv`: quotes only where a field
    needs them); a ``.csv.gz`` is that text gzip-compressed, the same bytes for the same rows. In CSV
    a timestamp column is written at its resolution (``time_resolutions``: column -> nanoseconds per
    step, as :func:`synthaug.tabular.datetimes.resolution_ns` gives): dates as ``2021-08-14``, whole
    seconds without a fraction. Without a template, the first frame written gives the resolutions;
    with a template and no ``time_resolutions``, timestamps keep full precision.
    """

    def __init__(self, path: str | Path, template: pd.DataFrame | None = None,
                 time_resolutions: Mapping[str, int] | None = None) -> None:
        self.path = Path(path)
        self.format = table_format(self.path)
        self.rows_written = 0
        self._atomic: contextlib.AbstractContextManager[Path] | None = None
        self._writer: pq.ParquetWriter | CsvWriter | None = None
        self._schema: pa.Schema | None = None
        self._resolutions = dict(time_resolutions or {})
        if template is not None:
            self._schema = self._file_schema(pa.Schema.from_pandas(template, preserve_index=False))

    def __enter__(self) -> TableWriter:
        self._atomic = atomic_path(self.path)
        self._tmp = self._atomic.__enter__()
        return self

    def write(self, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._writer is None:
            if self._schema is None and self.format == "csv":  # the first frame fixes the file's columns
                self._resolutions = {**_frame_resolutions(frame), **self._resolutions}
            self._open(self._schema or self._file_schema(table.schema))
        table = table.cast(self._schema)
        self._writer.write_table(table)
        self.rows_written += len(frame)

    def _file_schema(self, schema: pa.Schema) -> pa.Schema:
        """Parquet keeps pandas' metadata, so nullable dtypes (Int64, boolean) read back as such;
        CSV drops it and writes timestamps at their columns' resolutions."""
        if self.format == "parquet":
            return schema
        fields = [f.with_type(_csv_time_type(f.type, self._resolutions[f.name]))
                  if pa.types.is_timestamp(f.type) and f.name in self._resolutions else f for f in schema]
        return pa.schema(fields)

    def _open(self, schema: pa.Schema) -> None:
        self._schema = schema
        if self.format == "parquet":
            self._writer = pq.ParquetWriter(self._tmp, schema)
        else:
            self._writer = CsvWriter(self._tmp, schema, compress=is_gzip(self.path))

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._atomic is not None
        try:
            if exc_type is None and self._writer is None and self._schema is not None:
                self._open(self._schema)  # no rows: still a valid file with its columns
            if self._writer is not None:
                self._writer.close()  # writes Parquet's footer: it can fail, e.g. on a full disk
        except BaseException as error:  # the temporary file goes too, not only on errors inside the block
            self._atomic.__exit__(type(error), error, error.__traceback__)
            raise
        self._atomic.__exit__(exc_type, exc, tb)


def _frame_resolutions(frame: pd.DataFrame) -> dict[str, int]:
    """Each datetime64 column's resolution in nanoseconds (a column with no values: none)."""
    return {str(name): resolution_ns(col) for name, col in frame.items()  # beyond 1677..2262: as they are
            if pd.api.types.is_datetime64_any_dtype(col) and col.notna().any() and not n_out_of_range(col)}


def _csv_time_type(arrow_type: pa.TimestampType, resolution: int) -> pa.DataType:
    """Dates as dates (a naive column whose values are whole days), else the coarsest unit that
    keeps every step: seconds, milliseconds, microseconds or nanoseconds."""
    if resolution % UNITS_NS[0] == 0 and arrow_type.tz is None:
        return pa.date32()
    unit = next(u for u, ns in (("s", 10**9), ("ms", 10**6), ("us", 10**3), ("ns", 1)) if resolution % ns == 0)
    return pa.timestamp(unit, tz=arrow_type.tz)
