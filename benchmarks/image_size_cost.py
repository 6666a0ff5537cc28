"""Seconds per training step of ``ImageCGAN`` at image_size 8, 16, 32 and 64, gray and RGB.

Each setting fits on the same 64 random images (4 classes) with ``base`` and with ``base + N``
training steps, default parameters otherwise (batch 64, width 32, hinge loss, DiffAugment, EMA); a
step costs the difference of the two fits' ``fit_seconds_`` over N, so network set-up, the final
batch-norm statistics and the diversity check cancel out. ``repeats`` pairs, after one untimed fit. Random pixels
are as costly as real ones: the networks see the same shapes.

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/image_size_cost.py

Writes benchmarks/results/image_size_cost.md (and .json) with the machine's load and the commit.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _benchutil import RESULTS_DIR, load_snapshot, machine_info, median, write_results

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


def step_seconds(size: int, channels: int, base: int, steps: int, repeats: int) -> list[float]:
    """Seconds per training step, ``repeats`` times: (fit of base + steps) - (fit of base), over steps,
    after one untimed fit (torch's first convolutions of a shape cost extra)."""
    fit_seconds(size, channels, base)
    return [(fit_seconds(size, channels, base + steps) - fit_seconds(size, channels, base)) / steps
            for _ in range(repeats)]


def steps_for(size: int, budget: int) -> int:
    """Steps timed at ``size``: about the same work at every size (``budget`` steps at 8 px, 4 at 64)."""
    return max(4, budget * 64 // (size * size))


def markdown(rows: list[dict], info: dict, loads: list[dict], args: argparse.Namespace) -> str:
    defaults = (args.base, args.budget, args.repeats) == (2, 64, 3)
    timed = ", ".join(f"{row['steps']} at {row['image_size']} px" for row in rows)
    lines = [
        "# ImageCGAN: seconds per training step against image size",
        "",
        "    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/image_size_cost.py"
        + ("" if defaults else f" --base {args.base} --budget {args.budget} --repeats {args.repeats}"),
        "",
        f"Default `ImageCGAN` (batch 64, width 32, 3000 steps), 64 random images in 4 classes, one torch thread. "
        f"A step's time is the difference of a ({args.base} + N)-step and a {args.base}-step fit's `fit_seconds_` "
        f"over N (N = {timed}), after one untimed fit; "
        f"median of {args.repeats} such pairs, their range in brackets. Commit {info['synthaug_commit']}"
        + (" (with uncommitted changes)" if info["synthaug_uncommitted_changes"] else "")
        + f", torch {info['torch']}, {info['cpu_count']} cores shared with other jobs; load average "
        f"(1 min) {loads[0]['loadavg_1_5_15'][0]} at the start, {loads[1]['loadavg_1_5_15'][0]} at the end.",
        "",
        "| image_size | gray: s/step | RGB: s/step | RGB: 3000 steps |",
        "|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = [f"{median(row[k]):.3f} [{min(row[k]):.3f}, {max(row[k]):.3f}]" for k in ("gray", "rgb")]
        lines.append(f"| {row['image_size']} | {cells[0]} | {cells[1]} | {median(row['rgb']) * 3000 / 60:.0f} min |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument("--base", type=int, default=2, help="steps of the shorter fit")
    parser.add_argument("--budget", type=int, default=64, help="extra steps timed at 8 px (fewer above, >= 4)")
    parser.add_argument("--repeats", type=int, default=3, help="pairs of fits per setting")
    args = parser.parse_args()
    info, loads, rows = machine_info(), [load_snapshot()], []
    started = time.perf_counter()
    for size in args.sizes:
        row = {"image_size": size, "steps": steps_for(size, args.budget)}
        for name, channels in (("gray", 1), ("rgb", 3)):
            row[name] = step_seconds(size, channels, args.base, row["steps"], args.repeats)
        print(f"image_size {size}: gray {median(row['gray']):.3f} s/step, RGB {median(row['rgb']):.3f} s/step",
              flush=True)
        rows.append(row)
    loads.append(load_snapshot())
    payload = {"args": vars(args), "machine": info, "load": loads, "rows": rows,
               "wall_seconds": round(time.perf_counter() - started, 1)}
    write_results(RESULTS_DIR, "image_size_cost", payload, markdown(rows, info, loads, args))


if __name__ == "__main__":
    main()
