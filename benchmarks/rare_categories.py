"""How far sampled category shares are from the training rows', rare categories above all.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/rare_categories.py --adult ../shared/datasets/adult.csv \\
        [--n 3000] [--steps 3000] [--seeds 0 1 2] [--set condition_probability=0 ...] [--out FILE]

For each seed: ``--n`` adult rows for training and a disjoint ``--n`` as a fresh real reference
(the sampling noise of a real table of that size); one model fitted (``epochs=1``,
``min_steps=--steps``; ``--set`` adds constructor keyword arguments, a variant); 20,000 rows
sampled at the training class shares, with the default filters (both, at this size), with the
privacy filter alone and with neither, turned off in turn by ``set_params`` on the same model.
Figures, against the training rows:

- rare log2 error: the mean of abs(log2(share / training share)) over categories whose training
  share is under 2% (and that have at least 5 training rows), the share floored at 1e-4;
- category TV: the mean over categorical columns of the total variation distance;
- numeric KS: the mean over numeric columns of the Kolmogorov-Smirnov statistic.

Each figure is the mean over seeds; the reference row is the fresh real rows' own.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _benchutil import parse_set, string_columns
from scipy.stats import ks_2samp

from synthaug import TabularCGAN

TARGET = "income"
N_SAMPLED = 20_000
RARE_SHARE, RARE_MIN_ROWS, SHARE_FLOOR = 0.02, 5, 1e-4
SETTINGS = {"default filters": {}, "privacy filter": dict(label_filter=None),
            "no filter": dict(privacy_filter=None, label_filter=None)}  # set in turn on one fitted model


def figures(train: pd.DataFrame, other: pd.DataFrame) -> dict[str, float]:
    """rare log2 error, category TV and numeric KS of ``other`` against ``train`` (feature columns)."""
    categorical = string_columns(train)
    rare_errors, tvs = [], []
    for col in categorical:  # one whole-column operation per column
        p = train[col].value_counts(normalize=True)
        q = other[col].value_counts(normalize=True)
        union = p.index.union(q.index)
        tvs.append(0.5 * float(np.abs(p.reindex(union, fill_value=0) - q.reindex(union, fill_value=0)).sum()))
        rare = p[(p < RARE_SHARE) & (p * len(train) >= RARE_MIN_ROWS)].index
        share = np.maximum(q.reindex(rare, fill_value=0).to_numpy(), SHARE_FLOOR)
        rare_errors.extend(np.abs(np.log2(share / p[rare].to_numpy())))
    numeric = [c for c in train.columns if c not in categorical]
    ks = [ks_2samp(train[c].dropna(), other[c].dropna()).statistic for c in numeric]
    return {"rare log2 error": float(np.mean(rare_errors)), "category TV": float(np.mean(tvs)),
            "numeric KS": float(np.mean(ks)), "rare categories": float(len(rare_errors))}


def run_seed(table: pd.DataFrame, n: int, steps: int, params: dict, seed: int) -> list[dict]:
    """The reference's figures and one fitted model's under each filter setting."""
    order = np.random.default_rng(seed).permutation(len(table))
    train, reference = table.iloc[order[:n]], table.iloc[order[n : 2 * n]]
    X, y = train.drop(columns=TARGET), train[TARGET]
    rows = [{"seed": seed, "setting": "real: fresh rows", **figures(X, reference.drop(columns=TARGET))}]
    model = TabularCGAN(epochs=1, min_steps=steps, random_state=seed, **params).fit(X, y)
    per_class = {k: int(round(N_SAMPLED * c / n)) for k, c in zip(model.classes_, model.class_counts_, strict=True)}
    for name, setting in SETTINGS.items():
        model.set_params(**setting)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rows kept after FILTER_ROUNDS tries: counted by the filters
            synthetic, _ = model.sample(per_class=per_class, random_state=seed)
        rows.append({"seed": seed, "setting": f"synthaug: {name}", **figures(X, synthetic)})
    return rows


def markdown(table: pd.DataFrame, command: str, seconds: float) -> str:
    means = table.drop(columns="seed").groupby("setting", sort=False).mean()
    columns = list(means.columns)
    lines = ["| rows | " + " | ".join(columns) + " |", "| --- " * (len(columns) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(f"{v:.0f}" if c == "rare categories" else f"{v:.3f}"
                                          for c, v in values.items()) + " |" for name, values in means.iterrows()]
    return (f"Command: `{command}` ({seconds:.0f} s). Seeds {sorted(set(table.seed))}; each figure the mean "
            "over seeds. Method: the docstring of `benchmarks/rare_categories.py`.\n\n" + "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adult", type=Path, required=True, help="path to adult.csv")
    parser.add_argument("--n", type=int, default=3000, help="training rows (and fresh reference rows)")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--out", type=Path, default=None, help="write the markdown table here")
    args = parser.parse_args()
    params = parse_set(parser, args.overrides)
    table = pd.read_csv(args.adult)
    started = time.perf_counter()
    rows = [row for seed in args.seeds for row in run_seed(table, args.n, args.steps, params, seed)]
    seconds = time.perf_counter() - started
    command = "OMP_NUM_THREADS=1 python benchmarks/rare_categories.py " + " ".join(
        ["--adult", str(args.adult), "--n", str(args.n), "--steps", str(args.steps), "--seeds", *map(str, args.seeds)]
        + [f"--set {item}" for item in args.overrides] + ([] if args.out is None else ["--out", str(args.out)]))
    text = markdown(pd.DataFrame(rows), command, seconds)
    print(text)
    if args.out is not None:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
