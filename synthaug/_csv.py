"""CSV files as pandas ``to_csv`` writes them, built column by column with Arrow.

Arrow's own CSV writer quotes every header and text field (its default ``quoting_style="needed"``
means "every value of a type that could need it"; ``"none"`` refuses a value with a comma), and
writes 1.0 as ``1``, 1e-05 as ``0.00001`` and booleans as ``true``. pandas' ``to_csv`` writes
what users expect but is about five times slower (Python's csv module, and numpy's float
repr). Here each column becomes text with Arrow compute, as pandas would write it: a field is
quoted only when it holds a comma, a quote or a line break; booleans are True/False; floats are
Python's repr (:func:`float_text`); missing values are empty. Dates and timestamps are
Arrow's text at the unit of the file's schema (``2021-08-14``, ``2021-08-14 10:00:00.500``), with
a time zone's offset as pandas writes it (``+02:00``).

A ``.csv.gz`` is the same text through gzip (:data:`GZIP_LEVEL`), its header holding no file name
and a modification time of 0, so a seeded sample gives the same bytes on every run.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NEEDS_QUOTES = r'[,"\r\n]'  # Python's csv quotes \r too since 3.11.9 (gh-67044); a lone one ends a row
GZIP_LEVEL = 6
"""gzip's own default; level 9 (pandas') took 13% longer for 0.1% fewer bytes on 200,000 random rows."""


class CsvWriter:
    """Arrow tables of one schema appended to a CSV file (UTF-8, ``\\n`` line ends), header first;
    gzip-compressed when ``compress``, with no file name and time in the gzip header."""

    def __init__(self, path: Path, schema: pa.Schema, compress: bool = False) -> None:
        self._raw = open(path, "wb")  # noqa: SIM115 (close() closes it)
        self._file = (gzip.GzipFile(filename="", mode="wb", compresslevel=GZIP_LEVEL, fileobj=self._raw, mtime=0)
                      if compress else self._raw)
        self._one_column = len(schema) == 1
        header = ",".join(_quoted_name(name) for name in schema.names) or '""'  # one column named ""
        self._file.write(f"{header}\n".encode())

    def write_table(self, table: pa.Table) -> None:
        if table.num_rows == 0 or table.num_columns == 0:
            return
        lines = pc.binary_join_element_wise(*(column_text(c) for c in table.columns), ",",
                                            null_handling="replace", null_replacement="")
        if self._one_column:  # an empty line would be skipped by readers: pandas writes ""
            lines = pc.if_else(pc.equal(lines, ""), '""', lines)
        lines = pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines)
        self._file.write(pc.binary_join(lines, "\n")[0].as_buffer())
        self._file.write(b"\n")

    def close(self) -> None:
        """Finish the file (a gzip stream's trailer too), then close it."""
        try:
            self._file.close()  # a GzipFile leaves the file it writes to open
        finally:
            self._raw.close()


def column_text(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """One column's fields as pandas ``to_csv`` writes them; null for a missing value."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(values.type):  # a pandas category
        values = values.cast(values.type.value_type)
    kind = values.type
    if pa.types.is_float64(kind):
        return float_text(values)
    if pa.types.is_floating(kind):  # float32, float16: numpy's repr of their own type
        x = values.to_numpy(zero_copy_only=False)
        return pa.array(x.astype(str), pa.string(), mask=np.isnan(x))
    if pa.types.is_boolean(kind):
        return pc.if_else(values, "True", "False")
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return zoned_timestamp_text(values)
    text = values.cast(pa.string())  # integers, dates and timestamps, text
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return text
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(text, NEEDS_QUOTES), quoted, text)


def float_text(values: pa.Array) -> pa.Array:
    """float64 values as pandas writes them (numpy's repr: 1.0, 12.5, 1e-05, 1e+16), null for null.

    Arrow writes the same shortest digits about five times faster, but lays some out
    differently: ``1`` for 1.0 (given its ``.0`` here), and ``0.00001``, ``1.5e-7``,
    ``1.23456789012345e+14`` where Python uses an exponent outside 1e-4 <= |x| < 1e16 only.
    Those (rare) values are written by numpy.
    """
    text = pc.cast(values, pa.string())
    x = values.to_numpy(zero_copy_only=False)  # NaN for null
    finite, size, exponent = np.isfinite(x), np.abs(x), _holds(text, "e")
    whole = finite & ~exponent & ~_holds(text, ".")
    if whole.any():  # 1 -> 1.0
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, ".0", ""), text)
    odd = finite & (exponent | ((size < 1e-4) & (size != 0)) | (size >= 1e16))
    if odd.any():
        text = pc.replace_with_mask(text, pa.array(odd), pa.array(x[odd].astype(str)))
    return text


def zoned_timestamp_text(values: pa.Array) -> pa.Array:
    """Time-zone timestamps as pandas writes them: local time, the offset as ``+02:00`` (Arrow
    writes ``+0200``, and ``Z`` for UTC); fraction digits by the unit, as for naive ones."""
    text = pc.strftime(values, "%Y-%m-%d %H:%M:%S%z")
    return pc.replace_substring_regex(text, r"([+-]\d\d)(\d\d)$", r"\1:\2")


def _holds(text: pa.Array, part: str) -> np.ndarray:
    """Which values of ``text`` hold ``part`` (False for null)."""
    return pc.fill_null(pc.match_substring(text, part), False).to_numpy(zero_copy_only=False)


def _quoted_name(name: str) -> str:
    return f'"{name.replace(chr(34), chr(34) * 2)}"' if re.search(NEEDS_QUOTES, name) else name
