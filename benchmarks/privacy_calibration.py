"""How often does ``synthaug.privacy`` say "leaks"? False alarms under the null, and power.

Each repetition draws train, holdout and "released" tables of ``n`` rows from one seeded
population (two numeric columns, one categorical, a three-class label) and runs
``assess_leakage(train, holdout, released)``. Scenarios for the released table:

* ``fresh``: new rows from the population (nothing leaks: every "leaks" is a false alarm);
* ``10% copies``: fresh rows with 10% replaced by training rows;
* ``noisy copies``: every training row with its numbers moved by 2% of their range;
* ``50% copies``: half fresh rows, half training rows.

    python benchmarks/privacy_calibration.py --n 150 1000 --reps 200

Prints one markdown table per ``n``: per measure, the mean value and the share of repetitions
whose verdict is "leaks"; the last row is the overall verdict.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from synthaug.privacy import assess_leakage


def population(n: int, rng: np.random.Generator) -> pd.DataFrame:
    label = rng.choice(["a", "b", "c"], n)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n) + (label == "a"),
            "z": rng.exponential(size=n) * (1 + (label == "b")),
            "kind": np.where(rng.random(n) < 0.5, label, rng.choice(list("abcd"), n)),
            "label": label,
        }
    )


def released(scenario: str, train: pd.DataFrame, fresh: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    if scenario == "fresh":
        return fresh
    if scenario == "noisy copies":
        noisy = train.copy()
        for c in ("x", "z"):
            noisy[c] += rng.normal(0.0, 0.02 * np.ptp(train[c]), len(train))
        return noisy
    share = 0.1 if scenario == "10% copies" else 0.5
    take = rng.random(len(fresh)) < share
    return pd.concat([fresh[~take], train[take]], ignore_index=True)


SCENARIOS = ("fresh", "10% copies", "noisy copies", "50% copies")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", nargs="+", type=int, default=[150, 1000], help="rows per table")
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    for n in args.n:
        start = time.time()
        table: dict[str, dict[str, list]] = {}
        for scenario in SCENARIOS:
            for rep in range(args.reps):
                rng = np.random.default_rng([n, rep])
                frame = population(3 * n, rng)
                train, holdout, fresh = frame.iloc[:n], frame.iloc[n : 2 * n], frame.iloc[2 * n :]
                result = assess_leakage(
                    train, holdout, released(scenario, train, fresh, rng), "label", random_state=rep, n_boot=400
                )
                for m in result.measures:
                    table.setdefault(m.name, {}).setdefault(scenario, []).append((m.value, m.verdict))
                table.setdefault("overall verdict", {}).setdefault(scenario, []).append((np.nan, result.verdict))
        print(f"\n#### n = {n} rows per table, {args.reps} repetitions ({time.time() - start:.0f} s)\n")
        print("| measure | " + " | ".join(SCENARIOS) + " |")
        print("| --- | " + " | ".join("---" for _ in SCENARIOS) + " |")
        for name, per in table.items():
            cells = []
            for scenario in SCENARIOS:
                values = np.array([v for v, _ in per[scenario]])
                leaks = np.mean([verdict == "leaks" for _, verdict in per[scenario]])
                mean = "" if np.isnan(values).all() else f"{np.nanmean(values):.3f}, "
                cells.append(f"{mean}leaks {leaks:.0%}")
            print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
