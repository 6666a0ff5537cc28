import numpy as np
import pytest

from synthaug import DataError
from synthaug.sampling import allocate, chunk_labels, parse_per_class, resolve_class_counts

CLASSES, COUNTS = [" <=50K", " >50K"], [75, 25]


def test_n_follows_the_prior_exactly():
    assert list(resolve_class_counts(CLASSES, COUNTS, n=10)) == [8, 2]
    assert allocate(7, np.array([1 / 3, 1 / 3, 1 / 3])).sum() == 7


def test_balance_ratio_and_per_class():
    assert list(resolve_class_counts(CLASSES, COUNTS, balance=True)) == [0, 50]
    assert list(resolve_class_counts(CLASSES, COUNTS, ratio=0.5)) == [38, 12]
    assert list(resolve_class_counts(CLASSES, COUNTS, per_class={">50K": 3, " <=50K": 4})) == [4, 3]


def test_one_request_exactly():
    with pytest.raises(DataError, match="exactly one"):
        resolve_class_counts(CLASSES, COUNTS, n=5, balance=True)
    with pytest.raises(DataError, match="exactly one"):
        resolve_class_counts(CLASSES, COUNTS)


def test_unknown_class_is_named():
    with pytest.raises(DataError, match=r"unknown class '>50k'.*did you mean ' >50K'"):
        resolve_class_counts(CLASSES, COUNTS, per_class={">50k": 3})


def test_parse_per_class():
    assert parse_per_class("A=100, B=5") == {"A": 100, "B": 5}
    assert parse_per_class("a=b=2") == {"a=b": 2}
    for bad in ("A", "A=x", ""):
        with pytest.raises(DataError, match="--per-class"):
            parse_per_class(bad)


def test_chunks_have_exact_totals_and_bounded_size():
    chunks = list(chunk_labels(np.array([1000, 10, 0]), 128, np.random.default_rng(0)))
    assert max(len(c) for c in chunks) == 128
    assert np.bincount(np.concatenate(chunks), minlength=3).tolist() == [1000, 10, 0]


def test_a_ratio_too_small_for_one_row_names_the_ratio():
    with pytest.raises(DataError, match="--ratio 0.001 of 100 training rows is 0 rows"):
        resolve_class_counts(["a", "b"], [50, 50], ratio=0.001)
