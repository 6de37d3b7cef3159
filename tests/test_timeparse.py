"""The offline engine, one behaviour per row: what a phrase means on Wednesday 2026-11-18 09:00 New York."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_agent.models import Intent, Interval, Medium, Person, RequestContext
from scheduler_agent.timeparse import RulesExtractor, clean_body, parse_request, resolve_times, writer_zone, zone_name
from scheduler_agent.timeparse_holidays import easter

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=NY)
PROPOSALS = tuple(
    Interval(start, start + timedelta(minutes=30))
    for start in (
        datetime(2026, 11, 24, 14, 0, tzinfo=NY),
        datetime(2026, 11, 25, 10, 0, tzinfo=NY),
        datetime(2026, 11, 26, 15, 0, tzinfo=NY),
    )
)


def ctx(**kw: object) -> RequestContext:
    base: dict[str, object] = {
        "now": NOW,
        "home_timezone": "America/New_York",
        "sender": Person("dana@example.com", "Dana Lee"),
        "agent_email": "agent@localhost",
        "recipients": (Person("agent@localhost"),),
    }
    base.update(kw)
    return RequestContext(**base)  # type: ignore[arg-type]


def local(request_windows: tuple[Interval, ...], zone: ZoneInfo = NY) -> list[str]:
    return [f"{w.start.astimezone(zone):%m-%d %H:%M}-{w.end.astimezone(zone):%H:%M}" for w in request_windows]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue afternoon?", ["11-24 12:00-17:00"]),
        ("next Tuesday at 3pm", ["11-24 15:00-15:30"]),
        ("this Friday morning", ["11-20 08:00-12:00"]),
        ("between 2 and 4 on Thursday", ["11-19 14:00-16:00"]),
        ("after 3pm on Friday", ["11-20 15:00-00:00"]),
        ("Dec 3 at 2pm", ["12-03 14:00-14:30"]),
        ("3/12 at 10", []),  # March 12 is beyond the 60-day horizon
        ("2026-12-03 9:30", ["12-03 09:30-10:00"]),
        ("Tue or Wed 4pm", ["11-24 16:00-16:30", "11-25 16:00-16:30"]),
        ("2pm Tue or Wed 4pm", ["11-24 14:00-14:30", "11-25 16:00-16:30"]),
        ("tomorrow afternoon at 5", ["11-19 17:00-17:30"]),
        ("today", ["11-18 09:00-00:00"]),
    ],
)
def test_windows(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


def test_a_time_with_no_day_is_its_next_occurrence() -> None:
    assert local(parse_request("at 8am", ctx()).windows) == ["11-19 08:00-08:30"]
    assert local(parse_request("at 10am", ctx()).windows) == ["11-18 10:00-10:30"]


def test_stated_zone_wins_over_the_writers_zone() -> None:
    req = parse_request("2pm ET Tuesday", ctx(sender_timezone="America/Los_Angeles"))
    assert req.timezone == "America/New_York"
    assert req.windows[0].start == datetime(2026, 11, 24, 14, 0, tzinfo=NY)


def test_my_time_and_your_time() -> None:
    london = ZoneInfo("Europe/London")
    mine = parse_request("4pm my time tomorrow", ctx(sender_timezone="Europe/London"))
    assert mine.windows[0].start == datetime(2026, 11, 19, 16, 0, tzinfo=london)
    yours = parse_request("9am your time Friday", ctx(sender_timezone="Asia/Tokyo"))
    assert yours.windows[0].start == datetime(2026, 11, 20, 9, 0, tzinfo=NY)


def test_date_header_offset_is_the_fallback_zone() -> None:
    req = parse_request("Thursday at 11", ctx(date_offset_minutes=-480))
    assert req.timezone == "UTC-08:00"
    assert req.windows[0].start.utcoffset() == timedelta(hours=-8)
    assert req.windows[0].start.hour == 11


def test_every_window_is_aware_across_a_dst_change() -> None:
    before = datetime(2026, 10, 30, 9, 0, tzinfo=NY)
    req = parse_request("Monday at 9", ctx(now=before))
    assert req.windows[0].start == datetime(2026, 11, 2, 9, 0, tzinfo=NY)
    assert req.windows[0].start.utcoffset() == timedelta(hours=-5)


@pytest.mark.parametrize(
    ("text", "index"),
    [("the second one works", 1), ("Option 3 please", 2), ("Tuesday works", 0), ("2pm is fine", 0), ("#2", 1)],
)
def test_picks_match_the_proposals_sent(text: str, index: int) -> None:
    req = parse_request(text, ctx(proposals=PROPOSALS))
    assert req.intent is Intent.ACCEPT
    assert req.chosen == PROPOSALS[index].start


def test_a_pick_matching_several_proposals_is_not_guessed() -> None:
    req = parse_request("Tuesday or Wednesday both work", ctx(proposals=PROPOSALS))
    assert req.chosen is None
    assert any("several" in note for note in req.not_understood)


def test_option_beyond_the_list_is_noted() -> None:
    req = parse_request("option 5", ctx(proposals=PROPOSALS))
    assert req.chosen is None
    assert any("only 3" in note for note in req.not_understood)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Can we push Thursday's call to next week?", Intent.RESCHEDULE),
        ("Please cancel the demo on Friday.", Intent.CANCEL),
        ("Sorry, I can't make it", Intent.DECLINE),
        ("Can we find 30 minutes next week?", Intent.SCHEDULE),
        ("Thanks, got it!", Intent.OTHER),
    ],
)
def test_intents_from_wording(text: str, intent: Intent) -> None:
    assert parse_request(text, ctx()).intent is intent


def test_counter_when_none_of_the_options_work() -> None:
    req = parse_request("None of these work, how about Friday morning?", ctx(proposals=PROPOSALS))
    assert req.intent is Intent.COUNTER
    assert local(req.windows) == ["11-20 08:00-12:00"]


@pytest.mark.parametrize(
    "text", ["I can't do any of those", "I cannot make either of them, sorry", "Unfortunately none of these work."]
)
def test_turning_down_every_option_is_a_counter(text: str) -> None:
    assert parse_request(text, ctx(proposals=PROPOSALS)).intent is Intent.COUNTER


def test_possessive_day_names_the_meeting_not_a_window() -> None:
    req = parse_request("can we push Thursday's call to Monday?", ctx())
    assert local(req.windows) == ["11-23 00:00-00:00"]


def test_negations_become_avoid_and_are_cut_out_of_windows() -> None:
    req = parse_request("any day next week but Friday", ctx())
    assert [w.start.day for w in req.windows] == [23, 24, 25, 26]
    assert [w.start.day for w in req.avoid] == [27]
    busy = parse_request("I'm busy Monday morning but free in the afternoon", ctx())
    assert local(busy.windows) == ["11-23 12:00-17:00"]
    assert local(busy.avoid) == ["11-23 08:00-12:00"]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("30 min", 30), ("an hour", 60), ("1.5h", 90), ("an hour and a half", 90), ("quick call", 30), ("meet", None)],
)
def test_durations(text: str, minutes: int | None) -> None:
    assert parse_request(text, ctx()).duration_minutes == minutes


def test_quick_call_stays_between_15_and_30_minutes() -> None:
    assert parse_request("quick call?", ctx(default_duration_minutes=60)).duration_minutes == 30
    assert parse_request("quick call?", ctx(default_duration_minutes=10)).duration_minutes == 15


def test_attendees_come_from_the_text_and_the_cc_line_never_the_agent_or_sender() -> None:
    req = parse_request(
        "Please include priya@example.com and me (dana@example.com)",
        ctx(recipients=(Person("agent@localhost"), Person("bob@corp.com", "Bob"))),
    )
    assert [p.email for p in req.attendees] == ["bob@corp.com", "priya@example.com"]


def test_a_named_person_without_an_address_is_noted() -> None:
    req = parse_request("Tuesday works, can you add Jordan too?", ctx())
    assert req.attendees == ()
    assert any("Jordan" in note for note in req.not_understood)


@pytest.mark.parametrize(
    ("text", "medium"),
    [("zoom Tuesday?", Medium.VIDEO), ("call me on my cell", Medium.PHONE), ("coffee Friday?", Medium.IN_PERSON)],
)
def test_medium(text: str, medium: Medium) -> None:
    assert parse_request(text, ctx()).medium is medium


def test_quoted_reply_and_signature_are_ignored() -> None:
    text = (
        "Thursday at 2 works for me.\n\nThanks,\nDana\n555 123 4567\n\n"
        "On Tue, Nov 17, 2026 at 3:04 PM Agent <agent@localhost> wrote:\n> Would Monday at 9 work?\n> cc boss@x.com"
    )
    req = parse_request(text, ctx())
    assert local(req.windows) == ["11-19 14:00-14:30"]
    assert req.attendees == ()
    assert req.not_understood == ()


def test_clean_body_strips_html_outlook_headers_and_quotes() -> None:
    html = "<div>Can we do <b>Thursday</b>?</div><br><div>Thanks</div>"
    assert clean_body(html).splitlines()[0] == "Can we do Thursday?"
    outlook = "Friday?\n\nFrom: Agent <a@x>\nSent: Tuesday\nTo: Dana\n\nMonday?"
    assert clean_body(outlook) == "Friday?"
    assert clean_body("> quoted\nmine") == "mine"


def test_unparsed_time_like_numbers_lower_confidence() -> None:
    req = parse_request("let's meet at 25", ctx())
    assert "did not understand '25'" in req.not_understood
    assert req.confidence < parse_request("let's meet at 3pm", ctx()).confidence


def test_past_and_far_future_are_noted_not_proposed() -> None:
    req = parse_request("How about March 3 2019?", ctx())
    assert req.windows == ()
    assert any("in the past" in note for note in req.not_understood)


def test_huge_and_binary_bodies_are_handled_in_linear_time() -> None:
    blob = "x" * 200_000 + "@" + "\x00\ud800" * 1000 + " Tuesday at 3pm"
    req = parse_request(blob, ctx())
    assert req.windows == ()  # the request sits past the 20,000-character cut
    assert parse_request("<p>" * 5000 + "Tuesday at 3pm", ctx()).intent is Intent.SCHEDULE
    unclosed = "<div>Friday at 10?</div>" + "<style>" * 20_000
    assert local(parse_request(unclosed, ctx()).windows) == ["11-20 10:00-10:30"]
    styled = "<html><style>p { margin: 10px }</style><p>Monday at 9</p><script>var t = '3pm';</script></html>"
    assert local(parse_request(styled, ctx()).windows) == ["11-23 09:00-09:30"]


def test_rules_extractor_and_helpers() -> None:
    assert RulesExtractor().extract("tomorrow", ctx()).extractor == "rules"
    assert zone_name(writer_zone(ctx(sender_timezone="Not/AZone"))) == "America/New_York"
    assert zone_name(writer_zone(ctx(date_offset_minutes=330))) == "UTC+05:30"


def test_output_is_deterministic_and_the_json_contract_keeps_its_keys() -> None:
    first = parse_request("Tue or Wed afternoon, 45 min, zoom", ctx()).to_json()
    assert first == parse_request("Tue or Wed afternoon, 45 min, zoom", ctx()).to_json()
    for key in ("intent", "duration_minutes", "windows", "timezone", "attendees", "title", "location", "chosen"):
        assert key in first
    assert first["extractor"] == "rules"


@settings(max_examples=150, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            [*"0123456789:/.-apm tuewdhfrimonsxy,'@\n>", "next ", "at ", "Tue ", "3pm ", "not ", "-", "to "]
        ),
        max_size=40,
    ).map("".join),
    offset=st.integers(min_value=-720, max_value=840),
)
def test_hostile_text_never_crashes_and_windows_stay_aware_and_bounded(text: str, offset: int) -> None:
    now = datetime(2026, 3, 8, 6, 59, tzinfo=UTC)
    context = ctx(now=now, date_offset_minutes=offset, horizon_days=30)
    req = parse_request(text, context)
    for window in req.windows:
        assert window.start.tzinfo is not None
        assert now <= window.start < window.end <= now + timedelta(days=30)


@pytest.mark.parametrize(
    ("year", "sunday"),
    [(1818, "1818-03-22"), (2019, "2019-04-21"), (2024, "2024-03-31"), (2038, "2038-04-25"), (2285, "2285-03-22")],
)
def test_easter_follows_the_gregorian_computus_at_its_extremes(year: int, sunday: str) -> None:
    assert easter(year).isoformat() == sunday


def test_a_match_cut_by_an_earlier_claim_is_retried_after_it() -> None:
    # The negation claims "taking the day off on"; the weekday pattern's "on Tuesday" then overlaps it.
    req = parse_request("I plan on taking the day off on Tuesday", ctx())
    assert local(req.avoid) == ["11-24 00:00-00:00"]
    assert req.windows == ()


def test_compound_offsets_move_now_by_every_part() -> None:
    moment = datetime(2017, 11, 23, 19, 15, tzinfo=UTC)
    spans = resolve_times("we met 1 month 2 days 2 hours 30 mins ago", ctx(now=moment, home_timezone="UTC"))
    assert [w.start.isoformat() for w in spans] == ["2017-10-21T16:45:00+00:00"]
    days = resolve_times("2 years 21 days later", ctx(now=moment, home_timezone="UTC"))
    assert [w.start.date().isoformat() for w in days] == ["2019-12-14"]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2 hours ago", "2026-11-18T07:00"),
        ("half an hour ago", "2026-11-18T08:30"),
        ("in a half hour", "2026-11-18T09:30"),
        ("2 days after tomorrow", "2026-11-21T00:00"),
        ("the day after Monday", "2026-11-24T00:00"),
        ("2 weeks after monday", "2026-12-07T00:00"),
        ("two days before yesterday", "2026-11-15T00:00"),
        ("5am in a month", "2026-12-18T05:00"),
        ("3pm in 2 weeks", "2026-12-02T15:00"),
        ("January 30th of last year", "2025-01-30T00:00"),
        ("the first day of next November", "2027-11-01T00:00"),
        ("week from Tuesday", "2026-12-01T00:00"),
        ("first of the month", "2026-12-01T00:00"),
        ("the last day of 1998", "1998-12-31T00:00"),
        ("1 Dec., 2008", "2008-12-01T00:00"),
        ("the end of last year", "2025-12-31T00:00"),
        ("the 3rd Friday of last month", "2026-10-16T00:00"),
        ("February, 1998", "1998-02-01T00:00"),
        ("Monday of this week", "2026-11-16T00:00"),  # named with its week: not rolled on to the next one
        ("this Monday", "2026-11-23T00:00"),
        ("end of 1998", "1998-12-31T00:00"),
    ],
)
def test_offsets_from_now_and_from_a_named_day(text: str, start: str) -> None:
    spans = resolve_times(text, ctx(horizon_days=5000))
    assert spans[0].start.astimezone(NY).strftime("%Y-%m-%dT%H:%M") == start


def test_a_lone_hour_later_moves_the_meeting_not_now() -> None:
    assert resolve_times("can we push it an hour later?", ctx()) == ()
    assert local(resolve_times("2 days later", ctx())) == ["11-20 00:00-00:00"]
    assert resolve_times("could we push it two days later?", ctx()) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from 3 in the morning until 5pm on Friday", ["11-20 03:00-17:00"]),
        ("between 7 in the evening and 11 on Friday", ["11-20 19:00-23:00"]),
        ("late-mornings on Friday", ["11-20 10:00-12:00"]),
    ],
)
def test_a_part_of_day_after_a_ranges_start_fixes_only_the_start(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("thanks giving day", "2026-11-26"),
        ("cyber monday", "2026-11-30"),
        ("new year eve", "2026-12-31"),
        ("saint patrick's day 2027", "2027-03-17"),
        ("father's day of 2027", "2027-06-20"),
        ("May Day", "2027-05-01"),
    ],
)
def test_holiday_spellings(text: str, day: str) -> None:
    assert [w.start.date().isoformat() for w in resolve_times(text, ctx())] == [day]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0730", ["11-19 07:30-08:00"]),  # a leading zero: a 24-hour clock
        ("1730", ["11-18 17:30-18:00"]),  # all the reply says
        ("Friday 1400", ["11-20 14:00-14:30"]),  # right after a day
        ("flight 1730 to Boston", []),  # a bare figure in a sentence is a number, not a time
        ("2027", []),  # a year alone stays a year
    ],
)
def test_four_digit_times_on_a_24_hour_clock(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


def test_a_sum_of_money_is_no_clock_time() -> None:
    assert parse_request("the room is $12.30 an hour", ctx()).windows == ()


def test_a_month_gone_by_reads_as_the_whole_month() -> None:
    days = resolve_times("Aug. 2006", ctx())
    assert (days[0].start.date().isoformat(), len(days)) == ("2006-08-01", 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17.7 days ago", ["2026-10-31"]),  # counted from now (09:00 less 16.8 hours is the day before)
        ("7.7 days ago", ["2026-11-10"]),  # and never read as "7 days ago"
        ("onthursday", []),  # no weekday inside a longer word
        ("30/030/01/071/07", []),  # no clock time at the end of a chain of numbers
    ],
)
def test_fractions_and_fragments_of_days(text: str, expected: list[str]) -> None:
    assert [w.start.astimezone(NY).date().isoformat() for w in resolve_times(text, ctx())] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("730", ["11-19 07:30-08:00"]),  # three digits alone: a spoken hour (tomorrow, 7:30 has passed)
        ("230", ["11-18 14:30-15:00"]),
        ("room 730", []),
        ("25-08", ["08-25 00:00-00:00"]),  # a dashed pair whose first number is no hour or month: day-first
        ("10-12", ["11-18 10:00-12:00"]),  # ... otherwise still a time range
        ("Sunday evening 6", ["11-22 18:00-18:30"]),  # a bare hour right after a part of day is its clock time
    ],
)
def test_bare_numbers_that_stand_alone_or_cannot_be_hours(text: str, expected: list[str]) -> None:
    assert local(resolve_times(text, ctx())) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Dec 5 or 6", ["2026-12-05", "2026-12-06"]),  # later days listed after a month date share its month
        ("Dec 5th, 6th and 9th", ["2026-12-05", "2026-12-06", "2026-12-09"]),
        ("Dec 5, 2 people", ["2026-12-05"]),  # a count after the date is no day
    ],
)
def test_days_listed_after_a_month_date(text: str, days: list[str]) -> None:
    assert [w.start.astimezone(NY).date().isoformat() for w in resolve_times(text, ctx())] == days


@pytest.mark.parametrize(
    ("text", "day"),
    [("a week today", "2026-11-25"), ("tomorrow week", "2026-11-26"), ("Monday fortnight", "2026-12-07")],
)
def test_british_days_counted_on_from_a_day(text: str, day: str) -> None:
    assert [w.start.astimezone(NY).date().isoformat() for w in resolve_times(text, ctx())] == [day]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pick-up 1700 tomorrow", ["11-19 17:00-17:30"]),  # a 24-hour time beside a day
        ("flight LH 1234 on Friday", ["11-20 00:00-00:00"]),  # a carrier code and its number are no time
        ("room 1204 on Friday", ["11-20 00:00-00:00"]),
        ("next Friday 8h", ["11-27 08:00-08:30"]),  # after a day, "8h" is a time, not eight hours
        ("seat 14C on the 9:40 to Boston tomorrow", ["11-19 09:40-10:10"]),  # a departure, not a meeting moved
        ("depart 11:05, arrive 13:20 on Friday", ["11-20 11:05-11:35", "11-20 13:20-13:50"]),
        (
            "hotel from 11/12 to 14/12",
            ["12-11 00:00-00:00", "12-12 00:00-00:00", "12-13 00:00-00:00", "12-14 00:00-00:00"],
        ),
        ("arrive not later than 14:00 on Friday", ["11-20 00:00-14:00"]),
        ("the day after Thanksgiving", ["11-27 00:00-00:00"]),
        ("2 days before the 25th", ["11-23 00:00-00:00"]),
        ("Happy New Year! Friday?", ["11-20 00:00-00:00"]),  # a greeting, not a day on offer
        ("hotel from 29.11. until 1.12., 3 nights", ["11-29 00:00-00:00", "11-30 00:00-00:00", "12-01 00:00-00:00"]),
        ("latest check-out is 12 noon on Friday", ["11-20 00:00-12:00"]),
        ("2 rooms for 3.-4.12.", ["12-03 00:00-00:00", "12-04 00:00-00:00"]),
        ("2 rooms for 3.-4. December", ["12-03 00:00-00:00", "12-04 00:00-00:00"]),
        ("dinner on Friday at 8", ["11-20 20:00-20:30"]),
        ("seat 12A, boarding 7:50 Friday", ["11-20 07:50-08:20"]),  # a seat, not midnight
        ("at 7a on Friday", ["11-20 07:00-07:30"]),
        ("Dep. 06.55, arr. 08.40, Fri 20 Nov", ["11-20 06:55-07:25", "11-20 08:40-09:10"]),
        ("Friday 9.30h", ["11-20 09:30-10:00"]),  # a time, not 9.3 hours
        ("a.m. flight on Friday", ["11-20 08:00-12:00"]),
        ("leave on Thursday 3/12", ["12-03 00:00-00:00"]),  # March 12 is a Friday, 3 December the Thursday
        ("until and including Friday", ["11-18 09:00-00:00", "11-19 00:00-00:00", "11-20 00:00-00:00"]),
        ("I'm out of office 23-24 November", []),  # ruled out, not offered
        ("the weekend of 28/29 November", ["11-28 00:00-00:00", "11-29 00:00-00:00"]),
        ("leave tonight after 9", ["11-18 21:00-00:00"]),  # the evening only said 9pm
        ("from Fri 4 Dec to Sun 6 Dec", ["12-04 00:00-00:00", "12-05 00:00-00:00", "12-06 00:00-00:00"]),
        ("w/c 30th November", [f"{d} 00:00-00:00" for d in ("11-30", "12-01", "12-02", "12-03", "12-04")]),
        ("2 Dec 2026, 14.00 hrs", ["12-02 14:00-14:30"]),
        ("price 1.230,00 EUR, departure 09:10 on Dec 2", ["12-02 09:10-09:40"]),  # "00" is cents, not midnight
        ("a room on 20 and 21 November", ["11-20 00:00-00:00", "11-21 00:00-00:00"]),
        ("a departure not earlier than 10 o'clock", ["11-18 10:00-00:00"]),
        ("I could also leave on Sunday evening (29.11.)", ["11-29 17:00-21:00"]),
        ("the train at 07:12 or the one at 08:12 on Friday", ["11-20 07:12-07:42", "11-20 08:12-08:42"]),
        ("preferably midweek next week", [f"11-{d} 00:00-00:00" for d in (24, 25, 26)]),
        ("Could we move the flight from Tuesday to Wednesday?", ["11-25 00:00-00:00"]),
        ("after the 25th", ["11-26 00:00-00:00"]),  # the first day past it
        ("please book for 3.12. 19:00, table for 6", ["12-03 19:00-19:30"]),  # six people, not 6pm
        ("back on wed 2nd december pm", ["12-02 12:00-17:00"]),
        ("2moro at 10", ["11-19 10:00-10:30"]),
        ("w/e of the 28th november", ["11-28 00:00-00:00", "11-29 00:00-00:00"]),
        ("the 1st december 1200", ["12-01 12:00-12:30"]),
        ("half 7 on friday", ["11-20 07:30-08:00"]),
        ("hotel nr Paddington 23rd-25th", ["11-23 00:00-00:00", "11-24 00:00-00:00", "11-25 00:00-00:00"]),
        ("ETD 1930, friday", ["11-20 19:30-20:00"]),
        ("9.12.-11.12.", ["12-09 00:00-00:00", "12-10 00:00-00:00", "12-11 00:00-00:00"]),
        ("no flights before 9 please, Friday", ["11-20 09:00-00:00"]),
        ("no calls after 4 on Friday", ["11-20 00:00-16:00"]),
        ("tonight or tomorrow morning", ["11-18 17:00-21:00", "11-19 08:00-12:00"]),
        ("room rate 189.00 per night, arriving 2 Dec around 19:00", ["12-02 19:00-19:30"]),
        ("November 30 - December 2, 3 nights", [f"{d} 00:00-00:00" for d in ("11-30", "12-01", "12-02")]),
        ("trip on 9-10 December", ["12-09 00:00-00:00", "12-10 00:00-00:00"]),
        ("I'm on holiday from 30 November to 2 December", []),  # ruled out, not offered
        ("3.12. 6:00-8:00 or 4.12. 18:00-20:00", ["12-03 06:00-08:00", "12-04 18:00-20:00"]),  # one 24-hour clock
        ("Option A: Mon 23rd 9:15\nOption B: Tue 24th 14:40", ["11-23 09:15-09:45", "11-24 14:40-15:10"]),
        ("FROM: 3.12. TO: 4.12.", ["12-03 00:00-00:00", "12-04 00:00-00:00"]),
        ("Earliest start: 9:00\nLatest end: 17:30\nDay: Monday 23rd", ["11-23 09:00-17:30"]),
        ("Deadline for booking: Friday", ["11-18 09:00-00:00", "11-19 00:00-00:00", "11-20 00:00-00:00"]),
        ("Mon-Tue (30.11.-1.12.)", ["11-30 00:00-00:00", "12-01 00:00-00:00"]),
        ("KW 49", [f"{d} 00:00-00:00" for d in ("11-30", "12-01", "12-02", "12-03", "12-04")]),
        ("from the 3. until the 4. of December", ["12-03 00:00-00:00", "12-04 00:00-00:00"]),
        ("at 9 hour on Friday", ["11-20 09:00-09:30"]),
        ("on 3 and 4 December", ["12-03 00:00-00:00", "12-04 00:00-00:00"]),
        ("on Friday 4 December from 9 till 12", ["12-04 09:00-12:00"]),
        ("in the afternoon of the 20th, after 2", ["11-20 14:00-17:00"]),
        ("the 30 at 7h", ["11-30 07:00-07:30"]),
        ("from the 19 to the 20 November", ["11-19 00:00-00:00", "11-20 00:00-00:00"]),
        ("after-tomorrow", ["11-20 00:00-00:00"]),
        ("Thursday 19 at 17", ["11-19 17:00-17:30"]),
        ("on the 20 November at h. 11", ["11-20 11:00-11:30"]),
        ("within Friday", ["11-18 09:00-00:00", "11-19 00:00-00:00", "11-20 00:00-00:00"]),
        ("1 December (Tuesday) at 13:10", ["12-01 13:10-13:40"]),
        ("one of the days 1, 2 or 3 December", [f"12-0{d} 00:00-00:00" for d in (1, 2, 3)]),
        ("every Monday in December", [f"12-{d:02d} 00:00-00:00" for d in (7, 14, 21, 28)]),
        ("any day but Wednesday next week", [f"11-{d} 00:00-00:00" for d in (23, 24, 26, 27)]),
        ("from Tuesday 1 to Thursday 3 December", [f"12-0{d} 00:00-00:00" for d in (1, 2, 3)]),
        (
            "the week after Thanksgiving",
            [f"{day} 00:00-00:00" for day in ("11-30", "12-01", "12-02", "12-03", "12-04")],
        ),
    ],
)
def test_travel_booking_fragments(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("any time prior to 2pm tomorrow", ["11-19 00:00-14:00"]),
        ("in advance of 11am on Friday", ["11-20 00:00-11:00"]),
        ("within 2 hours", ["11-18 09:00-11:00"]),
        ("table for 3 peeps tonight around 8 pm", ["11-18 20:00-20:30"]),
    ],
)
def test_more_ways_to_bound_a_time(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


@pytest.mark.parametrize(
    ("text", "first_day"),
    [
        ("the Monday before Dec 25", "2026-12-21"),
        ("the 2nd Friday after Dec 1", "2026-12-11"),
        ("3 days after next Wednesday", "2026-11-28"),
        ("2 Mondays from now", "2026-11-30"),
        ("Friday after 1", "2026-11-20"),  # a time on that Friday, not a day counted from another
    ],
)
def test_days_counted_from_another_day(text: str, first_day: str) -> None:
    spans = resolve_times(text, ctx())
    assert spans[0].start.astimezone(NY).date().isoformat() == first_day


def test_past_months_and_written_out_years_are_read_whole() -> None:
    spans = resolve_times("last September", ctx())
    assert spans[0].start.astimezone(NY).date().isoformat() == "2026-09-01"
    spans = resolve_times("the 2nd of February in the year 1980", ctx())
    assert [w.start.astimezone(NY).date().isoformat() for w in spans] == ["1980-02-02"]


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2027-02", "2027-02-01", "2027-02-28"),
        ("2027, feb", "2027-02-01", "2027-02-28"),
        ("02 - 2027", "2027-02-01", "2027-02-28"),
    ],
)
def test_a_month_and_its_year_in_any_order(text: str, first: str, last: str) -> None:
    days = [w.start.date().isoformat() for w in resolve_times(text, ctx())]
    assert (days[0], days[-1]) == (first, last)


def test_the_date_of_the_meeting_being_changed_is_not_offered() -> None:
    req = parse_request("Change the Dec 1st meeting to Dec 3rd", ctx())
    assert req.intent is Intent.RESCHEDULE
    assert [w.start.date().isoformat() for w in req.windows] == ["2026-12-03"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 minutes ago", "2026-11-18T08:55"),
        ("8.3 hours ago", "2026-11-18T00:42"),
        ("an hour before now", "2026-11-18T08:00"),
        ("right now", "2026-11-18T09:00"),
        ("5 hours after noon", "2026-11-18T17:00"),
        ("2 hours before 12:00 pm", "2026-11-18T10:00"),
        ("half an hour before noon", "2026-11-18T11:30"),
        ("3 hours before midnight", "2026-11-18T21:00"),  # counted back from the end of the day
        ("in 1 hour 30 minutes", "2026-11-18T10:30"),
        ("in 1h30", "2026-11-18T10:30"),
        ("in 2 weeks and 3 days", "2026-12-05T00:00"),
    ],
)
def test_moments_counted_from_now_or_from_a_clock_time(text: str, expected: str) -> None:
    assert [f"{w.start.astimezone(NY):%Y-%m-%dT%H:%M}" for w in resolve_times(text, ctx())] == [expected]


def test_a_length_before_a_time_is_no_moment() -> None:
    req = parse_request("I need 2 hours before noon tomorrow", ctx())
    assert (req.duration_minutes, local(req.windows)) == (120, ["11-19 00:00-12:00"])


def test_end_of_week_without_the_article_and_eow() -> None:
    for text in ("by end of week", "eow"):
        last = max(w.end for w in resolve_times(text, ctx())) - timedelta(microseconds=1)
        assert last.astimezone(NY).date().isoformat() == "2026-11-20"


def test_the_next_stretch_of_time() -> None:
    assert local(parse_request("within the next hour", ctx()).windows) == ["11-18 09:00-10:00"]
    assert local(parse_request("in the next 30 minutes", ctx()).windows) == ["11-18 09:00-09:30"]


def test_now_as_an_adverb_is_no_time_and_next_skips_todays_date() -> None:
    assert parse_request("now that the budget is in, let's talk", ctx()).windows == ()
    assert local(parse_request("I'm slammed right now, maybe Thursday?", ctx()).windows) == ["11-19 00:00-00:00"]
    assert local(parse_request("can you talk right now?", ctx()).windows) == ["11-18 09:00-09:30"]
    assert resolve_times("next November 18", ctx())[0].start.date().isoformat() == "2027-11-18"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("I flew in on 10.11.", "2026-11-10"),
        ("we arrived on the 3rd", "2026-11-03"),
        ("they landed on Monday", "2026-11-16"),
        ("I left Madrid on 28 October", "2026-10-28"),
        ("I arrived on Halloween", "2026-10-31"),
        ("we arrived on Monday the 26th", "2026-10-26"),
        ("we have arrived on the 8", "2026-11-08"),
        ("I was hoping to fly on the 20th", "2026-11-20"),  # no travel told as done: still the next 20th
    ],
)
def test_a_date_told_as_travel_done_is_the_last_one(text: str, day: str) -> None:
    assert [w.start.date().isoformat() for w in resolve_times(text, ctx())] == [day]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16:00 Dec 3 to 17:00", ["12-03 16:00-17:00"]),  # a time range written around its day
        ("Wed of the week after next in the evening", ["12-02 17:00-21:00"]),
        ("the 3rd of the month after next at 10am", ["01-03 10:00-10:30"]),
        ("Dec 3 1300 hours", ["12-03 13:00-13:30"]),
    ],
)
def test_ranges_around_a_day_and_the_week_or_month_after_next(text: str, expected: list[str]) -> None:
    assert local(resolve_times(text, ctx())) == expected


def test_a_shift_with_no_day_after_it_counts_from_the_day_just_offered() -> None:
    days = resolve_times("Dec 3 or 2 days after", ctx())
    assert [w.start.astimezone(NY).date().isoformat() for w in days] == ["2026-12-03", "2026-12-05"]


@pytest.mark.parametrize(
    ("text", "first", "count"),
    [
        ("August 29 - September 2, 2006", "2006-08-29", 5),  # the first date takes the last one's year
        ("Dec 28 - Jan 3, 2027", "2026-12-28", 7),  # ... or the year before, across New Year
        ("Aug 29-Sep 2", "2027-08-29", 5),  # no "29-Sep" day written against the next month
        ("from friday til sunday", "2026-11-20", 3),
        ("3 days from tomorrow", "2026-11-22", 1),
        ("after 4 days", "2026-11-22", 1),
        ("after 2 days of meetings, sync Friday", "2026-11-20", 1),  # no "after 2" pm, no date in 2 days
    ],
)
def test_ranges_and_counted_days_in_more_spellings(text: str, first: str, count: int) -> None:
    days = [w.start.astimezone(NY).date().isoformat() for w in resolve_times(text, ctx())]
    assert (days[0], len(days)) == (first, count)


def test_a_range_of_days_of_the_month_ends_in_the_month_after() -> None:
    # said on Dec 1, the next 2nd is tomorrow, but "from the 29th to the 2nd" ends on Jan 2
    spans = resolve_times("from the 29th to the 2nd", ctx(now=datetime(2026, 12, 1, 9, 0, tzinfo=NY)))
    days = [w.start.astimezone(NY).date().isoformat() for w in spans]
    assert (days[0], days[-1], len(days)) == ("2026-12-29", "2027-01-02", 5)


def test_an_opening_quote_does_not_hide_a_time() -> None:
    assert local(parse_request("in '5 minutes' we go", ctx()).windows) == ["11-18 09:05-09:35"]


def _days(windows: tuple[Interval, ...]) -> list[str]:
    return sorted({f"{w.start.astimezone(NY):%m-%d}" for w in windows})


@pytest.mark.parametrize(
    ("text", "reading", "scheduled"),
    [
        # A week is read Monday to Sunday, scheduled on its working days from today on (Wednesday the 18th).
        ("this week", ["11-16", "11-17", "11-18", "11-19", "11-20", "11-21", "11-22"], ["11-18", "11-19", "11-20"]),
        ("next week", [f"11-{d}" for d in range(23, 30)], [f"11-{d}" for d in range(23, 28)]),
        # "in a week" is the date seven days on; scheduling offers that week.
        ("in a week", ["11-25"], [f"11-{d}" for d in range(23, 28)]),
        # "the next 2 days" are the two after today; scheduling counts today in.
        ("in the next 2 days", ["11-19", "11-20"], ["11-18", "11-19", "11-20"]),
        # The first week of a month starts on its first Monday; scheduling keeps the working week holding the 1st.
        ("the first week of December", [f"12-{d:02d}" for d in range(7, 14)], [f"12-{d:02d}" for d in range(1, 5)]),
        # A day of this week that has passed is still read as that day, and so not scheduled.
        ("Monday of this week", ["11-16"], []),
        # The past is read, and not scheduled.
        ("the last 2 days", ["11-16", "11-17"], []),
    ],
)
def test_the_reading_is_literal_and_scheduling_applies_policy(
    text: str, reading: list[str], scheduled: list[str]
) -> None:
    assert _days(resolve_times(text, ctx())) == reading
    assert _days(parse_request(text, ctx()).windows) == scheduled


def test_a_month_is_read_whole_and_scheduled_on_its_working_days() -> None:
    reading = resolve_times("next month", ctx())
    assert (reading[0].start.astimezone(NY).date().isoformat(), len(reading)) == ("2026-12-01", 31)
    scheduled = parse_request("next month", ctx()).windows
    assert all(w.start.astimezone(NY).weekday() < 5 for w in scheduled)
    assert len(scheduled) == 23


def test_a_quarter_is_its_three_months() -> None:
    reading = resolve_times("the third quarter of 2027", ctx(horizon_days=5000))
    assert (reading[0].start.date().isoformat(), reading[-1].start.date().isoformat()) == ("2027-07-01", "2027-09-30")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("good friday", "2027-03-26"),  # the holiday, not a greeting
        ("election day", "2027-11-02"),  # the Tuesday after the first Monday in November
        ("president's day", "2027-02-15"),
        ("st patty's day", "2027-03-17"),
        ("easter '28", "2028-04-16"),
    ],
)
def test_more_holiday_names_and_short_years(text: str, day: str) -> None:
    assert [w.start.date().isoformat() for w in resolve_times(text, ctx())] == [day]

    assert local(parse_request("in '5 minutes' we go", ctx()).windows) == ["11-18 09:05-09:35"]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Dec 1st, 2nd, or 4th", ["2026-12-01", "2026-12-02", "2026-12-04"]),
        ("the 2nd, 3rd or 7th of December", ["2026-12-02", "2026-12-03", "2026-12-07"]),
        ("this week or next", ["2026-11-18", "2026-11-19", "2026-11-20"] + [f"2026-11-{d}" for d in range(23, 28)]),
        ("later this month", [f"2026-11-{d}" for d in (19, 20, 23, 24, 25, 26, 27, 30)]),
        ("we got a partner of the month", []),
    ],
)
def test_lists_that_share_a_month_or_a_week(text: str, days: list[str]) -> None:
    assert sorted({w.start.date().isoformat() for w in parse_request(text, ctx()).windows}) == days


def test_weekdays_listed_with_times_run_forward() -> None:
    req = parse_request("next week on Tuesday 9 am or Monday 1 pm", ctx())
    assert local(req.windows) == ["11-24 09:00-09:30", "11-30 13:00-13:30"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("1st Tuesday next December", "2026-12-01"),  # "in" left out before "next <month>"
        ("2027 January 28", "2027-01-28"),  # the year written first
    ],
)
def test_nth_weekday_of_next_month_name_and_year_first_dates(text: str, day: str) -> None:
    assert resolve_times(text, ctx())[0].start.astimezone(NY).date().isoformat() == day


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("2011-07-03 22:11:35 +0100", "2011-07-03T21:11:00+00:00"),  # the offset after a clock time is its zone
        ("2012-08-02T08:00:00-04:00", "2012-08-02T12:00:00+00:00"),
        ("2013-08-01T19:30:00.345-07:00", "2013-08-02T02:30:00+00:00"),
        ("2012:05:25 22:06:50", "2012-05-25T22:06:00-04:00"),  # EXIF's colons
        ("2006-08-20 15:30.30", "2006-08-20T15:30:00-04:00"),  # seconds after a dot, the minutes after a colon
    ],
)
def test_timestamps_with_their_offsets(text: str, first: str) -> None:
    assert resolve_times(text, ctx())[0].start.astimezone(ZoneInfo("UTC")) == datetime.fromisoformat(first)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("7 hours ago", "2026-11-18 02:00"),
        ("an hour ago", "2026-11-18 08:00"),
        ("25 minutes and 20 seconds from now", "2026-11-18 09:25"),
        ("3 fortnights from now", "2026-12-30 00:00"),
        ("2 days from this second", "2026-11-20 00:00"),
    ],
)
def test_single_offsets_from_now(text: str, first: str) -> None:
    assert resolve_times(text, ctx())[0].start.astimezone(NY).strftime("%Y-%m-%d %H:%M") == first


def test_start_thirty_minutes_later_is_no_moment() -> None:
    assert all(w.start.minute != 30 for w in resolve_times("can we start 30 minutes later tomorrow?", ctx()))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2 weekends from now", ["2026-11-28", "2026-11-29"]),
        ("1 weekend from now", ["2026-11-21", "2026-11-22"]),
        ("2 weekends ago", ["2026-11-07", "2026-11-08"]),
    ],
)
def test_counted_weekends(text: str, days: list[str]) -> None:
    assert [w.start.astimezone(NY).date().isoformat() for w in resolve_times(text, ctx())] == days


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("3rd thursday this december", "2026-12-17"),
        ("2nd monday next november", "2027-11-08"),  # "next" said in that month: next year's
        ("30-Mar-27", "2027-03-30"),  # the last part of a dashed date with a month name is its year
        ("2027 May 22nd", "2027-05-22"),
        ("may 97", "1997-05-01"),
        ("this day", "2026-11-18"),
    ],
)
def test_more_date_spellings(text: str, day: str) -> None:
    assert resolve_times(text, ctx())[0].start.astimezone(NY).date().isoformat() == day


def test_a_day_no_month_has_is_no_day_at_all() -> None:
    req = parse_request("the 10th wednesday in november", ctx())
    assert req.windows == ()
    assert any("no such day" in note for note in req.not_understood)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 on Friday", ["11-20 17:00-17:30"]),  # a bare hour with "on" and a day after it
        ("we will be 5 on Friday", ["11-20 00:00-00:00"]),  # a count, not a time
        ("10 prior to 2", ["11-18 13:50-14:20"]),
    ],
)
def test_bare_hours_beside_a_day(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


def test_a_range_of_clock_times_is_no_offset() -> None:
    assert local(parse_request("9:30-12:00 on Friday", ctx()).windows) == ["11-20 09:30-12:00"]
    assert local(parse_request("10:00:00-12:00:00 on Friday", ctx()).windows) == ["11-20 10:00-12:00"]


def test_two_times_in_one_zone_are_two_offers_not_an_echo() -> None:
    req = parse_request("11:30am CST or 5pm CT on Friday", ctx())
    chicago = ZoneInfo("America/Chicago")
    assert local(req.windows, chicago) == ["11-20 11:30-12:00", "11-20 17:00-17:30"]
    echo = parse_request("10am EST / 3pm GMT on Friday", ctx())
    assert local(echo.windows) == ["11-20 10:00-10:30"]


def test_a_zone_after_both_ends_of_a_range_and_a_zone_word_alone() -> None:
    assert local(parse_request("Friday between 8:30am ET and 9am ET", ctx()).windows) == ["11-20 08:30-09:00"]
    assert parse_request("ET is one of my favorite movies", ctx(sender_timezone="UTC")).timezone == "UTC"


def test_last_night_and_this_second() -> None:
    assert local(resolve_times("as we said last night", ctx())) == ["11-17 20:00-23:00"]
    assert resolve_times("this second", ctx())[0].start == NOW


def test_a_season_alone_is_a_time_but_not_inside_a_sentence() -> None:
    assert resolve_times("summer", ctx())[0].start.astimezone(NY).date().isoformat() == "2027-06-21"
    assert resolve_times("our summer intern starts soon", ctx()) == ()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("tommorow", "2026-11-19"),  # a common misspelling
        ("the 10th of next January", "2027-01-10"),
        ("the 1st of 2 months ago", "2026-09-01"),
        ("the Monday of 2 weeks ago", "2026-11-02"),
        ("Tuesday of 3 weeks from now", "2026-12-08"),
        ("the last Monday of last month", "2026-10-26"),
        ("the thirtieth day of next April", "2027-04-30"),
    ],
)
def test_days_inside_a_counted_week_or_month(text: str, day: str) -> None:
    assert resolve_times(text, ctx())[0].start.astimezone(NY).date().isoformat() == day


def test_a_bare_hour_beside_a_clock_time_and_a_list_with_a_final_or() -> None:
    assert local(parse_request("12 or 12:30 tomorrow", ctx()).windows) == ["11-19 12:00-12:30", "11-19 12:30-13:00"]
    days = parse_request("next Wed, Thu, or Fri", ctx()).windows
    assert [w.start.astimezone(NY).date().isoformat() for w in days] == ["2026-11-25", "2026-11-26", "2026-11-27"]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("7 hours before tomorrow at noon", "2026-11-19 05:00"),
        ("7 hours before tomorrow at midnight", "2026-11-19 17:00"),  # midnight counted back from ends the day
        ("2 hours after tomorrow 9am", "2026-11-19 11:00"),
    ],
)
def test_a_length_counted_from_a_clock_time_on_another_day(text: str, first: str) -> None:
    assert resolve_times(text, ctx())[0].start.astimezone(NY).strftime("%Y-%m-%d %H:%M") == first


@pytest.mark.parametrize(
    ("text", "first", "count"),
    [
        ("the 3rd day of next week", "2026-11-25", 1),
        ("4th day last week", "2026-11-12", 1),
        ("3rd month next year", "2027-03-01", 31),  # the whole month, not the whole year
        ("the last day of next year", "2027-12-31", 1),
    ],
)
def test_a_day_or_month_counted_inside_a_week_or_year(text: str, first: str, count: int) -> None:
    days = resolve_times(text, ctx())
    assert (days[0].start.astimezone(NY).date().isoformat(), len(days)) == (first, count)


def test_an_offset_counted_back_from_tomorrow() -> None:
    days = [w.start.astimezone(NY).date().isoformat() for w in resolve_times("3 years ago tomorrow", ctx())]
    assert days == ["2023-11-19"]


@pytest.mark.parametrize(
    ("text", "first_day"),
    [
        ("Friday 12.4", "2026-12-04"),  # 12 April is a Monday; the Friday says the writer meant Dec 4
        ("Friday 2026-11-20", "2026-11-20"),  # the weekday is part of the ISO date, not another Friday
        ("week 50", "2026-12-07"),  # an ISO week number
        ("next week after 2pm", "2026-11-23"),  # "after" a clock time, not "the week after" a date
    ],
)
def test_numeric_dates_and_weeks_read_with_what_is_written_beside_them(text: str, first_day: str) -> None:
    days = sorted({w.start.astimezone(NY).date().isoformat() for w in parse_request(text, ctx()).windows})
    assert days[0] == first_day


def test_city_times() -> None:
    req = parse_request("Friday 10:30am Montreal time", ctx(sender_timezone="UTC"))
    assert req.timezone == "America/Toronto"
    assert local(req.windows, ZoneInfo("America/Toronto")) == ["11-20 10:30-11:00"]


def test_a_number_with_am_pm_after_a_day_first_date_is_its_time() -> None:
    assert local(resolve_times("18 Dec 5 am", ctx())) == ["12-18 05:00-05:30"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the next hour", ["11-18 09:00-10:00"]),
        ("over the next 3 hrs", ["11-18 09:00-12:00"]),
        ("within hours", []),  # no length given
    ],
)
def test_the_next_hours_are_a_stretch_from_now(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


def test_the_end_of_last_month_is_its_last_day_and_first_to_last_day_is_the_whole_month() -> None:
    assert [w.start.date().isoformat() for w in resolve_times("at the end of last month", ctx())] == ["2026-10-31"]
    days = resolve_times("first to last day of December", ctx())
    assert (days[0].start.date().isoformat(), len(days)) == ("2026-12-01", 31)


def test_a_deadline_with_a_clock_time_is_one_stretch_up_to_that_moment() -> None:
    # read literally the stretch opens at the moment of writing, as Duckling reads "by 2:00pm"
    assert local(resolve_times("by Friday 3pm", ctx())) == ["11-18 09:00-15:00"]
    (window,) = parse_request("can we talk by Friday 3pm?", ctx()).windows
    assert (window.start, window.end) == (NOW, datetime(2026, 11, 20, 15, 0, tzinfo=NY))


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("the month of Jan", "2027-01-01", "2027-01-29"),  # "month of" makes "Jan" a month, not a name
        ("this March", "2027-03-01", "2027-03-31"),  # the coming one
        ("the upcoming month", "2026-12-01", "2026-12-31"),
        ("from 2 to 7 Feb, two thousand and twenty seven", "2027-02-02", "2027-02-07"),
        ("3 weeks in the future", "2026-12-07", "2026-12-11"),
    ],
)
def test_months_and_spoken_years(text: str, first: str, last: str) -> None:
    days = sorted(
        {w.start.astimezone(NY).date().isoformat() for w in parse_request(text, ctx(horizon_days=500)).windows}
    )
    assert (days[0], days[-1]) == (first, last)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6:00 pm - 12:00 am", ["11-18 18:00-00:00"]),  # a range ending at midnight runs to the day's end
        ("12/3 4-5 PM or 5-6 PM tomorrow", ["11-19 17:00-18:00", "12-03 16:00-17:00"]),  # the time before its day
        ("12/3 3 pm - 12/4 2 pm", ["12-03 15:00-14:00"]),  # one stretch across days, not "3 pm - 12"
    ],
)
def test_ranges_to_midnight_and_times_written_before_their_day(text: str, expected: list[str]) -> None:
    assert local(resolve_times(text, ctx())) == expected


def test_hours_and_minutes_run_together_are_a_length() -> None:
    assert parse_request("2h30m call tomorrow", ctx()).duration_minutes == 150


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at eleven five tomorrow", ["11-19 11:05-11:35"]),
        ("ten oh five tomorrow", ["11-19 10:05-10:35"]),
        ("3 mins to 5:30 tomorrow", ["11-19 17:27-17:57"]),
        ("tomorrow T12:34:20", ["11-19 12:34-13:04"]),
        ("mid-night", ["11-19 00:00-00:30"]),
        ("midafternoon", ["11-18 14:00-16:00"]),
        ("the item is priced at 1.6714", []),
    ],
)
def test_clock_times_written_in_other_ways(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("the rest of the week", "2026-11-18", "2026-11-22"),
        ("rest of the month", "2026-11-18", "2026-11-30"),
        ("the rest of the year", "2026-11-18", "2026-12-31"),
    ],
)
def test_the_rest_of_a_period_is_read_from_today(text: str, first: str, last: str) -> None:
    days = [w.start.astimezone(NY).date().isoformat() for w in resolve_times(text, ctx())]
    assert (days[0], days[-1]) == (first, last)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("a decade ago", "2016-11-18"),
        ("2y ago", "2024-11-18"),
        ("in 1d", "2026-11-19"),
        ("in 1 year, 09 months,01 weeks", "2028-08-25"),  # no space after the comma, a leading zero
    ],
)
def test_decades_unit_letters_and_tight_compound_offsets(text: str, day: str) -> None:
    assert resolve_times(text, ctx())[0].start.astimezone(NY).date().isoformat() == day


def test_alternative_hours_share_the_meridiem_written_after_them() -> None:
    assert local(parse_request("Dec 3 4 or 5 PM", ctx()).windows) == ["12-03 16:00-16:30", "12-03 17:00-17:30"]
    assert local(parse_request("Dec 3 between 11 and 1 pm", ctx()).windows) == ["12-03 11:00-13:00"]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Friday the 4", ["2026-12-04"]),
        ("Thursday the nineteen", ["2026-11-19"]),
        ("December 2 of 2026", ["2026-12-02"]),
        ("tickets for the 17th door", []),
    ],
)
def test_days_of_the_month_written_beside_a_weekday_or_a_year(text: str, days: list[str]) -> None:
    assert sorted({w.start.astimezone(NY).date().isoformat() for w in parse_request(text, ctx()).windows}) == days


def test_early_and_late_in_a_year_are_its_halves() -> None:
    early = resolve_times("early next year", ctx(horizon_days=400))
    assert (early[0].start.date().isoformat(), early[-1].start.date().isoformat()) == ("2027-01-01", "2027-06-30")
    assert parse_request("later this year", ctx()).windows[0].start == NOW


def test_another_hour_is_a_length_of_one_hour() -> None:
    assert parse_request("can we take another hour on Friday?", ctx()).duration_minutes == 60


@pytest.mark.parametrize(("text", "minutes"), [("a 1 1/2 hour call", 90), ("2-1/2 hours", 150), ("1 3/4 hrs", 105)])
def test_a_whole_number_and_a_fraction_is_a_length_not_a_date(text: str, minutes: int) -> None:
    request = parse_request(text, ctx())
    assert (request.duration_minutes, request.windows) == (minutes, ())


def test_a_part_of_day_inside_a_hyphenated_word_is_no_time() -> None:
    assert parse_request("a one-night-only show", ctx()).windows == ()


def test_a_day_then_an_offset_back_from_it() -> None:
    days = resolve_times("tomorrow 1 year ago", ctx())
    assert [w.start.astimezone(NY).date().isoformat() for w in days] == ["2025-11-19"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "the next 3 business days",
            ["11-18 09:00-00:00", "11-19 00:00-00:00", "11-20 00:00-00:00", "11-23 00:00-00:00"],
        ),
        ("tomorrow as early as 7:00 am", ["11-19 07:00-00:00"]),
        ("tomorrow as late as 10 am", ["11-19 00:00-10:00"]),
    ],
)
def test_business_days_and_as_early_or_late_as(text: str, expected: list[str]) -> None:
    assert local(parse_request(text, ctx()).windows) == expected


def test_now_after_a_request_and_a_stretch_ruled_out() -> None:
    assert local(parse_request("can we talk now?", ctx()).windows) == ["11-18 09:00-09:30"]
    assert parse_request("now that the budget is in", ctx()).windows == ()
    assert local(parse_request("I'll be out the next hour", ctx()).avoid) == ["11-18 09:00-10:00"]
    assert local(parse_request("call me tonite at 8", ctx()).windows) == ["11-18 20:00-20:30"]


@pytest.mark.parametrize(
    ("text", "zone"),
    [("3pm utc4:30 on Friday", "UTC+04:30"), ("Friday 2pm pacific daylight time", "America/Los_Angeles")],
)
def test_zones_written_without_a_sign_or_with_daylight(text: str, zone: str) -> None:
    assert parse_request(text, ctx()).timezone == zone


def test_within_weeks_counted_from_today() -> None:
    days = {w.start.date().isoformat() for w in parse_request("within 2 weeks after today", ctx()).windows}
    assert (min(days), max(days), len(days)) == ("2026-11-18", "2026-12-02", 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in the 30 coming minutes", ["11-18 09:00-09:30"]),
        ("rates were at 6.45 percent", []),
        ("from 3-8pm tomorrow afternoon", ["11-19 15:00-20:00"]),
        ("and the day after?", ["11-19 00:00-00:00"]),
    ],
)
def test_counts_after_their_word_percentages_and_a_dangling_day_after(text: str, expected: list[str]) -> None:
    assert local(resolve_times(text, ctx())) == expected


def test_a_day_said_again_beside_its_time_and_day_first_dates_before_a_time() -> None:
    assert local(parse_request("Dec 3 8:00, Dec 3", ctx()).windows) == ["12-03 08:00-08:30"]
    assert local(parse_request("25/11 11 am", ctx()).windows) == ["11-25 11:00-11:30"]
    assert local(parse_request("I'm free now", ctx()).windows) == ["11-18 09:00-09:30"]
    assert local(parse_request("two weeks from now", ctx()).windows) == ["12-02 00:00-00:00"]


def test_a_part_of_day_after_a_ranges_end_belongs_to_the_range() -> None:
    req = parse_request("Friday from 3 in the morning until five in the afternoon", ctx())
    assert local(req.windows) == ["11-20 03:00-17:00"]
