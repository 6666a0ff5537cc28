"""A model sampled without its training table (loaded, or a pickled copy) warns once, naming every
sampling filter it cannot apply: the advice is the same for both."""

import pickle
import warnings

import pytest

import synthaug
from synthaug import TabularCGAN
from synthaug._errors import FilterNotAppliedWarning
from tests.conftest import FAST, make_mixed_table

BOTH = ("privacy_filter and label_filter are not applied: a loaded or copied (pickled) model holds no training rows "
        "to filter against; pass the training table (synthaug sample --train DATA, or "
        "model.attach_privacy_filter(X, y))")


@pytest.fixture(scope="module")
def model():
    return TabularCGAN(random_state=0, privacy_filter=1.0, label_filter=0.3, **FAST).fit(make_mixed_table(), "label")


def _unapplied(model) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.sample_frame(n=5, random_state=0)
    return [w for w in caught if issubclass(w.category, FilterNotAppliedWarning)]


@pytest.mark.parametrize("copy", ["loaded", "pickled"])
def test_one_warning_names_both_filters(model, tmp_path, copy):
    if copy == "loaded":
        model.save(tmp_path / "m")
        sampler = synthaug.load(tmp_path / "m")
    else:
        sampler = pickle.loads(pickle.dumps(model))
    [caught] = _unapplied(sampler)
    assert str(caught.message) == BOTH
    assert caught.message.filters == ("privacy_filter", "label_filter")


def test_one_filter_is_named_alone(model):
    sampler = pickle.loads(pickle.dumps(model))
    sampler._label_filter = model._label_filter  # as if only the privacy filter were left behind
    [caught] = _unapplied(sampler)
    assert str(caught.message).startswith("privacy_filter is not applied: a loaded or copied (pickled) model")
    assert caught.message.filters == ("privacy_filter",)
