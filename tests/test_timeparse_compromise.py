"""Phrasings met in compromise's dates plugin tests (spencermountain/compromise): how the engine reads them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import first_start, mail_context, reading_context

from scheduler_agent.timeparse import parse_request, resolve_times

TORONTO = ZoneInfo("America/Toronto")
APRIL_19 = datetime(2016, 4, 19, 0, 0, tzinfo=TORONTO)  # a Tuesday, at midnight
MAY_11 = datetime(2016, 5, 11, 0, 0, tzinfo=TORONTO)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # a count of months or years before or after a day counts from that day, as days and weeks do
        ("three years after yesterday", "2019-04-18 00:00"),
        ("a month after yesterday", "2016-05-18 00:00"),
        ("a month after new years", "2017-02-01 00:00"),
        ("2 years before christmas", "2014-12-25 00:00"),
        # hours and minutes "from today" run from the moment of writing, not from the day's start
        ("one hour from today", "2016-04-19 01:00"),
        ("90 minutes from today", "2016-04-19 01:30"),
        # April Fools' Day is as often said without "day"
        ("april fools 2019", "2019-04-01 00:00"),
        ("april fools at 5pm", "2017-04-01 17:00"),
    ],
)
def test_counts_and_named_days(text: str, start: str) -> None:
    assert first_start(text, APRIL_19) == start


def test_a_clock_time_beside_this_part_of_day_replaces_it() -> None:
    now = datetime(2017, 10, 7, 6, 0, tzinfo=TORONTO)
    assert first_start("7pm this afternoon", now) == "2017-10-07 19:00"
    assert first_start("at 9 that evening", now) == "2017-10-07 21:00"


def test_before_a_period_runs_up_to_its_start() -> None:
    literal = resolve_times("before next week", reading_context(MAY_11))
    assert [(w.start, w.end) for w in literal] == [(MAY_11, datetime(2016, 5, 16, tzinfo=TORONTO))]
    offered = parse_request("before next week", mail_context(MAY_11)).windows
    assert sorted({w.start.date().isoformat() for w in offered}) == ["2016-05-11", "2016-05-12", "2016-05-13"]


def test_by_a_period_still_names_the_period() -> None:
    """natty reads "by next week" and "by September" as that period; only "before" is unambiguous."""
    offered = parse_request("by next week", mail_context(MAY_11)).windows
    assert offered[0].start.date().isoformat() == "2016-05-16"


AUGUST_13 = datetime(2016, 8, 13, 0, 0, tzinfo=TORONTO)  # a Saturday


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # "after" a whole period is the first day past all of it, not its first day
        ("after next week", "2016-08-22 00:00"),
        ("after next month", "2016-10-01 00:00"),
        ("after july", "2017-08-01 00:00"),
        ("the week after christmas", "2016-12-26 00:00"),  # "week after" still names a week
        # a year closing a list of dates dates each of them
        ("march and april 2022", "2022-03-01 00:00"),
        ("jan 2 or jan 4, 2023", "2023-01-02 00:00"),
        # a month and its year joined by a dash; "the third week of <year>" is its ISO week
        ("Sep-2012", "2012-09-01 00:00"),
        ("third week of 2019", "2019-01-14 00:00"),
        ("the 2nd week in 2027", "2027-01-11 00:00"),
    ],
)
def test_periods_and_years(text: str, start: str) -> None:
    assert first_start(text, AUGUST_13) == start


JULY_11 = datetime(2026, 7, 11, 0, 0, tzinfo=ZoneInfo("America/New_York"))  # a Saturday


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("day after next", "2026-07-13 00:00"),  # with or without "the"
        ("in a year and a half", "2028-01-11 00:00"),  # 18 months on
        ("june of '98", "1998-06-01 00:00"),  # a month "of" a two-digit year
        ("summer of '69", "1969-06-21 00:00"),  # a season's year may be written with two digits
        ("mondays in august", "2026-08-03 00:00"),  # a plural weekday in a month is every one of them
        ("jan or feb", "2027-01-01 00:00"),  # "jan" listed with another month is no name
        ("11 to 9 january 5th", "2027-01-05 11:00"),  # "9 january 5th": the 9 is a clock time, not a day
    ],
)
def test_dates_written_in_new_ways(text: str, start: str) -> None:
    assert first_start(text, JULY_11) == start


def test_a_range_ending_in_the_morning_runs_past_midnight() -> None:
    windows = resolve_times("from 10pm to 2am", reading_context(JULY_11))
    assert [(w.start, w.end) for w in windows] == [
        (datetime(2026, 7, 11, 22, tzinfo=JULY_11.tzinfo), datetime(2026, 7, 12, 2, tzinfo=JULY_11.tzinfo))
    ]


def test_a_week_after_or_is_one_more_offer() -> None:
    """ "feb 5 or next weekend": the weekend is not the context of Feb 5 but another choice."""
    offered = parse_request("feb 5 or next weekend", mail_context(JULY_11, horizon_days=400)).windows
    assert sorted({w.start.date().isoformat() for w in offered}) == ["2026-07-18", "2026-07-19", "2027-02-05"]


@pytest.mark.parametrize(("text", "second"), [("feb 2 or third", "2027-02-03"), ("march 3rd and fifth", "2027-03-05")])
def test_an_ordinal_listed_after_a_date_is_another_day(text: str, second: str) -> None:
    windows = resolve_times(text, reading_context(JULY_11))
    assert windows[1].start.date().isoformat() == second


JANUARY_21 = datetime(2020, 1, 21, 0, 0, tzinfo=ZoneInfo("America/Vancouver"))  # a Tuesday, in the first quarter


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2 weeks back", "2020-01-07 00:00"),  # "back" counts back as "ago" does
        ("a year back", "2019-01-21 00:00"),
        # a quarter named with this/next/last, as months are: the coming or latest such one
        ("last q4", "2019-10-01 00:00"),
        ("last q1", "2019-01-01 00:00"),
        ("next q1", "2021-01-01 00:00"),
        ("next q3", "2020-07-01 00:00"),
        # a month with "this year" or "last year" after it
        ("march this year", "2020-03-01 00:00"),
        ("apr last year", "2019-04-01 00:00"),
        # "<holiday> eve" is the day before it
        ("halloween eve", "2020-10-30 00:00"),
        ("thanksgiving eve 2021", "2021-11-24 00:00"),
        # the old IANA country links
        ("2pm Canada/Eastern", "2020-01-21 11:00"),
        ("9am US/Pacific", "2020-01-21 09:00"),
    ],
)
def test_counts_quarters_months_and_zones(text: str, start: str) -> None:
    assert first_start(text, JANUARY_21) == start


FEBRUARY_2 = datetime(2019, 2, 2, 3, 40, tzinfo=ZoneInfo("UTC"))  # a Saturday, 03:40


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # a counted day, hour or minute of the period written after "of"
        ("5th day of q1 2002", "2002-01-05 00:00"),
        ("last day of q1 2019", "2019-03-31 00:00"),
        ("7th hour of 2019", "2019-01-01 06:00"),
        ("5th hour of March 3rd 2002", "2002-03-03 04:00"),
        ("last hour of March 2021", "2021-03-31 23:00"),
        ("last minute of 2019", "2019-12-31 23:59"),
        # months joined by "to" are one stretch; a year closing it dates the first month too
        ("january to march 2019", "2019-01-01 00:00"),
        ("may to august 1996", "1996-05-01 00:00"),
        ("from january to march", "2020-01-01 00:00"),
        # the hour left out of "half past", "quarter to": the coming one
        ("at 20 past", "2019-02-02 04:20"),
        ("at quarter to", "2019-02-02 03:45"),
        ("at half past", "2019-02-02 04:30"),
    ],
)
def test_parts_of_periods_month_ranges_and_bare_minutes(text: str, start: str) -> None:
    assert first_start(text, FEBRUARY_2) == start


def test_month_range_covers_the_months_between() -> None:
    windows = resolve_times("between march and may", reading_context(FEBRUARY_2))
    assert (windows[0].start.date().isoformat(), windows[-1].start.date().isoformat()) == ("2019-03-01", "2019-05-31")


@pytest.mark.parametrize("text", ["at 650-650-6500", "call (650) 650-6500", "at a couple of"])
def test_phone_numbers_and_bare_counts_name_no_time(text: str) -> None:
    assert resolve_times(text, reading_context(FEBRUARY_2)) == ()
