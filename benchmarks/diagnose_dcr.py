"""One scarce-protocol cell's privacy measures for one synthaug setting: how far a stricter
privacy filter moves the DCR share of a given split.

    OMP_NUM_THREADS=1 python benchmarks/diagnose_dcr.py --adult ../shared/datasets/adult.csv \\
        --dataset adult --n 25 --seed 0 --set privacy_filter_pinning=0.9

Same split, fit, sampling and evaluation as ``scarce_protocol.py`` (its ``split`` and the
evaluator's privacy measures against the holdout); prints each measure and the filters'
regenerations.
"""

from __future__ import annotations

import argparse
import warnings

import torch
from _benchutil import parse_set
from scarce_protocol import add_cell_arguments, load, split

from synthaug import TabularCGAN
from synthaug.evaluate import evaluate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_cell_arguments(parser)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    params = parse_set(parser, args.params)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    frame, target = load(args.dataset, args)
    train, holdout, test, _ = split(frame, target, args.n, args.seed)
    per_class = {label: int(count) for label, count in train[target].value_counts().items()}
    model = TabularCGAN(random_state=args.seed, **params).fit(train, y=target)
    records = model.sample_frame(per_class=per_class)[list(train.columns)]
    result = evaluate(train, test, records, target, holdout=holdout, ratios=(1.0,), n_seeds=1,
                      random_state=args.seed)
    privacy = next(p for p in result.privacy if p.source == "synthetic")
    measures = ", ".join(f"{m.name} {m.value:.3f}" for m in privacy.measures)
    print(f"{args.dataset} n={args.n} seed={args.seed} {params or 'defaults'}: {measures}; "
          f"regenerated {model.n_rejected_} (privacy filter), {model.n_label_rejected_} (label filter)")


if __name__ == "__main__":
    main()
