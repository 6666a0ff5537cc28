"""Screen: enforce category -> value rules mined from the training rows on synthaug's records.

The GAN breaks exact dependencies of adult (education -> education-num, relationship "Husband"
-> sex "Male"): in default records most rows break at least one. This screen mines, from the
training rows of each scarce-protocol cell (``scarce_protocol.split``), every rule "column A
has category a -> column B has value b" that every training row with A = a obeys, with at least
``--min-rows`` such rows and a chance below ``--alpha`` that B's marginal gives them all b by
luck (share(b) ** rows); then it overwrites B in the default records (after the privacy and
label filters) and scores both record sets with the protocol's ``evaluate`` call (no baselines),
paired. Run from the repository root::

    OMP_NUM_THREADS=1 python benchmarks/screen_rules.py --adult ../shared/datasets/adult.csv \\
        --seeds 10 11 12 --raw benchmarks/results/scarce_protocol_screening_rules.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from scarce_protocol import split  # noqa: E402

from synthaug import TabularCGAN  # noqa: E402
from synthaug.evaluate import evaluate  # noqa: E402


def mine_rules(train: pd.DataFrame, target: str, alpha: float, min_rows: int) -> list[tuple[str, str, dict]]:
    """(A, B, {a: b}) for every categorical A and other column B (vectorised per column pair)."""
    rules = []
    categorical = [c for c in train.columns if c != target and not pd.api.types.is_numeric_dtype(train[c])]
    for a in categorical:
        groups = train.groupby(a, dropna=True)
        for b in train.columns:
            if b in (a, target):
                continue
            st = groups[b].agg(["nunique", "size", "first", "count"])
            luck = st["first"].map(train[b].value_counts(normalize=True)).astype(float) ** st["size"]
            ok = st[(st["nunique"] == 1) & (st["count"] == st["size"]) & (st["size"] >= min_rows) & (luck < alpha)]
            if len(ok):
                rules.append((a, b, ok["first"].to_dict()))
    return rules


def apply_rules(records: pd.DataFrame, rules: list[tuple[str, str, dict]]) -> pd.DataFrame:
    out = records.copy()
    for a, b, mapping in rules:
        hit = out[a].isin(list(mapping))
        out.loc[hit, b] = out.loc[hit, a].map(mapping).astype(out[b].dtype)
    return out


def score(train, test, holdout, records, target, seed) -> tuple[float, float]:
    """(uplift in macro-F1 averaged over the classifiers, DCR share), as the protocol measures them."""
    r = evaluate(train, test, records, target, holdout=holdout, ratios=(1,), n_seeds=1, baselines=(),
                 random_state=seed)
    uplift = next(u for u in r.utility.uplifts if u.classifier == "all" and u.metric == "macro_f1")
    share = next(m for m in r.privacy[0].measures if m.name == "dcr_share")
    return uplift.estimate.value, share.value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adult", type=Path, required=True)
    parser.add_argument("--seeds", nargs="+", type=int, default=[10, 11, 12])
    parser.add_argument("--sizes", nargs="+", type=int, default=[25, 100])
    parser.add_argument("--alpha", type=float, default=0.01)
    parser.add_argument("--min-rows", type=int, default=3)
    parser.add_argument("--raw", type=Path, required=True)
    args = parser.parse_args()
    frame, target = pd.read_csv(args.adult), "income"
    rows = []
    for n in args.sizes:
        for seed in args.seeds:
            start = time.time()
            train, holdout, test, _ = split(frame, target, n, seed)
            per_class = {label: int(c) for label, c in train[target].value_counts().items()}
            model = TabularCGAN(random_state=seed).fit(train, y=target)
            records = model.sample_frame(per_class=per_class)[list(train.columns)]
            rules = mine_rules(train, target, args.alpha, args.min_rows)
            ruled = apply_rules(records, rules)
            rows.append({"n": n, "seed": seed, "rules": [[a, b, len(m)] for a, b, m in rules],
                         "rows_changed": float((ruled != records).any(axis=1).mean()),
                         "defaults": score(train, test, holdout, records, target, seed),
                         "rules_enforced": score(train, test, holdout, ruled, target, seed),
                         "seconds": time.time() - start})
            print(json.dumps(rows[-1]), flush=True)
    args.raw.write_text(json.dumps({"command": " ".join(sys.argv), "cells": rows}, indent=1))


if __name__ == "__main__":
    main()
