"""Text columns read as dates, with warnings on what may be misread: a few stray non-dates among dates,
day-first beside month-first values, two-digit years read as after today."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _text
from .._errors import warn
from .datetimes import both_orders, date_values, day_and_month, has_two_digit_year, is_all_dates, parse_datetimes

NEAR_DATES = 0.9  # text whose distinct values are at least this share dates, but not all, gets a warning


def is_date_text(values: pd.Series, name: str) -> bool:
    """Whether the present ``values`` are all dates (:func:`.datetimes.is_date_column`, the rule evaluate
    uses too), warning about orders and years that may be misread, or about a few stray non-dates."""
    unique, dates = date_values(values)
    if is_all_dates(dates):
        _warn_both_orders(values, name, unique)
        _warn_future_years(values, name, unique)
        return True
    _warn_stray_dates(values, name, unique, dates)
    return False


def _warn_stray_dates(values: pd.Series, name: str, unique: pd.Series, dates: np.ndarray) -> None:
    """A text column whose distinct values are nearly all dates ('TBD' among 500 days) is a date
    column with placeholders: it silently became categorical (or an identifier) before."""
    if not len(dates) or dates.mean() < NEAR_DATES:
        return
    is_stray = values.isin(unique[~dates]).to_numpy()
    warn(
        f"column {name!r}: {int(is_stray.sum())} of {len(values)} value(s) are not dates "
        f"({_text.stray_example(values, is_stray)}), so the "
        "column is not modelled as dates; to model it as dates, make those cells empty",
    )


def _warn_both_orders(values: pd.Series, name: str, unique: pd.Series) -> None:
    """A date column with day-first (17.07.2021) and month-first (10/17/2021) values: read month first,
    its 03/04 values were guessed without a word."""
    day, month = both_orders(unique)
    if len(day) and len(month):
        warn(f"column {name!r}: {int(values.isin(day).sum())} date(s) put the day first (such as "
             f"{day_and_month(day.iloc[0])!r}) and {int(values.isin(month).sum())} the month (such as "
             f"{day_and_month(month.iloc[0])!r}), so all are read month first and a date like 03/04 may be "
             "misread; write the column in one order (ISO 2021-03-04 is unambiguous)")


def _warn_future_years(values: pd.Series, name: str, unique: pd.Series) -> None:
    """A date column with two-digit years read (as strptime's %y) as after today: birth dates in 2054."""
    two = has_two_digit_year(unique)
    if not two.any():
        return
    stamps = parse_datetimes(unique)
    today = pd.Timestamp.now(tz=getattr(stamps.dt, "tz", None))
    future = two & (stamps > today).to_numpy()
    if future.any():
        warn(f"column {name!r}: {int(values.isin(unique[future]).sum())} date(s) written with a two-digit year "
             f"are read as after today ({today:%Y-%m-%d}), as 00-68 read as 2000-2068 (69-99 as 1969-1999); if "
             "they are earlier (birth dates, say), write four-digit years")
