"""Privacy of released records: leakage measured as attacks against real non-members."""

from .leakage import (
    TOLERANCES,
    RealReference,
    assess_leakage,
    measure_leakage,
    overall_verdict,
    prepare_reference,
)

__all__ = [
    "TOLERANCES",
    "RealReference",
    "assess_leakage",
    "measure_leakage",
    "overall_verdict",
    "prepare_reference",
]
