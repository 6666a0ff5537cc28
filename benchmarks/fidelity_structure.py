"""Does a fitted model keep the structure *within* each class, and what do the sampling filters do to it?

Usage::

    OMP_NUM_THREADS=1 python benchmarks/fidelity_structure.py [--seeds 0 1] [--steps 1500] [--n 6000] [--out FILE]

Table (:func:`make_table`, from a user trial): 3,000 rows, classes 70/30. ``x1`` is shifted by
5 in class 1 (the classes overlap in its tails) and correlates with ``x2`` at +0.8 in class 0 and
-0.8 in class 1; ``lab`` is missing in half of class 1 and never in class 0; ``device`` takes the
level ``fraudbox`` in class 1 only; ``visits`` is Poisson (mean 3 / 7, so 5% zeros in class 0);
``amount`` is lognormal. For each seed and strategy (one conditional model; one model per class)
the model is fitted once (``epochs=1``, ``min_steps=--steps``, default filters) and ``--n`` rows
per class are sampled with the same seed under three filter settings, turned off in turn with
``set_params``: both filters (the default at this size), the privacy filter alone, none. Each
figure is the mean over seeds; the real column is the training table's own.

``--wide`` adds the trial's other 13 columns (:func:`wide_columns`: integers, a bounded
percentage with a point mass, a zero-inflated amount, a three-mode column, a 200-level category,
dates, a constant, ...), none of them tied to the class: the same structure among 19 columns.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from synthaug import TabularCGAN

SETTINGS = {"both (default)": {}, "privacy filter": dict(label_filter=None),
            "no filter": dict(privacy_filter=None, label_filter=None)}  # set in turn on one fitted model


def make_table(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """The trial's class-structured table (see the module docstring)."""
    r = np.random.default_rng(seed)
    y = (r.random(n) < 0.3).astype(int)
    a, b = r.normal(size=n), r.normal(size=n)
    rho = np.where(y == 1, -0.8, 0.8)
    lab = r.normal(50, 10, n)
    lab[(y == 1) & (r.random(n) < 0.5)] = np.nan
    device = np.where(y == 1, r.choice(["ios", "android", "fraudbox"], n, p=[.4, .4, .2]),
                      r.choice(["ios", "android"], n))
    return pd.DataFrame({"x1": a + 5 * y, "x2": rho * a + np.sqrt(1 - rho**2) * b, "lab": lab, "device": device,
                         "visits": r.poisson(3 + 4 * y), "amount": np.round(r.lognormal(3 + y, 1.2, n), 2),
                         "target": y})


def wide_columns(n: int, seed: int) -> pd.DataFrame:
    """The trial's columns that carry no class structure (see the module docstring)."""
    r = np.random.default_rng(seed + 1000)
    pct = np.where(r.random(n) < 0.1, 100.0, np.round(r.beta(2, 5, n) * 100, 1))
    missing = r.normal(0, 1, n)
    missing[r.random(n) < 0.2] = np.nan
    return pd.DataFrame({
        "age": r.integers(18, 91, n), "pct": pct,
        "zi": np.where(r.random(n) < 0.4, 0.0, np.round(r.gamma(2, 50, n), 3)),
        "trimodal": np.array([-10.0, 0.0, 10.0])[r.integers(0, 3, n)] + r.normal(0, 1, n),
        "price": np.round(r.uniform(1, 100, n), 2), "unif_miss": missing,
        "color": r.choice(["red", "green", "blue", "rare"], n, p=[0.5, 0.3, 0.19, 0.01]),
        "zipish": r.choice([f"L{i:03d}" for i in range(200)], n), "flag": r.random(n) < 0.3,
        "grade": r.choice(["1", "2", "3", "10"], n),
        "signup": pd.Timestamp("2020-01-01") + pd.to_timedelta(r.integers(0, 1000, n), unit="D"),
        "const": "A", "c0const": np.round(r.normal(7, 2, n), 1)})


def structure(frame: pd.DataFrame) -> dict[str, float]:
    """The per-class figures the table reports, for one table."""
    c0, c1 = (frame[frame.target == k] for k in (0, 1))
    return {
        "x1 sd, class 0": c0.x1.std(), "x1 q95, class 0": c0.x1.quantile(0.95),
        "x1 q05, class 1": c1.x1.quantile(0.05),
        "corr(x1, x2), class 0": c0.x1.corr(c0.x2), "corr(x1, x2), class 1": c1.x1.corr(c1.x2),
        "lab missing, class 1": c1.lab.isna().mean(), "lab missing, class 0": c0.lab.isna().mean(),
        "fraudbox share, class 0": (c0.device == "fraudbox").mean(),
        "visits = 0, class 0": (c0.visits == 0).mean(),
    }


def run(seeds: list[int], steps: int, n: int, wide: bool = False) -> tuple[pd.DataFrame, float]:
    rows, start = [], time.perf_counter()
    for seed in seeds:
        train = make_table(seed=seed)
        if wide:
            train = pd.concat([wide_columns(len(train), seed), train], axis=1)
        rows.append({"strategy": "real", "setting": "training rows", "seed": seed, **structure(train)})
        for strategy in ("conditional", "per-class"):
            model = TabularCGAN(epochs=1, min_steps=steps, strategy=strategy, random_state=seed).fit(train, "target")
            for setting, params in SETTINGS.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    frame = model.set_params(**params).sample_frame(per_class={0: n, 1: n}, random_state=seed)
                rows.append({"strategy": strategy, "setting": setting, "seed": seed, **structure(frame)})
    return pd.DataFrame(rows), time.perf_counter() - start


def markdown(table: pd.DataFrame, command: str, seconds: float) -> str:
    means = table.drop(columns="seed").groupby(["strategy", "setting"], sort=False).mean()
    shown = means.T
    header = "| figure | " + " | ".join(f"{s}: {f}" for s, f in shown.columns) + " |"
    lines = [header, "| --- " * (len(shown.columns) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(f"{v:.3f}" for v in values) + " |" for name, values in shown.iterrows()]
    return (f"## Structure within classes: fitted models and the sampling filters\n\nCommand: `{command}` "
            f"({seconds:.0f} s). Seeds {sorted(set(table.seed))}; each figure the mean over seeds. Table and "
            "method: the docstring of `benchmarks/fidelity_structure.py`.\n\n" + "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--n", type=int, default=6000, help="rows sampled per class")
    parser.add_argument("--wide", action="store_true", help="add the trial's 13 class-free columns")
    parser.add_argument("--out", type=Path, default=None, help="write the markdown table here")
    args = parser.parse_args()
    table, seconds = run(args.seeds, args.steps, args.n, args.wide)
    command = "OMP_NUM_THREADS=1 python benchmarks/fidelity_structure.py " + " ".join(
        ["--seeds", *map(str, args.seeds), "--steps", str(args.steps), "--n", str(args.n)]
        + (["--wide"] if args.wide else []) + ([] if args.out is None else ["--out", str(args.out)]))
    text = markdown(table, command, seconds)
    print(text)
    if args.out is not None:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
