"""Real rows weighted to the synthetic table's class mix, for fidelity.

A synthetic table sampled at a chosen class mix (``sample --balance`` or ``--per-class``) differs
from the training table in its label shares on purpose. Compared as they are, the target's
distance, every feature marginal that depends on the class, the associations and the detection
AUC (the label share alone separates the tables) all report that choice rather than the
generator. Weighting each real row of class ``c`` by ``p_syn(c) / p_real(c)`` gives the real rows
the synthetic class mix, so fidelity measures the generator within classes. The class mixes
themselves are reported as they are (:func:`class_shares`; the target's marginal stays unweighted).
"""

from __future__ import annotations

import pandas as pd

from .._errors import DataError
from .._text import quoted

AT_SYNTHETIC_MIX = "synthetic class mix"
"""``FidelityResult.weighting`` when the real rows were weighted (``"none"`` when the mixes match)."""


def class_weights(real_labels: pd.Series, synthetic_labels: pd.Series) -> pd.Series | None:
    """Per class of ``real_labels``, its synthetic share over its real share; None when the mixes are
    equal up to rounding (every synthetic count within one row of the real shares).

    A class without synthetic records gets weight 0. The weights are scaled to mean 1 over the real
    rows of positive weight, so the rows' weights sum to a row count (Cramer's V's bias correction
    uses it). A synthetic class without real rows cannot be weighted: DataError.
    """
    n_real = real_labels.value_counts(sort=False)
    n_syn = synthetic_labels.value_counts(sort=False)
    unknown = n_syn.index.difference(n_real.index, sort=False)
    if len(unknown):
        raise DataError(f"synthetic: class(es) {quoted(unknown)} have no real rows, so fidelity cannot weight them")
    n_syn = n_syn.reindex(n_real.index, fill_value=0)
    at_real_mix = n_real * len(synthetic_labels) / len(real_labels)  # (n_classes,) counts at the real shares
    if ((n_syn - at_real_mix).abs() < 1).all():  # equal up to rounding to whole rows (sample --n at the prior)
        return None
    kept_rows = int(n_real[n_syn > 0].sum())
    return n_syn / len(synthetic_labels) * kept_rows / n_real


def class_shares(labels: pd.Series, classes: tuple) -> dict[str, float]:
    """Share of each of ``classes`` (0 when absent), keyed by the label as text."""
    shares = labels.value_counts(normalize=True).reindex(list(classes), fill_value=0.0)
    return {str(c): float(s) for c, s in zip(classes, shares.to_numpy(), strict=True)}


def class_mix_notes(real: dict[str, float], synthetic: dict[str, float], difference: float) -> list[str]:
    """Notes for a report whose fidelity was measured at the synthetic class mix."""
    notes = [
        f"fidelity is measured at the {AT_SYNTHETIC_MIX}: each real row is weighted by its class's synthetic "
        "share over its real share, so the feature marginals, associations and detection AUC compare the "
        f"generator within classes; the class mixes themselves differ by {difference:.3f} (total variation, "
        "the target's unweighted marginal)"
    ]
    return notes + absent_class_notes(real, synthetic)


def absent_class_notes(real: dict[str, float], synthetic: dict[str, float]) -> list[str]:
    """A note when the synthetic table lacks a class that has real rows (fidelity then leaves them out)."""
    absent = [c for c, share in synthetic.items() if share == 0 and real[c] > 0]
    if not absent:
        return []
    return [f"the synthetic table has no records of class(es) {quoted(absent)}: their real rows get weight 0, "
            "so fidelity describes the other classes only (its figures say nothing of the missing class)"]
