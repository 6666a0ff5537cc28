"""Helpers for user-facing messages."""

import numpy as np

from synthaug._text import counted, quoted


def test_quoted_says_how_many_it_leaves_out():
    assert quoted(["a", np.int64(7)]) == "'a', 7"
    assert quoted([f"c{i}" for i in range(8)], 3) == "'c0', 'c1', 'c2', … and 5 more"
    assert quoted(range(5), 5) == "0, 1, 2, 3, 4"


def test_counted_is_singular_for_one_only():
    assert [counted(n, "seed") for n in (0, 1, 3)] == ["0 seeds", "1 seed", "3 seeds"]
