import numpy as np

from synthaug.tabular.columns import Span
from synthaug.tabular.conditional import ConditionalSampler


def test_packs_share_a_class_and_honour_their_condition():
    rng = np.random.default_rng(0)
    n = 600
    labels = rng.integers(0, 3, n)
    category = rng.choice(4, n, p=[0.7, 0.2, 0.09, 0.01])
    matrix = np.zeros((n, 5), np.float32)
    matrix[np.arange(n), 1 + category] = 1
    sampler = ConditionalSampler(matrix, labels, 3, [Span(1, 4, "softmax", "c")])
    batch = sampler.sample(3000, 2, rng)
    rows = batch.rows.reshape(3000, 2)
    assert (labels[rows] == batch.classes[:, None]).all()
    has = batch.condition.sum(1) == 1
    assert 0.45 < has.mean() < 0.55
    assert (category[rows[has]] == batch.condition[has].argmax(1)[:, None]).all()
    # balanced classes, and the rarest category drawn far above its 1% share
    assert np.allclose(np.bincount(batch.classes) / 3000, 1 / 3, atol=0.04)
    assert (batch.condition[has].argmax(1) == 3).mean() > 0.05


def test_prior_class_sampling_follows_counts():
    labels = np.array([0] * 90 + [1] * 10)
    sampler = ConditionalSampler(np.zeros((100, 1), np.float32), labels, 2, [], class_sampling="prior")
    batch = sampler.sample(5000, 1, np.random.default_rng(0))
    assert abs((batch.classes == 1).mean() - 0.1) < 0.02
    assert batch.condition.shape == (5000, 0)
