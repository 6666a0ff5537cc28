import json
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest

from synthaug import ModelFileError, SynthaugWarning
from synthaug.tabular.columns import HEAD, learn_decimals
from synthaug.tabular.encoder import TableEncoder
from synthaug.tabular.schema import infer_schema


def fitted(frame, **kw):
    specs, _ = infer_schema(frame)
    rng = np.random.default_rng(0)
    enc = TableEncoder(**kw).fit(frame, specs, rng)
    return enc, enc.transform(frame, rng)


def test_round_trip_restores_values_and_dtypes(mixed_table):
    enc, matrix = fitted(mixed_table)
    assert matrix.dtype == np.float32 and matrix.shape == (len(mixed_table), enc.output_dim_)
    back = enc.inverse_transform(matrix)
    assert list(back.columns) == list(mixed_table.columns)
    assert (back.dtypes == mixed_table.dtypes).all()
    for col in ["age", "gain", "colour", "city", "member", "visits", "label"]:
        pd.testing.assert_series_equal(back[col], mixed_table[col], check_names=False)
    assert back["score"].isna().equals(mixed_table["score"].isna())
    np.testing.assert_allclose(back["score"], mixed_table["score"], atol=0.5)
    day = pd.Timedelta(days=1)
    assert ((back["joined"] - mixed_table["joined"]).abs() <= day).all()


def test_point_mass_gets_its_own_mode(mixed_table):
    enc, _ = fitted(mixed_table)
    codec = enc.codecs_[[s.name for s in enc.specs_].index("gain")]
    assert list(codec.masses_) == [0.0]


def test_decode_clips_to_range_and_rounds_integers(mixed_table):
    enc, matrix = fitted(mixed_table)
    wild = matrix.copy()
    for span in enc.spans_:
        if span.activation == "linear":
            wild[:, span.start] = np.linspace(-50, 50, len(wild))
    back = enc.inverse_transform(wild)
    for col in ["age", "gain", "score"]:
        assert back[col].min() >= mixed_table[col].min() and back[col].max() <= mixed_table[col].max()
    assert (back["age"] % 1 == 0).all()
    unclipped = TableEncoder(clip=False)
    unclipped.__dict__.update({k: v for k, v in enc.__dict__.items() if k != "clip"})
    assert unclipped.inverse_transform(wild)["score"].max() > mixed_table["score"].max()


def test_rare_categories_never_enter_the_state():
    frame = pd.DataFrame({"c": ["common"] * 30 + ["SENTINEL-xyz"], "x": np.arange(31) * 1.5})
    enc, _ = fitted(frame)
    scalars, arrays = enc.state()
    assert "SENTINEL-xyz" not in json.dumps(scalars)
    assert set(enc.inverse_transform(enc.transform(frame, np.random.default_rng(0)))["c"]) == {"common"}


def test_state_round_trip(mixed_table):
    enc, matrix = fitted(mixed_table)
    scalars, arrays = enc.state()
    again = TableEncoder.from_state(json.loads(json.dumps(scalars)), arrays)
    pd.testing.assert_frame_equal(again.inverse_transform(matrix), enc.inverse_transform(matrix))


def test_knots_are_bin_means_not_training_values():
    x = np.random.default_rng(1).normal(size=500)
    enc, _ = fitted(pd.DataFrame({"x": x}))
    knots = enc.codecs_[0].knots_[1:-1]  # the ends are the training min and max
    assert not np.isin(knots, x).any()


def test_timezone_aware_dates_come_back_in_their_zone():
    # decoding used to cast naive stamps to the aware dtype, which pandas refuses (every sample call failed)
    when = pd.Series(pd.date_range("2021-01-01", periods=40, freq="h", tz="Europe/Oslo"))
    frame = pd.DataFrame({"when": when, "x": np.arange(40.0) % 7})  # x repeats: not identifier-like
    enc, matrix = fitted(frame)
    back = enc.inverse_transform(matrix)
    assert back["when"].dtype == when.dtype
    assert ((back["when"] - when).abs() <= pd.Timedelta(hours=1)).all()


def test_a_column_of_singletons_keeps_none_of_them():
    # every category was seen once: the codec used to keep the first one, so one record's value was
    # in the model file and in every sampled row
    frame = pd.DataFrame({"c": ["SENTINEL-xyz"] + [f"v{i}" for i in range(9)], "x": np.arange(10) % 3 * 1.5})
    specs, _ = infer_schema(frame, categorical=["c"])
    rng = np.random.default_rng(0)
    with pytest.warns(SynthaugWarning, match="'c'.*modelled as missing"):
        enc = TableEncoder().fit(frame, specs, rng)
    scalars, _ = enc.state()
    assert "SENTINEL-xyz" not in json.dumps(scalars) and '"v1"' not in json.dumps(scalars)
    assert enc.inverse_transform(enc.transform(frame, rng))["c"].isna().all()


@pytest.mark.parametrize("value", ["SENTINEL-xyz", 1.2345678901234])
def test_a_value_present_in_one_row_only_is_not_kept_as_a_constant(value):
    # a column missing in every row but one is "constant": its one value used to be stored
    frame = pd.DataFrame({"c": [value] + [None] * 9, "x": np.arange(10) % 3 * 1.5})
    specs, _ = infer_schema(frame)
    rng = np.random.default_rng(0)
    with pytest.warns(SynthaugWarning, match="'c'.*modelled as missing"):
        enc = TableEncoder().fit(frame, specs, rng)
    assert str(value) not in json.dumps(enc.state()[0])
    assert enc.inverse_transform(enc.transform(frame, rng))["c"].isna().all()
    shared = pd.DataFrame({"c": [value] * 2 + [None] * 8, "x": np.arange(10) % 3 * 1.5})  # two rows: kept
    enc = TableEncoder().fit(shared, infer_schema(shared)[0], rng)
    back = enc.inverse_transform(enc.transform(shared, rng))["c"]
    assert (back[:2] == value).all() and back[2:].isna().all()


def test_a_value_seen_once_is_no_point_mass_in_a_small_table():
    # with 20 rows or fewer, one row is 5% of the column: its value used to become a point mass,
    # stored in the model file and sampled exactly
    x = np.array([0.5, 1.2345678901234] + [2.0 + 0.75 * i for i in range(14)])  # 16 distinct values
    enc, _ = fitted(pd.DataFrame({"x": x}))
    assert len(enc.codecs_[0].masses_) == 0
    assert "1.2345678901234" not in json.dumps(enc.state()[0])
    assert np.float64(1.2345678901234) not in np.concatenate(list(enc.state()[1].values()))


def test_pandas_category_and_nullable_boolean_with_missing_keep_their_dtype():
    # A Parquet file keeps pandas' category and nullable boolean dtypes; with missing values
    # decoding used to cast them to float64 (category: ValueError on the first string).
    frame = pd.DataFrame({
        "colour": pd.Series(["red", "blue", None, "red"] * 5, dtype="category"),
        "member": pd.Series([True, False, None, True] * 5, dtype="boolean"),
    })
    enc, matrix = fitted(frame)
    back = enc.inverse_transform(matrix)
    assert (back.dtypes == frame.dtypes).all()
    pd.testing.assert_frame_equal(back, frame)


@pytest.mark.parametrize(("values", "dtype", "decimals"), [
    ([12.50, 3.99, 7.0], "float64", 2),
    ([1.0, 2.0, -30.0], "float64", 0),
    ([0.5, 0.25, 0.125], "float64", 3),
    ([0.1 + 0.2, 1.0], "float64", 1),  # 0.30000000000000004: float noise, 0.3
    ([882.4999999999999, 12.5], "float64", 1),  # 1 unit in the last place below 882.5
    ([1 / 3], "float64", None),
    ([100 / 3, 200 / 7], "float64", None),  # 16 significant digits: 13 decimals come within a few units
    ([0.1234567890123], "float64", 13),
    ([1234567.89, 9876543.21, 5000000.01], "float64", 2),  # np.round(x, 14) != x for 1234567.89
    ([3.99, 0.1], "float32", 2),  # float32's 3.99 is 3.990000009536743 as float64
])
def test_learn_decimals_finds_the_fewest_that_write_every_value(values, dtype, decimals):
    x = np.asarray(values, dtype=dtype).astype(np.float64)
    assert learn_decimals(x, dtype) == decimals


def test_two_float_noise_values_do_not_turn_off_rounding_for_a_money_column():
    # 4,850 amounts in cents and 2 such as 882.4999999999999 learned 14 decimals, so sampled amounts
    # came out as 137.99580799152542
    rng = np.random.default_rng(4)
    cents = np.round(rng.gamma(2.0, 100.0, 4850), 2)
    amount = np.concatenate([cents[:2000], [882.4999999999999, 0.1 + 0.7], cents[2000:]])
    assert learn_decimals(amount, "float64") == 2
    enc, _ = fitted(pd.DataFrame({"amount": amount}))
    back = decode_wild(enc)["amount"]
    assert (back == back.round(2)).all() and back.nunique() > 100
    top = np.concatenate([np.minimum(cents, 880.0), [882.4999999999999]])  # the noisy value is the upper bound
    enc, matrix = fitted(pd.DataFrame({"amount": top}))
    matrix[:, 0] = 50.0  # far above: clipped to the bound
    assert enc.codecs_[0].decimals_ == 2 and set(enc.inverse_transform(matrix)["amount"]) == {882.5}


@pytest.mark.parametrize("make", [
    lambda rng: rng.normal(size=5000),  # every value needs more than 14 decimals
    lambda rng: rng.normal(100, 30, 5000),  # 16 significant digits: 13 decimals come within float noise
    lambda rng: rng.uniform(1e5, 1e6, 5000),
    lambda rng: np.round(rng.uniform(0, 10, 5000), 11),  # 11 decimals, every one real
])
def test_learn_decimals_leaves_columns_that_genuinely_have_many_decimals(make):
    x = make(np.random.default_rng(5))
    exact = next((d for d in range(15) if np.array_equal(np.round(x, d), x)), None)
    assert learn_decimals(x, "float64") == exact
    assert exact is None or exact == 11


def test_learn_decimals_looks_past_the_head_of_the_column():
    x = np.concatenate([np.full(HEAD, 1.5), [2.25]])
    assert learn_decimals(x, "float64") == 2


def spend_table(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame({"spend": np.round(rng.gamma(2.0, 10.0, n), 2), "rate": np.round(rng.normal(3, 1, n), 1),
                         "noise": rng.normal(size=n), "small": rng.normal(size=n).astype(np.float32).round(3)})


def decode_wild(enc: TableEncoder, n: int = 200) -> pd.DataFrame:
    """Decoded numbers from normal scores spread over the whole range, all in the continuous mode."""
    wild = np.zeros((n, enc.output_dim_), dtype=np.float32)
    for span in enc.spans_:
        if span.activation == "linear":
            wild[:, span.start] = np.linspace(-3, 3, n)
        else:
            wild[:, span.stop - 1] = 1.0  # the continuous mode is last
    return enc.inverse_transform(wild)


def test_continuous_columns_come_back_at_the_decimals_of_their_training_values():
    table = spend_table()
    enc, _ = fitted(table)
    assert [c.decimals_ for c in enc.codecs_] == [2, 1, None, 3]
    back = decode_wild(enc)
    for name, decimals in (("spend", 2), ("rate", 1)):
        assert (back[name] == back[name].round(decimals)).all() and back[name].nunique() > 20
    assert (back["noise"] != back["noise"].round(14)).any()  # not rounded: it needs more than 14
    assert back["small"].dtype == np.float32 and (back["small"] == back["small"].round(3)).all()
    unrounded = decode_wild(fitted(table, rounding=False)[0])
    assert (unrounded["spend"] != unrounded["spend"].round(2)).mean() > 0.9


def test_decimals_are_saved_and_a_state_without_them_decodes_unrounded():
    enc, matrix = fitted(spend_table())
    scalars, arrays = enc.state()
    assert [c["state"].get("decimals") for c in scalars["columns"]] == [2, 1, None, 3]
    again = TableEncoder.from_state(json.loads(json.dumps(scalars)), arrays)
    pd.testing.assert_frame_equal(decode_wild(again), decode_wild(enc))
    for column in scalars["columns"]:  # a model file from before decimals were learned
        column["state"].pop("decimals")
    scalars["params"].pop("rounding")
    old = TableEncoder.from_state(scalars, arrays)
    assert [c.decimals_ for c in old.codecs_] == [None] * 4
    pd.testing.assert_frame_equal(decode_wild(old), decode_wild(fitted(spend_table(), rounding=False)[0]))


@pytest.mark.parametrize("decimals", ["2", 2.0, -1, 15])
def test_a_model_file_with_bad_decimals_is_a_model_file_error(decimals):
    enc, _ = fitted(spend_table())
    scalars, arrays = enc.state()
    scalars["columns"][0]["state"]["decimals"] = decimals
    with pytest.raises(ModelFileError, match=r"column 'spend': decimals must be a whole number 0\.\.14"):
        TableEncoder.from_state(scalars, arrays)


@pytest.mark.parametrize("column", [
    pd.Series(["X", np.nan, "X", "X", np.nan] * 6, dtype=object),  # missing text decodes to NaN, as pandas reads it
    pd.Series([5.0, np.nan, 5.0, 5.0, np.nan] * 6),
])
def test_a_constant_column_with_missing_values_is_a_two_way_span(column):
    # "one value or missing" had no span: every decoded row took the value, 0% missing
    frame = pd.DataFrame({"c": column, "x": np.arange(30) % 7 * 1.5})
    enc, matrix = fitted(frame)
    assert enc.specs_[0].kind == "constant"
    assert [(s.column, s.width, s.activation) for s in enc.discrete_spans()][0] == ("c", 2, "softmax")
    pd.testing.assert_series_equal(enc.inverse_transform(matrix)["c"], frame["c"])
    scalars, arrays = enc.state()
    again = TableEncoder.from_state(json.loads(json.dumps(scalars)), arrays)
    pd.testing.assert_series_equal(again.inverse_transform(matrix)["c"], frame["c"])


def test_a_constant_column_in_an_older_model_file_still_decodes_to_its_value():
    frame = pd.DataFrame({"c": ["X", None] * 10, "x": np.arange(20) % 7 * 1.5})
    enc, _ = fitted(frame)
    scalars, arrays = enc.state()
    del scalars["columns"][0]["state"]["has_missing"]  # written before constants modelled missing values
    old = TableEncoder.from_state(json.loads(json.dumps(scalars)), arrays)
    assert old.output_dim_ == enc.output_dim_ - 2
    assert (old.inverse_transform(np.zeros((4, old.output_dim_), np.float32))["c"] == "X").all()


def test_an_ordered_categorical_keeps_its_categories_order_but_not_its_rare_ones():
    # decoding gave an unordered Categorical with the categories sorted: ['hi', 'lo', 'mid']; an unused
    # category may be another private row's value (a table split after astype('category')) and stays out too
    levels = pd.CategoricalDtype(["lo", "mid", "SENTINEL-unused", "hi", "SENTINEL-once"], ordered=True)
    frame = pd.DataFrame({"c": pd.Series(["hi", "lo", "mid", "lo"] * 5 + ["SENTINEL-once"], dtype=levels)})
    enc, matrix = fitted(frame)
    scalars, arrays = enc.state()
    assert "SENTINEL" not in json.dumps(scalars)
    again = TableEncoder.from_state(json.loads(json.dumps(scalars)), arrays)
    for back in (enc.inverse_transform(matrix)["c"], again.inverse_transform(matrix)["c"]):
        assert back.dtype == pd.CategoricalDtype(["lo", "mid", "hi"], ordered=True)
        assert list(back.dtype.categories) == ["lo", "mid", "hi"]
        assert back[:20].tolist() == frame["c"][:20].tolist() and back[20] in ("lo", "mid", "hi")  # folded


def test_an_older_file_without_the_categories_dtype_decodes_as_before():
    frame = pd.DataFrame({"c": pd.Categorical(["b", "a"] * 10, categories=["b", "a"], ordered=True)})
    enc, matrix = fitted(frame)
    scalars, arrays = enc.state()
    del scalars["columns"][0]["state"]["categories_dtype"]
    back = TableEncoder.from_state(json.loads(json.dumps(scalars)), arrays).inverse_transform(matrix)["c"]
    assert back.dtype == frame["c"].dtype and back.tolist() == frame["c"].tolist()


def test_folded_categories_are_spread_over_the_kept_ones_by_frequency_not_given_to_the_most_frequent():
    # every folded row became the most frequent category: on a 400-merchant column a third of the
    # synthetic fraud rows got one common merchant that no real fraud row has
    kept = ["common"] * 600 + ["mid"] * 300 + ["rare"] * 100
    frame = pd.DataFrame({"c": kept + [f"once-{i}" for i in range(3000)]})
    specs, _ = infer_schema(frame, categorical=["c"])
    rng = np.random.default_rng(0)
    enc = TableEncoder().fit(frame, specs, rng)
    back = enc.inverse_transform(enc.transform(frame, rng))["c"]
    assert back[:1000].tolist() == kept  # kept categories are their own
    shares = back[1000:].value_counts(normalize=True)
    assert set(shares.index) == {"common", "mid", "rare"}
    assert abs(shares["common"] - 0.6) < 0.03 and abs(shares["mid"] - 0.3) < 0.03 and abs(shares["rare"] - 0.1) < 0.03


def test_folded_rows_of_a_class_with_few_kept_rows_are_not_piled_onto_them():
    # a class-wise fill put class 1's 2,000 folded rows onto its 2 kept rows' categories, half each:
    # the most-frequent fill's fault again, onto two real records' values
    values = ["a"] * 400 + ["b", "c"] + [f"once-{i}" for i in range(2000)] + ["b"] * 50 + ["c"] * 50
    groups = np.array([0] * 400 + [1] * 2002 + [0] * 100)
    frame = pd.DataFrame({"c": values})
    specs, _ = infer_schema(frame, categorical=["c"])
    rng = np.random.default_rng(0)
    enc = TableEncoder().fit(frame, specs, rng)
    back = enc.inverse_transform(enc.transform(frame, rng))["c"][groups == 1]
    shares = back.value_counts(normalize=True)
    assert shares["a"] > 0.75 and shares["b"] < 0.13 and shares["c"] < 0.13  # a holds 400 of the 502 kept rows


def test_a_constant_boolean_with_missing_values_decodes_to_true_and_missing():
    # a public schema's "bool" constant with missing values came back as 1.0 / NaN (float64)
    from synthaug.tabular.categorical_codecs import ConstantCodec
    from synthaug.tabular.schema import ColumnSpec

    spec = ColumnSpec("flag", "constant", "bool", True)
    codec = ConstantCodec(spec, 2).load({"value": True, "has_missing": True}, {})
    back = codec.inverse(np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32), True, True)
    assert back.tolist()[0] is True and np.isnan(back[1]) and back.dtype == object  # as pandas reads it


def test_decoded_numbers_are_never_negative_zero():
    # an integer column with missing values was float64 (Int64 now); rounding -0.3 and clipping to 0 kept the
    # sign, so 418 of 4,900 rows of a days-since column were written as -0.0 (so were values that
    # 2 decimals round to zero from below)
    rng = np.random.default_rng(3)
    days = pd.Series(rng.geometric(0.05, 200) - 1, dtype="float64").where(rng.random(200) > 0.2)
    frame = pd.DataFrame({"days": days, "delta": np.round(rng.normal(0, 1, 200), 2)})
    enc, _ = fitted(frame)
    assert [s.kind for s in enc.specs_] == ["integer", "continuous"]
    back = decode_wild(enc, n=2000)
    for name in ("days", "delta"):
        values = back[name].dropna().to_numpy(dtype=float)
        assert (values == 0).any() and not np.signbit(values[values == 0]).any(), name


def test_whole_numbers_read_as_float_for_their_missing_cells_decode_as_nullable_integers(tmp_path):
    # an integer column with empty cells (read as float64) was sampled and written as 25.0, 16.0
    rng = np.random.default_rng(1)
    visits = pd.Series(rng.integers(0, 30, 120), dtype="float64").where(rng.random(120) > 0.2)
    whole = pd.Series(rng.integers(0, 30, 120), dtype="float64")  # 25.0 written so, no missing cell
    enc, matrix = fitted(pd.DataFrame({"visits": visits, "whole": whole}))
    assert [(s.kind, s.dtype) for s in enc.specs_] == [("integer", "float64"), ("integer", "float64")]
    back = enc.inverse_transform(matrix)
    assert str(back["visits"].dtype) == "Int64" and str(back["whole"].dtype) == "float64"
    assert back["visits"].isna().equals(visits.isna()) and back["visits"].dropna().tolist() == visits.dropna().tolist()
    back.to_csv(tmp_path / "s.csv", index=False)
    lines = (tmp_path / "s.csv").read_text().splitlines()[1:]
    written = [line.split(",")[0] for line in lines]
    assert "" in written and not any("." in v for v in written)
    assert all(line.split(",")[1].endswith(".0") for line in lines)


def test_missing_text_decodes_to_the_missing_value_pandas_reads():
    """An object column came back with None where the real one has NaN: fit_resample's output mixed both."""
    text = ["red", "blue", None, "red"] * 5
    frame = pd.DataFrame({"obj": pd.Series(text, dtype=object), "cat": pd.Series(text, dtype="category"),
                          "string": pd.Series(text, dtype="string"), "const": pd.Series(["k", None] * 10, dtype=object),
                          "empty": pd.Series([None] * 20, dtype=object)})
    enc, matrix = fitted(frame)
    back = enc.inverse_transform(matrix)
    for name in ("obj", "const", "empty"):
        assert back[name].dtype == object
        missing = back[name][back[name].isna()].tolist()
        assert missing and all(isinstance(v, float) and np.isnan(v) for v in missing), name
    assert back["cat"].dtype == frame["cat"].dtype and back["cat"].isna().sum() == 5
    assert back["string"].dtype == "string" and back["string"][2] is pd.NA  # the dtype's own NA


def _old_transform(enc, frame, rng):
    """The encoded matrix as it was built before: float64 blocks (one-hot included), concatenated, then cast."""
    blocks = []
    for spec, codec in zip(enc.specs_, enc.codecs_, strict=True):
        if hasattr(codec, "codes"):
            onehot = np.zeros((len(frame), codec.width))
            onehot[np.arange(len(frame)), codec.codes(frame[spec.name], rng)] = 1.0
            blocks.append(onehot)
        else:
            blocks.append(np.asarray(codec.transform(frame[spec.name], rng), dtype=np.float64))
    return np.concatenate(blocks, axis=1).astype(np.float32)


def test_the_encoded_matrix_is_the_old_one_cast(mixed_table):
    frame = mixed_table.copy()
    frame["rare"] = ["common"] * (len(frame) - 3) + ["x", "y", "z"]  # folded: draws from rng
    frame["const"] = [7.0, np.nan] * (len(frame) // 2) + [7.0] * (len(frame) % 2)
    enc = TableEncoder().fit(frame, infer_schema(frame)[0], np.random.default_rng(0))
    new = enc.transform(frame, np.random.default_rng(5))
    old = _old_transform(enc, frame, np.random.default_rng(5))
    assert new.dtype == np.float32 and new.flags.c_contiguous
    np.testing.assert_array_equal(new, old)


def _wide_categorical(n=3_000, levels=1_500):
    return pd.DataFrame({"zip": [f"Z{i % levels}" for i in range(n)], "x": np.linspace(0, 1, n)})


def test_encoding_a_wide_categorical_allocates_about_the_matrix_only():
    # float64 one-hot blocks, their concatenation and the float32 cast peaked at 5x the matrix
    frame = _wide_categorical()
    with pytest.warns(SynthaugWarning, match="1,500 categories"):
        enc = TableEncoder().fit(frame, infer_schema(frame)[0], np.random.default_rng(0))
    tracemalloc.start()
    try:
        matrix = enc.transform(frame, np.random.default_rng(0))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.3 * matrix.nbytes


def test_a_categorical_of_thousands_of_levels_is_warned_about_once_with_the_advice():
    frame = _wide_categorical()
    with pytest.warns(SynthaugWarning) as caught:
        TableEncoder().fit(frame, infer_schema(frame)[0], np.random.default_rng(0))
    messages = [str(w.message) for w in caught if "categories" in str(w.message)]
    assert len(messages) == 1 and "'zip'" in messages[0] and "18 MB" in messages[0] and "drop=['zip']" in messages[0]


def test_ordinary_categoricals_are_not_warned_about():
    frame = pd.DataFrame({"c": [f"L{i % 1000}" for i in range(3_000)]})  # 1,000 levels: the limit, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TableEncoder().fit(frame, infer_schema(frame)[0], np.random.default_rng(0))


def test_argmax_over_row_blocks_is_numpys():
    from synthaug.tabular import categorical_codecs

    rng = np.random.default_rng(0)
    wide = rng.integers(0, 3, (3_000, 700)).astype(np.float32)  # many ties: the first maximum wins
    wide[5, 3] = np.nan  # numpy: the first NaN
    for block in (wide[:, 1:650], wide[:, :1], wide[::3, 10:], wide[:, 10:20].copy(), wide[:0, 5:9]):
        np.testing.assert_array_equal(categorical_codecs.argmax_rows(block), block.argmax(1))
