"""Choosing a spread-out subset of a larger synthetic pool (greedy k-center, per class)."""

from __future__ import annotations

import numpy as np
import torch


def farthest_point_subset(features: np.ndarray, codes: np.ndarray, per_class: int,
                          rng: np.random.Generator) -> np.ndarray:
    """Row indices of ``per_class`` rows of each class, chosen by greedy farthest-point search.

    Each class starts from one random row; every next pick is the row farthest from those
    already picked (Gonzalez's 2-approximation of k-center), so the subset covers the class's
    pool instead of piling up where the sampler is dense. Classes are searched together: the
    loop runs ``per_class`` times over whole (classes, pool) arrays. Every class needs the same
    number of rows (at least ``per_class``).
    """
    codes = np.asarray(codes)
    classes, counts = np.unique(codes, return_counts=True)
    if len(set(counts.tolist())) != 1 or counts[0] < per_class:
        raise ValueError(f"every class needs the same pool size >= per_class ({per_class}); got {counts.tolist()}")
    order = np.argsort(codes, kind="stable").reshape(len(classes), counts[0])  # (K, M)
    x = torch.as_tensor(np.asarray(features, dtype=np.float32).reshape(len(codes), -1)[order])  # (K, M, d)
    k_idx = torch.arange(len(classes))
    pick = torch.as_tensor(rng.integers(0, counts[0], len(classes)))  # (K,)
    nearest = torch.full(order.shape, float("inf"))  # (K, M) distance to the nearest pick
    picks = []
    for _ in range(per_class):
        picks.append(pick)
        nearest = torch.minimum(nearest, (x - x[k_idx, pick][:, None]).square().sum(-1))
        nearest[k_idx, pick] = -1.0  # never pick a row twice
        pick = nearest.argmax(1)
    chosen = torch.stack(picks, 1).numpy()  # (K, per_class)
    return np.take_along_axis(order, chosen, 1).ravel()
