"""Time and peak resident memory per stage of one in-process ``evaluate`` call (adult).

A thread samples the process's RSS (``/proc/self/statm``) every 20 ms; ``evaluate``'s progress
callback marks where each stage starts. Inputs as ``evaluate_memory.py`` makes them (train.csv,
test.csv and syn<N>.parquet in ``--work``; made if missing). With ``--csv`` it instead times
reading the same records from syn<N>.csv (when it has to write that file first, it stops: run it
again, so that the writing's memory is not counted)::

    OMP_NUM_THREADS=1 python benchmarks/evaluate_stages.py --adult ../shared/datasets/adult.csv \\
        --work /tmp/evmem --n 1000000 [--max-synthetic none | --csv]

The per-stage tables of results/evaluate_memory.md at 826ca02 and 7559491 came from a throwaway
driver that did the same (not kept); this script was written later to rerun them.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from evaluate_memory import make_inputs  # noqa: E402

from synthaug.evaluate import evaluate  # noqa: E402
from synthaug.io import read_table  # noqa: E402

MB = 2**20


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Stages:
    """Peak RSS and seconds per named stage; ``switch`` ends one stage and starts the next."""

    def __init__(self, first: str) -> None:
        self.stage, self.started, self.peak = first, time.perf_counter(), {first: rss()}
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while True:
            stage = self.stage
            self.peak[stage] = max(self.peak.get(stage, 0), rss())
            time.sleep(0.02)

    def switch(self, name: str, *_) -> None:
        now, old = time.perf_counter(), self.stage
        self.peak[old] = max(self.peak.get(old, 0), rss())
        print(f"| {old} | {now - self.started:.1f} s | {self.peak[old] / MB:,.0f} MB |", flush=True)
        self.stage, self.started = name, now


def read_cost(path: Path):
    before, started, cpu = rss(), time.perf_counter(), time.process_time()
    frame = read_table(path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"read {path.name}: {seconds:.1f} s wall, {cpu:.1f} s CPU, RSS +{(rss() - before) / MB:,.0f} MB, "
          f"frame {frame.memory_usage(deep=True).sum() / MB:,.0f} MB", flush=True)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adult", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--max-synthetic", default="50000", help="an integer, or none for every record")
    parser.add_argument("--csv", action="store_true", help="only time reading the records from a CSV")
    args = parser.parse_args()
    make_inputs(args.adult, args.work, [args.n])
    parquet = args.work / f"syn{args.n}.parquet"
    if args.csv:
        csv = args.work / f"syn{args.n}.csv"
        if not csv.exists():
            read_table(parquet).to_csv(csv, index=False)
            print(f"wrote {csv}; run again to time reading it")
        else:
            read_cost(csv)
        return
    cap = None if args.max_synthetic.lower() == "none" else int(args.max_synthetic)
    print(f"load average {os.getloadavg()[0]:.2f}; max_synthetic={cap}\n\n| stage | time | peak RSS |\n|---|---:|---:|")
    stages = Stages("read tables")
    train, test = read_table(args.work / "train.csv"), read_table(args.work / "test.csv")
    synthetic = read_table(parquet)
    stages.switch("checks, draw, canonical form")
    warnings.simplefilter("ignore")
    evaluate(train, test, synthetic, "income", n_seeds=1, random_state=0, max_synthetic=cap, progress=stages.switch)
    stages.switch("end")
    print(f"\nload average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
