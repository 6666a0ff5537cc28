"""``synthaug demo``: the main job end to end on a dataset bundled with scikit-learn.

It is the breast-cancer recipe, embedded so that it needs no file: 25 training rows per class,
a disjoint holdout of 25 per class as the privacy reference, a 30% real test set; fit, sample,
evaluate utility, fidelity and leakage against SMOTE and random oversampling.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from ._run import run_recipe
from .evaluate.verdict_words import drivers_of
from .recipe import validate

DEMO_RECIPE = {
    "data": {"dataset": "sklearn:breast_cancer", "test_size": 0.3, "rows_per_class": 25, "holdout": True},
    "model": {},
    "sample": {"per_class": 250},
    "evaluate": {"seeds": 3, "ratios": [1.0, 5.0], "baselines": ["smote", "ros"]},
}


def run_demo(output: Path, seed: int, quiet: bool, console: Console, params: dict | None = None) -> dict:
    """Run the embedded recipe into ``output`` and print what it found; returns report.json."""
    recipe = copy.deepcopy(DEMO_RECIPE)
    recipe["model"].update(params or {})
    validate(recipe, "demo")
    if not quiet:
        console.print("breast cancer (scikit-learn): 25 training rows per class, 25 per class held out, "
                      "30% real test set; training a class-conditional GAN...")
    run_recipe(recipe, output, seed, quiet=True, console=console)
    report = json.loads((output / "report.json").read_text())
    if not quiet:
        console.print(_utility_table(report))
        console.print(_privacy_table(report))
        console.print(f"model, data, report.html and report.json in {output}/")
    return report


def _utility_table(report: dict) -> Table:
    utility = report["utility"]
    metric = utility["primary_metric"]
    table = Table("training data", f"{metric} on real test (mean)", "vs real only", "verdict",
                  title="downstream classifiers (LR, RF, HGB)")
    for setting, per_classifier in utility["scores"].items():
        if not per_classifier:  # "synthetic" when synthetic-only training was skipped (one class)
            continue
        mean = np.mean([np.mean(scores[metric]) for scores in per_classifier.values()])
        pooled = [u for u in utility["uplifts"]
                  if u["setting"] == setting and u["classifier"] == "all" and u["metric"] == metric]
        diff = pooled[0]["estimate"] if pooled else None
        interval = f"{diff['value']:+.3f} [{diff['low']:+.3f}, {diff['high']:+.3f}]" if diff else ""
        table.add_row(setting, f"{mean:.3f}", interval, utility["verdicts"].get(setting, ""))
    return table


def _privacy_table(report: dict) -> Table:
    """One row per released set: the DCR share with its own verdict, as ``synthaug evaluate`` prints it,
    and the overall verdict with the measures that set it (an overall verdict beside the DCR share
    alone read as the share's)."""
    table = Table("records", "DCR share (0.5 ideal)", "membership AUC", "overall verdict (set by)",
                  title="privacy leakage")
    for leak in report["privacy"]:
        measures = {m["name"]: m for m in leak["measures"]}
        share = measures["dcr_share"]
        auc = max(measures["mia_distance"]["value"], measures["mia_density"]["value"])
        drivers = drivers_of(leak["verdict"], [(m["name"], m["verdict"]) for m in leak["measures"]])
        table.add_row(leak["source"], f"{share['value']:.3f} ({share['verdict']})", f"{auc:.3f}",
                      f"{leak['verdict']} ({drivers})")
    return table
