"""The card's gate and measure entries, each with its unit and how its bound was found (the gate
``exact_copies`` is a count of records, the measure ``exact_copies`` an excess share)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from ._gates import MEASURE_RANGES, switches_off

if TYPE_CHECKING:
    from .share import GateResult

MEMBERSHIP = ("mia_distance", "mia_density")
COUNT_UNIT = ("a count of released records identical to a training row (observed, no interval; the measure "
              "exact_copies is an excess share)")
UNITS = {"dcr_share": "a share (0.5 when nothing leaks)",
         "membership_auc": "an AUC (0.5 when nothing leaks): the higher of mia_distance's and mia_density's",
         "exact_copies": COUNT_UNIT}


def measure_entries(measures) -> dict:
    """Each leakage measure's estimate, 95% interval (``low``, ``high``), verdict, the value expected when
    nothing leaks (``null``), its verdict's ``tolerance`` and the interval's ``method``."""
    return {m.name: {"value": m.value, "low": m.low, "high": m.high, "verdict": m.verdict, "null": m.null,
                     "tolerance": m.tolerance, "method": m.method} for m in measures}


def gate_entries(checks: list[GateResult], measures) -> list[dict]:
    """The card's ``gates``: each as :class:`GateResult` holds it, with its ``unit``, what ``upper`` is
    (``upper_is``), whether the limit switches the gate off (``off``: at the top of the measure's range the
    bound can never exceed it) and, for ``membership_auc``, which attack gave the estimate (``value_from``)
    and which the upper bound (``upper_from``): the gate takes the larger of each, maybe from different attacks."""
    by_name = {m.name: m for m in measures}
    return [{**asdict(g), **_gate_facts(g, by_name)} for g in checks]


def _gate_facts(gate: GateResult, by_name: dict) -> dict:
    if gate.name == "exact_copies":
        return {"unit": COUNT_UNIT, "upper_is": "the observed count itself", "off": False}
    facts = {"unit": UNITS.get(gate.name) or MEASURE_RANGES[gate.name.partition("[")[0]][2],
             "off": switches_off(gate.threshold, gate.name)}
    if gate.name != "membership_auc":
        return {**facts, "upper_is": f"the 95% upper bound ({by_name[gate.name].method})"}
    value_from = max(MEMBERSHIP, key=lambda name: by_name[name].value)
    upper_from = max(MEMBERSHIP, key=lambda name: by_name[name].high)
    return {**facts, "upper_is": f"the 95% upper bound ({by_name[upper_from].method}) of {upper_from}",
            "value_from": value_from, "upper_from": upper_from}


GATE_OF = {"mia_distance": "membership_auc", "mia_density": "membership_auc"}
"""The default gate of a measure not gated under its own name."""


def verdict_mismatch(leakage, checks: list[GateResult]) -> dict | None:
    """The card's ``verdict_mismatch``: None unless every gate passed while the evaluation's overall privacy
    verdict is "inconclusive" or "leaks"; else that ``privacy_verdict`` and, per measure not clear, its
    ``verdict``, ``high``, the bound the verdict clears it at (``verdict_limit``: null + tolerance), the gate
    that tests it and its limit (None when no gate does) and ``why`` the gate let it pass."""
    if not all(g.passed for g in checks) or leakage.verdict == "no measurable leak":
        return None
    limits = {g.name: g.threshold for g in checks}
    measures = {}
    for m in leakage.measures:
        if m.verdict == "no measurable leak":
            continue
        gate = m.name if m.name in limits else GATE_OF.get(m.name)
        measures[m.name] = {"verdict": m.verdict, "low": m.low, "high": m.high, "verdict_limit": m.null + m.tolerance,
                            "gate": gate if gate in limits else None, "gate_limit": limits.get(gate),
                            "why": _why_passed(m, gate, limits.get(gate))}
    return {"privacy_verdict": leakage.verdict, "measures": measures}


def _why_passed(measure, gate: str | None, limit: float | None) -> str:
    if limit is None:
        return "not gated (add --gate to gate it)"
    if switches_off(limit, gate):
        return f"its gate {gate} is off (limit {limit:g}, the top of the measure's range)"
    if measure.name == "exact_copies" and gate == "exact_copies":
        return (f"the gate counts identical records (limit {limit:g}); the verdict needs the excess share's "
                f"interval within {measure.tolerance:g}, which few records cannot show")
    return f"gated at {limit:.3g}, a looser limit than the verdict's {measure.null + measure.tolerance:.3g}"


def mismatch_text(mismatch: dict) -> str:
    """One line naming each measure behind a :func:`verdict_mismatch` and why its gate let it pass."""
    parts = [f"{name} {m['verdict']} ({_bound_text(m)}; {m['why']})" for name, m in mismatch["measures"].items()]
    return (f"released although the privacy verdict is {mismatch['privacy_verdict']!r}: " + "; ".join(parts)
            + ". The gates passed on their own limits; review the report's privacy section before passing the "
            "release on (card.json: verdict_mismatch)")


def _bound_text(entry: dict) -> str:
    """What sets the verdict: "leaks" has its whole interval above the limit (the lower bound says so),
    "inconclusive" only its upper part; an interval within the limit is inconclusive because a note on
    the inputs made every verdict so (a privacy reference unlike the training rows, or copying them)."""
    limit = f"{entry['verdict_limit']:.3g}"
    if entry["verdict"] == "leaks":
        return f"95% interval [{entry['low']:.3g}, {entry['high']:.3g}], its lower bound above {limit}"
    if entry["high"] > entry["verdict_limit"]:
        return f"95% upper bound {entry['high']:.3g} above {limit}"
    return (f"95% upper bound {entry['high']:.3g}, within {limit}, but a note of the report makes every privacy "
            "verdict inconclusive")
