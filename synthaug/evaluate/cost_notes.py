"""A warning before an evaluation whose training table makes it slow: only the synthetic records are
capped (``max_synthetic``), while SMOTE's neighbour search and the privacy distances grow with the
training rows."""

from __future__ import annotations

from .._errors import warn
from .._text import option_name

LARGE_TRAIN = 50_000
"""Training rows above which evaluate warns of its cost. A user trial: adult's 22,561 rows took 69 s on two
cores; a fraud table's 30,000 rows (2,100 encoded columns, random oversampling only) 125 s; its 200,000
rows had not finished in 250 s, SMOTE's neighbour search alone taking minutes."""


def warn_if_slow(n_train: int, baselines: tuple[str, ...]) -> None:
    """Warn, before any work, when the training table has more than :data:`LARGE_TRAIN` rows."""
    if n_train <= LARGE_TRAIN:
        return
    smote = ("SMOTE's neighbour search within each class and " if "smote" in baselines else "")
    skip = f"; {option_name('baselines', '--baselines', 'evaluate.baselines')} without smote skips the slowest part" \
        if smote else ""
    cap = option_name("max_synthetic", "--max-synthetic", "evaluate.max_synthetic")
    warn(f"train has {n_train:,} rows: {smote}the privacy distances (every record against every training row) grow "
         f"with them, and only the synthetic records are capped ({cap}), so this may take a long time{skip}; or "
         f"evaluate on a seeded sample of train (pandas: train.sample(n={LARGE_TRAIN}, random_state=0))")
