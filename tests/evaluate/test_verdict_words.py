"""Figures in words: signed effects whose sign decides a verdict."""

import pytest


@pytest.mark.parametrize(("x", "text"), [
    (0.000114, "+0.00011"), (-0.00012, "-0.00012"), (0.0, "+0.000"), (-0.0, "+0.000"), (0.0123, "+0.012"),
    (-0.0104, "-0.010"),
])
def test_signed_shows_the_side_of_0_of_a_bound_that_rounds_to_0(x, text):
    from synthaug.evaluate.verdict_words import signed

    assert signed(x) == text

