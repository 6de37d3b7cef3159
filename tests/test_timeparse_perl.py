"""The phrasings of DateTime::Format::Natural's tests (Perl): what they mean on Wednesday 2026-11-18 09:00 New
York, read literally by `resolve_times` (past times kept)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import first_start

from scheduler_agent.models import RequestContext
from scheduler_agent.timeparse import resolve_times

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=NY)


def first(text: str) -> str | None:
    return first_start(text, NOW, horizon_days=5000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hours counted from a day alone: from its start, as a date is a midnight
        ("6 hours before tomorrow", "2026-11-18 18:00"),
        ("3 hours after yesterday", "2026-11-17 03:00"),
        ("7 hours before tomorrow at noon", "2026-11-19 05:00"),
        # a count back written after any day is counted from that day, not from today
        ("december 1 2 years ago", "2024-12-01 00:00"),
        ("tomorrow 3 weeks ago", "2026-10-29 00:00"),
        ("today 5 years ago", "2021-11-18 00:00"),
        # ... but "2 or 3 days ago" is still a choice of two counts from today
        ("2 or 3 days ago", "2026-11-15 00:00"),
        ("we did something 10 days ago", "2026-11-08 00:00"),
    ],
)
def test_counted_from_a_day(text: str, expected: str) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # the month written after the first day only: the second number is a day of the same month
        ("24 dec to 26", ["2026-12-24", "2026-12-25", "2026-12-26"]),
        ("24th of December - 26th", ["2026-12-24", "2026-12-25", "2026-12-26"]),
        # ... but not when the second number is a time
        ("5 june to 10 am", ["2027-06-05"]),
        ("5 june to 10:30", ["2027-06-05"]),
    ],
)
def test_day_first_date_to_a_bare_day(text: str, days: list[str]) -> None:
    windows = resolve_times(text, RequestContext(now=NOW, home_timezone="America/New_York", horizon_days=5000))
    assert sorted({w.start.astimezone(NY).date().isoformat() for w in windows}) == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a span's first day named from now is never moved into the last day's year, even past the longest range
        ("from now to 2030-01-01", "2026-11-18"),
        ("now to 2030-01-01", "2026-11-18"),
        ("from today to jan 5, 2027", "2026-11-18"),
        # a calendar date without its year still takes the last one's
        ("august 29 - september 2, 2027", "2027-08-29"),
        # "now" alone before "to" is not a span when no date follows
        ("now to talk about it", None),
    ],
)
def test_span_from_now(text: str, expected: str | None) -> None:
    windows = resolve_times(text, RequestContext(now=NOW, home_timezone="America/New_York", horizon_days=5000))
    assert (windows[0].start.astimezone(NY).date().isoformat() if windows else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bare two-digit year after the month of "the Nth weekday in <month>", where no day can be that number
        ("last tue in Jun 96", "1996-06-25 00:00"),
        ("3rd tuesday in Jun 96 at 10:30am", "1996-06-18 10:30"),
        # a number that could be a day stays out of it
        ("first tue in Jun 1996", "1996-06-04 00:00"),
    ],
)
def test_nth_weekday_with_a_short_year(text: str, expected: str) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        # "first to last day of <year>" runs from its first day to its last, like "... of <month>"
        ("first to last day of 2028", ("2028-01-01", "2028-12-31")),
        ("first to last day of next year", ("2027-01-01", "2027-12-31")),
        ("first to last day of september", ("2027-09-01", "2027-09-30")),
    ],
)
def test_first_to_last_day_of_a_year(text: str, ends: tuple[str, str]) -> None:
    windows = resolve_times(text, RequestContext(now=NOW, home_timezone="America/New_York", horizon_days=5000))
    days = [w.start.astimezone(NY).date().isoformat() for w in windows]
    assert (days[0], days[-1]) == ends
