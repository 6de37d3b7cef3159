"""Phrasings met in the Go parsers' tests (olebedev/when, tj/go-naturaldate): how the engine reads them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import mail_context

from scheduler_agent.models import RequestContext
from scheduler_agent.timeparse import resolve_times

UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2022, 9, 29, 2, 48, tzinfo=UTC_ZONE)  # a Thursday


def ctx() -> RequestContext:
    return mail_context(NOW, horizon_days=5000)


def first_start(text: str) -> str:
    spans = resolve_times(text, ctx())
    return spans[0].start.astimezone(UTC_ZONE).strftime("%Y-%m-%d %H:%M") if spans else ""


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # Unix `date` and Go's ANSIC/RubyDate layouts write the year after the time of day (and its offset)
        ("Mon Jan  2 15:04:05 2006", "2006-01-02 15:04"),
        ("Mon Jan 02 15:04:05 -0700 2006", "2006-01-02 22:04"),
        ("Jan 2 15:04 UTC 2006", "2006-01-02 15:04"),
        # "one" counts years as it counts days and months
        ("one year ago", "2021-09-29"),
        ("one year from now", "2023-09-29"),
    ],
)
def test_go_parser_phrasings(text: str, start: str) -> None:
    assert first_start(text).startswith(start)


def test_within_half_an_hour_is_the_stretch_from_now() -> None:
    spans = resolve_times("within half an hour", ctx())
    assert [(s.start, s.end - s.start) for s in spans] == [(NOW, timedelta(minutes=30))]


def test_seconds_count_from_now_either_way() -> None:
    assert resolve_times("in 5 seconds", ctx())[0].start == NOW + timedelta(seconds=5)
    assert resolve_times("5 seconds ago a car was moved", ctx())[0].start == NOW - timedelta(seconds=5)


def test_within_a_month_is_every_day_to_the_same_date_next_month() -> None:
    days = [s.start.date() for s in resolve_times("within a month", ctx())]
    assert days[0] == NOW.date()
    assert days[-1] == date(2022, 10, 29)


def test_a_signed_four_digit_offset_after_a_clock_time_is_its_zone() -> None:
    assert first_start("15 May 2004 16:10 -0400") == "2004-05-15 20:10"


def test_a_year_written_with_the_first_date_of_a_range_is_kept_and_lent_to_the_last() -> None:
    days = [s.start.date() for s in resolve_times("January 3, 2023 - February 1st", ctx())]
    assert days[0] == date(2023, 1, 3)
    assert days[-1] == date(2023, 2, 1)


def test_the_year_ending_one_date_does_not_start_the_next() -> None:
    days = [s.start.date() for s in resolve_times("July 13th 2014 July 14th 2014", ctx())]
    assert days == [date(2014, 7, 13), date(2014, 7, 14)]


def test_in_n_weeks_from_now_is_the_date_n_weeks_on() -> None:
    assert first_start("Message me in two weeks from now") == "2022-10-13 00:00"
