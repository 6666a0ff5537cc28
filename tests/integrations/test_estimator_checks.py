"""scikit-learn's and imbalanced-learn's common estimator checks on SynthOverSampler (under 4 s of
checks in all with a tiny synthesizer, imports apart)."""

import numpy as np
import pandas as pd
import pytest
from imblearn.utils import estimator_checks as imblearn_checks
from scipy import sparse
from sklearn.utils.estimator_checks import (
    check_dtype_object,
    check_n_features_in,
    check_n_features_in_after_fitting,
    parametrize_with_checks,
)

import synthaug
from synthaug import DataError, SynthOverSampler, TabularCGAN

TINY = {"epochs": 1, "min_steps": 5, "generator_dims": (8,), "discriminator_dims": (8,), "latent_dim": 4}
SAMPLER = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0)
# imblearn's checks resample 1,000 rows of 20 columns, 7 times: without the sampling filters (which
# reject and regenerate rows, and warn "train longer" of a 5-step model) they take 2 s instead of 17 s
UNFILTERED = SynthOverSampler(synthesizer=TabularCGAN(**TINY, privacy_filter=None, label_filter=None), random_state=0)

IMBLEARN_EXPECTED_FAILURES = {
    "check_samplers_pandas_sparse": "sparse input is refused by design (the synthesizer models dense tables); "
                                    "the tags say sparse=False, which skips check_samplers_sparse but not this one",
}


@parametrize_with_checks([SAMPLER])
def test_sklearn_estimator_checks(estimator, check):
    # 9 of 41 failed: no n_features_in_, pandas' "Must pass 2-d input" for sparse X, other wording for
    # complex and empty X, and NaN taken without the allow_nan tag that says missing values are modelled
    check(estimator)


def test_n_features_in_and_feature_names_in_as_imblearn_sets_them():
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 2)), columns=["a", "b"])
    y = np.array([0] * 30 + [1] * 10)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit(X, y)
    assert sampler.n_features_in_ == 2 and sampler.feature_names_in_.tolist() == ["a", "b"]
    assert sampler.get_feature_names_out().tolist() == ["a", "b"]
    sampler.fit_resample(X.to_numpy(), y)  # a refit on an array forgets the names
    assert sampler.n_features_in_ == 2 and not hasattr(sampler, "feature_names_in_")


@pytest.mark.parametrize("make", [sparse.csr_matrix, lambda a: pd.DataFrame(a).astype(pd.SparseDtype(float, 0))])
def test_sparse_input_is_refused_in_one_line(make):
    X, y = np.eye(20), np.array([0] * 15 + [1] * 5)
    for fit in (SynthOverSampler(synthesizer=TabularCGAN(**TINY)).fit_resample, TabularCGAN(**TINY).fit):
        with pytest.raises(DataError, match=r"^fit(_resample)?: sparse input is not supported") as info:
            fit(make(X), y)
        assert "\n" not in str(info.value)


def test_lists_and_one_column_frames_come_back_as_imblearn_returns_them():
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.array([0] * 30 + [1] * 10)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0)
    X_res, y_res = sampler.fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_res, list) and isinstance(y_res, list) and len(X_res) == len(y_res) == 60
    _, y_frame = sampler.fit_resample(X, pd.DataFrame({"class": y}))
    assert isinstance(y_frame, pd.DataFrame) and list(y_frame.columns) == ["class"] and len(y_frame) == 60
    multilabel = np.ones((40, 2))  # pandas' "Data must be 1-dimensional" traceback; one-hot y is taken
    with pytest.raises(DataError, match=r"one class label per row, or be one-hot .*got shape \(40, 2\)"):
        sampler.fit_resample(X, multilabel)
    with pytest.raises(DataError, match=r"^fit: y must hold one class label per row"):  # not "fit_resample:"
        sampler.fit(X, multilabel)


def test_tabular_cgan_takes_object_arrays_of_numbers_as_numbers():
    # every column of X.astype(object) was taken for an identifier: "no feature columns left to model"
    check_dtype_object("TabularCGAN", TabularCGAN(**TINY, random_state=0))


def test_each_fit_resample_is_a_new_fit_of_any_width_as_in_imblearn():
    # fit_resample resets n_features_in_ (validate_data(reset=True)), as RandomOverSampler's does:
    # it is a fit, not a transform, so a different width is no error
    from imblearn.over_sampling import RandomOverSampler

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 4)), np.array([0] * 30 + [1] * 10)
    ours = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit(X, y)
    theirs = RandomOverSampler(random_state=0).fit(X, y)
    for sampler in (ours, theirs):
        assert sampler.n_features_in_ == 4
        X_res, _ = sampler.fit_resample(X[:, :1], y)
        assert sampler.n_features_in_ == 1 and X_res.shape == (60, 1)


def test_a_refused_fit_keeps_the_last_fits_features_as_validate_data_does():
    # n_features_in_ and feature_names_in_ were set before y was checked: a refused fit left the
    # new width beside the old fit's sampling_strategy_
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 2)), columns=["a", "b"])
    y = np.array([0] * 30 + [1] * 10)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit(X, y)
    for bad_y in ([np.nan] + [0] * 29 + [1] * 10, y[:30]):
        with pytest.raises(DataError):
            sampler.fit(rng.normal(size=(40, 3)), bad_y)
        assert sampler.n_features_in_ == 2 and sampler.feature_names_in_.tolist() == ["a", "b"]
        assert sampler.sampling_strategy_ == {1: 20}


@pytest.mark.parametrize("method", ["fit", "fit_resample"])
def test_x_and_y_of_different_lengths_are_refused_naming_both_counts(method):
    # fit accepted them (imblearn's SMOTE: "Found input variables with inconsistent numbers of samples")
    X, y = np.random.default_rng(0).normal(size=(40, 2)), np.array([0] * 30 + [1] * 20)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0)
    with pytest.raises(DataError, match=rf"^{method}: X has 40 rows but y has 50$"):
        getattr(sampler, method)(X, y)


@imblearn_checks.parametrize_with_checks([UNFILTERED], expected_failed_checks=lambda _: IMBLEARN_EXPECTED_FAILURES)
def test_imblearn_estimator_checks(estimator, check):
    # estimator_checks_generator crashed: 'InputTags' object has no attribute 'dataframe' (plain
    # scikit-learn tags); then check_samplers_multiclass_ova (one-hot y), check_samplers_sample_indices
    # (no sampler_tags) and check_param_validation (no _parameter_constraints) failed
    check(estimator)


@pytest.mark.parametrize("check", [imblearn_checks.check_param_validation,
                                   imblearn_checks.check_dataframe_column_names_consistency])
def test_imblearn_checks_run_apart_from_its_generator(check):
    # imbalanced-learn runs these two on its own samplers beside the generator's checks
    check("SynthOverSampler", UNFILTERED)


def test_the_tags_are_those_imblearn_samplers_report():
    from imblearn.base import is_sampler
    from imblearn.utils._tags import get_tags

    tags = get_tags(SAMPLER)
    assert tags.estimator_type == "sampler" and tags.target_tags.required and is_sampler(SAMPLER)
    assert tags.sampler_tags.sample_indices is False and not hasattr(SAMPLER, "sample_indices_")
    assert tags.input_tags.dataframe and tags.input_tags.string and tags.input_tags.allow_nan
    assert not tags.input_tags.sparse


@pytest.mark.parametrize("check", [check_n_features_in, check_n_features_in_after_fitting])
def test_tabular_cgan_passes_sklearn_n_features_in_checks(check):
    # TabularCGAN set neither n_features_in_ nor feature_names_in_, which SynthOverSampler sets
    check("TabularCGAN", TabularCGAN(**TINY, privacy_filter=None, label_filter=None, random_state=0))


def test_tabular_cgan_feature_names_as_sklearn_gives_them_and_after_load(tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    X["label"] = [0] * 30 + [1] * 10
    model = TabularCGAN(**TINY, drop=["b"], random_state=0).fit(X, "label")  # the target and drop are not features
    assert model.n_features_in_ == 2 and model.feature_names_in_.tolist() == ["a", "c"]
    assert model.feature_names_in_.dtype == object
    loaded = synthaug.load(model.save(tmp_path / "m"))
    assert loaded.n_features_in_ == 2 and loaded.feature_names_in_.tolist() == ["a", "c"]
    for unnamed in (X.drop(columns="label").to_numpy(), pd.DataFrame(X.drop(columns="label").to_numpy())):
        fitted = TabularCGAN(**TINY, random_state=0).fit(unnamed, X["label"])
        assert fitted.n_features_in_ == 3 and not hasattr(fitted, "feature_names_in_")
        assert not hasattr(synthaug.load(fitted.save(tmp_path / str(type(unnamed)))), "feature_names_in_")
    assert not hasattr(TabularCGAN(), "n_features_in_") and not hasattr(TabularCGAN(), "feature_names_in_")
