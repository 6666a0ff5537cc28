"""The user's whole table, checked by a release before it splits off the holdout: the public schema's
own checks (what ``fit`` runs with it), the labels, and the column kinds ``fit`` and the evaluation
will read. Run on the whole table, an error numbers rows as the user's file does (after the shuffled
split, a '?' at data row 11 was reported at row 165); run before the split, a schema's check refuses
a label it does not list without printing it, and under DP gives counts to their order of magnitude."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ._errors import DataError
from ._share_checks import is_dp
from ._share_columns import EVALUATED_AS
from ._text import dp_count_note, rough_count


def check_whole_table(data: pd.DataFrame, target: str, model) -> None:
    """Refuse, before the split, what ``fit`` or the evaluation would refuse in ``data``: with a public
    schema, its checks (columns, kinds, labels: the errors give no label the schema does not list);
    missing labels; values the column kinds ``fit`` and the evaluation read cannot hold."""
    from .tabular.synthesizer import TabularCGAN

    if target not in data.columns:
        return  # the split names it, with the closest column
    tabular = isinstance(model, TabularCGAN)
    schema = _public_schema(model) if tabular else None
    if schema is not None:
        _check_against_schema(data, target, model, schema)
    _check_labels(data[target], is_dp(model))
    left_out = _dropped(model) | (set(schema.omitted) if schema is not None else set())
    table = data[[c for c in data.columns if str(c) not in left_out]]
    if tabular and schema is None:
        _check_inferred_kinds(table, target, model)
    _check_evaluated_kinds(table, target, _given_kinds(model, schema, table))


def _public_schema(model):
    from .tabular.params import check_params
    from .tabular.public_schema import resolve_public_schema

    check_params(model.get_params(deep=False))  # fit's own first check, as it would refuse the parameters
    return resolve_public_schema(model.public_schema)


def _dropped(model) -> set[str]:
    params = model.get_params() if hasattr(model, "get_params") else {}
    return set(map(str, params.get("drop") or ()))


def _check_against_schema(data: pd.DataFrame, target: str, model, schema) -> None:
    """What ``fit`` checks of the rows against the public schema (its warnings are left to ``fit``,
    which gives them for the training rows)."""
    from .tabular.fit_input import drop_columns, encode_table
    from .tabular.target import split_target

    features, labels, _ = split_target(data, target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        features = drop_columns(features, labels, sorted(_dropped(model)))
        encode_table(model, features, labels, schema, np.random.default_rng(0))


def _check_labels(labels: pd.Series, coarse: bool) -> None:
    n_missing = int(labels.isna().sum())
    if n_missing:
        raise DataError(f"target column {labels.name!r} has {rough_count(n_missing, coarse, 'missing value(s)')}; "
                        f"drop or fill them{dp_count_note(coarse, 'error')}")


def _check_inferred_kinds(table: pd.DataFrame, target: str, model) -> None:
    """The kinds ``fit`` infers (and its ``categorical``, ``continuous``, ``keep``), refused as ``fit``
    refuses them (a '?' among numbers); its warnings are left to ``fit``."""
    from .tabular.schema import infer_schema
    from .tabular.target import split_target

    features = split_target(table, target)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        infer_schema(features, *([str(c) for c in getattr(model, key) or ()]
                                 for key in ("categorical", "continuous", "keep")))


def _given_kinds(model, schema, table: pd.DataFrame) -> dict[str, list[str]]:
    """``categorical=`` / ``continuous=`` for the evaluation: the schema's kinds, or the model's options."""
    present = {str(c): c for c in table.columns}
    if schema is not None:
        kinds = {"categorical": [], "continuous": []}
        for column in schema.columns:
            if column.kind in EVALUATED_AS and column.name in present:
                kinds[EVALUATED_AS[column.kind]].append(present[column.name])
        return kinds
    params = model.get_params() if hasattr(model, "get_params") else {}
    return {key: [present[str(c)] for c in params.get(key) or () if str(c) in present]
            for key in ("categorical", "continuous")}


def _check_evaluated_kinds(table: pd.DataFrame, target: str, kinds: dict) -> None:
    """What the evaluation refuses in the table, as the whole table (its messages said ``train:``)."""
    from .evaluate.fit_reads import as_fit_reads
    from .evaluate.tables import infer_schema

    try:
        infer_schema(as_fit_reads(table, "train", str(target)), str(target),
                     **{key: [str(c) for c in names] for key, names in kinds.items()})
    except DataError as error:
        raise DataError(str(error).removeprefix("train: ")) from None
