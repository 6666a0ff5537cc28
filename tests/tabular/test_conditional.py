import numpy as np

from synthaug.tabular.columns import Span
from synthaug.tabular.conditional import ConditionalSampler
from synthaug.tabular.training import ConditionalBatches


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


def test_batches_are_slices_of_one_draw_per_chunk():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200)
    matrix = np.zeros((200, 4), np.float32)
    matrix[np.arange(200), 1 + rng.integers(0, 3, 200)] = 1
    sampler = ConditionalSampler(matrix, labels, 2, [Span(1, 3, "softmax", "c")])
    batches = ConditionalBatches(sampler, n_packs=5, pac=2, rng=np.random.default_rng(1))
    steps = [batches.next() for _ in range(batches.chunk + 1)]
    whole = sampler.sample(5 * batches.chunk, 2, np.random.default_rng(1))
    for i in (0, batches.chunk - 1):
        assert np.array_equal(steps[i].real_rows, whole.rows[i * 10 : (i + 1) * 10])
        assert np.array_equal(steps[i].fake_classes, whole.classes[i * 5 : (i + 1) * 5])
        assert np.array_equal(steps[i].condition, whole.condition[i * 5 : (i + 1) * 5])
    last = steps[-1]  # the first step of the next chunk
    assert last.real_rows.shape == (10,) and last.condition.shape == (5, 3)
    assert (labels[last.real_rows.reshape(5, 2)] == last.real_classes[:, None]).all()
