"""Sampled records come back in the dtypes of the training table, through a model file too."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import synthaug
from synthaug import SynthaugWarning, TabularCGAN

N = 120
ALL_MISSING = ("Int64", "boolean", "Float64", "string", "float64", "datetime64[ns]")
FAST = {"epochs": 1, "min_steps": 30, "batch_size": 64, "generator_dims": (32,), "discriminator_dims": (32,),
        "latent_dim": 8}


def zoo(n: int = N) -> pd.DataFrame:
    """A number, a label, and a column of each dtype a trial found sampled in another one."""
    rng = np.random.default_rng(0)
    label = rng.choice(["yes", "no"], n)
    levels = pd.CategoricalDtype(["low", "mid", "high", "critical"], ordered=True)  # critical: unused
    return pd.DataFrame({
        "x": rng.normal(size=n) + (label == "yes"),
        "py": pd.array(rng.choice(["I10", "E11", None], n), dtype="string[python]"),
        "pa": pd.array(rng.choice(["I10", "E11", None], n), dtype="string[pyarrow]"),
        "label": pd.Categorical(label, categories=["maybe", "yes", "no"]),  # maybe: unused
        "severity": pd.Series(rng.choice(["low", "mid", "high"], n), dtype=levels),
        "colour": pd.Categorical(rng.choice(["red", "blue"], n), categories=["blue", "green", "red"]),
        "day": pd.Categorical(pd.to_datetime(rng.choice(["2020-01-01", "2021-01-01"], n))),
        "small": pd.Categorical(rng.choice([3, 1], n).astype("int8"), categories=np.array([1, 2, 3], "int8")),
        "zones": pd.Series([pd.Timestamp("2021-01-01 10:00", tz="UTC" if i % 2 else "Europe/Berlin")
                            + pd.Timedelta(days=i % 90) for i in range(n)], dtype=object),
        **{f"none_{dtype}": pd.Series([None] * n, dtype=object).astype(dtype) for dtype in ALL_MISSING},
    })


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> tuple[pd.DataFrame, list[pd.DataFrame], dict]:
    """(the training table, [a fitted model's sample, the same model's after save and load], model.json)."""
    table = zoo()
    model = TabularCGAN(random_state=0, **FAST).fit(table, y="label")
    path = model.save(tmp_path_factory.mktemp("m") / "m")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)  # the loaded model's filters are not applied
        sampled = [m.sample_frame(n=60, random_state=0) for m in (model, synthaug.load(path))]
    return table, sampled, json.loads((path / "model.json").read_text())


def test_text_columns_keep_their_storage(samples):
    """string[python] came back as string[pyarrow]: its name, 'string', reads back with pyarrow storage."""
    table, sampled, _ = samples
    for frame in sampled:
        assert frame["py"].dtype == table["py"].dtype and frame["py"].dtype.storage == "python"
        assert frame["pa"].dtype.storage == "pyarrow"
        assert set(frame["py"].dropna()) <= {"I10", "E11"}


@pytest.mark.parametrize("dtype", ALL_MISSING)
def test_all_missing_columns_keep_their_dtype(samples, dtype):
    """An all-<NA> Int64 column came back as object NaN."""
    table, sampled, _ = samples
    for frame in sampled:
        column = frame[f"none_{dtype}"]
        assert column.dtype == table[f"none_{dtype}"].dtype and column.isna().all()


def test_timestamps_in_several_zones_come_back_as_timestamps_in_utc(samples):
    """An object column of Timestamps in two zones was modelled as categories and sampled as ISO text."""
    table, sampled, _ = samples
    known = pd.to_datetime(table["zones"], utc=True)
    for frame in sampled:
        column = frame["zones"]
        assert column.dtype == object and column.map(type).eq(pd.Timestamp).all()
        stamps = pd.to_datetime(column)
        assert str(stamps.dt.tz) == "UTC" and known.min() <= stamps.min() and stamps.max() <= known.max()


@pytest.mark.parametrize("name", ["severity", "colour", "label", "day", "small"])
def test_categorical_columns_keep_their_dtype_but_unused_categories(samples, name):
    """A Categorical of dates was modelled as dates and sampled as text holding dates that were never
    categories; order, the ordered flag and the categories' own dtype (dates, int8) are kept too. Unused
    categories are not: one may be another private row's value (a table split after astype("category"))."""
    table, sampled, _ = samples
    used = table[name].cat.remove_unused_categories()
    for frame in sampled:
        assert frame[name].dtype == used.dtype and frame[name].cat.ordered == table[name].cat.ordered
        assert set(frame[name].dropna()) <= set(table[name])
        assert pd.concat([used, frame[name]]).dtype == used.dtype


def test_no_unused_category_reaches_the_model_file(samples):
    text = json.dumps(samples[2])
    assert not any(unused in text for unused in ("critical", "maybe", "green"))
    assert samples[2]["target"]["categories"] == ["yes", "no"]


def test_an_arrow_decimal_column_with_a_missing_value_is_modelled_as_numbers():
    """read_parquet(dtype_backend="pyarrow") gives decimal128 columns; one with a missing value made fit fail
    with pandas' own ValueError (to_numeric), not even a DataError."""
    import decimal

    import pyarrow as pa

    rng = np.random.default_rng(0)
    cost = pd.Series([decimal.Decimal(f"{v:.2f}") for v in rng.gamma(2, 5, N)],
                     dtype=pd.ArrowDtype(pa.decimal128(10, 2)))
    cost[3] = None
    table = pd.DataFrame({"x": rng.normal(size=N), "cost": cost, "label": rng.choice(["a", "b"], N)})
    sampled = TabularCGAN(random_state=0, **FAST).fit(table, y="label").sample_frame(n=20, random_state=0)
    assert sampled["cost"].dtype == np.float64
