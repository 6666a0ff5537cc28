"""Cost of the tabular encoding on a whole table: schema inference, encoder fit, transform, and the
encoded matrix's size (what `fit` holds in memory for training).

    OMP_NUM_THREADS=1 python benchmarks/encoder_cost.py --data ../shared/datasets/adult.csv --target income

Each step runs as `TabularCGAN.fit` runs it (`infer_schema` on the feature columns, then the
default `TableEncoder`'s `fit` and `transform`), ``--repeats`` times in one process; prints wall
and CPU (process) seconds per step for the first repeat (what one `fit` pays: the first transform
in a process is the slowest) and the median of the others, the encoded width and the bytes per
row of the float32 matrix. No training and no sampling.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from synthaug import TabularCGAN
from synthaug.io import read_table
from synthaug.tabular.schema import infer_schema


def timed(fn, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    frame = read_table(args.data)
    features = frame.drop(columns=[args.target])
    print(f"{args.data}: {len(frame):,} rows, {features.shape[1]} feature columns; load average "
          f"{os.getloadavg()[0]:.2f} at start")
    times: dict[str, list[tuple[float, float]]] = {"infer_schema": [], "encoder fit": [], "transform": []}
    for repeat in range(args.repeats):
        rng = np.random.default_rng(repeat)
        (specs, _dropped), wall, cpu = timed(infer_schema, features)
        times["infer_schema"].append((wall, cpu))
        encoder, wall, cpu = timed(TabularCGAN()._new_encoder().fit, features, specs, rng)
        times["encoder fit"].append((wall, cpu))
        matrix, wall, cpu = timed(encoder.transform, features, rng)
        times["transform"].append((wall, cpu))
    for step, pairs in times.items():
        walls, cpus = zip(*pairs, strict=True)
        rest = (f"; later repeats: median wall {statistics.median(walls[1:]):.3f} s, "
                f"CPU {statistics.median(cpus[1:]):.3f} s") if len(pairs) > 1 else ""
        print(f"{step:13s} first: wall {walls[0]:.3f} s, CPU {cpus[0]:.3f} s{rest}")
    matrix = np.asarray(matrix)
    print(f"encoded matrix: {matrix.shape[0]:,} x {matrix.shape[1]} {matrix.dtype}, "
          f"{matrix.nbytes / matrix.shape[0]:.0f} bytes a row, {matrix.nbytes / 2**20:.1f} MiB; "
          f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
