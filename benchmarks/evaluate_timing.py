"""Time ``synthaug evaluate`` on adult: full train (all rows but the test set), 10k test, 20k synthetic.

The synthetic table is a stand-in that needs no trained model: 20,000 training rows drawn with
replacement, numeric columns jittered by 10% of their standard deviation (rounded back to
integers) and 5% of categorical cells replaced by a random value of the same column. It is
derived from the training rows, so the privacy section should flag it.

    python benchmarks/evaluate_timing.py --adult ../shared/datasets/adult.csv --work /tmp/eval-timing
    python benchmarks/evaluate_timing.py --adult ... --work ... --jobs 2 --screenshot

Prints the command, its wall-clock time and the CPU time of the child process (user + system:
on an otherwise idle machine, wall time with ``--jobs 1`` is about this CPU time).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def make_tables(adult: Path, work: Path, seed: int = 0) -> dict[str, Path]:
    """Write train / test / synthetic CSVs into ``work`` and return their paths."""
    rng = np.random.default_rng(seed)
    frame = pd.read_csv(adult)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    test, train = frame.iloc[:10_000], frame.iloc[10_000:]
    synthetic = train.iloc[rng.integers(0, len(train), 20_000)].reset_index(drop=True)
    for column in synthetic.columns.drop("income"):
        values = synthetic[column]
        if pd.api.types.is_numeric_dtype(values):
            noise = rng.normal(0.0, 0.1 * values.std(), len(values))
            synthetic[column] = np.maximum(values + noise, 0).round().astype(values.dtype)
        else:
            swap = rng.random(len(values)) < 0.05
            synthetic.loc[swap, column] = rng.choice(values.unique(), swap.sum())
    work.mkdir(parents=True, exist_ok=True)
    paths = {name: work / f"{name}.csv" for name in ("train", "test", "synthetic")}
    for name, table in zip(paths, (train, test, synthetic), strict=True):
        table.to_csv(paths[name], index=False)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adult", type=Path, required=True, help="path to adult.csv")
    parser.add_argument("--work", type=Path, required=True, help="scratch directory")
    parser.add_argument("--jobs", type=int, default=None, help="passed to --jobs")
    parser.add_argument("--screenshot", action="store_true", help="render report.html with headless Chromium")
    args = parser.parse_args()
    paths = make_tables(args.adult, args.work)
    out = args.work / "report"
    command = [
        sys.executable,
        "-m",
        "synthaug",
        "evaluate",
        "--train",
        str(paths["train"]),
        "--test",
        str(paths["test"]),
        "--synthetic",
        str(paths["synthetic"]),
        "--target",
        "income",
        "-o",
        str(out),
        "--seed",
        "0",
    ]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    print("$", " ".join(command), flush=True)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"wall {wall:.1f} s, child CPU {usage.ru_utime + usage.ru_stime:.1f} s "
        f"(user {usage.ru_utime:.1f} s, system {usage.ru_stime:.1f} s), {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if args.screenshot:
        browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if browser is None:
            sys.exit("no Chromium found for --screenshot")
        shot = args.work / "report.png"
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                f"--screenshot={shot}",
                "--window-size=1300,9000",
                (out / "report.html").resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
        )
        print(f"screenshot {shot} ({shot.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
