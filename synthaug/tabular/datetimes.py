"""Timestamps as numbers and back: which text is dates, parsing any UTC offsets, a column's
resolution, rounding to it, writing dates with month names, AM/PM or two-digit years as the
column wrote them."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

# Day, hour, minute, second, millisecond, microsecond, nanosecond, in nanoseconds.
UNITS_NS = (86_400 * 10**9, 3_600 * 10**9, 60 * 10**9, 10**9, 10**6, 10**3, 1)
DATE_RANGE = "1677-09-22..2262-04-11"  # whole days within pandas' nanosecond Timestamp.min..max
# A whole date with a four-digit year first or last and one separator: 2021-08-14, 2021/8/14,
# 14.08.2021, 08/14/2021, or a two-digit year last after slashes: 08/14/21 (21-08-14 may be yy-mm-dd,
# 4.15.10 a version), then a time or offset if any (the parser judges the rest).
DATE_TEXT = r"\s*(?:\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2(?:\d{4}|(?<=/)\d{2}))(?!\d)"
# The two orders a reader may mean, and whether the year has two digits (the last group).
DAY_MONTH_YEAR = r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](?:\d{4}|(?<=/)(\d{2}))(?!\d)"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # English, as pandas' %b and %B read them in the C locale
MONTH = "(?:" + "|".join(f"{m[:3]}(?:{'t|' * (m == 'September')}{m[3:]})?" for m in MONTHS) + r")\.?"  # Jan., Sept
YEAR = r"\d{2}(?:\d{2})?"  # last in a date: four digits, or two (14-Mar-21)
# A whole value that is a date with an English month name, any case, and a year of four digits (or
# two, last): Jan 3 2021, January 3, 2021, 3 Jan 2021, 03-Jan-2021, 14-Mar-21, 2021-Jan-03, then a time if any.
MONTH_DATE_TEXT = (rf"\s*(?:{MONTH}\s+\d{{1,2}},?\s+{YEAR}|\d{{1,2}}\s+{MONTH},?\s+{YEAR}"
                   rf"|\d{{1,2}}(?P<dm>[-/.]){MONTH}(?P=dm){YEAR}|\d{{4}}(?P<ym>[-/.]){MONTH}(?P=ym)\d{{1,2}})"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:\s*[ap]m)?)?\s*")
# A two-digit year after day and month (the shapes above), split off to be written with four digits.
TWO_DIGIT_YEAR = (rf"(?is)^(\s*(?:\d{{1,2}}/\d{{1,2}}/|{MONTH}\s+\d{{1,2}},?\s+"
                  rf"|\d{{1,2}}(?:\s+|[-/.]){MONTH},?(?:\s+|[-/.])))(\d{{2}})(?!\d)(.*)$")
PIVOT = 69  # a two-digit year below it is 20yy, else 19yy: strptime's %y (POSIX), never dateutil's moving window
# One pass over the text: ISO and dd/mm by their start (the parser judges the rest), month names whole.
DATE_SHAPES = rf"{DATE_TEXT}|(?i:{MONTH_DATE_TEXT})\Z"
# What a column's output format may hold: these directives and separators, never a record's text.
TEXT_FORMAT = r"(?:%-[dmI]|%[YymdbBHIMSfp]|[ ,./:T-])+"  # %-d, %-m, %-I: without a leading zero
TEXT_DIRECTIVES = "%Y %y %m %-m %d %-d %b %B %H %I %-I %M %S %f %p"  # TEXT_FORMAT's, for error messages
WRITTEN = r"%[bBpy]"  # a column whose format holds one learns it (month names, AM/PM, 21 for 2021); others: ISO
CASES = ("upper", "lower")  # a column's letter case, if all its values share one
FIELDS = {"%Y": ("year", 4), "%y": ("year2", 2), "%m": ("month", 2), "%-m": ("month", 1), "%d": ("day", 2),
          "%-d": ("day", 1), "%H": ("hour", 2), "%I": ("hour12", 2), "%-I": ("hour12", 1), "%M": ("minute", 2),
          "%S": ("second", 2)}  # format_dates: directive -> (field, digits)
PADDED = ("d", "m", "I")  # learn_text_format: fields written with or without a leading zero, as most values are
MERIDIEM = re.compile(r"(?i)(?<=[\d ])([ap])m$")  # a time's AM/PM, at the end of the value
HEAD_DATES = 2_000  # date_values: distinct values parsed before deciding whether to parse the rest
DATE_OBJECTS = ("date", "datetime", "datetime64")  # pandas.api.types.infer_dtype names


OBJECT_KINDS = ("date", "timestamp")  # date_objects: what an object column of date objects holds


def date_objects(col: pd.Series) -> str | None:
    """What an object column of dates holds: ``"date"`` for ``datetime.date`` objects (read_sql's
    DATE), ``"timestamp"`` for datetimes (``datetime.datetime`` or pandas Timestamps, aware or
    naive); None for text and datetime64 columns. :func:`as_date_objects` writes them back so."""
    if not pd.api.types.is_object_dtype(col.dtype):
        return None
    held = pd.api.types.infer_dtype(col, skipna=True)
    return "date" if held == "date" else "timestamp" if held in ("datetime", "datetime64") else None


def as_date_objects(stamps: pd.Series, kind: str) -> pd.Series:
    """Timestamps as an object column of :func:`date_objects`' ``kind``: ``datetime.date`` values
    (the local date) or pandas Timestamps (in the stamps' zone); None where missing. So
    ``pd.concat([real, synthetic])`` holds one type and its values compare."""
    missing = stamps.isna().to_numpy()
    values = stamps.dt.date if kind == "date" else stamps.astype(object)
    return pd.Series(np.where(missing, None, values.to_numpy(dtype=object)), index=stamps.index, dtype=object)


def is_date_column(values: pd.Series) -> bool:
    """Whether a column holds dates: it has a present value and every present value is a date
    object, or text that :func:`parse_datetimes` reads and that is shaped as :data:`DATE_TEXT` or
    is, as a whole, a month-name date (:data:`MONTH_DATE_TEXT`: ``Jan 3 2021``, ``03-JAN-2021``).

    The one rule for ``fit`` (a ``datetime`` column) and ``evaluate`` (compared as times). Every
    value counts: with a share threshold the other values would become missing without a word.
    Numbers as text (``2021``, ``20210814``, ``12.5``), times alone (``10:30``: parsed as today),
    fractions and ranges (``1/2``, ``3-4``) and year-months (``2021-01``) are not dates; nor is
    text that merely holds a month name (``May``, ``Jan Smith``). A two-digit year comes last, after
    a month name or slashes (``14-Mar-21``, ``Mar 14 21``, ``03/14/21``; not ``14-03-21``, which may
    be yy-mm-dd, nor ``14.03.21``, which may be a version), is read as :data:`PIVOT` says, and
    slashed numbers date a column only when it says which of them is the day: ``03/14/21`` beside
    ``03/04/21`` is month first, ``03/04/21`` beside ``05/06/21`` is not a date (nor, then, is a
    ``03/04/2021`` in that column).
    """
    return is_all_dates(date_values(values)[1])


def is_all_dates(dates: np.ndarray) -> bool:
    """:func:`is_date_column` from :func:`date_values`' mask: at least one value, all dates."""
    return len(dates) > 0 and bool(dates.all())


def date_values(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The distinct present values of ``values`` (as objects) and which of them are dates by the
    rule of :func:`is_date_column`; none are when the values are not all text or all date objects
    (numbers, booleans, mixed types)."""
    unique = values.dropna().drop_duplicates().astype(object)  # category and str dtypes alike
    held = pd.api.types.infer_dtype(unique, skipna=True)
    if held in DATE_OBJECTS:
        return unique, parse_datetimes(unique).notna().to_numpy()
    dates = np.zeros(len(unique), dtype=bool)
    if held == "string":
        at = np.flatnonzero(unique.str.match(DATE_SHAPES).to_numpy(dtype=bool))
        head, rest = at[:HEAD_DATES], at[HEAD_DATES:]  # whether a value parses does not depend on the others
        fields = _day_month(unique.iloc[head])
        dates[head] = _parse_fields(unique.iloc[head], fields).notna().to_numpy()
        if len(rest) and dates[head].mean() >= 0.5:  # else not a date column: 100,000 tickets took 3.7 s
            more = _day_month(unique.iloc[rest])
            dates[rest] = _parse_fields(unique.iloc[rest], more).notna().to_numpy()
            fields = pd.concat([fields, more])
        if fields["two"].any() and (fields[0] > 12).any() == (fields[1] > 12).any():  # 03/04/21: which is the day?
            dates[at[np.flatnonzero(fields[0].notna().to_numpy())]] = False  # every dd/mm value: one order or none
    return unique, dates


def parse_datetimes(values: pd.Series, first: bool | None = None) -> pd.Series:
    """``values`` as timestamps, NaT where unparsable; mixed UTC offsets (a DST change), or
    Timestamps in several time zones, in UTC.

    ``dd/mm/yyyy``-shaped values are read in one order for the whole column (``first``, by default
    :func:`day_first` of these values), so ``03/04/2021`` beside ``31/03/2021`` is the 3rd of April,
    not the 4th of March; every other value (ISO ``2021-03-04`` among them) as pandas reads it.
    """
    values = pd.Series(values)
    return _parse_fields(values, _day_month(values), first)


def _parse_fields(values: pd.Series, fields: pd.DataFrame, first: bool | None = None) -> pd.Series:
    """:func:`parse_datetimes` given the values' :func:`_day_month` fields."""
    shaped = fields[0].notna().to_numpy()
    first = _day_first(fields) if first is None else first
    try:
        stamps = _parse_parts(values, shaped, first, utc=False)
    except ValueError:  # "Mixed timezones detected": one column cannot hold two offsets
        return _parse_parts(values, shaped, first, utc=True)
    if _lost_zones(values, stamps):
        return _parse_parts(values, shaped, first, utc=True)
    return stamps


def _lost_zones(values: pd.Series, stamps: pd.Series) -> bool:
    """Whether date objects (not text) were read as NaT: aware Timestamps in several zones, which
    pandas reads in UTC only (it raised for text, but coerced these to NaT without a word)."""
    lost = stamps.isna().to_numpy() & values.notna().to_numpy()
    return bool(lost.any()) and pd.api.types.infer_dtype(values, skipna=True) in DATE_OBJECTS


def _parse_parts(values: pd.Series, shaped: np.ndarray, first: bool, utc: bool) -> pd.Series:
    """The ``dd/mm/yyyy``-shaped values with ``dayfirst=first``, the others without."""
    if shaped.all() or not shaped.any():
        return _parse(values, first and bool(shaped.any()), utc)
    parts = [_parse(values[shaped], first, utc), _parse(values[~shaped], False, utc)]
    _check_same_zone(*parts)
    return pd.concat(parts).reindex(values.index)


def _parse(values: pd.Series, first: bool, utc: bool) -> pd.Series:
    """Every value in the format of the first present one (fast), the rest read one by one."""
    values = pd.Series(values)
    present = values.dropna()
    shape = _guess_format(present.iloc[0], first) if len(present) else None
    if shape is None:
        return _parse_mixed(values, first, utc)
    stamps = pd.to_datetime(values, errors="coerce", format=shape, utc=utc)
    other = stamps.isna() & values.notna()
    if other.any():  # another format, or not a date
        rest = _parse_mixed(values[other], first, utc)
        _check_same_zone(stamps, rest)
        stamps = stamps.where(~other, rest)
    return stamps


def _parse_mixed(values: pd.Series, first: bool, utc: bool) -> pd.Series:
    """Value by value (dateutil), two-digit years written with four digits first, as ``%y`` reads them."""
    return pd.to_datetime(_four_digit_years(values), errors="coerce", format="mixed", dayfirst=first, utc=utc)


def _four_digit_years(values: pd.Series) -> pd.Series:
    """``values`` with a two-digit year after day and month (:data:`TWO_DIGIT_YEAR`) written with
    four digits as strptime's ``%y`` reads it (:data:`PIVOT`: ``14-Mar-21`` is ``14-Mar-2021``,
    ``03/14/75`` is ``03/14/1975``), other values as they are; dateutil's window moves with today."""
    parts = pd.Series(values).astype("string").str.extract(TWO_DIGIT_YEAR)
    found = parts[1].notna().to_numpy()
    if not found.any():
        return values
    yy = parts[1][found].astype(int).to_numpy()
    years = pd.Series(yy + np.where(yy < PIVOT, 2000, 1900)).astype(str).to_numpy()
    out = pd.Series(values).astype(object).copy()
    out.iloc[np.flatnonzero(found)] = (parts[0][found].to_numpy() + years + parts[2][found].to_numpy()).astype(object)
    return out


def _guess_format(value, first: bool = False) -> str | None:
    """pandas' guess of the format ``value`` is written in; month names in any case (``JAN``, ``jan``)
    and ``Sept``, AM/PM times at any hour (pandas guesses ``02:30 AM`` but not ``02:30 PM``, ``12:30
    AM`` or ``am``), two-digit years (``%y``)."""
    if not isinstance(value, str):
        return None
    with warnings.catch_warnings():  # "Parsing dates in %d/%m/%Y format when dayfirst=False": a guess, not a parse
        warnings.simplefilter("ignore", UserWarning)
        shape = guess_datetime_format(value, dayfirst=first) or guess_datetime_format(value.title(), dayfirst=first)
        if shape is None:  # the same format, as pandas guesses it for 14 Sep 2021 11:30 AM
            four = _four_digit_years(pd.Series([value], dtype=object)).iloc[0]
            text = re.sub(r"(?i)\bsept\b", "Sep", four.strip()).title()
            if MERIDIEM.search(text):
                text = re.sub(r"(?<=[ T])12(?=:)", "11", MERIDIEM.sub("AM", text))
            shape = guess_datetime_format(text, dayfirst=first)
            if shape is not None and four != value:
                shape = shape.replace("%Y", "%y")
    return shape


def _check_same_zone(a: pd.Series, b: pd.Series) -> None:
    """Parts parsed apart must share a time zone: ValueError as one parse of all would raise."""
    if getattr(a.dt, "tz", None) != getattr(b.dt, "tz", None):
        raise ValueError("Mixed timezones detected")


def day_first(values: pd.Series) -> bool:
    """Whether the column's ``dd/mm/yyyy``-shaped dates put the day first: some first field is
    above 12 and no second one is (otherwise month first, pandas' reading)."""
    return _day_first(_day_month(values))


def _day_month(values: pd.Series) -> pd.DataFrame:
    """(n, 3) the two leading fields of ``dd/mm/yyyy``-shaped values as numbers (NaN for others) and
    whether the year has two digits (``two``)."""
    parts = pd.Series(values).astype("string").str.extract(DAY_MONTH_YEAR)
    return parts[[0, 1]].astype(float).assign(two=parts[2].notna())


def both_orders(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The ``dd/mm/yyyy``-shaped ``values`` that must be day first (a first number above 12) and those
    that must be month first (a second number above 12): a column with both is read month first,
    so its 03/04 values are guesses."""
    fields = _day_month(values)
    return values[(fields[0] > 12).to_numpy()], values[(fields[1] > 12).to_numpy()]


def day_and_month(value: str) -> str:
    """``value`` cut after its day and month (``17.07.…``): an example of an order, not a record's date."""
    return re.sub(r"^\s*(\d{1,2}[-/.]\d{1,2}[-/.]).*$", "\\1…", str(value))


def has_two_digit_year(values: pd.Series) -> np.ndarray:
    """(n,) which values are written with a two-digit year after day and month (:data:`TWO_DIGIT_YEAR`)."""
    return pd.Series(values).astype("string").str.match(TWO_DIGIT_YEAR).to_numpy(dtype=bool, na_value=False)


def _day_first(fields: pd.DataFrame) -> bool:
    return bool((fields[0] > 12).any() and not (fields[1] > 12).any())


def is_text_format(shape, case) -> bool:
    """Whether (``shape``, ``case``) is a format :func:`format_dates` may write a column in: text of
    the strftime directives and separators of :data:`TEXT_FORMAT` only (never a record's text) and
    a case of :data:`CASES` or None. The one check for model files and public schemas."""
    return isinstance(shape, str) and bool(re.fullmatch(TEXT_FORMAT, shape)) and case in (None, *CASES)


def learn_text_format(values: pd.Series, stamps: pd.Series | None = None) -> tuple[str, str | None] | None:
    """How a column of dates with month names, AM/PM or two-digit years is written: a format for
    :func:`format_dates` (with ``%-d``, ``%-m``, ``%-I`` where most values have no leading zero:
    ``Jan 3 2021``, ``3/14/2021 2:30 PM``) and the letter case all values share (``"upper"``,
    ``"lower"``; None: as pandas writes names and ``AM``). None for any other column (ISO or
    dd/mm text, date objects): those are written as pandas writes timestamps.

    ``stamps`` are the values as :func:`parse_datetimes` reads the whole column (None: parsed
    here), so dd/mm text keeps the column's day-month order. The first value gives the format;
    the column's first :data:`HEAD_DATES` distinct values vote for the options it leaves open
    (short or full names, leading zeros, which of day and month comes first)."""
    present = values.notna().to_numpy()
    shape = _guess_format(values[present].iloc[0]) if present.any() else None
    if shape is None or not re.search(WRITTEN, shape) or not is_text_format(shape, None):
        return None  # an ISO column pays for one guess, not a pass over its values
    at = np.flatnonzero(present & ~values.duplicated().to_numpy())[:HEAD_DATES]
    text = values.iloc[at].astype(object)
    if pd.api.types.infer_dtype(text, skipna=True) != "string":
        return None
    stamps = (parse_datetimes(values) if stamps is None else stamps).iloc[at]
    parsed = stamps.notna().to_numpy()
    stamps, lower = stamps[parsed], text[parsed].str.lower().to_numpy()
    swapped = re.sub("%[dm]", lambda m: "%d" if m.group() == "%m" else "%m", shape)  # 03/04: which is the day
    shapes = [shape, swapped] if "%d" in shape and "%m" in shape else [shape]
    shapes = [f for s in shapes for f in (s.replace("%B", "%b"), s.replace("%b", "%B"))]  # 'May' reads as a full name
    for field in PADDED:
        shapes = [f for s in shapes for f in (s, s.replace(f"%{field}", f"%-{field}"))]
    pieces = {}  # each directive written once for all the formats: ties go to the guess, %b, padded
    shape = max(dict.fromkeys(shapes), key=lambda f: int((_join(stamps, f, pieces).str.lower() == lower).sum()))
    letters = re.search("%[bBp]", shape)  # 03/14/21 has no case
    case = next((c for c in CASES if letters and (text == getattr(text.str, c)()).all()), None)
    return shape, case


def format_dates(stamps: pd.Series, shape: str, case: str | None = None) -> pd.Series:
    """Timestamps as text in ``shape``, a strftime format whose ``%-d``, ``%-m`` and ``%-I`` are the
    day, month and 12-hour clock's hour without a leading zero (on every platform), in ``case``
    (:data:`CASES`, None: as is); NaN for NaT.

    Field by field as arrays: ``Series.dt.strftime``, value by value, took about six times as long
    (200,000 month-name dates: 1.4 s, here 0.22 s)."""
    stamps = pd.Series(stamps)
    text = _join(stamps.dropna(), shape, {})
    if case is not None:
        text = getattr(text.str, case)()
    return text.reindex(stamps.index)


def _join(stamps: pd.Series, shape: str, pieces: dict) -> pd.Series:
    """Present ``stamps`` in ``shape``, taking pieces already written from ``pieces`` and adding the rest."""
    text = pd.Series("", index=stamps.index, dtype=object)
    for token in re.split(r"(%-[dmI]|%[a-zA-Z])", shape):  # a loop over the format's fields, each a column op
        if token not in pieces:
            pieces[token] = _field(stamps, token)
        text = text + pieces[token]
    return text


def _field(stamps: pd.Series, token: str) -> pd.Series | str:
    """One piece of :func:`format_dates`: a literal as is, a directive as text per timestamp."""
    if not token.startswith("%"):
        return token
    if token in ("%b", "%B"):
        names = np.array([m[:3] if token == "%b" else m for m in MONTHS], dtype=object)
        return pd.Series(names[stamps.dt.month.to_numpy() - 1], index=stamps.index)
    if token == "%p":
        return pd.Series(np.where(stamps.dt.hour.to_numpy() < 12, "AM", "PM"), index=stamps.index, dtype=object)
    if token not in FIELDS:  # %f: rarer, strftime's (slower) reading
        return stamps.dt.strftime(token).astype(object)
    name, digits = FIELDS[token]
    if name == "hour12":
        number = (stamps.dt.hour + 11) % 12 + 1  # 12 AM, 1 AM, ...
    else:
        number = stamps.dt.year % 100 if name == "year2" else getattr(stamps.dt, name)
    return number.astype(str).str.zfill(digits).astype(object)


def n_out_of_range(stamps: pd.Series) -> int:
    """How many timestamps lie outside what nanoseconds since 1970 hold (pandas' Timestamp.min..max)."""
    if time_zone(stamps) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return int(((stamps < pd.Timestamp.min) | (stamps > pd.Timestamp.max)).sum())


def time_zone(stamps: pd.Series) -> str | None:
    """The parsed column's time zone (``"UTC+02:00"``, ``"Europe/Berlin"``), or None if naive."""
    tz = getattr(stamps.dt, "tz", None)
    return None if tz is None else str(tz)


def resolution_ns(stamps: pd.Series) -> int:
    """The largest of day, hour, ..., nanosecond of which every local time is a whole multiple."""
    if time_zone(stamps) is not None:
        stamps = stamps.dt.tz_localize(None)  # wall-clock time: a date at local midnight is a date
    nanos = stamps.dropna().astype("datetime64[ns]").to_numpy().astype("int64")
    return next(unit for unit in UNITS_NS if not np.any(nanos % unit))


def round_to_resolution(utc_ns: np.ndarray, resolution: int, tz: str | None) -> np.ndarray:
    """UTC nanoseconds moved to the nearest instant whose local time in ``tz`` is on the grid."""
    if resolution <= 1:
        return utc_ns
    wall = utc_ns + _utc_offset_ns(utc_ns, tz)
    grid = (wall + resolution // 2) // resolution * resolution
    rounded = grid - _utc_offset_ns(grid - (wall - utc_ns), tz)  # the offset at the rounded instant (DST)
    return rounded


def _utc_offset_ns(utc_ns: np.ndarray, tz: str | None) -> np.ndarray:
    if tz is None:
        return np.zeros_like(utc_ns)
    local = pd.DatetimeIndex(utc_ns.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
    return local.tz_localize(None).as_unit("ns").asi8 - utc_ns
