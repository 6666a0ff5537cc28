"""Streaming sampling: peak memory and rows/s of ``synthaug sample`` to Parquet (issue 7, must-show 2).

Usage::

    python benchmarks/bench_streaming.py --data /work/shared/datasets/adult.csv

Method
------
* Fit an adult-shaped model with a tiny budget (``epochs=1, min_steps=1``): sampling cost
  depends on the network and the encoder, not on how long the model trained. Save it.
* For each ``--sizes`` value run, as a child process,
  ``/usr/bin/time -v synthaug sample MODEL --n N -o OUT.parquet --quiet`` (the CLI's default
  chunk size, read from ``TabularCGAN.write_sample``'s signature; this run decides the target),
  then the same with ``--chunk-size C`` for each ``--extra-chunk-sizes`` value at the sizes up
  to ``--extra-max-rows`` (what the peak is made of), and read "Maximum resident set size",
  wall clock, user and system time from GNU time's report. rows/s = N / wall seconds; rows
  per CPU second = N / (user + system). Peak RSS is in MiB (GNU time's kbytes / 1024); the target "under 1 GB"
  is read as under 1 GiB = 1024 MiB, and the decimal reading (1000 MB) is reported too.
* ``synthaug --help`` under the same GNU time gives the RSS of the CLI's imports alone.
* Check the Parquet file's row count from its metadata, record its size, then delete it.
* The 1-min load average is recorded before and after each run (the machine is shared).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import torch

import synthaug

RESULTS_DIR = Path(__file__).resolve().parent / "results"
RSS_TARGET_MIB = 1024.0  # 1 GiB
GNU_TIME = "/usr/bin/time"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; every path is an argument."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, required=True, help="adult.csv")
    p.add_argument("--target", default="income")
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000, 10_000_000])
    p.add_argument("--extra-chunk-sizes", type=int, nargs="*", default=[100_000, 20_000],
                   help="also run the sizes up to --extra-max-rows with these --chunk-size values")
    p.add_argument("--extra-max-rows", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch threads of the fit (default: %(default)s)")
    p.add_argument("--workdir", type=Path, default=None,
                   help="where the model and the Parquet files go (default: a fresh temporary directory)")
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    p.add_argument("--name", default="streaming", help="result files are NAME.md and NAME.json")
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
    """Cores, memory, versions and the synthaug code that runs."""
    package = Path(synthaug.__file__).resolve().parent
    state = git_state(package)
    return {"cpu_count": os.cpu_count(), "device": "cpu", "platform": platform.platform(),
            "python": platform.python_version(), "torch": torch.__version__, "pandas": pd.__version__,
            "memory_total_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "synthaug": synthaug.__version__, "synthaug_path": str(package),
            "synthaug_commit": state["commit"], "synthaug_uncommitted": state["uncommitted"]}


def load_average() -> float:
    """The 1-minute load average (as ``uptime`` prints it)."""
    return round(os.getloadavg()[0], 2)


def command_line() -> str:
    """The command that is running, with PYTHONPATH when it is set."""
    prefix = f"PYTHONPATH={os.environ['PYTHONPATH']} " if os.environ.get("PYTHONPATH") else ""
    return prefix + shlex.join(["python", *sys.argv])


# ---------------------------------------------------------------- steps
def fit_and_save(data: Path, target: str, seed: int, directory: Path) -> tuple[Path, dict[str, Any]]:
    """Fit the tiny-budget adult model and save it; returns its path and a summary."""
    frame = pd.read_csv(data)
    started = time.perf_counter()
    model = synthaug.TabularCGAN(random_state=seed, epochs=1, min_steps=1).fit(frame, y=target)
    path = model.save(directory / "adult_tiny_model")
    size = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
    return Path(path), {"rows": len(frame), "columns": frame.shape[1], "fit_wall_s": time.perf_counter() - started,
                        "model_bytes": size, "encoded_width": int(model.encoder_.output_dim_)}


def parse_gnu_time(report: str) -> dict[str, float]:
    """Peak RSS (MB), wall, user and system seconds from ``/usr/bin/time -v`` output."""
    def field(label: str) -> str:
        match = re.search(rf"^\s*{re.escape(label)}: (.+)$", report, flags=re.MULTILINE)
        if match is None:
            raise ValueError(f"GNU time report has no {label!r} line:\n{report}")
        return match.group(1).strip()

    clock = [float(x) for x in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(v * 60 ** i for i, v in enumerate(reversed(clock)))
    return {"max_rss_mib": int(field("Maximum resident set size (kbytes)")) / 1024, "wall_s": wall,
            "user_s": float(field("User time (seconds)")), "system_s": float(field("System time (seconds)")),
            "cpu_percent": float(field("Percent of CPU this job got").rstrip("%")),
            "exit_status": int(field("Exit status"))}


def imports_only(synthaug_exe: str) -> dict[str, float]:
    """GNU time of ``synthaug --help``: the memory of the CLI's imports alone."""
    proc = subprocess.run([GNU_TIME, "-v", synthaug_exe, "--help"], capture_output=True, text=True)
    return parse_gnu_time(proc.stderr)


def default_chunk_size() -> int:
    """The chunk size ``write_sample`` (and so ``synthaug sample``) uses when none is given."""
    return int(inspect.signature(synthaug.TabularCGAN.write_sample).parameters["chunk_size"].default)


def sample_once(synthaug_exe: str, model: Path, n: int, chunk: int | None, out: Path, seed: int) -> dict[str, Any]:
    """Run ``synthaug sample`` under GNU time (``chunk=None``: no --chunk-size); check and delete the output."""
    cmd = [GNU_TIME, "-v", synthaug_exe, "sample", str(model), "--n", str(n), "-o", str(out), "--quiet",
           "--seed", str(seed)] + ([] if chunk is None else ["--chunk-size", str(chunk)])
    load_before = load_average()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    measured = parse_gnu_time(proc.stderr)
    if proc.returncode != 0 or measured["exit_status"] != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed with exit {proc.returncode}:\n{proc.stderr[-3000:]}")
    meta = pq.ParquetFile(out).metadata
    row = {"n": n, "chunk_size": chunk or default_chunk_size(), "chunk_flag": chunk is not None,
           "command": shlex.join(cmd), **measured, "rows_in_file": meta.num_rows,
           "row_groups": meta.num_row_groups, "file_mb": out.stat().st_size / 2**20,
           "rows_per_s": n / measured["wall_s"], "rows_per_cpu_s": n / (measured["user_s"] + measured["system_s"]),
           "load_before": load_before, "load_after": load_average()}
    out.unlink()
    print(f"n={n:,} chunk={row['chunk_size']:,}{'' if chunk else ' (default)'}: peak RSS "
          f"{row['max_rss_mib']:.0f} MiB, {row['wall_s']:.1f} s wall, {row['rows_per_s']:,.0f} rows/s, "
          f"{row['rows_per_cpu_s']:,.0f} rows/CPU-s", flush=True)
    return row


def markdown(report: dict[str, Any]) -> str:
    """The human-readable result file."""
    info, model, rows = report["machine"], report["model"], report["runs"]
    uncommitted = ", ".join(info["synthaug_uncommitted"]) or "none"
    default = [r for r in rows if not r["chunk_flag"]]
    biggest = max(default, key=lambda r: r["n"])
    lines = [
        "# Streaming sampling to Parquet: peak memory and rows/s (issue 7, must-show 2)", "",
        f"Command: `{report['command']}`  ",
        f"Machine: {info['cpu_count']} cores, CPU only, {info['memory_total_gb']} GB RAM; torch {info['torch']}; "
        f"synthaug {info['synthaug']} at commit {info['synthaug_commit']} (uncommitted changes in the package: "
        f"{uncommitted}), imported from `{info['synthaug_path']}`; sampling CLI `{report['synthaug_exe']}`.  ",
        f"Load (1-min average, shared machine): {report['load_start']} at start, {report['load_end']} at end; "
        f"per run below. Started {report['started']}, took {report['minutes']:.1f} min.", "",
        f"Model: `TabularCGAN(epochs=1, min_steps=1, random_state={report['seed']})` on all {model['rows']:,} rows "
        f"of `{report['data']}` ({model['columns']} columns incl. the target; encoded width "
        f"{model['encoded_width']}); model directory {model['model_bytes'] / 1024:.0f} KB. Each run: "
        "`/usr/bin/time -v synthaug sample MODEL --n N -o OUT.parquet --quiet --seed 0` (default chunk size "
        f"{report['default_chunk_size']:,}), then with `--chunk-size C`; "
        "the output's row count is checked from its Parquet metadata, then the file is deleted.  ",
        f"`synthaug --help` alone (the CLI's imports): peak RSS {report['imports_only']['max_rss_mib']:.0f} MiB.", "",
        "| rows | chunk size | peak RSS (MiB) | wall s | user + sys s | CPU % | rows/s (wall) | rows per CPU s | "
        "rows in file | row groups | file MB | load before/after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['chunk_size']:,}{'' if r['chunk_flag'] else ' (default)'} | "
            f"{r['max_rss_mib']:.0f} | {r['wall_s']:.1f} | {r['user_s'] + r['system_s']:.1f} | "
            f"{r['cpu_percent']:.0f} | {r['rows_per_s']:,.0f} | "
            f"{r['rows_per_cpu_s']:,.0f} | {r['rows_in_file']:,} | {r['row_groups']} | {r['file_mb']:.0f} | "
            f"{r['load_before']} / {r['load_after']} |")
    peak = biggest["max_rss_mib"]
    met = peak < RSS_TARGET_MIB
    decimal_mb = peak * 1.048576
    lines += ["", f"Target (issue 7): peak RSS under 1 GB when sampling {biggest['n']:,} rows with the default chunk "
              f"size {report['default_chunk_size']:,}: {peak:.1f} MiB = {decimal_mb:.0f} MB (decimal). Read as "
              f"1 GiB (1024 MiB): {'**met**' if met else '**NOT met**'}, margin {RSS_TARGET_MIB - peak:.1f} MiB; read "
              f"as 1000 MB: {'**met**' if decimal_mb < 1000 else '**NOT met**'}.", ""]
    for flag, chunk in dict.fromkeys((r["chunk_flag"], r["chunk_size"]) for r in rows):
        mine = [r for r in rows if (r["chunk_flag"], r["chunk_size"]) == (flag, chunk)]
        growth = ", ".join(f"{r['n']:,}: {r['max_rss_mib']:.0f}" for r in mine)
        lines.append(f"* chunk {chunk:,}{'' if flag else ' (default)'}: peak RSS (MiB) against rows: {growth}.")
    lines += ["", "rows/s are wall-clock figures on a shared 2-core machine (see the load); rows per CPU second "
              "is the steadier figure. Small runs are dominated by start-up (imports, model load).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Fit, save, time each sample size, write NAME.md and NAME.json."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if not Path(GNU_TIME).exists():
        sys.exit(f"{GNU_TIME} is missing: apt-get install -y time")
    synthaug_exe = shutil.which("synthaug")
    if synthaug_exe is None:
        sys.exit("the synthaug command is not on PATH")
    started, load_start, t0 = time.strftime("%Y-%m-%d %H:%M:%S"), load_average(), time.perf_counter()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_streaming_"))
    workdir.mkdir(parents=True, exist_ok=True)
    model_path, model = fit_and_save(args.data, args.target, args.seed, workdir)
    baseline = imports_only(synthaug_exe)
    runs = [sample_once(synthaug_exe, model_path, n, chunk, workdir / f"sample_{n}.parquet", args.seed)
            for chunk in [None, *args.extra_chunk_sizes] for n in args.sizes
            if chunk is None or n <= args.extra_max_rows]
    shutil.rmtree(model_path)
    report = {"command": command_line(), "machine": machine_info(), "synthaug_exe": synthaug_exe,
              "started": started, "load_start": load_start, "load_end": load_average(),
              "minutes": (time.perf_counter() - t0) / 60, "data": str(args.data), "seed": args.seed,
              "model": model, "imports_only": baseline, "default_chunk_size": default_chunk_size(), "runs": runs,
              "rss_target_mib": RSS_TARGET_MIB}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out_dir / f"{args.name}.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
