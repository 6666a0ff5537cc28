"""Draft a public schema from a table, for a human to review and edit (``synthaug schema``).

A draft comes from the private data, so it is not public until its data-derived values (bounds,
category lists, point masses, decimals, missing flags, constant columns' values) have been checked
against, or replaced by, public knowledge. A continuous column's ``decimals`` are those fit learns
from the data (:func:`~synthaug.tabular.columns.learn_decimals`), so a fit with the draft rounds
samples as a fit from the data does; a datetime column written with month names, AM/PM or
two-digit years gets the ``text_format`` fit learns
(:func:`~synthaug.tabular.datetimes.learn_text_format`), so its samples are written as the column
is. Numeric bounds lie strictly beyond the data's minimum and maximum, at the next multiple of a
step (see :func:`outward`: age 17..90 becomes 10..100, integers 0..10 become 0..20; a column with
no negative values keeps 0), so a bound says within which step the extreme lies, not which value a
record holds; dates are widened to whole years. Categories, point masses and constant columns'
values seen fewer than ``min_count`` times are left out (a value that few rows hold is theirs, not
the column's), and class counts are never drafted. A categorical column none of whose categories
reaches ``min_count`` gets an empty ``categories`` list, with a warning: reading the schema
refuses it until a human fills in public categories.

The draft carries a top-level ``draft`` note (:data:`DRAFT_NOTE`): until a reviewer deletes it,
fit and share warn and record the schema as an unreviewed draft, not public (see
:mod:`synthaug.tabular.public_schema`). Categories are listed most frequent first, ties in value
order, so the draft does not depend on the order of the rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._errors import DataError, warn
from .._text import columns_option, option_name
from .columns import _to_json_scalar, learn_decimals, point_masses, to_float
from .datetimes import learn_text_format
from .public_columns import NUMERIC
from .public_schema import FORMAT, FORMAT_VERSION, parse_public_schema
from .schema import ColumnSpec, check_columns_exist, check_option_conflicts, infer_schema
from .target import encode_labels, split_target

DRAFT_WARNING = (
    "this schema was drafted from the private data: its bounds{rounded}, category lists, point masses, "
    "decimals, missing flags and constant columns' values come from the records, so it is NOT public until you "
    "have replaced them with values you could publish (a codebook, published ranges) and deleted its \"draft\" "
    "key (until then fit and share call it an unreviewed draft); class counts are left out (add published ones "
    "as target.counts)"
)
DRAFT_NOTE = (
    "drafted by synthaug schema from the private data: bounds, category lists, point masses, decimals, missing "
    "flags and constant values may be the records'. Replace them with values you could publish, then delete this "
    "\"draft\" key; until then fit and share call the schema an unreviewed draft, not public"
)


def draft_public_schema(
    frame: pd.DataFrame,
    target: str,
    *,
    categorical: Iterable[str] = (),
    continuous: Iterable[str] = (),
    keep: Iterable[str] = (),
    drop: Iterable[str] = (),
    round_bounds: bool = True,
    min_count: int = 2,
    point_mass_share: float = 0.05,
    max_point_masses: int = 3,
) -> dict:
    """A public-schema document (see :mod:`synthaug.tabular.public_schema`) drafted from ``frame``.

    Its ``omitted`` lists the ``drop`` columns and the identifier-like ones left out (unless in
    ``keep``), so fitting with the schema leaves them out of the same table without a ``drop``."""
    categorical, continuous, keep, drop = list(categorical), list(continuous), list(keep), [str(n) for n in drop]
    check_option_conflicts(categorical=categorical, continuous=continuous, drop=drop, keep=keep)
    if str(target) in drop:
        raise DataError(f"{option_name('drop')}: {target!r} is the target column; it cannot be left out")
    check_columns_exist(frame, drop, "drop")
    features, labels, _ = split_target(frame.drop(columns=drop), target)
    classes, _, _ = encode_labels(labels)
    specs, identifiers = infer_schema(features, categorical, continuous, keep)
    columns = [_draft_column(features[s.name], s, round_bounds, min_count, point_mass_share, max_point_masses)
               for s in specs]
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "draft": DRAFT_NOTE,
        "target": {"name": str(target), "classes": classes, "dtype": str(labels.dtype), "counts": None},
        "columns": columns,
        "omitted": [*drop, *map(str, identifiers)],
    }
    to_fill = [c["name"] for c in columns if c.get("categories") == []]
    if to_fill:
        warn(f"column(s) {', '.join(map(repr, to_fill))}: no category was seen at least {min_count} "
             "times, so 'categories' is left empty; fill in the public categories before fitting (or "
             f"remove the column from the schema and fit with {columns_option('drop', to_fill)})")
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
            low, high = outward_years(low, high) if spec.kind == "datetime" else outward(low, high, present)
        masses = point_masses(present, share, max_masses, min_count)
        out["bounds"] = _as_json(np.array([low, high]), spec.kind)
        out["point_masses"] = _as_json(masses, spec.kind)
        if spec.kind == "continuous":
            out["decimals"] = learn_decimals(present, spec.dtype)  # as fit learns them: samples rounded alike
        text = learn_text_format(col) if spec.kind == "datetime" else None
        if text is not None:  # as fit learns it: sampled as the column is written (03-MAR-2021, 2:30 PM), not ISO
            out["text_format"], out["text_case"] = text
    elif spec.kind == "boolean":
        out["categories"] = [False, True]
    elif spec.kind == "categorical":
        counts = col.value_counts(dropna=True)
        kept = counts[counts >= min_count]  # none: an empty list, for a human to fill in
        out["categories"] = [_to_json_scalar(v) for v in by_count(kept)]
    else:
        present = col.dropna()  # a value in fewer than min_count rows is left out: the column is then missing
        out["value"] = _to_json_scalar(present.iloc[0]) if len(present) >= min_count else None
        out["missing"] = out["missing"] or out["value"] is None
    return out


def by_count(counts: pd.Series) -> list:
    """The values of a ``value_counts`` Series, most frequent first and equal counts in value order
    (``value_counts`` leaves ties in the order the rows first hold them); values of different types
    are ordered by type name first, as text and numbers do not compare."""
    pairs = [(-int(n), type(v).__name__, v) for v, n in counts.items()]
    try:
        return [v for _, _, v in sorted(pairs)]
    except TypeError:  # values of one type that do not compare (rare): their text breaks the tie
        return [v for _, _, v in sorted(pairs, key=lambda p: (p[0], p[1], repr(p[2])))]


def outward(low: float, high: float, values: np.ndarray | None = None) -> tuple[float, float]:
    """Bounds strictly beyond ``low`` and ``high``: the multiples of a step just below and just above
    them (17..90 -> 10..100, 0.12..0.87 -> 0.1..0.9); a bound stops at 0 rather than cross it (a
    count 0..13 gets 0..20, not -10..20). Every extreme within one step gives the same bound, so the
    bound does not tell which it was.

    The step is 10**floor(log10(range)), or ten times that when every one of ``values`` is a
    multiple of it (integers 0..7: by 1, the upper bound 8 would say the maximum is 7; by 10 the
    bounds are 0..10). Rounding to the nearest multiple instead, as drafts did, kept an extreme that
    is a multiple as it is (integers 0..10 by 10 gave exactly 0..10)."""
    span = high - low if high > low else max(abs(low), 1.0)
    step = 10.0 ** math.floor(math.log10(span))
    if values is not None and _all_multiples(values, step):
        step *= 10.0
    below, above = (_on_grid(low / step, math.ceil) - 1) * step, (_on_grid(high / step, math.floor) + 1) * step
    if low >= 0:
        below = max(below, 0.0)
    elif high <= 0:
        above = min(above, 0.0)
    digits = max(12, 6 - math.floor(math.log10(step)))  # float noise off, relative to the step (1e-14 scales)
    return round(below, digits), round(above, digits)


def _on_grid(ratio: float, rounding) -> int:
    """``rounding(ratio)``, taking a ratio within float error of a whole number as that number
    (0.3 / 0.1 is 2.9999999999999996)."""
    nearest = round(ratio)
    return int(nearest) if abs(ratio - nearest) <= 1e-9 * max(1.0, abs(ratio)) else int(rounding(ratio))


def _all_multiples(values: np.ndarray, step: float) -> bool:
    """Whether every value is a whole multiple of ``step`` (within float error)."""
    ratio = np.asarray(values, dtype=float) / step
    return bool(np.all(np.abs(ratio - np.round(ratio)) <= 1e-9 * np.maximum(1.0, np.abs(ratio))))


def outward_years(low: float, high: float) -> tuple[float, float]:
    """Datetime bounds (seconds) widened to whole years, strictly beyond the data:
    2020-03-05..2022-07-01 -> 2020-01-01..2023-01-01, and a first date of 2020-01-01 -> 2019-01-01
    (else the bound would be the earliest date itself)."""
    first, last = pd.Timestamp(int(low * 1e9)), pd.Timestamp(int(high * 1e9))
    year_start = pd.Timestamp(year=first.year, month=1, day=1)
    if year_start == first and first.year > pd.Timestamp.min.year + 1:
        year_start = pd.Timestamp(year=first.year - 1, month=1, day=1)
    start = max(year_start, pd.Timestamp.min.ceil("D"))
    end = min(pd.Timestamp(year=last.year + 1, month=1, day=1), pd.Timestamp.max.floor("D"))  # not past 2262
    return start.as_unit("ns").value / 1e9, end.as_unit("ns").value / 1e9


def _as_json(values: np.ndarray, kind: str) -> list:
    if kind == "datetime":
        stamps = pd.to_datetime(np.round(values * 1e9).astype("int64"), unit="ns")
        return [s.isoformat() for s in stamps]
    if kind == "integer":
        return [int(round(v)) for v in values]
    return [float(v) for v in values]
