import numpy as np
import pandas as pd
import pytest

import synthaug
from synthaug import SynthaugWarning, TabularCGAN
from synthaug.tabular.privacy_filter import fit_filter


def test_radius_is_the_leave_one_out_distance_within_the_class():
    # one numeric column of range 10: scaled values 0, .1, .3, 1 (class 0) and .5, .6 (class 1)
    train = pd.DataFrame({"x": [0.0, 1.0, 3.0, 10.0, 5.0, 6.0]})
    codes = np.array([0, 0, 0, 0, 1, 1])
    flt = fit_filter(train, codes, 1.0)
    np.testing.assert_allclose(flt.radius, [0.1, 0.1, 0.2, 0.7, 0.1, 0.1])
    rows = pd.DataFrame({"x": [0.5, 6.0, 3.5, 5.2]})
    # 0.5: .05 from a class-0 row (radius .1); 6.0 as class 0: .3 from 3 (radius .2);
    # 3.5 as class 1: .15 from 5 (radius .1); 5.2 as class 1: .02 from 5
    assert flt.too_close(rows, np.array([0, 0, 1, 1])).tolist() == [True, False, False, True]
    assert fit_filter(train, codes, 2.0).radius[3] == pytest.approx(1.4)
    # floor: the class's median spacing (class 0: .15) lifts the two radii of .1
    np.testing.assert_allclose(fit_filter(train, codes, 1.0, floor=0.5).radius, [0.15, 0.15, 0.2, 0.7, 0.1, 0.1])


def test_filter_rejects_and_regenerates_keeping_exact_counts(mixed_table, fast_params):
    strict = TabularCGAN(random_state=0, privacy_filter=50.0, **fast_params).fit(mixed_table, y="label")
    with pytest.warns(SynthaugWarning, match=r"privacy filter: 12 row\(s\) still inside .* after 20 tries were kept"):
        frame = strict.sample_frame(per_class={"yes": 7, "no": 5})
    assert frame["label"].value_counts().to_dict() == {"yes": 7, "no": 5}
    # every row is inside a radius of 50 spacings: retried 19 times, then kept (and said so), not counted again
    assert strict.n_rejected_ == 19 * 12
    off = TabularCGAN(random_state=0, privacy_filter=None, **fast_params).fit(mixed_table, y="label")
    off.sample_frame(n=12)
    assert off.n_rejected_ == 0


def test_kept_rows_are_outside_their_nearest_training_rows_radius(mixed_table, fast_params):
    model = TabularCGAN(random_state=2, privacy_filter=1.0, **fast_params).fit(mixed_table, y="label")
    frame = model.sample_frame(n=200)
    codes = np.searchsorted(model.classes_, frame["label"].to_numpy())
    assert not model._privacy_filter.too_close(frame, codes).any()


def test_loaded_model_warns_that_it_cannot_filter(mixed_table, fast_params, tmp_path):
    TabularCGAN(random_state=0, **fast_params).fit(mixed_table, y="label").save(tmp_path / "m")
    loaded = synthaug.load(tmp_path / "m")
    with pytest.warns(SynthaugWarning, match="privacy_filter is not applied: a loaded model"):
        assert len(loaded.sample_frame(n=5)) == 5
    assert loaded.n_rejected_ == 0


def test_loaded_model_given_its_training_table_filters_and_replays(mixed_table, fast_params, tmp_path):
    model = TabularCGAN(random_state=0, privacy_filter=2.0, **fast_params).fit(mixed_table, y="label")
    model.save(tmp_path / "m")
    fitted = model.sample_frame(n=60, random_state=4)
    assert model.n_rejected_ > 0
    loaded = synthaug.load(tmp_path / "m").attach_privacy_filter(mixed_table, "label")
    assert loaded.sample_frame(n=60, random_state=4).equals(fitted)
    assert loaded.n_rejected_ == model.n_rejected_
    with pytest.raises(synthaug.DataError, match="training table: no column 'age'"):
        synthaug.load(tmp_path / "m").attach_privacy_filter(mixed_table.drop(columns="age"), "label")


def test_pickles_and_copies_leave_the_training_rows_behind(mixed_table, fast_params):
    import copy
    import pickle

    model = TabularCGAN(random_state=0, **fast_params).fit(mixed_table, y="label")
    assert model._privacy_filter is not None
    assert not hasattr(pickle.loads(pickle.dumps(model)), "_privacy_filter")
    assert not hasattr(copy.deepcopy(model), "_privacy_filter")


def test_bad_factor_is_refused(mixed_table, fast_params):
    with pytest.raises(ValueError, match="privacy_filter"):
        TabularCGAN(privacy_filter=0.0, **fast_params).fit(mixed_table, y="label")
    with pytest.raises(ValueError, match="privacy_filter_floor"):
        TabularCGAN(privacy_filter_floor=1.5, **fast_params).fit(mixed_table, y="label")


@pytest.mark.parametrize("public", [False, True], ids=["inferred", "public-schema"])
def test_dates_read_from_a_csv_are_measured_as_dates(mixed_table, fast_params, tmp_path, public):
    """A CSV gives dates as text: the filter measures them as dates, in its training rows and in the
    generated ones, so a training row copied verbatim is at distance 0 and inside even a tiny radius."""
    import warnings

    from synthaug.io import read_table
    from synthaug.tabular.draft_schema import draft_public_schema

    mixed_table.to_csv(tmp_path / "t.csv", index=False)
    frame = read_table(tmp_path / "t.csv")
    schema = draft_public_schema(frame, "label", min_count=1) if public else None  # min_count=1: nothing folded
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TabularCGAN(random_state=0, public_schema=schema, privacy_filter=1e-6, privacy_filter_floor=0.0,
                            **fast_params).fit(frame, y="label")
    flt = model._privacy_filter
    assert "joined" in flt.space.numeric
    codes = np.searchsorted(model.classes_, frame["label"].to_numpy())
    assert flt.too_close(frame.drop(columns="label"), codes).all()
