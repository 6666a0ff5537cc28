"""The columns and kinds a release is measured on: those the model generated (not those it left
out), compared as the kind the model was given."""

from __future__ import annotations

import pandas as pd


def left_out_columns(model, train: pd.DataFrame, synthetic: pd.DataFrame) -> list:
    """Columns of ``train`` the fitted ``model`` does not generate: the identifier-like ones it left
    out and its ``drop``. From the model's ``columns_`` where it has them, else from ``synthetic``."""
    modelled = getattr(model, "columns_", None)  # names as text (7 is "7"), as fit names columns
    modelled = {str(c) for c in (synthetic.columns if modelled is None else modelled)}
    return [c for c in train.columns if str(c) not in modelled]


EVALUATED_AS = {"categorical": "categorical", "boolean": "categorical", "continuous": "continuous",
                "integer": "continuous"}
"""A model's column kind -> the evaluator's option that makes it compare the column so (datetime
and constant columns are left to the evaluator, which reads dates as dates)."""


def model_kinds(model) -> dict[str, list[str]]:
    """``categorical=`` / ``continuous=`` for evaluating ``model``'s records as it was fitted: the
    columns whose kind it was given (its ``categorical`` and ``continuous``, or every column of its
    public schema), under the kind it modelled. Kinds it inferred are left to the evaluator, so a
    fit without either evaluates as it did; a model without column specs gives empty lists."""
    params = model.get_params() if hasattr(model, "get_params") else {}
    specs = getattr(getattr(model, "encoder_", None), "specs_", None) or []
    given = {str(c) for key in ("categorical", "continuous") for c in params.get(key) or ()}
    if params.get("public_schema") is not None:
        given |= {spec.name for spec in specs}
    kinds = {"categorical": [], "continuous": []}
    for spec in specs:
        if spec.name in given and spec.kind in EVALUATED_AS:
            kinds[EVALUATED_AS[spec.kind]].append(spec.name)
    return kinds


def left_out_note(names) -> str:
    """The report's (and console's) note on columns the evaluation left out as the model did."""
    return (f"evaluated without column(s) {', '.join(repr(str(n)) for n in names)}, which the model left out "
            "(identifier-like, or its drop)")
