"""SynthOverSampler's labels: ``y`` as imbalanced-learn takes it (1-D, a column vector or one-hot)
and the resampled labels in the container it came in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._errors import DataError
from .tabular.target import free_name


def class_labels(y, where: str) -> tuple:
    """``(labels, one_hot)``: ``y`` as a Series or 1-D array, and whether it was one-hot. A one-column
    DataFrame or column vector is taken as imblearn (column_or_1d) takes it; a one-hot ``y`` (0/1 or
    booleans, a single 1 in each row) as imblearn's ``check_target_type`` takes it, each row's label
    the position of its 1; multilabel and multi-output targets are refused."""
    if y is None:  # scikit-learn's words, which its check_requires_y_none looks for
        raise DataError(f"{where}: SynthOverSampler requires y to be passed, but the target y is None")
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        return y.iloc[:, 0], False
    if not isinstance(y, pd.Series) and np.ndim(y) == 2 and np.shape(y)[1] == 1:
        return np.asarray(y)[:, 0], False
    if np.ndim(y) == 2 and _is_one_hot(np.asarray(y)):
        return np.asarray(y).argmax(axis=1), True
    if np.ndim(y) != 1:
        raise DataError(f"{where}: y must hold one class label per row, or be one-hot (a 0/1 column per class, "
                        f"a single 1 in each row); got shape {np.shape(y)} that is neither (multilabel and "
                        "multi-output targets are not supported)")
    return y, False


def _is_one_hot(values: np.ndarray) -> bool:
    """Whether a 2-D ``values`` holds only 0 and 1 (or booleans) with exactly one 1 in each row."""
    if values.dtype.kind not in "biuf" or values.shape[1] < 2:  # text, objects: not compared to numbers
        return False
    return bool(np.isin(values, (0, 1)).all() and (values.sum(axis=1) == 1).all())


def labels_as_given(y, y_res, one_hot: bool):
    """``y_res`` (a Series or 1-D array) in ``y``'s container: a list, a one-column DataFrame, or the
    one-hot table ``y`` was (as imblearn returns it: ``label_binarize`` back), with its columns and dtypes."""
    if one_hot:
        table = np.eye(np.shape(y)[1], dtype=np.asarray(y).dtype)[np.asarray(y_res, dtype=np.int64)]
        if isinstance(y, pd.DataFrame):
            return pd.DataFrame(table, columns=y.columns).astype(y.dtypes.to_dict())
        return table.tolist() if isinstance(y, list) else table
    if isinstance(y, pd.DataFrame):
        return y_res.to_frame()
    return y_res.tolist() if isinstance(y, list) else y_res


def label_name(y, columns) -> str:
    """The labels' name in messages and inside the synthesizer: a named Series' own, else "y";
    with an underscore in front while X has a column of that name."""
    return free_name(str(y.name) if isinstance(y, pd.Series) and y.name is not None else "y", columns)


def append_labels(y, y_new: pd.Series):
    """Real labels, then synthetic ones, in the container and dtype of the (1-D) labels given."""
    if isinstance(y, pd.Series):
        new = pd.Series(y_new.to_numpy(), name=y.name).astype(y.dtype)
        return pd.concat([y, new], ignore_index=True)
    array = np.asarray(y)
    return np.concatenate([array, y_new.to_numpy().astype(array.dtype)])
