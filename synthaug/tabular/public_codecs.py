"""Encoder state from a public schema alone: each column's fitted codec state, taking nothing
from the data (see :meth:`synthaug.tabular.encoder.TableEncoder.fit_public`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .columns import Z_EDGE
from .public_columns import NUMERIC, PublicColumn

if TYPE_CHECKING:
    from .public_schema import PublicSchema


def numeric_state(column: PublicColumn) -> tuple[dict, dict[str, np.ndarray]]:
    """A NumericCodec's fitted state from public bounds alone.

    The knots are the public bounds (widened by half a unit for integers, which are
    dequantised), mapped to the outer normal scores: a min-max scaling. Chosen over DP
    quantiles because it spends no epsilon and needs no per-column budget split (each row
    touches every column's histogram, so DP quantiles would divide their share by the number
    of numeric columns); the generator's linear output learns the shape instead. The cost is
    measured in benchmarks/results/dp_public_schema.md.
    """
    low, high = column.bounds
    half = 0.5 if column.kind == "integer" else 0.0
    scalars = {"lo": low, "hi": high, "has_missing": column.missing}
    if column.kind == "continuous":
        scalars["decimals"] = column.decimals
    if column.text_format is not None:
        scalars["text_format"] = list(column.text_format)
    arrays = {"masses": np.asarray(column.point_masses, dtype=np.float64),
              "knots": np.array([low - half, high + half]), "z_knots": np.array([-Z_EDGE, Z_EDGE])}
    return scalars, arrays


def codec_states(schema: PublicSchema) -> list[tuple[dict, dict[str, np.ndarray]]]:
    """Fitted codec state for every column, in schema order (see TableEncoder.fit_public)."""
    states = []
    for column in schema.columns:
        if column.kind in NUMERIC:
            states.append(numeric_state(column))
        elif column.kind in ("categorical", "boolean"):
            states.append(({"categories": list(column.categories), "has_missing": column.missing}, {}))
        else:
            states.append(({"value": column.value, "has_missing": column.missing}, {}))
    return states
