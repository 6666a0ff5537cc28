"""Mixed-type distances by hand, and the chunked search against brute force."""

import warnings

import numpy as np
import pandas as pd
import pytest

from synthaug.evaluate import distances as dist
from synthaug.evaluate.canonical import MISSING


def _space(frame):
    return dist.fit_space([frame], ["x", "y"], ["c"])


@pytest.fixture
def table():
    # x spans 0..10 (range 10), y spans 0..4 (range 4), c has categories a, b
    return pd.DataFrame({"x": [0.0, 10.0, 5.0], "y": [0.0, 4.0, 2.0], "c": ["a", "b", "a"]})


def test_distance_by_hand(table):
    emb = dist.embed(table, _space(table))
    # rows 0 and 1: (10/10)^2 + (4/4)^2 + mismatch 1 = 3 over 3 columns -> d = 1
    assert np.linalg.norm(emb[0] - emb[1]) == pytest.approx(1.0)
    # rows 0 and 2: (5/10)^2 + (2/4)^2 + 0 = 0.5 over 3 columns
    assert np.linalg.norm(emb[0] - emb[2]) == pytest.approx(np.sqrt(0.5 / 3))


def test_missing_numeric_is_at_least_one_mismatch_away(table):
    with_nan = pd.concat([table, pd.DataFrame({"x": [np.nan], "y": [2.0], "c": ["a"]})], ignore_index=True)
    space = dist.fit_space([with_nan], ["x", "y"], ["c"])
    emb = dist.embed(with_nan, space)
    gap = np.linalg.norm(emb[3] - emb[2]) ** 2 * 3  # unnormalised squared distance
    assert gap >= 1.0  # the indicator alone contributes one
    assert np.linalg.norm(emb[3] - emb[3]) == 0.0


def test_unseen_category_is_a_mismatch(table):
    space = _space(table)
    other = pd.DataFrame({"x": [0.0], "y": [0.0], "c": ["zzz"]})
    d = np.linalg.norm(dist.embed(other, space)[0] - dist.embed(table, space)[0])
    assert d == pytest.approx(np.sqrt(1 / 3))


def test_nearest_matches_brute_force_and_copies_are_exactly_zero():
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {"x": rng.normal(size=n), "y": rng.exponential(size=n), "c": rng.choice(["a", "b", "c", MISSING], n)}
    )
    space = _space(frame)
    ref = dist.embed(frame.iloc[:200], space)
    query = dist.embed(frame.iloc[150:], space)  # the first 50 queries are copies
    found = dist.nearest(query, ref, k=3, both_ways=True)
    d, idx = found.dist, found.idx
    brute = np.sqrt(((query[:, None, :] - ref[None, :, :]) ** 2).sum(-1))
    np.testing.assert_allclose(d, np.sort(brute, axis=1)[:, :3], atol=1e-12)
    assert np.all(d[:50, 0] == 0.0)
    np.testing.assert_array_equal(idx[:50, 0], np.arange(150, 200))
    np.testing.assert_allclose(found.back_dist, brute.min(axis=0), atol=1e-12)
    assert np.all(found.back_dist[150:] == 0.0)


def test_views_search_without_a_column():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.normal(size=120), "y": rng.normal(size=120), "c": rng.choice(["a", "b"], 120)})
    space = _space(frame)
    full = dist.embed(frame, space)
    mask = dist.column_mask(space, "c")
    assert mask.sum() == 3  # a, b and the "unseen" slot
    found = dist.nearest(full[:40], full[40:], 1, [mask], both_ways=True, back_views=[mask])
    without = dist.embed(frame, space, drop=["c"])
    pairs = np.sqrt(((without[:40, None] - without[None, 40:]) ** 2).sum(-1))  # (40, 80)
    np.testing.assert_array_equal(found.view_idx[0], pairs.argmin(1))
    np.testing.assert_array_equal(found.back_view_idx[0], pairs.argmin(0))


def test_nearest_refuses_empty_reference():
    with pytest.raises(ValueError, match="non-empty tables"):
        dist.nearest(np.zeros((2, 3)), np.zeros((0, 3)))


def test_sparse_reference_search_matches_brute_force():
    rng = np.random.default_rng(2)
    n = 300
    frame = pd.DataFrame({"x": rng.normal(size=n), **{f"c{j}": rng.choice(list("abcdefghij"), n) for j in range(6)}})
    space = dist.fit_space([frame], ["x"], [f"c{j}" for j in range(6)])
    emb = dist.embed(frame, space)
    index = dist.ReferenceIndex(emb[100:])
    assert index.sparse  # 7 non-zero coordinates of 67: the embedding_bag path
    assert not dist.ReferenceIndex(np.ones((4, 3))).sparse
    mask = dist.column_mask(space, "c0")
    found = dist.nearest(emb[:100], index, 3, [mask], both_ways=True, back_views=[mask])
    brute = np.sqrt(((emb[:100, None] - emb[None, 100:]) ** 2).sum(-1))  # (100, 200)
    np.testing.assert_allclose(found.dist, np.sort(brute, axis=1)[:, :3], atol=1e-12)
    np.testing.assert_allclose(found.back_dist, brute.min(axis=0), atol=1e-12)
    without = dist.embed(frame, space, drop=["c0"])
    pairs = np.sqrt(((without[:100, None] - without[None, 100:]) ** 2).sum(-1))
    np.testing.assert_allclose(pairs[np.arange(100), found.view_idx[0]], pairs.min(axis=1), atol=1e-12)
    d, i = index.nearest(emb[:100], 3)
    np.testing.assert_allclose(d, found.dist, atol=1e-12)
    assert index.nearest(emb[:0], 3)[0].shape == (0, 3)


def test_all_missing_numeric_column_fits_without_warnings():
    # numpy's "All-NaN slice encountered" reached CLI users as 'warning:' lines (three per fit)
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "empty": [np.nan] * 3})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        space = dist.fit_space([frame], ["x", "empty"], [])
    assert space.lows.tolist() == [1.0, 0.0] and space.spans.tolist() == [2.0, 1.0]
