"""Wall time and peak resident memory of ``synthaug evaluate`` as the synthetic table grows.

Adult: a stratified 10,000-row test set, the other 22,561 rows train a ``TabularCGAN(epochs=1,
min_steps=50)`` (quality does not matter here), ``synthaug sample --n N`` writes each synthetic
table as Parquet, and ``synthaug evaluate --seeds 1`` runs under ``/usr/bin/time -v``.

    python benchmarks/evaluate_memory.py --adult ../shared/datasets/adult.csv --work /tmp/evmem \\
        --sizes 20000 100000 1000000 [--extra=--max-synthetic=100000]

Prints one markdown row per size: records, wall time, peak RSS, and the sampling note if any.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd


def make_inputs(adult: Path, work: Path, sizes: list[int]) -> None:
    """train.csv, test.csv, a model and syn<N>.parquet for every size, in ``work`` (kept if present)."""
    from sklearn.model_selection import train_test_split

    from synthaug import TabularCGAN

    work.mkdir(parents=True, exist_ok=True)
    if not (work / "model").exists():
        frame = pd.read_csv(adult)
        train, test = train_test_split(frame, test_size=10_000, stratify=frame["income"], random_state=0)
        train.to_csv(work / "train.csv", index=False)
        test.to_csv(work / "test.csv", index=False)
        model = TabularCGAN(epochs=1, min_steps=50, random_state=0)
        model.fit(train.drop(columns="income"), train["income"]).save(work / "model")
    for n in sizes:
        if not (work / f"syn{n}.parquet").exists():
            _run([sys.executable, "-m", "synthaug", "sample", str(work / "model"), "--n", str(n),
                  "-o", str(work / f"syn{n}.parquet"), "--seed", "0"])


def _run(command: list[str]) -> str:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stderr


def measure(work: Path, n: int, extra: list[str]) -> dict:
    """Time and peak RSS of one ``synthaug evaluate`` run on ``syn<n>.parquet``."""
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "synthaug", "evaluate", "--train", str(work / "train.csv"),
               "--test", str(work / "test.csv"), "--synthetic", str(work / f"syn{n}.parquet"), "--target", "income",
               "-o", str(work / f"report{n}"), "--seeds", "1", "-q", *extra]
    err = _run(command)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
    seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(wall.split(":"))))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    note = re.search(r"warning: (measured on a random [\d,]+ of [\d,]+ synthetic records)", err)
    return {"n": n, "seconds": seconds, "peak_gb": peak / 2**20, "note": note.group(1) if note else "all records"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adult", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000, 1_000_000])
    parser.add_argument("--extra", action="append", default=[], help="more evaluate options, e.g. --extra=--jobs=2")
    args = parser.parse_args()
    make_inputs(args.adult, args.work, args.sizes)
    print("| synthetic records | wall time | peak RSS | measured |\n|---:|---:|---:|---|")
    for n in args.sizes:
        row = measure(args.work, n, args.extra)
        print(f"| {n:,} | {row['seconds']:.0f} s | {row['peak_gb']:.2f} GB | {row['note']} |", flush=True)


if __name__ == "__main__":
    main()
