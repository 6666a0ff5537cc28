"""Training seconds per epoch and sampling rows/s, synthaug vs CTGAN 0.12, in one process.

Usage (CTGAN pins pandas<3, so run from the benchmark venv)::

    /work/benchenv/bin/python benchmarks/bench_speed.py --data ../shared/datasets/adult.csv

Method
------
* Epoch time excludes data-transformer fitting for both libraries.
  synthaug: fit with ``epochs=k_lo`` and ``epochs=k_hi`` (``min_steps=1``) and take
  ``(wall(k_hi) - wall(k_lo)) / (k_hi - k_lo)``; the encoder fit, schema inference and network
  set-up cancel out. Its ``fit_seconds_`` (training loop only) divided by k is a cross-check.
  CTGAN: its epoch loop is instrumented (``ctgan.synthesizers.ctgan.tqdm`` is swapped for an
  iterator that stamps the clock at each epoch boundary), so everything before the first epoch
  (Bayesian-GMM transformer fit, transform, network set-up) is timed separately as "setup".
  The first epoch of every CTGAN fit is reported but left out of the median (warm-up).
* Both libraries run their own defaults at batch 500: one synthaug epoch is
  ``ceil(n / 500)`` steps, one CTGAN epoch ``n // 500`` steps; seconds per step are reported too.
* Each round runs synthaug K_LO, CTGAN, synthaug K_HI, so load from other jobs hits both;
  medians over rounds. Wall time and the process's CPU time (``time.process_time``) are both
  reported: on a shared machine CPU time is the steadier figure of the two.
* Sampling: 50,000 rows with ``TabularCGAN.sample`` and ``CTGAN.sample`` (both return decoded
  tables), and ``TabularCGAN.write_sample`` to Parquet; one warm-up call each, then medians.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from _benchutil import (
    RESULTS_DIR,
    load_snapshot,
    machine_info,
    median,
    set_threads,
    string_columns,
    write_results,
)

import synthaug

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "adult.csv"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="adult.csv (default: %(default)s)")
    p.add_argument("--target", default="income")
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--synthaug-epochs", type=int, nargs=2, default=(1, 4), metavar=("K_LO", "K_HI"),
                   help="two epoch counts whose wall-time difference gives one epoch")
    p.add_argument("--ctgan-epochs", type=int, default=3,
                   help="epochs per CTGAN fit (>= 2; the first is warm-up)")
    p.add_argument("--rounds", type=int, default=3, help="interleaved training rounds")
    p.add_argument("--sample-n", type=int, default=50_000)
    p.add_argument("--sample-repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=None,
                   help="torch intra-op threads for both libraries (default: torch's default)")
    p.add_argument("--budget-minutes", type=float, default=25.0,
                   help="start no new training round once the projected time exceeds this")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    p.add_argument("--stem", default="speed", help="result file name stem")
    args = p.parse_args(argv)
    if args.ctgan_epochs < 2:
        p.error("--ctgan-epochs must be >= 2 (the first epoch is warm-up)")
    if not 1 <= args.synthaug_epochs[0] < args.synthaug_epochs[1]:
        p.error("--synthaug-epochs needs 1 <= K_LO < K_HI")
    return args


def load_table(path: Path, target: str) -> pd.DataFrame:
    """Read the CSV and check the target column is there."""
    frame = pd.read_csv(path)
    if target not in frame.columns:
        raise SystemExit(f"{path}: no column {target!r}; columns are {list(frame.columns)}")
    return frame


# ---------------------------------------------------------------- training
def now() -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): CPU time is less sensitive to other jobs."""
    return time.perf_counter(), time.process_time()


def elapsed(start: tuple[float, float], end: tuple[float, float]) -> dict[str, float]:
    return {"wall": end[0] - start[0], "cpu": end[1] - start[1]}


class _EpochStamps:
    """Stands in for ``tqdm(range(epochs))`` inside CTGAN.fit and stamps each epoch boundary."""

    last: _EpochStamps | None = None

    def __init__(self, iterable, *args, **kwargs) -> None:
        self.iterable = iterable
        self.stamps: list[tuple[float, float]] = []
        _EpochStamps.last = self

    def __iter__(self) -> Iterator:
        for item in self.iterable:
            self.stamps.append(now())
            yield item
        self.stamps.append(now())

    def set_description(self, *args, **kwargs) -> None:
        pass


@contextlib.contextmanager
def ctgan_epoch_timer() -> Iterator[type[_EpochStamps]]:
    """Temporarily replace the tqdm CTGAN's fit loops over, to read per-epoch times."""
    import ctgan.synthesizers.ctgan as module

    original = module.tqdm
    module.tqdm = _EpochStamps
    try:
        yield _EpochStamps
    finally:
        module.tqdm = original


def fit_synthaug(frame: pd.DataFrame, target: str, epochs: int, batch_size: int, seed: int):
    """Fit TabularCGAN for exactly ``epochs`` epochs; returns (timing dict, model)."""
    model = synthaug.TabularCGAN(random_state=seed, epochs=epochs, min_steps=1,
                                 batch_size=batch_size, verbose=False)
    start = now()
    model.fit(frame, y=target)
    spent = elapsed(start, now())
    return {"epochs": epochs, "steps": epochs * math.ceil(len(frame) / batch_size),
            "wall_seconds": spent["wall"], "cpu_seconds": spent["cpu"],
            "loop_seconds": float(model.fit_seconds_)}, model


def fit_ctgan(frame: pd.DataFrame, epochs: int, batch_size: int, seed: int):
    """Fit CTGAN (its defaults, discrete = string columns); returns (timing dict, model)."""
    from ctgan import CTGAN

    np.random.seed(seed)  # CTGAN.fit draws from the global RNGs; seed them for repeatability
    torch.manual_seed(seed)
    model = CTGAN(epochs=epochs, batch_size=batch_size, verbose=False)
    with ctgan_epoch_timer() as stamps_cls:
        start = now()
        model.fit(frame, discrete_columns=string_columns(frame))
        end = now()
    stamps = stamps_cls.last.stamps
    epochs_spent = [elapsed(a, b) for a, b in zip(stamps[:-1], stamps[1:], strict=True)]
    return {"epochs": epochs, "steps_per_epoch": max(len(frame) // batch_size, 1),
            "wall_seconds": elapsed(start, end)["wall"],
            "setup_seconds": elapsed(start, stamps[0])["wall"],
            "setup_cpu_seconds": elapsed(start, stamps[0])["cpu"],
            "epoch_seconds": [e["wall"] for e in epochs_spent],
            "epoch_cpu_seconds": [e["cpu"] for e in epochs_spent]}, model


def warm_up(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    """One untimed small fit of each library: imports, allocator and first-call costs."""
    small = frame.sample(n=min(len(frame), 1000), random_state=args.seed)
    fit_synthaug(small, args.target, 1, args.batch_size, args.seed)
    fit_ctgan(small, 1, args.batch_size, args.seed)


def training_round(frame: pd.DataFrame, args: argparse.Namespace, r: int) -> tuple[dict, Any, Any]:
    """synthaug at K_LO, CTGAN, synthaug at K_HI (CTGAN in the middle, so both see similar load)."""
    k_lo, k_hi = args.synthaug_epochs
    seed = args.seed + r
    load_before = load_snapshot()
    lo, _ = fit_synthaug(frame, args.target, k_lo, args.batch_size, seed)
    ct, ct_model = fit_ctgan(frame, args.ctgan_epochs, args.batch_size, seed)
    hi, sa_model = fit_synthaug(frame, args.target, k_hi, args.batch_size, seed)
    sa = {c: (hi[f"{c}_seconds"] - lo[f"{c}_seconds"]) / (k_hi - k_lo) for c in ("wall", "cpu")}
    ctm = {"wall": median(ct["epoch_seconds"][1:]), "cpu": median(ct["epoch_cpu_seconds"][1:])}
    record = {"round": r, "synthaug_lo": lo, "synthaug_hi": hi, "ctgan": ct,
              "synthaug_epoch_seconds": sa["wall"], "synthaug_epoch_cpu_seconds": sa["cpu"],
              "ctgan_epoch_seconds_median": ctm["wall"], "ctgan_epoch_cpu_seconds_median": ctm["cpu"],
              "epoch_speedup": ctm["wall"] / sa["wall"], "epoch_speedup_cpu": ctm["cpu"] / sa["cpu"],
              "load_before": load_before, "load_after": load_snapshot()}
    print(f"round {r}: synthaug epoch {sa['wall']:.2f} s wall / {sa['cpu']:.2f} s CPU (loop-only "
          f"{hi['loop_seconds'] / k_hi:.2f}); CTGAN epochs {[round(s, 2) for s in ct['epoch_seconds']]} s"
          f" wall / {[round(s, 2) for s in ct['epoch_cpu_seconds']]} s CPU, setup {ct['setup_seconds']:.1f} s;"
          f" speed-up {record['epoch_speedup']:.2f}x wall, {record['epoch_speedup_cpu']:.2f}x CPU;"
          f" load {load_before['loadavg_1_5_15']}", flush=True)
    return record, sa_model, ct_model


def measure_training(frame: pd.DataFrame, args: argparse.Namespace) -> tuple[dict, Any, Any]:
    """Rounds of synthaug and CTGAN fits, within the time budget."""
    rounds = []
    warm_up(frame, args)
    started = time.perf_counter()
    for r in range(args.rounds):
        record, sa_model, ct_model = training_round(frame, args, r)
        rounds.append(record)
        spent = time.perf_counter() - started
        if spent * (r + 2) / (r + 1) > args.budget_minutes * 60 and r + 1 < args.rounds:
            print(f"budget: stopping after {r + 1} round(s) ({spent / 60:.1f} min)", flush=True)
            break
    return summarise_training(rounds, len(frame), args), sa_model, ct_model


def spread(values: list[float]) -> float:
    """max / min: 1.0 when repeated timings agree; large when other jobs disturbed them."""
    return float(max(values) / min(values)) if min(values) > 0 else float("inf")


def summarise_training(rounds: list[dict], n_rows: int, args: argparse.Namespace) -> dict:
    """Medians over rounds (CTGAN: over all post-warm-up epochs) and the speed-ups."""
    k_hi = args.synthaug_epochs[1]
    sa_steps = math.ceil(n_rows / args.batch_size)
    ct_steps = max(n_rows // args.batch_size, 1)
    out: dict[str, Any] = {"rounds": rounds, "synthaug_steps_per_epoch": sa_steps,
                           "ctgan_steps_per_epoch": ct_steps}
    for clock, suffix in (("wall", ""), ("cpu", "_cpu")):
        sa = median([r[f"synthaug_epoch{suffix}_seconds"] for r in rounds])
        ct = median([s for r in rounds for s in r["ctgan"][f"epoch{suffix}_seconds"][1:]])
        out[clock] = {
            "synthaug_epoch_seconds": sa, "ctgan_epoch_seconds": ct,
            "synthaug_step_ms": 1000 * sa / sa_steps, "ctgan_step_ms": 1000 * ct / ct_steps,
            "epoch_speedup": ct / sa, "step_speedup": (ct / ct_steps) / (sa / sa_steps),
            "epoch_speedup_per_round": [r[f"epoch_speedup{suffix}"] for r in rounds],
            "epoch_speedup_median_of_rounds": median([r[f"epoch_speedup{suffix}"] for r in rounds]),
        }
    fits = [r[k] for r in rounds for k in ("synthaug_lo", "synthaug_hi")]
    best_sa = min(f["loop_seconds"] / f["epochs"] for f in fits)
    best_ct = min(s for r in rounds for s in r["ctgan"]["epoch_seconds"][1:])
    # fastest repeat, wall: the closest these runs come to an idle machine
    out["best"] = {"synthaug_epoch_seconds": best_sa, "ctgan_epoch_seconds": best_ct,
                   "epoch_speedup": best_ct / best_sa}
    out["spread"] = {
        "synthaug_epoch_over_rounds": spread([r["synthaug_epoch_seconds"] for r in rounds]),
        "ctgan_epoch_over_epochs": spread([s for r in rounds for s in r["ctgan"]["epoch_seconds"][1:]]),
        "synthaug_loop_per_epoch_lo_vs_hi": max(
            spread([r["synthaug_lo"]["loop_seconds"] / r["synthaug_lo"]["epochs"],
                    r["synthaug_hi"]["loop_seconds"] / r["synthaug_hi"]["epochs"]]) for r in rounds),
    }
    out["synthaug_epoch_seconds_loop_only"] = median([r["synthaug_hi"]["loop_seconds"] / k_hi
                                                      for r in rounds])
    out["ctgan_first_epoch_seconds"] = [r["ctgan"]["epoch_seconds"][0] for r in rounds]
    out["ctgan_setup_seconds"] = [r["ctgan"]["setup_seconds"] for r in rounds]
    return out


# ---------------------------------------------------------------- sampling
def check_synthaug_sample(X: pd.DataFrame, y: pd.Series, frame: pd.DataFrame, target: str, n: int) -> list[str]:
    """Problems with a synthaug sample: row count, columns, dtypes, unseen categories."""
    problems = []
    if len(X) != n or len(y) != n:
        problems.append(f"asked for {n} rows, got X {len(X)} / y {len(y)}")
    expected = [c for c in frame.columns if c != target]
    if list(X.columns) != expected:
        problems.append(f"columns {list(X.columns)} != training {expected}")
    for col in set(X.columns) & set(expected):
        if X[col].dtype != frame[col].dtype:
            problems.append(f"{col}: dtype {X[col].dtype} != training {frame[col].dtype}")
    unseen = set(y.unique()) - set(frame[target].unique())
    if unseen:
        problems.append(f"unseen labels {sorted(map(str, unseen))}")
    return problems


def time_call(func: Callable[[], Any], times: dict[str, list[float]], key: str) -> Any:
    """Call ``func``, appending its wall and CPU seconds to ``times[key]`` / ``times[key_cpu]``."""
    start = now()
    result = func()
    spent = elapsed(start, now())
    times[key].append(spent["wall"])
    times[f"{key}_cpu"].append(spent["cpu"])
    return result


def measure_sampling(sa_model, ct_model, frame: pd.DataFrame, args: argparse.Namespace) -> dict:
    """Median rows/s of synthaug sample, synthaug write_sample (Parquet) and CTGAN sample."""
    n = args.sample_n
    keys = ("synthaug_sample", "synthaug_write_parquet", "ctgan_sample")
    times: dict[str, list[float]] = {k + s: [] for k in keys for s in ("", "_cpu")}
    loads, problems = [load_snapshot()], []
    with tempfile.TemporaryDirectory(prefix="synthaug-bench-") as tmp:
        out = Path(tmp) / "sample.parquet"
        sa_model.sample(n=1000, random_state=0)  # warm-up
        ct_model.sample(1000)
        for r in range(args.sample_repeats):
            X, y = time_call(lambda r=r: sa_model.sample(n=n, random_state=r), times, keys[0])
            problems += check_synthaug_sample(X, y, frame, args.target, n)
            rows = time_call(lambda r=r: sa_model.write_sample(out, n=n, random_state=r), times, keys[1])
            if rows != n or len(pd.read_parquet(out)) != n:
                problems.append(f"write_sample wrote {rows} rows, asked for {n}")
            ct_rows = time_call(lambda: ct_model.sample(n), times, keys[2])
            if len(ct_rows) != n:
                problems.append(f"CTGAN returned {len(ct_rows)} rows, asked for {n}")
        loads.append(load_snapshot())
    rows_per_s = {k: n / median(v) for k, v in times.items()}
    ratios = {f"{key}{s}_vs_ctgan_sample": rows_per_s[f"{key}{s}"] / rows_per_s[f"ctgan_sample{s}"]
              for key in keys[:2] for s in ("", "_cpu")}
    return {"n": n, "repeats": args.sample_repeats, "seconds": times, "rows_per_second": rows_per_s,
            "speedups": ratios, "spread": {k: spread(v) for k, v in times.items() if not k.endswith("_cpu")},
            "synthaug_sample_problems": problems, "load": loads}


# ---------------------------------------------------------------- report
UNSTABLE = 1.5


def stability_line(train_spread: dict[str, float], sample_spread: dict[str, float]) -> str:
    """Max/min of repeated timings, with a warning when they disagree by more than 1.5x."""
    spreads = {**train_spread, **{f"{k} (sampling)": v for k, v in sample_spread.items()}}
    text = "Stability (max/min of repeats): " + ", ".join(f"{k} {v:.2f}" for k, v in spreads.items()) + "."
    bad = [k for k, v in spreads.items() if v > UNSTABLE]
    if bad:
        text += (f" **WARNING: repeats disagree by more than {UNSTABLE}x ({', '.join(bad)}); other jobs"
                 " disturbed this run, so its ratios are not reliable.**")
    return text


def render_markdown(result: dict) -> str:
    """A short human-readable table of the headline figures."""
    tr, sm, info = result["training"], result["sampling"], result["machine"]
    loads = [r[k]["loadavg_1_5_15"][0] for r in tr["rounds"] for k in ("load_before", "load_after")]
    loads += [s["loadavg_1_5_15"][0] for s in sm["load"]]
    rps, up = sm["rows_per_second"], sm["speedups"]
    w, c, b = tr["wall"], tr["cpu"], tr["best"]
    dirty = info.get("synthaug_uncommitted_changes")
    lines = [
        f"# Speed: synthaug vs CTGAN {info['ctgan']} on adult ({result['n_rows']:,} rows)",
        "",
        f"Command: `{result['command']}`  ",
        f"Machine: {info['cpu_count']} cores, CPU only, torch {info['torch']} with "
        f"{info['torch_threads']} intra-op thread(s) (interop {info['torch_interop_threads']}); "
        f"pandas {info['pandas']}; synthaug {info['synthaug']} at commit {info['synthaug_commit']}"
        + (f" (uncommitted changes in {', '.join(dirty)})" if dirty else "") + ".  ",
        f"1-min load average during the run: {min(loads):.2f} to {max(loads):.2f} "
        "(shared machine; other jobs running).  ",
        f"Started {result['started']}, took {result['minutes']:.1f} min; "
        f"{len(tr['rounds'])} training round(s), {sm['repeats']} sampling repeats.",
        "",
        "| measure | synthaug | CTGAN | ratio (target) |",
        "| --- | --- | --- | --- |",
        f"| seconds per epoch, batch {result['batch_size']}, wall (median) | "
        f"{w['synthaug_epoch_seconds']:.2f} | {w['ctgan_epoch_seconds']:.2f} | "
        f"{w['epoch_speedup']:.1f}x faster (>= 5x) |",
        f"| seconds per epoch, CPU time of the process (median) | "
        f"{c['synthaug_epoch_seconds']:.2f} | {c['ctgan_epoch_seconds']:.2f} | "
        f"{c['epoch_speedup']:.1f}x |",
        f"| seconds per epoch, fastest repeat, wall (synthaug: `fit_seconds_ / k`) | "
        f"{b['synthaug_epoch_seconds']:.2f} | {b['ctgan_epoch_seconds']:.2f} | {b['epoch_speedup']:.1f}x |",
        f"| steps per epoch | {tr['synthaug_steps_per_epoch']} | {tr['ctgan_steps_per_epoch']} | |",
        f"| ms per generator step, wall | {w['synthaug_step_ms']:.0f} | {w['ctgan_step_ms']:.0f} | "
        f"{w['step_speedup']:.1f}x |",
        f"| sample {sm['n']:,} rows, rows/s wall (median) | {rps['synthaug_sample']:,.0f} | "
        f"{rps['ctgan_sample']:,.0f} | {up['synthaug_sample_vs_ctgan_sample']:.1f}x faster (>= 3x) |",
        f"| sample {sm['n']:,} rows, rows per CPU second | {rps['synthaug_sample_cpu']:,.0f} | "
        f"{rps['ctgan_sample_cpu']:,.0f} | {up['synthaug_sample_cpu_vs_ctgan_sample']:.1f}x |",
        f"| write_sample {sm['n']:,} rows to Parquet, rows/s wall | "
        f"{rps['synthaug_write_parquet']:,.0f} | n/a | "
        f"{up['synthaug_write_parquet_vs_ctgan_sample']:.1f}x CTGAN's sample |",
        "",
        "Epoch speed-up per round (CTGAN median epoch / synthaug epoch, same round): wall "
        + ", ".join(f"{x:.2f}" for x in w["epoch_speedup_per_round"])
        + f" (median {w['epoch_speedup_median_of_rounds']:.2f}); CPU "
        + ", ".join(f"{x:.2f}" for x in c["epoch_speedup_per_round"])
        + f" (median {c['epoch_speedup_median_of_rounds']:.2f}).",
        "",
        f"synthaug epoch from its training loop alone (`fit_seconds_ / k`): "
        f"{tr['synthaug_epoch_seconds_loop_only']:.2f} s. CTGAN set-up before its first epoch "
        f"(transformer fit + transform, excluded above): "
        f"{', '.join(f'{s:.1f}' for s in tr['ctgan_setup_seconds'])} s; CTGAN first (warm-up) "
        f"epochs, excluded: {', '.join(f'{s:.2f}' for s in tr['ctgan_first_epoch_seconds'])} s.",
        "",
        stability_line(tr["spread"], sm["spread"]),
        "",
        "synthaug sample checks: "
        + ("; ".join(sorted(set(sm["synthaug_sample_problems"])))
           or "row counts, column order, dtypes, labels OK") + ".",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    set_threads(args.threads)
    warnings.filterwarnings("ignore", category=FutureWarning)
    frame = load_table(args.data, args.target)
    started, t0 = time.strftime("%Y-%m-%d %H:%M:%S"), time.perf_counter()
    info = machine_info()
    print(f"torch threads: {info['torch_threads']} (interop {info['torch_interop_threads']}),"
          f" cores: {info['cpu_count']}, load {load_snapshot()['loadavg_1_5_15']}", flush=True)
    training, sa_model, ct_model = measure_training(frame, args)
    sampling = measure_sampling(sa_model, ct_model, frame, args)
    result = {
        "benchmark": "speed", "command": "python benchmarks/bench_speed.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "started": started, "minutes": (time.perf_counter() - t0) / 60, "machine": info,
        "data": str(args.data), "n_rows": len(frame), "batch_size": args.batch_size,
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "training": training, "sampling": sampling,
    }
    markdown = render_markdown(result)
    print(markdown)
    write_results(args.out_dir, args.stem, result, markdown)
    return result


if __name__ == "__main__":
    main()
