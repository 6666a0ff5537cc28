"""How closely the synthetic table follows the training table.

* Marginals: Kolmogorov-Smirnov statistic for numeric columns (on the present values, or the
  difference in missing share when that is larger), total variation
  distance for categorical columns and the target (missing is a category).
* Associations: a matrix over all columns of Spearman correlation (numeric-numeric), bias-
  corrected Cramer's V (categorical-categorical, Bergsma 2013) and the correlation ratio eta
  (numeric-categorical); the summary is the mean absolute difference over column pairs.
* Within classes: the marginals and associations of each class, and missing shares per class
  (:mod:`.class_fidelity`): pooled figures cannot see a pattern that differs between classes.
* Detection: a gradient-boosting classifier tells real from synthetic rows (at most
  ``max_rows`` of each, 5-fold cross-validated with rows of equal content in one fold, see
  :func:`~.detection.content_folds`); its AUC is 0.5 when they are indistinguishable.

All of these are measured at the synthetic table's class mix: when it differs from the real one
(``sample --balance``), each real row is weighted by its class's synthetic share over its real
share (see :mod:`.classmix`). The target's own marginal compares the class mixes unweighted.

Plot data are shares per bin or category only. Numeric bins span the real column's 2.5th to
97.5th percentile (values beyond fall in the edge bins), so no extreme value is drawn, widened to
round numbers (see :func:`~.marginals.plot_range`), with edges between grid points for values on a grid
(see :func:`~.marginals.bin_edges`), so no edge is a record's exact value; only
categories held by at least ``MIN_CATEGORY_ROWS`` real rows are named, rarer ones (and the
synthetic table's unknown ones) are pooled as "(other)".

The measures are in :mod:`.marginals`, :mod:`.associations` and :mod:`.detection`; this module
runs them over a pair of tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .associations import association_matrix
from .class_fidelity import class_fidelity
from .classmix import AT_SYNTHETIC_MIX, absent_class_notes, class_mix_notes, class_shares, class_weights
from .detection import detection_auc
from .marginals import marginal
from .results import FidelityResult
from .tables import TableSchema


def fidelity_caveats(result: FidelityResult) -> list[str]:
    """The fidelity notes that are caveats (also top-level notes and warnings): a class the synthetic
    table lacks, a detection AUC whose interval lies wholly below 0.5."""
    notes = absent_class_notes(result.class_mix["real"], result.class_mix["synthetic"])
    d = result.detection_auc
    if d.high < 0.5:
        notes.append(
            f"the detection AUC {d.value:.3f} [{d.low:.3f}, {d.high:.3f}] lies wholly below 0.5 (worse than "
            "guessing): this points to synthetic records that nearly copy real rows (each scored by a model that "
            "learnt its near-twin with the other label) or to too few rows, not to records that look more real "
            "than real rows")
    return notes


def run_fidelity(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: TableSchema,
    seed: int,
    max_rows: int = 5000,
) -> FidelityResult:
    """Marginals, associations and detection AUC of ``synthetic`` against ``real``, at the
    synthetic class mix (real rows weighted by :func:`~.classmix.class_weights`, those of a
    class the synthetic table lacks left out); the target's marginal compares the mixes as they are.
    The same measures class by class are in ``within_class`` (:mod:`.class_fidelity`)."""
    target = schema.target
    per_class = class_weights(real[target], synthetic[target])
    mix = marginal(target, real[target], synthetic[target], numeric=False)
    shares = {"real": class_shares(real[target], schema.classes),
              "synthetic": class_shares(synthetic[target], schema.classes)}
    weights, all_real = None, real
    if per_class is not None:
        per_class = per_class[per_class > 0]
        real = real[real[target].isin(per_class.index)].reset_index(drop=True)
        weights = real[target].map(per_class).to_numpy(np.float64)
    marginals = [
        mix if c == target else marginal(c, real[c], synthetic[c], c in schema.numeric, c in schema.dates, weights)
        for c in schema.columns
    ]
    a_real = association_matrix(real, schema, weights)
    a_syn = association_matrix(synthetic, schema)
    upper = np.triu_indices(len(schema.columns), k=1)
    within, within_notes = class_fidelity(all_real, synthetic, schema, marginals)
    result = FidelityResult(
        marginals=marginals,
        columns=list(schema.columns),
        association_real=a_real.tolist(),
        association_synthetic=a_syn.tolist(),
        association_difference=float(np.abs(a_real - a_syn)[upper].mean()),
        detection_auc=detection_auc(real, synthetic, schema, seed, max_rows, class_weight=per_class),
        notes=[] if weights is None else class_mix_notes(shares["real"], shares["synthetic"], mix.value),
        weighting="none" if weights is None else AT_SYNTHETIC_MIX,
        class_mix=shares,
        within_class=within,
    )
    result.notes += [n for n in fidelity_caveats(result) + within_notes if n not in result.notes]
    return result
