"""Birth dates: ISO and the usual Russian and US spellings, with the day/month swap."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

MAX_AGE_YEARS = 120
# year-month-day (ISO, maybe with a time), day.month.year (RU), month/day/year (US).
_FORMATS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?"), ("year", "month", "day")),
    (re.compile(r"(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})"), ("day", "month", "year")),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("month", "day", "year")),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), ("year", "month", "day")),
)


def standardise_birth_date(
    raw: object, *, today: dt.date | None = None
) -> tuple[dt.date | None, dt.date | None]:
    """(birth date, the same with day and month swapped when that is valid too).

    (None, None) when `raw` is not a possible birth date: no such day, after
    `today`, or more than 120 years before it. Without `today` only dates before
    1900 are refused (the core has no clock).

    >>> standardise_birth_date("05.03.1987")
    (datetime.date(1987, 3, 5), datetime.date(1987, 5, 3))
    >>> standardise_birth_date("1987-03-05") == standardise_birth_date("03/05/1987")
    True
    >>> standardise_birth_date("31.02.1987")
    (None, None)
    """
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        raw = raw.isoformat()
    if not isinstance(raw, str):
        return None, None
    born = _parse_date(raw.strip())
    if born is None or not _is_plausible(born, today):
        return None, None
    swapped = _swap_day_month(born)
    if swapped is not None and not _is_plausible(swapped, today):
        swapped = None
    return born, swapped


@lru_cache(maxsize=65536)
def _parse_date(text: str) -> dt.date | None:
    for pattern, order in _FORMATS:
        match = pattern.fullmatch(text)
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return dt.date(parts["year"], parts["month"], parts["day"])
            except ValueError:
                return None
    return None


def _is_plausible(born: dt.date, today: dt.date | None) -> bool:
    if today is None:
        return born.year >= 1900
    oldest = dt.date(today.year - MAX_AGE_YEARS, 1, 1)
    return oldest <= born <= today


def _swap_day_month(born: dt.date) -> dt.date | None:
    if born.day == born.month or born.day > 12:
        return None
    return dt.date(born.year, born.day, born.month)
