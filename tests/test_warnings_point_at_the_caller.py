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


def test_a_warning_from_a_pipelines_oversampler_points_at_the_users_line():
    # they pointed at imblearn/pipeline.py, which called fit_resample for the user
    from imblearn.pipeline import Pipeline
    from sklearn.linear_model import LogisticRegression

    from synthaug import SynthOverSampler

    X = pd.DataFrame({"x": np.tile([0.0, 1.0, 2.0, 3.0], 10), "z": np.tile([1.0, 0.0], 20)})
    y = np.array([0] * 30 + [1] * 9 + [2])  # a class of one row: warned
    pipe = Pipeline([("aug", SynthOverSampler(synthesizer=TabularCGAN(epochs=1, min_steps=2, generator_dims=(8,),
                                                                      discriminator_dims=(8,), latent_dim=4),
                                              random_state=0)),
                     ("clf", LogisticRegression())])
    caught = _caught(lambda: pipe.fit(X, y))
    assert caught and {w.filename for w in caught} == {__file__}, [(w.filename, str(w.message)) for w in caught]
