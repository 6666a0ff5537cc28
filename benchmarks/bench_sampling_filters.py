"""Sampling speed with and without the sampling filters (privacy filter, label filter) on adult.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_sampling_filters.py --data ../shared/datasets/adult.csv

Method: for the whole table (32,561 rows: above ``MAX_ROWS``, so the default privacy filter is
off and ``label_filter="auto"`` is off) and a stratified random subset of ``--subset`` rows
(where both defaults are on), one ``TabularCGAN(epochs=--epochs, min_steps=1)`` is fitted per
filter setting with the same seed (the generator is the same; only the filters differ), then
``sample(--n)`` is timed ``--repeats`` times (different seeds); the table gives the best and the
median rows/s, and the rows each filter rejected in the last call. One torch thread.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _benchutil import RESULTS_DIR, load_snapshot, machine_info, median, set_threads, write_results

from synthaug import TabularCGAN

SETTINGS = {
    "defaults": {},
    "label_filter=0.2": {"label_filter": 0.2},
    "label_filter=None": {"label_filter": None},
    "privacy_filter=None": {"privacy_filter": None},
    "both off": {"label_filter": None, "privacy_filter": None},
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="adult.csv")
    p.add_argument("--target", default="income")
    p.add_argument("--subset", type=int, default=5_000, help="rows of the small table")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--n", type=int, default=50_000, help="rows per sample call")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    p.add_argument("--stem", default="sampling_filters")
    args = p.parse_args()
    set_threads(1)
    warnings.filterwarnings("ignore")
    full = pd.read_csv(args.data)
    rng = np.random.default_rng(args.seed)
    share = args.subset / len(full)
    small = full.groupby(args.target, group_keys=False).sample(frac=share, random_state=args.seed)
    tables = {f"adult, {len(full):,} rows": full, f"adult subset, {len(small):,} rows": small}
    rows, started = [], time.time()
    for table_name, table in tables.items():
        X, y = table.drop(columns=args.target), table[args.target]
        for name, params in SETTINGS.items():
            model = TabularCGAN(epochs=args.epochs, min_steps=1, random_state=args.seed, verbose=False, **params)
            t0 = time.perf_counter()
            model.fit(X, y)
            fit_s = time.perf_counter() - t0
            times = []
            for r in range(args.repeats):
                t0 = time.perf_counter()
                model.sample(args.n, random_state=int(rng.integers(2**31)) if r else args.seed)
                times.append(time.perf_counter() - t0)
            rows.append({"table": table_name, "setting": name, "fit_s": fit_s,
                         "best_rows_per_s": args.n / min(times), "median_rows_per_s": args.n / median(times),
                         "privacy_rejected": int(model.n_rejected_), "label_rejected": int(model.n_label_rejected_),
                         "privacy_filter_on": model._privacy_filter is not None,
                         "label_filter_on": model._label_filter is not None, "load": load_snapshot()["loadavg_1_5_15"]})
            print(f"{table_name:28s} {name:20s} best {rows[-1]['best_rows_per_s']:>9,.0f} rows/s")
    info = machine_info()
    command = ("OMP_NUM_THREADS=1 python benchmarks/bench_sampling_filters.py --data " + str(args.data)
               + f" --subset {args.subset} --epochs {args.epochs} --n {args.n} --repeats {args.repeats}")
    lines = [
        "# Sampling speed with and without the sampling filters",
        "",
        f"Command: `{command}`  ",
        f"Machine: {info['cpu_count']} cores, torch {info['torch']}, 1 torch thread; synthaug at commit "
        f"{info['synthaug_commit']} (uncommitted changes in the package: "
        f"{info['synthaug_uncommitted_changes'] or 'none'}); "
        f"{time.strftime('%Y-%m-%d %H:%M')}, {time.time() - started:.0f} s in all.",
        "",
        f"Method: see the script's docstring. {args.n:,} rows per sample call, {args.repeats} calls; "
        f"a {args.epochs}-epoch model (`min_steps=1`), so rejection rates are those of a briefly trained generator.",
        "",
        "| table | setting | privacy filter | label filter | rows/s best | rows/s median "
        "| rejected (privacy / label, last call) | 1-min load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(f"| {r['table']} | {r['setting']} | {'on' if r['privacy_filter_on'] else 'off'} | "
                     f"{'on' if r['label_filter_on'] else 'off'} | {r['best_rows_per_s']:,.0f} | "
                     f"{r['median_rows_per_s']:,.0f} | {r['privacy_rejected']:,} / {r['label_rejected']:,} "
                     f"| {r['load'][0]} |")
    write_results(args.out_dir, args.stem, {"command": command, "machine": info, "rows": rows}, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
