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
- ``samples=N``: ``N`` synthetic images per class for this variant (default ``--samples``)
- ``steps=N``, ``width=W``, ``batch=B``: the evaluation CNN's Adam steps (default 500), base width
  (16) and batch size (64). They apply to every condition of the variant, and the baselines (real,
  real+albumentations) are retrained with the same budget for each distinct setting

Every variant row also reports real and real+albumentations under its own classifier setting, the
uplift (best of the synthetic conditions minus best of the two baselines, as ``bench_images.py``
scores it) and the CNN's training time per condition (wall and thread CPU seconds).

    python benchmarks/screen_images.py --work /tmp/b/split3 /tmp/b/split4 --variant "" --variant truncation=2

Prints one markdown row per variant and writes ``--out`` (JSON) with every score.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import synthaug
from synthaug._random import child_seed
from synthaug.images.classifier import (
    Source,
    predict,
    to_tensor,
    train_classifier,
)
from synthaug.images.evaluate import condition_sources, load_sets

KEYS = {"truncation": float, "real_share": float, "synthetic_albumentations": int, "floor": int,
        "temperature": float, "oracle": int, "pool": int, "select": str,
        "snapshots": str, "samples": int, "steps": int, "width": int, "batch": int}
CLASSIFIER = {"steps": 500, "width": 16, "batch": 64}  # train_classifier's budget in evaluate_images
BASELINES = ("real", "real+albumentations")


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


def accuracy(srcs, x_te, y_te, seeds: list[int], clf: dict) -> tuple[list[float], list[list[float]]]:
    """Test accuracy per classifier seed, and [wall, thread CPU] seconds of each CNN's training."""
    scores, times = [], []
    for seed in seeds:
        wall, cpu = time.perf_counter(), time.thread_time()
        model = train_classifier(srcs, 10, clf["steps"], clf["batch"], seed, width=clf["width"])
        times.append([time.perf_counter() - wall, time.thread_time() - cpu])
        scores.append(float(np.mean(predict(model, x_te)[1] == y_te)))
    return scores, times


def uplift_points(scores: dict) -> float:
    """Best synthetic condition minus the better baseline, in points (bench_images.py's uplift)."""
    with_synthetic = [np.mean(v) for c, v in scores.items() if c.startswith("real+synthetic")]
    return 100.0 * (max(with_synthetic) - max(np.mean(scores[c]) for c in BASELINES if c in scores))


def synthetic_pool(work: Path, model, variant: dict, per_class: int, split_seed: int, x_tr, y_tr):
    """The variant's synthetic images (N, S, S, C) uint8 and class codes (N,)."""
    model.truncation = variant.get("truncation")
    if "snapshots" in variant:
        x_sy, y_sy = snapshot_pool(work / "snapshots", variant["snapshots"], per_class)
    elif variant.get("oracle"):
        x_sy, y_sy = unused_real(split_seed, per_class)
    elif "temperature" in variant:
        y_sy = np.repeat(np.arange(len(model.classes_)), per_class)
        x_sy = hot_samples(model.generator_, y_sy, variant["temperature"], split_seed)
    else:
        n = per_class * variant.get("pool", 1)
        x_sy, labels = model.sample(per_class={c: n for c in model.classes_}, random_state=split_seed)
        y_sy = np.searchsorted(model.classes_, labels)
    x_sy = np.where(x_sy < variant.get("floor", 0), 0, x_sy).astype(np.uint8)
    if variant.get("pool", 1) > 1:
        x_sy, y_sy = select_pool(x_sy, y_sy, variant.get("select", "random"), per_class, x_tr, y_tr, split_seed)
    return x_sy, y_sy


def screen_split(work: Path, variants: list[str], args, save) -> dict:
    split_seed = int(json.loads((work.parent / f"{work.name}.json").read_text())["seed"])
    model = synthaug.load(work / "model")
    (x_tr, y_tr), (x_te, y_te), _, _ = load_sets(work / "train.npz", work / "test.npz", work / "train.npz")
    seeds = [child_seed(split_seed, s) for s in range(args.seeds)]
    out = {"split": split_seed, "baselines": dict(args.reused.get(split_seed, {})), "variants": {}}
    for text in variants:
        variant = parse_variant(text)
        clf = {k: variant.get(k, v) for k, v in CLASSIFIER.items()}
        key = "steps={steps},width={width},batch={batch}".format(**clf)
        if key not in out["baselines"]:  # the baselines, once per classifier setting
            out["baselines"][key] = {c: accuracy(condition_sources(c, x_tr, y_tr, x_tr, y_tr, 0.5, x_tr.shape[1]),
                                                 x_te, y_te, seeds, clf) for c in args.baselines}
        x_sy, y_sy = synthetic_pool(work, model, variant, variant.get("samples", args.samples), split_seed,
                                    x_tr, y_tr)
        runs = {c: accuracy(sources(c, variant, x_tr, y_tr, x_sy, y_sy), x_te, y_te, seeds, clf)
                for c in args.conditions}
        runs.update({c: out["baselines"][key][c] for c in args.baselines})
        scores = {c: r[0] for c, r in runs.items()}
        out["variants"][text] = {"classifier": key, "scores": scores, "seconds": {c: r[1] for c, r in runs.items()},
                                 "uplift_points": uplift_points(scores) if any(
                                     c.startswith("real+synthetic") for c in scores) else None}
        print(work.name, repr(text), {c: round(100 * np.mean(v), 2) for c, v in scores.items()},
              "uplift", out["variants"][text]["uplift_points"], "load", os.getloadavg()[0], flush=True)
        save(out)
    return out


def reused_baselines(paths: list[Path], n_seeds: int) -> dict[int, dict]:
    """{split seed: {classifier setting: baseline runs}} from earlier ``--out`` files."""
    out: dict[int, dict] = {}
    for path in paths:
        for split in json.loads(path.read_text())["splits"]:
            for key, runs in split["baselines"].items():
                if any(len(scores) != n_seeds for scores, _ in runs.values()):
                    raise SystemExit(f"--baselines-from {path}: {key} has other than --seeds {n_seeds} seeds")
                out.setdefault(split["split"], {})[key] = runs
    return out


def summary(results: list[dict], variants: list[str]) -> str:
    """Markdown: mean accuracy per condition, the uplift (mean and per split), CNN seconds per training.

    A condition some split lacks for a variant reads "-".
    """
    present = {c for r in results for v in r["variants"].values() for c in v["scores"]}
    names = [c for c in (*BASELINES, "real+synthetic", "real+synthetic+albumentations", "synthetic") if c in present]
    timed = [c for c in BASELINES if c in present]
    lines = ["| variant | " + " | ".join(names) + " | uplift, per split | " +
             " | ".join(f"CNN CPU s (wall s), {c}" for c in timed) + " |",
             "| --- |" + " --- |" * (len(names) + 1 + len(timed))]
    for text in variants:
        rows = [r["variants"][text] for r in results]
        means = [f"{100 * np.mean([np.mean(v['scores'][c]) for v in rows]):.2f}%"
                 if all(c in v["scores"] for v in rows) else "-" for c in names]
        gaps = [v["uplift_points"] for v in rows]
        gap = "-" if None in gaps else f"**{np.mean(gaps):+.2f}** ({', '.join(f'{g:+.2f}' for g in gaps)})"
        secs = [np.array([t for v in rows for t in v["seconds"].get(c, [])]).reshape(-1, 2)  # (trainings, 2)
                for c in timed]
        cost = [f"{t[:, 1].mean():.1f} ({t[:, 0].mean():.1f})" if len(t) else "-" for t in secs]
        lines.append(f"| {text or 'defaults'} | " + " | ".join(means) + f" | {gap} | " + " | ".join(cost) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, nargs="+", default=[], help="split directories of bench_images.py")
    parser.add_argument("--variant", action="append", default=[], help='e.g. "truncation=2,real_share=0.3"')
    parser.add_argument("--conditions", nargs="*", default=["real+synthetic+albumentations"])
    parser.add_argument("--baselines", nargs="+", choices=BASELINES, default=list(BASELINES),
                        help="baseline conditions trained once per split and classifier setting")
    parser.add_argument("--merge", type=Path, nargs="+", default=[],
                        help="print the summary table of earlier --out files instead of screening")
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--baselines-from", type=Path, nargs="*", default=[],
                        help="--out files of earlier runs (same splits, --seeds and code): reuse their "
                             "baseline scores instead of retraining them (training is deterministic)")
    args = parser.parse_args()
    if args.merge:
        merged: dict[int, dict] = {}  # split seed -> its variants from every file
        for path in args.merge:
            for split in json.loads(path.read_text())["splits"]:
                merged.setdefault(split["split"], {"split": split["split"], "variants": {}})["variants"].update(
                    split["variants"])
        results = list(merged.values())
        variants = list(dict.fromkeys(v for r in results for v in r["variants"]))
        print(summary(results, [v for v in variants if all(v in r["variants"] for r in results)]))
        return
    args.reused = reused_baselines(args.baselines_from, args.seeds)
    results: list[dict] = []

    def save(split: dict) -> None:  # after every variant, so a stopped run keeps what it finished
        if not results or results[-1] is not split:
            results.append(split)
        if args.out is not None:
            args.out.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()},
                                            "torch_threads": torch.get_num_threads(),
                                            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
                                            "splits": results}, indent=1))

    for work in args.work:
        screen_split(work, args.variant or [""], args, save)
    print("\n" + summary(results, args.variant or [""]))


if __name__ == "__main__":
    main()
