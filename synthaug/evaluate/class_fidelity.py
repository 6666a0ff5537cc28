"""Fidelity within classes: the structure that pooled marginals and associations cannot see.

A class-conditional generator can match every pooled marginal and the pooled associations while
getting each class wrong: a column's missing values swapped between classes keep its pooled missing
share, and a correlation of +0.8 in one class and -0.8 in the other pools to about 0 whether or not
the synthetic rows keep it. Here each class with at least ``MIN_CLASS_ROWS`` rows in both tables is
compared on its own, with the measures of :mod:`.marginals` and :mod:`.associations`:

* per feature, the marginal distance within the class (KS, which counts the gap in missing share,
  or total variation with missing as a category);
* the association matrix within the class over the features and a missing indicator of each
  numeric feature with a missing value in either table (a categorical feature's missing values are
  a category already, so its associations see them); the target, constant within a class, is left out;
* per feature with a missing value in either table, the missing share in the class, real and synthetic.

Per-class figures are averaged over the compared classes weighted by their real row counts. They
do not depend on the synthetic class mix: within one class every real row has the same class-mix
weight (:mod:`.classmix`), so the weighting of the pooled measures changes nothing here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._text import quoted
from .associations import associations
from .canonical import MISSING
from .marginals import ks_statistic, total_variation
from .results import ColumnWithinClass, Marginal, MissingShare, WithinClassFidelity
from .tables import TableSchema

MIN_CLASS_ROWS = 20
"""A class is compared only with at least this many real and this many synthetic rows."""


def compared_classes(
    real_labels: pd.Series, synthetic_labels: pd.Series, classes: tuple, min_rows: int = MIN_CLASS_ROWS
) -> tuple[pd.Series, list]:
    """The weight of each class (of ``classes``, in order) with at least ``min_rows`` real and
    synthetic rows, its real row count over theirs; and the classes with real rows left out."""
    n_real = real_labels.value_counts().reindex(list(classes), fill_value=0)
    n_syn = synthetic_labels.value_counts().reindex(list(classes), fill_value=0)
    kept = (n_real >= min_rows) & (n_syn >= min_rows)
    return n_real[kept] / n_real[kept].sum(), n_real.index[~kept & (n_real > 0)].tolist()


def missing_mask(frame: pd.DataFrame, columns: list[str], schema: TableSchema) -> np.ndarray:
    """(n, k) True where a value of ``columns`` is missing (NaN, or :data:`~.canonical.MISSING` text)."""
    masks = [frame[c].isna().to_numpy() if c in schema.numeric else (frame[c] == MISSING).to_numpy()
             for c in columns]
    return np.column_stack(masks) if masks else np.zeros((len(frame), 0), bool)


def missing_columns(real: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema) -> list[str]:
    """The features with a missing value in either table."""
    features = list(schema.features)
    either = missing_mask(real, features, schema).any(0) | missing_mask(synthetic, features, schema).any(0)
    return [c for c, m in zip(features, either, strict=True) if m]


def missing_shares(
    real: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema, weights: pd.Series, columns: list[str]
) -> list[MissingShare]:
    """Per column of ``columns``, its missing share in each class of ``weights``, real and synthetic,
    and their absolute difference averaged with ``weights``."""
    def per_class(frame: pd.DataFrame) -> pd.DataFrame:  # (classes, columns)
        mask = pd.DataFrame(missing_mask(frame, columns, schema), columns=columns, dtype=float)
        return mask.groupby(frame[schema.target].to_numpy()).mean().reindex(weights.index)

    r, s = per_class(real), per_class(synthetic)
    gap = (r - s).abs().T @ weights  # (columns,)
    keys = [str(c) for c in weights.index]
    return [MissingShare(c, dict(zip(keys, r[c].tolist(), strict=True)), dict(zip(keys, s[c].tolist(), strict=True)),
                         float(gap[c])) for c in columns]


def class_distances(real: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema, classes: list) -> pd.DataFrame:
    """(features, classes) marginal distance of each feature within each class."""
    r_rows, s_rows = (frame.groupby(schema.target).indices for frame in (real, synthetic))
    out = pd.DataFrame(index=list(schema.features), columns=classes, dtype=float)
    for k in classes:
        r, s = real.iloc[r_rows[k]], synthetic.iloc[s_rows[k]]
        for c in schema.features:
            out.loc[c, k] = (ks_statistic(r[c].to_numpy(np.float64), s[c].to_numpy(np.float64))
                             if c in schema.numeric else total_variation(r[c].astype(str), s[c].astype(str)))
    return out


def with_indicators(frame: pd.DataFrame, schema: TableSchema, indicated: list[str]) -> pd.DataFrame:
    """The features by position (0, 1, ...), then a 0/1 missing indicator of each of ``indicated``."""
    parts = [frame[c].reset_index(drop=True) for c in schema.features]
    parts += [pd.Series(frame[c].isna().to_numpy().astype(np.int8)) for c in indicated]
    return pd.concat(parts, axis=1, ignore_index=True)


def class_association_differences(
    real: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema, classes: list, indicated: list[str]
) -> dict:
    """Per class, the mean absolute difference over column pairs between the real and synthetic
    association matrices of its rows (features and missing indicators; NaN with fewer than two columns)."""
    numeric = {i for i, c in enumerate(schema.features) if c in schema.numeric}
    columns = list(range(len(schema.features) + len(indicated)))
    upper = np.triu_indices(len(columns), k=1)
    r_rows, s_rows = (frame.groupby(schema.target).indices for frame in (real, synthetic))
    out = {}
    for k in classes:
        a_r, a_s = (associations(with_indicators(frame.iloc[rows[k]], schema, indicated), columns, numeric)
                    for frame, rows in ((real, r_rows), (synthetic, s_rows)))
        out[k] = float(np.abs(a_r - a_s)[upper].mean()) if len(upper[0]) else float("nan")
    return out


def class_fidelity(
    real: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema, pooled: list[Marginal]
) -> tuple[WithinClassFidelity, list[str]]:
    """Within-class marginals, associations and missing shares of ``synthetic`` against ``real``
    (canonical tables), beside the ``pooled`` marginals; and notes on the classes left out."""
    weights, skipped = compared_classes(real[schema.target], synthetic[schema.target], schema.classes)
    notes = [skipped_note(skipped)] if skipped else []
    if weights.empty:
        return WithinClassFidelity(skipped=[str(c) for c in skipped]), notes
    classes, keys = list(weights.index), [str(c) for c in weights.index]
    missing = missing_columns(real, synthetic, schema)
    indicated = [c for c in missing if c in schema.numeric]
    distances = class_distances(real, synthetic, schema, classes)
    within = distances @ weights  # (features,)
    by_column = {m.column: m for m in pooled}
    columns = [ColumnWithinClass(c, by_column[c].statistic, by_column[c].value, float(within[c]),
                                 dict(zip(keys, distances.loc[c].tolist(), strict=True))) for c in schema.features]
    per_class = class_association_differences(real, synthetic, schema, classes, indicated)
    result = WithinClassFidelity(
        class_weights=dict(zip(keys, weights.tolist(), strict=True)),
        skipped=[str(c) for c in skipped],
        columns=columns,
        marginal_mean=float(within.mean()) if len(within) else float("nan"),
        association_columns=list(schema.features) + [f"{c} (missing)" for c in indicated],
        association_difference=float(np.dot(list(per_class.values()), weights)),
        association_per_class={str(k): v for k, v in per_class.items()},
        missing=missing_shares(real, synthetic, schema, weights, missing),
    )
    return result, notes


def skipped_note(skipped: list) -> str:
    """Why the within-class fidelity leaves out ``skipped`` classes."""
    return (f"class(es) {quoted([str(c) for c in skipped])} have fewer than {MIN_CLASS_ROWS} real or synthetic "
            "rows: the within-class fidelity (marginals, associations and missing shares per class) leaves "
            "them out")
