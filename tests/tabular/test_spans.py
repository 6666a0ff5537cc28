import torch
import torch.nn.functional as F

from synthaug.tabular.columns import Span
from synthaug.tabular.spans import SoftmaxLayout, SparseCondition
from synthaug.tabular.training import _row_condition

SPANS = [Span(0, 1, "linear", "a"), Span(1, 3, "softmax", "b"), Span(4, 1, "linear", "c"),
         Span(5, 2, "softmax", "d"), Span(7, 4, "softmax", "e")]  # 11 columns, condition width 9


def per_span_log_softmax(raw: torch.Tensor) -> torch.Tensor:
    return torch.cat([F.log_softmax(raw[:, s.start : s.stop], 1) for s in SPANS if s.activation == "softmax"], 1)


def test_log_probs_match_a_log_softmax_per_span():
    raw = torch.randn(6, 11) * 30  # large logits: the per-span shift must keep it finite
    assert torch.allclose(SoftmaxLayout(SPANS).log_probs(raw), per_span_log_softmax(raw), atol=1e-4)


def test_gumbel_softmax_keeps_numbers_and_gives_a_distribution_per_span():
    raw = torch.randn(50, 11) * 30
    out = SoftmaxLayout(SPANS).gumbel_softmax(raw, 0.2, torch.Generator().manual_seed(0))
    assert torch.equal(out[:, [0, 4]], raw[:, [0, 4]])
    for s in SPANS[1::2] + SPANS[4:]:
        assert torch.allclose(out[:, s.start : s.stop].sum(1), torch.ones(50))
    # at tau -> 0 the sample is the one-hot argmax of logits + the same Gumbel noise
    noisy = SoftmaxLayout(SPANS).perturb(raw.clone(), torch.Generator().manual_seed(0))
    cold = SoftmaxLayout(SPANS).gumbel_softmax(raw, 1e-4, torch.Generator().manual_seed(0))
    assert torch.equal(cold[:, 7:11].argmax(1), noisy[:, 7:11].argmax(1))


def test_condition_log_likelihood_equals_the_dense_sum_and_its_gradient():
    raw = (torch.randn(6, 11) * 5).requires_grad_(True)
    condition = torch.zeros(6, 9)
    condition[[0, 2, 3, 5], [1, 4, 8, 3]] = 1.0
    layout = SoftmaxLayout(SPANS)
    dense = (per_span_log_softmax(raw) * condition).sum()
    sparse = layout.condition_log_likelihood(raw, condition)
    assert torch.allclose(dense, sparse)
    assert torch.allclose(*(torch.autograd.grad(v, raw)[0] for v in (dense, sparse)), atol=1e-6)
    assert torch.equal(layout.condition_log_likelihood(raw, SparseCondition.from_dense(condition)), sparse)


def test_sparse_condition_repeats_rows_like_repeat_interleave():
    dense = torch.zeros(4, 5)
    dense[[0, 2, 3], [4, 1, 1]] = torch.tensor([1.0, 1.0, 0.5])
    sparse = SparseCondition.from_dense(dense)
    assert torch.equal(sparse.to_dense(), dense)
    assert sparse.total() == 2.5
    repeated = _row_condition(dense.numpy(), 3, torch.device("cpu"))
    expected = SparseCondition.from_dense(dense.repeat_interleave(3, dim=0))
    for name in ("rows", "columns", "values"):  # same nonzeros in the same (row-major) order
        assert torch.equal(getattr(repeated, name), getattr(expected, name))
    assert (repeated.n_rows, repeated.width) == (12, 5)


def test_layout_without_softmax_spans():
    raw = torch.randn(4, 2)
    layout = SoftmaxLayout([Span(0, 1, "linear", "a"), Span(1, 1, "linear", "b")])
    assert layout.gumbel_softmax(raw, 0.2, torch.Generator()) is raw
    assert layout.log_probs(raw).shape == (4, 0)


def test_training_layout_puts_softmax_columns_first_and_its_operations_agree():
    layout = SoftmaxLayout(SPANS)
    assert layout.order.tolist() == [1, 2, 3, 5, 6, 7, 8, 9, 10, 0, 4]  # condition layout, then numbers
    raw = (torch.randn(6, 11) * 5).requires_grad_(True)
    ordered = raw[:, layout.order]
    out = layout.gumbel_softmax_ordered(ordered, 0.2, torch.Generator().manual_seed(0))
    expected = layout.gumbel_softmax(raw, 0.2, torch.Generator().manual_seed(0))[:, layout.order]
    assert torch.allclose(out, expected)
    weights = torch.randn(6, 11)  # its hand-written backward is autograd's through the unordered version
    grads = [torch.autograd.grad((v * weights).sum(), raw, retain_graph=True)[0] for v in (out, expected)]
    assert torch.allclose(*grads, atol=1e-5)
    padded = torch.cat([ordered, torch.zeros(6, 5)], dim=1)  # zero columns past the row are dropped
    out = layout.gumbel_softmax_ordered(padded, 0.2, torch.Generator().manual_seed(0))
    assert torch.allclose(out, expected)
    grads = [torch.autograd.grad((v * weights).sum(), raw, retain_graph=True)[0] for v in (out, expected)]
    assert torch.allclose(*grads, atol=1e-5)
    condition = torch.zeros(6, 9)
    condition[[0, 2, 3, 5], [1, 4, 8, 3]] = 1.0
    expected = layout.condition_log_likelihood(raw, condition)
    got = layout.condition_log_likelihood(ordered, condition, ordered=True)
    assert torch.allclose(got, expected)
    assert torch.allclose(*(torch.autograd.grad(v, raw)[0] for v in (got, expected)), atol=1e-6)


def test_training_layout_overwrites_a_float32_matrix_block_by_block_and_copies_any_other(monkeypatch):
    # training held a reordered copy beside fit's matrix: +650 MB on adult with a 5,000-level column
    import numpy as np

    from synthaug.tabular import training

    monkeypatch.setattr(training, "REORDER_BLOCK", 4)  # 10 rows: blocks of 4, 4 and 2
    rng = np.random.default_rng(0)
    matrix = rng.random((10, 5)).astype(np.float32)
    order = np.array([3, 0, 4, 1, 2])
    expected = matrix[:, order].copy()
    out = training.training_layout(matrix, order)
    assert out is matrix and np.array_equal(out, expected)
    doubles = rng.random((10, 5))
    kept = doubles.copy()
    out = training.training_layout(doubles, order)
    assert out.dtype == np.float32 and np.array_equal(out, kept[:, order].astype(np.float32))
    assert np.array_equal(doubles, kept)  # not its own to overwrite
