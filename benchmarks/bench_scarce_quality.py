"""Train-on-synthetic, test-on-real quality in the scarce regime: synthaug vs CTGAN 0.12.

Usage (CTGAN pins pandas<3, so run from the benchmark venv)::

    /work/benchenv/bin/python benchmarks/bench_scarce_quality.py \
        --adult ../shared/datasets/adult.csv --seeds 3

Protocol, per dataset and seed
------------------------------
1. ``train_test_split(..., test_size=0.3, stratify=y, random_state=seed)`` gives the real test set.
2. From the remaining 70%, draw ``per_class`` rows of every class without replacement
   (adult: 100 per class, target ``income``; sklearn breast cancer: 25 per class): the
   training rows.
3. Real baseline: logistic regression (StandardScaler + OneHotEncoder for strings, in a
   Pipeline), random forest and HistGradientBoosting fitted on the training rows.
4. synthaug: ``TabularCGAN(random_state=seed)`` with its defaults, fitted on the training rows;
   ``sample(per_class={c: 5 * per_class})``; the same three classifiers fitted on those rows only.
5. CTGAN: ``CTGAN(epochs=...)`` (default 300) on the same rows with the label as a discrete
   column; per class ``sample(5 * per_class, condition_column=target, condition_value=c)``.
   The classifiers train on the rows with the label CTGAN generated (the table a user gets);
   a second score imposes the requested label instead. The share of conditional rows whose
   label equals the requested value is CTGAN's label accuracy.
6. Macro-F1 on the real test set; ratio = mean over classifiers of synthetic F1 divided by the
   mean over classifiers of real F1. Target for synthaug: >= 0.90.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from _benchutil import (
    RESULTS_DIR,
    load_snapshot,
    machine_info,
    parse_set,
    set_threads,
    string_columns,
    timed,
    write_results,
)
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import synthaug

DEFAULT_ADULT = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "adult.csv"
CLASSIFIERS = ("logistic_regression", "random_forest", "hist_gradient_boosting")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--adult", type=Path, default=DEFAULT_ADULT, help="adult.csv (default: %(default)s)")
    p.add_argument("--seeds", type=int, default=3, help="seeds 0 .. N-1")
    p.add_argument("--datasets", nargs="+", default=["adult", "breast_cancer"],
                   choices=["adult", "breast_cancer"])
    p.add_argument("--adult-per-class", type=int, default=100)
    p.add_argument("--cancer-per-class", type=int, default=25)
    p.add_argument("--synthetic-multiple", type=int, default=5,
                   help="synthetic rows per class = this x the real rows per class")
    p.add_argument("--ctgan-epochs", type=int, default=300, help="CTGAN default: 300")
    p.add_argument("--skip-ctgan", action="store_true")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="a TabularCGAN constructor parameter (a variant, reported separately)")
    p.add_argument("--threads", type=int, default=None,
                   help="torch intra-op threads (default: torch's default)")
    p.add_argument("--budget-minutes", type=float, default=30.0,
                   help="start no new (seed, dataset) unit once the projected time exceeds this")
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    p.add_argument("--stem", default=None,
                   help="result file stem (default: scarce_quality, plus the overrides)")
    args = p.parse_args(argv)
    args.params = parse_set(p, args.overrides)
    if args.stem is None:
        args.stem = "scarce_quality" + "".join(
            f"_{k}-{v}" for k, v in sorted(args.params.items())).replace(" ", "")
    return args


# ---------------------------------------------------------------- data
def load_datasets(args: argparse.Namespace) -> dict[str, tuple[pd.DataFrame, str, int]]:
    """name -> (full table, target column, real training rows per class)."""
    out = {}
    if "adult" in args.datasets:
        adult = pd.read_csv(args.adult)
        if "income" not in adult.columns:
            raise SystemExit(f"{args.adult}: no column 'income'")
        out["adult"] = (adult, "income", args.adult_per_class)
    if "breast_cancer" in args.datasets:
        cancer = load_breast_cancer(as_frame=True).frame
        out["breast_cancer"] = (cancer, "target", args.cancer_per_class)
    return out


def scarce_split(frame: pd.DataFrame, target: str, per_class: int, seed: int):
    """(training rows: ``per_class`` of each class from the 70% pool, real 30% test set)."""
    pool, test = train_test_split(frame, test_size=0.3, stratify=frame[target], random_state=seed)
    rng = np.random.default_rng(seed)
    picks = []
    for label in sorted(pool[target].unique(), key=str):
        rows = np.flatnonzero((pool[target] == label).to_numpy())
        if len(rows) < per_class:
            raise SystemExit(f"class {label!r} has {len(rows)} rows in the pool, need {per_class}")
        picks.append(rng.choice(rows, size=per_class, replace=False))
    train = pool.iloc[np.sort(np.concatenate(picks))].reset_index(drop=True)
    return train, test.reset_index(drop=True)


# ---------------------------------------------------------------- classifiers
def make_classifier(name: str, categorical: list[str], numeric: list[str], seed: int) -> Pipeline:
    """One of the three evaluation classifiers, with scaling and one-hot encoding in front."""
    prep = ColumnTransformer([
        ("num", StandardScaler(), numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
    ])
    models: dict[str, Callable[[], Any]] = {
        "logistic_regression": lambda: LogisticRegression(max_iter=2000),
        "random_forest": lambda: RandomForestClassifier(n_estimators=200, random_state=seed, n_jobs=1),
        "hist_gradient_boosting": lambda: HistGradientBoostingClassifier(random_state=seed),
    }
    return Pipeline([("prep", prep), ("model", models[name]())])


def macro_f1_scores(X: pd.DataFrame, y: pd.Series, test: pd.DataFrame, target: str,
                    seed: int) -> dict[str, float]:
    """Macro-F1 on the real test set of each classifier fitted on (X, y).

    A training set with a single class cannot fit these classifiers; it predicts that class
    everywhere (scored honestly, and flagged by the caller).
    """
    X_test, y_test = test.drop(columns=[target]), test[target]
    categorical = string_columns(X_test)
    numeric = [c for c in X_test.columns if c not in categorical]
    y = pd.Series(np.asarray(y, dtype=y_test.dtype), name=target)
    scores = {}
    for name in CLASSIFIERS:
        if y.nunique() < 2:
            pred = np.full(len(y_test), y.iloc[0], dtype=y_test.dtype)
        else:
            pred = make_classifier(name, categorical, numeric, seed).fit(X[X_test.columns], y).predict(X_test)
        scores[name] = float(f1_score(y_test, pred, average="macro"))
    scores["mean"] = float(np.mean([scores[c] for c in CLASSIFIERS]))
    return scores


# ---------------------------------------------------------------- generators
def synthaug_rows(train: pd.DataFrame, target: str, counts: dict, seed: int,
                  params: dict[str, Any]) -> tuple[pd.DataFrame, pd.Series, dict]:
    """Fit TabularCGAN on the training rows and sample exact per-class counts."""
    model = synthaug.TabularCGAN(random_state=seed, verbose=False, **params)
    fit_seconds, _ = timed(lambda: model.fit(train, y=target))
    X, y = model.sample(per_class=counts, random_state=seed)
    return X, y, {"fit_seconds": fit_seconds, "problems": check_synthaug(X, y, train, target, counts)}


def check_synthaug(X: pd.DataFrame, y: pd.Series, train: pd.DataFrame, target: str,
                   counts: dict) -> list[str]:
    """Wrong per-class counts, unseen labels, columns or dtypes differing from training."""
    problems = []
    got = {k: int(v) for k, v in y.value_counts().items()}
    if got != {k: int(v) for k, v in counts.items()}:
        problems.append(f"per-class counts {got} != requested {counts}")
    features = [c for c in train.columns if c != target]
    if list(X.columns) != features:
        problems.append(f"columns {list(X.columns)} != training {features}")
    for col in set(X.columns) & set(features):
        if X[col].dtype != train[col].dtype:
            problems.append(f"{col}: dtype {X[col].dtype} != training {train[col].dtype}")
        if col in string_columns(train) and not set(X[col].dropna()) <= set(train[col].dropna()):
            problems.append(f"{col}: unseen categories")
    if y.dtype != train[target].dtype:
        problems.append(f"label dtype {y.dtype} != training {train[target].dtype}")
    if X.isna().any().any() and not train.isna().any().any():
        problems.append("missing values in the sample, none in training")
    return problems


def ctgan_rows(train: pd.DataFrame, target: str, counts: dict, seed: int,
               epochs: int) -> tuple[pd.DataFrame, pd.Series, dict]:
    """Fit CTGAN on the training rows; conditional samples per class, and label accuracy.

    Returns the features, the labels CTGAN generated, and a dict with the requested labels
    and the per-class share of rows whose label equals the requested one.
    """
    from ctgan import CTGAN

    np.random.seed(seed)  # CTGAN.fit draws from the global RNGs; seed them for repeatability
    torch.manual_seed(seed)
    model = CTGAN(epochs=epochs, verbose=False)
    discrete = sorted(set(string_columns(train)) | {target}, key=list(train.columns).index)
    fit_seconds, _ = timed(lambda: model.fit(train, discrete_columns=discrete))
    model.set_random_state(seed)
    parts, requested, accuracy = [], [], {}
    for label, count in counts.items():
        rows = model.sample(int(count), condition_column=target, condition_value=label)
        accuracy[str(label)] = float((rows[target] == label).mean())
        parts.append(rows)
        requested += [label] * len(rows)
    frame = pd.concat(parts, ignore_index=True)
    info = {"fit_seconds": fit_seconds, "label_accuracy": accuracy,
            "requested": pd.Series(requested, dtype=train[target].dtype),
            "generated_counts": {str(k): int(v) for k, v in frame[target].value_counts().items()}}
    return frame.drop(columns=[target]), frame[target], info


# ---------------------------------------------------------------- one unit
def run_unit(name: str, frame: pd.DataFrame, target: str, per_class: int, seed: int,
             args: argparse.Namespace) -> dict:
    """All scores for one dataset and one seed."""
    train, test = scarce_split(frame, target, per_class, seed)
    counts = {label: args.synthetic_multiple * per_class for label in sorted(train[target].unique(), key=str)}
    unit: dict[str, Any] = {"dataset": name, "seed": seed, "n_train": len(train), "n_test": len(test),
                            "load_before": load_snapshot()}
    real = macro_f1_scores(train.drop(columns=[target]), train[target], test, target, seed)
    unit["real"] = real
    X, y, info = synthaug_rows(train, target, counts, seed, args.params)
    unit["synthaug"] = {**info, "f1": macro_f1_scores(X, y, test, target, seed)}
    unit["synthaug"]["ratio"] = unit["synthaug"]["f1"]["mean"] / real["mean"]
    if not args.skip_ctgan:
        X, y, info = ctgan_rows(train, target, counts, seed, args.ctgan_epochs)
        requested = info.pop("requested")
        unit["ctgan"] = {**info, "single_class": bool(y.nunique() < 2),
                         "f1": macro_f1_scores(X, y, test, target, seed),
                         "f1_requested_label": macro_f1_scores(X, requested, test, target, seed)}
        unit["ctgan"]["ratio"] = unit["ctgan"]["f1"]["mean"] / real["mean"]
        unit["ctgan"]["ratio_requested_label"] = unit["ctgan"]["f1_requested_label"]["mean"] / real["mean"]
    unit["load_after"] = load_snapshot()
    return unit


def describe_unit(unit: dict) -> str:
    line = (f"{unit['dataset']} seed {unit['seed']}: real F1 {unit['real']['mean']:.3f}, synthaug "
            f"{unit['synthaug']['f1']['mean']:.3f} (ratio {unit['synthaug']['ratio']:.3f}, fit "
            f"{unit['synthaug']['fit_seconds']:.0f} s)")
    if "ctgan" in unit:
        ct = unit["ctgan"]
        line += (f", CTGAN {ct['f1']['mean']:.3f} (ratio {ct['ratio']:.3f}; requested-label ratio "
                 f"{ct['ratio_requested_label']:.3f}; label accuracy {ct['label_accuracy']}, fit "
                 f"{ct['fit_seconds']:.0f} s)")
    return line + f", load {unit['load_before']['loadavg_1_5_15']}"


# ---------------------------------------------------------------- summary
def summarise(units: list[dict]) -> dict:
    """Per dataset: per-seed ratios, their mean, per-classifier means, CTGAN label accuracy."""
    summary = {}
    for name in dict.fromkeys(u["dataset"] for u in units):
        rows = [u for u in units if u["dataset"] == name]
        entry: dict[str, Any] = {"seeds": [u["seed"] for u in rows],
                                 "real_f1": _mean_scores([u["real"] for u in rows])}
        for method in ("synthaug", "ctgan"):
            if method not in rows[0]:
                continue
            entry[method] = {
                "ratio_per_seed": [u[method]["ratio"] for u in rows],
                "ratio_mean": float(np.mean([u[method]["ratio"] for u in rows])),
                "f1": _mean_scores([u[method]["f1"] for u in rows]),
                "fit_seconds_mean": float(np.mean([u[method]["fit_seconds"] for u in rows])),
            }
        if "ctgan" in rows[0]:
            ct = entry["ctgan"]
            ct["ratio_requested_label_per_seed"] = [u["ctgan"]["ratio_requested_label"] for u in rows]
            ct["ratio_requested_label_mean"] = float(np.mean(ct["ratio_requested_label_per_seed"]))
            labels = rows[0]["ctgan"]["label_accuracy"].keys()
            ct["label_accuracy_mean"] = {k: float(np.mean([u["ctgan"]["label_accuracy"][k] for u in rows]))
                                         for k in labels}
            ct["label_accuracy_overall"] = float(np.mean(list(ct["label_accuracy_mean"].values())))
        entry["synthaug_problems"] = sorted({p for u in rows for p in u["synthaug"]["problems"]})
        summary[name] = entry
    return summary


def _mean_scores(scores: list[dict[str, float]]) -> dict[str, float]:
    return {k: float(np.mean([s[k] for s in scores])) for k in scores[0]}


def render_markdown(result: dict) -> str:
    """Headline table per dataset, then the per-seed figures."""
    info = result["machine"]
    loads = [u[k]["loadavg_1_5_15"][0] for u in result["units"] for k in ("load_before", "load_after")]
    lines = [
        "# Scarce-regime quality: train on synthetic, test on real (macro-F1)",
        "",
        f"Command: `{result['command']}`  ",
        f"Machine: {info['cpu_count']} cores, CPU, torch {info['torch']} with {info['torch_threads']} "
        f"intra-op threads; pandas {info['pandas']}, scikit-learn {info['sklearn']}, CTGAN "
        f"{info['ctgan']}; synthaug {info['synthaug']} ({info['synthaug_commit']}).  ",
        f"synthaug parameters: {result['synthaug_params'] or 'defaults'}; CTGAN epochs "
        f"{result['args']['ctgan_epochs']}; synthetic rows per class = "
        f"{result['args']['synthetic_multiple']} x real.  ",
        f"1-min load average during the run: {min(loads):.2f} to {max(loads):.2f}. "
        f"Took {result['minutes']:.1f} min.{' INCOMPLETE (budget).' if result['incomplete'] else ''}",
        "",
        "| dataset | rows/class | real F1 | synthaug F1 | synthaug ratio (per seed) | CTGAN F1 | "
        "CTGAN ratio (per seed) | CTGAN ratio, requested label | CTGAN label accuracy |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, s in result["summary"].items():
        sa, ct = s["synthaug"], s.get("ctgan")
        row = (f"| {name} | {result['per_class'][name]} | {s['real_f1']['mean']:.3f} | "
               f"{sa['f1']['mean']:.3f} | **{sa['ratio_mean']:.3f}** "
               f"({', '.join(f'{r:.3f}' for r in sa['ratio_per_seed'])}) | ")
        if ct:
            acc = ", ".join(f"`{k}` {v:.2f}" for k, v in ct["label_accuracy_mean"].items())
            row += (f"{ct['f1']['mean']:.3f} | **{ct['ratio_mean']:.3f}** "
                    f"({', '.join(f'{r:.3f}' for r in ct['ratio_per_seed'])}) | "
                    f"{ct['ratio_requested_label_mean']:.3f} | {acc} |")
        else:
            row += "n/a | n/a | n/a | n/a |"
        lines.append(row)
    lines += ["", "Per classifier (mean over seeds, macro-F1):", "",
              "| dataset | method | " + " | ".join(CLASSIFIERS) + " |",
              "| --- | --- | " + " | ".join("---" for _ in CLASSIFIERS) + " |"]
    for name, s in result["summary"].items():
        for method, scores in (("real", s["real_f1"]), ("synthaug", s["synthaug"]["f1"]),
                               ("ctgan", s.get("ctgan", {}).get("f1"))):
            if scores:
                lines.append(f"| {name} | {method} | " + " | ".join(f"{scores[c]:.3f}" for c in CLASSIFIERS) + " |")
    lines += ["", "Per seed:", ""] + [f"- {describe_unit(u)}" for u in result["units"]]
    problems = {n: s["synthaug_problems"] for n, s in result["summary"].items() if s["synthaug_problems"]}
    lines += ["", "synthaug sample checks (per-class counts, labels, columns, dtypes, categories): "
              + (str(problems) if problems else "OK") + ".", ""]
    return "\n".join(lines)


def build_result(args, argv, units, info, started, t0, incomplete) -> dict:
    return {
        "benchmark": "scarce_quality",
        "command": "python benchmarks/bench_scarce_quality.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "started": started, "minutes": (time.perf_counter() - t0) / 60, "machine": info,
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "synthaug_params": args.params, "incomplete": incomplete,
        "per_class": {"adult": args.adult_per_class, "breast_cancer": args.cancer_per_class},
        "units": units, "summary": summarise(units),
    }


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    set_threads(args.threads)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    datasets = load_datasets(args)
    info, started, t0 = machine_info(), time.strftime("%Y-%m-%d %H:%M:%S"), time.perf_counter()
    print(f"torch threads {info['torch_threads']}, load {load_snapshot()['loadavg_1_5_15']}", flush=True)
    plan = [(seed, name) for seed in range(args.seeds) for name in datasets]
    units, incomplete = [], False
    for i, (seed, name) in enumerate(plan):
        elapsed = time.perf_counter() - t0
        if i and elapsed * (i + 1) / i > args.budget_minutes * 60:
            print(f"budget: stopping after {i} of {len(plan)} units ({elapsed / 60:.1f} min)", flush=True)
            incomplete = True
            break
        frame, target, per_class = datasets[name]
        units.append(run_unit(name, frame, target, per_class, seed, args))
        print(describe_unit(units[-1]), flush=True)
        result = build_result(args, argv, units, info, started, t0, incomplete)
        write_results(args.out_dir, args.stem, result, render_markdown(result))
    result = build_result(args, argv, units, info, started, t0, incomplete)
    markdown = render_markdown(result)
    write_results(args.out_dir, args.stem, result, markdown)
    print(markdown)
    return result


if __name__ == "__main__":
    main()
