"""Differential privacy on adult: utility, spent budget, leakage and training time (issue 6).

Usage::

    python benchmarks/bench_dp.py --data /work/shared/datasets/adult.csv
    python benchmarks/bench_dp.py --data /work/shared/datasets/adult.csv --epsilons 1 \
        --schema benchmarks/adult_public_schema.json --name dp_public_schema

Method
------
* Split (stratified on the target, one seed): ``--holdout-share`` of the rows are the holdout
  (real non-members: the privacy reference), ``--test-share`` the test set that scores the
  classifiers, the rest the training rows. The holdout and the test set are disjoint.
* Three fits on the same training rows with the same ``epochs`` (``min_steps=1`` so the step
  count is ``epochs * ceil(n_train / 500)`` for all three): non-private, then one per
  ``--epsilons`` value (DP-SGD through Opacus; delta is synthaug's default, min(1e-5, 1/(10 n))).
* Each model samples as many rows as the training table; ``synthaug.evaluate.evaluate`` with
  ``baselines=()`` and ``n_seeds=1`` (its default classifiers: logistic regression, random
  forest, histogram gradient boosting) gives the synthetic-only macro-F1 on the real test set
  (mean over the three classifiers), DCR share and the two membership attacks against the
  holdout, each with the evaluator's 95% interval.
* ``--schema FILE`` adds, for every setting, a second fit with ``public_schema`` (the file's
  content): kinds, categories, bounds and point masses from the file and min-max knots, instead
  of quantile knots and bounds from the data. Its rows are compared with the data-schema row of
  the same setting (the quality cost of a public schema) and with the public-schema non-private row.
* Membership AUC is the larger of ``mia_distance`` and ``mia_density`` (value and interval of
  that one). Time: ``fit_seconds_`` (training loop, wall) and the process CPU time of the whole
  ``fit`` call; the 1-min load average is recorded before and after each fit. A tiny untimed
  warm-up fit (non-private and DP) runs first.
* DP figures vary from run to run: a DP fit draws its noise (Laplace counts, DP-SGD noise, Poisson
  batches) from a secret OS-entropy seed, not from ``--seed``, so a rerun does not reproduce the DP
  rows of ``benchmarks/results/`` exactly (results written before that change came from seeded noise);
  ``--seed`` still fixes the split, the non-private fits and the sampling.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import train_test_split

import synthaug
import synthaug.tabular.public_schema
from synthaug.evaluate import evaluate

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGETS = {"membership_auc": 0.55, "dcr_share": 0.52, "f1_ratio": 0.85, "time_ratio": 3.0}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; every path is an argument."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, required=True, help="adult.csv")
    p.add_argument("--target", default="income")
    p.add_argument("--epochs", type=int, default=30, help="same for every fit (default: %(default)s)")
    p.add_argument("--epsilons", type=float, nargs="+", default=[8.0, 1.0])
    p.add_argument("--holdout-share", type=float, default=0.2)
    p.add_argument("--test-share", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default: %(default)s)")
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    p.add_argument("--name", default="dp", help="result files are NAME.md and NAME.json")
    p.add_argument("--schema", type=Path, default=None,
                   help="public-schema JSON: every setting also runs with it (rows marked 'public schema')")
    return p.parse_args(argv)


# ---------------------------------------------------------------- machine and provenance
def git_state(directory: Path) -> dict[str, Any]:
    """Short commit of the repository holding ``directory`` and its uncommitted files."""
    def run(*cmd: str) -> str | None:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=directory).stdout
        except (OSError, subprocess.CalledProcessError):
            return None

    commit = run("git", "rev-parse", "--short", "HEAD")
    status = run("git", "status", "--porcelain", "--", ".")
    return {"commit": commit.strip() if commit else None,
            "uncommitted": [line[3:] for line in status.splitlines()] if status else []}


def machine_info() -> dict[str, Any]:
    """Cores, threads, versions and the synthaug code that runs."""
    package = Path(synthaug.__file__).resolve().parent
    return {"cpu_count": os.cpu_count(), "device": "cpu", "platform": platform.platform(),
            "python": platform.python_version(), "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(), "pandas": pd.__version__,
            "synthaug": synthaug.__version__, "synthaug_path": str(package), **_prefixed(git_state(package))}


def _prefixed(state: dict[str, Any]) -> dict[str, Any]:
    return {f"synthaug_{k}": v for k, v in state.items()}


def load_average() -> float:
    """The 1-minute load average (as ``uptime`` prints it)."""
    return round(os.getloadavg()[0], 2)


def command_line() -> str:
    """The command that is running, with PYTHONPATH when it is set."""
    prefix = f"PYTHONPATH={os.environ['PYTHONPATH']} " if os.environ.get("PYTHONPATH") else ""
    return prefix + shlex.join(["python", *sys.argv])


# ---------------------------------------------------------------- data
def split(frame: pd.DataFrame, target: str, holdout_share: float, test_share: float,
          seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stratified train / test / holdout split (holdout and test disjoint)."""
    rest, holdout = train_test_split(frame, test_size=holdout_share, stratify=frame[target], random_state=seed)
    train, test = train_test_split(rest, test_size=test_share / (1 - holdout_share), stratify=rest[target],
                                   random_state=seed + 1)
    return (train.reset_index(drop=True), test.reset_index(drop=True), holdout.reset_index(drop=True))


# ---------------------------------------------------------------- one setting
def fit_model(train: pd.DataFrame, target: str, epochs: int, epsilon: float | None,
              seed: int, public_schema: dict | None = None) -> tuple[synthaug.TabularCGAN, dict[str, float]]:
    """Fit one model; returns it with wall/CPU seconds and the load around the fit."""
    load_before = load_average()
    wall, cpu = time.perf_counter(), time.process_time()
    model = synthaug.TabularCGAN(random_state=seed, epochs=epochs, min_steps=1, dp_epsilon=epsilon,
                                 public_schema=public_schema, verbose=False).fit(train, y=target)
    timing = {"fit_call_wall_s": time.perf_counter() - wall, "fit_call_cpu_s": time.process_time() - cpu,
              "train_loop_wall_s": float(model.fit_seconds_), "load_before": load_before,
              "load_after": load_average()}
    return model, timing


def measure(model: synthaug.TabularCGAN, train: pd.DataFrame, test: pd.DataFrame, holdout: pd.DataFrame,
            target: str, seed: int) -> dict[str, Any]:
    """Sample as many rows as train and run the evaluator (no baselines, one seed)."""
    synthetic = model.sample_frame(n=len(train), random_state=seed)
    started = time.perf_counter()
    result = evaluate(train, test, synthetic, target, holdout, baselines=(), n_seeds=1, random_state=seed)
    scores = result.utility.scores
    f1 = {name: float(np.mean(scores["synthetic"][name]["macro_f1"])) for name in scores["synthetic"]}
    real_f1 = {name: float(np.mean(scores["real"][name]["macro_f1"])) for name in scores["real"]}
    leak = next(r for r in result.privacy if r.source == "synthetic")
    measures = {m.name: {"value": m.value, "low": m.low, "high": m.high, "verdict": m.verdict}
                for m in leak.measures}
    mia = max(("mia_distance", "mia_density"), key=lambda k: measures[k]["value"])
    return {"synthetic_macro_f1": float(np.mean(list(f1.values()))), "synthetic_macro_f1_by_classifier": f1,
            "real_macro_f1": float(np.mean(list(real_f1.values()))), "real_macro_f1_by_classifier": real_f1,
            "membership_auc": {**measures[mia], "measure": mia}, "dcr_share": measures["dcr_share"],
            "privacy_measures": measures, "privacy_verdict": leak.verdict,
            "evaluate_wall_s": time.perf_counter() - started, "sizes": result.sizes, "notes": result.notes}


def privacy_summary(model: synthaug.TabularCGAN) -> dict[str, Any] | None:
    """Spent epsilon, delta and noise multiplier(s) from the model's accountant record."""
    record = model.privacy_
    if record is None:
        return None
    return {"epsilon": record["epsilon"], "delta": record["delta"], "sgd_epsilon": record["sgd_epsilon"],
            "count_epsilon": record["count_epsilon"], "target_epsilon": record["target_epsilon"],
            "noise_multiplier": [m.get("noise_multiplier") for m in record["models"]],
            "models": record["models"], "scope": record["scope"]}


def warm_up(train: pd.DataFrame, target: str, seed: int) -> None:
    """One tiny non-private and one tiny DP fit, so imports (opacus) and first-call costs of
    torch stay out of the timed fits."""
    small = train.sample(n=min(len(train), 1000), random_state=seed)
    for epsilon in (None, 1.0):
        synthaug.TabularCGAN(random_state=seed, epochs=1, min_steps=1, dp_epsilon=epsilon).fit(small, y=target)


def run_setting(label: str, epsilon: float | None, data: tuple[pd.DataFrame, ...], args: argparse.Namespace,
                public_schema: dict | None = None) -> dict[str, Any]:
    """Fit, measure and summarise one privacy setting."""
    train, test, holdout = data
    model, timing = fit_model(train, args.target, args.epochs, epsilon, args.seed, public_schema)
    row = {"label": label, "dp_epsilon": epsilon, "epochs": args.epochs, "public_schema": public_schema is not None,
           "steps": model._n_steps(len(train)), "timing": timing, "privacy": privacy_summary(model),
           "provenance": model.provenance_}
    row.update(measure(model, train, test, holdout, args.target, args.seed))
    print(f"{label}: fit {timing['train_loop_wall_s']:.1f} s wall ({timing['fit_call_cpu_s']:.1f} s CPU), "
          f"F1 {row['synthetic_macro_f1']:.3f}, MIA {row['membership_auc']['value']:.3f}, "
          f"DCR {row['dcr_share']['value']:.3f}, eps {row['privacy'] and row['privacy']['epsilon']}", flush=True)
    return row


# ---------------------------------------------------------------- verdicts and reports
def verdicts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare every DP row with the non-private one of the same schema; the issue's targets apply at
    epsilon = 1."""
    out = {}
    for row in rows:
        if row["dp_epsilon"] is None:
            continue
        base = next(r for r in rows if r["dp_epsilon"] is None and r.get("public_schema") == row.get("public_schema"))
        wall = row["timing"]["train_loop_wall_s"] / base["timing"]["train_loop_wall_s"]
        cpu = row["timing"]["fit_call_cpu_s"] / base["timing"]["fit_call_cpu_s"]
        f1_ratio = row["synthetic_macro_f1"] / base["synthetic_macro_f1"]
        out[row["label"]] = {
            "f1_ratio": f1_ratio, "time_ratio_wall": wall, "time_ratio_cpu": cpu,
            "membership_auc_met": row["membership_auc"]["value"] <= TARGETS["membership_auc"],
            "membership_auc_upper_met": row["membership_auc"]["high"] <= TARGETS["membership_auc"],
            "dcr_share_met": row["dcr_share"]["value"] <= TARGETS["dcr_share"],
            "dcr_share_upper_met": row["dcr_share"]["high"] <= TARGETS["dcr_share"],
            "f1_ratio_met": f1_ratio >= TARGETS["f1_ratio"],
            "time_ratio_met": wall <= TARGETS["time_ratio"] and cpu <= TARGETS["time_ratio"],
            "spent_within_target": row["privacy"]["epsilon"] <= row["dp_epsilon"] + 1e-9,
        }
    return out


def _ci(m: dict[str, float]) -> str:
    return f"{m['value']:.3f} [{m['low']:.3f}, {m['high']:.3f}]"


def _yes(flag: bool) -> str:
    return "**met**" if flag else "**NOT met**"


def markdown(report: dict[str, Any]) -> str:
    """The human-readable result file."""
    info, rows, checks = report["machine"], report["rows"], report["verdicts"]
    uncommitted = ", ".join(info["synthaug_uncommitted"]) or "none"
    lines = [
        "# Differential privacy on adult: utility, budget, leakage, time (issue 6, must-show 1 and 3)", "",
        f"Command: `{report['command']}`  ",
        f"Machine: {info['cpu_count']} cores, CPU only, torch {info['torch']} with {info['torch_threads']} "
        f"intra-op thread(s); pandas {info['pandas']}; synthaug {info['synthaug']} at commit "
        f"{info['synthaug_commit']} (uncommitted changes in the package: {uncommitted}), imported from "
        f"`{info['synthaug_path']}`.  ",
        f"Load (1-min average, shared machine): {report['load_start']} at start, {report['load_end']} at end; "
        f"per fit below. Started {report['started']}, took {report['minutes']:.1f} min.", "",
        f"Data: `{report['data']}`, {report['n_rows']:,} rows, target `{report['target']}`. Stratified split "
        f"(seed {report['seed']}): train {report['sizes']['train']:,}, test {report['sizes']['test']:,} "
        f"(scores the classifiers), holdout {report['sizes']['holdout']:,} (real non-members for the privacy "
        f"measures; disjoint from test).  ",
        f"Every fit: `TabularCGAN(epochs={report['epochs']}, min_steps=1, random_state={report['seed']})`, "
        f"{rows[0]['steps']} generator steps at batch 500; DP fits add `dp_epsilon` (delta = synthaug's "
        "default). Synthetic table: as many rows as train. Evaluator: `evaluate(train, test, synthetic, "
        "'income', holdout, baselines=(), n_seeds=1)`, default classifiers (LR, RF, HGB).", "",
        "| setting | spent epsilon (delta) | noise mult. | synthetic-only macro-F1 (LR / RF / HGB) | "
        "F1 vs non-private | membership AUC [95% CI] | DCR share [95% CI] | train loop s (wall) | fit CPU s | "
        "DP/non-DP time (wall, CPU) | load before/after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        p, t, c = row["privacy"], row["timing"], checks.get(row["label"])
        by = row["synthetic_macro_f1_by_classifier"]
        per = " / ".join(f"{by[k]:.3f}" for k in by)
        spent = "none (non-private)" if p is None else f"{p['epsilon']:.3f} ({p['delta']:.2e})"
        noise = "-" if p is None else ", ".join(f"{x:.3f}" for x in p["noise_multiplier"])
        ratio = "1.00" if c is None else f"{c['f1_ratio']:.3f}"
        times = "-" if c is None else f"{c['time_ratio_wall']:.2f}x, {c['time_ratio_cpu']:.2f}x"
        lines.append(
            f"| {row['label']} | {spent} | {noise} | {row['synthetic_macro_f1']:.3f} ({per}) | {ratio} | "
            f"{_ci(row['membership_auc'])} ({row['membership_auc']['measure']}) | {_ci(row['dcr_share'])} | "
            f"{t['train_loop_wall_s']:.1f} | {t['fit_call_cpu_s']:.1f} | {times} | "
            f"{t['load_before']} / {t['load_after']} |")
    real = rows[0]["real_macro_f1"]
    lines += ["", f"Real-only macro-F1 on the same test set (mean of LR/RF/HGB): {real:.3f}.", "",
              "All privacy measures of the synthetic records (value [95% CI], evaluator verdict):", "",
              "| measure | " + " | ".join(r["label"] for r in rows) + " |",
              "| --- |" + " --- |" * len(rows)]
    for name in rows[0]["privacy_measures"]:
        cells = [f"{_ci(r['privacy_measures'][name])} {r['privacy_measures'][name]['verdict']}" for r in rows]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Targets (issue 6)", ""]
    for label, c in checks.items():
        row = next(r for r in rows if r["label"] == label)
        lines.append(
            f"* {label}: membership AUC {row['membership_auc']['value']:.3f} <= 0.55 "
            f"{_yes(c['membership_auc_met'])} (upper bound {row['membership_auc']['high']:.3f}: "
            f"{'within' if c['membership_auc_upper_met'] else 'above'}); DCR share {row['dcr_share']['value']:.3f} "
            f"<= 0.52 {_yes(c['dcr_share_met'])} (upper bound {row['dcr_share']['high']:.3f}: "
            f"{'within' if c['dcr_share_upper_met'] else 'above'}); F1 ratio {c['f1_ratio']:.3f} >= 0.85 "
            f"{_yes(c['f1_ratio_met'])}; DP time {c['time_ratio_wall']:.2f}x wall, {c['time_ratio_cpu']:.2f}x CPU "
            f"<= 3x {_yes(c['time_ratio_met'])}; spent epsilon within the target "
            f"{_yes(c['spent_within_target'])}.")
    lines += schema_section(rows)
    lines += ["", "The privacy and F1 targets are stated for epsilon = 1; epsilon = 8 is shown for context. "
              "Intervals cover test-set / real-row resampling of one fit, not the spread between training "
              "seeds (one fit per setting). Non-private fits use PacGAN packs of 10, DP fits packs of 1 "
              "(Poisson batches; synthaug's own choice), at the same number of steps.", "",
              "What the guarantee covers (from the model file): "
              + json.dumps(next(r for r in rows if r["privacy"] and not r.get("public_schema"))["privacy"]["scope"]),
              ""]
    return "\n".join(lines)


def schema_section(rows: list[dict[str, Any]]) -> list[str]:
    """The cost of a public schema: each public-schema row against the data-schema row of its setting."""
    public = [r for r in rows if r.get("public_schema")]
    if not public:
        return []
    lines = ["", "## Public schema vs schema from the data", "",
             "| setting | macro-F1, schema from data | macro-F1, public schema | difference | ratio |",
             "| --- | --- | --- | --- | --- |"]
    for row in public:
        base = next(r for r in rows if not r.get("public_schema") and r["dp_epsilon"] == row["dp_epsilon"])
        a, b = base["synthetic_macro_f1"], row["synthetic_macro_f1"]
        lines.append(f"| {base['label']} | {a:.3f} | {b:.3f} | {b - a:+.3f} | {b / a:.3f} |")
    scope = next((r["privacy"]["scope"] for r in public if r["privacy"]), None)
    if scope:
        lines += ["", "Guarantee with the public schema (from the model file): " + json.dumps(scope)]
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the three settings and write NAME.md and NAME.json."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    started, load_start = time.strftime("%Y-%m-%d %H:%M:%S"), load_average()
    t0 = time.perf_counter()
    frame = pd.read_csv(args.data)
    data = split(frame, args.target, args.holdout_share, args.test_share, args.seed)
    warm_up(data[0], args.target, args.seed)
    settings = [("non-private", None)] + [(f"epsilon={e:g}", e) for e in args.epsilons]
    rows = [run_setting(label, eps, data, args) for label, eps in settings]
    if args.schema is not None:
        public = synthaug.tabular.public_schema.read_public_schema(args.schema)
        rows += [run_setting(f"{label}, public schema", eps, data, args, public) for label, eps in settings]
    report = {"command": command_line(), "machine": machine_info(), "started": started,
              "load_start": load_start, "load_end": load_average(), "minutes": (time.perf_counter() - t0) / 60,
              "data": str(args.data), "n_rows": len(frame), "target": args.target, "seed": args.seed,
              "epochs": args.epochs, "sizes": {"train": len(data[0]), "test": len(data[1]), "holdout": len(data[2])},
              "targets": TARGETS, "rows": rows, "verdicts": verdicts(rows)}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f"{args.name}.json").write_text(json.dumps(report, indent=2, default=float) + "\n")
    (args.out_dir / f"{args.name}.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
