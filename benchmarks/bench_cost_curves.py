"""Cost curves: fit seconds per epoch and sampling rows/s against rows and columns, synthaug
and CTGAN in the same run (issue 7, must-show 3).

Usage (CTGAN pins pandas<3, so run from the benchmark venv, where synthaug is importable)::

    /work/benchenv/bin/python benchmarks/bench_cost_curves.py

Method
------
* Data: :func:`make_table`, a seeded adult-like generator (no file needed). Feature kinds
  repeat every 10 columns: multimodal numerics, a zero-inflated heavy-tailed numeric,
  low/medium-cardinality categoricals and one high-cardinality categorical (150 categories)
  per 10 columns; a binary target (~24% positive) depends on a latent factor that also moves
  the features. ``columns`` counts every column including the target (adult: 15).
* Axes: rows in ``--rows`` at ``--rows-columns`` columns; columns in ``--columns`` at
  ``--columns-rows`` rows.
* Each library runs in its own long-lived child process (``--worker``) with one torch thread
  and one BLAS thread; it imports and makes one untimed warm-up fit (1,000 rows, 15 columns)
  once, then runs the points it is sent. A point that overruns ``--point-limit`` seconds
  (wall) has its child killed (a new one starts for the next point). Points are run smallest
  first, alternating the two axes, both libraries at each size.
  - synthaug: ``TabularCGAN(epochs=1, min_steps=1)``; the training loop is timed by wrapping
    its ``train_gan`` (wall and CPU); set-up (schema, encoder fit and transform, networks) is
    the rest of ``fit``. One epoch is ``ceil(n / 500)`` steps.
  - CTGAN 0.12.1: ``CTGAN(epochs=1)``; its epoch loop is stamped at each epoch boundary (its
    module's ``tqdm`` is swapped for a stamping iterator), so set-up (DataTransformer fit with
    one Bayesian GMM per numeric column, transform, data sampler, networks) is timed apart
    from the epoch. One epoch is ``n // 500`` steps. Its transform runs in joblib worker
    processes: CPU time here is the whole process tree's (this process plus its children,
    read from /proc), not only ``time.process_time``.
  - Sampling: ``min(n, --sample-cap)`` rows, decoded to a DataFrame (``sample_frame`` /
    ``CTGAN.sample``).
* Skips: along each axis, a point is not run when the previous (smaller) point of the same
  library failed, timed out, or when its total time times the size ratio (a linear, i.e.
  optimistic, extrapolation) exceeds the point limit or the remaining ``--budget-minutes``.
* Growth: the slope of log(cost) against log(size) by least squares over the points that ran
  (1 = linear, 2 = quadratic), for the set-up and the epoch separately.
* The 1-min load average is recorded around every point; wall and CPU seconds are both given
  (the machine is shared: CPU seconds are the steadier figure).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import select
import shlex
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET = "label"
KINDS = ("num_mix", "cat_low", "cat_mid", "num_mix", "cat_low", "cat_mid", "num_mix", "cat_low", "num_zero",
         "cat_high")  # repeats every 10 feature columns
CARDINALITY = {"cat_low": (2, 16), "cat_mid": (20, 40), "cat_high": (150, 150)}
BATCH = 500
LIBRARIES = ("synthaug", "ctgan")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, nargs="*", default=[1_000, 10_000, 100_000, 1_000_000])
    p.add_argument("--rows-columns", type=int, default=15, help="columns on the rows axis (default: %(default)s)")
    p.add_argument("--columns", type=int, nargs="*", default=[10, 50, 100, 500])
    p.add_argument("--columns-rows", type=int, default=10_000, help="rows on the columns axis")
    p.add_argument("--libraries", nargs="+", choices=LIBRARIES, default=list(LIBRARIES))
    p.add_argument("--point-limit", type=float, default=600.0, help="seconds per point (default: %(default)s)")
    p.add_argument("--budget-minutes", type=float, default=25.0, help="whole run (default: %(default)s)")
    p.add_argument("--sample-cap", type=int, default=100_000, help="rows sampled per point at most")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    p.add_argument("--name", default="cost_curves", help="results: NAME.md, NAME.json, NAME.png")
    p.add_argument("--render", type=Path, default=None,
                   help="write NAME.md and NAME.png again from this NAME.json, without running anything")
    p.add_argument("--worker", choices=LIBRARIES, default=None, help=argparse.SUPPRESS)  # internal: child mode
    return p.parse_args(argv)


# ---------------------------------------------------------------- data
def column_kinds(n_columns: int) -> list[str]:
    """Kinds of the ``n_columns - 1`` feature columns (the target is the last column)."""
    if n_columns < 2:
        raise ValueError(f"columns must be >= 2 (features + target); got {n_columns}")
    return [KINDS[j % len(KINDS)] for j in range(n_columns - 1)]


def _categorical(latent: np.ndarray, n_categories: int, rng: np.random.Generator) -> np.ndarray:
    """Zipf-like category codes, shifted by the latent factor (vectorised)."""
    weights = 1.0 / np.arange(1, n_categories + 1) ** 1.1
    base = np.searchsorted(np.cumsum(weights / weights.sum()), rng.random(len(latent)), side="right")
    shift = np.floor(np.clip(latent, -3, 3) * max(1, n_categories // 8)).astype(np.int64)
    return np.minimum(base, n_categories - 1) + shift  # may be negative: labels below use modulo


def make_table(n_rows: int, n_columns: int, seed: int) -> pd.DataFrame:
    """A seeded adult-like table: mixed numeric/categorical features and a binary ``label``."""
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal(n_rows)
    columns: dict[str, Any] = {}
    for j, kind in enumerate(column_kinds(n_columns)):
        crng = np.random.default_rng([seed, j])
        if kind == "num_mix":
            centres = crng.uniform(10, 60, size=3)
            comp = crng.integers(0, 3, size=n_rows)
            values = centres[comp] + crng.uniform(2, 8) * crng.standard_normal(n_rows) + 3 * latent
            columns[f"x{j}_{kind}"] = np.round(values, 1)
        elif kind == "num_zero":
            nonzero = crng.random(n_rows) < 0.08 + 0.05 * (latent > 1)
            columns[f"x{j}_{kind}"] = np.where(nonzero, np.round(crng.lognormal(8, 1, n_rows)), 0.0)
        else:
            lo, hi = CARDINALITY[kind]
            k = int(crng.integers(lo, hi + 1))
            codes = _categorical(latent, k, crng) % k
            columns[f"x{j}_{kind}"] = np.array([f"c{j}_{i}" for i in range(k)], dtype=object)[codes]
    logit = 1.6 * latent - 1.6 + 0.4 * rng.standard_normal(n_rows)
    columns[TARGET] = np.where(rng.random(n_rows) < 1 / (1 + np.exp(-logit)), ">50K", "<=50K").astype(object)
    return pd.DataFrame(columns)


def discrete_columns(frame: pd.DataFrame) -> list[str]:
    """Text columns (categoricals and the target)."""
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)]


# ---------------------------------------------------------------- clocks
def tree_cpu_seconds() -> float:
    """CPU seconds of this process plus all its live descendants (from /proc)."""
    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, list[tuple[int, float]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append((int(entry.name), (int(fields[11]) + int(fields[12])) / tick))
    stack = [os.getpid()]
    while stack:
        for pid, cpu in parents.get(stack.pop(), []):
            total += cpu
            stack.append(pid)
    return total


def stamp() -> tuple[float, float]:
    """(wall, CPU) now."""
    return time.perf_counter(), tree_cpu_seconds()


def since(start: tuple[float, float], end: tuple[float, float] | None = None) -> dict[str, float]:
    """Wall and CPU seconds between two stamps."""
    end = end or stamp()
    return {"wall_s": end[0] - start[0], "cpu_s": end[1] - start[1]}


# ---------------------------------------------------------------- one point (child process)
@contextlib.contextmanager
def synthaug_loop_timer(marks: list[tuple[float, float]]) -> Iterator[None]:
    """Stamp the clocks around synthaug's training loop (benchmark-only instrumentation)."""
    import synthaug.tabular.synthesizer as module

    original = module.train_gan

    def timed(*args: Any, **kwargs: Any) -> Any:
        marks.append(stamp())
        try:
            return original(*args, **kwargs)
        finally:
            marks.append(stamp())

    module.train_gan = timed
    try:
        yield
    finally:
        module.train_gan = original


def run_synthaug(frame: pd.DataFrame, n_sample: int, seed: int) -> dict[str, Any]:
    """Fit one epoch and sample; set-up, epoch and sampling costs."""
    import synthaug

    marks: list[tuple[float, float]] = []
    start = stamp()
    with synthaug_loop_timer(marks):
        model = synthaug.TabularCGAN(epochs=1, min_steps=1, random_state=seed).fit(frame, y=TARGET)
    end = stamp()
    t0 = stamp()
    sample = model.sample_frame(n=n_sample)
    sampling = since(t0)
    return {"setup": since(start, marks[0]), "epoch": since(marks[0], marks[1]), "fit_total": since(start, end),
            "steps_per_epoch": math.ceil(len(frame) / BATCH), "encoded_width": int(model.encoder_.output_dim_),
            "sampling": sampling, "sampled_rows": len(sample)}


def run_ctgan(frame: pd.DataFrame, n_sample: int, seed: int) -> dict[str, Any]:
    """Fit one CTGAN epoch and sample; set-up, epoch and sampling costs."""
    import ctgan.synthesizers.ctgan as module
    import torch
    from ctgan import CTGAN

    marks: list[tuple[float, float]] = []

    def stamped(iterable: Any, **_: Any) -> Iterator[Any]:
        for item in iterable:
            marks.append(stamp())
            yield item
        marks.append(stamp())

    torch.manual_seed(seed)  # CTGAN takes no seed; this child process is ours alone
    np.random.seed(seed)
    original, module.tqdm = module.tqdm, stamped
    try:
        start = stamp()
        model = CTGAN(epochs=1, verbose=False, enable_gpu=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(frame, discrete_columns(frame))
        end = stamp()
    finally:
        module.tqdm = original
    t0 = stamp()
    sample = model.sample(n_sample)
    sampling = since(t0)
    return {"setup": since(start, marks[0]), "epoch": since(marks[0], marks[1]), "fit_total": since(start, end),
            "steps_per_epoch": max(len(frame) // BATCH, 1), "encoded_width": int(model._transformer.output_dimensions),
            "sampling": sampling, "sampled_rows": len(sample)}


RUNNERS = {"synthaug": run_synthaug, "ctgan": run_ctgan}


def run_point(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the table and run one library at one size (in this process)."""
    runner = RUNNERS[spec["library"]]
    t0 = stamp()
    frame = make_table(spec["rows"], spec["columns"], spec["seed"])
    generate = since(t0)
    result = runner(frame, min(spec["rows"], spec["sample_cap"]), spec["seed"])
    return {**result, "generate_table": generate}


RESULT_PREFIX = "POINT-RESULT "


def worker_loop(library: str, seed: int) -> None:
    """Child process: warm up once (untimed), then run one point per JSON line on stdin."""
    import torch

    torch.set_num_threads(1)
    RUNNERS[library](make_table(1_000, 15, seed + 1), 1_000, seed)
    print(RESULT_PREFIX + json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        spec = json.loads(line)
        try:
            result = {"status": "ok", **run_point(spec)}
        except Exception as exc:  # reported per point, the run goes on
            result = {"status": "failed", "reason": f"{type(exc).__name__}: {str(exc)[:300]}"}
        print(RESULT_PREFIX + json.dumps(result), flush=True)


class Worker:
    """A long-lived child process for one library (imports and warm-up paid once), one torch
    thread and one BLAS thread; a point that overruns its limit kills it (restarted lazily)."""

    def __init__(self, library: str, seed: int) -> None:
        self.library, self.seed, self.proc = library, seed, None

    def _start(self) -> None:
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", self.library, "--seed", str(self.seed)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, env=env)
        self._buffer = b""
        if self._read(timeout=900.0) is None:  # the warm-up
            raise RuntimeError(f"{self.library} worker did not warm up within 900 s")

    def _read(self, timeout: float) -> dict[str, Any] | None:
        """The next result line, or None after ``timeout`` seconds (the child is then killed)."""
        deadline = time.perf_counter() + timeout
        fd = self.proc.stdout.fileno()
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                text = line.decode(errors="replace")
                if text.startswith(RESULT_PREFIX):
                    return json.loads(text[len(RESULT_PREFIX):])
            left = deadline - time.perf_counter()
            if left <= 0:
                self.close()
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise RuntimeError(f"{self.library} worker exited with {self.proc.wait()}")
                self._buffer += chunk

    def run(self, spec: dict[str, Any], limit: float) -> dict[str, Any]:
        """Run one point; adds status, elapsed seconds and the load around it."""
        if self.proc is None:
            self._start()
        load_before, t0 = load_average(), time.perf_counter()
        self.proc.stdin.write((json.dumps(spec) + "\n").encode())
        self.proc.stdin.flush()
        result = self._read(timeout=limit)
        if result is None:
            result = {"status": "timed out", "reason": f"killed after the {limit:.0f} s point limit"}
        return {**spec, **result, "elapsed_s": time.perf_counter() - t0, "load_before": load_before,
                "load_after": load_average()}

    def close(self) -> None:
        """Stop the child (it is ours: killed by its own pid)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


# ---------------------------------------------------------------- orchestration (parent)
def load_average() -> float:
    """The 1-minute load average (as ``uptime`` prints it)."""
    return round(os.getloadavg()[0], 2)


def skip_reason(previous: dict[str, Any] | None, size: int, limit: float, remaining: float) -> str | None:
    """Why a point should not run, judged from the previous (smaller) point of the same library."""
    if previous is None:
        return None
    if previous["status"] != "ok":
        return f"previous size {previous['size']:,} {previous['status']}"
    predicted = previous["elapsed_s"] * size / previous["size"]
    if predicted > limit:
        return (f"previous size {previous['size']:,} took {previous['elapsed_s']:.0f} s; linear extrapolation "
                f"{predicted:.0f} s > {limit:.0f} s point limit")
    if predicted > remaining:
        return (f"previous size {previous['size']:,} took {previous['elapsed_s']:.0f} s; linear extrapolation "
                f"{predicted:.0f} s > {remaining:.0f} s left of the run budget")
    return None


def plan(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Point specs, smallest first, alternating the axes (so the budget is shared), both
    libraries at each size."""
    rows = [("rows", n, n, args.rows_columns) for n in sorted(args.rows)]
    cols = [("columns", c, args.columns_rows, c) for c in sorted(args.columns)]
    order = [p for pair in zip(rows, cols, strict=False) for p in pair]
    order += rows[len(cols):] + cols[len(rows):]
    return [{"library": lib, "axis": axis, "size": size, "rows": r, "columns": c, "seed": args.seed,
             "sample_cap": args.sample_cap} for axis, size, r, c in order for lib in args.libraries]


def run_all(args: argparse.Namespace, deadline: float) -> list[dict[str, Any]]:
    """Run (or skip) every planned point."""
    workers = {lib: Worker(lib, args.seed) for lib in args.libraries}
    previous: dict[tuple[str, str], dict[str, Any]] = {}
    points = []
    try:
        for spec in plan(args):
            key = (spec["library"], spec["axis"])
            remaining = deadline - time.perf_counter()
            reason = skip_reason(previous.get(key), spec["size"], args.point_limit, remaining)
            if reason is None and remaining <= 0:
                reason = "run budget spent"
            point = ({**spec, "status": "skipped", "reason": reason} if reason else
                     workers[spec["library"]].run(spec, min(args.point_limit, remaining)))
            previous[key] = point
            print(summary_line(point), flush=True)
            points.append(point)
    finally:
        for worker in workers.values():
            worker.close()
    return points


def summary_line(p: dict[str, Any]) -> str:
    """One progress line per point."""
    head = f"{p['axis']}={p['size']:>7,} {p['library']:>8}:"
    if p["status"] != "ok":
        return f"{head} {p['status']} ({p['reason']})"
    return (f"{head} setup {p['setup']['wall_s']:.1f} s, epoch {p['epoch']['wall_s']:.2f} s wall / "
            f"{p['epoch']['cpu_s']:.2f} s CPU, sample {rows_per_s(p):,.0f} rows/s, load {p['load_after']}")


def rows_per_s(p: dict[str, Any], clock: str = "wall_s") -> float:
    """Sampling throughput of one point."""
    return p["sampled_rows"] / p["sampling"][clock]


def slope(points: list[dict[str, Any]], value: str) -> float | None:
    """Least-squares slope of log(value) against log(size) (needs 2 points)."""
    ok = [p for p in points if p["status"] == "ok"]
    if len(ok) < 2:
        return None
    x = np.log([p["size"] for p in ok])
    y = np.log([max(_value(p, value), 1e-9) for p in ok])
    return float(np.polyfit(x, y, 1)[0])


def _value(p: dict[str, Any], value: str) -> float:
    part, clock = value.split(".")
    if part == "sampling_cost":  # seconds per sampled row
        return p["sampling"][clock] / p["sampled_rows"]
    return p[part][clock]


def slopes(points: list[dict[str, Any]], libraries: list[str]) -> dict[str, dict[str, dict[str, float | None]]]:
    """Growth exponents per axis and library, for set-up, epoch and sampling (seconds per row)."""
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for axis in ("rows", "columns"):
        for library in libraries:
            mine = [p for p in points if p["axis"] == axis and p["library"] == library]
            values = ("setup.wall_s", "setup.cpu_s", "epoch.wall_s", "epoch.cpu_s", "sampling_cost.wall_s",
                      "sampling_cost.cpu_s")
            out.setdefault(axis, {})[library] = {
                **{v: slope(mine, v) for v in values},
                **{f"local.{v}": local_slopes(mine, v) for v in ("setup.cpu_s", "epoch.cpu_s", "sampling_cost.cpu_s")}}
    return out


def local_slopes(points: list[dict[str, Any]], value: str) -> list[float]:
    """Slopes between consecutive sizes that ran (where the growth changes)."""
    ok = [p for p in points if p["status"] == "ok"]
    return [math.log(_value(b, value) / _value(a, value)) / math.log(b["size"] / a["size"])
            for a, b in zip(ok, ok[1:], strict=False)]


def growth_word(exponent: float | None) -> str:
    """Plain-language reading of a log-log slope of a total cost."""
    if exponent is None:
        return "n/a"
    if exponent < 0.85:
        return f"{exponent:.2f} (sub-linear)"
    if exponent <= 1.15:
        return f"{exponent:.2f} (linear)"
    return f"{exponent:.2f} (worse than linear)"


def per_row_word(exponent: float | None) -> str:
    """Plain-language reading of a log-log slope of a cost per sampled row."""
    if exponent is None:
        return "n/a"
    if abs(exponent) < 0.15:
        return f"{exponent:.2f} (flat: constant rows/s)"
    return f"{exponent:.2f} ({'rises' if exponent > 0 else 'falls'})"


# ---------------------------------------------------------------- reports
def machine_info() -> dict[str, Any]:
    """Cores, versions and the synthaug code that runs."""
    import ctgan
    import torch

    import synthaug

    package = Path(synthaug.__file__).resolve().parent

    def git(*cmd: str) -> str | None:
        try:
            return subprocess.run(["git", *cmd], capture_output=True, text=True, check=True, cwd=package).stdout
        except (OSError, subprocess.CalledProcessError):
            return None

    status = git("status", "--porcelain", "--", ".")
    return {"cpu_count": os.cpu_count(), "device": "cpu", "platform": platform.platform(),
            "python": platform.python_version(), "torch": torch.__version__, "pandas": pd.__version__,
            "ctgan": ctgan.__version__, "synthaug": synthaug.__version__, "synthaug_path": str(package),
            "synthaug_commit": (git("rev-parse", "--short", "HEAD") or "").strip() or None,
            "synthaug_uncommitted": [line[3:] for line in status.splitlines()] if status else []}


def command_line() -> str:
    """The command that is running, with PYTHONPATH when it is set."""
    prefix = f"PYTHONPATH={os.environ['PYTHONPATH']} " if os.environ.get("PYTHONPATH") else ""
    return prefix + shlex.join([sys.executable, *sys.argv])


def _cell(p: dict[str, Any]) -> list[str]:
    if p["status"] != "ok":
        return [f"{p['status']}: {p['reason']}"] + [""] * 7
    return [f"{p['setup']['wall_s']:.1f} / {p['setup']['cpu_s']:.1f}",
            f"{p['epoch']['wall_s']:.2f} / {p['epoch']['cpu_s']:.2f}",
            f"{1000 * p['epoch']['cpu_s'] / p['steps_per_epoch']:.0f}", str(p["steps_per_epoch"]),
            f"{rows_per_s(p):,.0f} / {rows_per_s(p, 'cpu_s'):,.0f}", f"{p['sampled_rows']:,}",
            str(p["encoded_width"]), f"{p['load_before']} / {p['load_after']}"]


def markdown(report: dict[str, Any]) -> str:
    """The human-readable result file."""
    info, points, growth = report["machine"], report["points"], report["slopes"]
    uncommitted = ", ".join(info["synthaug_uncommitted"]) or "none"
    lines = [
        "# Cost curves: synthaug vs CTGAN against rows and columns (issue 7, must-show 3)", "",
        f"Command: `{report['command']}`  ",
        f"Machine: {info['cpu_count']} cores, CPU only, each library in its own worker process with 1 torch thread and "
        f"1 BLAS thread; torch {info['torch']}, pandas {info['pandas']}, CTGAN {info['ctgan']}; synthaug "
        f"{info['synthaug']} at commit {info['synthaug_commit']} (uncommitted changes in the package: "
        f"{uncommitted}), imported from `{info['synthaug_path']}`.  ",
        f"Load (1-min average, shared machine): {report['load_start']} at start, {report['load_end']} at end; "
        f"per point below. Started {report['started']}, took {report['minutes']:.1f} min "
        f"(point limit {report['point_limit_s']:.0f} s, run budget {report['budget_minutes']:.0f} min).", "",
        "Data: seeded adult-like generator (`make_table` in the script): per 10 feature columns 4 numerics "
        "(3 multimodal, 1 zero-inflated heavy-tailed), 3 low-cardinality (2-16), 2 medium (20-40) and 1 "
        "high-cardinality (150 categories) categorical; binary target. Columns count the target. "
        f"Rows axis at {report['rows_columns']} columns; columns axis at {report['columns_rows']:,} rows.  ",
        "Set-up = everything in `fit` before the first epoch (synthaug: schema + encoder fit + transform + "
        "networks; CTGAN: DataTransformer fit (one Bayesian GMM per numeric column) + transform + sampler + "
        "networks). Epoch = one pass (synthaug ceil(n/500) steps, CTGAN n//500 steps), measured with "
        "`epochs=1` after an untimed warm-up fit on a small table. Sampling: min(n, "
        f"{report['sample_cap']:,}) rows decoded to a DataFrame. Cells are wall / CPU seconds (CPU: the process "
        "tree, which includes CTGAN's joblib workers).", "",
        "| axis | size | library | set-up s (wall / CPU) | 1 epoch s (wall / CPU) | CPU ms per step | steps | "
        "sampling rows/s (wall / per CPU s) | rows sampled | encoded width | load before / after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in points:
        lines.append(f"| {p['axis']} | {p['size']:,} | {p['library']} | " + " | ".join(_cell(p)) + " |")
    lines += ["", "## How cost grows (slope of log cost against log size, CPU seconds; 1 = linear)", "",
              "Fitted slope over all points that ran; in brackets the slopes between consecutive sizes.", "",
              "| axis | library | set-up | 1 epoch | sampling CPU seconds per row |", "| --- | --- | --- | --- | --- |"]
    for axis, by_lib in growth.items():
        for library, s in by_lib.items():
            local = {k: ", ".join(f"{x:.2f}" for x in s.get(f"local.{k}", [])) for k in
                     ("setup.cpu_s", "epoch.cpu_s", "sampling_cost.cpu_s")}
            lines.append(f"| {axis} | {library} | {growth_word(s['setup.cpu_s'])} [{local['setup.cpu_s']}] | "
                         f"{growth_word(s['epoch.cpu_s'])} [{local['epoch.cpu_s']}] | "
                         f"{per_row_word(s['sampling_cost.cpu_s'])} [{local['sampling_cost.cpu_s']}] |")
    lines += ["", "Wall-clock slopes are in the JSON. On the rows axis the sampled rows are capped, so a flat "
              "per-row sampling cost means rows/s does not depend on the size of the training table.", "",
              f"Plot: `{report['name']}.png`.", ""]
    if report.get("rendered"):
        lines += [f"This file and the plot were written again from `{report['name']}.json` by "
                  f"`{report['rendered']}` (the figures are the run's; only the wording changed).", ""]
    return "\n".join(lines)


def plot(points: list[dict[str, Any]], path: Path) -> None:
    """Four log-log panels: epoch and sampling against rows and columns, both libraries."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    measures = [("setup", "set-up CPU s", lambda p: p["setup"]["cpu_s"]),
                ("epoch", "1 epoch CPU s", lambda p: p["epoch"]["cpu_s"]),
                ("sampling", "sampling rows per CPU s", lambda p: rows_per_s(p, "cpu_s"))]
    for row, axis in enumerate(("rows", "columns")):
        for col, (_, label, get) in enumerate(measures):
            ax = axes[row, col]
            for library, marker in (("synthaug", "o-"), ("ctgan", "s--")):
                ok = [p for p in points if p["axis"] == axis and p["library"] == library and p["status"] == "ok"]
                if ok:
                    ax.plot([p["size"] for p in ok], [get(p) for p in ok], marker, label=library)
                missed = [p for p in points if p["axis"] == axis and p["library"] == library and p["status"] != "ok"]
                for p in missed:
                    ax.axvline(p["size"], color="grey", lw=0.8, ls=":")
                    ax.annotate(f"{library}: {p['status']}", (p["size"], 0.5), xycoords=("data", "axes fraction"),
                                rotation=90, ha="right", va="center", fontsize=8, color="grey")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel(axis)
            ax.set_ylabel(label)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend()
    fig.suptitle("synthaug vs CTGAN cost (1 thread; dotted lines: points not run)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    """Run both axes (or re-render, or serve as a worker) and write NAME.md, NAME.json and NAME.png."""
    args = parse_args(argv)
    if args.worker is not None:
        worker_loop(args.worker, args.seed)
        return
    if args.render is not None:
        report = json.loads(args.render.read_text())
        report["slopes"] = slopes(report["points"], sorted({p["library"] for p in report["points"]}, reverse=True))
        report["rendered"] = command_line()
        args.render.write_text(json.dumps(report, indent=2) + "\n")
        args.render.with_suffix(".md").write_text(markdown(report))
        plot(report["points"], args.render.with_suffix(".png"))
        print(markdown(report))
        return
    started, load_start, t0 = time.strftime("%Y-%m-%d %H:%M:%S"), load_average(), time.perf_counter()
    deadline = t0 + 60 * args.budget_minutes
    points = run_all(args, deadline)
    report = {"command": command_line(), "machine": machine_info(), "started": started, "load_start": load_start,
              "load_end": load_average(), "minutes": (time.perf_counter() - t0) / 60, "name": args.name,
              "point_limit_s": args.point_limit, "budget_minutes": args.budget_minutes,
              "rows_columns": args.rows_columns, "columns_rows": args.columns_rows, "sample_cap": args.sample_cap,
              "points": points, "slopes": slopes(points, args.libraries)}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out_dir / f"{args.name}.md").write_text(markdown(report))
    plot(points, args.out_dir / f"{args.name}.png")
    print(markdown(report))


if __name__ == "__main__":
    main()
