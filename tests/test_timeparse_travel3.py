"""Time expressions cut out of travel-booking mail (round 6, `travel3`): one behaviour per row, read on Friday
2026-03-27 16:20 Berlin."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import mail_context

from scheduler_agent.models import RequestContext
from scheduler_agent.timeparse import parse_request

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 27, 16, 20, tzinfo=BERLIN)


def _ctx() -> RequestContext:
    return mail_context(NOW)


def _windows(text: str) -> list[str]:
    return [
        f"{w.start.astimezone(BERLIN):%Y-%m-%d %H:%M}-{w.end.astimezone(BERLIN):%H:%M}"
        for w in parse_request(text, _ctx()).windows
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "early" said of one day is that day's early morning, before or after the day
        ("early Monday", ["2026-03-30 07:00-09:00"]),
        ("early on monday", ["2026-03-30 07:00-09:00"]),
        ("Mon 30.3. early", ["2026-03-30 07:00-09:00"]),
        ("1st april early", ["2026-04-01 07:00-09:00"]),
        ("an early flight on Tuesday", ["2026-03-31 07:00-09:00"]),
        # ...and beside no day it is no time; of a period it is still the period's first days
        ("we finished early", []),
        ("early next week", ["2026-03-30 00:00-00:00", "2026-03-31 00:00-00:00"]),
        # an upper bound after a part of day ends it, and the part still starts it
        ("tonight not later than 20:30", ["2026-03-27 17:00-20:30"]),
        ("tomorrow morning by 10", ["2026-03-28 08:00-10:00"]),
        ("monday morning at the latest 10:30", ["2026-03-30 08:00-10:30"]),
    ],
)
def test_travel_fragments(text: str, expected: list[str]) -> None:
    assert _windows(text) == expected


def test_a_part_of_day_after_the_bound_only_tells_am_from_pm() -> None:
    # "by 2 in the afternoon" is the day up to 14:00, not the afternoon up to it
    assert _windows("monday by 2 in the afternoon") == ["2026-03-30 00:00-14:00"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a part of day opens a stretch across days like a clock time does, and "till" needs no "from"
        ("friday evening till sunday", ["2026-04-03 17:00-00:00"]),
        ("friday 6pm till sunday", ["2026-04-03 18:00-00:00"]),
        ("friday evening till sunday noon", ["2026-04-03 17:00-12:00"]),
        # the bound may follow its time
        ("sunday morning, 10 at the latest", ["2026-03-29 08:00-10:00"]),
        ("monday, 9:30 at the earliest", ["2026-03-30 09:30-00:00"]),
        # "may" before a bound, "except" or a part of day is the month, before a bare verb the verb
        ("8 may earliest 9.00 latest 12.00", ["2026-05-08 09:00-12:00"]),
        ("4 may in the morning", ["2026-05-04 08:00-12:00"]),
        ("5 may be late", []),
    ],
)
def test_spans_bounds_and_may(text: str, expected: list[str]) -> None:
    assert _windows(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bare hour listed after one that a day or "at" made a time is a time too, "either" or not
        ("tomorrow, either 9 or 11", ["2026-03-28 09:00-09:30", "2026-03-28 11:00-11:30"]),
        ("monday at 9 or 11", ["2026-03-30 09:00-09:30", "2026-03-30 11:00-11:30"]),
        # ...but a count after it stays a count
        ("monday at 2 or 3 people", ["2026-03-30 14:00-14:30"]),
    ],
)
def test_listed_hours(text: str, expected: list[str]) -> None:
    assert _windows(text) == expected
