"""Times and dates as British, Irish, Australian, Indian, African and Asian English writes them in requests
(round 7, `regional`): one behaviour per row, read on Friday 2026-11-20 10:00 in London."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import first_start, mail_context

from scheduler_agent.timeparse import parse_request

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)


def _windows(text: str) -> list[str]:
    return [
        f"{w.start.astimezone(LONDON):%Y-%m-%d %H:%M}-{w.end.astimezone(LONDON):%H:%M}"
        for w in parse_request(text, mail_context(NOW)).windows
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "half 12" is half past twelve, also as the end of a range
        ("from 10 till half 12 Thursday", ["2026-11-26 10:00-12:30"]),
        ("half ten on Monday", ["2026-11-23 10:30-11:00"]),
        ("half 3 hours", []),
        # "arvo" is the afternoon
        ("sat arvo", ["2026-11-21 12:00-17:00"]),
        ("this arvo", ["2026-11-20 12:00-17:00"]),
        # "close of play" is the end of the working day
        ("close of play on Tuesday", ["2026-11-24 16:00-18:00"]),
    ],
)
def test_british_and_australian_times_of_day(text: str, expected: list[str]) -> None:
    assert _windows(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # minutes to an hour, British style: "twenty" and "twenty-five" are never business hours...
        ("twenty to four on Monday", "2026-11-23 15:40"),
        ("twenty-five to six tomorrow", "2026-11-21 17:35"),
        # ...while "ten to three" needs a word that announces one moment, or it stays the range 10-3
        ("at ten to three on Friday", "2026-11-27 14:50"),
        ("ten to three Friday", "2026-11-27 10:00"),
        ("from ten to three on Friday", "2026-11-27 10:00"),
    ],
)
def test_minutes_to_a_spoken_hour(text: str, expected: str) -> None:
    assert first_start(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # chat spellings
        ("nxt wk tues 2ish", "2026-11-24 14:00"),
        ("2day at 4", "2026-11-20 16:00"),
        ("2nite", "2026-11-20 17:00"),
        # Nigerian "next tomorrow" is the day after tomorrow
        ("next tomorrow at 11", "2026-11-22 11:00"),
        # Indian office English
        ("at 17 hrs on Monday", "2026-11-23 17:00"),
        ("on Tuesday, post lunch", "2026-11-24 13:00"),
        ("Monday second half", "2026-11-23 12:00"),
        ("the first half of the day tomorrow", "2026-11-21 08:00"),
        # a weekday settles the order of a slash date with a year too, as it does without one
        ("Tuesday, 01/12/2026 at 14:00", "2026-12-01 14:00"),
        ("Thursday, 12/03/2026 at 14:00", "2026-12-03 14:00"),
    ],
)
def test_regional_words_for_days_and_times(text: str, expected: str) -> None:
    assert first_start(text, NOW) == expected


def test_the_second_half_of_a_month_is_still_the_month_s() -> None:
    assert first_start("the second half of December", NOW) == "2026-12-16 00:00"


@pytest.mark.parametrize("text", ["Can we prepone the call to 3pm tomorrow?", "could we bring the meeting forward?"])
def test_moving_a_meeting_earlier_is_a_reschedule(text: str) -> None:
    assert parse_request(text, mail_context(NOW)).intent.value == "reschedule"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a range of clock hours written with "hours", and "hours" after a clock time
        ("from 10 to 12 hours on Monday", ["2026-11-23 10:00-12:00"]),
        ("Monday from 13:00 until 15:30 hours", ["2026-11-23 13:00-15:30"]),
        # a number after a weekday that no hour of the part of day named after it has is the day of the month
        ("Sunday 29 in the afternoon", ["2026-11-29 12:00-17:00"]),
        ("Tuesday 8 in the afternoon", ["2026-12-08 12:00-17:00"]),
    ],
)
def test_european_hours_and_days(text: str, expected: list[str]) -> None:
    assert _windows(text) == expected


@pytest.mark.parametrize("text", ["the drive takes from 10 to 12 hours", "it lasts between 10 and 12 hours"])
def test_a_long_stretch_of_hours_is_no_range_of_clock_hours(text: str) -> None:
    assert not {"2026-11-20 10:00-12:00", "2026-11-23 10:00-12:00"} & set(_windows(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the writer's stated order settles ambiguous slash dates
        ("Date (DD/MM/YYYY): 05/01/2027", "2027-01-05 00:00"),
        ("05/01/2027", "2027-05-01 00:00"),
    ],
)
def test_a_stated_date_format_settles_the_order(text: str, expected: str) -> None:
    assert first_start(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "zone"),
    [("16h00 SAST", "Africa/Johannesburg"), ("10am WAT", "Africa/Lagos"), ("9:00 AWST", "Australia/Perth")],
)
def test_regional_zone_abbreviations(text: str, zone: str) -> None:
    assert parse_request(f"Monday {text}", mail_context(NOW)).timezone == zone


def test_wat_in_chat_is_no_zone() -> None:
    assert parse_request("wat time works for u on Monday", mail_context(NOW)).timezone != "Africa/Lagos"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # weeks counted on, the British and Irish ways
        ("a week Tuesday", "2026-12-01 00:00"),
        ("next Tuesday but one", "2026-12-01 00:00"),
        ("this day week", "2026-11-27 00:00"),
        # chat and Scots words for parts of days and days
        ("thurs eve", "2026-11-26 17:00"),
        ("this aft", "2026-11-20 12:00"),
        ("sat mornin", "2026-11-21 08:00"),
        ("see you the morn at 10", "2026-11-21 10:00"),
        ("elevenses on Wednesday", "2026-11-25 11:00"),
        # Indian "day after" is the day after tomorrow; "the day after" (the following day) is not
        ("day after at 11", "2026-11-22 11:00"),
        ("Monday, and the day after", "2026-11-23 00:00"),
        ("Christmas Eve", "2026-12-24 00:00"),
    ],
)
def test_british_irish_indian_and_chat_days(text: str, expected: str) -> None:
    assert first_start(text, NOW) == expected


def test_bar_a_day_is_that_day_ruled_out() -> None:
    request = parse_request("any day next week bar Friday", mail_context(NOW))
    assert sorted({w.start.date().isoformat() for w in request.windows}) == [
        "2026-11-23",
        "2026-11-24",
        "2026-11-25",
        "2026-11-26",
    ]


def test_a_bar_is_still_a_place() -> None:
    assert _windows("meet at the bar Friday at 6pm") == ["2026-11-27 18:00-18:30"]


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("We have an appointment available at 9:40 on Monday", True),
        ("we have a slot free at 3 on Monday", True),
        ("I have a call at 3 on Monday", False),
    ],
)
def test_a_free_slot_the_writer_has_is_offered(text: str, offered: bool) -> None:
    request = parse_request(text, mail_context(NOW))
    assert bool(request.windows) is offered
    assert bool(request.avoid) is not offered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # commercial letters' months: inst. (this), prox. (next), ult. (last, so gone by)
        ("on the 25th prox.", "2026-12-25 00:00"),
        ("the 30th instant", "2026-11-30 00:00"),
        ("Mon arvo or Tues morn", "2026-11-23 12:00"),
        ("last thing Friday", "2026-11-27 16:00"),
        ("the last thing I want is a Monday call", "2026-11-23 00:00"),
    ],
)
def test_letter_and_chat_abbreviations(text: str, expected: str) -> None:
    assert first_start(text, NOW) == expected


def test_ult_is_last_month() -> None:
    assert first_start("your letter of the 12th ult.", NOW) == "2026-10-12 00:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next to next Monday", ["2026-11-30 00:00-00:00"]),
        ("Date: 03/12/2026 (day/month/year)", ["2026-12-03 00:00-00:00"]),
        # "onwards" after a clock time leaves the rest of the day open, as "from 2pm onwards" does
        ("tmrw 2pm onwards", ["2026-11-21 14:00-00:00"]),
    ],
)
def test_indian_and_stated_order_variants(text: str, expected: list[str]) -> None:
    assert _windows(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("half 9ish tomorrow", ["2026-11-21 09:30-10:00"]),
        ("2moro nite", ["2026-11-21 20:00-23:00"]),
        ("any time b4 3 on Monday", ["2026-11-23 00:00-15:00"]),
        ("gate b4 at 3 on Monday", ["2026-11-23 15:00-15:30"]),
    ],
)
def test_more_chat_spellings(text: str, expected: list[str]) -> None:
    assert _windows(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Indian "post 3 pm" and "pre 10am" are open bounds ("post 3 photos" is no time)
        ("post 3 pm on Monday", ["2026-11-23 15:00-00:00"]),
        ("pre 10am on Monday", ["2026-11-23 00:00-10:00"]),
        ("post 3 photos on Monday", ["2026-11-23 00:00-00:00"]),
    ],
)
def test_post_and_pre_a_clock_time(text: str, expected: list[str]) -> None:
    assert _windows(text) == expected


@pytest.mark.parametrize(
    ("text", "offered", "ruled_out"),
    [
        # an absence with its subject left out, as mail often writes it
        ("Will be travelling on Thursday, so Friday?", ["2026-11-27"], ["2026-11-26"]),
        ("Am on leave on Monday, Tuesday works", ["2026-11-24"], ["2026-11-23"]),
        ("On leave Monday. Tuesday works", ["2026-11-24"], ["2026-11-23"]),
        # ...but a trip's dates alone are the trip
        ("travelling 26/11 - 27/11", ["2026-11-26", "2026-11-27"], []),
    ],
)
def test_an_absence_without_its_subject(text: str, offered: list[str], ruled_out: list[str]) -> None:
    request = parse_request(text, mail_context(NOW))
    assert sorted({w.start.date().isoformat() for w in request.windows}) == offered
    assert sorted({w.start.date().isoformat() for w in request.avoid}) == ruled_out
