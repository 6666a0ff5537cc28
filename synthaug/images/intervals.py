"""Intervals and verdicts of the image evaluation: a paired bootstrap over test images and seeds.

The table evaluation's scheme (:mod:`synthaug.evaluate.utility`), on per-image correctness: every
classifier labels the test images once, giving a (seeds, test images) 0/1 matrix per training set.
Each of ``n_boot`` replicates redraws the test images (multinomial counts) and the seeds (with
replacement), the same draws for every training set, so differences between sets are paired image
by image and seed by seed. A replicate's accuracy is the mean over its drawn seeds of each seed's
accuracy on its drawn test images; the 95% interval is the percentile interval of the replicates.
It covers which test images were drawn and training randomness (with one seed, the test images
only), not the luck of which images ended up in the training set. Verdicts use the table
report's words (:func:`synthaug.evaluate.stats.effect_verdict`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._random import numpy_generator
from .._text import option_name
from ..evaluate.metrics import bootstrap_weights
from ..evaluate.stats import effect_verdict, percentile_interval

N_BOOT = 1000
BASELINES = ("real", "real+albumentations")
WITH_SYNTHETIC = ("real+synthetic", "real+synthetic+albumentations")
METHOD = f"test-set bootstrap ({N_BOOT}) x seeds, percentile"


class Resampling(NamedTuple):
    """The replicates' draws, shared by every training set: test-image counts and seed indices."""

    weights: np.ndarray  # (B, N) how often each test image is drawn
    seed_draws: np.ndarray  # (B, S) the seeds drawn


def resampling(n_test: int, n_seeds: int, seed: int, n_boot: int = N_BOOT) -> Resampling:
    """``n_boot`` draws of ``n_test`` test images and ``n_seeds`` seeds, with replacement."""
    rng = numpy_generator(seed)
    weights = bootstrap_weights(n_test, n_boot, rng)
    return Resampling(weights, rng.integers(0, n_seeds, size=(n_boot, n_seeds)))


def replicates(correct: np.ndarray, draws: Resampling) -> np.ndarray:
    """(B,) replicate accuracies of a (S, N) 0/1 ``correct`` matrix (seed by test image)."""
    per_seed = correct.astype(np.float32) @ draws.weights.T / correct.shape[1]  # (S, B)
    n_boot = per_seed.shape[1]
    return per_seed[draws.seed_draws, np.arange(n_boot)[:, None]].mean(axis=1, dtype=np.float64)  # (B,)


def arm_summary(correct: np.ndarray, draws: Resampling) -> dict:
    """Mean test accuracy over seeds, its 95% interval, and each seed's accuracy (``values``)."""
    values = correct.mean(axis=1)
    low, high = percentile_interval(replicates(correct, draws))
    return {"mean": float(values.mean()), "low": low, "high": high, "values": values.tolist()}


def difference(correct: dict[str, np.ndarray], draws: Resampling, arm: str, baseline: str) -> dict:
    """``arm`` minus ``baseline`` in accuracy points, paired by test image and seed, with its verdict."""
    diff = correct[arm].astype(np.int8) - correct[baseline].astype(np.int8)  # (S, N) in -1, 0, 1
    low, high = percentile_interval(100.0 * replicates(diff, draws))
    return {"with_synthetic": arm, "baseline": baseline, "points": 100.0 * float(diff.mean()),
            "low": low, "high": high, "verdict": effect_verdict(low, high)}


def uplift(correct: dict[str, np.ndarray], draws: Resampling) -> dict:
    """The better training set with synthetic images against the better one without, in points.

    Which set is better is decided again in every replicate (the point estimate by the observed
    means), so the interval includes the luck of that choice rather than treating the winners as
    fixed. ``pairs`` holds each set with synthetic images against each set without;
    ``synthetic_only_minus_real`` synthetic-only training against real only (None when skipped).
    """
    means = {k: float(correct[k].mean()) for k in (*BASELINES, *WITH_SYNTHETIC)}
    baseline, best = max(BASELINES, key=means.__getitem__), max(WITH_SYNTHETIC, key=means.__getitem__)
    reps = {k: replicates(correct[k], draws) for k in means}
    boot = 100.0 * (np.max([reps[k] for k in WITH_SYNTHETIC], axis=0) - np.max([reps[k] for k in BASELINES], axis=0))
    low, high = percentile_interval(boot)
    only = difference(correct, draws, "synthetic", "real") if "synthetic" in correct else None
    return {"baseline": baseline, "best_with_synthetic": best, "points": 100.0 * (means[best] - means[baseline]),
            "low": low, "high": high, "verdict": effect_verdict(low, high), "method": METHOD,
            "pairs": [difference(correct, draws, arm, base) for arm in WITH_SYNTHETIC for base in BASELINES],
            "synthetic_only_minus_real_points": None if only is None else only["points"],
            "synthetic_only_minus_real": only}


def seeds_note(seeds: int) -> str | None:
    """A note that 1 or 2 seeds leave training randomness (barely) measured, else None; worded as the
    table evaluation's one-seed note."""
    if seeds > 2:
        return None
    option = option_name(f"seeds={seeds}", f"--seeds {seeds}", f"evaluate.seeds = {seeds}")
    said = ("the accuracy and uplift intervals cover test-set sampling only, not the variation between training "
            "runs, so the verdict may be too firm" if seeds == 1 else
            "the accuracy and uplift intervals resample only 2 training runs, so they understate the variation "
            "between runs")
    return f"{'one seed' if seeds == 1 else '2 seeds'} ({option}): {said}; use 3 or more seeds"
