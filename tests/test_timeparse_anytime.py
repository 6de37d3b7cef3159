"""Phrasings met in go-anytime's tests and other small parsers' suites: era-marked years, fully dated ranges
months long, year-first dates with a clock time, and "now" as the answer to when. Read on Wednesday 2026-11-18
09:00 New York, literally, by `resolve_times` (past times kept)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import first_start, reading_context

from scheduler_agent.timeparse import resolve_times
from scheduler_agent.timeparse_normalize import normalize

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=NY)


def first(text: str) -> str | None:
    return first_start(text, NOW)


def days(text: str) -> tuple[str, str, int]:
    """First day, last day and how many days the reading covers."""
    windows = resolve_times(text, reading_context(NOW))
    starts = sorted({w.start.astimezone(NY).date() for w in windows})
    return starts[0].isoformat(), starts[-1].isoformat(), len(starts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1999 AD", ("1999-01-01", "1999-12-31", 365)),
        ("2008CE", ("2008-01-01", "2008-12-31", 366)),
        ("the merger closed in 2008 CE", ("2008-01-01", "2008-12-31", 366)),
    ],
)
def test_a_year_marked_with_its_era_is_the_whole_year(text: str, expected: tuple[str, str, int]) -> None:
    assert days(text) == expected


def test_the_era_after_a_date_only_marks_the_date() -> None:
    assert days("July 10, 1996 AD") == ("1996-07-10", "1996-07-10", 1)
    assert first("1996.July.10 AD 12:08 PM") == "1996-07-10 12:08"


@pytest.mark.parametrize(
    "text",
    [
        "3 feb 2022 to 6 oct 2022",
        "from 3 feb 2022 until 6 oct 2022",
        "3 feb 2022 through 6 oct 2022",
        "Feb 3, 2022 - Oct 6, 2022",
    ],
)
def test_a_range_dated_at_both_ends_may_run_for_months(text: str) -> None:
    assert days(text) == ("2022-02-03", "2022-10-06", 246)


def test_two_yearless_dates_months_apart_stay_two_dates() -> None:
    assert len(resolve_times("3 feb to 6 oct", reading_context(NOW))) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022 jan 1 12am", "2022-01-01 00:00"),
        ("2022 jan 1 10am", "2022-01-01 10:00"),
        ("jan 1 10 30am", "2027-01-01 10:30"),
        ("10 30am tomorrow", "2026-11-19 10:30"),
    ],
)
def test_a_day_of_the_month_then_a_time_is_not_a_spaced_clock_time(text: str, expected: str) -> None:
    assert first(text) == expected


def test_spaced_clock_times_still_join() -> None:
    assert normalize("10 30am") == "10:30am"
    assert normalize("jan 1 12am") == "jan 1 12am"


@pytest.mark.parametrize("text", ["the time is now", "the best time for me is now!"])
def test_now_named_as_the_time_is_this_moment(text: str) -> None:
    assert first(text) == "2026-11-18 09:00"


def test_now_as_an_adverb_is_no_time() -> None:
    assert first("we now think Friday is better") == "2026-11-20 00:00"


def test_a_range_with_both_years_written_may_run_for_years() -> None:
    assert days("May 5, 2010 to July 10, 2011") == ("2010-05-05", "2011-07-10", 432)


def test_two_dates_decades_apart_stay_two_dates() -> None:
    assert days("a date june 4th 1996 to july 3rd 2013") == ("1996-06-04", "2013-07-03", 2)


@pytest.mark.parametrize(
    "text",
    [
        "in compliance with chapter 18.27 RCW",
        "see section 4.12 of the contract",
        "as in paragraph 3.10",
        "upgrade to v2.10",
        "Table 12.5 shows the totals",
    ],
)
def test_a_numbered_part_of_a_text_is_no_time(text: str) -> None:
    assert first(text) is None


def test_a_numbered_part_leaves_the_times_beside_it() -> None:
    assert first("page 3.30 at 3.30pm") == "2026-11-18 15:30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h5m10s ago", "2026-11-18 06:54"),
        ("2h05m10s ago", "2026-11-18 06:54"),
        ("in 1h30m10s", "2026-11-18 10:30"),
        ("10h36m28s", "2026-11-18 10:36"),  # a clock time, as machines write it
    ],
)
def test_lettered_hours_minutes_and_seconds(text: str, expected: str) -> None:
    assert first(text) == expected


def test_iso_seconds_with_a_decimal_comma_keep_the_utc_mark() -> None:
    assert first("2017-02-03T09:04:08,00123Z") == "2017-02-03 04:04"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6am IRST on Friday", "2026-11-19 21:30"),
        ("9am PKT on Friday", "2026-11-19 23:00"),
        ("10am SAST on Friday", "2026-11-20 03:00"),
        ("9am AWST on Friday", "2026-11-19 20:00"),
        ("9am ACDT on Friday", "2026-11-19 17:30"),
    ],
)
def test_more_zone_abbreviations(text: str, expected: str) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "no later than five business days prior to the opening date",
        "by 5 business days",
        "allow 10 calendar days for delivery",
    ],
)
def test_a_count_of_business_days_is_no_clock_time(text: str) -> None:
    assert first(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday, 2 years ago", ("2024-11-17", "2024-11-17", 1)),
        ("yesterday 2 years ago", ("2024-11-17", "2024-11-17", 1)),
        ("Feb 28, 2 days after", ("2027-02-28", "2027-03-02", 2)),
    ],
)
def test_a_day_before_ago_after_a_comma_only_anchors_the_count(text: str, expected: tuple[str, str, int]) -> None:
    assert days(text) == expected


@pytest.mark.parametrize("text", ["Per Sub-Title 6A of the Municipal Code", "Suite 2B, 4th floor", "see Form 3a"])
def test_a_number_and_letter_after_a_label_is_no_time(text: str) -> None:
    assert first(text) is None


def test_a_misspelt_plural_of_month() -> None:
    assert first("2 monthes from tomorrow") == "2027-01-19 00:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 Jan 20", "2020-01-01 00:00"),
        ("01 Jan 20", "2020-01-01 00:00"),
        ("14th April 15", "2015-04-14 00:00"),
        ("28th-Oct-18", "2018-10-28 00:00"),
        ("18 Oct 5 am", "2027-10-18 05:00"),  # one digit: a time
        ("3 May 10:30", "2027-05-03 10:30"),
    ],
)
def test_two_digits_after_a_day_and_its_month_are_the_year(text: str, expected: str) -> None:
    assert first(text) == expected


def test_after_of_a_number_is_the_months_day() -> None:
    assert first("from 5 to 6 of April 22") == "2027-04-22 17:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-2 days", "2026-11-16 00:00"),
        ("-18 hours", "2026-11-17 15:00"),
        ("-30 seconds", "2026-11-18 08:59"),
        ("+30 seconds", "2026-11-18 09:00"),
        ("+2d", "2026-11-20 00:00"),
        ("+18h", "2026-11-19 03:00"),
    ],
)
def test_a_signed_count_moves_from_now(text: str, expected: str) -> None:
    assert first(text) == expected


@pytest.mark.parametrize("text", ["- 2 days of workshops", "1-2 days", "it takes 2-3 weeks"])
def test_a_dash_before_a_count_is_no_offset(text: str) -> None:
    assert first(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Overmorrow 18:30", "2026-11-20 18:30"),
        ("overmorrow", "2026-11-20 00:00"),
        ("ereyesterday", "2026-11-16 00:00"),
    ],
)
def test_one_word_for_two_days_on_or_back(text: str, expected: str) -> None:
    assert first(text) == expected
