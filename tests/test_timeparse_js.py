"""Phrasings found in Sherlock's and Datejs's English tests (round 5): one test per general rule they needed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler_agent.bench_parse import case_context
from scheduler_agent.timeparse import parse_request, resolve_times

NOW = "2012-12-03T04:35"  # a Monday
UTC = ZoneInfo("UTC")


def _windows(text: str, now: str = NOW) -> list[tuple[str, str]]:
    ctx = case_context({"now": now, "tz": "UTC", "horizon": 5000})
    return [(_utc(w.start), _utc(w.end)) for w in resolve_times(text, ctx)]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("in three weeks from tomorrow", "2012-12-25 00:00"),
        ("3 weeks from tomorrow", "2012-12-25 00:00"),
        ("@2", "2012-12-03 14:00"),
        ("fourth of july @noon", "2013-07-04 12:00"),
    ],
)
def test_first_moment(text: str, first: str) -> None:
    assert _windows(text)[0][0] == first


def test_in_weeks_on_a_weekday_stays_that_weeks_weekday() -> None:
    # "in 2 weeks on Tuesday" is the Tuesday of the week two weeks ahead, not "2 weeks from Tuesday"
    assert _windows("in 2 weeks on Tuesday", "2018-03-07T12:00")[0][0] == "2018-03-20 00:00"


def test_second_ordinal_word_after_the_is_a_day() -> None:
    assert [w[0][:10] for w in _windows("on the 5th to the ninth")] == [f"2012-12-0{d}" for d in range(5, 10)]


def test_a_time_that_goes_until_another_is_a_range() -> None:
    assert _windows("The exam is @ 2pm and goes until 4pm") == [("2012-12-03 14:00", "2012-12-03 16:00")]


def test_a_range_whose_end_names_another_day_spans_the_days() -> None:
    assert _windows("February 24 at 3pm - 2pm March 3") == [("2013-02-24 15:00", "2013-03-03 14:00")]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("from Feb 12 at 3pm to the 15th", ("2013-02-12 15:00", "2013-02-16 00:00")),
        ("from Wednesday 3pm to Friday", ("2012-12-05 15:00", "2012-12-08 00:00")),
        ("from Dec 28 at 3pm to the 2nd", ("2012-12-28 15:00", "2013-01-03 00:00")),
    ],
)
def test_from_a_moment_to_a_day_is_one_stretch(text: str, span: tuple[str, str]) -> None:
    assert _windows(text) == [span]


def test_lets_have_lunch_offers_the_lunch_hour_but_my_lunch_is_a_plan() -> None:
    ctx = case_context({"now": NOW, "tz": "UTC", "horizon": 5000})
    offered = parse_request("Let's have lunch on the 5th.", ctx).windows
    assert [(w.start, w.end) for w in offered] == [
        (datetime(2012, 12, 5, 11, 30, tzinfo=UTC), datetime(2012, 12, 5, 13, 30, tzinfo=UTC))
    ]
    assert _windows("I'm having lunch on the 5th") == [("2012-12-05 00:00", "2012-12-06 00:00")]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("prev monday", "2012-11-26 00:00"),
        ("+5 hours", "2012-12-03 09:35"),
        ("+2 days", "2012-12-05 00:00"),
        ("10:30 P", "2012-12-03 22:30"),
        ("6:45:25 A.M.", "2012-12-03 06:45"),
        ("10:30 PM -0500", "2012-12-04 03:30"),
    ],
)
def test_datejs_shorthands(text: str, first: str) -> None:
    assert _windows(text)[0][0] == first


def test_a_dash_glued_to_am_pm_is_no_zone_offset() -> None:
    # "10:00 am-1130": the number after the dash ends a range; "10:30 PM -0500" (spaced) is an offset
    assert _windows("10:00 am-1130 tomorrow")[0][0] == "2012-12-04 10:00"


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("In around 5 hours", "2012-12-03 09:35"),
        ("In about ~5 hours", "2012-12-03 09:35"),
        ("in 5 seconds", "2012-12-03 04:35"),
        ("12 seconds from now", "2012-12-03 04:35"),
        ("15 minutes out", "2012-12-03 04:50"),
        ("a min out", "2012-12-03 04:36"),
        ("3w later", "2012-12-24 00:00"),
        ("3mo later", "2013-03-03 00:00"),
        ("in 1d 2hr 5min", "2012-12-04 06:40"),
        ("in 1d, 2hr, and 5min", "2012-12-04 06:40"),
    ],
)
def test_counted_from_now(text: str, first: str) -> None:
    assert _windows(text)[0][0] == first


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("within half an hour", ("2012-12-03 04:35", "2012-12-03 05:05")),
        ("within around 3 hours", ("2012-12-03 04:35", "2012-12-03 07:35")),
    ],
)
def test_within_a_stretch_from_now(text: str, span: tuple[str, str]) -> None:
    assert _windows(text) == [span]


@pytest.mark.parametrize(("text", "last"), [("within 10 day", "2012-12-13"), ("within a month", "2013-01-03")])
def test_within_days_or_months_runs_from_today(text: str, last: str) -> None:
    days = [w[0][:10] for w in _windows(text)]
    assert (days[0], days[-1]) == ("2012-12-03", last)


def test_at_so_many_hours_is_still_a_clock_time() -> None:
    assert _windows("tomorrow at 9 hours")[0][0] == "2012-12-04 09:00"


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("after an hour", "2012-12-03 05:35"),
        ("flights after 17h today", "2012-12-03 17:00"),
        ("in June of 2022", "2022-06-01 00:00"),
        ("2024-August", "2024-08-01 00:00"),
        ("2006-Jun-16", "2006-06-16 00:00"),
        ("Thu Oct 26, 10:00 - 11:00:09 2023", "2023-10-26 10:00"),
        ("+2 months, 5 days", "2013-02-08 00:00"),
    ],
)
def test_chrono_month_and_offset_phrasings(text: str, first: str) -> None:
    assert _windows(text)[0][0] == first


def test_a_lone_may_is_no_month_but_from_may_is() -> None:
    assert _windows("The mountain may not move") == []
    assert _windows("from may")[0][0] == "2013-05-01 00:00"
    assert ("2013-05-01 00:00", "2013-05-02 00:00") in _windows("From May to December")


def test_a_dotted_clock_takes_a_two_digit_offset() -> None:
    assert _windows("September 16, 2020 at 23.00+14")[0][0] == "2020-09-16 09:00"


@pytest.mark.parametrize("text", ["12.53%", "1-2-3", "4-5-6"])
def test_numbers_that_are_no_time(text: str) -> None:
    assert _windows(text) == []


def test_dashed_dates_with_a_two_digit_year_still_read() -> None:
    assert _windows("12-30-16")[0][0] == "2016-12-30 00:00"


def test_a_few_months_counts_three() -> None:
    days = [w[0][:10] for w in _windows("within a few months")]
    assert (days[0], days[-1]) == ("2012-12-03", "2013-03-03")
