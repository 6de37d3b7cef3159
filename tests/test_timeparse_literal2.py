"""The literal reading (`resolve_times`) where independent parsers' own values agree, while `parse_request` keeps
its scheduling policy: open bounds from the moment of writing, stretches that end now, spans worded as a start."""

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import reading_context

from scheduler_agent.models import Interval, RequestContext
from scheduler_agent.timeparse import parse_request, resolve_times

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=NY)  # a Wednesday


def ctx() -> RequestContext:
    return reading_context(NOW, horizon_days=5000)


def span(windows: tuple[Interval, ...]) -> tuple[str, str]:
    """First start and last end, the way an exact-resolution comparison reads a reading."""
    return (f"{windows[0].start.astimezone(NY):%m-%d %H:%M}", f"{windows[-1].end.astimezone(NY):%m-%d %H:%M}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by the end of next month", ("11-18 09:00", "01-01 00:00")),  # every day, weekend included
        ("by Friday", ("11-18 09:00", "11-21 00:00")),
        ("before Friday", ("11-18 09:00", "11-20 00:00")),
    ],
)
def test_a_deadline_read_literally_opens_now(text: str, expected: tuple[str, str]) -> None:
    assert span(resolve_times(text, ctx())) == expected


def test_a_deadline_still_offers_working_days_when_scheduling() -> None:
    days = {w.start.astimezone(NY).date().isoformat() for w in parse_request("by next Monday", ctx()).windows}
    assert days == {"2026-11-18", "2026-11-19", "2026-11-20", "2026-11-23"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the last 3 minutes", ("11-18 08:57", "11-18 09:00")),
        ("past 2 hours", ("11-18 07:00", "11-18 09:00")),
        ("previous 3 mins", ("11-18 08:57", "11-18 09:00")),
        ("the last 2 weeks", ("11-02 00:00", "11-16 00:00")),  # the two whole weeks before this one
        ("past 3 months", ("08-01 00:00", "11-01 00:00")),
    ],
)
def test_the_last_n_units_end_now_or_with_the_current_period(text: str, expected: tuple[str, str]) -> None:
    assert span(resolve_times(text, ctx())) == expected


def test_the_last_minutes_of_something_are_no_past_stretch() -> None:
    assert parse_request("let's use the last 30 minutes of the standup", ctx()).duration_minutes == 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the rest of the day", ("11-18 09:00", "11-19 00:00")),
        ("within 1 day and 5 hours", ("11-18 09:00", "11-19 14:00")),
        ("within the next 2 days 1 hour 5 minutes", ("11-18 09:00", "11-20 10:05")),
        ("from 4pm today to 5pm tomorrow", ("11-18 16:00", "11-19 17:00")),
    ],
)
def test_stretches_from_now_and_spans_worded_as_a_start(text: str, expected: tuple[str, str]) -> None:
    assert span(resolve_times(text, ctx())) == expected


def test_past_stretches_are_dropped_when_scheduling() -> None:
    assert parse_request("I was busy for the past 2 hours", ctx()).windows == ()
    assert parse_request("the rest of the day works", ctx()).windows[0].start == NOW
    assert parse_request("the rest of the day works", ctx()).windows[0].end == NOW.replace(hour=0) + timedelta(days=1)


def test_a_weekday_and_day_of_the_month_gone_by_this_month_is_that_day_when_read_literally() -> None:
    said = RequestContext(
        now=datetime(2017, 9, 27, 17, 25, tzinfo=NY), home_timezone="America/New_York", horizon_days=999
    )
    (window,) = resolve_times("Thursday the 21st", said)
    assert window.start.date().isoformat() == "2017-09-21"
    assert parse_request("Thursday the 21st?", said).windows[0].start.date().isoformat() == "2017-12-21"
    (window,) = resolve_times("Thu 15th", said)  # Sep 15 is a Friday: the coming Thursday the 15th
    assert window.start.date().isoformat() == "2018-02-15"


def test_a_weekday_that_fits_the_date_just_gone_names_it_when_read_literally() -> None:
    said = RequestContext(now=datetime(2013, 2, 12, 4, 30, tzinfo=NY), home_timezone="America/New_York")
    assert [w.start.date().isoformat() for w in resolve_times("Sunday, Feb 10", said)] == ["2013-02-10"]
    request = parse_request("Sunday, Feb 10", replace(said, horizon_days=5000))
    assert request.windows[0].start.date().isoformat() == "2014-02-10"


def test_between_a_day_and_time_and_another_is_one_span() -> None:
    (window,) = resolve_times("between 4pm on Jan 1, 2026 and 5pm today", ctx())
    assert span((window,)) == ("01-01 16:00", "11-18 17:00")


def test_seconds_from_now_are_a_moment() -> None:
    assert [w.start for w in resolve_times("in 5 seconds", ctx())] == [NOW + timedelta(seconds=5)]
    assert [w.start for w in resolve_times("4 seconds from now", ctx())] == [NOW + timedelta(seconds=4)]
