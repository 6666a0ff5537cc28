"""Notes on what the utility verdicts rest on: test classes of few rows, and a setting whose macro-F1 and
ROC AUC verdicts disagree. A trial's uniform-random noise rows (56 + 4 training rows, 36 + 4 test rows) got
``real+synthetic@1 +0.180 [+0.032, +0.290] helps`` on macro-F1, from the rebalancing the added rows made,
on 4 minority test rows, while ROC AUC saw no effect; neither was noted. The verdict rule is unchanged."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .._text import counted, plain
from .results import Uplift
from .verdict_words import signed

FEW_TEST_ROWS = 10
"""A test class of fewer rows than this gets a note: one of its rows predicted otherwise moves its recall
by more than 0.1, and the macro-F1 and balanced-accuracy intervals are resampled from those few rows."""

NO_EFFECT = "no measurable effect"


def few_test_rows_notes(test: pd.DataFrame, target: str, classes: Sequence) -> list[str]:
    """A note on the classes with fewer than :data:`FEW_TEST_ROWS` test rows (and some: classes with none
    have a note of their own)."""
    counts = test[target].value_counts()
    few = [(c, int(counts[c])) for c in classes if c in counts.index and 0 < counts[c] < FEW_TEST_ROWS]
    if not few:
        return []
    named = " and ".join(f"{counted(n, 'row')} of class {plain(label)!r}" for label, n in few)
    fewest = min(n for _, n in few)
    return [f"the test set has {named} (fewer than {FEW_TEST_ROWS}): the macro-F1 and balanced-accuracy intervals "
            f"rest on those few rows (one of {fewest} predicted otherwise moves its class's recall by "
            f"{1 / fewest:.2f}), so a verdict on them can turn on a prediction or two"]


def disagreement_notes(uplifts: Sequence[Uplift]) -> list[str]:
    """A note on each setting of the synthetic records (``real+synthetic@r``, ``synthetic``) whose pooled
    macro-F1 and ROC AUC verdicts disagree (one helps or hurts, the other has no measurable effect or the
    opposite verdict). Not on the baselines' settings: ``synthaug demo`` opened with two such warnings about
    SMOTE and random oversampling, about rows the user is not asked to judge."""
    pooled = {(u.setting, u.metric): u for u in uplifts if u.classifier == "all"}
    notes = []
    for setting in dict.fromkeys(u.setting for u in uplifts if "synthetic" in u.setting):
        f1, auc = pooled.get((setting, "macro_f1")), pooled.get((setting, "roc_auc"))
        if f1 is None or auc is None or f1.verdict == auc.verdict or auc.estimate.value != auc.estimate.value:
            continue  # agreeing, or ROC AUC undefined (NaN)
        why = ("the macro-F1 verdict may come from the class balance of the training table, which moves where the "
               "classifiers draw the line between classes, not from what the records hold" if f1.verdict != NO_EFFECT
               else "the records change how the classifiers rank the test rows without changing enough of their "
               "predicted classes to show in macro-F1")
        notes.append(f"{setting}: macro-F1 says {f1.verdict} ({_figure(f1)}) but the pooled ROC AUC says "
                     f"{auc.verdict} ({_figure(auc)}); ROC AUC measures how the classifiers rank the test rows, "
                     f"whatever their decision threshold: {why}")
    return notes


def _figure(uplift: Uplift) -> str:
    e = uplift.estimate
    return f"{signed(e.value)} [{signed(e.low)}, {signed(e.high)}]"
