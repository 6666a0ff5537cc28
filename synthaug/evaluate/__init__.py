"""Evaluate synthetic records: downstream utility, fidelity and privacy leakage, side by side.

``evaluate(train, test, synthetic, target, holdout)`` returns an :class:`EvaluationResult`;
``write_report(result, out_dir)`` writes ``report.json`` and a self-contained ``report.html``.

The names below load on first use (PEP 562), so that importing a light submodule
(:mod:`synthaug.evaluate.defaults`, for the CLI's help) does not import scikit-learn and torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes as _lazy_attributes

if TYPE_CHECKING:
    from .classifiers import default_classifiers
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

# public name -> the submodule that defines it
_LAZY = {
    "Estimate": ".results",
    "EvaluationResult": ".results",
    "FidelityResult": ".results",
    "LeakageResult": ".results",
    "RiskMeasure": ".results",
    "Uplift": ".results",
    "UtilityResult": ".results",
    "default_classifiers": ".classifiers",
    "evaluate": ".core",
    "render_html": ".report",
    "write_report": ".report",
}


__getattr__, __dir__ = _lazy_attributes(__name__, globals(), _LAZY)

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
