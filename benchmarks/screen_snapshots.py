"""Screen a snapshot ensemble: refit a bench_images.py split keeping EMA generator snapshots.

Fits ImageCGAN on ``<work>/train.npz`` with the split's seed and the defaults (the final model
is byte-identical to the benchmark's; the script checks it against ``<work>/model``), keeps a
copy of the sampling generator at every ``--every`` steps (the training check's hook), gives
each earlier snapshot standing batch-norm statistics, and writes ``--samples`` images per class
of each to ``<work>/snapshots/pool_<step>.npz``; ``screen_images.py --variant
snapshots=2000+2500+3000`` then trains the classifier on pools mixed from them.

    python benchmarks/screen_snapshots.py --work /tmp/b/split3 --every 250
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np
import torch

import synthaug
from synthaug.images.monitor import Monitor
from synthaug.images.synthesizer import generate_images
from synthaug.images.training import standing_statistics


def fit_with_snapshots(work: Path, seed: int, every: int) -> tuple[synthaug.ImageCGAN, dict]:
    """The default fit of ``work``'s training images, and {step: copy of the sampling generator}."""
    snapshots = {}
    check = Monitor.__call__

    def keep(monitor, step, G):
        snapshots[step] = copy.deepcopy(G)
        return check(monitor, step, G)

    Monitor.__call__ = keep  # the check does not touch the training RNG
    try:
        data = np.load(work / "train.npz")
        model = synthaug.ImageCGAN(random_state=seed, grid_every=every).fit(data["x"], data["y"])
    finally:
        Monitor.__call__ = check
    return model, snapshots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="a split directory of bench_images.py")
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    seed = int(json.loads((args.work.parent / f"{args.work.name}.json").read_text())["seed"])
    started = time.perf_counter()
    model, snapshots = fit_with_snapshots(args.work, seed, args.every)
    saved = synthaug.load(args.work / "model").generator_.state_dict()
    same = all(torch.equal(v, saved[k]) for k, v in model.generator_.state_dict().items())
    print(f"fit {time.perf_counter() - started:.0f} s; snapshots {sorted(snapshots)}; same weights as "
          f"the saved model: {same}")
    out = args.work / "snapshots"
    out.mkdir(exist_ok=True)
    codes = np.repeat(np.arange(len(model.classes_)), args.samples)
    for step, G in snapshots.items():
        if step < model.steps:  # the final one already has them
            standing_statistics(G, len(model.classes_), model.batch_size, torch.Generator().manual_seed(step))
        x = generate_images(G.eval(), codes, torch.Generator().manual_seed(seed * 100000 + step))
        np.savez(out / f"pool_{step}.npz", x=x, y=codes)


if __name__ == "__main__":
    main()
