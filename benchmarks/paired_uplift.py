"""Paired comparison of two methods' uplift over raw ``scarce_protocol.py`` results.

Pools the seeds of every cell (dataset, n) over the given raw files (e.g. the reported seeds
0-2 and the screening seeds 10-12), then prints each method's average uplift over the cells
(the mean of per-cell means, as RESULTS.md's target line) and the paired difference
``method - against`` over all (cell, seed) pairs with its standard error and 95% t-interval.

    python benchmarks/paired_uplift.py benchmarks/results/scarce_protocol.json \\
        benchmarks/results/scarce_protocol_seeds10_12.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from synthaug.evaluate.stats import t_interval


def pooled_uplifts(paths: list[Path], methods: tuple[str, str]) -> dict[str, np.ndarray]:
    """``{cell: (seeds, 2) array}`` of the two methods' uplift estimates, seeds pooled over files."""
    pooled: dict[str, list] = {}
    for path in paths:
        for cell, seeds in json.loads(path.read_text())["cells"].items():
            pooled.setdefault(cell, []).extend(
                [seed["methods"][m]["uplift"][0] for m in methods] for seed in seeds)
    return {cell: np.asarray(rows, dtype=float) for cell, rows in pooled.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", nargs="+", type=Path, help="raw JSON files of scarce_protocol.py")
    parser.add_argument("--method", default="synthaug")
    parser.add_argument("--against", default="SMOTE")
    args = parser.parse_args()
    cells = pooled_uplifts(args.raw, (args.method, args.against))
    means = np.array([rows.mean(axis=0) for rows in cells.values()])  # (cells, 2)
    pairs = np.concatenate([rows[:, 0] - rows[:, 1] for rows in cells.values()])
    mean, low, high = t_interval(pairs)
    se = pairs.std(ddof=1) / np.sqrt(len(pairs))
    print(f"{len(cells)} cells, {len(pairs)} (cell, seed) pairs from {', '.join(map(str, args.raw))}")
    print(f"average uplift: {args.method} {means[:, 0].mean():+.4f}, {args.against} {means[:, 1].mean():+.4f}")
    print(f"paired difference {args.method} - {args.against}: {mean:+.4f} "
          f"(SE {se:.4f}; 95% t-interval {low:+.4f} to {high:+.4f})")


if __name__ == "__main__":
    main()
