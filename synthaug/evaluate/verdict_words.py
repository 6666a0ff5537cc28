"""The privacy verdict in words: each measure's short name, and the measures that set an overall
verdict (for the report, the CLI's summary and the demo)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .results import LeakageResult

_SHORT_NAMES = {
    "dcr_share": "DCR share",
    "exact_copies": "exact copies",
    "near_copies": "near copies",
    "low_nndr": "low NNDR",
    "mia_distance": "membership attack (distance)",
    "mia_density": "membership attack (density ratio)",
}


def measure_name(name: str) -> str:
    """A privacy measure's short name: ``attribute_inference[label]`` -> ``attribute inference on label``."""
    if name.startswith("attribute_inference[") and name.endswith("]"):
        return f"attribute inference on {name[len('attribute_inference['):-1]}"
    return _SHORT_NAMES.get(name, name)


def verdict_drivers(result: LeakageResult, limit: int = 3) -> str:
    """The measures that set ``result.verdict`` (those that leak, or those inconclusive), or "every measure"."""
    return drivers_of(result.verdict, [(m.name, m.verdict) for m in result.measures], limit)


def drivers_of(verdict: str, measures: Iterable[tuple[str, str]], limit: int = 3) -> str:
    """:func:`verdict_drivers` from the overall ``verdict`` and ``(name, verdict)`` of each measure,
    as report.json holds them."""
    if verdict == "no measurable leak":
        return "every measure"
    drivers = [measure_name(name) for name, v in measures if v == verdict]
    more = f" and {len(drivers) - limit} more" if len(drivers) > limit else ""
    return ", ".join(drivers[:limit]) + more


def signed(x: float, digits: int = 3) -> str:
    """``x`` as ``+0.012``, for an effect and its interval bounds; a nonzero ``x`` that would print as
    ``+0.000`` or ``-0.000`` gets two significant digits (``+0.00011``), so that a verdict decided by which
    side of 0 a bound lies on shows in the figure (``[+0.000, +0.026] helps`` beside ``[+0.000, +0.028]
    no measurable effect`` did not)."""
    text = f"{x + 0.0:+.{digits}f}"  # + 0.0: -0.0 prints +0.000
    return f"{x:+.2g}" if x != 0 and float(text) == 0 else text
