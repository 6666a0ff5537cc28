"""Number checks of text columns run once per distinct value, with the per-cell results."""

import numpy as np
import pandas as pd
import pytest

from synthaug.tabular import number_text
from synthaug.tabular.number_text import FORMATTED_NUMBER, looks_formatted, not_numbers, number_format


def _old_not_numbers(col):
    return pd.to_numeric(col, errors="coerce").isna().to_numpy() & col.notna().to_numpy()


def _old_looks_formatted(col, bad):
    return bool(bad.any()) and bool(col[bad].astype(str).str.fullmatch(FORMATTED_NUMBER).all())


TRICKY = {
    "mixed objects": pd.Series([1, True, 1.0, "a", "1", None, np.nan, pd.NA, 0, False, 0.0, "", " ", "nan",
                                "1e400", 2**70, float("inf"), "-0", " 12 ", "1,234", "$5"] * 3, dtype=object),
    "text": pd.Series(["12", "7.5", "?", None, "$1,200.50", "12", "?", "-3", "1e5", "N/A"] * 4),
    "formatted": pd.Series(["$1,200.50", "€ 3,068", "12%", None, "12%", "(5)", "1 234,5"] * 5),
    "categorical": pd.Series(["1", "x", None, "2", "x"] * 4, dtype="category"),
    "number categories": pd.Series([1.5, 2.0, np.nan, 2.0] * 5, dtype="category"),
    "python strings": pd.Series(["4", "4.0", "four", "", None] * 4, dtype=object),
    "all missing": pd.Series([None, np.nan] * 5, dtype=object),
    "empty": pd.Series([], dtype=object),
    "nullable ints": pd.Series([1, None, 3] * 4, dtype="Int64"),
}


@pytest.mark.parametrize("name", list(TRICKY))
def test_per_distinct_value_checks_match_the_per_cell_ones(name):
    col = TRICKY[name]
    bad = not_numbers(col)
    np.testing.assert_array_equal(bad, _old_not_numbers(col))
    assert bad.dtype == bool and bad.shape == (len(col),)
    assert looks_formatted(col, bad) == _old_looks_formatted(col, bad)
    assert looks_formatted(col.iloc[::-1].reset_index(drop=True), bad[::-1].copy()) == _old_looks_formatted(
        col.iloc[::-1].reset_index(drop=True), bad[::-1].copy())
    if name in ("formatted", "text"):
        assert number_format(col) == number_format(pd.Series(list(col), dtype=object))


def test_numbers_are_parsed_once_per_distinct_value(monkeypatch):
    # pd.to_numeric ran over every one of 325,000 cells of each text column of adult x 10
    sizes = []
    parse = pd.to_numeric

    def spy(values, *args, **kwargs):
        sizes.append(len(values))
        return parse(values, *args, **kwargs)

    monkeypatch.setattr(number_text.pd, "to_numeric", spy)
    col = pd.Series(["12", "x", None, "$3", "12"] * 1000)
    assert not_numbers(col).sum() == 2000
    assert sizes == [3]
