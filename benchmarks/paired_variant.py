"""Paired comparison of variant runs of ``scarce_protocol.py`` with a run of the defaults.

For each variant raw file: the paired difference of ``--method``'s uplift (variant - defaults)
over all (cell, seed) pairs, with its standard error and the pairs where the variant was higher;
the mean paired difference per cell; the mean DCR share per cell and its highest; and the mean
fit CPU time relative to the defaults'. Both files must hold the same cells, seeds and training
rows (same ``--seed-offset``, ``--sizes``, ``--seeds``). One markdown table row per variant::

    python benchmarks/paired_variant.py benchmarks/results/scarce_protocol_seeds10_12.json \\
        benchmarks/results/scarce_protocol_round3_*.json
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np


def paired(base: dict, variant: dict, method: str, against: str | None = None) -> dict:
    """Per cell, the (seeds,) arrays of uplift difference, DCR share and fit-time ratio."""
    if base.get("seed_offset", 0) != variant.get("seed_offset", 0):
        raise SystemExit("the runs start at different seeds")
    out = {}
    for cell, seeds in variant["cells"].items():
        before = base["cells"].get(cell)
        if not isinstance(seeds, list):
            continue
        if not isinstance(before, list) or len(before) != len(seeds):
            raise SystemExit(f"the defaults' run has no matching seeds for {cell}")
        rows = []
        for new, old in zip(seeds, before, strict=True):
            if new["n_train"] != old["n_train"]:
                raise SystemExit(f"{cell}: {new['n_train']} training rows vs {old['n_train']}")
            v, b = new["methods"][method], old["methods"][against or method]
            fit = (v["fit_cpu_s"] / b["fit_cpu_s"]) if v.get("fit_cpu_s") and b.get("fit_cpu_s") else np.nan
            rows.append((v["uplift"][0] - b["uplift"][0], v["dcr_share"][0], fit, v["uplift"][0]))
        out[cell] = np.asarray(rows, dtype=float)  # (seeds, 4)
    return out


def row(name: str, cells: dict) -> str:
    """A markdown table row: paired diff (SE, higher), per-cell diff / DCR share, max DCR, fit ratio."""
    diffs = np.concatenate([c[:, 0] for c in cells.values()])
    se = diffs.std(ddof=1) / np.sqrt(len(diffs))
    avg = np.mean([c[:, 3].mean() for c in cells.values()])
    per_cell = " | ".join(f"{c[:, 0].mean():+.4f} / {c[:, 1].mean():.2f}" for c in cells.values())
    top = max(c[:, 1].mean() for c in cells.values())
    ratios = np.concatenate([c[:, 2] for c in cells.values()])
    fit = f"{np.nanmean(ratios):.2f}x" if np.isfinite(ratios).any() else "n/a"
    return (f"| {name} | {avg:+.4f} | **{diffs.mean():+.4f}** | {se:.4f} | {int((diffs > 0).sum())}/{len(diffs)} "
            f"| {per_cell} | {top:.2f} | {fit} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("defaults", type=Path, help="raw JSON of the defaults' run")
    parser.add_argument("variants", nargs="+", type=Path, help="raw JSONs of variant runs")
    parser.add_argument("--method", default="synthaug")
    parser.add_argument("--against", help="method of the defaults' file to pair with (default: --method)")
    args = parser.parse_args()
    base = json.loads(args.defaults.read_text())
    first = paired(base, json.loads(args.variants[0].read_text()), args.method, args.against)
    print("| variant | avg uplift | paired diff vs defaults | SE | higher | "
          + " | ".join(f"{c} diff / DCR" for c in first) + " | highest DCR | fit CPU vs defaults |")
    print("| --- " * (7 + len(first)) + "|")
    for path in args.variants:
        print(row(re.sub(r"^scarce_protocol_round\d+_", "", path.stem),
                  paired(base, json.loads(path.read_text()), args.method, args.against)))


if __name__ == "__main__":
    main()
