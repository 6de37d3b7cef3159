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
    ("any time up to 4pm tomorrow", "2026-11-18T09:00", "America/New_York", "2026-11-19 00:00", "2026-11-19 16:00"),
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
    (
        "we can host you any time from May 5 until August 10",
        "2027-04-12T10:00",
        "America/Chicago",
        "2027-05-05 00:00",
        "2027-08-11 00:00",
    ),
    (
        "sometime between March and June works for the offsite",
        "2026-11-18T09:00",
        "America/New_York",
        "2027-03-01 00:00",
        "2027-07-01 00:00",
    ),
    (
        "I'm flexible from now until the end of the year",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-18 09:00",
        "2027-01-01 00:00",
    ),
    (
        "the discount applies from now until the end of the year",
        "2027-04-12T10:00",
        "America/Chicago",
        "2027-04-12 10:00",
        "2028-01-01 00:00",
    ),
    (
        "any time from July through September",
        "2026-06-30T15:00",
        "Europe/Berlin",
        "2026-07-01 00:00",
        "2026-10-01 00:00",
    ),
    ("from July 15 to the end of August", "2026-06-30T15:00", "Europe/Berlin", "2026-07-15 00:00", "2026-09-01 00:00"),
    ("the lease runs Dec 1 - Feb 28", "2026-11-18T09:00", "America/New_York", "2026-12-01 00:00", "2027-03-01 00:00"),
    (
        "from January 10 through March 31",
        "2027-12-18T11:00",
        "America/Los_Angeles",
        "2028-01-10 00:00",
        "2028-04-01 00:00",
    ),
    (
        "from the 1st of December until the 15th of January",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-12-01 00:00",
        "2027-01-16 00:00",
    ),
    (
        "any day until the end of next month",
        "2027-12-18T11:00",
        "America/Los_Angeles",
        "2027-12-18 11:00",
        "2028-02-01 00:00",
    ),
    (
        "the exhibition is open from 1 September to 30 November",
        "2026-06-30T15:00",
        "Europe/Berlin",
        "2026-09-01 00:00",
        "2026-12-01 00:00",
    ),
    (
        "can we do two hours after 3pm Friday",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-20 17:00",
        "2026-11-20 17:30",
    ),
    ("let's meet the day before May 6", "2026-11-18T09:00", "America/New_York", "2027-05-05 00:00", "2027-05-06 00:00"),
    ("I'm back 3 days after Christmas", "2026-11-18T09:00", "America/New_York", "2026-12-28 00:00", "2026-12-29 00:00"),
    (
        "how about a week from next Tuesday",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-12-01 00:00",
        "2026-12-02 00:00",
    ),
    (
        "I'd like to arrive an hour before the 9:30 train on Friday",
        "2027-04-12T10:00",
        "America/Chicago",
        "2027-04-16 08:30",
        "2027-04-16 09:00",
    ),
    (
        "let's sync 30 minutes before the 2pm meeting tomorrow",
        "2026-06-30T15:00",
        "Europe/Berlin",
        "2026-07-01 13:30",
        "2026-07-01 14:00",
    ),
    ("send it 2 days before the 20th", "2027-04-12T10:00", "America/Chicago", "2027-04-18 00:00", "2027-04-19 00:00"),
    ("I leave the day after July 4th", "2026-06-30T15:00", "Europe/Berlin", "2026-07-05 00:00", "2026-07-06 00:00"),
    (
        "two days after New Year's Day",
        "2027-12-18T11:00",
        "America/Los_Angeles",
        "2028-01-03 00:00",
        "2028-01-04 00:00",
    ),
    (
        "a day before Thanksgiving would be ideal",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-25 00:00",
        "2026-11-26 00:00",
    ),
    ("three weeks from Monday", "2027-04-12T10:00", "America/Chicago", "2027-05-10 00:00", "2027-05-11 00:00"),
    ("10 days after the 3rd", "2026-06-30T15:00", "Europe/Berlin", "2026-07-13 00:00", "2026-07-14 00:00"),
    ("45 minutes after noon tomorrow", "2026-11-18T09:00", "America/New_York", "2026-11-19 12:45", "2026-11-19 13:15"),
    ("the Monday after May 1", "2027-04-12T10:00", "America/Chicago", "2027-05-03 00:00", "2027-05-04 00:00"),
    ("the Friday before Memorial Day", "2027-04-12T10:00", "America/Chicago", "2027-05-28 00:00", "2027-05-29 00:00"),
    ("one week before December 15", "2026-11-18T09:00", "America/New_York", "2026-12-08 00:00", "2026-12-09 00:00"),
    (
        "1 hour after the 10am call on Thursday",
        "2026-06-30T15:00",
        "Europe/Berlin",
        "2026-07-02 11:00",
        "2026-07-02 11:30",
    ),
    (
        "the day after tomorrow at 4pm",
        "2027-12-18T11:00",
        "America/Los_Angeles",
        "2027-12-20 16:00",
        "2027-12-20 16:30",
    ),
    ("2 weeks after the 1st of March", "2026-11-18T09:00", "America/New_York", "2027-03-15 00:00", "2027-03-16 00:00"),
    (
        "four days before the end of the month",
        "2027-04-12T10:00",
        "America/Chicago",
        "2027-04-26 00:00",
        "2027-04-27 00:00",
    ),
    (
        "between Christmas Eve and January 3rd",
        "2027-12-18T11:00",
        "America/Los_Angeles",
        "2027-12-24 00:00",
        "2028-01-04 00:00",
    ),
    (
        "from Labor Day through Thanksgiving",
        "2027-04-12T10:00",
        "America/Chicago",
        "2027-09-06 00:00",
        "2027-11-26 00:00",
    ),
    ("Tuesday 5 January 2027 works", "2026-11-18T09:00", "America/New_York", "2027-01-05 00:00", "2027-01-06 00:00"),
    ("on 10 March 2027 at 10", "2026-11-18T09:00", "America/New_York", "2027-03-10 10:00", "2027-03-10 10:30"),
    ("1930 on the 4th", "2027-02-25T13:40", "Europe/Madrid", "2027-03-04 19:30", "2027-03-04 20:00"),
    ("I'll take the 20:27 from Madrid", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 20:27", "2027-02-25 20:57"),
    (
        "please book the 2030 train on Friday",
        "2027-02-25T13:40",
        "Europe/Madrid",
        "2027-02-26 20:30",
        "2027-02-26 21:00",
    ),
    ("meet at 0930 tomorrow", "2026-08-31T23:10", "America/Denver", "2026-09-01 09:30", "2026-09-01 10:00"),
    ("leaving 1845 on 12/3", "2026-11-18T09:00", "America/New_York", "2026-12-03 18:45", "2026-12-03 19:15"),
    ("Friday 1500-1700", "2027-02-25T13:40", "Europe/Madrid", "2027-02-26 15:00", "2027-02-26 17:00"),
    ("March 3, 2027 at 2030", "2027-02-25T13:40", "Europe/Madrid", "2027-03-03 20:30", "2027-03-03 21:00"),
    ("Tue 2027-01-05 at 9", "2026-12-27T20:00", "Pacific/Auckland", "2027-01-05 09:00", "2027-01-05 09:30"),
    ("1 March 2027 2pm", "2027-02-25T13:40", "Europe/Madrid", "2027-03-01 14:00", "2027-03-01 14:30"),
    ("2 Sep 2026 0800", "2026-08-31T23:10", "America/Denver", "2026-09-02 08:00", "2026-09-02 08:30"),
    ("at 1200 on Saturday", "2027-02-25T13:40", "Europe/Madrid", "2027-02-27 12:00", "2027-02-27 12:30"),
    ("Wed 2nd Dec 2026 1930", "2026-11-18T09:00", "America/New_York", "2026-12-02 19:30", "2026-12-02 20:00"),
    ("can you call me in the next hour?", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 13:40", "2027-02-25 14:40"),
    ("the next 2 hours are free", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 13:40", "2027-02-25 15:40"),
    ("I'm free for the next 30 minutes", "2026-08-31T23:10", "America/Denver", "2026-08-31 23:10", "2026-08-31 23:40"),
    ("within the next hour please", "2026-11-18T09:00", "America/New_York", "2026-11-18 09:00", "2026-11-18 10:00"),
    ("sometime in the next few hours", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 13:40", "2027-02-25 16:40"),
    ("over the next couple of hours", "2026-11-18T09:00", "America/New_York", "2026-11-18 09:00", "2026-11-18 11:00"),
    ("in the next 2 hours", "2026-08-31T23:10", "America/Denver", "2026-08-31 23:10", "2026-09-01 01:10"),
    ("the next hour or so", "2026-11-18T09:00", "America/New_York", "2026-11-18 09:00", "2026-11-18 10:00"),
    ("next hour works", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 13:40", "2027-02-25 14:40"),
    ("any time in the next 48 hours", "2026-12-27T20:00", "Pacific/Auckland", "2026-12-27 20:00", "2026-12-29 20:00"),
    (
        "reachable in the next 10 minutes",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-18 09:00",
        "2026-11-18 09:10",
    ),
    ("any time after 4 today", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 16:00", "2027-02-26 00:00"),
    ("from now till the 31st", "2026-12-27T20:00", "Pacific/Auckland", "2026-12-27 20:00", "2027-01-01 00:00"),
    ("no later than 6pm on Sunday", "2027-02-25T13:40", "Europe/Madrid", "2027-02-28 00:00", "2027-02-28 18:00"),
    ("between now and 1am", "2026-08-31T23:10", "America/Denver", "2026-08-31 23:10", "2026-09-01 01:00"),
    ("from 5 o'clock onwards", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 17:00", "2027-02-26 00:00"),
    ("till noon on New Year's Eve", "2026-12-27T20:00", "Pacific/Auckland", "2026-12-31 00:00", "2026-12-31 12:00"),
    (
        "from this moment until Friday 5pm",
        "2026-11-18T09:00",
        "America/New_York",
        "2026-11-18 09:00",
        "2026-11-20 17:00",
    ),
    ("the rest of today", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 13:40", "2027-02-26 00:00"),
    ("from right now until 5", "2027-02-25T13:40", "Europe/Madrid", "2027-02-25 13:40", "2027-02-25 17:00"),
    ("now through Sunday evening", "2026-12-27T20:00", "Pacific/Auckland", "2026-12-27 20:00", "2027-01-03 21:00"),
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
