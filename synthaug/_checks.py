"""Small value checks shared by the parameter validations."""

from __future__ import annotations

import numbers


def is_whole(value) -> bool:
    """True for an int or a numpy integer; False for bools (True is not a count of 1), floats and text."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
