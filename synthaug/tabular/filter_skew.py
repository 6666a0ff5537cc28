"""How far the sampling filters moved a sample's categories: the rows they kept against every candidate
generated, class by class, so a class the filters reject more often does not count as a shift.

A filter that regenerates many candidates per row keeps a part of what the model generates; on a
continuous table that part is the rows farther from the training rows, which is the filter's job,
and on a categorical one it was the rarer combinations, which lost the table's common values. The
shift of each categorical column's shares tells the two apart (see
:func:`synthaug.tabular.rejection.warn_distorting`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SKEWED = 0.1
"""Total variation between a categorical column's shares in the kept rows and in the candidates (of the
same classes) above which the privacy filter's regeneration warning fires. The trial's categorical table
moved by about 0.17 a column on average before common combinations were let through; fresh draws of a
few hundred rows differ by a few hundredths."""


def _categorical(frame: pd.DataFrame) -> list[str]:
    """The columns of categories: text, pandas categories and booleans (not numbers or dates)."""
    types = pd.api.types
    return [c for c in frame.columns if types.is_bool_dtype(frame[c])
            or not (types.is_numeric_dtype(frame[c]) or types.is_datetime64_any_dtype(frame[c]))]


class SkewTally:
    """Category counts, per class code, of every candidate the filters were shown, in the ``columns``
    the model encodes as categories (None: those :func:`_categorical` finds by dtype). By dtype, a
    column of distinct ISO dates, text to pandas and a datetime to the model, was counted as categories:
    each kept row's date was its own category, so the shares "moved" by 0.56 and the warning named it."""

    def __init__(self, columns: Sequence | None = None) -> None:
        self.columns = None if columns is None else list(columns)
        self.counts: dict[str, pd.Series] = {}
        self.per_class: pd.Series = pd.Series(dtype=float)

    def add(self, frame: pd.DataFrame, codes: np.ndarray) -> None:
        """Count one round's candidates ``frame`` of class ``codes``."""
        self.per_class = self.per_class.add(pd.Series(codes).value_counts(), fill_value=0)
        for column in _categorical(frame) if self.columns is None else self.columns:
            seen = _counts(frame[column], codes)
            self.counts[column] = self.counts[column].add(seen, fill_value=0) if column in self.counts else seen

    def skew(self, kept: pd.DataFrame, codes: np.ndarray) -> tuple[float, str | None]:
        """The largest total variation, over categorical columns, between the ``kept`` rows (of class
        ``codes``) and the candidates reweighted to the kept rows' class mix; and its column."""
        kept_per_class = pd.Series(codes).value_counts()
        weight = kept_per_class / self.per_class.reindex(kept_per_class.index)
        worst, where = 0.0, None
        for column, seen in self.counts.items():
            expected = (seen * weight.reindex(seen.index.get_level_values(0)).to_numpy()).groupby(level=1).sum()
            actual = _counts(kept[column], codes).groupby(level=1).sum()
            tv = 0.5 * float(expected.sub(actual, fill_value=0).abs().sum()) / max(len(kept), 1)
            if tv > worst:
                worst, where = tv, column
        return worst, where


def _counts(values: pd.Series, codes: np.ndarray) -> pd.Series:
    """Rows per (class code, value), a missing value counted as one value."""
    text = values.astype(object).where(values.notna(), "<missing>").astype(str).to_numpy()
    return pd.Series(1.0, index=pd.MultiIndex.from_arrays([codes, text])).groupby(level=[0, 1]).sum()
