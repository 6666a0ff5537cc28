"""Split and check the class label of a table."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import sparse
from sklearn.exceptions import DataConversionWarning

from .._errors import DataError, warn
from .._text import column_hint, option_name, plain, quoted
from .schema import looks_like_id


def check_table(X, who: str):
    """``X`` as a DataFrame or a 2-D array, refused with scikit-learn's wording when it is sparse,
    complex, or has no rows or no columns (the errors ``check_estimator`` looks for), and refused
    when two columns share a name or a name is a tuple (:func:`_check_flat_names`)."""
    if sparse.issparse(X) or (isinstance(X, pd.DataFrame) and any(isinstance(d, pd.SparseDtype) for d in X.dtypes)):
        raise DataError(f"{who}: sparse input is not supported (the synthesizer models dense tables); "
                        "pass it dense (X.toarray(), or X.sparse.to_dense() for a DataFrame)")
    table = X if isinstance(X, pd.DataFrame) else _as_array(X)
    if isinstance(table, pd.DataFrame):
        _check_flat_names(table.columns, who)
        _check_unique_names(table.columns, who)
    if table.ndim != 2:
        raise DataError(f"{who}: X must be a 2-D table, got an array of shape {table.shape}")
    dtypes = list(table.dtypes) if isinstance(table, pd.DataFrame) else [table.dtype] * table.shape[1]
    complex_columns = [i for i, d in enumerate(dtypes) if d.kind == "c"]
    if complex_columns:
        names = list(table.columns[complex_columns]) if isinstance(table, pd.DataFrame) else complex_columns
        raise DataError(f"{who}: Complex data not supported (column(s) {quoted(names)}); pass real numbers")
    for count, what in ((table.shape[0], "sample(s)"), (table.shape[1], "feature(s)")):
        if count < 1:
            raise DataError(f"{who}: found array with 0 {what} (shape={table.shape}) while a minimum of 1 is required.")
    return table


def _as_array(X) -> np.ndarray:
    """``X`` as an array; rows of a list that mix text and numbers become an object array (numpy
    would make every value text, numbers included)."""
    array = np.asarray(X)
    if array.dtype.kind in "US" and not isinstance(X, np.ndarray):
        return np.asarray(X, dtype=object)
    return array


def _check_flat_names(columns: pd.Index, who: str) -> None:
    """A DataError for tuple column names (a MultiIndex): sampling named such columns by their text,
    ``"('lab', 'a')"``, and CSV and Parquet files cannot hold them; flattening is the user's choice."""
    tuples = [c for c in columns if isinstance(c, tuple)]
    if tuples:
        raise DataError(f"{who}: X has tuple column names (a MultiIndex), such as {plain(tuples[0])!r}; flatten "
                        "them to text first, e.g. X.columns = ['_'.join(map(str, c)) for c in X.columns]")


def _check_unique_names(columns: pd.Index, who: str) -> None:
    """A DataError naming the first column name that appears more than once (``X[name]`` would be a
    table, not a column)."""
    repeated = columns[columns.duplicated()]
    if len(repeated):
        name = repeated[0]
        raise DataError(f"{who}: column {plain(name)!r} appears {int((columns == name).sum())} times in X; "
                        "give each column its own name")


def array_column_names(n: int) -> list[str]:
    """The names of a NumPy table's ``n`` columns, in ``fit`` and ``fit_resample`` alike: x0, x1..."""
    return [f"x{i}" for i in range(n)]


def split_target(X, y) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """(features, labels, column order of the whole table) from ``fit(X, y)`` arguments, every
    column named as text (``str`` of its label: columns 0, 1 of ``pd.DataFrame(array)`` are "0",
    "1"; :func:`column_labels` gives the labels back).

    ``y`` may be a column label of ``X`` (text, or any label ``X.columns`` holds: ``fit(df, 4)``),
    a Series or an array (a column vector ``(n, 1)`` is taken with a DataConversionWarning, as
    scikit-learn's ``column_or_1d`` does); a NumPy ``X`` gets columns x0, x1... Unnamed labels are
    called "target", or "_target" (and so on) while X has a column of that name.
    """
    X, target = _table_and_target(X, y)
    if target is not None:
        name = str(target)
        return numbers_as_numbers(X.drop(columns=[name])), X[name].rename(name), list(X.columns)
    y = _one_column(y)
    name = getattr(y, "name", None)
    if name is None or (not isinstance(name, str) and str(name) in X.columns):
        # unnamed, or a number a table gave it (read_csv(header=None).squeeze() names it 0) that X also holds
        name = free_name("target", X.columns)
    elif str(name) in X.columns:
        raise DataError(f"target name {plain(name)!r} is also a column of X")
    name = str(name)
    labels = pd.Series(np.asarray(y), name=name) if not isinstance(y, pd.Series) else y.rename(name)
    if len(labels) != len(X):
        raise DataError(f"X has {len(X)} rows but y has {len(labels)}")
    features = numbers_as_numbers(X.reset_index(drop=True))
    return features, labels.reset_index(drop=True), [*X.columns, name]


def column_labels(X, y) -> dict[str, int | float | bool]:
    """{text name: label} for the columns of ``fit(X, y)`` (the target's too) whose label is a
    number or a boolean, which :func:`split_target` names as text and sampling gives back (a model
    file keeps them: JSON holds numbers). Tuples (a MultiIndex) are refused by :func:`check_table`."""
    columns = X.columns if isinstance(X, pd.DataFrame) else pd.Index([])
    labels = list(columns)
    if _target_label(y, columns) is None:
        labels.append(getattr(_one_column(y, quiet=True), "name", None))
    return {str(c): plain(c) for c in labels if _is_number_label(c)}


def _is_number_label(label) -> bool:
    if isinstance(label, (bool, int, np.bool_, np.integer)):
        return True
    return isinstance(label, (float, np.floating)) and bool(np.isfinite(label))


def _table_and_target(X, y) -> tuple[pd.DataFrame, object]:
    """``X`` as a DataFrame with text column names, and the label of ``y`` among them (None when ``y``
    is the labels themselves)."""
    X = check_table(X, "fit")
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(X, columns=array_column_names(X.shape[1]))
    target = _target_label(y, X.columns)
    if not all(isinstance(c, str) for c in X.columns):  # e.g. pd.DataFrame(array): 0, 1, 2 -> "0", "1", "2"
        names = [str(c) for c in X.columns]
        if len(set(names)) < len(names):
            raise DataError(f"X has column names that are equal as text: {quoted(X.columns, len(X.columns))}")
        if target is not None and not isinstance(target, str):  # the column's own text: 3 finds 3.0, named "3.0"
            target = names[X.columns.get_loc(target)]
        X = X.set_axis(names, axis=1)
    if isinstance(target, str) and target not in X.columns:
        raise DataError(f"target column {target!r} not found{column_hint(target, X.columns)}")
    return X, target


def _target_label(y, columns: pd.Index):
    """``y`` when it names a column (text, as the columns read as text, or a label ``columns`` holds:
    4, a MultiIndex's tuple); None when ``y`` holds the labels. A DataError for a single number or
    other scalar that is no column label."""
    if isinstance(y, str):
        return y
    if isinstance(y, (pd.Series, pd.Index, pd.DataFrame, np.ndarray, list)) or not isinstance(y, Hashable):
        return None
    try:
        found = y in columns
    except (TypeError, ValueError):
        found = False
    if found:
        return y
    if np.ndim(y) == 0:
        raise DataError(f"target column {plain(y)!r} not found{column_hint(str(y), columns)}")
    return None


def _one_column(y, quiet: bool = False):
    """``y`` as one label per row: a column vector ``(n, 1)`` or a one-column DataFrame raveled with
    scikit-learn's DataConversionWarning (unless ``quiet``), other 2-D labels refused."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise DataError(f"y must hold one class label per row; got a table of {y.shape[1]} columns")
        if not quiet:
            warn(COLUMN_VECTOR, DataConversionWarning)
        return y.iloc[:, 0]
    if isinstance(y, pd.Series):
        return y
    shape = np.shape(y)
    if len(shape) == 2 and shape[1] == 1:
        if not quiet:
            warn(COLUMN_VECTOR, DataConversionWarning)
        return np.asarray(y).ravel()
    if len(shape) != 1:
        raise DataError(f"y must hold one class label per row (1-D); got an array of shape {shape}")
    return y


COLUMN_VECTOR = ("A column-vector y was passed when a 1d array was expected. Please change the shape of y "
                 "to (n_samples,), for example using ravel().")  # scikit-learn's words


def free_name(name: str, columns) -> str:
    """``name``, with underscores in front while ``columns`` has a column of that name (as
    SynthOverSampler names unnamed labels)."""
    taken = set(map(str, columns))
    while name in taken:
        name = f"_{name}"
    return name


NUMBER_KINDS = ("integer", "floating", "mixed-integer-float", "decimal")
"""What :func:`pandas.api.types.infer_dtype` calls a column of real numbers (bools apart)."""


def numbers_as_numbers(X: pd.DataFrame) -> pd.DataFrame:
    """``X`` with each object column whose present values are all real numbers (Python or numpy ints
    and floats, ``decimal.Decimal`` as read_sql gives NUMERIC columns, alone or mixed with ints and
    floats; not bools) made numeric, as pandas' ``to_numeric`` and scikit-learn's ``check_array`` read
    them: Decimals become float64, and sampled values are float64 (rounded to the training values'
    decimals); a column with any text stays text (a few stray words among numbers are then refused
    by the schema: "is numeric but 1 value(s) are not numbers")."""
    numbers = {}
    for position, dtype in enumerate(X.dtypes):  # a whole-column operation per object column
        column = X.iloc[:, position]
        if _is_arrow_decimal(dtype):  # dtype_backend="pyarrow": to_numeric fails on one with a missing value
            numbers[position] = column.astype(np.float64)
            continue
        kind = pd.api.types.infer_dtype(column, skipna=True) if pd.api.types.is_object_dtype(dtype) else None
        if kind in NUMBER_KINDS or (kind in ("mixed", "mixed-integer") and _decimals_among_numbers(column)):
            values = pd.to_numeric(column)
            if values.dtype != object:  # integers beyond 64 bits stay as given
                numbers[position] = values
    if not numbers:
        return X
    X = X.copy()
    for position, values in numbers.items():
        X.isetitem(position, values)
    return X


def _is_arrow_decimal(dtype) -> bool:
    """Whether ``dtype`` is an Arrow decimal (``read_parquet(..., dtype_backend="pyarrow")``)."""
    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_decimal(dtype.pyarrow_dtype)


def _decimals_among_numbers(column: pd.Series) -> bool:
    """Whether ``column`` holds Decimals and, besides them and missing values, only ints and floats
    (no text, no bools)."""
    present = column.dropna()
    decimals = present.map(type).eq(Decimal)
    others = present[~decimals.to_numpy()]
    return bool(decimals.any()) and pd.api.types.infer_dtype(others) in ("integer", "floating", "mixed-integer-float")


def sorted_labels(labels: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(classes sorted, class code per row); a DataError naming the label column when a label is
    missing or the labels do not sort together (1 and "a"), before anything sorts them."""
    name = labels.name
    n_missing = int(labels.isna().sum())
    if n_missing:
        raise DataError(f"target column {name!r} has {n_missing} missing value(s); drop or fill them")
    try:
        return np.unique(labels.to_numpy(dtype=object) if labels.dtype == object
                         else labels.to_numpy(), return_inverse=True)
    except TypeError:  # labels that do not sort together, e.g. 1 and "a" (scikit-learn refuses them too)
        kinds = sorted({type(v).__name__ for v in labels.to_numpy(dtype=object)})
        raise DataError(f"target column {name!r} mixes label types ({', '.join(kinds)}); "
                        "make them one type, e.g. all text") from None


def encode_labels(labels: pd.Series) -> tuple[list, np.ndarray, np.ndarray]:
    """(classes sorted, class code per row, row count per class), checking the label column."""
    name = labels.name
    classes, codes = sorted_labels(labels)
    if len(classes) < 2:
        raise DataError(f"target column {name!r} has only one class; a classifier needs at least two")
    counts = np.bincount(codes, minlength=len(classes))
    _check_not_identifier(name, counts)
    singles = classes[counts == 1]
    if len(singles):
        which = (f"class(es) {quoted(singles)} have" if len(singles) <= 5
                 else f"{len(singles)} of {len(classes)} classes ({quoted(singles)}) have")
        warn(
            f"target column {name!r}: {which} a single row; the model will likely copy or ignore them",
        )
    return [plain(c) for c in classes], codes.astype(np.int64), counts.astype(np.int64)


def _check_not_identifier(name, counts: np.ndarray) -> None:
    """A DataError when the labels look like row identifiers, not classes: no class has a second
    row, or (from ``ID_MIN_ROWS`` rows) nearly every row has a class of its own, as
    :mod:`synthaug.tabular.schema` judges a feature column identifier-like."""
    n_rows, n_classes = int(counts.sum()), len(counts)
    n_single = int((counts == 1).sum())
    if counts.max() >= 2 and not looks_like_id(n_rows, n_classes):
        return
    singles = "every class a single row" if n_single == n_classes else f"{n_single} of them a single row"
    raise DataError(f"target column {name!r} has {n_classes} classes in {n_rows} rows ({singles}): "
                    f"is it an identifier? choose the class column as {option_name('y', '--target', 'data.target')}")
