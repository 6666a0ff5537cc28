"""Evaluate synthetic records: downstream utility, fidelity and privacy leakage, side by side.

``evaluate(train, test, synthetic, target, holdout)`` returns an :class:`EvaluationResult`;
``write_report(result, out_dir)`` writes ``report.json`` and a self-contained ``report.html``.
"""

from .core import evaluate
from .report import render_html, write_report
from .results import (
    Estimate,
    EvaluationResult,
    FidelityResult,
    LeakageResult,
    RiskMeasure,
    Uplift,
    UtilityResult,
)
from .utility import default_classifiers

__all__ = [
    "Estimate",
    "EvaluationResult",
    "FidelityResult",
    "LeakageResult",
    "RiskMeasure",
    "Uplift",
    "UtilityResult",
    "default_classifiers",
    "evaluate",
    "render_html",
    "write_report",
]
