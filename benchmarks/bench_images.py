"""Issue 4 "Must show" on scikit-learn's digits: does ImageCGAN help a classifier at 10 images/class?

For each split seed: a stratified 30% test split of digits (8x8, 16 gray levels scaled to
0..255), 10 training images per class drawn from the rest, ``synthaug fit`` through the real CLI
(timed), ``synthaug sample`` of ``--samples`` images per class, then
``synthaug.images.evaluate.evaluate_images`` with ``--seeds`` classifier seeds. Writes
``RESULTS.json`` and ``RESULTS.md`` (the HTML reports stay in ``--work``).

    python benchmarks/bench_images.py --splits 3 --seeds 3 --out benchmarks/results/images

``--split-offset K`` uses split seeds K..K+splits-1 instead (screening on splits other than the
final three); ``--only S`` runs split seed S alone and ``--merge`` summarises kept splits.

With ``--dp-epsilon E`` every split is fitted twice with the same ``--set`` (so the same steps):
non-private and with ``--dp-epsilon E``; the summary compares spent epsilon, fit time, synthetic-only
accuracy and CAS (``--out benchmarks/results/images_dp``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from synthaug.images.evaluate import CONDITIONS, evaluate_images
from synthaug.images.writer import write_images


def digits_split(seed: int, per_class: int) -> tuple[tuple, tuple]:
    """(train, test) uint8 (N, 8, 8, 1) arrays: stratified 30% test, ``per_class`` train images."""
    digits = load_digits()
    x = np.round(digits.images / 16.0 * 255.0).astype(np.uint8)[..., None]
    x_tr, x_te, y_tr, y_te = train_test_split(x, digits.target, test_size=0.3, stratify=digits.target,
                                              random_state=seed)
    rng = np.random.default_rng(seed)
    rows = np.concatenate([rng.choice(np.flatnonzero(y_tr == k), per_class, replace=False) for k in range(10)])
    return (x_tr[rows], y_tr[rows]), (x_te, y_te)


def run_cli(args: list[str]) -> float:
    """Run ``synthaug ARGS`` in a fresh process; wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "synthaug", *args], check=True)
    return time.perf_counter() - started


def interval(values: list[float]) -> dict:
    v = np.asarray(values, dtype=float)
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")
    return {"mean": float(v.mean()), "low": float(v.mean() - half), "high": float(v.mean() + half),
            "values": v.tolist()}


def one_split(seed: int, args, work: Path, dp_epsilon: float | None = None) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    (x_tr, y_tr), (x_te, y_te) = digits_split(seed, args.per_class)
    write_images(work / "train.npz", x_tr, y_tr)
    write_images(work / "test.npz", x_te, y_te)
    fit_args = ["fit", str(work / "train.npz"), "--target", "label", "-o", str(work / "model"), "--seed", str(seed),
                "--quiet", *sum((["--set", s] for s in args.set), [])]
    fit_args += [] if dp_epsilon is None else ["--dp-epsilon", str(dp_epsilon)]
    load_before = os.getloadavg()
    fit_seconds = run_cli(fit_args)
    load_after = os.getloadavg()
    per_class = ",".join(f"{k}={args.samples}" for k in range(10))
    run_cli(["sample", str(work / "model"), "-o", str(work / "synthetic.npz"), "--per-class", per_class,
             "--seed", str(seed), "--overwrite", "--quiet"])  # a rerun in the same --work replaces its own file
    report = evaluate_images(work / "train.npz", work / "test.npz", work / "synthetic.npz", seeds=args.seeds,
                             steps=args.steps, random_state=seed, out_dir=work / "report")
    meta = json.loads((work / "model" / "model.json").read_text())
    history = meta["training"]["history"]
    return {"seed": seed, "fit_seconds": fit_seconds, "load_1min_before_after": [load_before[0], load_after[0]],
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "diversity_during_training": [h["diversity"] for h in history if "diversity" in h],
            "privacy": meta.get("privacy"), "report": report}


def dp_split(seed: int, args, work: Path) -> dict:
    """The same split and steps fitted without and with DP."""
    return {"seed": seed, "non_private": one_split(seed, args, work / "non_private"),
            "private": one_split(seed, args, work / "private", args.dp_epsilon)}


def dp_summary(splits: list[dict]) -> dict:
    def pick(kind: str, get) -> list[float]:
        return [get(s[kind]) for s in splits]

    out = {"spent_epsilon": pick("private", lambda r: r["privacy"]["epsilon"]),
           "noise_multiplier": pick("private", lambda r: r["privacy"]["models"][0]["noise_multiplier"]),
           "sample_rate": pick("private", lambda r: r["privacy"]["models"][0]["sample_rate"]),
           "time_ratio": [p / n for p, n in zip(pick("private", lambda r: r["fit_seconds"]),
                                                pick("non_private", lambda r: r["fit_seconds"]), strict=True)]}
    for kind in ("non_private", "private"):
        out[kind] = {"fit_seconds": pick(kind, lambda r: r["fit_seconds"]),
                     "synthetic_only": interval(pick(kind, lambda r: r["report"]["accuracy"]["synthetic"]["mean"])),
                     "real_only": interval(pick(kind, lambda r: r["report"]["accuracy"]["real"]["mean"])),
                     "cas": interval(pick(kind, lambda r: r["report"]["quality"]["cas"]))}
    return out


def dp_markdown(result: dict) -> str:
    s, a = result["summary"], result["args"]
    pct = lambda v: f"{100 * v:.1f}%"  # noqa: E731
    per = lambda xs, f: ", ".join(f(x) for x in xs)  # noqa: E731
    lines = [f"# Images with differential privacy: digits at {a['per_class']} per class, epsilon {a['dp_epsilon']} "
             "vs non-private", "", f"Command: `{result['command']}`", "", f"Commit: {result['commit']}", "",
             f"Machine: {result['machine']}", "",
             "| | non-private | DP |", "| --- | --- | --- |",
             f"| spent epsilon (target {a['dp_epsilon']}) | - | {per(s['spent_epsilon'], lambda x: f'{x:.3f}')} |",
             f"| noise multiplier, sample rate | - | {per(s['noise_multiplier'], lambda x: f'{x:.3g}')}, "
             f"{per(s['sample_rate'], lambda x: f'{x:.3g}')} |",
             f"| `synthaug fit` seconds | {per(s['non_private']['fit_seconds'], lambda x: f'{x:.0f}')} | "
             f"{per(s['private']['fit_seconds'], lambda x: f'{x:.0f}')} |",
             f"| time ratio DP / non-private | - | {per(s['time_ratio'], lambda x: f'{x:.2f}x')} |"]
    for name, key in (("synthetic-only test accuracy", "synthetic_only"), ("CAS", "cas"),
                      ("real-only test accuracy (reference)", "real_only")):
        lines.append(f"| {name} | {pct(s['non_private'][key]['mean'])} "
                     f"({per(s['non_private'][key]['values'], pct)}) | {pct(s['private'][key]['mean'])} "
                     f"({per(s['private'][key]['values'], pct)}) |")
    return "\n".join(lines + [""])


def summarise(splits: list[dict]) -> dict:
    reports = [s["report"] for s in splits]
    split_means = {c: [r["accuracy"][c]["mean"] for r in reports] for c in CONDITIONS}
    accuracy = {c: interval(v) for c, v in split_means.items()}
    best_base = max(accuracy["real"]["mean"], accuracy["real+albumentations"]["mean"])
    best_syn = max(accuracy["real+synthetic"]["mean"], accuracy["real+synthetic+albumentations"]["mean"])
    q = [r["quality"] for r in reports]
    return {
        "accuracy_over_splits": accuracy,
        "uplift_points": 100 * (best_syn - best_base),
        "synthetic_minus_real_points": 100 * (accuracy["synthetic"]["mean"] - accuracy["real"]["mean"]),
        "cas": interval([x["cas"] for x in q]), "cas_min_class": min(x["cas_min"] for x in q),
        "diversity_ratio": interval([x["diversity_ratio"] for x in q]),
        "diversity_ratio_min_class": min(x["diversity_ratio_min"] for x in q),
        "frechet_synthetic_test": [x["frechet_synthetic_test"] for x in q],
        "frechet_train_test": [x["frechet_train_test"] for x in q],
        "fit_seconds": [s["fit_seconds"] for s in splits],
        "share_closer_than_test_p05": [r["privacy"]["share_closer_than_test_p05"] for r in reports],
        "exact_copies": [r["privacy"]["exact_copies"] for r in reports],
    }


def markdown(result: dict) -> str:
    s, a = result["summary"], result["summary"]["accuracy_over_splits"]
    pct = lambda v: f"{100 * v:.1f}%"  # noqa: E731
    lines = [f"# Images: digits at {result['args']['per_class']} per class", "",
             f"Command: `{result['command']}`", "", f"Machine: {result['machine']}", "",
             "| training set | mean test accuracy | 95% interval (over splits) | per split |",
             "| --- | --- | --- | --- |"]
    lines += [f"| {c} | {pct(v['mean'])} | {pct(v['low'])} – {pct(v['high'])} | "
              f"{', '.join(pct(x) for x in v['values'])} |" for c, v in a.items()]
    lines += ["", f"- Synthetic vs better classical baseline: **{s['uplift_points']:+.2f} points** (target >= +1)",
              f"- Synthetic only minus real only: **{s['synthetic_minus_real_points']:+.2f} points** (target >= 0)",
              f"- CAS: **{pct(s['cas']['mean'])}** (per split {', '.join(pct(x) for x in s['cas']['values'])}), "
              f"lowest class {pct(s['cas_min_class'])} (targets >= 95%, >= 90%)",
              f"- Diversity ratio (synthetic / real mean pairwise judge-feature distance within a class): "
              f"**{s['diversity_ratio']['mean']:.2f}** (per split "
              f"{', '.join(f'{x:.2f}' for x in s['diversity_ratio']['values'])}), lowest class "
              f"{s['diversity_ratio_min_class']:.2f} (target >= 0.9)",
              f"- Fréchet distance in judge features, synthetic vs test: "
              f"{', '.join(f'{x:.2f}' for x in s['frechet_synthetic_test'])} (real train vs test: "
              f"{', '.join(f'{x:.2f}' for x in s['frechet_train_test'])})",
              f"- `synthaug fit` wall time: {', '.join(f'{x:.0f}s' for x in s['fit_seconds'])} (target < 180 s)",
              f"- Synthetic images closer to a training image than 95% of test images: "
              f"{', '.join(pct(x) for x in s['share_closer_than_test_p05'])}; exact copies: {s['exact_copies']}",
              ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--split-offset", type=int, default=0,
                        help="first split seed (screen protocol choices on splits other than the final 0..2)")
    parser.add_argument("--seeds", type=int, default=3, help="classifier seeds per split")
    parser.add_argument("--per-class", type=int, default=10)
    parser.add_argument("--samples", type=int, default=200, help="synthetic images per class")
    parser.add_argument("--steps", type=int, default=500, help="classifier training steps")
    parser.add_argument("--set", action="append", default=[], help="ImageCGAN parameter KEY=VALUE")
    parser.add_argument("--work", type=Path, default=Path("/tmp/synthaug-bench-images"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/images"))
    parser.add_argument("--only", type=int, default=None,
                        help="run just this split seed and keep its result in --work (for parallel runs)")
    parser.add_argument("--merge", action="store_true", help="summarise split results kept in --work")
    parser.add_argument("--notes", type=Path, default=None, help="markdown appended to RESULTS.md")
    parser.add_argument("--dp-epsilon", type=float, default=None,
                        help="also fit each split with DP at this epsilon (same steps) and compare")
    args = parser.parse_args()
    run_split = one_split if args.dp_epsilon is None else dp_split
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
    if args.only is not None:
        split = run_split(args.only, args, args.work / f"split{args.only}")
        (args.work / f"split{args.only}.json").write_text(json.dumps(split, indent=1))
        return
    seeds = range(args.split_offset, args.split_offset + args.splits)
    if args.merge:
        splits = [json.loads((args.work / f"split{seed}.json").read_text()) for seed in seeds]
    else:
        splits = [run_split(seed, args, args.work / f"split{seed}") for seed in seeds]
    fits = splits if args.dp_epsilon is None else [s[k] for s in splits for k in ("non_private", "private")]
    result = {"command": os.environ.get("BENCH_COMMAND", "python " + " ".join(sys.argv)), "commit": commit,
              "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
              "machine": f"{os.cpu_count()} cores shared with other jobs; OMP_NUM_THREADS of each split's process "
                         f"{[s.get('omp_num_threads', 'not recorded') for s in fits]} (the fits run on one torch "
                         f"thread unless --set n_threads says otherwise); 1-min load before/after each fit "
                         f"{[[round(x, 1) for x in s['load_1min_before_after']] for s in fits]}",
              "summary": None, "splits": splits}
    result["summary"] = summarise(splits) if args.dp_epsilon is None else dp_summary(splits)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=1))
    notes = args.notes.read_text() if args.notes else ""
    text = markdown(result) if args.dp_epsilon is None else dp_markdown(result)
    grid = args.work / f"split{seeds[0]}" / "model" / "samples.png"
    if args.dp_epsilon is None and grid.is_file():  # the final sample grid of the first split, one row per class
        shutil.copyfile(grid, args.out.with_name(args.out.name + "_samples.png"))
        text += (f"\nSample grid of the split-{seeds[0]} model (one row per class, as `synthaug fit` writes it next "
                 f"to the model):\n\n![samples]({args.out.name}_samples.png)\n")
    args.out.with_suffix(".md").write_text(text + ("\n" + notes if notes else ""))
    print(text)


if __name__ == "__main__":
    main()
