"""Review of the sampler, the sample command, the writers, SynthOverSampler and AugmentedDataset."""

from __future__ import annotations

import numpy as np
import pytest

from synthaug import DataError
from synthaug.sampling import chunk_labels, resolve_class_counts

CLASSES, COUNTS = ["a", "b"], [30, 10]


@pytest.mark.parametrize(("request_", "message"), [
    ({"ratio": float("inf")}, "--ratio must be a positive number"),
    ({"ratio": float("nan")}, "--ratio must be a positive number"),
    ({"ratio": 1e300}, "--ratio must be a positive number"),
    ({"n": 10**20}, "--n must be a positive number of rows"),
    ({"n": float("inf")}, "--n must be a positive number of rows"),
    ({"per_class": {"a": 10**20}}, "count for class 'a' must be from 0 to"),
    ({"per_class": {"a": 2**53, "b": 2**53}}, "rows in all; at most"),
])
def test_requests_too_large_or_not_finite_are_one_line_errors(request_, message):
    # --ratio inf raised OverflowError and --n 10**20 numpy's ValueError, both as tracebacks
    with pytest.raises(DataError, match=message):
        resolve_class_counts(CLASSES, COUNTS, **request_)


@pytest.mark.parametrize("chunk_size", [0, -3])
def test_a_chunk_size_below_one_is_refused_not_looped_on(chunk_size):
    # chunk_size=0 drew empty chunks forever (model.write_sample(path, 10, chunk_size=0) hung)
    chunks = chunk_labels(np.array([3, 2]), chunk_size, np.random.default_rng(0))
    with pytest.raises(DataError, match="chunk_size must be a whole number of rows >= 1"):
        next(chunks)
