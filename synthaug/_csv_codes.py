"""Numeric-looking codes in a CSV: columns pandas reads as numbers whose text says they are codes.

pandas reads ``00123`` as 123 and ``250.00`` as 250.0, so ZIP codes lose their leading zeros and
the ICD codes 250 and 250.00 become one category. A numeric column is kept as text when its raw
text shows it is a code (:func:`is_code`):

* a value has a leading zero before another digit (``00123``, ``-07``; not ``0``, ``0.5``), or
* one number is spelled two ways (``250`` and ``250.00``). Spellings that numbers have anyway do
  not count: surrounding spaces, a ``+`` sign, exponents (``1e3``), zero (``0``, ``-0.0``), and,
  in a column where every value has a decimal point, trailing zeros after it (``689.6`` and
  ``689.60`` in a money column). Where some values have no decimal point, ``401.9`` and
  ``401.90`` are two spellings (ICD-like codes mix ``250``, ``401.9`` and ``401.90``).

synthaug writes numbers as Python's repr (``250.0``, ``0.5``), which meets neither rule, so its
own files read back with the kinds they were written with. The raw text is read with Arrow
(multi-threaded, only the numeric columns); a column found to be a code is then read again as
text by pandas, so its missing values are the ones pandas reads (``NA``, empty, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv


def keep_codes(frame: pd.DataFrame, path: Path, read_text: Callable[[list[str]], pd.DataFrame],
               text_columns: Iterable[str] = ()) -> tuple[pd.DataFrame, set[str]]:
    """``frame`` (pandas' reading of the CSV ``path``) with its code columns as text, and their names.

    ``read_text(names)`` reads those columns of the file again as pandas text; ``text_columns``
    are made text too when numeric (codes in another file of the same job)."""
    numeric = [str(name) for name, dtype in frame.dtypes.items() if is_number(dtype)]
    if not numeric:
        return frame, set()
    raw = _raw_text(path, numeric, len(frame)) or _columns_as_arrow(read_text(numeric), numeric)
    forced = set(text_columns)
    codes = [name for name, text in zip(numeric, raw, strict=True)
             if name in forced or is_code(text, frame[name])]
    if not codes:
        return frame, set()
    text = read_text(codes)
    frame = frame.copy()
    for name in codes:
        frame[name] = text[name].to_numpy()
    return frame, set(codes)


def is_code(raw: pa.Array, numbers: pd.Series) -> bool:
    """Whether a numeric column's raw text (``raw``, row for row with ``numbers``) shows a code."""
    text = pc.ascii_ltrim(pc.ascii_trim_whitespace(raw), "+")  # spellings every number may have
    if leading_zero(text):
        return True
    return pd.api.types.is_float_dtype(numbers.dtype) and spelled_twice(text, numbers.to_numpy(np.float64))


def leading_zero(text: pa.Array) -> bool:
    """Whether a value of ``text`` (trimmed) has a zero before another digit (``007``, ``-01``)."""
    unsigned = pc.ascii_ltrim(text, "-")
    zero = unsigned.filter(pc.starts_with(unsigned, "0"))  # most numbers do not start with 0: a quick look first
    return bool(pc.any(pc.ascii_is_decimal(pc.utf8_slice_codeunits(zero, 1, 2))).as_py())


def spelled_twice(text: pa.Array, numbers: np.ndarray) -> bool:
    """Whether some number of ``numbers`` is written two ways in ``text`` (trimmed; the module's rule):
    each row's spelling is compared with that of the first row holding the same number."""
    keep = np.flatnonzero(np.isfinite(numbers) & (numbers != 0))
    codes, uniques = pd.factorize(numbers[keep])
    if len(uniques) == len(keep):  # every number once (most measurements)
        return False
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = keep[::-1]  # the last assignment wins: each number's first row
    text = _spelling(text, keep)
    return bool(pc.any(pc.not_equal(text.take(pa.array(keep)), text.take(pa.array(first[codes])))).as_py())


def _spelling(text: pa.Array, rows: np.ndarray) -> pa.Array:
    """``text`` without trailing decimal zeros when every value of ``rows`` has a decimal point, and
    null for a number with an exponent (it differs from none); rows beside ``rows`` are not looked at."""
    if pc.match_substring(text, ".").to_numpy(zero_copy_only=False)[rows].all():
        text = pc.ascii_rtrim(text, "0")
    exponent = pc.or_(pc.match_substring(text, "e"), pc.match_substring(text, "E"))
    return pc.if_else(exponent, pa.scalar(None, pa.string()), text) if pc.any(exponent).as_py() else text


def is_number(dtype: object) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _raw_text(path: Path, wanted: list[str], n_rows: int) -> list[pa.Array] | None:
    """The raw text of columns ``wanted`` read by Arrow, or None when Arrow reads the file
    differently from pandas (another row count, a parse error): then pandas reads them.

    Arrow reads fastest when no value holds a line break; one that does splits its row (another
    row count, or too few fields), and the file is read again allowing them."""
    options = pcsv.ConvertOptions(column_types=dict.fromkeys(wanted, pa.string()), include_columns=wanted,
                                  strings_can_be_null=False, quoted_strings_can_be_null=False)
    for breaks in (False, True):
        try:
            table = pcsv.read_csv(path, parse_options=pcsv.ParseOptions(newlines_in_values=breaks),
                                  convert_options=options)
        except (pa.ArrowInvalid, pa.ArrowKeyError, OSError):
            continue
        if table.num_rows == n_rows and table.column_names == wanted:
            return [column.combine_chunks() for column in table.columns]
    return None


def _columns_as_arrow(frame: pd.DataFrame, names: list[str]) -> list[pa.Array]:
    """pandas text columns as Arrow strings, a missing value as ""."""
    return [pa.array(frame[name].fillna("").astype(object), pa.string()) for name in names]
