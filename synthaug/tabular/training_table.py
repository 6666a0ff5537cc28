"""The training table given back to a loaded TabularCGAN (``attach_privacy_filter``): checked
against what the model learned before the sampling filters are fitted on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import DataError
from .._text import quoted
from .schema import check_columns_exist

if TYPE_CHECKING:
    from .synthesizer import TabularCGAN


def training_table_codes(model: TabularCGAN, features: pd.DataFrame, labels: pd.Series) -> np.ndarray:
    """The class codes of ``labels``, once the table is the one the model was fitted on as far as
    the model file can tell: every modelled column, numbers where the model learned numbers, its
    row count and (when exact: not DP-noised, not a public schema's) its class counts."""
    kept = [c for c in model.columns_ if c != model.target_name_]
    check_columns_exist(features, kept, "training table")
    if len(features) != model.n_rows_:
        raise DataError(f"training table: {len(features)} rows, but the model was fitted on {int(model.n_rows_)}; "
                        f"{NEEDED}")
    numeric = [sp.name for sp in model.encoder_.specs_ if sp.kind in ("continuous", "integer")]
    text = [c for c in numeric if not pd.api.types.is_numeric_dtype(features[c])
            or pd.api.types.is_bool_dtype(features[c])]
    if text:  # else the filters would measure it as categories, matching no generated number
        raise DataError(f"training table: column {text[0]!r} is not numeric (dtype {features[text[0]].dtype}) "
                        "but the model learned it as numbers; is this the table the model was fitted on?")
    codes = pd.Index(model.classes_).get_indexer(labels.to_numpy())
    if (codes < 0).any():
        raise DataError(f"training table: {int((codes < 0).sum())} row(s) of {labels.name!r} carry a label "
                        f"the model was not fitted on{_type_hint(model.classes_, labels[codes < 0])}")
    given = np.bincount(codes, minlength=len(model.classes_))
    exact = str(model.provenance_.get("class_counts", "")).startswith("exact")  # not noisy (DP), not public
    if exact and not np.array_equal(given, model.class_counts_):
        raise DataError(f"training table: class counts {_counts_text(model.classes_, given)}, but the model was "
                        f"fitted on {_counts_text(model.classes_, model.class_counts_)}; {NEEDED}")
    return codes


NEEDED = "the filters need the table the model was fitted on (they check sampled rows against its rows)"


def _type_hint(classes: list, unknown: pd.Series) -> str:
    """``; ...`` when the unknown labels are the model's classes written another way (text ``'0'`` for
    the number ``0``, as a CSV read with ``dtype=str`` gives), else nothing."""
    as_text = {str(label) for label in classes}
    if not unknown.astype(str).isin(as_text).all():
        return ""
    given, learned = type(unknown.iloc[0]).__name__, type(classes[0]).__name__
    return (f"; they match its classes ({quoted(sorted(as_text), 10)}) as text, but are {given} where the model's "
            f"are {learned}: "
            "convert the column (pandas: frame[col].astype(...)) to the type it was fitted with")


def _counts_text(classes: list, counts: np.ndarray) -> str:
    return ", ".join(f"{label!r}: {int(n)}" for label, n in zip(classes, counts, strict=True))
