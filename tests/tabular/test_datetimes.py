"""Timestamps come back at the column's resolution and in its time zone."""

import datetime as dt
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError, ModelFileError
from synthaug.tabular.datetimes import (
    HEAD_DATES,
    UNITS_NS,
    format_dates,
    is_date_column,
    learn_text_format,
    parse_datetimes,
    resolution_ns,
    round_to_resolution,
)
from synthaug.tabular.draft_schema import draft_public_schema, outward_years
from synthaug.tabular.encoder import TableEncoder
from synthaug.tabular.schema import infer_schema

DAY, HOUR, SECOND = UNITS_NS[0], UNITS_NS[1], UNITS_NS[3]


def test_resolution_is_the_largest_unit_every_value_is_a_multiple_of():
    def of(*texts):
        return resolution_ns(parse_datetimes(pd.Series(texts)))

    assert of("2024-01-01", "1969-12-30", None) == DAY
    assert of("2024-01-01 10:00", "2024-01-02 13:00") == HOUR
    assert of("2024-01-01 10:00:01", "2024-01-02") == SECOND
    assert of("2024-01-01 10:00:01.5") == UNITS_NS[4]
    local_midnights = pd.Series(pd.date_range("2024-03-28", periods=5, freq="D", tz="Europe/Berlin"))
    assert resolution_ns(local_midnights) == DAY  # across the DST change, in local time


def test_rounding_lands_on_the_local_grid():
    # Berlin: 23:59:30 (+2), 00:10 (+1), and 09:00 on the day summer time ends (+1), nearer that midnight (+2)
    utc = pd.to_datetime(["2024-07-01 21:59:30", "2024-01-01 23:10:00", "2024-10-27 08:00:00"]).as_unit("ns").asi8
    back = pd.DatetimeIndex(round_to_resolution(utc, DAY, "Europe/Berlin")).tz_localize("UTC")
    back = back.tz_convert("Europe/Berlin")
    assert [str(t) for t in back] == ["2024-07-02 00:00:00+02:00", "2024-01-02 00:00:00+01:00",
                                      "2024-10-27 00:00:00+02:00"]
    assert (round_to_resolution(utc, 1, None) == utc).all()


def test_mixed_utc_offsets_parse_in_utc_instead_of_failing():
    stamps = parse_datetimes(pd.Series(["2024-03-30T00:00:00+01:00", "2024-04-01T00:00:00+02:00", "junk"]))
    assert [str(t) for t in stamps[:2]] == ["2024-03-29 23:00:00+00:00", "2024-03-31 22:00:00+00:00"]
    assert stamps.isna().tolist() == [False, False, True]


DATES = [
    ["2021-08-14", "2021-08-15", None],  # ISO, a missing value
    ["2021-08-14 10:30", "2021-08-15T00:00:00+02:00", "2021-08-16 00:00:00+0100"],  # times, offsets
    ["14.08.2021", "15.08.2021"], ["08/14/2021", "8/15/2021"], ["2021/8/14", "2021/8/15"],
    [dt.date(2021, 8, 14), dt.date(2021, 8, 15)],  # date objects, as Parquet's date32 is read
    [pd.Timestamp("2021-08-14 10:00"), np.nan],
]
MONTH_DATES = [  # English month names, abbreviated or in full, any case, with a four-digit year
    ["Jan 3 2021", "Mar 14 2021"], ["3 Jan 2021", "14 Mar 2021"], ["January 3, 2021", "March 14, 2021"],
    ["03-Jan-2021", "14-Mar-2021"], ["2021-Jan-03", "2021-Mar-14"], ["03-JAN-2021", "14-mar-2021"],
    ["Jan. 3, 2021", "Sep 9 2021"], ["Jan 3 2021 10:30", "Mar 14 2021 23:59:59"], ["Jan 3 2021", "2021-03-14"],
    ["14 Sept 2021", "Sept. 15, 2021", "16-SEPT-2021"],  # Sept, as British style writes September
]
TWO_DIGIT_YEARS = [  # the year last, after a month name or slashes; numbers say which is the day
    ["14-Mar-21", "15-APR-21"], ["Jan 3 21", "Mar 14 21"], ["3 Jan 21", "14 Sept 99"],
    ["03/14/21", "03/04/21"], ["14/03/21 10:30", "01/02/21 23:00"], ["3/4/21", "12/31/2021"],
]
DATES += MONTH_DATES + TWO_DIGIT_YEARS
NOT_DATES = [
    ["2021", "2022"], ["20210814", "20210815"], ["12.5", "3"],  # numbers as text
    ["2021-08-14", "12.5"], ["2021-08-14", "2021"], ["2021-08-14", "TBD"],  # one value is not a date
    ["10:30", "11:45"],  # times alone: parsed as today's date
    ["1/2", "3/4"], ["1-2", "3-4"], ["3:1", "2:0"],  # fractions, ranges, scores
    ["2021-01", "2021-02"], ["Sept 2021", "Oct 2021"],  # year-months
    ["03/04/21", "05/06/21"], ["03/04/21", "05/06/21", "03/04/2021"],  # two-digit years: which is the day?
    ["03/14/21", "14/03/21"], ["14-03-21", "15-03-21"], ["21-03-14", "22-11-30"],  # both orders; yy-mm-dd?
    ["14.03.21", "15.03.21"], ["4.15.10", "4.16.12"],  # dots and two digits: versions as often as dates
    ["1.2.3", "1.3.0"], ["10.0.0.1", "192.168.1.1"],  # versions, addresses ("1.2.3" parses as 2003-01-02)
    ["2021-02-30", "2021-03-01"], ["2021-08-14 soon", "2021-08-15"],  # impossible day, trailing text
    ["2021-08-14", dt.date(2021, 8, 15)], [1, 2], [None, np.nan], [],  # mixed types, numbers, no values
    ["May", "June"], ["Jan Smith", "May Jones"], ["Mar 14", "Jan 3"], ["May 2021", "Jun 2021"],  # month words
    ["Jan 3 1", "Mar 14 1"], ["Feb 30 2021", "Mar 1 2021"], ["Jan 3 2021 soon", "Jan 4 2021"],  # not whole dates
    ["Janu 3 2021", "Mar 14 2021"], ["03-Jan/2021", "14-Mar-2021"], ["Sent Jan 3 2021", "Mar 14 2021"],
]


@pytest.mark.parametrize(("values", "dtype"), [(v, "object") for v in DATES]
                         + [(v, d) for v in DATES[:5] for d in ("str", "category")], ids=str)
def test_dates_are_whole_dates_in_every_present_value(values, dtype):
    assert is_date_column(pd.Series(values, dtype=object).astype(dtype))


@pytest.mark.parametrize("values", NOT_DATES, ids=lambda v: "|".join(map(str, v)) or "empty")
def test_numbers_times_fragments_and_stray_values_are_not_dates(values):
    assert not is_date_column(pd.Series(values, dtype=object))


def test_two_digit_years_are_read_as_strptime_reads_them_whatever_the_day():
    # 70 is 1970 to %y; dateutil, which read values the first value's format did not, made it 2070 in 2026
    stamps = parse_datetimes(pd.Series(["14-Mar-68", "14-Mar-69", "2021-03-04", "14-Mar-70", "3/4/70", "03/14/21"]))
    assert stamps.dt.year.tolist() == [2068, 1969, 2021, 1970, 1970, 2021]
    assert parse_datetimes(pd.Series(["14/03/21", "03/04/21"])).dt.month.tolist() == [3, 4]  # day first for all
    assert parse_datetimes(pd.Series(["14 Sept 2021", "Sept 3, 21"])).dt.strftime("%Y-%m-%d").tolist() == [
        "2021-09-14", "2021-09-03"]


def test_month_name_dates_are_read_as_the_days_they_name():
    # 'Jan 3 2021' and the like stayed text (a categorical column), in fit and in evaluate
    texts = ["Jan 3 2021", "3 January 2021", "January 3, 2021", "03-JAN-2021", "2021-jan-03", "Jan 3 2021 10:30"]
    stamps = parse_datetimes(pd.Series(texts))
    assert stamps.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2021-01-03 00:00"] * 5 + ["2021-01-03 10:30"]


def test_deciding_dates_warns_of_nothing():
    # format inference ("Could not infer format...", dayfirst) must not reach the user, with pandas 2 or 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for values in DATES + NOT_DATES + [["31/12/2021", "01/02/2021"]]:
            is_date_column(pd.Series(values, dtype=object))


def test_every_row_counts_not_the_first_fifty():
    # fit looked at the first 50 values only, evaluate at all: a 'TBD' in row 61 made them disagree
    days = pd.Series(pd.date_range("2021-01-01", periods=60).strftime("%Y-%m-%d").tolist() + ["TBD"])
    assert not is_date_column(days)
    assert is_date_column(days[:60])


def _decoded(frame: pd.DataFrame, n: int = 400) -> pd.DataFrame:
    specs, _ = infer_schema(frame)
    rng = np.random.default_rng(0)
    encoder = TableEncoder().fit(frame, specs, rng)
    scalars, arrays = encoder.state()
    encoder = TableEncoder.from_state(json.loads(json.dumps(scalars)), arrays)  # as a model file keeps it
    return encoder.inverse_transform(rng.normal(size=(n, encoder.output_dim_)).astype(np.float32))


def test_decoded_dates_are_dates_and_seconds_are_whole():
    rng = np.random.default_rng(1)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, 200), unit="D")
    seconds = pd.Timestamp("2024-01-01 08:00") + pd.to_timedelta(rng.integers(0, 10**6, 200), unit="s")
    frame = pd.DataFrame({
        "visit": days.strftime("%Y-%m-%d"),  # text, as read from a CSV
        "stamp": seconds,
        "local": pd.DatetimeIndex(days).tz_localize("Europe/Berlin"),
        "offsets": pd.DatetimeIndex(days).tz_localize("Europe/Berlin").map(lambda t: t.isoformat()),
    })
    out = _decoded(frame)
    assert out["visit"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), out["visit"].head()
    assert (out["stamp"].dt.nanosecond == 0).all() and (out["stamp"].dt.microsecond == 0).all()
    assert out["local"].dtype == frame["local"].dtype
    assert (out["local"].dt.tz_localize(None) == out["local"].dt.tz_localize(None).dt.normalize()).all()
    # mixed offsets (+01:00 and +02:00) are measured in UTC: whole hours there, written with the offset
    assert out["offsets"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:00:00\+00:00").all()


@pytest.mark.parametrize(("shape", "case", "written"), [
    ("%b %-d %Y", None, r"[A-Z][a-z]{2} [1-9]\d? \d{4}"),  # Jan 3 2021: no leading zero, as the column wrote it
    ("%-d %B %Y", None, r"[1-9]\d? [A-Z][a-z]+ \d{4}"),
    ("%B %-d, %Y", None, r"[A-Z][a-z]+ [1-9]\d?, \d{4}"),
    ("%d-%b-%Y", None, r"\d{2}-[A-Z][a-z]{2}-\d{4}"),  # 03-Jan-2021 keeps its zero
    ("%Y-%b-%d", None, r"\d{4}-[A-Z][a-z]{2}-\d{2}"),
    ("%d-%b-%Y", "upper", r"\d{2}-[A-Z]{3}-\d{4}"),  # 03-JAN-2021
    ("%b %-d %Y %H:%M", "lower", r"[a-z]{3} [1-9]\d? \d{4} \d{2}:\d{2}"),
    ("%d-%b-%y", "upper", r"\d{2}-[A-Z]{3}-21"),  # two-digit years were not dates: 14-MAR-21 was a category
    ("%m/%d/%y", None, r"\d{2}/\d{2}/21"), ("%d/%m/%y %H:%M", None, r"\d{2}/\d{2}/21 \d{2}:\d{2}"),
])
def test_decoded_month_name_dates_are_written_as_the_column_wrote_them(shape, case, written):
    # they came back as ISO text (2021-03-14): a column read as 'Jan 3 2021' should sample 'Mar 14 2021'
    rng = np.random.default_rng(2)
    unit = "min" if "%H" in shape else "D"
    stamps = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365 * (1440 if unit == "min" else 1), 200),
                                                          unit=unit)
    text = pd.Series(stamps).dt.strftime(shape.replace("%-d", "%d"))
    if "%-d" in shape:
        text = text.str.replace(r"(^|\s)0(\d)(?=[ ,])", r"\1\2", regex=True)
    text = getattr(text.str, case)() if case else text
    assert text.str.fullmatch(written).all() and is_date_column(text)
    out = _decoded(pd.DataFrame({"when": text, "other": rng.normal(size=200)}))["when"]
    assert out.notna().all() and out.str.fullmatch(written).all(), out.head()
    assert parse_datetimes(out).notna().all()


def test_a_month_name_column_fitted_saved_and_loaded_samples_month_names(tmp_path):
    import synthaug
    from synthaug import TabularCGAN

    rng = np.random.default_rng(0)
    days = pd.Series(pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365, 80), unit="D"))
    frame = pd.DataFrame({"when": days.dt.strftime("%b %d %Y").str.replace(" 0", " "), "y": np.repeat([0, 1], 40)})
    model = TabularCGAN(min_steps=5, epochs=1, random_state=0, privacy_filter=None, label_filter=None)
    model.fit(frame, y="y").save(tmp_path / "m")
    out = synthaug.load(tmp_path / "m").sample_frame(n=50, random_state=0)["when"]
    assert out.str.fullmatch(r"[A-Z][a-z]{2} [1-9]\d? 2021").all(), out.head()  # Mar 14 2021


@pytest.mark.parametrize("values, shape", [
    (["May 5 2021", "Jun 6 2021", "Jan 3 2021"], "%b %-d %Y"),  # was %B: the first value alone decided
    (["5 May 2021", "6 June 2021", "3 January 2021"], "%-d %B %Y"),
    (["2021-May-05", "2021-Jun-06"], "%Y-%b-%d"),
])
def test_a_column_starting_with_may_keeps_its_short_or_full_names(values, shape):
    assert learn_text_format(pd.Series(values))[0] == shape


def test_a_text_format_is_learned_only_for_month_names_and_am_pm_times():
    assert learn_text_format(pd.Series(["Jan 3 2021", "Mar 14 2021"])) == ("%b %-d %Y", None)
    assert learn_text_format(pd.Series(["03-JAN-2021", None, "14-MAR-2021"])) == ("%d-%b-%Y", "upper")
    for other in (["2021-01-03", "2021-03-14"], ["03/01/2021"], [dt.date(2021, 1, 3)], ["03/14/2021 14:30"]):
        assert learn_text_format(pd.Series(other)) is None  # ISO and dd/mm text as before
    assert learn_text_format(pd.Series(["03/14/21", "3/4/21"])) == ("%m/%d/%y", None)  # two digits: as written
    assert learn_text_format(pd.Series(["14 SEPT 21", "2 OCT 21"])) == ("%-d %b %y", "upper")  # written: 14 SEP 21


@pytest.mark.parametrize("values, learned, written", [
    # pandas guesses a format for 02:30 AM, none for 02:30 PM, 12:30 AM or am: these were sampled as ISO
    (["03/14/2021 02:30 PM", "03/15/2021 11:05 AM", "04/01/2021 12:00 PM"], ("%m/%d/%Y %I:%M %p", "upper"),
     r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} [AP]M"),
    (["3/14/2021 2:30 PM", "3/4/2021 11:05 AM"], ("%-m/%-d/%Y %-I:%M %p", "upper"),  # Excel's US default
     r"[1-9]\d?/[1-9]\d?/\d{4} [1-9]\d?:\d{2} [AP]M"),
    (["01/02/2021 12:05 am", "14/03/2021 02:30 pm"], ("%d/%m/%Y %I:%M %p", "lower"),  # day first: 14/03 says so
     r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} [ap]m"),
    (["Jan 3 2021 10:30 PM", "Mar 14 2021 01:00 AM"], ("%b %-d %Y %I:%M %p", None),
     r"[A-Z][a-z]{2} [1-9]\d? \d{4} \d{2}:\d{2} [AP]M"),
    (["2021-03-14 02:30:05 PM", "2021-03-15 12:00:00 AM"], ("%Y-%m-%d %I:%M:%S %p", "upper"),
     r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [AP]M"),
])
def test_am_pm_times_are_written_back_as_the_column_wrote_them(values, learned, written):
    frame = pd.DataFrame({"when": values * 20})
    assert learn_text_format(frame["when"]) == learned
    assert format_dates(parse_datetimes(frame["when"]), *learned).tolist() == frame["when"].tolist()
    out = _decoded(frame)["when"]  # was ISO: 2021-03-14 14:30:00
    assert out.notna().all() and out.str.fullmatch(written).all(), out.head()
    assert (parse_datetimes(out).dt.hour >= 12).any() and (parse_datetimes(out).dt.hour < 12).any()


def test_format_dates_writes_fields_as_strftime_does_and_days_without_zero_on_request():
    stamps = pd.Series(pd.to_datetime(["2021-01-03 07:05:09", None, "1999-12-31 23:59:00"]))
    for shape in ("%b %d %Y", "%d %B %Y %H:%M:%S", "%Y-%b-%d", "%b. %d, %Y %I:%M %p", "%m/%d/%Y %I:%M:%S%p"):
        expected = stamps.dt.strftime(shape)
        pd.testing.assert_series_equal(format_dates(stamps, shape), expected.astype(object), check_dtype=False)
    assert format_dates(stamps, "%-d-%b-%Y", "upper").tolist()[::2] == ["3-JAN-2021", "31-DEC-1999"]
    assert format_dates(stamps, "%-m/%-d/%Y %-I:%M %p", "lower").tolist()[::2] == ["1/3/2021 7:05 am",
                                                                                   "12/31/1999 11:59 pm"]
    midnight = pd.Series(pd.to_datetime(["2021-01-03 00:30", "2021-01-03 12:30"]))
    assert format_dates(midnight, "%I:%M %p").tolist() == ["12:30 AM", "12:30 PM"]
    assert pd.isna(format_dates(stamps, "%b %-d %Y")[1])


@pytest.mark.parametrize("text_format", [["%b Smith %Y", None], ["%b %d %Y", "title"], "%b %d %Y",
                                         ["%a %b %d %Y", None], ["%b %d %Y %Z", None], ["%b %-y", None]])
def test_a_model_file_text_format_that_is_not_directives_and_separators_is_refused(text_format):
    frame = pd.DataFrame({"when": ["Jan 3 2021", "Mar 14 2021", "May 1 2021"]})
    encoder = TableEncoder().fit(frame, infer_schema(frame)[0], np.random.default_rng(0))
    scalars, arrays = encoder.state()
    scalars = json.loads(json.dumps(scalars))
    assert json.dumps(scalars).count('"%b %-d %Y"') == 1
    codec = json.dumps(scalars).replace('["%b %-d %Y", null]', json.dumps(text_format))
    with pytest.raises(ModelFileError, match="column 'when': text_format must be"):
        TableEncoder.from_state(json.loads(codec), arrays)


def test_sampled_csv_writes_dates_as_dates_and_seconds_whole(tmp_path):
    from synthaug import TabularCGAN

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "day": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, 80), unit="D"),
        "sec": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 10**7, 80), unit="s"),
        "y": np.repeat([0, 1], 40),
    })
    model = TabularCGAN(min_steps=5, epochs=1, random_state=0).fit(frame, y="y")
    model.write_sample(tmp_path / "s.csv", n=20, chunk_size=3)
    rows = [line.split(",") for line in (tmp_path / "s.csv").read_text().splitlines()[1:]]
    assert len(rows) == 20
    assert all(len(day) == 10 and len(sec) == 19 for day, sec, _ in rows)  # 2021-03-28, 2020-02-22 06:37:48


def _with_sentinel(date: str) -> pd.DataFrame:
    days = pd.Series(pd.date_range("2020-01-01", periods=40, freq="D").strftime("%Y-%m-%d"))
    days[7] = date  # one cell: a 'no end date' placeholder
    return pd.DataFrame({"ends": days, "label": ["a", "b"] * 20})


@pytest.mark.parametrize("date", ["9999-12-31", "1000-01-01"])
def test_a_date_pandas_cannot_hold_in_nanoseconds_is_one_error_naming_the_column(date):
    # was OutOfBoundsDatetime from synthaug schema and synthaug fit
    frame = _with_sentinel(date)
    message = r"^column 'ends': 1 date\(s\) outside 1677-09-22\.\.2262-04-11"
    with pytest.raises(DataError, match=message):
        draft_public_schema(frame, "label")
    with pytest.raises(DataError, match=message):
        TableEncoder().fit(frame[["ends"]], infer_schema(frame[["ends"]])[0], np.random.default_rng(0))


def test_drafted_date_bounds_stop_at_the_last_day_pandas_holds():
    # 2262 dates rounded outward to 2263-01-01 raised OverflowError
    seconds = pd.to_datetime(["1677-09-22", "2262-04-02"]).as_unit("ns").asi8 / 1e9
    low, high = outward_years(*seconds)
    assert pd.Timestamp(int(low * 1e9)) == pd.Timestamp("1677-09-22")
    assert pd.Timestamp(int(high * 1e9)) == pd.Timestamp("2262-04-11")


def test_drafted_date_bounds_are_strictly_before_a_first_of_january():
    # year-only dates stored as YYYY-01-01: the lower bound was the earliest date itself
    seconds = pd.to_datetime(["2020-01-01", "2021-05-01"]).as_unit("ns").asi8 / 1e9
    low, high = outward_years(*seconds)
    assert (pd.Timestamp(int(low * 1e9)), pd.Timestamp(int(high * 1e9))) == (pd.Timestamp("2019-01-01"),
                                                                          pd.Timestamp("2022-01-01"))


def test_one_day_month_order_for_the_whole_column():
    # 03/04/2021 was read month-first (4 March) beside 31/03/2021 read day-first in the same column
    stamps = parse_datetimes(pd.Series(["03/04/2021", "31/03/2021", None, "2021-08-14", "2021-08-04"]))
    days = stamps.dt.strftime("%Y-%m-%d").tolist()
    assert days[:2] + days[3:] == ["2021-04-03", "2021-03-31", "2021-08-14", "2021-08-04"] and pd.isna(stamps[2])
    # ISO text is never read day first, whatever the column's other values say (2021-08-04 became 8 April)
    iso_first = parse_datetimes(pd.Series(["2021-08-04", "31/03/2021", "2021-08-25"]))
    assert iso_first.dt.strftime("%Y-%m-%d").tolist() == ["2021-08-04", "2021-03-31", "2021-08-25"]
    assert parse_datetimes(pd.Series(["03/04/2021"]), first=True).dt.month.tolist() == [4]  # told by the caller
    assert parse_datetimes(pd.Series(["03/04/2021", "12/31/2021"])).dt.month.tolist() == [3, 12]  # month first


def test_a_column_in_one_format_parses_as_a_mixed_parse_would():
    # the fast path (the first value's format for all) must give what a value-by-value parse gives
    values = pd.Series(["14/08/2021 10:30", "2021-08-15", None, "soon", "01/09/2021 00:00"])
    expected = pd.to_datetime(values, errors="coerce", format="mixed", dayfirst=True)
    pd.testing.assert_series_equal(parse_datetimes(values), expected)


def test_text_that_only_starts_like_dates_is_not_parsed_past_its_head(monkeypatch):
    # 100,000 distinct '2000-01-01 00:00 ticket N' were all parsed one by one (3.7 s per column)
    from synthaug.tabular import datetimes

    parsed = []
    real = datetimes._parse_fields
    def counting(values, *args):
        parsed.append(len(values))
        return real(values, *args)

    monkeypatch.setattr(datetimes, "_parse_fields", counting)
    unique, dates = datetimes.date_values(pd.Series([f"2000-01-01 00:00 ticket {i}" for i in range(3 * HEAD_DATES)]))
    assert not dates.any() and parsed == [HEAD_DATES]
    days = pd.Series(pd.date_range("2000-01-01", periods=3 * HEAD_DATES, freq="D").strftime("%Y-%m-%d"))
    parsed.clear()
    assert datetimes.date_values(days)[1].all() and parsed == [HEAD_DATES, 2 * HEAD_DATES]


def test_date_and_timestamp_objects_are_sampled_back_as_such(fast_params, tmp_path):
    """A column of dt.date objects (read_sql's DATE) or of aware Timestamps in an object column
    was sampled as ISO text, so pd.concat([real, synthetic]) mixed dates and text that do not compare."""
    import synthaug
    from synthaug import TabularCGAN

    rng = np.random.default_rng(0)
    start, base = dt.date(2020, 1, 1), pd.Timestamp("2021-03-01", tz="Europe/Berlin")
    days = rng.integers(0, 300, 80)
    frame = pd.DataFrame({
        "x": rng.normal(size=80),
        "day": pd.Series([start + dt.timedelta(days=int(k)) if k > 20 else None for k in days], dtype=object),
        "when": pd.Series([base + pd.Timedelta(hours=int(k)) for k in days], dtype=object),
    })
    model = TabularCGAN(random_state=0, privacy_filter=None, label_filter=None, **fast_params)
    model.fit(frame, np.r_[np.zeros(60, int), np.ones(20, int)])
    sampled = model.sample(n=40, random_state=0)[0]
    day, when = sampled["day"], sampled["when"]
    assert day.dtype == object and {type(v) for v in day} <= {dt.date, type(None)} and day.notna().any()
    assert when.dtype == object and {type(v) for v in when} == {pd.Timestamp}
    assert {str(v.tz) for v in when} == {"Europe/Berlin"}
    both = pd.concat([frame, sampled])
    assert 0 < (both["day"].dropna() > dt.date(2020, 6, 1)).mean() < 1 and (both["when"] >= base).all()
    model.save(tmp_path / "m")
    pd.testing.assert_frame_equal(synthaug.load(tmp_path / "m").sample_frame(n=20, random_state=1),
                                  model.sample_frame(n=20, random_state=1))


def test_date_objects_names_what_an_object_column_of_dates_holds():
    from synthaug.tabular.datetimes import as_date_objects, date_objects

    assert date_objects(pd.Series([dt.date(2020, 1, 2), None], dtype=object)) == "date"
    assert date_objects(pd.Series([dt.datetime(2020, 1, 2, 3)], dtype=object)) == "timestamp"
    assert date_objects(pd.Series([pd.Timestamp("2020-01-02", tz="UTC")], dtype=object)) == "timestamp"
    assert date_objects(pd.Series(["2020-01-02"], dtype=object)) is None
    assert date_objects(pd.Series(pd.to_datetime(["2020-01-02"]))) is None
    stamps = pd.Series(pd.to_datetime(["2020-01-02", None]))
    assert as_date_objects(stamps, "date").tolist() == [dt.date(2020, 1, 2), None]
    assert as_date_objects(stamps, "timestamp").tolist() == [pd.Timestamp("2020-01-02"), None]
