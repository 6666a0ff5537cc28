"""How much of a scarce-protocol cell's DCR share is the draw: one synthaug fit, many releases.

The protocol (``scarce_protocol.py``) measures the DCR share of one release of n records per
class, so at n = 25 a cell's figure rests on 50-75 records. This script fits the cell's model
once (same split, seed and parameters as the protocol) and measures the DCR share, exactly as
the evaluator does, on the protocol's own release and on ``--draws`` further releases of the
same size (other sampling seeds): their mean is the share this model is expected to give, and
their spread is the noise of one release.

    OMP_NUM_THREADS=1 python benchmarks/dcr_draws.py --adult ../shared/datasets/adult.csv \\
        --dataset adult --n 25 --seeds 0 1 2 --out benchmarks/results/dcr_draws_adult.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import warnings
from pathlib import Path

import numpy as np
import torch
from _benchutil import atomic_write_text, machine_info, parse_set
from scarce_protocol import add_cell_arguments, load, split

from synthaug import TabularCGAN
from synthaug.privacy.leakage import assess_leakage

FIRST_DRAW_SEED = 100
"""Sampling seeds of the further releases: FIRST_DRAW_SEED, FIRST_DRAW_SEED + 1, ..."""


def dcr_share(train, holdout, records, target: str) -> float:
    """The evaluator's DCR share of ``records`` (size-balanced, ties count 1/2)."""
    result = assess_leakage(train, holdout, records, target, n_boot=50, random_state=0)
    return next(m.value for m in result.measures if m.name == "dcr_share")


def cell_draws(frame, target: str, n: int, seed: int, draws: int, params: dict) -> dict:
    """The protocol release's DCR share and ``draws`` more, for one fitted model."""
    train, holdout, _, _ = split(frame, target, n, seed)
    per_class = {label: int(count) for label, count in train[target].value_counts().items()}
    model = TabularCGAN(random_state=seed, **params).fit(train, y=target)
    columns = list(train.columns)

    def release(random_state: int | None) -> float:
        return dcr_share(train, holdout, model.sample_frame(per_class=per_class, random_state=random_state)[columns],
                         target)

    protocol = release(None)  # the model's first default draw: what scarce_protocol.py releases
    others = [release(FIRST_DRAW_SEED + k) for k in range(draws)]
    return {"seed": seed, "protocol_draw": protocol, "draws": others,
            "mean": statistics.fmean(others), "sd": statistics.stdev(others) if draws > 1 else 0.0,
            "protocol_draw_rank": int(np.sum(np.asarray(others) < protocol))}


def summary(runs: list[dict]) -> str:
    """A markdown table of runs: per seed the protocol release and the mean (sd) of the other releases."""
    lines = ["| dataset | n | parameters | protocol release per seed | mean | expected per seed: mean (sd) of "
             "other releases | mean |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for run in runs:
        cells = run["cells"]
        lines.append(
            f"| {run['dataset']} | {run['n']} | {_params(run['params'])} | "
            + ", ".join(f"{c['protocol_draw']:.2f}" for c in cells) + f" | **{run['mean_protocol_draw']:.2f}** | "
            + ", ".join(f"{c['mean']:.2f} ({c['sd']:.2f})" for c in cells) + f" | **{run['mean_expected']:.2f}** |")
    return "\n".join(lines) + "\n"


def _params(params: dict) -> str:
    return ", ".join(f"`{key}={value}`" for key, value in params.items()) or "defaults"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_cell_arguments(parser)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--draws", type=int, default=15)
    parser.add_argument("--out", type=Path, required=True, help="JSON of the run, or with --summary the markdown")
    parser.add_argument("--summary", type=Path, nargs="+", help="JSONs of earlier runs: write their table to --out")
    args = parser.parse_args()
    if args.summary:
        atomic_write_text(args.out, summary([json.loads(p.read_text()) for p in args.summary]))
        return
    params = parse_set(parser, args.params)
    if args.draws < 1:
        parser.error(f"--draws must be >= 1; got {args.draws}")
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    frame, target = load(args.dataset, args)
    cells = []
    for seed in args.seeds:
        cell = cell_draws(frame, target, args.n, seed, args.draws, params)
        cells.append(cell)
        print(f"{args.dataset} n={args.n} seed={seed} {params or 'defaults'}: protocol draw "
              f"{cell['protocol_draw']:.3f}; {args.draws} other draws mean {cell['mean']:.3f} sd {cell['sd']:.3f} "
              f"(min {min(cell['draws']):.3f}, max {max(cell['draws']):.3f})", flush=True)
    payload = {"dataset": args.dataset, "n": args.n, "params": params, "draws": args.draws,
               "first_draw_seed": FIRST_DRAW_SEED, "machine": machine_info(), "cells": cells,
               "mean_protocol_draw": statistics.fmean(c["protocol_draw"] for c in cells),
               "mean_expected": statistics.fmean(c["mean"] for c in cells)}
    atomic_write_text(args.out, json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
