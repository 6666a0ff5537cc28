"""Where the uplift is missing: per-class test errors and nearest-image distances of three pools.

For each ``--work`` split of bench_images.py (``train.npz``, ``test.npz``, ``synthetic.npz``):
test errors of the evaluation CNN (``--seeds`` classifier seeds) trained on real+albumentations,
real+synthetic+albumentations and real+oracle+albumentations (the split's unused real training
digits in place of the synthetic ones), summed over splits; and for every test digit the pixel
distance to its nearest same-class image among the training, synthetic and unused real images.

    python benchmarks/diagnose_images.py --work /tmp/b/split3 /tmp/b/split4 /tmp/b/split5
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from screen_images import sources, unused_real

from synthaug._random import child_seed
from synthaug.images.classifier import predict, train_classifier
from synthaug.images.evaluate import condition_sources, load_sets
from synthaug.images.metrics import nearest_distances

SETS = ("real+albumentations", "real+synthetic+albumentations", "real+oracle+albumentations")


def split_errors(x_tr, y_tr, x_te, y_te, pools: dict, seeds: list[int]) -> dict[str, np.ndarray]:
    """{training set: confusion counts (10, 10) of the wrong test predictions, summed over seeds}."""
    out = {}
    for name in SETS:
        if name == SETS[0]:
            srcs = condition_sources(name, x_tr, y_tr, x_tr, y_tr, 0.5, x_tr.shape[1])
        else:
            srcs = sources("real+synthetic+albumentations", {}, x_tr, y_tr, *pools[name])
        counts = np.zeros((10, 10), int)
        for seed in seeds:
            pred = predict(train_classifier(srcs, 10, 500, 64, seed), x_te)[1]
            wrong = pred != y_te
            np.add.at(counts, (y_te[wrong], pred[wrong]), 1)
        out[name] = counts
    return out


def nearest_same_class(x_te, y_te, references: list[tuple]) -> np.ndarray:
    """(N_test, len(references)) pixel distances (0..1 scale) to the nearest same-class reference."""
    cols = []
    for x_ref, y_ref in references:
        d = np.empty(len(y_te))
        for k in range(10):
            d[y_te == k] = nearest_distances(x_te[y_te == k] / 255.0, x_ref[y_ref == k] / 255.0)[0]
        cols.append(d)
    return np.stack(cols, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, nargs="+", required=True)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    errors = {name: np.zeros((10, 10), int) for name in SETS}
    distances, labels = [], []
    for work in args.work:
        seed = int(json.loads((work.parent / f"{work.name}.json").read_text())["seed"])
        (x_tr, y_tr), (x_te, y_te), synthetic, _ = load_sets(work / "train.npz", work / "test.npz",
                                                             work / "synthetic.npz")
        pools = {SETS[1]: synthetic, SETS[2]: unused_real(seed, 200)}
        for name, counts in split_errors(x_tr, y_tr, x_te, y_te, pools,
                                         [child_seed(seed, s) for s in range(args.seeds)]).items():
            errors[name] += counts
        distances.append(nearest_same_class(x_te, y_te, [(x_tr, y_tr), *pools.values()]))
        labels.append(y_te)
    for name, counts in errors.items():
        top = np.argsort(-counts.ravel(), kind="stable")[:5]
        print(f"{name}: errors per true class {counts.sum(1).tolist()}, total {counts.sum()}, top "
              + ", ".join(f"{i // 10}->{i % 10} {counts.ravel()[i]}" for i in top))
    d, y = np.concatenate(distances), np.concatenate(labels)
    print("median nearest same-class distance (train, synthetic, unused real):",
          np.round(np.median(d, 0), 2).tolist(), "share of the distance closed:",
          np.round(np.median(1 - d[:, 1:] / d[:, :1], 0), 2).tolist())
    print("share of test digits with a synthetic image nearer than any training image, per class:",
          [round(float(np.mean(d[y == k, 1] < d[y == k, 0])), 2) for k in range(10)])


if __name__ == "__main__":
    main()
