"""A recipe's own test set (``data.test_path``): read beside ``data.path`` and checked against it before
any training, so a test file that does not fit the data fails in seconds, naming the key and the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._errors import DataError
from ._text import plain
from .io import read_tables


def read_with_test(path: Path, test_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``data.path``'s and ``data.test_path``'s tables, read alike (:func:`synthaug.io.read_tables`: a
    column of codes in one CSV is text in both, as ``synthaug evaluate`` reads its files)."""
    tables = read_tables({"data": path, "test": test_path})
    return tables["data"], tables["test"]


def check_test_table(data: pd.DataFrame, test: pd.DataFrame, target: str, test_path) -> None:
    """Refuse, before training, a test table the evaluation would refuse after it: a class column
    missing or with gaps, another set of columns, a column of another kind, a class the data has not got;
    the message begins ``data.test_path: FILE:``."""
    from .evaluate.fit_reads import as_fit_reads
    from .evaluate.tables import check_tables

    try:
        if target not in test.columns:
            raise DataError(f"column {target!r} not found; the test table needs the class column of data.path")
        n_missing = int(test[target].isna().sum())
        if n_missing:
            raise DataError(f"column {target!r} has {n_missing} missing value(s); drop or fill them")
        if test[target].nunique() < 2:
            raise DataError(f"column {target!r} has a single class ({plain(test[target].iloc[0])!r}); scores need two")
        check_tables(as_fit_reads(data, "data.path", target), target, {"test": as_fit_reads(test, "test", target)})
    except DataError as exc:
        raise DataError(f"data.test_path: {test_path}: {str(exc).removeprefix('test: ')}") from None


def read_test_images(test_path: Path, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``data.test_path``'s images, read at the size and channels of the recipe's images ``x``; a label
    that ``y`` (the recipe's labels) has not got is refused before training."""
    from .images.folder import read_images

    x_test, y_test = read_images(test_path, int(x.shape[1]), "gray" if x.shape[-1] == 1 else "rgb")
    unknown = np.setdiff1d(np.asarray(y_test).astype(str), np.asarray(y).astype(str))
    if len(unknown):
        raise DataError(f"data.test_path: {test_path}: label(s) {', '.join(repr(plain(u)) for u in unknown[:5])} "
                        "are not among data.path's classes; give test images of the training classes only")
    return x_test, y_test
