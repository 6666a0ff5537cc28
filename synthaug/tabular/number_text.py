"""Text that holds numbers: which cells pandas cannot read as numbers, and numbers written as
spreadsheets format them (currency signs, thousands separators, percent signs, decimal commas).

Each check runs on distinct values, not on every cell: a 325,000-row text column holds a few hundred.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._csv_read import DECIMAL_COMMA

# A number as spreadsheets format it: a currency sign or code before or after, thousands grouped by
# commas (1,234.5), dots (1.234,5), spaces or apostrophes (1 234 / 1'234), a decimal comma, a percent sign.
CURRENCY = r"(?:[$€£¥₹]|(?:USD|EUR|GBP|CHF|JPY)\b)"
GROUPED = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:[ '\u00a0\u202f]\d{3})+(?:[.,]\d+)?"
FORMATTED_NUMBER = (rf"\s*[-+(]?\s*{CURRENCY}?\s*[-+]?(?:{GROUPED}|\d+(?:[.,]\d+)?|[.,]\d+)\s*"
                    rf"(?:%|{CURRENCY})?\s*\)?\s*")
FORMATTED = "numbers written with currency symbols, thousands separators or percent signs"
DECIMAL_COMMAS = "numbers written with a decimal comma (46,5 for 46.5)"
CONVERT = "to model them as numbers, convert them to plain numbers (3068.22 for $3,068.22, 12 for 12%)"


def not_numbers(col: pd.Series) -> np.ndarray:
    """(n,) which present values of ``col`` are not numbers; positions are the column's (data rows). Each
    distinct value is parsed once."""
    try:
        codes, _ = pd.factorize(col)  # missing: -1
    except TypeError:  # unhashable values
        return pd.to_numeric(col, errors="coerce").isna().to_numpy() & col.notna().to_numpy()
    keys, first = np.unique(codes, return_index=True)
    bad = pd.to_numeric(col.iloc[first[keys >= 0]], errors="coerce").isna().to_numpy()
    return np.append(bad, False)[codes] & col.notna().to_numpy()


def looks_formatted(col: pd.Series, bad: np.ndarray) -> bool:
    """Whether the text ``col`` is numbers some of which (``bad``: not numbers to pandas) are written
    with currency symbols, thousands separators or percent signs (:data:`FORMATTED_NUMBER`)."""
    if not bad.any():
        return False
    text = col[bad].astype(str)
    return bool(text[~text.duplicated()].str.fullmatch(FORMATTED_NUMBER).all())  # distinct texts: 80x fewer on adult


def number_format(col: pd.Series) -> tuple[str, str]:
    """What the text numbers of ``col`` look like and how to make them numbers: :data:`DECIMAL_COMMAS` when every
    one is written with a decimal comma (46,0 or 1.234,50: a European spreadsheet's export read without
    decimal=','), else :data:`FORMATTED`."""
    values = col.dropna().astype(str)
    values = values[~values.duplicated()]
    values = values[pd.to_numeric(values, errors="coerce").isna()]
    if len(values) and values.str.fullmatch(DECIMAL_COMMA.pattern).all():
        return DECIMAL_COMMAS, read_decimal(bool(values.str.contains(".", regex=False).any()))
    return FORMATTED, CONVERT


def read_decimal(dots: bool) -> str:
    """How to read decimal-comma numbers as numbers; with ``thousands='.'`` when they group thousands by dots
    (1.234,50)."""
    options = "decimal=','" + (", thousands='.'" if dots else "")
    return (f"to model them as numbers, read the file with {options} and save it again, e.g. in pandas "
            f"pd.read_csv(FILE, {options}).to_csv(NEW_FILE, index=False) (with sep=';' for a file separated "
            "by semicolons)")
