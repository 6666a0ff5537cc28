"""Seconds per training step of ``ImageCGAN`` at image_size 8, 16, 32 and 64, gray and RGB.

Each setting fits twice on the same 64 random images (4 classes), with ``warmup`` and with
``warmup + steps`` training steps, default parameters otherwise (batch 64, width 32, hinge loss,
DiffAugment, EMA); a step costs the difference of the two fits' ``fit_seconds_`` over ``steps``, so
network set-up, the final batch-norm statistics and the diversity check cancel out. Random pixels
are as costly as real ones: the networks see the same shapes.

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/image_size_cost.py

Writes benchmarks/results/image_size_cost.md (and .json) with the machine's load and the commit.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _benchutil import RESULTS_DIR, load_snapshot, machine_info, write_results

from synthaug.images.synthesizer import ImageCGAN


def fit_seconds(size: int, channels: int, steps: int, seed: int = 0) -> float:
    """``fit_seconds_`` of one ``ImageCGAN`` fit of ``steps`` steps on random images."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (64, size, size, channels), dtype=np.uint8)  # (N, S, S, C)
    y = np.repeat(np.arange(4), 16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # random pixels may trip the mode-collapse warning
        model = ImageCGAN(steps=steps, n_threads=1, random_state=seed).fit(x, y)
    return float(model.fit_seconds_)


def step_seconds(size: int, channels: int, warmup: int, steps: int) -> float:
    """Seconds per training step: (fit of warmup + steps) - (fit of warmup), over steps."""
    base = fit_seconds(size, channels, warmup)
    return (fit_seconds(size, channels, warmup + steps) - base) / steps


def markdown(rows: list[dict], info: dict, loads: list[dict], args: argparse.Namespace) -> str:
    lines = [
        "# ImageCGAN: seconds per training step against image size",
        "",
        "    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/image_size_cost.py"
        + (f" --steps {args.steps} --warmup {args.warmup}" if (args.steps, args.warmup) != (10, 2) else ""),
        "",
        f"Default `ImageCGAN` (batch 64, width 32), 64 random images in 4 classes, one torch thread; a step "
        f"is the difference of a {args.warmup + args.steps}-step and a {args.warmup}-step fit over {args.steps}. "
        f"Commit {info['synthaug_commit']}"
        + (" (with uncommitted changes)" if info["synthaug_uncommitted_changes"] else "")
        + f", torch {info['torch']}, {info['cpu_count']} cores shared with other jobs; load average "
        f"(1 min) {loads[0]['loadavg_1_5_15'][0]} at the start, {loads[1]['loadavg_1_5_15'][0]} at the end.",
        "",
        "| image_size | gray: s/step | RGB: s/step | RGB: 3000 steps (default) |",
        "|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| {row['image_size']} | {row['gray']:.3f} | {row['rgb']:.3f} | "
                     f"{row['rgb'] * 3000 / 60:.0f} min |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument("--warmup", type=int, default=2, help="steps of the baseline fit")
    parser.add_argument("--steps", type=int, default=10, help="extra steps timed")
    args = parser.parse_args()
    info, loads, rows = machine_info(), [load_snapshot()], []
    started = time.perf_counter()
    for size in args.sizes:
        row = {"image_size": size}
        for name, channels in (("gray", 1), ("rgb", 3)):
            row[name] = step_seconds(size, channels, args.warmup, args.steps)
        print(f"image_size {size}: gray {row['gray']:.3f} s/step, RGB {row['rgb']:.3f} s/step", flush=True)
        rows.append(row)
    loads.append(load_snapshot())
    payload = {"args": vars(args), "machine": info, "load": loads, "rows": rows,
               "wall_seconds": round(time.perf_counter() - started, 1)}
    write_results(RESULTS_DIR, "image_size_cost", payload, markdown(rows, info, loads, args))


if __name__ == "__main__":
    main()
