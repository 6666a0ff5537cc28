"""The range checks of recipe values: a value of the right type may still be out of range
(``sample.n = 0``), refused before any training, where it failed only when sampling, evaluating or
releasing, after it. Each check returns a phrase saying what is wrong, or None."""

from __future__ import annotations

import math

from ._checks import is_real, is_whole
from ._gates import limit_problem
from ._provenance import DIGESTED
from ._text import closest_name
from .sampling import MAX_SAMPLE_ROWS


def value_problem(recipe: dict) -> tuple[str, str] | None:
    """The first ``table.key`` of ``recipe`` whose value is out of range, and what is wrong with it;
    None if every value is in range. Checks that need the data's classes or size are
    ``_run.check_against_data``'s."""
    target = recipe.get("data", {}).get("target", "target")
    checks = {**VALUES, "share.gates": lambda gates: gates_problem(gates, target)}
    for table, values in recipe.items():
        for key, value in values.items():
            problem = checks[f"{table}.{key}"](value) if f"{table}.{key}" in checks else None
            if problem:
                return f"{table}.{key}", problem
    return None


def _count(low: int, most: int | None = None):
    def check(value):
        if not is_whole(value) or value < low:
            return f"must be a whole number >= {low}, got {value!r}"
        if most is not None and value > most:
            return f"at most {most} rows can be generated, got {value!r}"
        return None

    return check


def _fraction(value):
    return None if is_real(value) and 0 < value < 1 else f"must be a number between 0 and 1 (exclusive), got {value!r}"


def _positive(value):
    return None if is_real(value) and 0 < value < math.inf else f"must be a positive finite number, got {value!r}"


def _per_class(value):
    counts = value if isinstance(value, dict) else {"": value}
    for label, count in counts.items():
        problem = _count(0, MAX_SAMPLE_ROWS)(count)
        if problem:
            if not isinstance(value, dict):
                return problem
            return f"count for class {label!r}{' ' if problem.startswith('must') else ': '}{problem}"
    if not any(counts.values()):  # an empty file
        return f"asks for no synthetic rows at all, got {value!r}"
    return None


def _ratios(value):
    if not value:
        return "must list at least one ratio, got []"
    problem = next(filter(None, map(_positive, value)), None)
    if problem:
        return problem
    names = [f"{r:g}" for r in value]  # evaluate names its settings after them
    repeated = next((r for r, name in zip(value, names, strict=True) if names.count(name) > 1), None)
    return f"{repeated:g} is given more than once, got {value!r}" if repeated is not None else None


def _baselines(value):
    from .evaluate.baselines import BASELINES

    unknown = next((b for b in value if b not in BASELINES), None)
    if unknown is not None:
        return f"unknown baseline {unknown!r}{closest_name(str(unknown), BASELINES)}; use any of {list(BASELINES)}"
    repeated = next((b for b in value if value.count(b) > 1), None)
    return f"{repeated!r} is given more than once, got {value!r}" if repeated is not None else None


def _judge(value):
    from .images.evaluate import JUDGES

    return None if value in JUDGES else f"must be one of {', '.join(map(repr, JUDGES))}, got {value!r}"


def gates_problem(gates: dict, target: str) -> str | None:
    """Why ``gates`` cannot be ``share.gates`` (each measure's name and limit), or None."""
    from ._share_checks import gate_measures

    known = gate_measures(target)
    for name, limit in gates.items():
        if name not in known:
            return f"unknown measure {name!r}{closest_name(name, known)}; measures are {', '.join(known)}"
        if limit_problem(limit, name):
            return f"{name!r}: {limit_problem(limit, name)}"
    return None


def _limit(measure: str):
    def check(value):
        problem = limit_problem(value, measure)
        return problem and problem.removeprefix("the limit ")

    return check


def _sha256(value):
    if len(value) == 64 and all(c in "0123456789abcdefABCDEF" for c in value):
        return None
    return f"must be a SHA-256 (64 hexadecimal digits, as synthaug run writes it), got {value!r}"


def _test_size(value):  # as _run.split words it for a Python caller
    return None if 0 < value < 1 else f"must be a share between 0 and 1 (exclusive), got {value!r}"


def _rows_per_class(value):
    return None if value >= 1 else f"must be at least 1, got {value!r}"


SKLEARN_TABLES = ("breast_cancer", "wine", "iris")


def _dataset(value):
    if value == "sklearn:digits" or value.removeprefix("sklearn:") in SKLEARN_TABLES:
        return None
    return (f"unknown {value!r}; tables are " + ", ".join(f"sklearn:{n}" for n in SKLEARN_TABLES)
            + ", images sklearn:digits")


VALUES = {
    **{f"sha256.{key}": _sha256 for key in DIGESTED},
    "data.test_size": _test_size, "data.rows_per_class": _rows_per_class, "data.dataset": _dataset,
    "sample.n": _count(1, MAX_SAMPLE_ROWS), "sample.per_class": _per_class, "sample.ratio": _positive,
    "evaluate.seeds": _count(1), "evaluate.steps": _count(1), "evaluate.ratios": _ratios,
    "evaluate.baselines": _baselines, "evaluate.max_synthetic": _count(100),
    "evaluate.n_pairs": _count(0), "evaluate.judge": _judge,
    "share.max_dcr_share": _limit("dcr_share"), "share.max_membership_auc": _limit("membership_auc"),
    "share.max_exact_copies": _count(0),
    "share.filter_close": _fraction, "share.holdout": _fraction, "share.n": _count(1, MAX_SAMPLE_ROWS),
    "share.seeds": _count(1), "share.per_class": _per_class, "share.ratio": _positive,
}
"""Range checks of ``table.key`` values: a phrase saying what is wrong, or None."""
