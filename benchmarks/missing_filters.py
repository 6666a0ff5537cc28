"""Do the sampling filters keep a rare class's missing values? A seeded fraud-like table.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/missing_filters.py [--seeds 0 1] [--n 3000] [--model-dir DIR]

Table (:func:`make_fraud_table`): 5,000 rows, 50 positives (1%); a heavy-tailed ``amount``
(missing in exactly 2 of the 50 positives, 4%, and 1% of negatives), an integer
``device_age_days`` (6 of 50 positives, 12%; 3% of negatives), ``merchant`` with ~200 levels,
``hour`` 0-23, a boolean, a timestamp. Method: one ``TabularCGAN`` at its default budget per
seed (saved and reloaded, so the filters come from ``attach_privacy_filter(train, target)`` as a
user's ``synthaug sample --train`` does), then ``--n`` positives sampled with the same seed under
each filter setting; the table gives each column's missing share among them and the rows each
filter rejected. With ``--model-dir`` a fitted model is reused (one per seed).

``--mixed`` runs a user trial's 300-row table instead (:func:`make_mixed_table`: ``ratio``, ``city``
and ``when`` missing at random in 20%, 15% and 10% of rows) with a small fit per seed, and gives the
missing shares per class under each setting.

``--fresh`` measures the privacy filter alone, without a model: fitted on each seed's table as
``TabularCGAN`` fits it, it judges 1,000 *fresh* positives (another seed's table, same
distribution); a filter fair to missing values rejects fresh rows missing a value about as often
as complete ones, so the kept rows' missing share stays near the fresh rows'.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import synthaug
from synthaug import TabularCGAN
from synthaug.tabular.privacy_filter import fit_filter
from synthaug.tabular.synthesizer import TabularCGAN as _Defaults

SETTINGS = {
    "both on (default)": {},
    "privacy filter only": {"label_filter": None},
    "label filter only": {"privacy_filter": None},
    "neither": {"label_filter": None, "privacy_filter": None},
}
MISSING_COLUMNS = ("amount", "device_age_days")


def make_fraud_table(n: int = 5_000, positives: int = 50, seed: int = 0) -> pd.DataFrame:
    """A seeded fraud-like table: ``positives`` rows of class 1, missing values richer among them."""
    rng = np.random.default_rng(seed)
    fraud = np.zeros(n, dtype=np.int64)
    fraud[rng.choice(n, positives, replace=False)] = 1
    pos = fraud == 1
    amount = np.round(np.exp(rng.normal(3.5 + 0.8 * pos, 1.2)) * (1 + 20 * (rng.random(n) < 0.01)), 2)
    age = np.where(pos, rng.geometric(1 / 40, n), rng.geometric(1 / 400, n)).astype(float)
    amount[_pick(rng, pos, round(0.04 * positives), 0.01)] = np.nan
    age[_pick(rng, pos, round(0.12 * positives), 0.03)] = np.nan
    levels = np.array([f"m{j:03d}" for j in range(200)])
    weights = 1.0 / np.arange(1, 201) ** 1.1
    merchant = np.where(pos, rng.choice(levels[:40], n), rng.choice(levels, n, p=weights / weights.sum()))
    hour = np.where(pos & (rng.random(n) < 0.6), rng.integers(0, 6, n), rng.integers(0, 24, n))
    return pd.DataFrame({
        "amount": amount,
        "device_age_days": pd.array(np.where(np.isnan(age), pd.NA, age), dtype="Int64"),
        "merchant": merchant,
        "hour": hour,
        "card_present": rng.random(n) < np.where(pos, 0.2, 0.7),
        "time": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90 * 86_400, n), unit="s"),
        "fraud": fraud,
    })


def _pick(rng: np.random.Generator, pos: np.ndarray, n_pos: int, share_neg: float) -> np.ndarray:
    """(n,) bool: exactly ``n_pos`` of the positives and about ``share_neg`` of the negatives."""
    out = rng.random(len(pos)) < share_neg
    out[pos] = False
    out[rng.choice(np.flatnonzero(pos), n_pos, replace=False)] = True
    return out


def measure(model: TabularCGAN, train: pd.DataFrame, n: int, seed: int) -> list[dict]:
    """Missing shares among ``n`` sampled positives under each filter setting (same seed)."""
    rows = []
    for name, params in SETTINGS.items():
        model.set_params(**{"privacy_filter": 1.0, "label_filter": "auto", **params})
        model.attach_privacy_filter(train, "fraud")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = model.sample_frame(per_class={1: n}, random_state=seed)
        rows.append({"seed": seed, "setting": name,
                     **{c: float(frame[c].isna().mean()) for c in MISSING_COLUMNS},
                     "privacy_rejected": int(model.n_rejected_), "label_rejected": int(model.n_label_rejected_)})
    return rows


def fresh_rejection(seed: int) -> list[dict]:
    """Per missing column: the default privacy filter's rejection rate of fresh positives missing
    it and of those that have it, and the missing share among the fresh rows and the kept ones."""
    params = _Defaults().get_params()
    train = make_fraud_table(seed=seed)
    flt = fit_filter(train.drop(columns="fraud"), train["fraud"].to_numpy(), params["privacy_filter"],
                     params["privacy_filter_floor"], pinning=params["privacy_filter_pinning"])
    fresh = make_fraud_table(n=100_000, positives=1_000, seed=10_000 + seed)
    fresh = fresh[fresh["fraud"] == 1].drop(columns="fraud").reset_index(drop=True)
    rejected = flt.too_close(fresh, np.ones(len(fresh), dtype=np.int64))
    rows = []
    for c in MISSING_COLUMNS:
        miss = fresh[c].isna().to_numpy()
        rows.append({"seed": seed, "column": c, "rejected_missing": rejected[miss].mean(),
                     "rejected_present": rejected[~miss].mean(), "fresh_missing": miss.mean(),
                     "kept_missing": miss[~rejected].mean()})
    return rows


MIXED_MISSING = ("ratio", "city", "when")


def make_mixed_table(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """A user trial's table: 300 rows, about 10% positives; ``ratio`` missing in 20% of rows,
    ``city`` (3 categories) in 15%, ``when`` (a date) in 10%, at random."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(int)
    frame = pd.DataFrame({
        "age": rng.integers(18, 90, n),
        "income": np.round(rng.lognormal(10, 1, n) + y * 20000, 2),
        "region": pd.Categorical(rng.choice(["north", "south", "east", "west"], n)),
        "smoker": rng.choice(["yes", "no"], n),
        "score": np.round(rng.normal(0, 1, n) + y, 3),
    })
    r = np.random.default_rng(seed + 5)
    frame["ratio"] = np.where(r.random(n) < 0.2, np.nan, r.normal(size=n))
    frame["city"] = pd.Series(r.choice(["Oslo", "Rome", "Lima"], n), dtype=object).where(r.random(n) > 0.15, np.nan)
    frame["when"] = pd.Series(pd.to_datetime("2020-01-01")
                              + pd.to_timedelta(r.integers(0, 1000, n), unit="D")).where(r.random(n) > 0.1)
    return frame.assign(fraud=y)


def mixed_missing(seed: int, n: int) -> list[dict]:
    """Missing shares per class among ``n`` sampled rows of each class of :func:`make_mixed_table`,
    under each filter setting, from one small fit (500 steps, 64x64 networks)."""
    table = make_mixed_table(seed=seed)
    model = TabularCGAN(random_state=seed, epochs=1, min_steps=500, batch_size=100, generator_dims=(64, 64),
                        discriminator_dims=(64, 64), verbose=False).fit(table, y="fraud")
    rows = [{"seed": seed, "setting": "real", "class": k, **{c: float(part[c].isna().mean()) for c in MIXED_MISSING},
             "seconds": np.nan, "rejected": np.nan} for k, part in table.groupby("fraud")]
    for name, params in SETTINGS.items():
        model.set_params(**{"privacy_filter": 1.0, "label_filter": "auto", **params})
        model.attach_privacy_filter(table, "fraud")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            frame = model.sample_frame(per_class={0: n, 1: n}, random_state=1)
        cost = {"seconds": time.perf_counter() - start, "rejected": model.n_rejected_ + model.n_label_rejected_}
        rows += [{"seed": seed, "setting": name, "class": k, **{c: float(part[c].isna().mean()) for c in MIXED_MISSING},
                  **cost} for k, part in frame.groupby("fraud")]
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--n", type=int, default=3_000, help="positives sampled per setting")
    p.add_argument("--model-dir", type=Path, default=None, help="reuse (or keep) fitted models here")
    p.add_argument("--fresh", action="store_true", help="the privacy filter on fresh rows only (no model)")
    p.add_argument("--mixed", action="store_true", help="the user trial's 300-row mixed table (make_mixed_table)")
    args = p.parse_args()
    warnings.filterwarnings("ignore")
    if args.mixed:
        frame = pd.DataFrame([r for seed in args.seeds for r in mixed_missing(seed, args.n)])
        print(frame.to_string(float_format="{:.3f}".format))
        return
    if args.fresh:
        frame = pd.DataFrame([r for seed in args.seeds for r in fresh_rejection(seed)])
        print(frame.to_string(float_format="{:.3f}".format))
        print(frame.groupby("column").mean(numeric_only=True).drop(columns="seed").to_string(float_format="{:.3f}".format))
        return
    out = []
    for seed in args.seeds:
        train = make_fraud_table(seed=seed)
        real = train[train["fraud"] == 1]
        print(f"seed {seed}: real positives missing " + ", ".join(
            f"{c} {real[c].isna().mean():.1%}" for c in MISSING_COLUMNS), flush=True)
        path = None if args.model_dir is None else args.model_dir / f"fraud_seed{seed}"
        if path is not None and path.exists():
            model = synthaug.load(path)
        else:
            t0 = time.perf_counter()
            model = TabularCGAN(random_state=seed, verbose=False).fit(train, y="fraud")
            print(f"  fitted in {time.perf_counter() - t0:.0f} s", flush=True)
            if path is not None:
                model.save(path)
                model = synthaug.load(path)
        for row in measure(model, train, args.n, seed):
            out.append(row)
            print(f"  {row['setting']:20s} " + "  ".join(f"{c} {row[c]:5.1%}" for c in MISSING_COLUMNS)
                  + f"  rejected: privacy {row['privacy_rejected']}, label {row['label_rejected']}", flush=True)
    frame = pd.DataFrame(out)
    print(frame.groupby("setting", sort=False)[list(MISSING_COLUMNS)].mean().to_string(float_format="{:.1%}".format))


if __name__ == "__main__":
    main()
