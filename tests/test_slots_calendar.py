"""Reading busy time: vendor ICS dialects and Nylas v3 event JSON, down to what blocks the agent's time."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler_agent.busy_calendar import BusyCalendar, EventStatus
from scheduler_agent.calendar_ics import events_from_ics, events_from_nylas_json

FIXTURES = Path(__file__).parent / "fixtures" / "ics"
LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
AGENT = "agent@example.com"


def blocking_on(events: list, day: datetime) -> list[tuple[datetime, datetime]]:
    cal = BusyCalendar(events)
    return [(i.start, i.end) for i in cal.intervals(day, day + timedelta(days=1))]


def test_google_export() -> None:
    events = events_from_ics((FIXTURES / "google.ics").read_text(), home=LA, agent_email=AGENT)
    assert len(events) == 8
    declined = [e for e in events if e.declined]
    assert len(declined) == 1
    assert declined[0].start == datetime(2026, 3, 12, 13, tzinfo=LA)
    assert [e.status for e in events if e.status is not EventStatus.CONFIRMED] == [EventStatus.CANCELLED]
    holiday, offsite = (e for e in events if e.all_day)
    assert not holiday.busy
    assert offsite.busy
    assert offsite.end - offsite.start == timedelta(days=2)
    assert offsite.start == datetime(2026, 3, 9, tzinfo=LA)
    assert blocking_on(events, datetime(2026, 3, 12, tzinfo=LA)) == []  # only the declined pitch that day
    # 13 March: the standup at 09:30 PDT blocks, the cancelled sync at 10:00 does not
    assert blocking_on(events, datetime(2026, 3, 13, tzinfo=LA)) == [
        (datetime(2026, 3, 13, 16, 30, tzinfo=UTC), datetime(2026, 3, 13, 16, 45, tzinfo=UTC))
    ]


def test_outlook_export_windows_zones_and_busy_status() -> None:
    events = events_from_ics((FIXTURES / "outlook.ics").read_text(), home=LA, agent_email=AGENT)
    daily = next(e for e in events if e.series is not None and e.start.hour == 9)
    assert daily.start.tzinfo == BERLIN
    kolkata = next(e for e in events if e.series is not None and e.start.hour == 17)
    assert kolkata.start.utcoffset() == timedelta(hours=5, minutes=30)
    lunch = next(e for e in events if e.start == datetime(2026, 3, 5, 11, tzinfo=BERLIN))
    assert lunch.status is EventStatus.TENTATIVE
    focus = next(e for e in events if e.start == datetime(2026, 3, 6, 16, tzinfo=BERLIN))
    assert not focus.busy
    ooo = next(e for e in events if e.all_day)
    assert ooo.busy
    assert ooo.start == datetime(2026, 3, 30, tzinfo=LA)
    # 18 March: the 09:00 occurrence moved to 14:00
    starts = [a.astimezone(BERLIN).hour for a, _ in blocking_on(events, datetime(2026, 3, 18, tzinfo=BERLIN))]
    assert starts == [14]


def test_apple_export_floating_time_is_home_time() -> None:
    events = events_from_ics((FIXTURES / "apple.ics").read_text(), home=LA)
    floating = next(e for e in events if e.start.tzinfo == LA)
    assert floating.start == datetime(2026, 3, 10, 11, tzinfo=LA)
    assert any(e.status is EventStatus.TENTATIVE for e in events)
    adelaide = ZoneInfo("Australia/Adelaide")
    monday = [a.astimezone(adelaide).hour for a, _ in blocking_on(events, datetime(2026, 3, 9, tzinfo=adelaide))]
    assert monday == [9]


def test_unknown_zone_falls_back_to_home_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    text = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Mars/Olympus:20260302T090000\r\n"
        "DTEND;TZID=Mars/Olympus:20260302T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with caplog.at_level(logging.WARNING):
        (event,) = events_from_ics(text, home=LA)
    assert event.start == datetime(2026, 3, 2, 9, tzinfo=LA)
    assert "Mars/Olympus" in caplog.text


def test_broken_events_are_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    text = (
        "BEGIN:VCALENDAR\r\n"
        "BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:garbage\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:rule\r\nDTSTART:20260302T090000Z\r\nRRULE:FREQ=NEVER\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:back\r\nDTSTART:20260302T090000Z\r\nDTEND:20260302T080000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:good\r\nDTSTART:20260302T090000Z\r\nDURATION:PT45M\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    with caplog.at_level(logging.WARNING):
        events = events_from_ics(text, home=LA)
    assert [(e.start, e.end - e.start) for e in events] == [
        (datetime(2026, 3, 2, 9, tzinfo=UTC), timedelta(minutes=45))
    ]
    assert caplog.text.count("skipping VEVENT") == 3


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
        "\x00" * 10,
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID="
        + "X" * 5000
        + ":20260302T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    ],
)
def test_not_a_calendar_is_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError, match="iCalendar"):
        events_from_ics(text, home=LA)


# ----- Nylas v3 JSON


def ts(*args: int, zone: ZoneInfo = LA) -> int:
    return int(datetime(*args, tzinfo=zone).timestamp())


def test_nylas_event_shapes() -> None:
    items = [
        {
            "id": "a",
            "when": {
                "object": "timespan",
                "start_time": ts(2026, 3, 2, 9),
                "end_time": ts(2026, 3, 2, 10),
                "start_timezone": "America/Los_Angeles",
            },
            "busy": True,
        },
        {"id": "b", "when": {"date": "2026-03-03"}, "busy": True},
        {"id": "c", "when": {"object": "datespan", "start_date": "2026-03-04", "end_date": "2026-03-05"}, "busy": True},
        {"id": "d", "when": {"start_time": ts(2026, 3, 6, 9), "end_time": ts(2026, 3, 6, 10)}, "busy": False},
        {"id": "e", "when": {"start_time": ts(2026, 3, 6, 11), "end_time": ts(2026, 3, 6, 12)}, "status": "maybe"},
        {
            "id": "f",
            "when": {"start_time": ts(2026, 3, 6, 13), "end_time": ts(2026, 3, 6, 14)},
            "participants": [{"email": "Agent@Example.com", "status": "no"}],
        },
    ]
    a, b, c, d, e, f = events_from_nylas_json(items, home=LA, agent_email=AGENT)
    assert a.start == datetime(2026, 3, 2, 9, tzinfo=LA)
    assert a.start.tzinfo == LA
    assert b.all_day
    assert b.end - b.start == timedelta(days=1)
    assert c.start == datetime(2026, 3, 4, tzinfo=LA)
    assert c.end == datetime(2026, 3, 6, tzinfo=LA)
    assert not d.busy
    assert e.status is EventStatus.TENTATIVE
    assert f.declined
    assert not f.blocks_time


def test_nylas_master_expanded_unless_its_instances_came_along() -> None:
    master = {
        "id": "m",
        "when": {
            "start_time": ts(2026, 3, 2, 9),
            "end_time": ts(2026, 3, 2, 10),
            "start_timezone": "America/Los_Angeles",
        },
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;TZID=America/Los_Angeles:20260316T090000"],
    }
    (event,) = events_from_nylas_json([master], home=LA)
    mondays = BusyCalendar([event]).intervals(datetime(2026, 3, 1, tzinfo=LA), datetime(2026, 3, 31, tzinfo=LA))
    assert [i.start.astimezone(LA).day for i in mondays] == [2, 9, 23, 30]
    assert all(i.start.astimezone(LA).hour == 9 for i in mondays)  # 09:00 on both sides of the DST change
    instance = {
        "id": "m_1",
        "master_event_id": "m",
        "when": {"start_time": ts(2026, 3, 9, 9), "end_time": ts(2026, 3, 9, 10)},
    }
    events = events_from_nylas_json([master, instance], home=LA)
    assert [e.series for e in events] == [None, None]


def test_nylas_bad_items_are_skipped(caplog: pytest.LogCaptureFixture) -> None:
    items = [
        {"id": "x"},
        {"id": "y", "when": {"object": "whenever"}},
        {"id": "z", "when": {"start_time": "soon", "end_time": 1}},
        {"id": "ok", "when": {"start_time": ts(2026, 3, 2, 9), "end_time": ts(2026, 3, 2, 10)}},
    ]
    with caplog.at_level(logging.WARNING):
        events = events_from_nylas_json(items, home=LA)
    assert len(events) == 1
    assert caplog.text.count("skipping event") == 3


def test_hostile_calendar_data_is_skipped_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    text = (
        "BEGIN:VCALENDAR\r\n"
        "BEGIN:VEVENT\r\nUID:long\r\nDTSTART:20260302T090000Z\r\nDTEND:90000302T090000Z\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:never\r\nDTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\n"
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:tz\r\nDTSTART;TZID=Mars/Olympus:20260302T090000\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    with caplog.at_level(logging.WARNING):
        events = events_from_ics(text, home=LA)
    assert [e.start for e in events] == [datetime(2026, 3, 2, 9, tzinfo=LA)]  # unknown zone: home time
    assert caplog.text.count("skipping VEVENT") == 2
    items = [
        {"id": "w", "when": "tomorrow"},
        {"id": "p", "when": {"start_time": 1, "end_time": 2}, "participants": "all"},
    ]
    assert events_from_nylas_json(items, home=LA, agent_email=AGENT) == []
