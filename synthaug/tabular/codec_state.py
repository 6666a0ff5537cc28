"""Checks of one column's codec state as a model file stores it (``encoder.columns[i].state`` and
its arrays): each value's type, a ModelFileError naming the column and the key."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._checks import is_real
from .._errors import ModelFileError
from .._text import shown
from .datetimes import UNITS_NS
from .schema import ColumnSpec

Rule = tuple[Callable[[Any], bool], str]  # (test, what was expected)
FLAG: Rule = (lambda v: isinstance(v, bool), "true or false")
NUMBER: Rule = (lambda v: is_real(v) and math.isfinite(v), "a finite number")
LABEL = (str, int, float)  # JSON scalars (a bool is an int)
LABELS: Rule = (lambda v: isinstance(v, list) and all(isinstance(c, LABEL) for c in v), "a list of categories")
# key: (rule, required); keys that older files lack are optional (decimals, text_format: numeric_codec.py checks them)
RULES: dict[str, dict[str, tuple[Rule, bool]]] = {
    "numeric": {"lo": (NUMBER, True), "hi": (NUMBER, True), "has_missing": (FLAG, True),
                "resolution_ns": ((lambda v: v in UNITS_NS and not isinstance(v, (bool, float)),
                                   f"one of {', '.join(map(str, UNITS_NS))}"), False),
                "time_zone": ((lambda v: v is None or isinstance(v, str), "a time zone name or null"), False)},
    "categorical": {"categories": (LABELS, True), "has_missing": (FLAG, True),
                    "dtype_categories": ((lambda v: v is None or LABELS[0](v), "a list of categories or null"), False),
                    "ordered": (FLAG, False),
                    "categories_dtype": ((lambda v: v is None or isinstance(v, str), "a dtype name or null"), False)},
    "constant": {"value": ((lambda v: v is None or isinstance(v, LABEL), "text, a number or null"), True),
                 "has_missing": (FLAG, False)},
}
NUMERIC_ARRAYS = ("masses", "knots", "z_knots")


def check_state(spec: ColumnSpec, scalars: dict, arrays: dict[str, np.ndarray]) -> None:
    """Refuse a stored state of the wrong form for ``spec``'s kind of codec."""
    group = {"continuous": "numeric", "integer": "numeric", "datetime": "numeric",
             "categorical": "categorical", "boolean": "categorical"}.get(spec.kind, "constant")
    for key, ((ok, expected), required) in RULES[group].items():
        if key not in scalars:
            if required:
                raise ModelFileError(f"column {spec.name!r}: state key {key!r} is missing")
        elif not ok(scalars[key]):
            raise ModelFileError(f"column {spec.name!r}: state {key} must be {expected}; got {shown(scalars[key])}")
    if group == "numeric":
        _check_arrays(spec, arrays)


def _check_arrays(spec: ColumnSpec, arrays: dict[str, np.ndarray]) -> None:
    """Point masses, and knots with as many normal scores (at least two), as 1-D arrays."""
    missing = [name for name in NUMERIC_ARRAYS if name not in arrays or np.ndim(arrays[name]) != 1]
    if missing:
        raise ModelFileError(f"column {spec.name!r}: array {missing[0]!r} is missing or not 1-D in the weights")
    if not len(arrays["knots"]) == len(arrays["z_knots"]) >= 2:
        raise ModelFileError(f"column {spec.name!r}: knots and z_knots must be two or more of each, as many of each")
