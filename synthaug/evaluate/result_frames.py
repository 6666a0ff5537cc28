"""An evaluation's figures as pandas tables in long format: one row per figure, intervals as columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .results import EvaluationResult

NAN = float("nan")


def utility_frame(result: EvaluationResult) -> pd.DataFrame:
    """One row per paired difference from real-only training: setting, metric, classifier ("all": the
    pooled estimate), value, low, high (its 95% interval), method, verdict."""
    rows = [(u.setting, u.metric, u.classifier, u.estimate.value, u.estimate.low, u.estimate.high,
             u.estimate.method, u.verdict) for u in result.utility.uplifts]
    return _frame(rows, ["setting", "metric", "classifier", "value", "low", "high", "method", "verdict"])


def privacy_frame(result: EvaluationResult) -> pd.DataFrame:
    """One row per risk measure of each source (the synthetic records, then each baseline): source,
    measure, label, value, low, high, null (the value expected without leakage), tolerance, verdict, method."""
    rows = [(p.source, m.name, m.label, m.value, m.low, m.high, m.null, m.tolerance, m.verdict, m.method)
            for p in result.privacy for m in p.measures]
    return _frame(rows, ["source", "measure", "label", "value", "low", "high", "null", "tolerance", "verdict",
                         "method"])


def fidelity_frame(result: EvaluationResult) -> pd.DataFrame:
    """One row per fidelity figure: measure ("marginal" and "marginal_within_class" per column,
    "association_difference", "association_difference_within_class", "detection_auc"), column (None
    for the whole table), statistic, value, low, high (NaN but for the detection AUC's interval)."""
    fidelity, within = result.fidelity, result.fidelity.within_class
    auc = fidelity.detection_auc
    rows = [("marginal", m.column, m.statistic, m.value, NAN, NAN) for m in fidelity.marginals]
    rows += [("marginal_within_class", c.column, c.statistic, c.within_class, NAN, NAN) for c in within.columns]
    rows += [("association_difference", None, "mean |difference|", fidelity.association_difference, NAN, NAN),
             ("association_difference_within_class", None, "mean |difference|", within.association_difference,
              NAN, NAN),
             ("detection_auc", None, "auc", auc.value, auc.low, auc.high)]
    return _frame(rows, ["measure", "column", "statistic", "value", "low", "high"])


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    numbers = [c for c in ("value", "low", "high", "null", "tolerance") if c in columns]
    return frame.astype(dict.fromkeys(numbers, "float64"))
