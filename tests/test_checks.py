"""Small value checks shared by the parameter validations."""

import numpy as np
import pytest

from synthaug._checks import is_finite


@pytest.mark.parametrize(("value", "finite"), [
    (0.5, True), (np.float32(2), True), (np.int64(3), True), (10**400, True),  # math.isfinite overflows on it
    (float("nan"), False), (np.float32("nan"), False), (float("inf"), False), (True, False), ("1", False),
    (None, False),
])
def test_is_finite_takes_numbers_of_any_kind_and_size_and_nothing_else(value, finite):
    assert is_finite(value) is finite
