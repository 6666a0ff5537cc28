import re
import warnings

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError, SynthaugWarning
from synthaug._text import CLI, options_named_for
from synthaug.tabular.schema import infer_schema


def kinds(frame, **kw):
    specs, dropped = infer_schema(frame, **kw)
    return {s.name: s.kind for s in specs}, dropped


def test_kinds_of_a_mixed_table(mixed_table):
    found, dropped = kinds(mixed_table.drop(columns="label"))
    assert found == {
        "age": "integer", "score": "continuous", "gain": "integer", "colour": "categorical",
        "city": "categorical", "member": "boolean", "visits": "categorical", "joined": "datetime",
    }
    assert dropped == []


def test_missing_values_are_recorded(mixed_table):
    specs, _ = infer_schema(mixed_table)
    missing = {s.name for s in specs if s.has_missing}
    assert missing == {"score", "city"}


def test_identifier_columns_are_dropped_with_a_warning():
    frame = pd.DataFrame({"id": [f"u{i:04d}" for i in range(50)], "row": np.arange(50),
                          "x": np.tile([1.5, 2.5, 3.5, 4.5, 5.5], 10) * np.arange(50)})
    with pytest.warns(SynthaugWarning, match="identifier-like"):
        found, dropped = kinds(frame)
    assert dropped == ["id", "row"]
    assert set(found) == {"x"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found, dropped = kinds(frame, keep=["id", "row"])
    assert found["id"] == "categorical" and dropped == []


def test_shuffled_sequence_numbers_are_identifiers_but_spread_distinct_integers_are_not():
    # a shuffled MRN column 100000..100199 was modelled: every synthetic MRN was a real patient's
    rng = np.random.default_rng(0)
    mrn = rng.permutation(np.arange(100_000, 100_200))
    gappy = np.r_[mrn[:150], np.arange(200_000, 200_050)]  # 200 distinct values spread over 100,050
    frame = pd.DataFrame({"mrn": mrn, "visit": rng.permutation(np.arange(1, 201)).astype(float),
                          "income": rng.choice(np.arange(10_000, 200_000), 200, replace=False),
                          "gappy": rng.permutation(gappy), "age": rng.integers(18, 90, 200)})
    frame.loc[3, "visit"] = np.nan
    with pytest.warns(SynthaugWarning, match="identifier-like column\\(s\\) 'mrn', 'visit'"):
        found, dropped = kinds(frame)
    assert dropped == ["mrn", "visit"]
    assert found == {"income": "integer", "gappy": "integer", "age": "integer"}
    assert kinds(frame, keep=["mrn", "visit"])[0]["mrn"] == "continuous"
    small = frame.head(19)  # too few rows to call anything an identifier
    assert kinds(small[["mrn"]])[0] == {"mrn": "integer"}


def test_constant_and_all_missing_columns_are_constant():
    frame = pd.DataFrame({"c": [7] * 30, "empty": [np.nan] * 30, "x": np.arange(30) % 13})
    found, _ = kinds(frame)
    assert found["c"] == "constant" and found["empty"] == "constant"


def _tiny_fit(frame, **params):
    from synthaug import TabularCGAN

    return TabularCGAN(epochs=1, min_steps=5, generator_dims=(8,), discriminator_dims=(8,), latent_dim=4,
                       random_state=0, **params).fit(frame, y="t")


def test_fit_warns_once_of_columns_with_no_value_and_what_it_does_with_them():
    # fit was silent on an all-missing column (a CSV's empty 'notes', a Parquet null column), while evaluate warned
    frame = pd.DataFrame({"x": np.linspace(0, 1, 40), "notes": [np.nan] * 40, "memo": pd.Series([None] * 40,
                          dtype=object), "t": ["a", "b"] * 20})
    with pytest.warns(SynthaugWarning) as caught:
        model = _tiny_fit(frame)
    empty = [str(w.message) for w in caught if "no value" in str(w.message)]
    assert empty == ["column(s) 'notes', 'memo' have no value in the training data: modelled as constant empty "
                     "column(s), so the synthetic rows leave them empty too; to leave them out of the model and its "
                     "synthetic rows, drop=['notes', 'memo']"]
    assert model.sample_frame(n=6, random_state=0)[["notes", "memo"]].isna().all().all()
    with options_named_for(CLI), pytest.warns(SynthaugWarning, match=r"synthetic rows, --drop notes,memo$"):
        _tiny_fit(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)
        _tiny_fit(frame, drop=["notes", "memo"])  # left out: nothing to warn of


def test_a_column_with_no_value_is_constant_whatever_kind_it_is_given():
    # continuous=['notes'] on an empty column raised numpy's 'zero-size array to reduction operation minimum'
    frame = pd.DataFrame({"x": np.linspace(0, 1, 40), "notes": [np.nan] * 40, "t": ["a", "b"] * 20})
    for option in ("continuous", "categorical"):
        assert kinds(frame.drop(columns="t"), **{option: ["notes"]})[0]["notes"] == "constant"
        with pytest.warns(SynthaugWarning, match="'notes' have no value in the training data"):
            model = _tiny_fit(frame, **{option: ["notes"]})
        assert model.sample_frame(n=4, random_state=0)["notes"].isna().all()


def test_overrides_force_kinds():
    frame = pd.DataFrame({"zip": np.arange(100) % 37 + 1000, "v": np.linspace(0, 1, 100)})
    found, _ = kinds(frame, categorical=["zip"], continuous=["v"])
    assert found == {"zip": "categorical", "v": "continuous"}


def test_unknown_override_column_suggests_the_closest():
    frame = pd.DataFrame({"colour": ["a", "b"] * 10})
    with pytest.raises(DataError, match=r"categorical: no column 'color' \(did you mean 'colour'\?\)"):
        infer_schema(frame, categorical=["color"])


def test_numeric_column_with_a_stray_string_names_column_and_row():
    values = [str(v) for v in range(40)]
    values[17] = "N/A"
    with pytest.raises(DataError, match=r"column 'amount' is numeric but 1 value\(s\).*\.iloc\[17\]: 'N/A'\)"):
        infer_schema(pd.DataFrame({"amount": values}))


def test_a_stray_string_after_empty_cells_is_at_its_own_data_row_and_quoted():
    # a '?' at data row 50 was reported at data row 30: the row counted only non-empty cells
    values = [str(v) for v in range(60)]
    values[10:30] = [None] * 20
    values[49] = "?"
    with pytest.raises(DataError) as info:
        infer_schema(pd.DataFrame({"lab": values}))
    said = str(info.value)
    assert "1 value(s) are not numbers (first at .iloc[49]: '?'); make such cells empty if they mean missing" \
        in said, said
    forced = pd.DataFrame({"lab": values, "x": np.arange(60) % 7})
    with pytest.raises(DataError, match=r"data row 50: '\?'\)"), options_named_for(CLI):  # a file's row
        infer_schema(forced, continuous=["lab"])


def test_numbers_with_several_missing_spellings_are_refused_naming_the_tokens():
    # '-', '?', ' ', 'none' in 15% of a bmi column made it categorical: half its numbers folded away
    rng = np.random.default_rng(0)
    bmi = np.round(rng.normal(27, 4, 200), 1).astype(str).astype(object)
    bmi[rng.permutation(200)[:30]] = ["-"] * 8 + ["?"] * 9 + ["none"] * 7 + [" "] * 6
    with pytest.raises(DataError) as info:
        infer_schema(pd.DataFrame({"bmi": bmi}))
    assert str(info.value) == ("column 'bmi': 30 cells hold '?' (9), '-' (8), 'none' (7), ' ' (6) among 170 "
                               "numbers; if they mean missing, make them empty cells (or categorical=['bmi'] to "
                               "model it as text)")
    assert kinds(pd.DataFrame({"bmi": bmi}), categorical=["bmi"])[0] == {"bmi": "categorical"}
    cleaned = pd.Series(bmi).where(~pd.Series(bmi).isin(["-", "?", "none", " "]))
    assert kinds(pd.DataFrame({"bmi": pd.to_numeric(cleaned)}))[0] == {"bmi": "continuous"}


@pytest.mark.parametrize("values", [
    ["1", "2", "3", "4", "X"] * 10,  # a stage and its unknown: codes, categorical anyway
    [str(v) for v in range(30)] + ["ICU ward", "ER"] * 5,  # a token too long to be a placeholder
    [str(v) for v in range(30)] + ["a", "b", "c", "d", "e", "f"] * 2,  # too many distinct tokens
    [str(v) for v in range(10)] + ["red", "blue", "green"] * 5,  # mostly words
])
def test_text_with_some_numbers_that_is_not_numbers_with_placeholders_stays_categorical(values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kinds(pd.DataFrame({"c": values}))[0] == {"c": "categorical"}


FORMATTED_NUMBERS = {"usd": "${:,.2f}", "eur": "€ {:,.0f}", "grouped": "{:,.0f}", "pct": "{:.0f}%"}


def test_numbers_written_with_currency_or_thousands_separators_are_named_as_such():
    # '$3,068.22', '€ 3,068', '30,682' were dropped as identifiers ('--keep' gave an all-empty
    # column) and '12%' became categories, without a word about why they were not numbers
    rng = np.random.default_rng(0)
    amounts = np.round(rng.lognormal(8, 1, 120), 2)
    frame = pd.DataFrame({name: [shape.format(v % 100 if name == "pct" else v) for v in amounts]
                          for name, shape in FORMATTED_NUMBERS.items()})
    with pytest.warns(SynthaugWarning) as caught:
        found, dropped = kinds(frame.assign(x=np.arange(120) % 7), keep=["eur"])
    said = [str(w.message) for w in caught]
    assert dropped == ["usd", "grouped"] and found["eur"] == found["pct"] == "categorical"
    fates = {"usd": "left out", "grouped": "left out", "eur": "modelled as categories", "pct": "modelled as categories"}
    for name, fate in fates.items():
        line = next(text for text in said if text.startswith(f"column {name!r}"))
        assert line.startswith(f"column {name!r} looks like numbers written with currency symbols, thousands "
                               f"separators or percent signs, so it is {fate}"), line
        assert line.endswith("convert them to plain numbers (3068.22 for $3,068.22, 12 for 12%)"), line
    assert not any("identifier-like" in text for text in said)  # '--keep' would not help them
    with pytest.raises(DataError, match=r"column 'usd' is numeric but 120 value\(s\) are not numbers \(first at "
                                        r"\.iloc\[0\]\); they look like numbers written with currency"):
        infer_schema(frame, continuous=["usd"])


def test_numbers_written_with_a_decimal_comma_are_named_as_such_with_the_fix():
    # a European export saved with commas ("46,0", "3674,25") was told of currency symbols and thousands separators
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": [f"{v:.1f}".replace(".", ",") for v in rng.integers(18, 90, 120)],
                          "amount": [f"{v:.2f}".replace(".", ",") for v in rng.lognormal(5, 1, 120)],
                          "grouped": [f"{v:,.0f}" for v in rng.integers(1000, 9999, 120)],  # 1,234: no decimal comma
                          "dotted": [f"{v:,.2f}".translate(str.maketrans(",.", ".,"))  # 12.345,67 was "currency"
                                     for v in rng.lognormal(8, 1, 120)]})
    with pytest.warns(SynthaugWarning) as caught:
        found, _ = kinds(frame, keep=["amount", "grouped", "dotted"])
    said = {text.split("'")[1]: text for text in map(str, (w.message for w in caught))}
    assert found["age"] == found["amount"] == "categorical"
    for name in ("age", "amount"):
        assert said[name].startswith(f"column {name!r} looks like numbers written with a decimal comma (46,5 for "
                                     "46.5), so it is modelled as categories; to model them as numbers, read the file "
                                     "with decimal=',' and save it again, e.g. in pandas pd.read_csv(FILE, "
                                     "decimal=',')"), said[name]
    assert "currency symbols, thousands separators" in said["grouped"]
    assert "decimal comma" in said["dotted"] and "pd.read_csv(FILE, decimal=',', thousands='.')" in said["dotted"]
    with pytest.raises(DataError, match=r"they look like numbers written with a decimal comma .*decimal=','"):
        infer_schema(frame, continuous=["age"])


@pytest.mark.parametrize("values", [
    [f"{v}.{v % 3}.{v % 5}" for v in range(40)],  # versions
    [f"A{v:03d}" for v in range(40)],  # codes
    [f"{v}-{v + 5}" for v in range(40)],  # ranges
])
def test_text_that_is_not_formatted_numbers_gets_no_such_advice(values):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        infer_schema(pd.DataFrame({"c": values}))
    assert not any("currency" in str(w.message) for w in caught)


def test_a_long_stray_value_held_by_one_row_is_not_quoted():
    values = [str(v) for v in range(40)]
    values[5] = "Ola Nordmann"
    with pytest.raises(DataError, match=r"\(first at \.iloc\[5\]\); ") as info:
        infer_schema(pd.DataFrame({"amount": values}))
    assert "Ola" not in str(info.value)


@pytest.mark.parametrize("values", [
    pd.to_timedelta(np.arange(30) % 4, unit="s"), pd.period_range("2020-01", periods=30, freq="M"),
    np.arange(30) + 1j, np.array([b"a", b"b"] * 15), [[1, 2]] * 30,
])
def test_unsupported_column_types_are_named_up_front(values):
    frame = pd.DataFrame({"x": np.arange(30.0), "c": values})
    with pytest.raises(DataError, match=r"column 'c'.*: drop=\['c'\]$"):
        infer_schema(frame)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(extra=1), "column 'age': unknown key 'extra'"),
    (lambda d: d.pop("dtype"), "column 'age': spec key 'dtype' must be str, got None"),
    (lambda d: d.update(has_missing="yes"), "spec key 'has_missing' must be bool, got 'yes'"),
])
def test_a_bad_column_spec_in_a_model_file_is_one_line_naming_the_key(edit, message):
    """A hand-edited model.json used to fail with ColumnSpec's TypeError (or load a wrong type silently)."""
    from synthaug.tabular.schema import ColumnSpec

    data = ColumnSpec("age", "integer", "int64", False).to_dict()
    assert ColumnSpec.from_dict(dict(data)) == ColumnSpec("age", "integer", "int64", False)
    edit(data)
    with pytest.raises(DataError, match=message):
        ColumnSpec.from_dict(data)


def test_an_infinite_number_is_a_data_error_naming_the_column(mixed_table):
    """It used to become an infinite knot and upper bound of the column's codec."""
    frame = mixed_table.drop(columns="label").astype({"age": "Int64"})
    frame.loc[3, "score"] = -np.inf
    with pytest.raises(DataError, match=r"column 'score' has 1 infinite value\(s\) \(first at \.iloc\[3\]\); "
                       r"replace them, e.g. by missing values \(X\.replace\(\[np\.inf, -np\.inf\], np\.nan\)\), "
                       r"or leave the column out: drop=\['score'\]$"):
        infer_schema(frame)
    assert kinds(frame.assign(score=0.5 * np.arange(len(frame))))[0]["age"] == "integer"  # Int64 is fine


def test_suggested_options_are_named_as_python_spells_them_and_the_cli_beside_them():
    # TabularCGAN().fit(...) suggested '--drop c', '--keep' and '--categorical amount': options Python has not got

    def said(fn) -> str:
        with pytest.raises(DataError) as info:
            fn()
        return str(info.value)

    lists = said(lambda: infer_schema(pd.DataFrame({"my col": [[1, 2]] * 30})))
    assert lists.endswith("leave it out: drop=['my col']"), lists
    stray = said(lambda: infer_schema(pd.DataFrame({"amount": [*map(str, range(39)), "n/a?"]})))
    assert stray.endswith("fix them if they are typos, or make it categorical: categorical=['amount']"), stray
    with pytest.warns(SynthaugWarning) as caught:
        infer_schema(pd.DataFrame({"id": [f"u{i}" for i in range(40)], "x": np.arange(40) % 3}))
    warned = str(caught[0].message)
    assert warned.endswith("to model them, keep=['id']"), warned
    for text in (lists, stray, warned):
        assert "--" not in text  # Python is told Python arguments only


def _days(n: int) -> list[str]:
    return pd.date_range("2021-01-01", periods=n, freq="D").strftime("%Y-%m-%d").tolist()


def test_a_date_column_with_a_few_stray_values_warns_naming_them():
    due = _days(500)
    for row in (40, 90, 91, 120, 300):
        due[row] = "TBD"
    due[7] = "unknown"
    frame = pd.DataFrame({"due": due, "x": np.arange(500) % 7})
    with pytest.warns(SynthaugWarning) as caught:
        found, _ = kinds(frame)
    dates = [str(w.message) for w in caught if "not dates" in str(w.message)]
    assert dates == ["column 'due': 6 of 500 value(s) are not dates (e.g. 'TBD' in 5 rows), so the column is not "
                     "modelled as dates; to model it as dates, make those cells empty"]
    assert found.get("due") != "datetime"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found, _ = kinds(frame.assign(due=frame["due"].where(~frame["due"].isin(["TBD", "unknown"]))))
    assert found["due"] == "datetime"


def test_a_stray_value_held_by_few_rows_is_not_quoted():
    # 'e.g. 'Ola Nordmann, 12 Main St'': one record's text in a warning
    due = _days(100)
    due[42] = "Ola Nordmann, 12 Main St"
    with pytest.warns(SynthaugWarning) as caught:
        kinds(pd.DataFrame({"due": due, "x": np.arange(100) % 7}))
    said = " ".join(str(w.message) for w in caught)
    assert "1 of 100 value(s) are not dates (first at .iloc[42])" in said and "Ola" not in said


@pytest.mark.parametrize("values", [
    _days(8) + ["TBD", "later"],  # 80% of the distinct values are dates: text with some dates in it
    ["red", "green", "blue"] * 10,
    [str(v % 15) for v in range(40)],  # numbers as text (their own check)
])
def test_text_that_is_not_nearly_all_dates_does_not_warn(values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        infer_schema(pd.DataFrame({"c": values}))


def test_a_column_forced_both_categorical_and_continuous_is_refused():
    # categorical silently won
    frame = pd.DataFrame({"age": np.arange(40) % 30, "v": np.linspace(0, 1, 40)})
    with pytest.raises(DataError, match=r"column 'age' is in both categorical and continuous"):
        infer_schema(frame, categorical=["age"], continuous=["v", "age"])


def test_few_numbers_that_do_not_repeat_stay_numeric():
    # 10 rows of 10 distinct measurements were 10 one-row categories, all folded away: sampled as NaN
    frame = pd.DataFrame({"alcohol": [14.23, 13.2, 13.16, 14.37, 13.24, 12.37, 12.33, 12.64, 13.67, 12.37],
                          "magnesium": [127, 100, 101, 113, 118, 112, 98, 121, 105, 97],
                          "flag": [0, 1, 0, 0, 1, 1, 0, 1, 0, 0],
                          "score": [1, 2, 2, 3, 5, 3, 4, 4, 5, 1],
                          "half": [1.5, 1.5, 2.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5]})
    found, _ = kinds(frame)
    assert found == {"alcohol": "continuous", "magnesium": "integer", "flag": "categorical",
                     "score": "categorical", "half": "continuous"}  # half: 4 of 10 rows hold a repeated value


def test_ten_values_always_repeat_enough_from_19_rows():
    values = np.r_[np.arange(9), np.full(10, 9)] + 0.5  # 19 rows, the fewest repeated: 9 singletons
    assert kinds(pd.DataFrame({"v": values}))[0] == {"v": "categorical"}
    assert kinds(pd.DataFrame({"v": values[:-1]}))[0] == {"v": "continuous"}  # 18 rows: 9 of 18 repeat


def test_dates_that_need_both_day_month_orders_warn_with_an_example_of_each():
    # '14/03/2021' beside '03/14/2021' was read month first without a word: every 03/04 a guess
    days = pd.Series(pd.date_range("2021-01-01", periods=60, freq="5D"))
    text = np.where(np.arange(60) % 2 == 0, days.dt.strftime("%d/%m/%Y"), days.dt.strftime("%m/%d/%Y"))
    with pytest.warns(SynthaugWarning) as caught:
        found, _ = kinds(pd.DataFrame({"visit": text}))
    said = [str(w.message) for w in caught if "day first" in str(w.message)]
    assert found == {"visit": "datetime"} and len(said) == 1, said
    late = r"(1[3-9]|2\d|3[01])"  # a day no month can be
    assert re.fullmatch(rf"column 'visit': \d+ date\(s\) put the day first \(such as '{late}/\d\d/…'\) and "
                        rf"\d+ the month \(such as '\d\d/{late}/…'\), so all are read month first and a date like "
                        r"03/04 may be misread; write the column in one order \(ISO 2021-03-04 is unambiguous\)",
                        said[0]), said[0]  # examples without their year: no record's whole date
    for shape in ("%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert kinds(pd.DataFrame({"visit": days.dt.strftime(shape)}))[0] == {"visit": "datetime"}


def test_two_digit_years_read_as_future_dates_warn():
    # '06/19/54' birth dates were read as 2054 and sampled up to 2060 without a word
    born = pd.Series(pd.to_datetime(["1954-06-19", "1964-07-24", "1975-01-02", "1990-12-31"] * 10))
    with pytest.warns(SynthaugWarning, match=r"^column 'dob': 20 date\(s\) written with a two-digit year are read "
                                             r"as after today \(\d{4}-\d\d-\d\d\), as 00-68 read as 2000-2068 "
                                             r"\(69-99 as 1969-1999\); if they are earlier \(birth dates, say\), "
                                             r"write four-digit years$"):
        assert kinds(pd.DataFrame({"dob": born.dt.strftime("%m/%d/%y")}))[0] == {"dob": "datetime"}
    recent = pd.Series(pd.date_range("2015-01-01", periods=40, freq="31D"))
    for text in (born.dt.strftime("%m/%d/%Y"), recent.dt.strftime("%m/%d/%y"), recent.dt.strftime("%d-%b-%y")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert kinds(pd.DataFrame({"dob": text}))[0] == {"dob": "datetime"}


def test_a_short_value_one_row_holds_is_not_quoted_but_a_missing_marker_is():
    """'POS' in one row of a lab column is that patient's result; only texts that mean 'no value' (or
    that 5 rows hold) are quoted. Python callers get the row as .iloc, the command line as a file's row."""
    values = [str(v) for v in range(60)]
    values[7] = "POS"
    with pytest.raises(DataError) as info:
        infer_schema(pd.DataFrame({"hiv": values}))
    assert "(first at .iloc[7]);" in str(info.value) and "POS" not in str(info.value)
    values[7] = " n/a "
    with pytest.raises(DataError, match=r"\(first at data row 8: ' n/a '\);"), options_named_for(CLI):
        infer_schema(pd.DataFrame({"hiv": values}))
