import numpy as np
import pytest

from synthaug.images.selection import farthest_point_subset


def test_farthest_point_picks_by_hand():
    features = np.array([[0.0], [0.1], [5.0], [5.1], [10.0], [0.0], [1.0], [2.0], [3.0], [100.0]])
    codes = np.repeat([0, 1], 5)
    rows = farthest_point_subset(features, codes, 3, np.random.default_rng(0))
    # the random starts are rows 4 (10.0) and 8 (3.0); then the farthest, then the farthest from both
    assert rows.tolist() == [4, 0, 2, 8, 9, 5]


def test_farthest_point_keeps_classes_and_spreads_out():
    rng = np.random.default_rng(1)
    dense = rng.normal(0.0, 0.01, (90, 2))  # 90 near-duplicates and 10 far apart points per class
    spread = np.stack([np.arange(1.0, 11.0), np.zeros(10)], 1) * 5
    features = np.concatenate([dense, spread, dense + 100, spread + 100])
    codes = np.repeat([0, 1], 100)
    rows = farthest_point_subset(features, codes, 11, rng)
    assert (codes[rows] == np.repeat([0, 1], 11)).all() and len(set(rows.tolist())) == 22
    assert (rows[:11] >= 90).sum() == 10 and (rows[11:] >= 190).sum() == 10  # every far point, one dense


def test_farthest_point_needs_equal_pools():
    with pytest.raises(ValueError, match="same pool size"):
        farthest_point_subset(np.zeros((3, 2)), np.array([0, 0, 1]), 1, np.random.default_rng(0))
