"""``synthaug demo``: the main job end to end on a dataset bundled with scikit-learn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .io import TableWriter
from .tabular.synthesizer import TabularCGAN

TARGET = "diagnosis"
ROWS_PER_CLASS = 25


def demo_data(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Breast cancer as (scarce train: 25 rows per class, 30% test), labels as names."""
    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.data.copy()
    frame[TARGET] = np.asarray(bunch.target_names)[bunch.target.to_numpy()]
    rest, test = train_test_split(frame, test_size=0.3, stratify=frame[TARGET], random_state=seed)
    train = rest.groupby(TARGET, group_keys=False).sample(ROWS_PER_CLASS, random_state=seed)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def macro_f1(train: pd.DataFrame, test: pd.DataFrame, seed: int) -> float:
    """Mean macro-F1 of logistic regression and a random forest trained on ``train``."""
    models = [make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
              RandomForestClassifier(n_estimators=200, random_state=seed)]
    scores = []
    for model in models:
        model.fit(train.drop(columns=TARGET), train[TARGET])
        scores.append(f1_score(test[TARGET], model.predict(test.drop(columns=TARGET)), average="macro"))
    return float(np.mean(scores))


def run_demo(output: Path, seed: int, quiet: bool, console: Console, params: dict | None = None) -> dict:
    """Fit on 25 rows per class, sample 500 per class, compare classifiers on a real test set."""
    say = (lambda *a: None) if quiet else console.print
    train, test = demo_data(seed)
    say(f"breast cancer: {len(train)} training rows ({ROWS_PER_CLASS} per class), {len(test)} test rows")
    model = TabularCGAN(**(params or {}), random_state=seed, verbose=not quiet).fit(train, y=TARGET)
    model.save(output / "model")
    synthetic = model.sample_frame(per_class={c: 500 for c in model.classes_}, random_state=seed)
    for name, table in (("train.csv", train), ("test.csv", test), ("synthetic.csv", synthetic)):
        with TableWriter(output / name) as writer:
            writer.write(table)
    scores = {
        "real only": macro_f1(train, test, seed),
        "real + synthetic": macro_f1(pd.concat([train, synthetic], ignore_index=True), test, seed),
        "synthetic only": macro_f1(synthetic, test, seed),
    }
    table = Table("training data", "macro-F1 on real test", title="downstream classifiers (LR + RF)")
    for name, value in scores.items():
        table.add_row(name, f"{value:.3f}")
    say(table)
    say(f"model, data and scores in {output}/")
    return scores
