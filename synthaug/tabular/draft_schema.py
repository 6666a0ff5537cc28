"""Draft a public schema from a table, for a human to review and edit (``synthaug schema``).

A draft comes from the private data, so it is not public until its data-derived values
(bounds, category lists, point masses, missing flags, constant columns' values) have been
checked against, or replaced by, public knowledge. Bounds are rounded outward to one step of
the range's order of magnitude (age 17..90 becomes 10..90, dates whole years), categories, point
masses and constant columns' values seen fewer than ``min_count`` times are left out (a value
that few rows hold is theirs, not the column's), and class counts are never drafted. A
categorical column none of whose categories reaches ``min_count`` gets an empty ``categories``
list, with a warning: reading the schema refuses it until a human fills in public categories.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._errors import SynthaugWarning
from .._text import columns_option
from .columns import _to_json_scalar, point_masses, to_float
from .public_schema import FORMAT, FORMAT_VERSION, NUMERIC, parse_public_schema
from .schema import ColumnSpec, infer_schema
from .target import encode_labels, split_target

DRAFT_WARNING = (
    "this schema was drafted from the private data: its bounds{rounded}, category lists, point masses, "
    "missing flags and constant columns' values come from the records, so it is NOT public until you "
    "have replaced them with values you could publish (a codebook, published ranges); class counts are "
    "left out (add published ones as target.counts)"
)


def draft_public_schema(
    frame: pd.DataFrame,
    target: str,
    *,
    categorical: Iterable[str] = (),
    continuous: Iterable[str] = (),
    keep: Iterable[str] = (),
    round_bounds: bool = True,
    min_count: int = 2,
    point_mass_share: float = 0.05,
    max_point_masses: int = 3,
) -> dict:
    """A public-schema document (see :mod:`synthaug.tabular.public_schema`) drafted from ``frame``."""
    features, labels, _ = split_target(frame, target)
    classes, _, _ = encode_labels(labels)
    specs, _ = infer_schema(features, categorical, continuous, keep)
    columns = [_draft_column(features[s.name], s, round_bounds, min_count, point_mass_share, max_point_masses)
               for s in specs]
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "target": {"name": str(target), "classes": classes, "dtype": str(labels.dtype), "counts": None},
        "columns": columns,
    }
    to_fill = [c["name"] for c in columns if c.get("categories") == []]
    if to_fill:
        warnings.warn(f"column(s) {', '.join(map(repr, to_fill))}: no category was seen at least {min_count} "
                      "times, so 'categories' is left empty; fill in the public categories before fitting (or "
                      f"remove the column from the schema and fit with {columns_option('drop', to_fill)})",
                      SynthaugWarning, stacklevel=2)
    placeholder = ["(to fill in)"]  # only to check the rest of the draft; the file keeps the empty list
    parse_public_schema({**document, "columns": [{**c, "categories": placeholder} if c["name"] in to_fill else c
                                                 for c in columns]}, "drafted schema")
    return document


def _draft_column(col: pd.Series, spec: ColumnSpec, round_bounds: bool, min_count: int, share: float,
                  max_masses: int) -> dict:
    out = {"name": spec.name, "kind": spec.kind, "dtype": spec.dtype, "missing": spec.has_missing}
    if spec.kind in NUMERIC:
        x = to_float(col, spec)
        present = x[~np.isnan(x)]
        low, high = float(present.min()), float(present.max())
        if round_bounds:
            low, high = outward_years(low, high) if spec.kind == "datetime" else outward(low, high)
        masses = point_masses(present, share, max_masses, min_count)
        out["bounds"] = _as_json(np.array([low, high]), spec.kind)
        out["point_masses"] = _as_json(masses, spec.kind)
    elif spec.kind == "boolean":
        out["categories"] = [False, True]
    elif spec.kind == "categorical":
        counts = col.value_counts(dropna=True)
        kept = counts[counts >= min_count]  # none: an empty list, for a human to fill in
        out["categories"] = [_to_json_scalar(v) for v in kept.index]  # most frequent first
    else:
        present = col.dropna()  # a value in fewer than min_count rows is left out: the column is then missing
        out["value"] = _to_json_scalar(present.iloc[0]) if len(present) >= min_count else None
        out["missing"] = out["missing"] or out["value"] is None
    return out


def outward(low: float, high: float) -> tuple[float, float]:
    """Bounds rounded outward to a multiple of 10**floor(log10(range)): 17..90 -> 10..90."""
    span = high - low if high > low else max(abs(low), 1.0)
    step = 10.0 ** math.floor(math.log10(span))
    low, high = round(math.floor(low / step) * step, 12), round(math.ceil(high / step) * step, 12)
    return low, (high if high > low else low + step)


def outward_years(low: float, high: float) -> tuple[float, float]:
    """Datetime bounds (seconds) widened to whole years: 2020-03-05..2022-07-01 -> 2020-01-01..2023-01-01."""
    first, last = pd.Timestamp(int(low * 1e9)), pd.Timestamp(int(high * 1e9))
    start = max(pd.Timestamp(year=first.year, month=1, day=1), pd.Timestamp.min.ceil("D"))
    end = min(pd.Timestamp(year=last.year + 1, month=1, day=1), pd.Timestamp.max.floor("D"))  # not past 2262
    return start.as_unit("ns").value / 1e9, end.as_unit("ns").value / 1e9


def _as_json(values: np.ndarray, kind: str) -> list:
    if kind == "datetime":
        stamps = pd.to_datetime(np.round(values * 1e9).astype("int64"), unit="ns")
        return [s.isoformat() for s in stamps]
    if kind == "integer":
        return [int(round(v)) for v in values]
    return [float(v) for v in values]
