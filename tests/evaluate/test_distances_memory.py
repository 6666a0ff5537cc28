"""The embedding is filled in place: the same values as blocks concatenated, without their copies."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from synthaug.evaluate import distances as dist


def _old_embed(frame, space, drop=()):
    """The embedding as it was built before: float64 blocks, concatenated, then scaled."""
    kept = [c for c in space.columns if c not in drop]
    blocks = []
    for j, column in enumerate(space.numeric):
        if column in drop:
            continue
        values = frame[column].to_numpy(np.float64)
        missing = np.isnan(values)
        blocks.append(((np.where(missing, space.medians[j], values) - space.lows[j]) / space.spans[j])[:, None])
        if space.indicators[j]:
            blocks.append(missing[:, None].astype(np.float64))
    for column, categories in zip(space.categorical, space.categories, strict=True):
        if column in drop:
            continue
        values = frame[column].to_numpy(dtype=object).astype(str)
        pos = np.searchsorted(categories, values)
        clipped = np.minimum(pos, len(categories) - 1)
        codes = np.where((pos < len(categories)) & (categories[clipped] == values), clipped, len(categories))
        onehot = np.zeros((len(values), len(categories) + 1))
        onehot[np.arange(len(values)), codes] = np.sqrt(0.5)
        blocks.append(onehot)
    return np.concatenate(blocks, axis=1) / np.sqrt(len(kept))


def _tricky(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) * 1e6
    x[::7] = np.nan
    return pd.DataFrame({
        "x": x, "y": rng.integers(0, 3, n).astype(float), "k": np.full(n, 4.0),
        "c": rng.choice(["a", "b", "MISSING", "ü"], n), "d": rng.choice([f"L{i}" for i in range(50)], n),
    })


@pytest.mark.parametrize("drop", [(), ("x",), ("c",), ("y", "d")])
def test_embedding_is_bit_for_bit_the_old_one(drop):
    real, other = _tricky(seed=0), _tricky(seed=1)
    other.loc[:5, "d"] = "unseen"  # categories the space was not fitted on: the "other" coordinate
    other.loc[:3, "x"] = 5e7  # out of range
    space = dist.fit_space([real], ["x", "y", "k"], ["c", "d"])
    for frame in (real, other):
        new = dist.embed(frame, space, drop)
        assert new.dtype == np.float64
        np.testing.assert_array_equal(new, _old_embed(frame, space, drop))


def test_embedding_a_wide_categorical_allocates_about_its_own_size():
    # 3,000 rows x 2,001 coordinates: 48 MB; the blocks, their concatenation and the scaled copy peaked at 3x
    n, levels = 3_000, 2_000
    frame = pd.DataFrame({"zip": [f"Z{i % levels}" for i in range(n)], "x": np.arange(n, dtype=float)})
    space = dist.fit_space([frame], ["x"], ["zip"])
    tracemalloc.start()
    try:
        emb = dist.embed(frame, space)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.3 * emb.nbytes
