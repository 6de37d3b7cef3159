"""Travel-booking phrasings (round 5, `travel2`): one behaviour per row, read on Wednesday 2026-03-04 10:15 Berlin."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import mail_context

from scheduler_agent.models import RequestContext
from scheduler_agent.timeparse import parse_request, resolve_times

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 4, 10, 15, tzinfo=BERLIN)


def _ctx() -> RequestContext:
    return mail_context(NOW)


def _starts(text: str) -> list[str]:
    return [w.start.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") for w in resolve_times(text, _ctx())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bare day of the month after a dated day runs forward from it, not from today
        ("pick up on 3rd at 9 am, return 5th 11am", ["2026-04-03 09:00", "2026-04-05 11:00"]),
        ("out on the 28th, back on the 2nd", ["2026-03-28 00:00", "2026-04-02 00:00"]),
        # ...but one that already follows it, or carries a weekday, stays where today puts it
        ("the 5th or the 9th", ["2026-03-05 00:00", "2026-03-09 00:00"]),
        # a date ending in a number does not count the part of day after it ("3 nights" does)
        ("Wednesday 28/10 late afternoon", ["2026-10-28 15:00"]),
        ("28.10. late afternoon", ["2026-10-28 15:00"]),
    ],
)
def test_travel_dates(text: str, expected: list[str]) -> None:
    assert _starts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the bare day nearest the date before it: a day before it when that is near ("arrive the day before")
        ("conference on the 12th, arrive on the 11th", ["2026-03-11 00:00", "2026-03-12 00:00"]),
        # "early Monday morning" is Monday's early morning
        ("early Monday morning", ["2026-03-09 07:00"]),
        # "7:00 - 28.08 16:00": a dotted date after a dash is no end hour
        ("24.08 7:00 - 28.08 16:00", ["2026-08-24 07:00"]),
        # "17-18/8": a day range sharing the month written after its last day
        ("17-18/8", ["2026-08-17 00:00", "2026-08-18 00:00"]),
    ],
)
def test_travel_phrasings(text: str, expected: list[str]) -> None:
    assert _starts(text) == expected


def test_cannot_travel_rules_the_days_out() -> None:
    assert [w.start.day for w in parse_request("can't travel 17-18/3, so 19/3 please", _ctx()).avoid] == [17, 18]


def test_a_weekday_with_its_part_of_day_before_a_slash_date_settles_its_order() -> None:
    """ "Fri morning 3/4": 3 April is a Friday, 4 March (today) is not."""
    days = {w.start.date().isoformat() for w in resolve_times("Fri morning 3/4", _ctx())}
    assert "2026-04-03" in days
    assert "2026-03-04" not in days


def test_out_of_an_airport_is_a_departure_not_a_day_ruled_out() -> None:
    assert _starts("Sunday 8/3 6:30am out of LGA") == ["2026-03-08 06:30"]
    assert _starts("Sunday 8/3 is out of the question") == []


def test_an_outlook_zone_label_names_its_first_citys_zone_with_summer_time() -> None:
    """ "(UTC+01:00) Amsterdam, Berlin": in April that is 10:00 CEST (+02:00), not 10:00 at +01:00."""
    when = "When: Tuesday, 21 April 2026 10:00-12:00 (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"
    assert _starts(when) == ["2026-04-21 10:00"]
    assert _starts("Tuesday, 21 April 2026 10:00 (UTC+05:00) Amsterdam, Berlin") == ["2026-04-21 07:00"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # Windows names in a label mean the zone with its summer time, as they do in an ICS TZID
        ("(UTC-05:00) Eastern Time (US & Canada)", "2026-07-21 16:00"),
        ("(UTC-08:00) Pacific Time (US & Canada)", "2026-07-21 19:00"),
        ("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "2026-07-21 06:30"),
        # words that name no zone keep the written offset
        ("(UTC+01:00) West Central Africa", "2026-07-21 11:00"),
        ("(UTC-05:00) see you then", "2026-07-21 17:00"),
    ],
)
def test_an_outlook_zone_label_reads_like_an_ics_tzid(label: str, expected: str) -> None:
    assert _starts(f"When: Tuesday, 21 July 2026 10:00-11:00 {label}") == [expected]


@pytest.mark.parametrize(
    "text",
    ["outbound Monday, return the following day", "Monday, back the day after", "Monday and the day after"],
)
def test_the_day_after_a_leg_counts_from_that_legs_day(text: str) -> None:
    assert _starts(text) == ["2026-03-09 00:00", "2026-03-10 00:00"]


def test_instead_of_rules_the_day_out() -> None:
    request = parse_request("actually make it the 29th instead of the 28th", _ctx())
    assert [w.start.day for w in request.windows] == [29]
    assert [w.start.day for w in request.avoid] == [28]


@pytest.mark.parametrize("text", ["leaving 7h Monday morning", "departure 7h Monday"])
def test_an_hour_in_h_after_a_departure_word_is_a_clock_time(text: str) -> None:
    assert _starts(text) == ["2026-03-09 07:00"]


def test_a_time_before_a_slash_separator_keeps_its_minutes() -> None:
    legs = "Out: Mon 9 Mar 2026 06:55 / Return: Fri 13 Mar 2026 19:40"
    assert _starts(legs) == ["2026-03-09 06:55", "2026-03-13 19:40"]


def test_days_listed_with_slashes_before_their_month() -> None:
    assert _starts("hotel 26/27/28 Mar") == ["2026-03-26 00:00", "2026-03-27 00:00", "2026-03-28 00:00"]


@pytest.mark.parametrize("text", ["tomorrow, 1 adult, 13:20 bus", "tomorrow, 2 rooms, 1 bag, 13:20 bus"])
def test_a_bookings_counts_are_no_clock_times(text: str) -> None:
    assert _starts(text) == ["2026-03-05 13:20"]


def test_days_listed_with_bare_commas_before_their_month() -> None:
    assert _starts("3 nights: 23, 24, 25 Mar") == ["2026-03-23 00:00", "2026-03-24 00:00", "2026-03-25 00:00"]
