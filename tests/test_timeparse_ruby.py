"""Machine-written dates and times (date command, compact ISO 8601, spaced numbers, French hours) and the
phrasings of the Ruby parsers' tests: what they mean on Wednesday 2026-11-18 09:00 New York, read literally
by `resolve_times` (past times kept)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import first_start

from scheduler_agent.models import RequestContext
from scheduler_agent.timeparse import resolve_times
from scheduler_agent.timeparse_normalize import normalize
from scheduler_agent.timeparse_stamps import machine_stamps

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=NY)


def first(text: str) -> str | None:
    return first_start(text, NOW, horizon_days=20000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the date command's order: the year after the clock time (and its zone)
        ("Thu Sep 25 10:36:28 2003", "2003-09-25 10:36"),
        ("Mon Jan  2 04:24:27 1995", "1995-01-02 04:24"),
        # ISO 8601's basic format, with and without a time
        ("20030925", "2003-09-25 00:00"),
        ("20030925T1049", "2003-09-25 10:49"),
        ("2003-09-25T10", "2003-09-25 10:00"),
        # numbers with spaces for separators, a month name between separators, run together
        ("2003 09 25", "2003-09-25 00:00"),
        ("25 09 2003", "2003-09-25 00:00"),
        ("Sep.25.2003", "2003-09-25 00:00"),
        ("2003.Sep.25", "2003-09-25 00:00"),
        ("13NOV2017", "2017-11-13 00:00"),
        ("2015-15-May", "2015-05-15 00:00"),
        ("1996.July.10 AD 12:08 PM", "1996-07-10 12:08"),
        # French hours
        ("10 h 36 on Friday", "2026-11-20 10:36"),
        ("Friday 10h pm", "2026-11-20 22:00"),
        ("Friday 10h36m28s", "2026-11-20 10:36"),
    ],
)
def test_machine_written_dates(text: str, expected: str) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "on 25/02 h 18.30",  # the Italian "h" before a time, not "02 h 18"
        "a 2h30m meeting",  # a length: no seconds
        "order 20031399",  # no 13th month: not a date
        "2 3 people",
    ],
)
def test_what_is_not_a_machine_stamp_is_left_alone(text: str) -> None:
    assert machine_stamps(text.lower()) == text.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a recurring day of every month first falls on the month's next one
        ("the second thursday of every month", "2026-12-10 00:00"),
        ("the third wednesday of each month", "2026-11-18 00:00"),
        ("the first of each month", "2026-12-01 00:00"),
        ("the last friday of every month at 9am", "2026-11-27 09:00"),
        # weeks counted from yesterday, as from tomorrow
        ("2 weeks from yesterday", "2026-12-01 00:00"),
        ("a week from tomorrow", "2026-11-26 00:00"),
        # "every week starting Friday" repeats from Friday on; "the week starting Monday" is that week
        ("every week starting friday", "2026-11-20 00:00"),
        ("every other week starting friday", "2026-11-20 00:00"),
        ("the week starting Monday", "2026-11-23 00:00"),
    ],
)
def test_days_counted_in_months_and_weeks(text: str, expected: str) -> None:
    assert first(text) == expected


def test_every_hour_listed_after_at_is_a_time() -> None:
    windows = resolve_times(
        "Friday at 10, 11, 12, and 1 to 5", RequestContext(now=NOW, home_timezone="America/New_York")
    )
    assert [w.start.astimezone(NY).strftime("%H:%M") for w in windows] == ["10:00", "11:00", "12:00", "13:00"]
    assert windows[-1].end.astimezone(NY).hour == 17


@pytest.mark.parametrize("text", ["at 2, 3 or 4 people", "at 2, 3, 4 or 5 people", "at 10, 20 and 30 minutes past"])
def test_a_list_of_counts_is_not_a_list_of_times(text: str) -> None:
    assert normalize(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("off for MLK", "2027-01-18 00:00"),
        ("Arbor Day", "2027-04-30 00:00"),
        ("Cinco de Mayo", "2027-05-05 00:00"),
        # after "every", "May" is the month, not the verb
        ("every May", "2027-05-01 00:00"),
    ],
)
def test_holidays_and_months(text: str, expected: str) -> None:
    assert first(text) == expected


def test_may_alone_is_still_a_verb() -> None:
    assert first("we may meet") is None
