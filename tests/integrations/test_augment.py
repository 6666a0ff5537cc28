import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler

from synthaug import DataError, SynthOverSampler, TabularCGAN
from synthaug.augment import oversampling_targets

TINY = {"epochs": 1, "min_steps": 15, "generator_dims": (16,), "discriminator_dims": (16,), "latent_dim": 8}


class RecordingCGAN(TabularCGAN):
    """Remembers the rows each fit saw, by a row-id column that encodes the original index."""

    seen: list = []

    def fit(self, X, y):
        RecordingCGAN.seen.append(set(np.round(X["row_id"].to_numpy()).astype(int)))
        return super().fit(X, y)


@pytest.mark.parametrize(
    "strategy",
    ["auto", "minority", "not minority", "not majority", "all", 0.8, {0: 30, 1: 40, 2: 50},
     lambda y: {0: int((y == 0).sum()) + 3}],
)
def test_sampling_strategy_matches_random_oversampler(strategy):
    y = np.array([0] * 30 + [1] * 12 + [2] * 7)
    if isinstance(strategy, float):
        y = y[y < 2]
    X = np.random.default_rng(0).normal(size=(len(y), 2))
    expected = RandomOverSampler(sampling_strategy=strategy, random_state=0).fit_resample(X, y)[1]
    X_res, y_res = SynthOverSampler(strategy, TabularCGAN(**TINY), random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == np.bincount(expected).tolist()
    assert X_res.shape == (len(y_res), 2) and isinstance(X_res, np.ndarray) and X_res.dtype == X.dtype
    np.testing.assert_array_equal(X_res[: len(y)], X)


def test_sampling_strategy_errors_like_imblearn():
    y = np.array([0] * 10 + [1] * 5 + [2] * 3)
    with pytest.raises(ValueError, match="binary"):
        oversampling_targets(y, 0.5)
    with pytest.raises(ValueError, match="only adds rows"):
        oversampling_targets(y, {0: 4})
    with pytest.raises(ValueError, match="not in y"):
        oversampling_targets(y, {7: 40})
    with pytest.raises(ValueError, match=r"in \(0, 1\]"):
        oversampling_targets(y[y < 2], 1.5)


@pytest.mark.parametrize("strategy", ["minority", "not majority", "not minority"])
def test_ties_pick_the_same_classes_as_imblearn(strategy):
    # imblearn breaks ties between equal class sizes in sorted label order, not order of appearance
    from imblearn.utils import check_sampling_strategy

    y = np.array(["z"] * 30 + ["y"] * 30 + ["b"] * 10 + ["a"] * 10)
    expected = {k: int(v) for k, v in check_sampling_strategy(strategy, y, "over-sampling").items()}
    assert oversampling_targets(y, strategy) == expected


def test_dataframe_in_dataframe_out_with_dtypes(mixed_table):
    X, y = mixed_table.drop(columns="label"), mixed_table["label"]
    X_res, y_res = SynthOverSampler("all", TabularCGAN(**TINY), random_state=1).fit_resample(X, y)
    assert isinstance(X_res, pd.DataFrame) and (X_res.dtypes == X.dtypes).all()
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    assert y_res.value_counts().nunique() == 1


def test_pipeline_cross_validation_fits_generator_on_training_folds_only():
    data = load_breast_cancer(as_frame=True)
    X = data.data.iloc[:, :4].copy()
    X["row_id"] = np.arange(len(X), dtype=float)
    y = data.target
    RecordingCGAN.seen = []
    pipe = Pipeline([("aug", SynthOverSampler(synthesizer=RecordingCGAN(**TINY, continuous=["row_id"]),
                                              random_state=0)),
                     ("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=500))])
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(pipe, X, y, cv=folds)
    assert len(scores) == 3 and (scores > 0.7).all()
    assert len(RecordingCGAN.seen) == 3
    for seen, (train, test) in zip(RecordingCGAN.seen, folds.split(X, y), strict=True):
        assert seen == set(train) and seen.isdisjoint(test)


def test_sklearn_conventions_and_grid_search():
    sampler = SynthOverSampler(0.9, TabularCGAN(**TINY), random_state=3)
    assert clone(sampler).get_params()["synthesizer__loss"] == "non-saturating"
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[::5, :3], y[::5]
    pipe = Pipeline([("aug", sampler), ("clf", LogisticRegression(max_iter=500))])
    grid = GridSearchCV(pipe, {"aug__synthesizer__loss": ["hinge", "non-saturating"]}, cv=2).fit(X, y)
    assert grid.best_params_["aug__synthesizer__loss"] in {"hinge", "non-saturating"}


def test_same_seed_same_resample():
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.array([0] * 30 + [1] * 10)
    a = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=5).fit_resample(X, y)[0]
    b = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=5).fit_resample(X, y)[0]
    np.testing.assert_array_equal(a, b)



def test_the_largest_documented_seed_samples():
    # random_state=2**64 - 1 trained, then sampling took seed + 1 and failed with "random_state: must be
    # a whole number from 0 to 2**64 - 1, got 18446744073709551616", a number the user never passed
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.array([0] * 30 + [1] * 10)
    X_res, y_res = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=2**64 - 1).fit_resample(X, y)
    assert X_res.shape == (60, 3) and np.bincount(y_res).tolist() == [30, 30]

def test_dataframe_columns_named_target_or_left_out_by_the_synthesizer():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=40), "target": rng.normal(size=40)})
    y = np.array([0] * 30 + [1] * 10)
    X_res, y_res = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit_resample(X, y)
    assert list(X_res.columns) == ["a", "target"] and np.bincount(y_res).tolist() == [30, 30]



class CountingCGAN(TabularCGAN):
    """Counts its fits, to tell an error raised before training from one raised after."""

    fits = 0

    def fit(self, X, y):
        CountingCGAN.fits += 1
        return super().fit(X, y)


def test_columns_the_synthesizer_leaves_out_are_refused_before_training_naming_the_way_out():
    # an identifier-like column was dropped by the synthesizer and refused only after training
    # ("the synthesizer generates no column 'id'"); RandomOverSampler takes such an X
    X = pd.DataFrame({"a": np.random.default_rng(0).normal(size=40), "id": range(40)})
    y = np.array([0] * 30 + [1] * 10)
    CountingCGAN.fits = 0
    with pytest.raises(DataError, match=r"'id' of X look like identifiers.*RandomOverSampler copies real rows.*"
                                        r"X\.drop\(columns=\['id'\]\).*TabularCGAN\(keep=\['id'\]\)"):
        SynthOverSampler(synthesizer=CountingCGAN(**TINY), random_state=0).fit_resample(X, y)
    with pytest.raises(DataError, match=r"^fit: column\(s\) 'id'"):
        SynthOverSampler(synthesizer=CountingCGAN(**TINY), random_state=0).fit(X, y)
    with pytest.raises(DataError, match=r"drop leaves out column\(s\) 'a' of X"):
        SynthOverSampler(synthesizer=CountingCGAN(drop=["a"], keep=["id"], **TINY)).fit_resample(X, y)
    assert CountingCGAN.fits == 0
    X_res, _ = SynthOverSampler(synthesizer=CountingCGAN(keep=["id"], **TINY), random_state=0).fit_resample(X, y)
    assert list(X_res.columns) == ["a", "id"] and len(X_res) == 60 and CountingCGAN.fits == 1

def test_integer_column_names_and_mixed_object_arrays():
    rng = np.random.default_rng(0)
    y = np.array([0] * 30 + [1] * 10)
    X = pd.DataFrame(rng.normal(size=(40, 2)))
    X_res, y_res = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit_resample(X, y)
    assert list(X_res.columns) == [0, 1] and len(X_res) == len(y_res) == 60
    # X.to_numpy() of a mixed table is an object array: numbers must stay numbers (they were
    # taken for unique text, i.e. identifiers, and left out)
    mixed = np.column_stack([rng.normal(size=40).astype(object), rng.choice(["u", "v"], 40)])
    X_res, _ = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit_resample(mixed, y)
    assert X_res.shape == (60, 2) and isinstance(X_res[-1, 0], float) and X_res[-1, 1] in {"u", "v"}


@pytest.mark.parametrize("ratio", [np.float32(0.6), np.float16(0.5)])
def test_numpy_float_sampling_strategies_are_read_as_imblearn_reads_them(ratio):
    # np.float32 is no Python float: it was refused as "unsupported value"
    from imblearn.utils import check_sampling_strategy

    y = np.array(["b"] * 9 + ["a"] * 20)
    expected = {k: int(v) for k, v in check_sampling_strategy(ratio, y, "over-sampling").items()}
    assert oversampling_targets(y, ratio) == expected


def test_a_seeded_synthesizer_keeps_its_seed_in_the_oversampler():
    # SynthOverSampler(random_state=None) replaced the synthesizer's random_state=4 with fresh
    # entropy, so each fit_resample gave other rows
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.array([0] * 30 + [1] * 10)
    runs = [SynthOverSampler(synthesizer=TabularCGAN(random_state=4, **TINY)).fit_resample(X, y)[0]
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    seeded = SynthOverSampler(synthesizer=TabularCGAN(random_state=4, **TINY), random_state=4).fit_resample(X, y)[0]
    np.testing.assert_array_equal(seeded, runs[0])  # the same seed, wherever it is given


def test_nothing_to_add_returns_the_containers_a_resample_returns():
    # Balanced classes returned X and y as given: a DataFrame kept its index (a fresh one when rows
    # were added), unlike imblearn. Lists come back as lists, as imblearn returns them
    # (check_samplers_list); they came back as arrays
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), [0] * 20 + [1] * 20
    X_res, y_res = SynthOverSampler(synthesizer=TabularCGAN(random_state=0, **TINY)).fit_resample(X.tolist(), y)
    assert isinstance(X_res, list) and isinstance(y_res, list) and y_res == y
    np.testing.assert_array_equal(X_res, X)
    frame = pd.DataFrame(X, columns=["a", "b"], index=np.arange(100, 140))
    labels = pd.Series(y, index=frame.index, name="label")
    X_res, y_res = SynthOverSampler(synthesizer=TabularCGAN(random_state=0, **TINY)).fit_resample(frame, labels)
    assert X_res.index.tolist() == y_res.index.tolist() == list(range(40))
    assert X_res.equals(frame.reset_index(drop=True)) and y_res.equals(labels.reset_index(drop=True))


def test_a_column_vector_y_is_taken_as_imblearn_takes_it():
    # y of shape (N, 1) raised pandas' "Data must be 1-dimensional" as a traceback
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.array([0] * 30 + [1] * 10)[:, None]
    expected = RandomOverSampler(random_state=0).fit_resample(X, y)[1]
    _, y_res = SynthOverSampler(synthesizer=TabularCGAN(random_state=0, **TINY)).fit_resample(X, y)
    assert y_res.shape == expected.shape == (60,) and np.bincount(y_res).tolist() == [30, 30]


def test_a_numpy_random_state_seeds_the_oversampler_as_in_imblearn():
    # SynthOverSampler(random_state=np.random.RandomState(0)) raised "random_state must be an int,
    # a numpy Generator or None"; imblearn's samplers take one (check_random_state)
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.array([0] * 30 + [1] * 10)
    runs = [SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=np.random.RandomState(0)).fit_resample(X, y)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert np.bincount(runs[0][1]).tolist() == [30, 30]
    rs = np.random.RandomState(0)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=rs)
    first, second = sampler.fit_resample(X, y)[0], sampler.fit_resample(X, y)[0]  # the draw advances rs
    assert not np.array_equal(first, second)


def test_rows_given_as_lists_keep_their_numbers_numbers():
    """numpy made a list of rows mixing text and numbers all text; the numbers were then unique
    text, left out as identifiers, and fit_resample refused the table."""
    rng = np.random.default_rng(0)
    rows = [[float(v), str(c)] for v, c in zip(rng.normal(size=40), rng.choice(["u", "v"], 40), strict=True)]
    y = [0] * 30 + [1] * 10
    X_res, y_res = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit_resample(rows, y)
    assert len(X_res) == len(y_res) == 60 and X_res[:40] == rows
    assert all(isinstance(row[0], float) and row[1] in {"u", "v"} for row in X_res[40:])


@pytest.mark.parametrize(("labels", "message"), [
    (["a"] * 29 + [None] + ["b"] * 10, r"^target column 'fraud' has 1 missing value\(s\); drop or fill them"),
    ([1] * 30 + ["a"] * 10, r"^target column 'fraud' mixes label types \(int, str\)"),
])
def test_missing_or_unsortable_labels_are_refused_before_the_strategy_counts_them(labels, message):
    """np.unique in oversampling_targets raised "'<' not supported between 'NoneType' and 'str'"."""
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = pd.Series(labels, dtype=object, name="fraud")
    with pytest.raises(DataError, match=message) as info:
        SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit_resample(X, y)
    assert "\n" not in str(info.value)


def test_messages_name_the_labels_as_the_caller_did():
    """They said 'target' (the oversampler's own name for them), which no caller had written."""
    X = pd.DataFrame({"a": np.random.default_rng(0).normal(size=40)})
    labels = np.array([0] * 39 + [1])
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0)
    with pytest.warns(UserWarning, match=r"^target column 'fraud': class\(es\) 1 have a single row"):
        sampler.fit_resample(X, pd.Series(labels, name="fraud"))
    with pytest.raises(DataError, match=r"^target column 'y' has 1 missing value"):
        sampler.fit_resample(X, np.where(labels == 1, np.nan, labels))
    with pytest.raises(DataError, match=r"^target column '_a' has 40 classes in 40 rows"):
        sampler.fit_resample(X, pd.Series(np.arange(40), name="a"))  # X has a column 'a'


def test_a_dict_size_that_is_not_a_whole_number_is_refused_naming_the_class():
    """{1: 100.7} asked for 100 rows (truncated); imblearn refuses every float."""
    y = np.array([0] * 30 + [1] * 10)
    with pytest.raises(DataError, match=r"^sampling_strategy: class 1 asks for 100.7 rows; .* a whole number$"):
        oversampling_targets(y, {1: 100.7})
    with pytest.raises(DataError, match="class 1 asks for '40' rows"):
        oversampling_targets(y, {1: "40"})
    with pytest.raises(DataError, match="class 1 asks for True rows"):
        oversampling_targets(y, lambda _: {1: True})
    assert oversampling_targets(y, {1: 40.0}) == oversampling_targets(y, {1: np.int64(40)}) == {1: 30}
    # BalancedBaggingClassifier passes numpy keys: the messages said "class np.int64(1)"
    with pytest.raises(DataError, match=r"^sampling_strategy: class 1 asks for 5 rows but has 10;"):
        oversampling_targets(y, {np.int64(1): 5})
    with pytest.raises(DataError, match=r"^sampling_strategy: class 7 is not in y$"):
        oversampling_targets(y, {np.int64(7): 50})


def test_numpy_columns_have_the_names_tabular_cgan_gives_them():
    """The oversampler named them '0', '1' and fit x0, x1: categorical=["x0"] found no column."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 3, 40), rng.normal(size=40)])
    y = np.array([0] * 30 + [1] * 10)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(categorical=["x0"], **TINY), random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.shape == (60, 2)
    assert sampler.synthesizer_.columns_ == ["x0", "x1", "y"]
    assert {s.name: s.kind for s in sampler.synthesizer_.encoder_.specs_}["x0"] == "categorical"
    assert set(X_res[40:, 0]) <= {0.0, 1.0, 2.0}


def test_integer_column_names_are_named_as_given_in_column_options():
    """categorical=[0] said "no column 0 (did you mean '0'?)" for the DataFrame's column 0."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({0: rng.integers(0, 3, 40), 1: rng.normal(size=40)})
    y = np.array([0] * 30 + [1] * 10)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(categorical=[0], **TINY), random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert list(X_res.columns) == [0, 1] and set(X_res[0].iloc[40:]) <= {0, 1, 2}
    assert {s.name: s.kind for s in sampler.synthesizer_.encoder_.specs_}["0"] == "categorical"
    model = TabularCGAN(drop=[1], **TINY).fit(X, y)
    assert model.columns_ == ["0", "target"]


def test_fit_checks_and_sets_the_strategy_without_training_as_imblearns_samplers_do():
    """fit trained a whole synthesizer and threw its samples away; imblearn's fit only validates."""
    X = pd.DataFrame({"a": np.random.default_rng(0).normal(size=40), "b": np.tile([0.0, 1.0], 20)})
    y = np.array([0] * 30 + [1] * 10)
    sampler = SynthOverSampler(random_state=0).fit(X, y)  # the default TabularCGAN would train 3,000 steps
    assert sampler.sampling_strategy_ == {1: 20} and not hasattr(sampler, "synthesizer_")
    with pytest.raises(DataError, match="missing"):
        SynthOverSampler().fit(X, pd.Series([0] * 39 + [None]))


def test_real_rows_come_first_unchanged_and_there_is_no_sample_indices_as_in_smote():
    # imblearn's sample_indices_ gives each output row its source row (RandomOverSampler's copies);
    # synthetic rows have none, so like SMOTE the sampler does not set it
    X = pd.DataFrame({"a": np.random.default_rng(0).normal(size=40)}, index=np.arange(100, 140))
    y = pd.Series([0] * 30 + [1] * 10, index=X.index)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res.iloc[:40], X.reset_index(drop=True))
    assert y_res.iloc[:40].tolist() == y.tolist() and len(X_res) == 60
    assert not hasattr(sampler, "sample_indices_")


def test_decimal_columns_alone_or_mixed_with_numbers_are_modelled_as_numbers():
    # read_sql's NUMERIC columns hold Decimals: an all-Decimal column was refused as identifier-like
    # before training, and one mixing Decimals with floats or ints too (TabularCGAN reads it as text)
    from decimal import Decimal

    rng = np.random.default_rng(0)
    values = rng.normal(size=40).round(2)
    X = pd.DataFrame({
        "decimals": pd.Series([Decimal(str(v)) if i % 5 else None for i, v in enumerate(values)], dtype=object),
        "mixed": pd.Series([Decimal(str(v)) if i % 3 else (float(v) if i % 2 else i) for i, v in enumerate(values)],
                           dtype=object),
    })
    y = np.array([0] * 30 + [1] * 10)
    for given in (X, X.to_numpy()):
        X_res, _ = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0).fit_resample(given, y)
        synthetic = pd.DataFrame(X_res).iloc[40:]
        assert synthetic.shape == (20, 2) and synthetic.map(lambda v: isinstance(v, float)).all().all()
        assert pd.DataFrame(X_res).iloc[:40].to_numpy().tolist() == X.to_numpy().tolist()  # as given


def test_decimals_mixed_with_text_are_refused_in_one_line_naming_the_column():
    from decimal import Decimal

    values = np.random.default_rng(0).normal(size=40).round(2)
    X = pd.DataFrame({"price": pd.Series([Decimal(str(v)) if i % 4 else "n/a" for i, v in enumerate(values)],
                                         dtype=object)})
    with pytest.raises(DataError, match=r"column 'price': 10 cells hold 'n/a'") as info:
        SynthOverSampler(synthesizer=TabularCGAN(**TINY)).fit_resample(X, [0] * 30 + [1] * 10)
    assert "\n" not in str(info.value)


def test_balanced_bagging_takes_the_oversampler_as_its_sampler():
    # BalancedBaggingClassifier(sampler=...) read sampler._sampling_type: AttributeError
    from imblearn.ensemble import BalancedBaggingClassifier
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:120, :4], y[:120]
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0)
    bagging = BalancedBaggingClassifier(DecisionTreeClassifier(), n_estimators=2, sampler=sampler,
                                        random_state=0).fit(X, y)
    assert bagging.score(X, y) > 0.8
    assert bagging.sampler_._sampling_type == "over-sampling"
    assert all(step.named_steps["sampler"].sampling_strategy_ for step in bagging.estimators_)


@pytest.mark.parametrize("column", [
    pd.to_timedelta(np.random.default_rng(0).integers(0, 10**6, 40), unit="s"),
    pd.Series(pd.period_range("2020-01-01", periods=40, freq="D")),
], ids=["timedelta", "period"])
def test_columns_tabular_cgan_cannot_model_get_its_message_before_training(column):
    # a timedelta or period column of distinct values was refused as identifier-like ("Drop them, or
    # pass keep=[...]"), and keep=[...] then failed with the dtype message TabularCGAN gives at once
    X = pd.DataFrame({"a": np.random.default_rng(1).normal(size=40), "c": column})
    y = np.array([0] * 30 + [1] * 10)
    with pytest.raises(DataError) as expected:
        TabularCGAN(**TINY).fit(X, y)
    CountingCGAN.fits = 0
    for keep in ([], ["c"]):
        with pytest.raises(DataError) as info:
            SynthOverSampler(synthesizer=CountingCGAN(keep=keep, **TINY)).fit_resample(X, y)
        # TabularCGAN's message, but leaving the column out of X: its drop=[...] was then refused as well
        assert str(info.value) == f"fit_resample: {expected.value}".replace("drop=['c']", "remove it from X")
        assert "which synthaug cannot model" in str(info.value)
    assert CountingCGAN.fits == 0


def test_numbers_written_as_text_are_refused_naming_the_conversion_not_as_identifiers():
    # a NumPy array of str numbers was refused as identifiers, with "keep=[...]" (one-row categories) as a way out
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)).round(3), np.array([0] * 30 + [1] * 10)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0)
    with pytest.raises(DataError, match=r"^fit_resample: column\(s\) 'x0', 'x1' of X hold numbers written as text.*"
                                        r"X\.astype\(float\)") as info:
        sampler.fit_resample(X.astype(str), y)
    assert "keep=" not in str(info.value)
    frame = pd.DataFrame({"a": X[:, 0].astype(str), "b": X[:, 1]})
    with pytest.raises(DataError, match=r"column\(s\) 'a' of X hold numbers .*X\[\['a'\]\]\.apply\(pd\.to_numeric\)"):
        sampler.fit_resample(frame, y)
    X_res, _ = sampler.fit_resample(X.astype(str).astype(float), y)  # the conversion named works
    assert X_res.shape == (60, 2)
    codes = rng.integers(0, 4, size=(40, 1)).astype(str)  # a few repeated codes are categories, as before
    X_res, _ = sampler.fit_resample(codes, y)
    assert X_res.dtype.kind == "U" and set(X_res[40:, 0]) <= set(codes[:, 0])


def test_one_hot_labels_come_back_one_hot_as_imblearn_returns_them():
    # one-hot y was refused ("pass y.argmax(axis=1)"); imblearn takes it (check_samplers_multiclass_ova)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 2)), np.array([0] * 30 + [1] * 20 + [2] * 10)
    sampler = SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=0)
    X_plain, y_plain = sampler.fit_resample(X, y)
    X_hot, y_hot = sampler.fit_resample(X, np.eye(3, dtype=np.int32)[y])
    np.testing.assert_array_equal(X_hot, X_plain)
    assert y_hot.dtype == np.int32 and y_hot.shape == (90, 3)
    np.testing.assert_array_equal(y_hot.argmax(axis=1), y_plain)
    dummies = pd.get_dummies(pd.Series(np.array(["a", "b", "c"])[y]))  # boolean columns a, b, c
    _, y_frame = sampler.fit_resample(X, dummies)
    assert list(y_frame.columns) == ["a", "b", "c"] and y_frame.dtypes.eq("bool").all()
    assert y_frame.sum().tolist() == [30, 30, 30]
    _, y_list = sampler.fit_resample(X, np.eye(2)[(y == 2).astype(int)].tolist())  # binary, two columns
    assert isinstance(y_list, list) and np.sum(y_list, axis=0).tolist() == [50.0, 50.0]  # imblearn: one column
    multilabel = np.eye(3)[y] + np.eye(3)[(y + 1) % 3]
    for bad in (multilabel, np.zeros((60, 3)), np.eye(3)[y] * 2):  # two 1s in a row, none, not 0/1
        with pytest.raises(DataError, match=r"^fit_resample: y must hold one class label per row, or be one-hot"):
            sampler.fit_resample(X, bad)


@pytest.mark.parametrize(("synthesizer", "shown"), [("foo", "'foo'"), (LogisticRegression(), "LogisticRegression()")])
def test_a_synthesizer_that_is_not_one_is_refused_naming_the_parameter(synthesizer, shown):
    # "foo" raised AttributeError ('str' object has no attribute 'get_params'), a LogisticRegression
    # scikit-learn's InvalidParameterError about a random_state the user never set
    X, y = np.random.default_rng(0).normal(size=(40, 2)), np.array([0] * 30 + [1] * 10)
    for method in ("fit", "fit_resample"):
        with pytest.raises(DataError) as info:
            getattr(SynthOverSampler(synthesizer=synthesizer), method)(X, y)
        assert str(info.value) == (
            f"{method}: The 'synthesizer' parameter of SynthOverSampler must be a synthesizer (an estimator with "
            f"fit(X, y), sample(per_class=...) and get_params(), such as TabularCGAN()) or None. Got {shown} instead.")


@pytest.mark.parametrize(("params", "message"), [
    ({"sampling_strategy": 1.5}, r"'sampling_strategy' parameter of SynthOverSampler must be a float in the range"),
    ({"sampling_strategy": "most"}, r"'sampling_strategy' parameter .* a str among"),
    ({"random_state": -1}, r"'random_state' parameter of SynthOverSampler must be an int in the range"),
    ({"random_state": "abc"}, r"'random_state' parameter"),
])
def test_parameters_are_checked_as_imblearn_checks_them(params, message):
    X, y = np.random.default_rng(0).normal(size=(40, 2)), np.array([0] * 30 + [1] * 10)
    with pytest.raises(DataError, match=message):
        SynthOverSampler(synthesizer=TabularCGAN(**TINY), **params).fit_resample(X, y)
    for seed in (0, 2**64 - 1, np.int64(3), np.random.default_rng(0), np.random.RandomState(0)):
        SynthOverSampler(synthesizer=TabularCGAN(**TINY), random_state=seed).fit(X, y)  # all still taken


def test_a_single_class_y_is_refused_as_the_samplers_other_errors_are():
    # it said "target column 'y' has only one class", no "fit_resample:", naming a column the user never named
    X = pd.DataFrame({"a": np.arange(20.0)})
    for y in (np.zeros(20, int), np.c_[np.ones(20, int), np.zeros(20, int)]):  # one-hot with one class too
        with pytest.raises(DataError, match=r"^fit_resample: y has only one class \(0\); an oversampler needs at "
                                            r"least two$"):
            SynthOverSampler(synthesizer=TabularCGAN(**TINY)).fit_resample(X, y)
