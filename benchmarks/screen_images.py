"""Screen sampling and evaluation-protocol variants on fitted bench_images.py splits (no refitting).

For each ``--work`` split directory (``train.npz``, ``test.npz``, ``model/`` from
``bench_images.py --only S``) and each variant, draws ``--samples`` synthetic images per class
from the saved model and trains the evaluation CNN with ``--seeds`` classifier seeds (the first
three are the benchmark's) on real+albumentations (the baseline, once per split) and on the
variant's conditions. Variants are comma-separated ``key=value`` lists:

- ``truncation=T``: truncated-normal latents at |z| < T (ImageCGAN's ``truncation``)
- ``real_share=R``: the real images' share of each batch in mixed conditions (default 0.5)
- ``temperature=T``: latents drawn from N(0, T^2) (T > 1: more unusual samples)
- ``oracle=1``: instead of synthetic images, ``--samples`` real digits per class from the split's
  unused training images (never test images): what perfect synthetic images could give
- ``floor=F``: synthetic pixels below F (0..255) set to 0 (a probe of the generator's background noise)
- ``synthetic_albumentations=0``: albumentations on the real images only in real+synthetic+albumentations
- ``snapshots=2000+2500+3000``: the pool split evenly over generator snapshots of those steps, read
  from ``<work>/snapshots/pool_<step>.npz`` (written by ``screen_snapshots.py``)
- ``pool=M,select=S``: draw ``M`` times ``--samples`` per class, keep ``--samples`` per class chosen by
  ``S``: ``random``; ``kcenter`` (greedy farthest-point in pixel space); ``kcenter_judge`` (the same in
  the features of a CNN trained on the split's training images + albumentations); ``hard`` (the
  correctly judged images with the lowest margin of that CNN); ``easy`` (the highest margin)

    python benchmarks/screen_images.py --work /tmp/b/split3 /tmp/b/split4 --variant "" --variant truncation=2

Prints one markdown row per variant and writes ``--out`` (JSON) with every score.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import synthaug
from synthaug._random import child_seed
from synthaug.images.classifier import Source, predict, to_tensor, train_classifier
from synthaug.images.evaluate import condition_sources, load_sets

KEYS = {"truncation": float, "real_share": float, "synthetic_albumentations": int, "floor": int,
        "temperature": float, "oracle": int, "pool": int, "select": str,
        "snapshots": str}


def parse_variant(text: str) -> dict:
    """``"truncation=2,real_share=0.3"`` -> ``{"truncation": 2.0, "real_share": 0.3}``."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        if key not in KEYS:
            raise SystemExit(f"--variant: unknown key {key!r}; choose from {', '.join(KEYS)}")
        out[key] = KEYS[key](value)
    return out


def sources(condition: str, variant: dict, x_tr, y_tr, x_sy, y_sy) -> list[Source]:
    share = variant.get("real_share", 0.5)
    srcs = condition_sources(condition, x_tr, y_tr, x_sy, y_sy, share, x_tr.shape[1])
    if condition == "real+synthetic+albumentations" and not variant.get("synthetic_albumentations", 1):
        srcs = [srcs[0], Source(x_sy, y_sy, 1.0 - share, None)]
    return srcs


def unused_real(seed: int, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` real digits per class from split ``seed``'s training part, none of its 10/class."""
    digits = load_digits()
    x = np.round(digits.images / 16.0 * 255.0).astype(np.uint8)[..., None]
    x_tr, _, y_tr, _ = train_test_split(x, digits.target, test_size=0.3, stratify=digits.target, random_state=seed)
    rng = np.random.default_rng(seed)
    used = np.concatenate([rng.choice(np.flatnonzero(y_tr == k), 10, replace=False) for k in range(10)])
    rest = np.setdiff1d(np.arange(len(y_tr)), used)
    rows = np.concatenate([rest[y_tr[rest] == k][:per_class] for k in range(10)])
    return x_tr[rows], y_tr[rows]


@torch.no_grad()
def hot_samples(G, codes: np.ndarray, temperature: float, seed: int) -> np.ndarray:
    """uint8 images (N, S, S, C) of ``G`` for ``codes`` with latents N(0, temperature^2)."""
    z = torch.randn(len(codes), G.cfg.latent_dim, generator=torch.Generator().manual_seed(seed)) * temperature
    x = G(z, torch.from_numpy(codes))  # (N, C, S, S) in [-1, 1]
    return ((x + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy()


def farthest_point_subset(features: np.ndarray, codes: np.ndarray, per_class: int,
                          rng: np.random.Generator) -> np.ndarray:
    """Row indices of ``per_class`` rows of each class, chosen by greedy farthest-point search.

    Each class starts from one random row; every next pick is the row farthest from those
    already picked (Gonzalez's 2-approximation of k-center), so the subset covers the class's
    pool instead of piling up where the sampler is dense. Classes are searched together: the
    loop runs ``per_class`` times over whole (classes, pool) arrays. Every class needs the same
    number of rows (at least ``per_class``).
    """
    codes = np.asarray(codes)
    classes, counts = np.unique(codes, return_counts=True)
    if len(set(counts.tolist())) != 1 or counts[0] < per_class:
        raise ValueError(f"every class needs the same pool size >= per_class ({per_class}); got {counts.tolist()}")
    order = np.argsort(codes, kind="stable").reshape(len(classes), counts[0])  # (K, M)
    x = torch.as_tensor(np.asarray(features, dtype=np.float32).reshape(len(codes), -1)[order])  # (K, M, d)
    k_idx = torch.arange(len(classes))
    pick = torch.as_tensor(rng.integers(0, counts[0], len(classes)))  # (K,)
    nearest = torch.full(order.shape, float("inf"))  # (K, M) distance to the nearest pick
    picks = []
    for _ in range(per_class):
        picks.append(pick)
        nearest = torch.minimum(nearest, (x - x[k_idx, pick][:, None]).square().sum(-1))
        nearest[k_idx, pick] = -1.0  # never pick a row twice
        pick = nearest.argmax(1)
    chosen = torch.stack(picks, 1).numpy()  # (K, per_class)
    return np.take_along_axis(order, chosen, 1).ravel()


def snapshot_pool(folder: Path, steps: str, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` images per class, an equal share from each snapshot's pool (its first images)."""
    names = steps.split("+")
    share = per_class // len(names)
    xs, ys = [], []
    for name in names:
        data = np.load(folder / f"pool_{name}.npz")
        rows = np.concatenate([np.flatnonzero(data["y"] == k)[:share] for k in range(10)])
        xs.append(data["x"][rows])
        ys.append(data["y"][rows])
    return np.concatenate(xs), np.concatenate(ys)


def select_pool(x_sy, y_sy, how: str, per_class: int, x_tr, y_tr, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` images per class of the pool ``x_sy`` chosen by ``how`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    if how == "random":
        rows = np.concatenate([rng.choice(np.flatnonzero(y_sy == k), per_class, replace=False)
                               for k in np.unique(y_sy)])
    elif how == "kcenter":
        rows = farthest_point_subset(x_sy.astype(np.float32) / 255.0, y_sy, per_class, rng)
    else:
        judge = train_classifier(condition_sources("real+albumentations", x_tr, y_tr, x_tr, y_tr, 0.5,
                                                   x_tr.shape[1]), 10, 500, 64, child_seed(seed, 777))
        with torch.no_grad():
            feats, logits = judge(to_tensor(x_sy))
        if how == "kcenter_judge":
            rows = farthest_point_subset(feats.numpy(), y_sy, per_class, rng)
        elif how in ("hard", "easy"):
            p = logits.softmax(1).numpy()
            own = p[np.arange(len(y_sy)), y_sy]
            p[np.arange(len(y_sy)), y_sy] = -1.0
            margin = own - p.max(1)  # > 0: judged correctly
            key = np.where(margin > 0, margin, np.inf) if how == "hard" else -margin
            rows = np.concatenate([np.flatnonzero(y_sy == k)[np.argsort(key[y_sy == k], kind="stable")[:per_class]]
                                   for k in np.unique(y_sy)])
        else:
            raise SystemExit(f"--variant select: unknown {how!r}")
    return x_sy[rows], y_sy[rows]


def accuracy(srcs, x_te, y_te, seeds: list[int]) -> list[float]:
    return [float(np.mean(predict(train_classifier(srcs, 10, 500, 64, s), x_te)[1] == y_te)) for s in seeds]


def screen_split(work: Path, variants: list[str], args) -> dict:
    split_seed = int(json.loads((work.parent / f"{work.name}.json").read_text())["seed"])
    model = synthaug.load(work / "model")
    (x_tr, y_tr), (x_te, y_te), _, _ = load_sets(work / "train.npz", work / "test.npz", work / "train.npz")
    seeds = [child_seed(split_seed, s) for s in range(args.seeds)]
    base_srcs = condition_sources("real+albumentations", x_tr, y_tr, x_tr, y_tr, 0.5, x_tr.shape[1])
    out = {"split": split_seed, "real+albumentations": accuracy(base_srcs, x_te, y_te, seeds), "variants": {}}
    for text in variants:
        variant = parse_variant(text)
        model.truncation = variant.get("truncation")
        if "snapshots" in variant:
            x_sy, y_sy = snapshot_pool(work / "snapshots", variant["snapshots"], args.samples)
        elif variant.get("oracle"):
            x_sy, y_sy = unused_real(split_seed, args.samples)
        elif "temperature" in variant:
            y_sy = np.repeat(np.arange(len(model.classes_)), args.samples)
            x_sy = hot_samples(model.generator_, y_sy, variant["temperature"], split_seed)
        else:
            n = args.samples * variant.get("pool", 1)
            x_sy, labels = model.sample(per_class={c: n for c in model.classes_}, random_state=split_seed)
            y_sy = np.searchsorted(model.classes_, labels)
        x_sy = np.where(x_sy < variant.get("floor", 0), 0, x_sy).astype(np.uint8)
        if variant.get("pool", 1) > 1:
            x_sy, y_sy = select_pool(x_sy, y_sy, variant.get("select", "random"), args.samples, x_tr, y_tr, split_seed)
        scores = {c: accuracy(sources(c, variant, x_tr, y_tr, x_sy, y_sy), x_te, y_te, seeds)
                  for c in args.conditions}
        out["variants"][text] = scores
        print(work.name, repr(text), {c: round(100 * np.mean(v), 2) for c, v in scores.items()},
              "baseline", round(100 * np.mean(out["real+albumentations"]), 2), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, nargs="+", required=True, help="split directories of bench_images.py")
    parser.add_argument("--variant", action="append", default=[], help='e.g. "truncation=2,real_share=0.3"')
    parser.add_argument("--conditions", nargs="+", default=["real+synthetic+albumentations"])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    results = [screen_split(w, args.variant or [""], args) for w in args.work]
    print("\n| variant | " + " | ".join(args.conditions) + " | minus real+albumentations, per split |")
    print("| --- |" + " --- |" * (len(args.conditions) + 1))
    for text in args.variant or [""]:
        means = {c: np.mean([np.mean(r["variants"][text][c]) for r in results]) for c in args.conditions}
        key = "real+synthetic+albumentations" if "real+synthetic+albumentations" in args.conditions \
            else args.conditions[0]
        gaps = [100 * (np.mean(r["variants"][text][key]) - np.mean(r["real+albumentations"])) for r in results]
        print(f"| {text or 'defaults'} | " + " | ".join(f"{100 * m:.2f}%" for m in means.values()) +
              f" | {np.mean(gaps):+.2f} ({', '.join(f'{g:+.2f}' for g in gaps)}) |")
    if args.out is not None:
        args.out.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "splits": results},
                                       indent=1))


if __name__ == "__main__":
    main()
