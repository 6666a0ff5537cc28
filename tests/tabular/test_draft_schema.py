"""Drafted schemas: deterministic whatever the row order; and DP warnings on the private data's fit
against a schema give counts only to their order of magnitude."""

import warnings

import numpy as np
import pandas as pd
import pytest

import synthaug
from synthaug import TabularCGAN
from synthaug._text import coarse_count
from synthaug.tabular.draft_schema import draft_public_schema
from synthaug.tabular.public_schema import conform, parse_public_schema
from tests.tabular.test_public_schema import TINY, private_table, schema_doc


def fitted(doc, **kw) -> tuple[TabularCGAN, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = TabularCGAN(public_schema=doc, random_state=0, **{**TINY, **kw}).fit(private_table(0), y="label")
    return model, [str(w.message) for w in caught]


# ---------------------------------------------------------------- category order
def test_draft_category_order_is_count_then_value_whatever_the_row_order():
    rng = np.random.default_rng(0)
    colour = ["red"] * 5 + ["blue"] * 3 + ["green"] * 3 + ["amber"] * 3 + ["teal"] * 2
    frame = pd.DataFrame({"colour": colour, "label": ["no", "yes"] * 8})
    drafts = []
    for seed in range(6):
        shuffled = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 30)) + seed).reset_index(drop=True)
        drafts.append(draft_public_schema(shuffled, "label")["columns"][0]["categories"])
    assert all(d == ["red", "amber", "blue", "green", "teal"] for d in drafts), drafts


def test_draft_category_order_breaks_ties_between_types_by_type_name():
    frame = pd.DataFrame({"code": pd.Series(["x", 2, "x", 2, 1, 1, "a", "a"], dtype=object),
                          "label": ["no", "yes"] * 4})
    assert draft_public_schema(frame, "label", categorical=["code"])["columns"][0]["categories"] == [1, 2, "a", "x"]


# ---------------------------------------------------------------- DP: coarse counts in warnings
def _conform_messages(frame: pd.DataFrame, coarse: bool) -> list[str]:
    doc = schema_doc()
    doc["columns"].append({"name": "country", "kind": "constant", "value": "NO"})
    doc["columns"][4] = {**doc["columns"][4], "missing": False}  # city: its missing values are set to 'Oslo'
    with pytest.warns(synthaug.SynthaugWarning) as caught:
        conform(frame.drop(columns="label"), parse_public_schema(doc), coarse=coarse)
    return [str(w.message) for w in caught]


def _odd_table() -> pd.DataFrame:
    frame = private_table(0)
    frame.loc[:11, "age"] = 200  # 12 above the bounds
    frame.loc[20, "colour"] = "mauve"  # 1 unknown category
    frame.loc[30:32, "city"] = np.nan  # missing, not allowed
    frame["country"] = ["NO"] * (len(frame) - 2) + ["SE", "SE"]
    return frame


def test_conform_warns_exact_counts_without_dp():
    messages = _conform_messages(_odd_table(), coarse=False)
    assert any("'age': 12 value(s) outside the public bounds" in m for m in messages)
    assert any("'colour': 1 value(s) not among" in m for m in messages)
    assert any("'country': 2 value(s) differ" in m for m in messages)
    assert not any("order of magnitude" in m for m in messages)


def test_conform_under_dp_gives_no_exact_count_of_private_rows():
    frame = _odd_table()
    missing = int(frame["city"].isna().sum())
    messages = _conform_messages(frame, coarse=True)
    assert len(messages) == 5  # and city's one unknown value (private_table's sentinel)
    assert any("'age': 10 to 99 values outside the public bounds" in m for m in messages)
    assert any("'colour': fewer than 10 values not among" in m for m in messages)
    assert any("'country': fewer than 10 values differ" in m for m in messages)
    assert any(f"'city': {coarse_count(missing)} missing values, which" in m for m in messages)
    assert all("order of magnitude; the warning itself is not covered by epsilon" in m for m in messages)
    for exact in ("12", "1 value", "2 value", f"{missing} missing"):
        assert not any(exact in m for m in messages), exact


def test_a_dp_fit_with_a_schema_warns_coarse_counts_and_a_plain_fit_exact_ones():
    pytest.importorskip("opacus")
    _, messages = fitted(schema_doc(), dp_epsilon=1.0, batch_size=8)
    age = [m for m in messages if "outside the public bounds" in m]
    assert age == ["column 'age': fewer than 10 values outside the public bounds were clipped to them (under DP "
                   "the count is rounded to its order of magnitude; the warning itself is not covered by epsilon)"]
    _, messages = fitted(schema_doc())
    assert any("'age': 1 value(s) outside the public bounds" in m for m in messages)
