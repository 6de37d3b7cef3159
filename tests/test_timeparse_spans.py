"""How the reading of stretches across days, open ends and long spans starts and ends (tests/eval/spans_en.jsonl).

The eval file checks what `parse_request` offers, where a stretch across days is one window and only its start
and day can be labelled; these check where the reading (`resolve_times`) starts *and ends*, which is what an
exact-resolution comparison of an interval scores.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import reading_context

from scheduler_agent.timeparse import resolve_times

# (text, now, zone, first start, last end), local times; written before the engine read them
SPANS = [
    (
        "I'm free from Tuesday 9am to Friday 3pm",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-24 09:00",
        "2026-11-27 15:00",
    ),
    (
        "available from Tuesday 9am to 3pm on Friday",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-24 09:00",
        "2026-11-27 15:00",
    ),
    (
        "any time between Monday 9am and Wednesday 5pm",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-23 09:00",
        "2026-11-25 17:00",
    ),
    (
        "between Monday 9am and Wednesday 5pm",
        "2027-03-01T08:15",
        "Australia/Sydney",
        "2027-03-08 09:00",
        "2027-03-10 17:00",
    ),
    ("Fri 18:00 – Sun 20:00", "2026-11-18T09:00", "America/New_York", "2026-11-20 18:00", "2026-11-22 20:00"),
    (
        "I need a room overnight from the 3rd to the 4th",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-12-03 00:00",
        "2026-12-05 00:00",
    ),
    (
        "we need the car from Monday 08:00 until Wednesday 18:00",
        "2027-01-29T16:30",
        "Europe/London",
        "2027-02-01 08:00",
        "2027-02-03 18:00",
    ),
    ("Sat 10am through Sun 4pm", "2027-01-29T16:30", "Europe/London", "2027-01-30 10:00", "2027-01-31 16:00"),
    (
        "we need the room from 9 on Tuesday to 5 on Thursday",
        "2027-01-29T16:30",
        "Europe/London",
        "2027-02-02 09:00",
        "2027-02-04 17:00",
    ),
    ("Tuesday 7am – Thursday 7pm", "2027-03-01T08:15", "Australia/Sydney", "2027-03-02 07:00", "2027-03-04 19:00"),
    ("from Wed 2pm till Fri noon", "2027-03-01T08:15", "Australia/Sydney", "2027-03-03 14:00", "2027-03-05 12:00"),
    (
        "from the 3rd at 10:00 to the 5th at 16:00",
        "2027-03-01T08:15",
        "Australia/Sydney",
        "2027-03-03 10:00",
        "2027-03-05 16:00",
    ),
    (
        "from 10:00 on the 3rd to 16:00 on the 5th",
        "2027-03-01T08:15",
        "Australia/Sydney",
        "2027-03-03 10:00",
        "2027-03-05 16:00",
    ),
    ("from Dec 31 8pm to Jan 1 2am", "2026-12-31T10:00", "Asia/Kolkata", "2026-12-31 20:00", "2027-01-01 02:00"),
    ("from 6pm tonight to 10am tomorrow", "2026-12-31T10:00", "Asia/Kolkata", "2026-12-31 18:00", "2027-01-01 10:00"),
    ("Sunday 9:00 to Tuesday 17:00", "2026-12-31T10:00", "Asia/Kolkata", "2027-01-03 09:00", "2027-01-05 17:00"),
    (
        "Monday 23 Nov 9am - Wednesday 25 Nov 5pm",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-23 09:00",
        "2026-11-25 17:00",
    ),
    (
        "from 11/23 at 9am through 11/25 at noon",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-23 09:00",
        "2026-11-25 12:00",
    ),
    (
        "Thursday evening to Saturday morning",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-19 17:00",
        "2026-11-21 12:00",
    ),
    (
        "from tomorrow 10:00 to Monday 15:00",
        "2027-01-29T16:30",
        "Europe/London",
        "2027-01-30 10:00",
        "2027-02-01 15:00",
    ),
    (
        "I'm free from now until midnight",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-18 09:00",
        "2026-11-19 00:00",
    ),
    ("any time before Friday noon", "2026-11-18T09:00", "America/New_York", "2026-11-18 09:00", "2026-11-20 12:00"),
    ("anytime between now and Friday", "2026-11-18T09:00", "America/New_York", "2026-11-18 09:00", "2026-11-21 00:00"),
    ("from now till 6pm", "2027-03-01T08:15", "Australia/Sydney", "2027-03-01 08:15", "2027-03-01 18:00"),
    ("I'm free until Monday 10am", "2027-01-29T16:30", "Europe/London", "2027-01-29 16:30", "2027-02-01 10:00"),
    ("from now through Wednesday", "2027-03-01T08:15", "Australia/Sydney", "2027-03-01 08:15", "2027-03-04 00:00"),
    (
        "from 3pm today until noon tomorrow",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-18 15:00",
        "2026-11-19 12:00",
    ),
    (
        "between 8pm tonight and 6am tomorrow",
        "2027-03-01T08:15",
        "Australia/Sydney",
        "2027-03-01 20:00",
        "2027-03-02 06:00",
    ),
    (
        "the office is closed from Friday 5pm to Monday 8am",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-20 17:00",
        "2026-11-23 08:00",
    ),
    (
        "Wed 25th 13:00 -> Thu 26th 10:00",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-25 13:00",
        "2026-11-26 10:00",
    ),
    ("Nov 30 8am to Dec 2 6pm", "2026-11-18T09:00", "America/New_York", "2026-11-30 08:00", "2026-12-02 18:00"),
]


def _reading(text: str, now: str, zone: str) -> tuple[str, str] | None:
    local = ZoneInfo(zone)
    windows = resolve_times(text, reading_context(datetime.fromisoformat(now).replace(tzinfo=local)))
    if not windows:
        return None
    first, last = windows[0].start.astimezone(local), windows[-1].end.astimezone(local)
    return first.strftime("%Y-%m-%d %H:%M"), last.strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(("text", "now", "zone", "start", "end"), SPANS)
def test_the_reading_runs_from_the_first_moment_to_the_last(
    text: str, now: str, zone: str, start: str, end: str
) -> None:
    assert _reading(text, now, zone) == (start, end)
