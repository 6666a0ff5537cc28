"""Warnings raised deep inside synthaug are attributed to the user's line (``synthaug._errors.warn``)."""

import warnings

import numpy as np
import pandas as pd

from synthaug import SynthaugWarning, TabularCGAN
from synthaug._errors import warn


def _caught(call) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [w for w in caught if issubclass(w.category, SynthaugWarning)]


def test_a_warning_from_deep_in_fit_points_at_the_line_that_called_fit(fast_params):
    table = pd.DataFrame({"id": np.arange(60), "x": np.tile([0.0, 1.0, 2.0], 20), "label": [0, 1] * 30})
    caught = _caught(lambda: TabularCGAN(random_state=0, **fast_params).fit(table, y="label"))
    dropped = [w for w in caught if "identifier-like" in str(w.message)]
    assert dropped and {w.filename for w in dropped} == {__file__}  # counted stack levels pointed into synthaug


def test_warn_outside_synthaug_points_at_its_own_caller():
    caught = _caught(lambda: warn("plain"))
    assert [w.filename for w in caught] == [__file__] and caught[0].lineno == _line_of("warn(\"plain\")")


def _line_of(text: str) -> int:
    return next(i for i, line in enumerate(open(__file__), 1) if text in line and "_line_of" not in line)
