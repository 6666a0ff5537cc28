"""Batched rejection sampling: which candidate fills each row, and how many candidates to draw next.

Rows still to fill get ``per[i]`` candidates each, laid out row after row. Taking each row's
first accepted candidate gives the same distribution as drawing one candidate at a time until
one is accepted, in a few rounds instead of one round per try.
"""

from __future__ import annotations

import numpy as np


def first_accepted(rejected: np.ndarray, per: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first, found, starts), each (rows,): the position of each row's first accepted candidate
    (``len(rejected)`` where none was), whether there was one, and where the row's candidates start."""
    starts = np.concatenate([[0], np.cumsum(per)[:-1]]).astype(np.int64)
    first = np.minimum.reduceat(np.where(rejected, len(rejected), np.arange(len(rejected))), starts)
    return first, first < len(rejected), starts


def next_batch(checked: np.ndarray, accepted: np.ndarray, codes: np.ndarray, tried: np.ndarray,
               chunk: int, most: int, tries: int) -> np.ndarray:
    """(rows,) candidates per row still to fill, of class ``codes``: the expected tries of its class
    (``checked / accepted`` so far, ``most`` if none was accepted), raised so a round holds at least
    ``max(256, chunk // 4)`` candidates (a round has a fixed cost), at most ``most`` each, at most
    ``4 * chunk`` in all, and never beyond ``tries`` per row."""
    want = np.where(accepted[codes] > 0, np.ceil(checked[codes] / np.maximum(accepted[codes], 1)), most)
    want = np.maximum(want, np.ceil(max(256, chunk // 4) / len(codes)))
    cap = max(1, (4 * chunk) // len(codes))
    return np.clip(want, 1, np.minimum(min(most, cap), tries - tried)).astype(np.int64)
