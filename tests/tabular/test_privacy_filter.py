import numpy as np
import pandas as pd
import pytest

import synthaug
from synthaug import SynthaugWarning, TabularCGAN
from synthaug.tabular.privacy_filter import MAX_ROWS, fit_filter, pinning_ratio
from synthaug.tabular.synthesizer import FILTER_ROUNDS


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


def test_pinning_ratio_by_hand():
    far = np.inf  # no such neighbour in the class: left out
    dist = np.array([[0.1, 0.2, 0.3, far, far], [0.0, 0.0, 0.0, 0.0, 0.0], [0.2, far, far, far, far],
                     [0.1, 0.1, 0.4, 0.4, 0.5]])
    # .1 / mean(.1, .2, .3); all at 0 -> 1; one same-class neighbour -> 1; five neighbours: .1 / .3
    np.testing.assert_allclose(pinning_ratio(dist), [0.5, 1.0, 1.0, 1 / 3])
    # per-row neighbour counts: the first two distances only -> .1 / .15 and .1 / .1
    np.testing.assert_allclose(pinning_ratio(dist[[0, 3]], np.array([2, 2])), [2 / 3, 1.0])


def test_pinning_rejects_rows_more_pinned_than_the_quantile_of_leave_one_out_ratios():
    # scaled values 0, .1, .3, 1 (class 0) and .5, .6 (class 1), as above
    train = pd.DataFrame({"x": [0.0, 1.0, 3.0, 10.0, 5.0, 6.0]})
    codes = np.array([0, 0, 0, 0, 1, 1])
    # class 0's leave-one-out ratios over its 3 other rows: .1/.4667, .1/.4, .2/.4, .7/.8667 -> median .375;
    # class 1 (2 rows): one neighbour each, ratio 1. Classes under LOCAL_K rows: the whole class is the reference
    flt = fit_filter(train, codes, 1e-9, pinning=0.5)  # a negligible radius: only the pinning test acts
    np.testing.assert_allclose(flt.row_ratio, [0.1 / 0.7 * 1.5, 0.25, 0.5, 0.7 / 2.6 * 3, 1.0, 1.0])
    assert flt.n_near.tolist() == [3, 1]
    rows = pd.DataFrame({"x": [0.2, 6.5, 2.8, 0.5, 5.1]})
    # class 0, nearest 3: .02,.08,.28 -> .16 (rejected); .35,.35,.55 -> .84; .02,.18,.28 -> .125 (rejected);
    # .05,.05,.25 -> .43; class 1 with one neighbour: ratio 1, never below its 1.0
    got = flt.too_close(rows, np.array([0, 0, 0, 0, 1]))
    assert got.tolist() == [True, False, True, False, False]
    assert fit_filter(train, codes, 1e-9).pinning is None
    assert not fit_filter(train, codes, 1e-9).too_close(rows, np.array([0, 0, 0, 0, 1])).any()


def test_pinning_keeps_fresh_rows_with_missing_values_about_as_often_as_others():
    """Rows missing 5 of 6 numbers spread in one dimension, so their neighbours are unevenly near
    and their pinning ratios are low whether fresh or copied: the class-wide quantile rejected 97%
    of fresh such rows (36% of the others), and the released rows lost most missing values. The
    reference of each row's LOCAL_K nearest training rows rejects about as many as the quantile."""
    rng = np.random.default_rng(0)

    def rows(n: int) -> pd.DataFrame:
        frame = pd.DataFrame({f"x{j}": rng.uniform(0, 1, n) for j in range(6)})
        frame.loc[rng.uniform(size=n) < 0.2, ["x1", "x2", "x3", "x4", "x5"]] = np.nan
        return frame

    flt = fit_filter(rows(200), np.zeros(200, int), 1e-9, pinning=0.5)  # only the pinning test acts
    fresh = rows(1000)
    rejected = flt.too_close(fresh, np.zeros(1000, int))
    missing = fresh["x1"].isna().to_numpy()
    assert rejected[~missing].mean() == pytest.approx(0.5, abs=0.15)
    assert rejected[missing].mean() < 0.75


def test_pinning_is_applied_at_sampling(mixed_table, fast_params):
    radius_only = TabularCGAN(random_state=1, privacy_filter_pinning=None, **fast_params).fit(mixed_table, y="label")
    both = TabularCGAN(random_state=1, privacy_filter_pinning=0.5, **fast_params).fit(mixed_table, y="label")
    radius_only.sample_frame(n=300, random_state=0)
    frame = both.sample_frame(n=300, random_state=0)
    assert both.n_rejected_ > radius_only.n_rejected_  # same generator, a stricter test
    codes = np.searchsorted(both.classes_, frame["label"].to_numpy())
    assert not both._privacy_filter.too_close(frame, codes).any()


def test_filter_rejects_and_regenerates_keeping_exact_counts(mixed_table, fast_params):
    strict = TabularCGAN(random_state=0, privacy_filter=50.0, **fast_params).fit(mixed_table, y="label")
    kept_anyway = rf"privacy filter: 12 row\(s\) still inside .* after {FILTER_ROUNDS} tries"
    with pytest.warns(SynthaugWarning, match=kept_anyway):
        frame = strict.sample_frame(per_class={"yes": 7, "no": 5})
    assert frame["label"].value_counts().to_dict() == {"yes": 7, "no": 5}
    # every row is inside a radius of 50 spacings: retried FILTER_ROUNDS - 1 times, then kept (and said so)
    assert strict.n_rejected_ == (FILTER_ROUNDS - 1) * 12
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
    with pytest.warns(SynthaugWarning,
                      match=r"privacy_filter( and label_filter are| is) not applied: a loaded or copied \(pickled\)"):
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


def test_a_training_table_whose_labels_are_text_numbers_is_told_the_types_differ(mixed_table, fast_params, tmp_path):
    numbered = mixed_table.assign(label=(mixed_table["label"] == "yes").astype(int))
    TabularCGAN(random_state=0, **fast_params).fit(numbered, y="label").save(tmp_path / "m")
    as_text = numbered.assign(label=numbered["label"].astype(str))  # a CSV read with dtype=str
    with pytest.raises(synthaug.DataError, match=r"match its classes \('0', '1'\) as text, but are str where "
                                                 r"the model's are int"):
        synthaug.load(tmp_path / "m").attach_privacy_filter(as_text, "label")
    with pytest.raises(synthaug.DataError, match=r"carry a label the model was not fitted on$"):
        synthaug.load(tmp_path / "m").attach_privacy_filter(as_text.assign(label="2"), "label")


def test_pickles_and_copies_leave_the_training_rows_behind(mixed_table, fast_params):
    import copy
    import pickle

    model = TabularCGAN(random_state=0, **fast_params).fit(mixed_table, y="label")
    assert model._privacy_filter is not None
    assert not hasattr(pickle.loads(pickle.dumps(model)), "_privacy_filter")
    assert not hasattr(copy.deepcopy(model), "_privacy_filter")
    assert model._privacy_filter is not None  # the pickled model itself keeps its filter


def test_bad_factor_is_refused(mixed_table, fast_params):
    with pytest.raises(ValueError, match="privacy_filter"):
        TabularCGAN(privacy_filter=0.0, **fast_params).fit(mixed_table, y="label")
    with pytest.raises(ValueError, match="privacy_filter_floor"):
        TabularCGAN(privacy_filter_floor=1.5, **fast_params).fit(mixed_table, y="label")
    with pytest.raises(ValueError, match="privacy_filter_pinning"):
        TabularCGAN(privacy_filter_pinning=1.0, **fast_params).fit(mixed_table, y="label")


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


def test_filter_is_off_under_dp(mixed_table, fast_params):
    """Under DP the training rows must not steer the output: neither the radius nor the pinning test runs."""
    model = TabularCGAN(dp_epsilon=2.0, random_state=0, privacy_filter_pinning=0.5, **fast_params)
    model.fit(mixed_table, y="label").sample_frame(n=50)
    assert model._privacy_filter is None
    assert model.n_rejected_ == 0


@pytest.mark.parametrize("params, name", [
    ({"privacy_filter": None, "privacy_filter_pinning": 1.5}, "privacy_filter_pinning"),
    ({"privacy_filter": "wide"}, "privacy_filter"),
    ({"privacy_filter_floor": -0.1}, "privacy_filter_floor"),
    ({"label_filter": "strict", "dp_epsilon": 1.0}, "label_filter"),  # DP builds no filter
])
def test_filter_settings_are_checked_even_when_the_filter_is_not_built(mixed_table, fast_params, params, name):
    # privacy_filter=None builds no filter, yet a bad pinning quantile is still an error, before training
    with pytest.raises(synthaug.DataError, match=f"^{name} must be"):
        TabularCGAN(random_state=0, **{**fast_params, **params}).fit(mixed_table, y="label")


def test_rows_without_spacing_in_their_class_still_reject_their_copies():
    # scaled x: class 0 at 0, .1, .3; class 1 a single row at .9; class 2 two twins at 1.0
    train = pd.DataFrame({"x": [0.0, 1.0, 3.0, 9.0, 10.0, 10.0]})
    codes = np.array([0, 0, 0, 1, 2, 2])
    flt = fit_filter(train, codes, 1.0)
    # the single row: .1 to its nearest row of any class (a twin); the twins: each other at 0 -> only copies
    np.testing.assert_allclose(flt.radius[:4], [0.1, 0.1, 0.2, 0.1])
    assert 0.0 < flt.radius[4] == flt.radius[5] < 1e-300
    rows = pd.DataFrame({"x": [9.0, 9.5, 10.0, 10.001]})
    assert flt.too_close(rows, np.array([1, 1, 2, 2])).tolist() == [True, True, True, False]


def test_privacy_filter_rejects_says_which_sampled_rows_the_filter_still_rejects(mixed_table, fast_params):
    # sampling keeps them after FILTER_ROUNDS tries; share drops them by this test
    strict = TabularCGAN(random_state=0, privacy_filter=50.0, **fast_params).fit(mixed_table, y="label")
    with pytest.warns(SynthaugWarning, match="were kept"):
        frame = strict.sample_frame(n=12)
    assert strict.privacy_filter_rejects(frame).tolist() == [True] * 12  # inside a radius of 50 spacings
    model = TabularCGAN(random_state=0, **fast_params).fit(mixed_table, y="label")
    frame = model.sample_frame(n=50)
    assert not model.privacy_filter_rejects(frame).any()
    assert model.privacy_filter_rejects(mixed_table).all()  # the training rows themselves: exact copies
    off = TabularCGAN(random_state=0, privacy_filter=None, **fast_params).fit(mixed_table, y="label")
    assert off.privacy_filter_rejects(frame) is None


def test_privacy_filter_off_reason_names_the_rule_that_switched_it_off():
    """The release card quotes this; the synthesizer's own rule decides, so the two cannot drift."""
    assert TabularCGAN(privacy_filter=None).privacy_filter_off_reason(10) == "privacy_filter is None (off)"
    assert "differential privacy" in TabularCGAN(dp_epsilon=1.0).privacy_filter_off_reason(10)
    assert TabularCGAN().privacy_filter_off_reason(MAX_ROWS + 1) == f"off above {MAX_ROWS} training rows"
    assert TabularCGAN().privacy_filter_off_reason(MAX_ROWS) is None


def _categorical(rows: list[str]) -> pd.DataFrame:
    return pd.DataFrame([list(r) for r in rows], columns=list("wxyz")[: len(rows[0])])


def test_a_copy_of_values_five_training_rows_of_its_class_share_is_not_rejected():
    # the trial: on a categorical table (56% of rows repeat another) the filter rejected every copy of its
    # common combinations, 12 candidates per row; copying values 5 people share singles none of them out
    rows = ["aaaa"] * 5 + ["aaab"] * 4 + ["bbaa", "babb", "abba", "bbbb"] + ["bbba"] * 3 + ["bbba"] * 2 + ["abab"]
    codes = np.array([0] * 16 + [1] * 3)  # bbba: 3 rows of class 0 and 2 of class 1, 5 in all
    for pinning in (None, 0.75):
        flt = fit_filter(_categorical(rows), codes, 1.0, 0.2, pinning=pinning)
        got = flt.too_close(_categorical(["aaaa", "aaab", "bbba", "bbba", "bbbb"]), np.array([0, 0, 0, 1, 0]))
        # 5 rows of its class: kept; 4: rejected; 5 across the two classes (3 and 2): rejected in either
        assert got.tolist() == [False, True, True, True, True]


def test_rows_of_common_values_are_no_pinning_reference():
    # their leave-one-out ratio is 0/0 (their nearest rows are twins), which counted as 1, the largest: with
    # seven rows of aaa among a table's references, fresh rows two values off were rejected as pinned
    train = _categorical(["aaa"] * 7 + ["bba", "aac", "bcb", "bcc", "bbb", "cac", "cab"])
    flt = fit_filter(train, np.zeros(len(train), int), 1.0, 0.2, pinning=0.75)
    assert np.isnan(flt.row_ratio[:7]).all() and np.isfinite(flt.row_ratio[7:]).all()
    assert not flt.too_close(_categorical(["bab", "bca", "ccc"]), np.zeros(3, int)).any()


def test_a_continuous_table_is_filtered_exactly_as_before_common_values_were_let_through():
    """Breast cancer has no repeated rows: the same candidates are accepted as before (positions pinned by a
    hash taken before the change), copies of training rows and rows 0.1 to 2 standard deviations away."""
    import hashlib

    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    X, codes = frame.drop(columns="target"), frame["target"].to_numpy()
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(X), 600)
    scale = np.repeat([0.0, 0.1, 0.3, 0.5, 1.0, 2.0], 100)[:, None] * X.std().to_numpy()
    rows = pd.DataFrame(X.iloc[picks].to_numpy() + scale * rng.standard_normal((600, X.shape[1])), columns=X.columns)
    for pinning, n_rejected, digest in ((None, 297, "5639b1fe8ae3f710"), (0.75, 397, "3507c95ca989fe0b")):
        rejected = fit_filter(X, codes, 1.0, 0.2, pinning=pinning).too_close(rows, codes[picks])
        assert int(rejected.sum()) == n_rejected
        assert hashlib.sha256(np.flatnonzero(~rejected).tobytes()).hexdigest()[:16] == digest


def test_the_card_entry_counts_the_candidates_the_filter_regenerated(mixed_table, fast_params):
    from synthaug._release_card import privacy_filter_note, screen_privacy_filter

    model = TabularCGAN(random_state=0, **fast_params).fit(mixed_table, y="label")
    frame = model.sample_frame(n=40)
    _, entry = screen_privacy_filter(model, frame, "label")
    assert entry["regenerated"] == model.n_rejected_ > 0
    assert entry["regenerated_per_row"] == pytest.approx(model.n_rejected_ / 40, abs=1e-3)
    assert entry["distorting_above_per_row"] == 5.0  # pinning 0.75: fresh rows pass 1 in 4; warn below 1 in 6
    assert entry["distorting"] == (entry["regenerated_per_row"] > 5)
    assert f"it regenerated {model.n_rejected_} candidates" in privacy_filter_note(entry)
