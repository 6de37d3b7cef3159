"""iTIP reading (real client output, broken and hostile input) and writing (golden files, round trips)."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from scheduler_agent.itip import (
    MAX_EVENTS,
    MAX_ICS_CHARS,
    ItipAttendee,
    ItipError,
    ItipEvent,
    ItipMessage,
    build_cancel,
    build_counter,
    build_decline_counter,
    build_reply,
    build_request,
    parse_itip,
)

FIXTURES = Path(__file__).parent / "fixtures" / "itip"
GOLDEN = FIXTURES / "golden"
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
AGENT = ItipAttendee(email="agent@sched.example.org", name="Scheduling Agent", partstat="ACCEPTED", role="CHAIR")
DANA = ItipAttendee(email="dana@example.com", name="Dana Lee", rsvp=True)
OMAR = ItipAttendee(email="omar@example.net", name='Omar "O" Haddad, PhD', role="OPT-PARTICIPANT", rsvp=True)
STAMP = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def load(name: str, default_tz: str = "America/New_York") -> ItipMessage:
    return parse_itip((FIXTURES / name).read_bytes(), default_tz=default_tz)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def calendar_text(*lines: str, method: str | None = "REQUEST") -> str:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"] + ([f"METHOD:{method}"] if method else [])
    return "\r\n".join([*head, *lines, "END:VCALENDAR", ""])


def vevent(*lines: str, uid: str = "u1@example.com") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260301T120000Z", *lines, "END:VEVENT"]


# --- reading real clients ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "method", "start_utc", "end_utc", "tzid"),
    [
        ("google_request.ics", "REQUEST", utc(2026, 4, 15, 17), utc(2026, 4, 15, 17, 30), "America/Los_Angeles"),
        ("google_reply.ics", "REPLY", utc(2026, 4, 15, 17), utc(2026, 4, 15, 17, 30), None),
        ("outlook_request.ics", "REQUEST", utc(2026, 11, 3, 19), utc(2026, 11, 3, 20), "America/New_York"),
        ("outlook_weurope.ics", "REQUEST", utc(2026, 3, 30, 7), utc(2026, 3, 30, 7, 45), "Europe/Berlin"),
        ("outlook_counter.ics", "COUNTER", utc(2026, 11, 5, 15), utc(2026, 11, 5, 15, 30), "America/New_York"),
        ("outlook_cancel.ics", "CANCEL", utc(2026, 11, 3, 19), utc(2026, 11, 3, 20), "America/New_York"),
        ("apple_request.ics", "REQUEST", utc(2026, 6, 12, 16), utc(2026, 6, 12, 16, 30), "America/Chicago"),
        ("recurring_request.ics", "REQUEST", utc(2026, 5, 5, 8), utc(2026, 5, 5, 8, 15), "Europe/London"),
        ("allday_request.ics", "REQUEST", utc(2026, 4, 10, 4), utc(2026, 4, 12, 4), None),
        ("floating_request.ics", "REQUEST", utc(2026, 4, 10, 13), utc(2026, 4, 10, 13, 45), None),
        ("google_publish_xwr.ics", "PUBLISH", utc(2026, 5, 20, 7), utc(2026, 5, 20, 8, 30), "Europe/Paris"),
        ("outlook_custom_tz.ics", "REQUEST", utc(2026, 7, 1, 7), utc(2026, 7, 1, 8), None),
        ("unknown_tzid.ics", "REQUEST", utc(2026, 4, 10, 13), utc(2026, 4, 10, 14), None),
    ],
)
def test_fixture_times_and_zones(
    fixture: str, method: str, start_utc: datetime, end_utc: datetime, tzid: str | None
) -> None:
    message = load(fixture)
    event = message.events[0]
    assert message.method == method
    assert event.start == start_utc
    assert event.end == end_utc
    assert event.tzid == tzid
    assert event.start.tzinfo is not None
    assert event.end.tzinfo is not None
    if tzid:
        assert event.start.tzinfo == ZoneInfo(tzid)


def test_google_request_people() -> None:
    message = load("google_request.ics")
    event = message.events[0]
    assert message.prodid.startswith("-//Google Inc//Google Calendar")
    assert message.warnings == ()
    assert event.uid == "5k2v8c1q0l3m9n7o6p4r2s1t0u@google.com"
    assert event.organizer == ItipAttendee(email="priya.raman@gmail.com", name="Priya Raman")
    assert [a.email for a in event.attendees] == [
        "priya.raman@gmail.com",
        "agent@sched.example.org",
        "omar@example.net",
    ]
    omar = event.attendee("MAILTO:Omar@Example.NET")
    assert omar == ItipAttendee(
        email="omar@example.net", name="Omar Haddad", partstat="TENTATIVE", role="OPT-PARTICIPANT", rsvp=True
    )
    agent = event.attendee("agent@sched.example.org")
    assert agent is not None
    assert agent.partstat == "NEEDS-ACTION"
    assert agent.rsvp
    assert event.location == "Conference Room 4B, Building 2"
    assert event.description.startswith(
        "Quarterly roadmap check-in.\n\nJoin with Google Meet: https://meet.google.com/"
    )
    assert event.summary == "Roadmap check-in"
    assert event.status == "CONFIRMED"
    assert not event.transparent
    assert event.dtstamp == utc(2026, 4, 10, 17, 15, 2)


def test_google_reply_carries_the_attendee_answer() -> None:
    event = load("google_reply.ics").events[0]
    assert event.attendees == (
        ItipAttendee(email="priya.raman@gmail.com", name="Priya Raman", partstat="DECLINED", role="REQ-PARTICIPANT"),
    )
    assert event.sequence == 1
    assert event.comment == "Sorry, I'm travelling that week."


def test_outlook_windows_zone_across_the_dst_change() -> None:
    # 3 Nov 2026 is after US DST ended (1 Nov): 14:00 Eastern is UTC-5 there.
    event = load("outlook_request.ics", default_tz="Asia/Tokyo").events[0]
    assert event.start.utcoffset() == timedelta(hours=-5)
    assert event.uid.startswith("040000008200E00074C5B7101A82E008")
    assert event.organizer is not None
    assert event.organizer.email == "mark.ellison@contoso.com"
    assert event.attendee("agent@sched.example.org") == ItipAttendee(
        email="agent@sched.example.org", name="Scheduling Agent", rsvp=True
    )
    assert event.summary == "Q3 budget review"


def test_outlook_counter_is_a_proposal_with_original_times() -> None:
    message = load("outlook_counter.ics")
    event = message.events[0]
    assert message.method == "COUNTER"
    assert event.original_start == utc(2026, 11, 3, 19)
    assert event.original_end == utc(2026, 11, 3, 19, 30)
    assert event.comment == "Could we do Thursday morning instead?"
    assert event.attendees[0].partstat == "TENTATIVE"
    assert event.sequence == 1


def test_outlook_cancel() -> None:
    event = load("outlook_cancel.ics").events[0]
    assert event.status == "CANCELLED"
    assert event.sequence == 2
    assert event.transparent


def test_apple_principal_attendee_uses_the_email_parameter() -> None:
    event = load("apple_request.ics").events[0]
    assert [a.email for a in event.attendees] == [
        "jane.appleseed@icloud.com",
        "agent@sched.example.org",
        "bo.chen@example.com",
    ]
    assert event.attendees[0].role == "CHAIR"
    assert event.summary == "Coffee ☕ and catch-up"


def test_recurring_master_and_override() -> None:
    message = load("recurring_request.ics")
    master, override = message.events
    assert message.master is master
    assert master.rrule == ("FREQ=WEEKLY;UNTIL=20260630T225959Z;BYDAY=TU;WKST=MO",)
    assert master.exdate == (datetime(2026, 5, 19, 9, tzinfo=ZoneInfo("Europe/London")),)
    assert master.recurrence_id is None
    assert override.uid == master.uid
    assert override.recurrence_id == datetime(2026, 5, 26, 9, tzinfo=ZoneInfo("Europe/London"))
    assert override.start == datetime(2026, 5, 26, 10, tzinfo=ZoneInfo("Europe/London"))
    assert override.sequence == 1
    assert override.rrule == ()


def test_all_day_is_midnight_in_the_default_zone() -> None:
    event = load("allday_request.ics", default_tz="Europe/Berlin").events[0]
    assert event.all_day
    assert not event.floating
    assert event.start == datetime(2026, 4, 10, tzinfo=BERLIN)
    assert event.end == datetime(2026, 4, 12, tzinfo=BERLIN)
    assert event.transparent


def test_floating_time_is_read_in_the_default_zone_and_flagged() -> None:
    event = load("floating_request.ics", default_tz="Europe/Berlin").events[0]
    assert event.floating
    assert event.tzid is None
    assert event.start == datetime(2026, 4, 10, 9, tzinfo=BERLIN)
    assert event.end == datetime(2026, 4, 10, 9, 45, tzinfo=BERLIN)  # DURATION:PT45M
    assert event.organizer is not None
    assert event.organizer.email == "kim@notes.example"  # MAILTO: in capitals, mixed-case address


def test_google_x_wr_timezone_names_the_zone_of_floating_and_utc_times() -> None:
    breakfast, walk = load("google_publish_xwr.ics").events
    paris = ZoneInfo("Europe/Paris")
    assert breakfast.start.tzinfo == paris
    assert breakfast.start.hour == 9
    assert walk.start == datetime(2026, 5, 20, 14, tzinfo=paris)
    assert not walk.floating
    assert walk.tzid == "Europe/Paris"


def test_unknown_zones_are_flagged() -> None:
    custom = load("outlook_custom_tz.ics")
    assert "Customized Time Zone" in custom.warnings[0]
    unknown = load("unknown_tzid.ics", default_tz="Europe/Berlin")
    assert "Mars/Olympus_Mons" in unknown.warnings[0]
    assert unknown.events[0].start == datetime(2026, 4, 10, 9, tzinfo=BERLIN)


def _custom_zone_calendar(offset: str) -> str:
    zone = [
        "BEGIN:VTIMEZONE",
        "TZID:Customized Time Zone",
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        f"TZOFFSETFROM:{offset}",
        f"TZOFFSETTO:{offset}",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    return calendar_text(*zone, *vevent("DTSTART;TZID=Customized Time Zone:20260701T090000"))


def test_one_message_cannot_redefine_a_zone_for_the_next() -> None:
    # icalendar caches VTIMEZONEs per process by TZID; our reader must not inherit the first definition.
    first = parse_itip(_custom_zone_calendar("+0300")).events[0]
    second = parse_itip(_custom_zone_calendar("-0700")).events[0]
    assert first.start == utc(2026, 7, 1, 6)
    assert second.start == utc(2026, 7, 1, 16)


# --- RFC 5545 defaults and odd-but-valid input ---------------------------------------------------------------


def test_missing_method_means_publish_and_empty_publish_is_fine() -> None:
    message = parse_itip(calendar_text(method=None))
    assert message.method == "PUBLISH"
    assert message.events == ()
    assert message.master is None


@pytest.mark.parametrize(
    ("lines", "start", "end"),
    [
        (
            ["DTSTART;VALUE=DATE:20260310"],
            datetime(2026, 3, 10, tzinfo=NEW_YORK),
            datetime(2026, 3, 11, tzinfo=NEW_YORK),
        ),
        (["DTSTART:20260310T150000Z"], utc(2026, 3, 10, 15), utc(2026, 3, 10, 15)),
        (["DTSTART:20260310T150000Z", "DURATION:PT1H30M"], utc(2026, 3, 10, 15), utc(2026, 3, 10, 16, 30)),
        # P1D over the US DST change (8 March) is a calendar day: same wall time, 23 real hours.
        (
            ["DTSTART;TZID=America/New_York:20260307T090000", "DURATION:P1D"],
            datetime(2026, 3, 7, 9, tzinfo=NEW_YORK),
            datetime(2026, 3, 8, 9, tzinfo=NEW_YORK),
        ),
        (
            ["DTSTART;TZID=America/New_York:20260307T090000", "DURATION:P1DT2H"],
            datetime(2026, 3, 7, 9, tzinfo=NEW_YORK),
            datetime(2026, 3, 8, 11, tzinfo=NEW_YORK),
        ),
    ],
)
def test_end_defaults(lines: list[str], start: datetime, end: datetime) -> None:
    event = parse_itip(calendar_text(*vevent(*lines)), default_tz="America/New_York").events[0]
    assert event.start == start
    assert event.end == end


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("20260308T023000", utc(2026, 3, 8, 7, 30)),  # in the spring-forward gap: the offset before it (RFC 5545)
        ("20261101T013000", utc(2026, 11, 1, 5, 30)),  # in the autumn fold: the first occurrence (EDT)
    ],
)
def test_dst_gap_and_fold_follow_rfc_5545(local: str, expected: datetime) -> None:
    event = parse_itip(calendar_text(*vevent(f"DTSTART;TZID=Eastern Standard Time:{local}"))).events[0]
    # Compare in UTC: Python never calls a fold-time datetime equal to one in another zone (PEP 495).
    assert event.start.astimezone(UTC) == expected
    assert event.start.tzinfo == NEW_YORK
    assert event.start == event.start.astimezone(UTC).astimezone(NEW_YORK)  # a real wall time, not a gap one


def test_end_before_start_is_clamped_with_a_warning() -> None:
    message = parse_itip(calendar_text(*vevent("DTSTART:20260310T150000Z", "DTEND:20260310T140000Z")))
    assert message.events[0].end == message.events[0].start
    assert "ends before it starts" in message.warnings[0]


def test_reply_without_dtstart_is_kept_but_marked_timeless() -> None:
    text = calendar_text(
        *vevent("RECURRENCE-ID:20260310T150000Z", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.com"), method="REPLY"
    )
    event = parse_itip(text).events[0]
    assert not event.time_known
    assert event.start == event.recurrence_id == utc(2026, 3, 10, 15)
    assert event.attendees[0].partstat == "ACCEPTED"


def test_cancel_without_status_is_cancelled_and_odd_fields_are_tolerated() -> None:
    text = calendar_text(
        *vevent(
            "DTSTART:20260310T150000Z",
            "SEQUENCE:not-a-number",
            "ATTENDEE:mailto:",
            "COMMENT:first",
            "COMMENT:second",
            "TRANSP:transparent",
        ),
        method="cancel",
    )
    message = parse_itip(text)
    event = message.events[0]
    assert message.method == "CANCEL"
    assert event.status == "CANCELLED"
    assert event.sequence == 0
    assert event.attendees == ()
    assert event.comment == "first\nsecond"
    assert event.transparent
    assert any("without an address" in w for w in message.warnings)


def test_windows_1252_bytes_and_bom_are_read() -> None:
    text = "\ufeff" + calendar_text(*vevent("DTSTART:20260310T150000Z", "SUMMARY:“Café”"))
    assert parse_itip(text.encode("utf-8")).events[0].summary == "“Café”"
    assert parse_itip(text.lstrip("\ufeff").encode("cp1252")).events[0].summary == "“Café”"


def test_broken_lines_and_unknown_calendar_zone_become_warnings() -> None:
    text = calendar_text(
        "X-WR-TIMEZONE:Atlantis/Capital",
        *vevent("DTSTART:20260310T090000", "this line is garbage", 'ATTENDEE;CN="x:mailto:a@example.com'),
    )
    message = parse_itip(text, default_tz="Europe/Berlin")
    assert message.events[0].start == datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    assert message.events[0].floating
    assert message.events[0].attendees == ()
    assert "X-WR-TIMEZONE 'Atlantis/Capital'" in message.warnings[0]
    assert sum("skipped a broken line" in w for w in message.warnings) == 2


# --- refusing broken and hostile input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("broken_truncated.ics", "truncated"),
        ("broken_no_vevent.ics", "without any VEVENT"),
        ("broken_dtstart.ics", "unusable DTSTART"),
    ],
)
def test_broken_fixtures_are_refused_with_a_reason(fixture: str, reason: str) -> None:
    with pytest.raises(ItipError, match=reason):
        load(fixture)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        ("Hi Dana, Tuesday works for me!", "not valid iCalendar|not iCalendar"),
        ("<html><body>invite</body></html>\r\n", "not valid iCalendar|not iCalendar"),
        ("/etc/passwd", "not valid iCalendar|not iCalendar"),
        ("BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "no BEGIN:VCALENDAR"),
        (calendar_text() + calendar_text(), "2 VCALENDAR"),
        (calendar_text(*vevent()), "no DTSTART"),
        (calendar_text("BEGIN:VEVENT", "DTSTART:20260310T150000Z", "END:VEVENT"), "without UID"),
        (calendar_text(*vevent("DTSTART;VALUE=DATE:2026"), method="PUBLISH"), "unusable DTSTART"),
        (calendar_text(*vevent(), method="REPLY").replace("DTSTAMP:20260301T120000Z\r\n", ""), "no DTSTART, REC"),
        ("x" * (MAX_ICS_CHARS + 1), "limit"),
    ],
)
def test_bad_input_raises_itip_error_with_a_reason(data: bytes | str, reason: str) -> None:
    with pytest.raises(ItipError, match=reason):
        parse_itip(data)


def test_too_many_events_are_refused() -> None:
    events = [line for i in range(MAX_EVENTS + 1) for line in vevent("DTSTART:20260310T150000Z", uid=f"u{i}")]
    with pytest.raises(ItipError, match="more than the 500"):
        parse_itip(calendar_text(*events))


def test_bad_default_zone_is_refused() -> None:
    with pytest.raises(ItipError, match="default time zone"):
        parse_itip(calendar_text(), default_tz="Nowhere/Special")


def test_hostile_vtimezone_rules_are_ignored_not_replayed() -> None:
    zone = [
        "BEGIN:VTIMEZONE",
        "TZID:Evil",
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "RRULE:FREQ=SECONDLY",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    message = parse_itip(calendar_text(*zone, *vevent("DTSTART;TZID=Evil:20260310T090000")), default_tz="UTC")
    assert message.events[0].start == utc(2026, 3, 10, 9)
    assert "unknown TZID 'Evil'" in message.warnings[0]


_SEEDS = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.ics"))]
_NASTY_LINES = [
    "BEGIN:VEVENT",
    "END:VEVENT",
    "END:VCALENDAR",
    "BEGIN:VTIMEZONE",
    "DTSTART:x",
    "DTSTART;TZID=;VALUE=DATE:2026",
    "DTSTART;VALUE=PERIOD:20260101T000000Z/PT1H",
    "RDATE;VALUE=PERIOD:20260101T000000Z/PT1H",
    "RRULE:FREQ=",
    "EXDATE;TZID=Foo:bad",
    "DURATION:P-1D",
    "SEQUENCE:99999999999999999999",
    'ATTENDEE;CN="x:mailto:',
    "X-WR-TIMEZONE:Bogus/Zone",
    "RECURRENCE-ID:1",
    "METHOD:COUNTER",
    "X-MS-OLK-ORIGINALSTART:nonsense",
]


@st.composite
def mutated_fixtures(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(_SEEDS)).splitlines()
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "cut", "insert", "upper"]))
        if action == "drop":
            del lines[at]
        elif action == "cut":
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))] + draw(st.text(max_size=8))
        elif action == "insert":
            lines.insert(at, draw(st.sampled_from(_NASTY_LINES)))
        else:
            lines[at] = lines[at].upper()
    return "\r\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400), mutated_fixtures()))
def test_only_itip_error_can_come_out(data: bytes | str) -> None:
    message: ItipMessage | None = None
    reason = ""
    try:
        message = parse_itip(data, default_tz="Europe/Berlin")
    except ItipError as exc:  # any other exception type fails the test
        reason = str(exc)
    if message is None:
        assert reason
        return
    for event in message.events:
        assert event.start.utcoffset() is not None
        assert event.end >= event.start


# --- building ------------------------------------------------------------------------------------------------


def meeting(**changes: object) -> ItipEvent:
    base = ItipEvent(
        uid="meeting-7f3a9c@sched.example.org",
        sequence=0,
        start=datetime(2026, 3, 10, 10, tzinfo=NEW_YORK),
        end=datetime(2026, 3, 10, 10, 30, tzinfo=NEW_YORK),
        summary="Intro call: Dana / Agent",
        description="Agenda:\n- intros\n- next steps; timing, budget",
        location="https://meet.example.com/abc-defg",
        organizer=ItipAttendee(email="agent@sched.example.org", name="Scheduling Agent"),
        attendees=(AGENT, DANA, OMAR),
        tzid="America/New_York",
    )
    return replace(base, **changes)


RECURRING = meeting(
    rrule=("FREQ=WEEKLY;COUNT=6;BYDAY=TU",),
    exdate=(datetime(2026, 3, 17, 10, tzinfo=NEW_YORK),),
    rdate=(datetime(2026, 3, 19, 15, tzinfo=NEW_YORK),),
)
OVERRIDE = meeting(
    sequence=2,
    recurrence_id=datetime(2026, 3, 24, 10, tzinfo=NEW_YORK),
    start=datetime(2026, 3, 24, 14, tzinfo=NEW_YORK),
    end=datetime(2026, 3, 24, 14, 30, tzinfo=NEW_YORK),
)
ALL_DAY = meeting(
    start=datetime(2026, 4, 10, tzinfo=NEW_YORK),
    end=datetime(2026, 4, 11, tzinfo=NEW_YORK),
    all_day=True,
    tzid=None,
    transparent=True,
)
IN_UTC = meeting(start=utc(2026, 3, 10, 14), end=utc(2026, 3, 10, 15), tzid=None, status="TENTATIVE")
FLOATING = meeting(
    start=datetime(2026, 3, 10, 9, tzinfo=NEW_YORK),
    end=datetime(2026, 3, 10, 10, tzinfo=NEW_YORK),
    floating=True,
    tzid=None,
)

GOLDEN_CASES = {
    "request.ics": lambda: build_request(meeting(), dtstamp=STAMP),
    "request_recurring.ics": lambda: build_request(RECURRING, dtstamp=STAMP),
    "request_override.ics": lambda: build_request(OVERRIDE, dtstamp=STAMP),
    "request_allday.ics": lambda: build_request(ALL_DAY, dtstamp=STAMP),
    "request_utc.ics": lambda: build_request(IN_UTC, dtstamp=STAMP),
    "cancel.ics": lambda: build_cancel(meeting(sequence=1), dtstamp=STAMP),
    "reply.ics": lambda: build_reply(
        OVERRIDE, attendee="DANA@example.com", partstat="accepted", dtstamp=STAMP, comment="See you then!"
    ),
    "counter.ics": lambda: build_counter(
        meeting(),
        attendee="dana@example.com",
        start=datetime(2026, 3, 12, 15, tzinfo=BERLIN),
        end=datetime(2026, 3, 12, 15, 30, tzinfo=BERLIN),
        dtstamp=STAMP,
        comment="Thursday would suit me better.",
    ),
    "decline_counter.ics": lambda: build_decline_counter(
        meeting(), attendee="dana@example.com", dtstamp=STAMP, comment="That time is taken, sorry."
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_builders_match_golden_files(name: str) -> None:
    text = GOLDEN_CASES[name]()
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
    assert text.encode("utf-8") == path.read_bytes()
    assert text == GOLDEN_CASES[name]()  # deterministic: no clock, no random ids


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_builder_output_is_wire_clean(name: str) -> None:
    text = GOLDEN_CASES[name]()
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert "PRODID:-//scheduler-agent//iTIP//EN" in lines
    assert "DTSTAMP:20260301T120000Z" in lines
    calendar = Calendar.from_ical(text)
    assert calendar.get_missing_tzids() == set()  # every TZID used has its VTIMEZONE


@pytest.mark.parametrize(
    "event",
    [
        meeting(),
        RECURRING,
        OVERRIDE,
        ALL_DAY,
        IN_UTC,
        FLOATING,
        meeting(status="TENTATIVE", comment="note", sequence=7),
    ],
    ids=["zoned", "recurring", "override", "all-day", "utc", "floating", "extras"],
)
def test_request_round_trips(event: ItipEvent) -> None:
    message = parse_itip(build_request(event, dtstamp=STAMP), default_tz="America/New_York")
    assert message.method == "REQUEST"
    assert message.warnings == ()
    assert message.events == (replace(event, dtstamp=STAMP),)


def test_cancel_round_trips_as_cancelled() -> None:
    message = parse_itip(build_cancel(meeting(sequence=3), dtstamp=STAMP), default_tz="America/New_York")
    assert message.method == "CANCEL"
    assert message.events == (replace(meeting(sequence=3), status="CANCELLED", dtstamp=STAMP),)


def test_reply_names_only_the_replying_attendee() -> None:
    message = parse_itip(
        build_reply(OVERRIDE, attendee="mailto:Dana@Example.com", partstat="DECLINED", dtstamp=STAMP, comment="Away")
    )
    event = message.events[0]
    assert message.method == "REPLY"
    assert (event.uid, event.sequence, event.recurrence_id) == (OVERRIDE.uid, 2, OVERRIDE.recurrence_id)
    assert event.attendees == (ItipAttendee(email="dana@example.com", name="Dana Lee", partstat="DECLINED"),)
    assert event.organizer == OVERRIDE.organizer
    assert event.comment == "Away"
    assert (event.start, event.end) == (OVERRIDE.start, OVERRIDE.end)


def test_reply_to_an_invitation_without_times_stays_without_times() -> None:
    timeless = parse_itip(
        calendar_text(
            *vevent("RECURRENCE-ID:20260310T150000Z", "ORGANIZER:mailto:o@example.com", "ATTENDEE:mailto:a@x.org"),
            method="CANCEL",
        )
    ).events[0]
    text = build_reply(timeless, attendee="a@x.org", partstat="ACCEPTED", dtstamp=STAMP)
    assert "DTSTART" not in text
    assert not parse_itip(text).events[0].time_known


def test_counter_proposes_new_times_and_keeps_the_original() -> None:
    message = parse_itip(GOLDEN_CASES["counter.ics"]())
    event = message.events[0]
    assert message.method == "COUNTER"
    assert event.start == datetime(2026, 3, 12, 15, tzinfo=BERLIN)
    assert event.start.tzinfo == NEW_YORK  # written in the meeting's own zone
    assert event.original_start == meeting().start
    assert event.original_end == meeting().end
    assert event.comment == "Thursday would suit me better."
    assert {a.email for a in event.attendees} == {a.email for a in meeting().attendees}


def test_decline_counter_identifies_the_attendee() -> None:
    message = parse_itip(GOLDEN_CASES["decline_counter.ics"](), default_tz="America/New_York")
    event = message.events[0]
    assert message.method == "DECLINECOUNTER"
    assert event.uid == meeting().uid
    assert [a.email for a in event.attendees] == ["dana@example.com"]
    assert not event.time_known


def test_reply_to_a_real_outlook_invitation() -> None:
    invitation = load("outlook_request.ics").events[0]
    message = parse_itip(
        build_reply(invitation, attendee="agent@sched.example.org", partstat="TENTATIVE", dtstamp=STAMP)
    )
    event = message.events[0]
    assert event.uid == invitation.uid
    assert event.start == invitation.start
    assert event.tzid == "America/New_York"
    assert event.attendees == (
        ItipAttendee(email="agent@sched.example.org", name="Scheduling Agent", partstat="TENTATIVE"),
    )


def test_builders_refuse_impossible_messages() -> None:
    with pytest.raises(ValueError, match="PARTSTAT"):
        build_reply(meeting(), attendee="dana@example.com", partstat="MAYBE", dtstamp=STAMP)
    with pytest.raises(ValueError, match="ORGANIZER"):
        build_request(meeting(organizer=None), dtstamp=STAMP)
    with pytest.raises(ValueError, match="timezone-aware"):
        build_request(meeting(), dtstamp=datetime(2026, 3, 1, 12))
    with pytest.raises(ValueError, match="before start"):
        build_counter(meeting(), attendee="dana@example.com", start=utc(2026, 3, 2), end=utc(2026, 3, 1), dtstamp=STAMP)
    with pytest.raises(ValueError, match="unknown time zone"):
        build_request(meeting(tzid="Mars/Olympus_Mons"), dtstamp=STAMP)
    with pytest.raises(ValueError, match="empty"):
        build_decline_counter(meeting(), attendee="mailto:", dtstamp=STAMP)


def test_built_recurring_request_expands_in_another_library() -> None:
    """Interop check: recurring-ical-events reads our RRULE/RDATE/EXDATE/VTIMEZONE as intended."""
    calendar = Calendar.from_ical(build_request(RECURRING, dtstamp=STAMP))
    starts = [o.start for o in recurring_ical_events.of(calendar).between(date(2026, 3, 1), date(2026, 5, 1))]
    expected = [datetime(2026, 3, d, 10, tzinfo=NEW_YORK) for d in (10, 24, 31)] + [
        datetime(2026, 4, d, 10, tzinfo=NEW_YORK) for d in (7, 14)
    ]
    assert sorted(starts) == sorted([*expected, datetime(2026, 3, 19, 15, tzinfo=NEW_YORK)])


def test_hostile_text_is_escaped_not_injected() -> None:
    nasty = meeting(
        summary="Hi\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil",
        attendees=(ItipAttendee(email="x@example.com", name='Bad"\r\nATTENDEE:mailto:evil@example.com'),),
    )
    message = parse_itip(build_request(nasty, dtstamp=STAMP))
    assert len(message.events) == 1
    assert message.events[0].uid == nasty.uid
    assert [a.email for a in message.events[0].attendees] == ["x@example.com"]
    assert re.search(r"^UID:evil", build_request(nasty, dtstamp=STAMP), re.MULTILINE) is None
