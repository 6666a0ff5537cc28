"""The scarce-data protocol: augmentation uplift and privacy of synthaug, SMOTE, random
oversampling, CTGAN and TVAE, all measured by ``synthaug.evaluate``.

Run it from the benchmark environment (CTGAN pins pandas < 3)::

    /work/benchenv/bin/python benchmarks/scarce_protocol.py \\
        --adult ../shared/datasets/adult.csv --dry-bean ../shared/datasets/dry_bean.csv

Per dataset, rows per class ``n`` and seed:

1. ``train_test_split(test_size=0.3, stratify=y, random_state=seed)`` gives the real test set.
2. From the other 70%, each class gives ``n`` training rows and a disjoint holdout of ``n`` rows
   (when a class has fewer than ``2 n`` rows left, both take half of them; such cells are
   marked "capped").
3. Each generator fits the training rows with its defaults and seed ``seed`` and makes
   ``ratio * n`` records per class: ``TabularCGAN(random_state=seed)`` with
   ``sample_frame(per_class=...)``; CTGAN and TVAE (ctgan 0.12) with the label as a discrete
   column, keeping the first records of each class they generate (they are not exactly
   conditional). SMOTE (SMOTENC for mixed columns) and random oversampling make as many records
   per class as the synthaug table has; they are the evaluator's baselines.
4. ``synthaug.evaluate.evaluate(train, test, records, target, holdout=holdout, ratios=(ratio,),
   n_seeds=1, random_state=seed)`` with its default classifiers (logistic regression, random
   forest, histogram gradient boosting). Uplift: the paired difference in macro-F1 between
   real + records and real only, averaged over the classifiers. DCR share: share of records
   nearer a training row than a holdout row (0.5 = no closer to the training rows than fresh
   data).

Across seeds a cell shows the mean and a 95% t-interval over the seeds (the spread of which
training rows were drawn), and how many seeds' own test-set intervals said "helps" / "hurts".
``--seeds``, ``--sizes`` and ``--datasets`` set the budget; the report names what was run.
``--methods synthaug --merge benchmarks/results/scarce_protocol.json`` reruns synthaug only and
takes every other method's per-seed rows from an earlier raw file (they do not depend on
synthaug); the report says which rows were merged and from which command. ``--set KEY=VALUE``
passes a ``TabularCGAN`` constructor parameter (a variant; the report names it).
``--seed-offset K`` uses seeds ``K .. K + seeds - 1`` (splits and generators alike) instead of
``0 .. seeds - 1``: for screening variants on other splits than the reported run (default 0).
``--combine A.json B.json ...`` joins raw files of runs that differ only in ``--datasets`` (one
process each, scheduled as the ``--note`` says) into ``--raw`` and rebuilds the report; it can be
joined with ``--merge``. The report's wall time is then the longest single run's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from _benchutil import machine_info, parse_set
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.model_selection import train_test_split

from synthaug import TabularCGAN
from synthaug.evaluate import evaluate
from synthaug.evaluate.stats import t_interval
from synthaug.io import atomic_path

METHODS = ("synthaug", "SMOTE", "random oversampling", "CTGAN", "TVAE")
DATASETS = ("adult", "dry_bean", "breast_cancer", "wine")


def load(name: str, args: argparse.Namespace) -> tuple[pd.DataFrame, str]:
    """A dataset and its target column; shared files come from command-line paths."""
    if name == "adult":
        return pd.read_csv(args.adult), "income"
    if name == "dry_bean":
        return pd.read_csv(args.dry_bean), "target"
    loader = {"breast_cancer": load_breast_cancer, "wine": load_wine}[name]
    return loader(as_frame=True).frame, "target"


def add_cell_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that name one protocol cell's data and synthaug setting, for the diagnostic
    scripts (``diagnose_dcr.py``, ``dcr_draws.py``): dataset paths, dataset, n and ``--set``."""
    parser.add_argument("--adult", help="path to adult.csv (target income)")
    parser.add_argument("--dry-bean", help="path to dry_bean.csv (target target)")
    parser.add_argument("--dataset", choices=DATASETS, default="adult")
    parser.add_argument("--n", type=int, default=25)
    parser.add_argument("--set", dest="params", action="append", default=[], metavar="KEY=VALUE")


def split(frame: pd.DataFrame, target: str, n: int, seed: int) -> tuple[pd.DataFrame, ...]:
    """(train, holdout, test, capped): n rows per class each for train and holdout."""
    rest, test = train_test_split(frame, test_size=0.3, stratify=frame[target], random_state=seed)
    rng = np.random.default_rng(seed)
    train_rows, holdout_rows, capped = [], [], False
    for label in sorted(rest[target].unique(), key=str):
        rows = rng.permutation(np.flatnonzero(rest[target].to_numpy() == label))
        take = min(n, len(rows) // 2)
        capped |= take < n
        train_rows.append(rows[:take])
        holdout_rows.append(rows[take : 2 * take])
    pick = lambda parts: rest.iloc[np.concatenate(parts)].reset_index(drop=True)  # noqa: E731
    return pick(train_rows), pick(holdout_rows), test.reset_index(drop=True), capped


def generate(method: str, train: pd.DataFrame, target: str, per_class: dict, seed: int,
             params: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """``per_class`` records of each class from a generator fitted on ``train`` (and sampling notes)."""
    if method == "synthaug":
        model = TabularCGAN(random_state=seed, **(params or {})).fit(train, y=target)
        records = model.sample_frame(per_class=per_class)[list(train.columns)]
        return records, {"filter_rejected": model.n_rejected_,
                         "label_rejected": getattr(model, "n_label_rejected_", 0)}
    from ctgan import CTGAN, TVAE

    model = CTGAN(epochs=300) if method == "CTGAN" else TVAE(epochs=300)
    model.set_random_state(seed)
    discrete = [c for c in train.columns if c == target or not pd.api.types.is_numeric_dtype(train[c])]
    model.fit(train, discrete_columns=discrete)
    return _per_class(model, target, per_class), {}


def _per_class(model, target: str, per_class: dict, rounds: int = 30) -> pd.DataFrame:
    """Keep the first records of each class the model generates, until every count is met."""
    kept = {label: [] for label in per_class}
    need = dict(per_class)
    for _ in range(rounds):
        if not any(need.values()):
            break
        batch = model.sample(2 * sum(per_class.values()))
        for label in kept:
            rows = batch[batch[target] == label].iloc[: need[label]]
            kept[label].append(rows)
            need[label] -= len(rows)
    return pd.concat([r for parts in kept.values() for r in parts], ignore_index=True)


def run_cell(frame, target, n, seed, ratio, methods, params: dict | None = None) -> dict:
    """Every method for one dataset, n and seed: uplift, DCR share, verdicts, fit time."""
    train, holdout, test, capped = split(frame, target, n, seed)
    per_class = {label: int(ratio * count) for label, count in train[target].value_counts().items()}
    out = {"capped": bool(capped), "n_train": len(train), "methods": {}}
    generators = [m for m in ("synthaug", "CTGAN", "TVAE") if m in methods]
    for method in generators or ["synthaug"]:
        start = time.process_time()
        records, notes = generate(method, train, target, per_class, seed, params if method == "synthaug" else None)
        fit_cpu = time.process_time() - start
        baselines = tuple(b for b, label in (("smote", "SMOTE"), ("ros", "random oversampling")) if label in methods)
        result = evaluate(
            train,
            test,
            records,
            target,
            holdout=holdout,
            ratios=(ratio,),
            n_seeds=1,
            baselines=baselines if method == "synthaug" else (),
            random_state=seed,
        )
        pooled = {u.setting: u for u in result.utility.uplifts if u.classifier == "all" and u.metric == "macro_f1"}
        privacy = {p.source: p for p in result.privacy}
        names = [(method, f"real+synthetic@{ratio:g}", "synthetic")]
        if method == "synthaug":
            names += [
                ("SMOTE", f"real+smote@{ratio:g}", "SMOTE"),
                ("random oversampling", f"real+ros@{ratio:g}", "random oversampling"),
            ]
        for name, setting, source in names:
            if name not in methods or setting not in pooled:
                continue
            share = next(m for m in privacy[source].measures if m.name == "dcr_share")
            mia = next(m for m in privacy[source].measures if m.name == "mia_distance")
            u = pooled[setting]
            out["methods"][name] = {
                "uplift": [u.estimate.value, u.estimate.low, u.estimate.high],
                "utility_verdict": u.verdict,
                "dcr_share": [share.value, share.low, share.high],
                "mia_auc": [mia.value, mia.low, mia.high],
                "privacy_verdict": privacy[source].verdict,
                "records": privacy[source].n_records,
                "fit_cpu_s": fit_cpu if name == method else None,
                **(notes if name == method else {}),
            }
        real = result.utility.scores["real"].values()  # classifier -> metric -> per-seed scores
        out["real_macro_f1"] = float(np.mean([np.mean(scores["macro_f1"]) for scores in real]))
    return out


def _fmt(values: list[float], signed: bool = True) -> str:
    mean, low, high = t_interval(np.asarray(values)) if len(values) > 1 else (values[0], np.nan, np.nan)
    f = "+.3f" if signed else ".3f"
    return f"{mean:{f}}" if np.isnan(low) else f"{mean:{f}} [{low:{f}}, {high:{f}}]"


def report(run: dict) -> str:
    """RESULTS.md text: uplift and DCR share tables, the targets, and how the run was made."""
    methods = [m for m in METHODS if m in run["methods"]]
    lines = [
        "## Scarce-data protocol: augmentation uplift and privacy",
        "",
        f"Command (run from the repository root; {run['seconds'] / 60:.0f} min wall"
        f"{' for the longest of the combined runs' if 'combined' in run else ''} on {run['machine']}):",
        "",
        f"    {run['command']}",
        "",
        *_merge_note(run),
        f"Seeds {_seed_text(run)}, rows per class {run['sizes']}, records added = {run['ratio']:g} x the training "
        "rows (per class). Protocol: see the docstring of `benchmarks/scarce_protocol.py`; every number comes "
        "from `synthaug.evaluate`. Raw per-seed results: `benchmarks/results/scarce_protocol.json` (rebuild "
        "this section from it with `--report-only`).",
        "",
        "### Uplift in macro-F1 over training on real rows only",
        "",
        "Mean over seeds of the paired difference (averaged over logistic regression, random forest and "
        "gradient boosting) [95% t-interval over seeds]; then (seeds whose own test-set interval said "
        "helps/hurts). `*`: a class had fewer than 2n rows, so its n was capped at half of them.",
        "",
        "| dataset | n | real F1 | " + " | ".join(methods) + " |",
        "| --- | --- | --- | " + " | ".join("---" for _ in methods) + " |",
    ]
    share_rows, uplifts, shares = [], {m: [] for m in methods}, {m: [] for m in methods}
    for key, runs in run["cells"].items():
        dataset, n = key.split("/n=")
        if isinstance(runs, dict):
            same = f"same rows as n = {runs['same_as']} (every class capped)"
            lines.append(f"| {dataset} | {n}* | {same} |")
            share_rows.append(f"| {dataset} | {n}* | {same} |")
            continue
        mark = "*" if any(r["capped"] for r in runs) else ""
        ups, cells = [], []
        for m in methods:
            got = [r["methods"][m] for r in runs if m in r["methods"]]
            if not got:
                ups.append("n/a")
                cells.append("n/a")
                continue
            vals = [g["uplift"][0] for g in got]
            uplifts[m].append(float(np.mean(vals)))
            helps = sum(g["utility_verdict"] == "helps" for g in got)
            hurts = sum(g["utility_verdict"] == "hurts" for g in got)
            ups.append(f"{_fmt(vals)} ({helps}/{hurts})")
            s = [g["dcr_share"][0] for g in got]
            shares[m].append((dataset, float(np.mean(s))))
            leaks = sum(g["privacy_verdict"] == "leaks" for g in got)
            cells.append(f"{np.mean(s):.2f} ({min(s):.2f}-{max(s):.2f}; leaks {leaks}/{len(got)})")
        real = np.mean([r["real_macro_f1"] for r in runs])
        lines.append(f"| {dataset} | {n}{mark} | {real:.3f} | " + " | ".join(ups) + " |")
        share_rows.append(f"| {dataset} | {n}{mark} | " + " | ".join(cells) + " |")
    labels = [g.get("label_rejected", 0) for runs in run["cells"].values() if isinstance(runs, list)
              for r in runs for m, g in r["methods"].items() if m == "synthaug"]
    rejected = [(g["filter_rejected"], g["records"]) for runs in run["cells"].values() if isinstance(runs, list)
                for r in runs for m, g in r["methods"].items() if m == "synthaug" and "filter_rejected" in g]
    lines += [
        "",
        "Average uplift over the cells: " + ", ".join(f"{m} {np.mean(v):+.3f}" for m, v in uplifts.items() if v) + ".",
        "",
        "### DCR share (0.5 = no closer to the training rows than fresh real rows)",
        "",
        'Mean over seeds (min-max; seeds whose privacy verdict was "leaks": any measure\'s interval above its '
        "null plus tolerance, see `synthaug/privacy/leakage.py`).",
        "",
        "| dataset | n | " + " | ".join(methods) + " |",
        "| --- | --- | " + " | ".join("---" for _ in methods) + " |",
        *share_rows,
        "",
        *([f"synthaug's privacy filter rejected (and regenerated) {sum(a for a, _ in rejected)} rows while making "
           f"{sum(b for _, b in rejected)} records over all cells and seeds "
           f"({max(a / b for a, b in rejected):.0%} at most in one cell)"
           + (f"; its label filter rejected (and regenerated) another {sum(labels)}." if any(labels) else "."),
           ""] if rejected else []),
        *_targets(uplifts, shares),
    ]
    return "\n".join(lines)


def _seed_text(run: dict) -> str:
    """How many seeds, and which when they do not start at 0 (a screening run)."""
    offset = run.get("seed_offset", 0)
    return f"{run['seeds']}" if not offset else f"{run['seeds']} ({offset}-{offset + run['seeds'] - 1})"


def _merge_note(run: dict) -> list[str]:
    """Where merged rows came from, and the synthaug parameters of a variant run."""
    lines = [f"NOTE: {run['note']}", ""] if run.get("note") else []
    if run.get("params"):
        lines += [f"synthaug parameters changed from the defaults: `{run['params']}`.", ""]
    if run.get("merged"):
        m = run["merged"]
        lines += [
            f"Only {', '.join(m['rerun'])} was rerun by this command; the rows of {', '.join(m['methods'])} "
            f"(which do not depend on synthaug: same splits, seeds and evaluator) are the stored per-seed "
            f"results of the earlier run `{m['command']}`, merged from `{m['path']}`.",
            "",
        ]
    return lines


def merge_runs(run: dict, old: dict, path: Path) -> dict:
    """Add ``old``'s per-seed rows of the methods ``run`` did not rerun (same cells and seeds)."""
    others = [m for m in old["methods"] if m not in run["methods"]]
    if run.get("seed_offset", 0) != old.get("seed_offset", 0):
        raise SystemExit(f"--merge {path}: its seeds start at {old.get('seed_offset', 0)}, this run's at "
                         f"{run.get('seed_offset', 0)}")
    for key, runs in run["cells"].items():
        if isinstance(runs, dict):
            continue
        before = old["cells"].get(key)
        if not isinstance(before, list) or len(before) < len(runs):
            raise SystemExit(f"--merge {path}: no stored rows for {key} (seeds 0..{len(runs) - 1})")
        for new, prev in zip(runs, before, strict=False):
            if prev["n_train"] != new["n_train"]:
                raise SystemExit(f"--merge {path}: {key} has {prev['n_train']} training rows, not {new['n_train']}")
            for m in others:
                if m in prev["methods"]:
                    new["methods"][m] = prev["methods"][m]
    run["merged"] = {"methods": others, "rerun": run["methods"], "command": old["command"], "path": path.as_posix()}
    run["methods"] = [m for m in METHODS if m in run["methods"] or m in others]
    return run


def update_run(base: dict, run: dict, path: Path) -> dict:
    """``base`` (read from ``path``) with its rows of ``run``'s methods replaced in ``run``'s cells.

    For a change that touches some datasets only: rerun those, keep the others' stored rows.
    """
    for key in ("seeds", "seed_offset", "ratio"):
        if run.get(key) != base.get(key):
            raise SystemExit(f"--into {path}: runs differ in {key}: {base.get(key)} vs {run.get(key)}")
    cells = dict(base["cells"])
    for key, runs in run["cells"].items():
        before = cells.get(key)
        if not isinstance(before, list) or len(before) != len(runs):
            raise SystemExit(f"--into {path}: no stored rows for {key}")
        if any(new["n_train"] != prev["n_train"] for new, prev in zip(runs, before, strict=True)):
            raise SystemExit(f"--into {path}: {key} has other training rows")
        cells[key] = [{**prev, "methods": {**prev["methods"], **new["methods"]}}
                      for new, prev in zip(runs, before, strict=True)]
    out = {**base, "cells": cells, "command": run["command"], "note": run.get("note", base.get("note"))}
    out["updated"] = {"cells": list(run["cells"]), "methods": run["methods"], "path": path.as_posix(),
                      "command": base["command"]}
    return out


def combine_runs(runs: list[dict]) -> dict:
    """One run from runs that differ only in their datasets or sizes (their cells are joined in order)."""
    first = runs[0]
    for other in runs[1:]:
        for key in ("seeds", "seed_offset", "ratio", "methods", "params"):
            if other.get(key) != first.get(key):
                raise SystemExit(f"--combine: runs differ in {key}: {first.get(key)} vs {other.get(key)}")
    keys = [k for r in runs for k in r["cells"]]
    if len(set(keys)) < len(keys):
        raise SystemExit(f"--combine: runs share cells: {sorted({k for k in keys if keys.count(k) > 1})}")
    out = {**first, "cells": {k: v for r in runs for k, v in r["cells"].items()}}
    out["sizes"] = sorted({n for r in runs for n in r["sizes"]})
    out["command"] = "; ".join(r["command"] for r in runs) + " (one process each); then " + _command()
    out["seconds"] = max(r["seconds"] for r in runs)
    out["machine"] = first["machine"].replace("1 thread", f"{len(runs)} processes of 1 thread")
    out["combined"] = len(runs)
    return out


def _command() -> str:
    """This invocation as a shell line, with the environment that chose the code and threads.

    A ``--note`` text is shown as ``"$NOTE"``: the report prints the note itself once, below.
    """
    env = [f"{k}={os.environ[k]}" for k in ("PYTHONPATH", "OMP_NUM_THREADS") if k in os.environ]
    argv = list(sys.argv)
    for i, arg in enumerate(argv[:-1]):
        if arg == "--note":
            argv[i + 1] = '"$NOTE"'
    argv = ['--note="$NOTE"' if a.startswith("--note=") else a for a in argv]
    quoted = [a if "$NOTE" in a else shlex.quote(a) for a in argv]  # 'random oversampling' is one argument
    return " ".join([*env, Path(sys.executable).as_posix(), *quoted])


def _targets(uplifts: dict, shares: dict) -> list[str]:
    """The issue's targets for synthaug, checked against this run."""
    if not uplifts.get("synthaug") or not uplifts.get("SMOTE"):
        return []
    ours, smote = np.mean(uplifts["synthaug"]), np.mean(uplifts["SMOTE"])
    worst = max(shares["synthaug"], key=lambda x: x[1])
    over = sorted({d for d, s in shares["synthaug"] if s > 0.55})
    return [
        "### Targets for synthaug",
        "",
        f"- Uplift at least as large as SMOTE's on average: synthaug {ours:+.4f}, SMOTE {smote:+.4f}: "
        + ("met." if ours >= smote else "**not met**."),
        f"- DCR share at most 0.55 on every dataset (mean over seeds): highest {worst[1]:.3f} ({worst[0]}); "
        + ("met." if not over else f"**not met** on {', '.join(over)}."),
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adult", type=Path, help="path to adult.csv (target income)")
    parser.add_argument("--dry-bean", type=Path, help="path to dry_bean.csv (target target)")
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--sizes", nargs="+", type=int, default=[25, 100])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--seed-offset", type=int, default=0, help="first seed (screening on other splits)")
    parser.add_argument("--ratio", type=float, default=1.0)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/RESULTS.md"))
    parser.add_argument("--raw", type=Path, default=Path("benchmarks/results/scarce_protocol.json"))
    parser.add_argument("--report-only", action="store_true", help="rebuild --out from --raw without running")
    parser.add_argument("--merge", type=Path, help="earlier raw JSON: take the methods not rerun from it")
    parser.add_argument("--note", help="a sentence for the report (how the code was run)")
    parser.add_argument("--combine", type=Path, nargs="+", help="raw JSONs of per-dataset runs to join into --raw")
    parser.add_argument("--into", type=Path, help="with --combine: a full raw JSON whose rows the combined runs "
                        "replace (their methods, in their cells)")
    parser.add_argument("--set", dest="params", action="append", default=[], metavar="KEY=VALUE",
                        help="a TabularCGAN constructor parameter (a variant)")
    args = parser.parse_args()
    params = parse_set(parser, args.params)
    if args.combine:
        run = combine_runs([json.loads(path.read_text()) for path in args.combine])
        if args.note:
            run["note"] = args.note
        if args.merge:
            run = merge_runs(run, json.loads(args.merge.read_text()), args.merge)
        if args.into:
            run = update_run(json.loads(args.into.read_text()), run, args.into)
        with atomic_path(args.raw) as tmp:
            tmp.write_text(json.dumps(run, indent=1))
        write_section(args.out, report(run))
        print(f"wrote {args.out} and {args.raw}")
        return
    if args.report_only:
        run = json.loads(args.raw.read_text())
        write_section(args.out, report(run))
        print(f"wrote {args.out}")
        return
    for name, path in (("adult", args.adult), ("dry_bean", args.dry_bean)):
        if name in args.datasets and path is None:
            parser.error(f"--{name.replace('_', '-')} is needed for the {name} dataset")
    old = json.loads(args.merge.read_text()) if args.merge else None  # read first: --raw may be the same file
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    run = {
        "command": _command(),
        "machine": f"{platform.machine()}, 1 thread, other jobs sharing the 2 cores",
        "versions": machine_info(),  # library versions move results: adult seed 0 changed at the same code
        "seeds": args.seeds,
        "seed_offset": args.seed_offset,
        "sizes": args.sizes,
        "ratio": args.ratio,
        "methods": args.methods,
        "params": params,
        "cells": {},
    }
    started = time.time()
    for dataset in args.datasets:
        frame, target = load(dataset, args)
        seen: dict[tuple, int] = {}
        for n in args.sizes:
            key = f"{dataset}/n={n}"
            counts = tuple(len(part) for part in split(frame, target, n, 0)[:2])
            if counts in seen:  # every class capped: the same rows as a smaller n
                run["cells"][key] = {"same_as": seen[counts]}
                continue
            seen[counts] = n
            for seed in range(args.seed_offset, args.seed_offset + args.seeds):
                t = time.time()
                cell = run_cell(frame, target, n, seed, args.ratio, args.methods, params)
                run["cells"].setdefault(key, []).append(cell)
                print(f"{key} seed={seed}: {time.time() - t:.0f} s", flush=True)
                run["seconds"] = time.time() - started
                args.raw.parent.mkdir(parents=True, exist_ok=True)
                with atomic_path(args.raw) as tmp:
                    tmp.write_text(json.dumps(run, indent=1))
    if old is not None:
        run = merge_runs(run, old, args.merge)
        with atomic_path(args.raw) as tmp:
            tmp.write_text(json.dumps(run, indent=1))
    write_section(args.out, report(run))
    print(f"wrote {args.out} and {args.raw}")


START, END = "<!-- scarce_protocol: start -->", "<!-- scarce_protocol: end -->"


def write_section(path: Path, text: str) -> None:
    """Replace this benchmark's section of ``path`` (between markers), keeping the rest."""
    old = path.read_text() if path.exists() else ""
    block = f"{START}\n{text}\n{END}"
    if START in old and END in old:
        new = old[: old.index(START)] + block + old[old.index(END) + len(END) :]
    else:
        new = block + "\n\n" + old if old else block + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(new)


if __name__ == "__main__":
    main()
