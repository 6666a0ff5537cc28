"""The measures a release gate may name and the range of each limit. A light module (no pandas,
torch or scikit-learn), so ``synthaug share --help`` can list the measures; a test checks
the names against :func:`synthaug._share_checks.gate_measures`. The ranges follow the definitions in
:mod:`synthaug.privacy.leakage`: shares and AUCs lie in [0, 1], an excess of one share over
another in [-1, 1]."""

from __future__ import annotations

from ._checks import is_finite, is_whole

SHARE, EXCESS, AUC = "a share", "an excess of one share over another", "an AUC"
MEASURE_RANGES: dict[str, tuple[float, float, str]] = {
    "dcr_share": (0.0, 1.0, SHARE),
    "exact_copies": (-1.0, 1.0, EXCESS),
    "near_copies": (-1.0, 1.0, EXCESS),
    "low_nndr": (-1.0, 1.0, EXCESS),
    "mia_distance": (0.0, 1.0, AUC),
    "mia_density": (0.0, 1.0, AUC),
    "attribute_inference": (-1.0, 1.0, EXCESS),  # named attribute_inference[TARGET] in a gate
}
"""Each leakage measure's (lowest, highest, what it is)."""

GATE_NAMES = ", ".join(name if name != "attribute_inference" else "attribute_inference[TARGET]"
                       for name in MEASURE_RANGES)
"""The measures ``--gate`` takes, as its help lists them (TARGET: the ``--target`` column)."""


def limit_problem(limit, measure: str) -> str | None:
    """Why ``limit`` cannot be a gate's limit on ``measure`` (a name of :data:`MEASURE_RANGES`,
    ``attribute_inference[col]`` or ``membership_auc``, the higher of the two attacks' AUCs), as a
    phrase; None if it can. A limit outside the measure's
    range is refused: above it the gate passes whatever the records are, below it nothing does."""
    if not is_finite(limit):
        return f"the limit must be a finite number, got {limit!r}"
    low, high, what = {**MEASURE_RANGES, "membership_auc": (0.0, 1.0, AUC)}[measure.partition("[")[0]]
    if not low <= limit <= high:
        return f"the limit must be from {low:g} to {high:g} ({measure} is {what}), got {limit!r}"
    return None


def switches_off(limit, measure: str) -> bool:
    """Whether a gate with ``limit`` on ``measure`` can never fail: the measure's upper bound never
    exceeds the top of its range (a legitimate way to turn a gate off, worth a warning)."""
    return limit_problem(limit, measure) is None and limit >= {**MEASURE_RANGES, "membership_auc": (0.0, 1.0, AUC)}[
        measure.partition("[")[0]][1]


def count_problem(limit) -> str | None:
    """Why ``limit`` cannot be the most exact copies a release may hold; None if it can."""
    if not is_whole(limit) or limit < 0:
        return f"the limit must be a whole number of rows >= 0, got {limit!r}"
    return None


def flipped_auc(value: float, low: float, high: float, limit: float) -> dict | None:
    """A membership attack's AUC of ``value`` (95% interval ``low``..``high``) read the other way round,
    when it lies below 0.5 far enough that the flipped interval's top, ``1 - low``, exceeds ``limit``;
    else None. An attacker who inverts the score gets ``1 - AUC``: a sampling filter that keeps records
    away from training rows makes members *farther* from them, so a far-below-0.5 AUC is itself a signal.
    Gates compare the AUC as measured (unchanged); this is for a warning and a note."""
    if not (value < 0.5 and 1.0 - low > limit):
        return None
    return {"value": value, "low": low, "high": high, "flipped": 1.0 - value, "flipped_low": 1.0 - high,
            "flipped_high": 1.0 - low, "limit": limit}
