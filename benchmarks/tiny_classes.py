"""How many sampled rows of a small class the privacy filter still rejects after its tries, by class size.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/tiny_classes.py bc 1,2,3,4,5,6,8,12 [--steps 9000] [--seeds 0 1]
    OMP_NUM_THREADS=1 python benchmarks/tiny_classes.py iris 1,2,3,4,5,6,8

``bc``: breast cancer, 56 rows of class 1 and m of class 0 (30 numeric columns); ``iris``: 40 rows each
of classes 0 and 1 and m of class 2. Each table is fitted with the defaults (``min_steps`` 3,000, or
``--steps``) and 100 rows of the small class are sampled with the filters on; a row the privacy filter
still rejects was kept after its 100 tries (:func:`synthaug.tabular.rejection.fill_rows`). The figures set
``TINY_CLASS`` in :mod:`synthaug.tabular.rejection` (``benchmarks/results/tiny_classes.md``).
"""

from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd
from sklearn.datasets import load_breast_cancer, load_iris

import synthaug


def table(name: str, m: int) -> tuple[pd.DataFrame, int]:
    """The table with ``m`` rows of its small class, and that class."""
    if name == "bc":
        d = load_breast_cancer(as_frame=True).frame
        big, small, pool = d[d.target == 1].sample(56, random_state=0), 0, d[d.target == 0]
    else:
        d = load_iris(as_frame=True).frame
        big, small, pool = pd.concat([d[d.target == 0].head(40), d[d.target == 1].head(40)]), 2, d[d.target == 2]
    return pd.concat([big, pool.sample(frac=1, random_state=0).head(m)]), small


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", choices=["bc", "iris"])
    parser.add_argument("sizes", help="rows of the small class, comma-separated")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print("| data | m | steps | seed | still rejected of 100 | regenerated | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for m in map(int, args.sizes.split(",")):
        for seed in args.seeds:
            rows, small = table(args.data, m)
            start = time.perf_counter()
            model = synthaug.TabularCGAN(random_state=seed, min_steps=args.steps).fit(rows, y="target")
            sample = model.sample_frame(per_class={small: 100}, random_state=0)
            kept = int(model.privacy_filter_rejects(sample).sum())
            print(f"| {args.data} | {m} | {args.steps} | {seed} | {kept} | {model.n_rejected_} | "
                  f"{time.perf_counter() - start:.0f} |", flush=True)


if __name__ == "__main__":
    main()
