"""Small value checks shared by the parameter validations."""

from __future__ import annotations

import math
import numbers
import re

import numpy as np


def is_whole(value) -> bool:
    """True for an int or a numpy integer; False for bools (True is not a count of 1), floats and text."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value) -> bool:
    """True for an int, float or numpy number; False for bools and text."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_finite(value) -> bool:
    """True for a finite int, float or numpy number; False for NaN, infinities, bools and text."""
    return is_whole(value) or (is_real(value) and math.isfinite(value))  # an int of any size is finite


def is_whole_number(value) -> bool:
    """True for an int or numpy integer, and for a finite float that is one (``5.0``, ``np.float32(5)``);
    False for bools, other floats and text: a count may be given as ``100.0``, not ``100.7``."""
    return is_whole(value) or (is_finite(value) and float(value).is_integer())


def is_betas(value) -> bool:
    """Adam's betas: two numbers in [0, 1)."""
    return (isinstance(value, (list, tuple, np.ndarray)) and len(value) == 2
            and all(is_real(b) and 0.0 <= float(b) < 1.0 for b in value))


def is_whole_text(text: str) -> bool:
    """Whether ``text`` is a whole number in decimal digits, with an optional sign: not ``3.0``,
    ``1e3`` or ``3_0`` (which ``int()`` reads as 30) or ``²`` (which ``str.isdigit`` accepts)."""
    return re.fullmatch(r"[+-]?[0-9]+", text.strip()) is not None
