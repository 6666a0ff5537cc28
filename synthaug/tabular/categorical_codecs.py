"""Reversible, vectorised codecs for columns of categories: categorical (and boolean) and constant.

Each stores category labels seen in at least ``min_count`` rows, never a record's rare value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import ModelFileError, warn
from .._text import columns_option
from .columns import (
    _accepts_nan,
    _to_json_scalar,
    categorical_dtype_state,
    categories_dtype,
    json_values,
)
from .schema import ColumnSpec


class CategoricalCodec:
    """One-hot over the categories seen at least ``min_count`` times (and missing, if any).

    Rarer categories never enter the model file (a singleton value is often an identifier). For
    training, each of their rows is given a kept category drawn by the kept categories' frequencies,
    so the folded mass adds no category of its own and no tie to the rows' classes. A categorical
    column with no category that common is modelled as missing (a boolean keeps its most frequent
    value: True and False are public).
    """

    def __init__(self, spec: ColumnSpec, min_count: int):
        self.spec, self.min_count = spec, min_count

    def fit(self, col: pd.Series, rng: np.random.Generator) -> CategoricalCodec:
        counts = col.value_counts(dropna=True)
        kept = counts[counts >= self.min_count]
        rare = kept.empty and self.spec.kind == "categorical" and not counts.empty
        if kept.empty and not rare:
            kept = counts.head(1)
        if rare:
            _warn_rare(self.spec.name, self.min_count)
        self.categories_ = [_to_json_scalar(v) for v in kept.index]
        self.has_missing_ = bool(col.isna().any()) or rare
        self.n_folded_ = int(len(counts) - len(kept))
        if len(kept) > MANY_LEVELS:
            _warn_many(self.spec.name, len(kept), len(col))
        # only the kept categories: an unused one of the dtype may be another private row's value (a table split
        # or filtered after astype("category") keeps the whole list: share's holdout, train_test_split)
        self.dtype_categories_, self.ordered_ = categorical_dtype_state(col.dtype, self.categories_)
        self.categories_dtype_ = categories_dtype(col.dtype)
        return self

    @property
    def width(self) -> int:
        return len(self.categories_) + int(self.has_missing_)

    def widths(self) -> list[tuple[int, str]]:
        return [(self.width, "softmax")]

    def codes(self, col: pd.Series, rng: np.random.Generator) -> np.ndarray:
        """Each row's category code; a folded row draws a kept category by the kept rows' frequencies."""
        lookup = pd.Index(pd.Series(self.categories_, dtype=object))
        codes = lookup.get_indexer(json_values(col))
        folded = (codes < 0) & col.notna().to_numpy()
        if folded.any() and self.categories_:
            codes[folded] = draw_kept(codes, int(folded.sum()), len(self.categories_), rng)
        if self.has_missing_:  # a column with no kept category is all missing
            codes[col.isna().to_numpy() | (codes < 0)] = len(self.categories_)
        return codes

    def transform(self, col: pd.Series, rng: np.random.Generator) -> np.ndarray:
        """(n, width) float32 one-hot."""
        onehot = np.zeros((len(col), self.width), dtype=np.float32)
        self.write(col, rng, onehot)
        return onehot

    def write(self, col: pd.Series, rng: np.random.Generator, out: np.ndarray) -> None:
        """Set each row's code to 1 in ``out``, an (n, width) block of zeros (a view of the encoded matrix)."""
        out[np.arange(len(col)), self.codes(col, rng)] = 1.0

    def inverse(self, block: np.ndarray, clip: bool, rounding: bool) -> pd.Series:
        codes = np.minimum(argmax_rows(block), len(self.categories_))  # the last code is missing
        missing = self.has_missing_ and bool((codes == len(self.categories_)).any())
        values = np.array(self.categories_ + [np.nan], dtype=object)  # NaN, as pandas reads a missing cell
        out = pd.Series(values[codes], dtype=object)
        dtype = self.spec.dtype
        if dtype in ("bool", "boolean") and not missing:
            return out.astype(dtype)
        if missing and not _accepts_nan(dtype):
            return out if dtype == "bool" else out.astype("float64")
        if self.dtype_categories_ is not None:  # a pandas Categorical: its categories' order, not sorted
            return as_categorical(codes, self.categories_, self.dtype_categories_, self.ordered_,
                                  self.categories_dtype_)
        return out if dtype == "object" else out.astype(dtype)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        scalars = {"categories": self.categories_, "has_missing": self.has_missing_}
        if self.dtype_categories_ is not None:
            scalars |= {"dtype_categories": self.dtype_categories_, "ordered": self.ordered_,
                        "categories_dtype": self.categories_dtype_}
        return scalars, {}

    def load(self, scalars: dict, arrays: dict[str, np.ndarray]) -> CategoricalCodec:
        self.categories_, self.has_missing_ = list(scalars["categories"]), scalars["has_missing"]
        # model files before the categorical dtype was stored (and public schemas): categories sorted
        order = scalars.get("dtype_categories")
        self.dtype_categories_ = None if order is None else list(order)
        self.ordered_ = bool(scalars.get("ordered", False))
        self.categories_dtype_ = scalars.get("categories_dtype")  # older files: inferred from the categories
        if order is not None and not set(self.categories_) <= set(order):
            raise ModelFileError(f"column {self.spec.name!r}: state dtype_categories must hold every one of categories")
        return self


def as_categorical(codes: np.ndarray, categories: list, order: list, ordered: bool,
                   dtype: str | None) -> pd.Series:
    """(n,) codes into ``categories`` (``len(categories)``: missing) as a pandas Categorical whose
    categories are ``order`` (JSON scalars) as dtype ``dtype`` held them (None: as pandas infers)."""
    index = pd.Index(order) if dtype is None else pd.Index(order, dtype=object).astype(dtype)
    positions = np.append(pd.Index(order, dtype=object).get_indexer(pd.Index(categories, dtype=object)), -1)
    return pd.Series(pd.Categorical.from_codes(positions[codes], dtype=pd.CategoricalDtype(index, ordered=ordered)))


ARGMAX_ELEMENTS = 1 << 20
"""Elements per contiguous row block in :func:`argmax_rows` (4 MB of float32)."""


def argmax_rows(block: np.ndarray) -> np.ndarray:
    """``block.argmax(1)``, on contiguous copies of a few rows at a time: on a column view of a wide
    matrix numpy's argmax was 5x slower (50,000 x 5,000 of 5,066 columns: 0.55 s, 0.11 s copied)."""
    if block.flags.c_contiguous or block.shape[1] == 0:
        return block.argmax(1)
    out, step = np.empty(len(block), dtype=np.intp), max(1, ARGMAX_ELEMENTS // block.shape[1])
    for start in range(0, len(block), step):
        out[start : start + step] = np.ascontiguousarray(block[start : start + step]).argmax(1)
    return out


def draw_kept(codes: np.ndarray, n_folded: int, n_codes: int, rng: np.random.Generator) -> np.ndarray:
    """``n_folded`` codes in ``0..n_codes-1``, drawn by the kept rows' (``codes >= 0``) frequencies (uniform if none).

    Not by the rows' class: a class with few kept rows would pile its folded rows onto those few
    categories, the most-frequent fill's fault again, and onto real records' values.
    """
    kept = codes[codes >= 0]
    counts = np.bincount(kept, minlength=n_codes).astype(np.float64) if len(kept) else np.ones(n_codes)
    cdf = np.cumsum(counts / counts.sum())
    cdf[-1] = 1.0
    return np.minimum(np.searchsorted(cdf, rng.random(n_folded), side="left"), n_codes - 1)



class ConstantCodec:
    """A column with one value (or none), perhaps with missing values.

    Without missing values there is nothing to learn: the value is restored on decode. One value
    and missing values is a two-way choice, a softmax span ``[value, missing]`` the generator
    learns like a category, so the missing share is reproduced (and follows the class). A value
    present in fewer than ``min_count`` rows is a record's, not the column's: it is not kept, and
    the column is modelled as missing.
    """

    def __init__(self, spec: ColumnSpec, min_count: int = 1):
        self.spec, self.min_count = spec, min_count

    def fit(self, col: pd.Series, rng: np.random.Generator) -> ConstantCodec:
        present = col.dropna()
        if 0 < len(present) < self.min_count:
            _warn_rare(self.spec.name, self.min_count)
            present = present.iloc[:0]
        self.value_ = _to_json_scalar(present.iloc[0]) if len(present) else None
        self.has_missing_ = self.value_ is not None and bool(col.isna().any())
        return self

    def widths(self) -> list[tuple[int, str]]:
        return [(2, "softmax")] if self.has_missing_ else []

    def transform(self, col: pd.Series, rng: np.random.Generator) -> np.ndarray:
        if not self.has_missing_:
            return np.zeros((len(col), 0))
        missing = col.isna().to_numpy()
        return np.column_stack([~missing, missing]).astype(np.float64)  # (n, 2): value, missing

    def inverse(self, block: np.ndarray, clip: bool, rounding: bool) -> pd.Series:
        """The value, or missing where the span's second score wins; ``block`` is (n, 0) or (n, 2)."""
        n = len(block)
        if self.value_ is None:  # an all-missing column: Int64 as <NA>, float64 as NaN, object as NaN
            out = pd.Series(np.full(n, np.nan), dtype=object)
            return out.astype(self.spec.dtype) if _accepts_nan(self.spec.dtype) and self.spec.dtype != "object" else out
        missing = block.argmax(1) == 1 if self.has_missing_ else np.zeros(n, dtype=bool)
        out = pd.Series(np.array([self.value_, np.nan], dtype=object)[missing.astype(np.int64)], dtype=object)
        dtype = self.spec.dtype
        if not missing.any():
            return out.astype(dtype)
        if not _accepts_nan(dtype):  # a public schema's "int64" or "bool" with missing values
            numeric = isinstance(self.value_, (int, float)) and not isinstance(self.value_, (bool, np.bool_))
            return out.astype("float64") if numeric else out  # booleans stay True / NaN, as categories do
        return out if dtype == "object" else out.astype(dtype)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        return {"value": self.value_, "has_missing": self.has_missing_}, {}

    def load(self, scalars: dict, arrays: dict[str, np.ndarray]) -> ConstantCodec:
        # model files before constant columns modelled their missing values: none, so no span
        self.value_ = scalars["value"]
        self.has_missing_ = self.value_ is not None and bool(scalars.get("has_missing", False))
        return self


MANY_LEVELS = 1_000
"""A categorical column with more kept categories than this is warned about in fit: its one-hot block
alone outweighs an ordinary table's whole encoding (adult: 42 levels at most, 120 columns in all)."""


def _warn_many(name: str, levels: int, rows: int) -> None:
    megabytes = levels * rows * 4 / 1e6  # float32 one-hot
    warn(f"column {name!r} has {levels:,} categories: {levels:,} one-hot columns, {megabytes:,.0f} MB of the encoded "
         f"table for these {rows:,} rows, and several times that in training and sampling; leave it out "
         f"({columns_option('drop', [name])}) or group its rare levels into fewer")


def _warn_rare(name: str, min_count: int) -> None:
    warn(f"column {name!r}: no value occurs in {min_count} or more rows, so it is modelled as missing "
         "(keeping a value would copy a record into the model file and every sampled row)")
