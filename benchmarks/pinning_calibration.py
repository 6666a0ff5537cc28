"""How often the privacy filter's pinning test rejects *fresh* real rows, by neighbourhood size.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/pinning_calibration.py --adult ../shared/datasets/adult.csv \
        --dry-bean ../shared/datasets/dry_bean.csv [--local-k 20 8] [--pinning 0.7 0.75] [--seeds 0 1 2 3 4]

The pinning test (:mod:`synthaug.tabular.privacy_filter`) rejects a generated row whose pinning
ratio is below the ``pinning`` quantile of the leave-one-out ratios of the ``LOCAL_K`` training
rows nearest it. A fresh real row is what a generator that does not copy would produce, so the
share of fresh rows the test rejects is its strength, and a fair test rejects fresh rows with a
missing value (or a rare category) about as often as the others. No model is fitted: the filter
(radius test off: factor 1e-12, floor 0) is fitted on training rows and judges fresh ones.

- The scarce protocol's datasets (``scarce_protocol.split``: n rows per class for training; fresh
  rows are its holdout and test set). ``rare``: a fresh row with a category seen in at most 2
  training rows of any class.
- The fraud table of ``missing_filters.py`` (5,000 rows, 50 positives): 1,000 fresh positives of
  another seed's table; ``rare`` there is a missing ``amount`` or ``device_age_days``.

``--local-k`` sets the module's ``LOCAL_K`` for the run (the library's value is its default).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from missing_filters import make_fraud_table
from scarce_protocol import DATASETS, load, split

import synthaug.tabular.privacy_filter as pf


def protocol_rows(frame: pd.DataFrame, target: str, n: int, seed: int):
    """(train features, train codes, fresh features, fresh codes, fresh rare mask) of one cell."""
    train, holdout, test, _ = split(frame, target, n, seed)
    fresh = pd.concat([holdout, test], ignore_index=True)
    code = {label: i for i, label in enumerate(sorted(train[target].unique(), key=str))}
    X, F = train.drop(columns=target), fresh.drop(columns=target)
    rare = np.zeros(len(F), dtype=bool)
    for c in X.columns:
        if not pd.api.types.is_numeric_dtype(X[c]):
            rare |= F[c].map(X[c].value_counts()).fillna(0).to_numpy() <= 2
    return X, train[target].map(code).to_numpy(), F, fresh[target].map(code).to_numpy(), rare


def fraud_rows(seed: int):
    """The same for the fraud table's positives; ``rare``: a missing value."""
    train = make_fraud_table(seed=seed)
    fresh = make_fraud_table(n=100_000, positives=1_000, seed=10_000 + seed)
    fresh = fresh[fresh["fraud"] == 1].drop(columns="fraud").reset_index(drop=True)
    rare = fresh[["amount", "device_age_days"]].isna().any(axis=1).to_numpy()
    return (train.drop(columns="fraud"), train["fraud"].to_numpy(), fresh,
            np.ones(len(fresh), dtype=np.int64), rare)


def judge(cell, local_k: int, pinning: float) -> dict:
    """Share of fresh rows the pinning test rejects: all, rare, the others."""
    X, codes, fresh, fresh_codes, rare = cell
    pf.LOCAL_K = local_k
    rejected = pf.fit_filter(X, codes, 1e-12, 0.0, pinning=pinning).too_close(fresh, fresh_codes)
    return {"rejected": rejected.mean(), "rare_share": rare.mean(),
            "rejected_rare": rejected[rare].mean() if rare.any() else np.nan,
            "rejected_other": rejected[~rare].mean()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--adult", help="path to adult.csv (target income)")
    p.add_argument("--dry-bean", help="path to dry_bean.csv (target target)")
    p.add_argument("--local-k", type=int, nargs="+", default=[pf.LOCAL_K])
    p.add_argument("--pinning", type=float, nargs="+", default=[0.7])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = p.parse_args()
    warnings.filterwarnings("ignore")
    cells = [("fraud", 50, seed, fraud_rows(seed)) for seed in args.seeds]
    for name in DATASETS:
        if name in ("adult", "dry_bean") and getattr(args, name) is None:
            continue
        frame, target = load(name, args)
        cells += [(name, n, seed, protocol_rows(frame, target, n, seed)) for n in (25, 100) for seed in args.seeds]
    rows = [{"dataset": name, "n": n, "seed": seed, "local_k": k, "pinning": q, **judge(cell, k, q)}
            for name, n, seed, cell in cells for k in args.local_k for q in args.pinning]
    table = pd.DataFrame(rows).groupby(["dataset", "n", "pinning", "local_k"], sort=False)
    print(table.mean(numeric_only=True).drop(columns="seed").to_string(float_format="{:.3f}".format))


if __name__ == "__main__":
    main()
