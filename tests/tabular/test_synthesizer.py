import copy
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import synthaug
from synthaug import DataError, SynthaugWarning, TabularCGAN


def test_sampled_rows_carry_exactly_the_requested_labels(mixed_table, fast_params):
    model = TabularCGAN(random_state=0, **fast_params).fit(mixed_table, y="label")
    X, y = model.sample(per_class={"yes": 13, "no": 4})
    assert y.value_counts().to_dict() == {"yes": 13, "no": 4}
    assert list(X.columns) == [c for c in mixed_table.columns if c != "label"]
    frame = model.sample_frame(n=50)
    assert list(frame.columns) == list(mixed_table.columns)
    assert (frame.dtypes == mixed_table.dtypes).all()
    prior = mixed_table["label"].value_counts(normalize=True)
    got = frame["label"].value_counts()
    assert len(frame) == 50 and all(abs(got[k] - 50 * prior[k]) < 1 for k in prior.index)


def test_output_respects_schema(mixed_table, fast_params):
    model = TabularCGAN(random_state=1, **fast_params).fit(mixed_table, y="label")
    frame = model.sample_frame(n=2000)
    assert set(frame["colour"]) <= set(mixed_table["colour"])
    assert set(frame["city"].dropna()) <= {"Oslo", "Lima"}
    for col in ["age", "gain", "score"]:
        assert frame[col].min() >= mixed_table[col].min() and frame[col].max() <= mixed_table[col].max()
    assert frame["city"].isna().any() and frame["score"].isna().any()
    assert not frame["colour"].isna().any()


def test_same_seed_same_bytes_and_other_seed_differs(mixed_table, fast_params):
    a = TabularCGAN(random_state=7, **fast_params).fit(mixed_table, y="label").sample_frame(n=40)
    b = TabularCGAN(random_state=7, **fast_params).fit(mixed_table, y="label").sample_frame(n=40)
    c = TabularCGAN(random_state=8, **fast_params).fit(mixed_table, y="label").sample_frame(n=40)
    assert a.to_csv().encode() == b.to_csv().encode()
    assert not a.equals(c)


def test_successive_samples_differ_but_replay_after_load(mixed_table, fast_params, tmp_path):
    # filters off: a loaded model holds no training rows, so only an unfiltered model replays exactly
    model = TabularCGAN(random_state=3, privacy_filter=None, label_filter=None, **fast_params)
    model.fit(mixed_table, y="label")
    model.save(tmp_path / "m")
    first, second = model.sample_frame(n=30), model.sample_frame(n=30)
    assert not first.equals(second)
    loaded = synthaug.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.sample_frame(n=30), first)
    pd.testing.assert_frame_equal(loaded.sample_frame(n=30, random_state=5), model.sample_frame(n=30, random_state=5))


def test_per_class_strategy(mixed_table, fast_params, tmp_path):
    model = TabularCGAN(strategy="per-class", random_state=0, privacy_filter=None, label_filter=None,
                        **fast_params).fit(mixed_table, y="label")
    assert len(model.generators_) == 2
    frame = model.sample_frame(balance=True)
    counts = mixed_table["label"].value_counts()
    assert frame["label"].value_counts().to_dict() == {"yes": counts["no"] - counts["yes"]}
    model.save(tmp_path / "pc")
    pd.testing.assert_frame_equal(synthaug.load(tmp_path / "pc").sample_frame(n=10, random_state=1),
                                  model.sample_frame(n=10, random_state=1))


def test_loss_history_is_a_tidy_table_of_plain_floats_also_after_load(mixed_table, fast_params, tmp_path):
    # history_ was only an undocumented list per generator of dicts holding numpy floats
    model = TabularCGAN(strategy="per-class", random_state=0, privacy_filter=None, label_filter=None,
                        **fast_params).fit(mixed_table, y="label")
    frame = model.loss_history()
    assert list(frame.columns) == ["generator", "class", "step", "d_loss", "g_loss"]
    assert frame.drop(columns="class").dtypes.astype(str).tolist() == ["int64", "int64", "float64", "float64"]
    assert len(frame) == sum(len(h) for h in model.history_)
    first = frame[frame["generator"] == 1].iloc[0]
    assert first["class"] == model.classes_[1] and first["step"] == model.history_[1][0]["step"]
    assert first["g_loss"] == pytest.approx(float(model.history_[1][0]["g_loss"]))
    pd.testing.assert_frame_equal(synthaug.load(model.save(tmp_path / "m")).loss_history(), frame)
    conditional = TabularCGAN(random_state=0, label_filter=None, **fast_params).fit(mixed_table, y="label")
    assert set(conditional.loss_history()["generator"]) == {0} and conditional.loss_history()["class"].isna().all()
    with pytest.raises(NotFittedError):
        TabularCGAN().loss_history()


def test_unknown_sampling_keywords_name_the_method_called(mixed_table, fast_params, tmp_path):
    # sample_frame(n=3, bogus=1): "TabularCGAN.iter_sample() got an unexpected keyword argument 'bogus'"
    model = TabularCGAN(random_state=0, privacy_filter=None, label_filter=None, **fast_params)
    model.fit(mixed_table, y="label")
    with pytest.raises(TypeError, match=r"sample_frame\(\) got an unexpected keyword argument 'bogus'"):
        model.sample_frame(n=3, bogus=1)
    with pytest.raises(TypeError, match=r"write_sample\(\) got an unexpected keyword argument 'bogus'"):
        model.write_sample(tmp_path / "s.csv", n=3, bogus=1)
    assert model.write_sample(tmp_path / "s.csv", per_class={"yes": 2}) == 2


@pytest.mark.parametrize("loss", ["wgan-gp", "hinge"])
def test_other_losses_train(mixed_table, fast_params, loss):
    model = TabularCGAN(loss=loss, feature_matching=1.0, random_state=0, **fast_params)
    model.fit(mixed_table, y="label")
    assert model.pac_ == 10 and TabularCGAN(pac=1).pac_ == 1 and TabularCGAN(dp_epsilon=1.0).pac_ == 1
    assert np.isfinite([h["d_loss"] for h in model.history_[0]]).all()


def test_numpy_input_and_array_labels(fast_params):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.array([0, 1, 2] * 20)
    X_syn, y_syn = TabularCGAN(random_state=0, **fast_params).fit(X, y).sample(per_class={2: 5})
    assert list(X_syn.columns) == ["x0", "x1", "x2"] and y_syn.tolist() == [2] * 5


def test_sample_before_fit_raises():
    with pytest.raises(NotFittedError):
        TabularCGAN().sample(n=3)


def test_iter_sample_checks_the_model_and_the_request_when_called(table_model):
    """iter_sample was a generator function: unfitted, or asked for n and balance at once, it returned
    a generator and raised only at the first next()."""
    with pytest.raises(NotFittedError):
        TabularCGAN().iter_sample(10)
    model = synthaug.load(table_model / "m")
    with pytest.raises(DataError, match="^ask for exactly one of n, per_class, balance or ratio; got n, balance$"):
        model.iter_sample(10, balance=True)
    with pytest.raises(DataError, match="^per_class: unknown class 'maybe'"):
        model.iter_sample(per_class={"maybe": 3})
    expected = copy.deepcopy(model).sample_frame(n=5, random_state=None)
    for bad in (0, 2.5):  # checked at the call too, not at the first chunk, and before a seed is drawn
        with pytest.raises(DataError, match=r"^chunk_size must be a whole number of rows >= 1"):
            model.iter_sample(10, chunk_size=bad)
    assert model.sample_frame(n=5, random_state=None).equals(expected)  # the refused calls used up no seed


def test_sklearn_conventions():
    model = TabularCGAN(epochs=3, loss="hinge")
    assert clone(model).get_params()["loss"] == "hinge"
    assert TabularCGAN().get_params()["strategy"] == "conditional"


@pytest.mark.parametrize(
    ("labels", "message"),
    [([np.nan] + ["a", "b"] * 20, "1 missing value"), (["a"] * 41, "only one class")],
)
def test_bad_targets(labels, message):
    frame = pd.DataFrame({"x": np.arange(41.0), "t": labels})
    with pytest.raises(DataError, match=message):
        TabularCGAN().fit(frame, y="t")


def test_single_row_class_warns_but_fits(fast_params):
    x = np.random.default_rng(0).normal(size=41)
    frame = pd.DataFrame({"x": x, "t": ["a", "b"] * 20 + ["c"]})
    with pytest.warns(SynthaugWarning, match="'c' have a single row"):
        model = TabularCGAN(random_state=0, **fast_params).fit(frame, y="t")
    assert model.sample(per_class={"c": 3})[1].tolist() == ["c"] * 3


def test_no_modelled_columns_is_an_error():
    frame = pd.DataFrame({"id": np.arange(40), "t": ["a", "b"] * 20})
    with pytest.raises(DataError, match="no feature columns left"), pytest.warns(SynthaugWarning):
        TabularCGAN().fit(frame, y="t")


def test_bad_parameters_are_named(mixed_table):
    with pytest.raises(ValueError, match="loss must be one of"):
        TabularCGAN(loss="wgan").fit(mixed_table, y="label")
    with pytest.raises(ValueError, match="strategy must be one of"):
        TabularCGAN(strategy="each").fit(mixed_table, y="label")


def test_model_file_holds_no_training_record(mixed_table, fast_params, tmp_path):
    frame = mixed_table.copy()
    frame.loc[17, "colour"] = "SENTINEL-7f3a"
    frame.loc[23, "score"] = 1.2345678901234
    frame.loc[31, "age"] = 61
    model = TabularCGAN(random_state=0, **fast_params).fit(frame, y="label")
    model.save(tmp_path / "m")
    blob = b"".join(p.read_bytes() for p in sorted((tmp_path / "m").iterdir()))
    assert b"SENTINEL-7f3a" not in blob
    assert b"1.2345678901234" not in blob
    assert np.float64(1.2345678901234).tobytes() not in blob
    assert np.float32(1.2345678901234).tobytes() not in blob


def test_kept_identifier_column_puts_no_record_in_the_model_file(mixed_table, fast_params, tmp_path):
    # --keep on a column of unique values used to store (and sample in every row) its first value
    frame = mixed_table.copy()
    frame["name"] = [f"person-{i:03d}" for i in range(len(frame))]
    frame.loc[0, "name"] = "SENTINEL-7f3a"
    with pytest.warns(SynthaugWarning, match="'name'"):
        model = TabularCGAN(random_state=0, keep=["name"], **fast_params).fit(frame, y="label")
    model.save(tmp_path / "m")
    blob = b"".join(p.read_bytes() for p in sorted((tmp_path / "m").iterdir()))
    assert b"SENTINEL-7f3a" not in blob and b"person-" not in blob
    assert model.sample_frame(n=20, random_state=0)["name"].isna().all()


def test_write_sample_chunks_with_a_mostly_missing_column_and_zero_rows(fast_params, tmp_path):
    # A first chunk whose object column was all missing fixed its type as null, and the next
    # chunk crashed the writer (ArrowNotImplementedError); zero rows wrote a 0-byte file (now refused).
    rng = np.random.default_rng(0)
    flag = pd.Series(rng.choice([True, False], 80), dtype=object).mask(rng.random(80) < 0.7)
    frame = pd.DataFrame({"x": rng.normal(size=80), "flag": flag, "label": rng.choice(["a", "b"], 80)})
    model = TabularCGAN(**fast_params, verbose=False, random_state=0).fit(frame, y="label")
    for name in ("s.csv", "s.parquet"):
        for seed in range(4):
            assert model.write_sample(tmp_path / name, 12, chunk_size=1, random_state=seed) == 12
        empty = tmp_path / f"empty{name}"  # 0 rows in all is refused now, as n=0 always was
        with pytest.raises(DataError, match="must ask for at least 1 row in all"):
            model.write_sample(empty, per_class={"a": 0})
        assert not empty.exists()


def test_dataframe_with_integer_column_names(fast_params):
    # pd.DataFrame(array) has columns 0, 1, 2: fit crashed with KeyError: '0'
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 3)))
    model = TabularCGAN(**fast_params, verbose=False, random_state=0).fit(X, np.array([0] * 40 + [1] * 20))
    assert model.columns_ == ["0", "1", "2", "target"] and len(model.sample(n=5)[0]) == 5
    with pytest.raises(DataError, match="equal as text"):
        TabularCGAN(**fast_params).fit(pd.DataFrame([[1, 2]] * 10, columns=[1, "1"]), [0, 1] * 5)


def test_attach_privacy_filter_refuses_text_where_the_model_learned_numbers(mixed_table, fast_params):
    model = TabularCGAN(**fast_params, verbose=False, random_state=0).fit(mixed_table, y="label")
    wrong = mixed_table.assign(age=mixed_table["age"].astype(str) + " years")
    with pytest.raises(DataError, match="column 'age' is not numeric"):
        model.attach_privacy_filter(wrong, "label")


def test_dropping_the_target_is_named_as_such(mixed_table, fast_params):
    with pytest.raises(DataError, match="drop: 'label' is the target column"):  # was "no column 'label'"
        TabularCGAN(**fast_params, drop=["label"]).fit(mixed_table, y="label")


def test_attach_privacy_filter_refuses_a_table_that_is_not_the_training_table(mixed_table, fast_params):
    """It warned, then fitted the filters on the rows given: sampled rows were checked against other rows."""
    model = TabularCGAN(**fast_params, verbose=False, random_state=0).fit(mixed_table, y="label")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)
        model.attach_privacy_filter(mixed_table, "label")  # the training table: no warning
    n = len(mixed_table)
    with pytest.raises(DataError, match=rf"^training table: {n - 7} rows, but the model was fitted on {n}; the "
                                        "filters need the table the model was fitted on"):
        model.attach_privacy_filter(mixed_table.iloc[7:], "label")
    flipped = mixed_table.copy()
    flipped.loc[0, "label"] = "no" if mixed_table.loc[0, "label"] == "yes" else "yes"  # same rows, other counts
    counts = mixed_table["label"].value_counts()
    with pytest.raises(DataError, match=rf"^training table: class counts 'no': \d+, 'yes': \d+, but the model was "
                                        rf"fitted on 'no': {counts['no']}, 'yes': {counts['yes']}; the filters need"):
        model.attach_privacy_filter(flipped, "label")


@pytest.mark.parametrize("name", ["out.csv", "out.csv.gz", "out.parquet"])
def test_a_sample_that_fails_mid_stream_leaves_no_file_and_keeps_the_old_one(table_model, tmp_path, name):
    model = synthaug.load(table_model / "m")
    calls = []

    def second_chunk_fails(codes, gen, notes=None):
        calls.append(len(codes))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return model._generate(codes, gen)

    model._generate_filtered = second_chunk_fails
    (tmp_path / name).write_bytes(b"old")
    with pytest.warns(UserWarning), pytest.raises(KeyboardInterrupt):
        model.write_sample(tmp_path / name, 30, chunk_size=10, random_state=0)
    assert calls == [10, 10] and [p.name for p in tmp_path.iterdir()] == [name]
    assert (tmp_path / name).read_bytes() == b"old"


@pytest.mark.parametrize("option, message", [
    ({"generator_dims": []}, "generator_dims must be a list of layer widths"),  # IndexError
    ({"generator_dims": [1.5]}, "generator_dims must be a list of layer widths"),  # was cut to 1
    ({"betas": [0.5]}, "betas must be two numbers in"),  # IndexError when training began
    ({"betas": ["a", "b"]}, "betas must be two numbers in"),
    ({"pac": "abc"}, "pac must be a whole number"),  # ValueError from int()
    ({"drop": [["a"]]}, "drop must be a list of column names"),  # unhashable type: 'list'
    ({"drop": "age"}, "drop must be a list of column names"),  # dropped columns 'a', 'g', 'e'
    ({"lecam_weight": None}, "lecam_weight must be a finite number"),  # TypeError from float()
])
def test_wrongly_typed_parameters_are_named_before_training(mixed_table, fast_params, option, message):
    with pytest.raises(DataError, match=message):
        TabularCGAN(**{**fast_params, **option}).fit(mixed_table, y="label")


def test_numpy_arrays_for_list_parameters_are_taken(mixed_table, fast_params):
    params = {**fast_params, "betas": np.array([0.5, 0.9]), "generator_dims": np.array([16, 16])}
    assert TabularCGAN(**params).fit(mixed_table, y="label").sample_frame(n=3) is not None


def test_cuda_without_a_gpu_names_the_parameter_and_its_option(monkeypatch):
    # the message said 'use --device cpu or auto' to Python users too
    import torch

    from synthaug import DataError, ImageCGAN, TabularCGAN

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    for model in (TabularCGAN(device="cuda"), ImageCGAN(device="cuda")):
        with pytest.raises(DataError, match=r"^device: 'cuda' requested but no GPU is available; "
                                            r"use 'cpu' or 'auto'$"):
            model._device()


def spend_frame(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"spend": np.round(rng.gamma(2.0, 10.0, n), 2), "visits": rng.integers(0, 40, n),
                         "label": rng.choice(["a", "b"], n)})


def test_samples_carry_the_training_decimals_and_the_filters_judge_rounded_rows(fast_params, monkeypatch):
    """Rounding is part of decoding, so the privacy and label filters see (and keep) rounded rows."""
    model = TabularCGAN(random_state=0, **fast_params).fit(spend_frame(), y="label")
    seen = []
    for name, method in (("_privacy_filter", "too_close"), ("_label_filter", "rejects")):
        cls = type(getattr(model, name))  # frozen dataclasses: spy on the class
        judge = getattr(cls, method)
        monkeypatch.setattr(cls, method, lambda self, frame, codes, judge=judge: (
            seen.append(frame["spend"].to_numpy()), judge(self, frame, codes))[1])
    sample = model.sample_frame(n=300, random_state=1)
    assert len(seen) >= 2 and model.n_rejected_ + model.n_label_rejected_ > 0  # the filters regenerated rows
    for spend in [*seen, sample["spend"].to_numpy()]:
        assert (spend == np.round(spend, 2)).all()
    assert sample["spend"].nunique() > 100
    unrounded = TabularCGAN(random_state=0, rounding=False, **fast_params).fit(spend_frame(), y="label")
    spend = unrounded.sample_frame(n=300, random_state=1)["spend"]
    assert (spend != spend.round(2)).mean() > 0.9


def test_a_model_file_from_before_decimals_samples_unrounded(fast_params, tmp_path):
    model = TabularCGAN(random_state=0, privacy_filter=None, label_filter=None, **fast_params)
    model.fit(spend_frame(), y="label").save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["encoder"]["columns"][0]["state"]["decimals"] == 2 and meta["params"]["rounding"] is True
    del meta["encoder"]["columns"][0]["state"]["decimals"], meta["params"]["rounding"]
    del meta["encoder"]["params"]["rounding"]
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no unknown-parameter warning either
        old = synthaug.load(tmp_path / "m").sample_frame(n=100, random_state=1)
    new = model.sample_frame(n=100, random_state=1)
    assert (new["spend"] == new["spend"].round(2)).all() and (old["spend"] != old["spend"].round(2)).mean() > 0.9
    pd.testing.assert_series_equal(old["spend"].round(2), new["spend"])


@pytest.mark.parametrize("options, first, second", [
    ({"categorical": ["age"], "continuous": ["age"]}, "categorical", "continuous"),  # categorical silently won
    ({"drop": ["city"], "keep": ["city"]}, "drop", "keep"),
    ({"drop": ["colour"], "categorical": ["colour"]}, "drop", "categorical"),
    ({"drop": ["age"], "continuous": ["score", "age"]}, "drop", "continuous"),
])
def test_contradicting_column_options_are_refused_naming_column_and_both(mixed_table, fast_params, options,
                                                                         first, second):
    column = options["drop" if "drop" in options else "categorical"][0]
    with pytest.raises(DataError, match=rf"column '{column}' is in both {first} and {second}; give it"):
        TabularCGAN(**{**fast_params, **options}).fit(mixed_table, y="label")


def test_sampled_rows_keep_the_missing_values_of_constant_columns(mixed_table, fast_params):
    # a column holding "X" or nothing (and 5.0 or NaN) came out with no missing value at all
    rng = np.random.default_rng(0)
    table = mixed_table.assign(const_na=np.where(rng.random(len(mixed_table)) < 0.31, None, "X"),
                               num_na=np.where(rng.random(len(mixed_table)) < 0.31, np.nan, 5.0))
    frame = TabularCGAN(random_state=0, **fast_params).fit(table, y="label").sample_frame(n=300, random_state=0)
    for name, value in (("const_na", "X"), ("num_na", 5.0)):
        assert 0 < frame[name].isna().mean() < 1, name
        assert set(frame[name].dropna()) == {value}


def test_sampled_frames_keep_ordered_categorical_dtypes_through_a_model_file(mixed_table, fast_params, tmp_path):
    # sample() gave unordered Categoricals with sorted categories ['hi', 'lo', 'mid'], the label too
    levels = pd.CategoricalDtype(["lo", "mid", "hi"], ordered=True)
    labels = pd.CategoricalDtype(["yes", "no"], ordered=True)
    rng = np.random.default_rng(0)
    table = mixed_table.assign(level=pd.Series(rng.choice(["lo", "mid", "hi"], len(mixed_table)), dtype=levels),
                               label=mixed_table["label"].astype(labels))
    model = TabularCGAN(random_state=0, **fast_params).fit(table, y="label")
    model.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["target"]["categories"] == ["yes", "no"] and meta["target"]["ordered"] is True
    loaded = synthaug.load(tmp_path / "m")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)  # the loaded model's filters are not applied
        for fitted_or_loaded in (model, loaded):
            X, y = fitted_or_loaded.sample(n=50, random_state=0)
            assert X["level"].dtype == levels and list(X["level"].dtype.categories) == ["lo", "mid", "hi"]
            assert y.dtype == labels and list(y.dtype.categories) == ["yes", "no"]
        loaded.write_sample(tmp_path / "s.parquet", 20, chunk_size=7, random_state=0)
    back = pd.read_parquet(tmp_path / "s.parquet")
    assert back["level"].dtype == levels and list(back["level"].dtype.categories) == ["lo", "mid", "hi"]
    assert back["label"].dtype == labels and list(back["label"].dtype.categories) == ["yes", "no"]


@pytest.mark.parametrize("name", ["spectral_norm", "clip", "rounding", "verbose"])
def test_switches_take_booleans_not_text(name, fast_params):
    # rounding="false" (a recipe or script passing text) was truthy: the switch silently stayed on
    frame = pd.DataFrame({"x": np.arange(40) * 0.5, "y": [0, 1] * 20})
    with pytest.raises(DataError, match=f"^{name} must be True or False; got 'false'$"):
        TabularCGAN(**{**fast_params, name: "false"}).fit(frame, y="y")


@pytest.mark.parametrize("strategy", ["conditional", "per-class"])
def test_fit_leaves_torch_global_generator_untouched(mixed_table, fast_params, strategy):
    """A fit advanced torch's global generator (module construction before the seeded re-draw), so a
    user's torch.manual_seed gave other draws after fitting than without."""
    import torch

    torch.manual_seed(123)
    before = torch.get_rng_state()
    TabularCGAN(random_state=0, strategy=strategy, **fast_params).fit(mixed_table, y="label")
    assert torch.equal(torch.get_rng_state(), before)


def test_integer_column_labels_come_back_from_sampling_and_the_model_file(fast_params, tmp_path):
    """Columns 0, 1, 2 of pd.DataFrame(array) came back as '0', '1', '2': pd.concat([X, Xs]) then
    held six columns, half of each row missing."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 3)))
    y = pd.Series([0] * 40 + [1] * 20, name=7)
    model = TabularCGAN(**fast_params, random_state=0, privacy_filter=None, label_filter=None).fit(X, y)
    Xs, ys = model.sample(n=5, random_state=0)
    assert list(Xs.columns) == [0, 1, 2] and ys.name == 7
    assert pd.concat([X, Xs]).shape == (65, 3)
    assert list(model.sample_frame(n=3).columns) == [0, 1, 2, 7]
    assert all(list(c.columns) == [0, 1, 2, 7] for c in model.iter_sample(n=5, chunk_size=2))
    model.write_sample(tmp_path / "s.parquet", n=5)  # a file's header is text
    assert list(pd.read_parquet(tmp_path / "s.parquet").columns) == ["0", "1", "2", "7"]
    model.save(tmp_path / "m")
    loaded = synthaug.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.sample_frame(n=5, random_state=3), model.sample_frame(n=5, random_state=3))
    frame = pd.DataFrame(np.c_[X, y])  # the target by its label: 3
    assert list(TabularCGAN(**fast_params).fit(frame, 3).sample_frame(n=2).columns) == [0, 1, 2, 3]
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    del meta["column_labels"]  # a file from before the labels were stored: text, as then
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    assert list(synthaug.load(tmp_path / "m").sample_frame(n=2).columns) == ["0", "1", "2", "7"]
