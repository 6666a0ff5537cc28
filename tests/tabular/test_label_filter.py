import copy
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import synthaug
from synthaug import DataError, TabularCGAN
from synthaug.tabular.label_filter import fit_featurizer, fit_label_filter
from synthaug.tabular.schema import ColumnSpec

SPECS = [ColumnSpec("x", "continuous", "float64", False), ColumnSpec("colour", "categorical", "object", True)]


def two_classes(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Class 0 around x = -2 (mostly red), class 1 around x = +2 (mostly blue)."""
    rng = np.random.default_rng(seed)
    codes = np.repeat([0, 1], n)
    x = np.where(codes == 0, -2.0, 2.0) + rng.normal(0, 1, 2 * n)
    colour = np.where(rng.random(2 * n) < 0.8, np.where(codes == 0, "red", "blue"), None)
    return pd.DataFrame({"x": x, "colour": colour}), codes


def test_featurizer_by_hand():
    train = pd.DataFrame({"x": [0.0, 2.0, 4.0], "colour": ["red", None, "blue"]})
    fz = fit_featurizer(train, SPECS)
    rows = pd.DataFrame({"x": [2.0, 100.0], "colour": ["blue", "green"]})
    # x: mean 2, std sqrt(8/3); clipped at 5 spreads; categories sorted: missing marker, blue, red
    np.testing.assert_allclose(fz.transform(rows).toarray(), [[0.0, 0, 1, 0], [5.0, 0, 0, 0]])


def test_rejects_rows_that_look_like_the_other_class():
    train, codes = two_classes(40, 0)
    flt = fit_label_filter(train, codes, 0.1, SPECS, np.random.default_rng(0))
    fresh, fresh_codes = two_classes(200, 1)
    swapped = 1 - fresh_codes  # every row labelled as the other class: label noise
    assert flt.rejects(fresh, swapped).mean() > 0.9
    assert flt.rejects(fresh, fresh_codes).mean() < 0.25  # about the quantile, for rows of the population
    # the floor is the 0.1 quantile of out-of-fold probabilities: a higher quantile rejects more
    stricter = fit_label_filter(train, codes, 0.5, SPECS, np.random.default_rng(0))
    assert (stricter.min_proba > flt.min_proba).all()
    assert stricter.rejects(fresh, fresh_codes).sum() > flt.rejects(fresh, fresh_codes).sum()


def test_bad_quantile_is_refused(mixed_table, fast_params):
    with pytest.raises(DataError, match="label_filter must be a quantile"):
        TabularCGAN(label_filter=1.0, **fast_params).fit(mixed_table, y="label")


def test_sampling_regenerates_mislabeled_rows(mixed_table, fast_params):
    model = TabularCGAN(random_state=0, privacy_filter=None, label_filter=0.5, **fast_params)
    frame = model.fit(mixed_table, y="label").sample_frame(per_class={"yes": 40, "no": 30})
    assert frame["label"].value_counts().to_dict() == {"yes": 40, "no": 30}
    assert model.n_label_rejected_ > 0 and model.n_rejected_ == 0
    codes = np.searchsorted(model.classes_, frame["label"].to_numpy())
    assert not model._label_filter.rejects(frame, codes).any()
    again = TabularCGAN(random_state=0, privacy_filter=None, label_filter=0.5, **fast_params)
    assert again.fit(mixed_table, y="label").sample_frame(per_class={"yes": 40, "no": 30}).equals(frame)
    off = TabularCGAN(random_state=0, label_filter=None, **fast_params).fit(mixed_table, y="label")
    off.sample_frame(n=30)
    assert off._label_filter is None and off.n_label_rejected_ == 0


def test_composes_with_the_privacy_filter(mixed_table, fast_params):
    model = TabularCGAN(random_state=0, privacy_filter=1.0, label_filter=0.3, **fast_params)
    frame = model.fit(mixed_table, y="label").sample_frame(n=80)
    codes = np.searchsorted(model.classes_, frame["label"].to_numpy())
    assert not model._label_filter.rejects(frame, codes).any()
    assert not model._privacy_filter.too_close(frame, codes).any()


def test_loaded_model_needs_its_table_then_replays(mixed_table, fast_params, tmp_path):
    model = TabularCGAN(random_state=0, label_filter=0.3, **fast_params).fit(mixed_table, y="label")
    model.save(tmp_path / "m")
    assert "_label_filter" not in (tmp_path / "m" / "model.json").read_text()
    fitted = model.sample_frame(n=60, random_state=4)
    with pytest.warns(synthaug.SynthaugWarning,
                      match=r"label_filter (is|are) not applied: a loaded or copied \(pickled\) model"):
        synthaug.load(tmp_path / "m").sample_frame(n=5)
    loaded = synthaug.load(tmp_path / "m").attach_privacy_filter(mixed_table, "label")
    assert loaded.label_filter == 0.3
    assert loaded.sample_frame(n=60, random_state=4).equals(fitted)
    assert loaded.n_label_rejected_ == model.n_label_rejected_
    assert not hasattr(pickle.loads(pickle.dumps(model)), "_label_filter")
    assert not hasattr(copy.deepcopy(model), "_label_filter")
    assert model._label_filter is not None  # the pickled model itself keeps its filter
    assert model.sample_frame(n=60, random_state=4).equals(fitted)


def test_filter_is_off_under_dp(mixed_table, fast_params):
    model = TabularCGAN(dp_epsilon=2.0, random_state=0, label_filter=0.5, **fast_params)
    model.fit(mixed_table, y="label").sample_frame(n=20)
    assert model._label_filter is None and model.n_label_rejected_ == 0


def test_auto_is_on_for_scarce_tables_and_off_above_max_rows(mixed_table, fast_params, monkeypatch):
    from synthaug.tabular import synthesizer

    model = TabularCGAN(random_state=0, privacy_filter=None, **fast_params).fit(mixed_table, y="label")
    assert model.label_filter == "auto" and model._label_filter is not None  # the default, at <= MAX_ROWS rows
    floors = fit_label_filter(mixed_table.drop(columns="label"), np.searchsorted(model.classes_, mixed_table["label"]),
                              synthesizer.LABEL_FILTER_AUTO, model.encoder_.specs_,
                              np.random.default_rng(0)).min_proba
    np.testing.assert_allclose(model._label_filter.min_proba, floors, atol=0.1)  # the same quantile's floors
    monkeypatch.setattr(synthesizer, "MAX_ROWS", len(mixed_table) - 1)  # the table is now "large"
    large = TabularCGAN(random_state=0, privacy_filter=None, **fast_params).fit(mixed_table, y="label")
    assert large._label_filter is None
    forced = TabularCGAN(random_state=0, privacy_filter=None, label_filter=0.2, **fast_params)
    forced.fit(mixed_table, y="label")
    assert forced._label_filter is not None  # a number applies at any size


def test_without_a_class_of_two_rows_the_filter_is_skipped_with_a_warning():
    """The out-of-fold fit used to get an empty fold and crash (scikit-learn: 0 samples); this can
    still happen through attach_privacy_filter when a public schema gives the class counts (the
    table's own are then not checked against the model's)."""
    train, _ = two_classes(4, 0)
    codes = np.arange(8)  # every row a class of its own
    with pytest.warns(synthaug.SynthaugWarning, match="label_filter: no class has a second training row among 8"):
        flt = fit_label_filter(train, codes, 0.1, SPECS, np.random.default_rng(0))
    assert not flt.rejects(train, codes).any()


def test_many_small_classes_fit_without_scikit_learns_warning():
    """Its 'number of unique classes is greater than 50%' came once per fold fit (4 times in a trial)."""
    train, _ = two_classes(30, 0)
    codes = np.repeat(np.arange(30), 2)  # 30 classes of 2 rows: every fold fit sees > 50% unique classes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_label_filter(train, codes, 0.1, SPECS, np.random.default_rng(0))


def test_set_params_after_the_filters_are_fitted_turns_them_off_or_is_refused(mixed_table, fast_params, tmp_path):
    # a trial set privacy_filter=None and label_filter=None on an attached model: the samples stayed
    # identical to the filtered ones, with no word
    model = TabularCGAN(random_state=0, privacy_filter=1.0, label_filter=0.3, **fast_params).fit(mixed_table, "label")
    filtered = model.sample_frame(n=60, random_state=4)
    unfiltered = clone(model).set_params(privacy_filter=None, label_filter=None).fit(mixed_table, "label")
    expected = unfiltered.sample_frame(n=60, random_state=4)
    model.set_params(privacy_filter=None, label_filter=None)
    frame = model.sample_frame(n=60, random_state=4)
    assert frame.equals(expected) and not frame.equals(filtered)
    assert model.n_rejected_ == model.n_label_rejected_ == 0
    assert model.privacy_filter_rejects(frame) is None
    model.set_params(privacy_filter=1.0, label_filter=0.3)  # back to the fitted settings
    assert model.sample_frame(n=60, random_state=4).equals(filtered)
    model.set_params(privacy_filter_pinning=0.9)
    with pytest.raises(synthaug.DataError, match="^privacy_filter_pinning is 0.9, but the sampling filters were "
                       "fitted with 0.75; call attach_privacy_filter"):
        model.sample_frame(n=5)
    model.set_params(privacy_filter_pinning=0.75, label_filter=0.5)
    with pytest.raises(synthaug.DataError, match="^label_filter is 0.5, but .* fitted with 0.3"):
        model.sample_frame(n=5)
    model.attach_privacy_filter(mixed_table, "label")  # refits them with the new setting
    assert model._label_filter is not None and len(model.sample_frame(n=5)) == 5


def test_a_setting_change_that_leaves_a_filter_off_or_as_it_runs_is_no_change(mixed_table, fast_params):
    # the review: a DP model (no filters) refused to sample after set_params(label_filter=0.3), and
    # asked for the private table back
    dp = TabularCGAN(dp_epsilon=2.0, random_state=0, **fast_params).fit(mixed_table, "label")
    dp.set_params(label_filter=0.3, privacy_filter=0.5, privacy_filter_floor=0.1)
    assert len(dp.sample_frame(n=5)) == 5 and dp._label_filter is None
    model = TabularCGAN(random_state=0, privacy_filter=None, **fast_params).fit(mixed_table, "label")
    before = model.sample_frame(n=30, random_state=1)
    model.set_params(label_filter=0.2)  # what "auto" resolves to at this size
    assert model.sample_frame(n=30, random_state=1).equals(before)
