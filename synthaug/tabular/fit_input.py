"""TabularCGAN's input to ``fit``, made ready for training: the columns left out, the labels as
class codes, the encoder (inferred from the data or built from a public schema alone), the
label column's type and where the schema and class counts came from.

Each function reads the model's parameters and returns what ``fit`` stores; none sets state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from .._errors import DataError, warn
from .._provenance import table_digest
from .._text import option_name
from .columns import categorical_dtype_state
from .encoder import TableEncoder
from .public_schema import (
    DRAFT,
    PUBLIC,
    PublicSchema,
    codec_states,
    conform,
    omitted_present,
    public_labels,
)
from .schema import check_columns_exist, dtype_name, infer_schema, warn_empty_columns
from .schema_provenance import public_class_counts
from .target import encode_labels

if TYPE_CHECKING:
    from .synthesizer import TabularCGAN


class EncodedTable(NamedTuple):
    """The training table as ``fit`` learns from it."""

    features: pd.DataFrame  # as the encoder takes them (conformed to a public schema)
    classes: list
    codes: np.ndarray  # (n_rows,) indices into classes
    class_counts: np.ndarray
    encoder: TableEncoder
    dropped: list[str]  # feature columns left out: identifier-like, or omitted by the schema


def column_option(model: TabularCGAN, option: str) -> list[str]:
    """A column-list parameter's names as text, as :func:`.target.split_target` names the columns
    (so ``categorical=[0]`` is the column 0 of a DataFrame with integer names)."""
    return [str(c) for c in getattr(model, option)]


def data_digest(features: pd.DataFrame, labels: pd.Series, columns: list[str]) -> str:
    """model.json's ``training.data_sha256``: :func:`synthaug._provenance.table_digest` of the table as
    ``fit`` reads it, before ``drop`` (:func:`.target.split_target`: columns named as text, number
    objects as numbers; the label column at its place in X, or last when given apart as y), so it
    equals report.json's ``data_sha256.train`` for the same table."""
    table = features.copy(deep=False)
    table.insert(columns.index(labels.name), labels.name, labels.set_axis(features.index))
    return table_digest(table)


def drop_columns(features: pd.DataFrame, labels: pd.Series, drop: list[str]) -> pd.DataFrame:
    """``features`` less the ``drop`` columns; naming the target or a missing column is an error."""
    if labels.name is not None and labels.name in drop:
        raise DataError(f"{option_name('drop')}: {labels.name!r} is the target column, which the model is "
                        "conditioned on; it cannot be left out")
    check_columns_exist(features, drop, "drop")
    return features.drop(columns=drop)


def new_encoder(model: TabularCGAN) -> TableEncoder:
    """An unfitted encoder with the model's encoding parameters."""
    return TableEncoder(max_knots=model.max_knots, point_mass_share=model.point_mass_share,
                        min_category_count=model.min_category_count, clip=model.clip, rounding=model.rounding)


def encode_table(model: TabularCGAN, features: pd.DataFrame, labels: pd.Series, schema: PublicSchema | None,
                 rng: np.random.Generator) -> EncodedTable:
    """Class codes and a fitted encoder: learned from the data, or (with ``schema``) from the schema alone."""
    if schema is None:
        classes, codes, counts = encode_labels(labels)
        encoder, dropped = _fit_inferred_encoder(model, features, rng)
        return EncodedTable(features, classes, codes, counts, encoder, dropped)
    classes, codes, counts = public_labels(labels, schema, coarse=model.dp_)
    dropped = omitted_present(features, schema)  # conform leaves them out
    encoder, features = _fit_public_encoder(model, features, schema)
    return EncodedTable(features, classes, codes, counts, encoder, dropped)


def _fit_inferred_encoder(model: TabularCGAN, features: pd.DataFrame,
                          rng: np.random.Generator) -> tuple[TableEncoder, list[str]]:
    """Infer kinds and fit the encoder from the data; also returns the identifier-like columns dropped."""
    specs, dropped = infer_schema(features, *(column_option(model, o) for o in ("categorical", "continuous", "keep")))
    if not specs:
        raise DataError("no feature columns left to model (all were dropped)")
    warn_empty_columns(features, specs)
    return new_encoder(model).fit(features, specs, rng), dropped


def _fit_public_encoder(model: TabularCGAN, features: pd.DataFrame,
                        schema: PublicSchema) -> tuple[TableEncoder, pd.DataFrame]:
    """Build the encoder from the public schema alone; also returns the features conformed to it."""
    for name in ("categorical", "continuous", "keep"):
        if getattr(model, name):
            raise DataError(f"{option_name(name)}: with a public schema the column kinds come from the schema; "
                            f"leave {name} empty")
    omitted = omitted_present(features, schema)
    if omitted:
        warn(f"leaving out column(s) {', '.join(map(repr, omitted))}: the public schema lists them "
             "as omitted")
    features = conform(features, schema, coarse=model.dp_)  # DP: no exact counts of private rows in warnings
    encoder = new_encoder(model).fit_public([c.spec() for c in schema.columns], codec_states(schema))
    return encoder, features


def target_state(labels: pd.Series, schema: PublicSchema | None, classes: list) -> tuple[str, str, list | None, bool]:
    """The label column's name, dtype name, and a pandas Categorical's categories and order (None, False
    otherwise); with a public schema the dtype is the schema's, never the data's. The categories are the
    classes only: an unused one may be another private row's value (a split table keeps the whole list)."""
    dtype = dtype_name(labels.dtype) if schema is None else schema.target_dtype
    categories, ordered = categorical_dtype_state(labels.dtype if schema is None else None, classes)
    return str(labels.name), dtype, categories, ordered


def provenance(schema: PublicSchema | None, dp: bool) -> dict[str, str]:
    """Where the schema and the class counts came from (the DP noise on counts is added later). A
    schema still marked ``draft`` is not public; nor, under DP, are counts typed into one
    (:func:`.schema_provenance.public_class_counts`), so the DP plan spends epsilon on noisy counts."""
    origin = "inferred from the training data" if schema is None else DRAFT if schema.draft else PUBLIC
    public = schema is not None and public_class_counts(schema, dp) is not None
    return {"schema": origin, "class_counts": PUBLIC if public else "exact, from the training data"}
