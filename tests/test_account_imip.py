"""Inbound iMIP (REQUEST/REPLY/CANCEL/COUNTER) on the account server, and send-rsvp's REPLY.

These tests hand calendar parts straight to the handler with the sender the mail module would have
stored; the end-to-end versions over SMTP live in test_account_imip_smtp.py.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from icalendar import Calendar

from scheduler_agent.account_server.imip import itip_event
from scheduler_agent.account_server.imip_inbound import InboundCalendar
from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.clock import FixedClock
from scheduler_agent.itip import build_counter, build_reply

if TYPE_CHECKING:
    from conftest import RecordingMailer

ITIP = Path(__file__).parent / "fixtures" / "itip"
AGENT = "agent@sched.example.org"


def fixture(name: str) -> bytes:
    return (ITIP / name).read_bytes()


@pytest.fixture
def agent(api: httpx.Client) -> dict:
    r = api.post(
        "/v3/connect/custom", json={"provider": "nylas", "name": "Scheduling Agent", "settings": {"email": AGENT}}
    )
    assert r.status_code == 201
    return r.json()["data"]


def deliver(server: AccountServer, grant: dict, ics: bytes, sender: str) -> str:
    handler = server.ctx.calendar_inbound
    assert isinstance(handler, InboundCalendar)
    with server.db.tx() as conn:
        return handler.apply(conn, grant, ics, sender=sender, message_id="msg-1")


def events(api: httpx.Client, grant: dict, start: datetime, end: datetime, **params: object) -> list[dict]:
    query = {"calendar_id": "primary", "start": int(start.timestamp()), "end": int(end.timestamp()), **params}
    r = api.get(f"/v3/grants/{grant['id']}/events", params=query)
    assert r.status_code == 200, r.text
    return r.json()["data"]


APRIL = (datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))


def test_inbound_request_becomes_a_read_only_event(
    api: httpx.Client, account_server: AccountServer, agent: dict
) -> None:
    seen: list[str] = []
    account_server.ctx.notifiers.append(lambda grant_id, trigger, obj: seen.append(trigger))
    outcome = deliver(account_server, agent, fixture("google_request.ics"), "priya.raman@gmail.com")
    assert outcome.startswith("created event")
    [event] = events(api, agent, *APRIL)
    assert event["title"] == "Roadmap check-in"
    assert event["location"] == "Conference Room 4B, Building 2"
    assert event["read_only"] is True
    assert event["ical_uid"] == "5k2v8c1q0l3m9n7o6p4r2s1t0u@google.com"
    assert event["organizer"] == {"name": "Priya Raman", "email": "priya.raman@gmail.com"}
    assert event["when"] == {
        "object": "timespan",
        "start_time": int(datetime(2026, 4, 15, 17, tzinfo=UTC).timestamp()),
        "end_time": int(datetime(2026, 4, 15, 17, 30, tzinfo=UTC).timestamp()),
        "start_timezone": "America/Los_Angeles",
        "end_timezone": "America/Los_Angeles",
    }
    statuses = {p["email"]: p["status"] for p in event["participants"]}
    assert statuses == {"priya.raman@gmail.com": "yes", AGENT: "noreply", "omar@example.net": "maybe"}
    assert seen == ["event.created"]
    # A read-only invitation cannot be edited, only answered.
    r = api.put(
        f"/v3/grants/{agent['id']}/events/{event['id']}", params={"calendar_id": "primary"}, json={"title": "x"}
    )
    assert r.status_code == 400


def test_request_updates_by_uid_and_ignores_stale_or_foreign_copies(
    api: httpx.Client, account_server: AccountServer, agent: dict
) -> None:
    original = fixture("google_request.ics")
    deliver(account_server, agent, original, "priya.raman@gmail.com")
    newer = original.replace(b"SEQUENCE:0", b"SEQUENCE:2").replace(b"SUMMARY:Roadmap check-in", b"SUMMARY:Roadmap v2")
    assert deliver(account_server, agent, newer, "priya.raman@gmail.com").startswith("updated event")
    assert deliver(account_server, agent, original, "priya.raman@gmail.com").startswith("ignored:")
    hijack = newer.replace(b"mailto:priya.raman@gmail.com", b"mailto:mallory@evil.example").replace(
        b"SEQUENCE:2", b"SEQUENCE:9"
    )
    assert deliver(account_server, agent, hijack, "mallory@evil.example").startswith("ignored:")
    forged = newer.replace(b"SEQUENCE:2", b"SEQUENCE:9").replace(b"SUMMARY:Roadmap v2", b"SUMMARY:Moved to my place")
    assert deliver(account_server, agent, forged, "mallory@evil.example").startswith("ignored:")
    [event] = events(api, agent, *APRIL)
    assert event["title"] == "Roadmap v2"
    assert event["sequence"] == 2


def test_recurring_invitation_expands_with_exdate_and_override(
    api: httpx.Client, account_server: AccountServer, agent: dict
) -> None:
    outcome = deliver(account_server, agent, fixture("recurring_request.ics"), "sam.okafor@example.co.uk")
    master_outcome, override_outcome = outcome.split("; ")
    assert master_outcome.startswith("created event")
    assert override_outcome.startswith("updated event")
    listed = events(api, agent, datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC))
    # Tuesdays at 09:00 London (08:00Z in BST); 19 May excluded; 26 May moved to 10:00 by its override.
    starts = [datetime.fromtimestamp(e["when"]["start_time"], UTC) for e in listed]
    assert starts == [
        datetime(2026, 5, 5, 8, tzinfo=UTC),
        datetime(2026, 5, 12, 8, tzinfo=UTC),
        datetime(2026, 5, 26, 9, tzinfo=UTC),
        datetime(2026, 6, 2, 8, tzinfo=UTC),
    ]
    override = listed[2]
    assert override["title"] == "Weekly stand-up (moved: bank holiday)"
    assert override["master_event_id"] == listed[0]["master_event_id"]
    assert override["original_start_time"] == int(datetime(2026, 5, 26, 8, tzinfo=UTC).timestamp())


def test_cancel_from_the_organizer_cancels_and_others_are_ignored(
    api: httpx.Client, account_server: AccountServer, agent: dict
) -> None:
    deliver(account_server, agent, fixture("outlook_request.ics"), "mark.ellison@contoso.com")
    window = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    assert len(events(api, agent, *window)) == 1
    assert deliver(account_server, agent, fixture("outlook_cancel.ics"), "mallory@evil.example").startswith("ignored:")
    assert len(events(api, agent, *window)) == 1
    assert deliver(account_server, agent, fixture("outlook_cancel.ics"), "Mark.Ellison@contoso.com").startswith(
        "cancelled event"
    )
    assert events(api, agent, *window) == []
    assert [e["status"] for e in events(api, agent, *window, show_cancelled="true")] == ["cancelled"]


def test_cancel_of_one_occurrence(api: httpx.Client, account_server: AccountServer, agent: dict) -> None:
    deliver(account_server, agent, fixture("recurring_request.ics"), "sam.okafor@example.co.uk")
    cancel = b"\r\n".join(
        [
            b"BEGIN:VCALENDAR",
            b"VERSION:2.0",
            b"PRODID:-//test//EN",
            b"METHOD:CANCEL",
            b"BEGIN:VEVENT",
            b"UID:standup-2026q2@google.com",
            b"RECURRENCE-ID:20260512T080000Z",
            b"SEQUENCE:1",
            b"DTSTAMP:20260501T080000Z",
            b"ORGANIZER:mailto:sam.okafor@example.co.uk",
            b"END:VEVENT",
            b"END:VCALENDAR",
            b"",
        ]
    )
    assert deliver(account_server, agent, cancel, "sam.okafor@example.co.uk").startswith("cancelled event")
    listed = events(api, agent, datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 20, tzinfo=UTC))
    assert [datetime.fromtimestamp(e["when"]["start_time"], UTC).day for e in listed] == [5]


def organized(api: httpx.Client, grant: dict, guest: str) -> dict:
    start = int(datetime(2026, 4, 15, 17, tzinfo=UTC).timestamp())
    body = {
        "title": "Intro call",
        "when": {"start_time": start, "end_time": start + 1800},
        "participants": [{"email": guest}],
    }
    r = api.post(f"/v3/grants/{grant['id']}/events", params={"calendar_id": "primary"}, json=body)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def stored_row(server: AccountServer, event_id: str) -> sqlite3.Row:
    row = server.db.one("SELECT * FROM events WHERE id = ?", (event_id,))
    assert row is not None
    return row


def test_reply_sets_the_participant_status_only_from_that_participant(
    api: httpx.Client, account_server: AccountServer, agent: dict, outbox: RecordingMailer
) -> None:
    event = organized(api, agent, "priya.raman@gmail.com")
    stamp = datetime(2026, 4, 11, 8, tzinfo=UTC)
    reply = build_reply(
        itip_event(stored_row(account_server, event["id"])),
        attendee="priya.raman@gmail.com",
        partstat="DECLINED",
        dtstamp=stamp,
        comment="Travelling that week",
    ).encode()
    assert deliver(account_server, agent, reply, "mallory@evil.example").startswith("ignored:")
    assert deliver(account_server, agent, reply, "Priya.Raman@gmail.com") == (
        f"priya.raman@gmail.com answered no on event {event['id']}"
    )
    got = api.get(f"/v3/grants/{agent['id']}/events/{event['id']}", params={"calendar_id": "primary"}).json()["data"]
    assert got["participants"] == [
        {"email": "priya.raman@gmail.com", "status": "no", "comment": "Travelling that week"}
    ]


def test_reply_to_an_older_version_is_ignored(
    api: httpx.Client, account_server: AccountServer, agent: dict, outbox: RecordingMailer
) -> None:
    event = organized(api, agent, "priya.raman@gmail.com")
    stale = itip_event(stored_row(account_server, event["id"]))
    later = int(datetime(2026, 4, 16, 17, tzinfo=UTC).timestamp())
    api.put(
        f"/v3/grants/{agent['id']}/events/{event['id']}",
        params={"calendar_id": "primary"},
        json={"when": {"start_time": later, "end_time": later + 1800}},
    )
    reply = build_reply(stale, attendee="priya.raman@gmail.com", partstat="ACCEPTED", dtstamp=datetime.now(UTC))
    assert deliver(account_server, agent, reply.encode(), "priya.raman@gmail.com").startswith("ignored:")


def test_counter_is_recorded_for_the_agent(
    api: httpx.Client, account_server: AccountServer, agent: dict, outbox: RecordingMailer
) -> None:
    event = organized(api, agent, "mark.ellison@contoso.com")
    seen: list[tuple[str, list]] = []
    account_server.ctx.notifiers.append(lambda g, trigger, obj: seen.append((trigger, obj["counter_proposals"])))
    proposed = datetime(2026, 4, 16, 14, tzinfo=UTC)
    counter = build_counter(
        itip_event(stored_row(account_server, event["id"])),
        attendee="mark.ellison@contoso.com",
        start=proposed,
        end=datetime(2026, 4, 16, 14, 30, tzinfo=UTC),
        dtstamp=datetime(2026, 4, 12, tzinfo=UTC),
        comment="Thursday instead?",
    ).encode()
    assert deliver(account_server, agent, counter, "someone@else.org").startswith("ignored:")
    assert "proposed a new time" in deliver(account_server, agent, counter, "mark.ellison@contoso.com")
    [(trigger, proposals)] = seen
    assert trigger == "event.updated"
    assert proposals[0]["email"] == "mark.ellison@contoso.com"
    assert proposals[0]["when"]["start_time"] == int(proposed.timestamp())
    assert proposals[0]["comment"] == "Thursday instead?"


@pytest.mark.parametrize("name", ["broken_truncated.ics", "broken_no_vevent.ics", "broken_dtstart.ics"])
def test_bad_ics_is_an_error_outcome_and_no_event(
    api: httpx.Client, account_server: AccountServer, agent: dict, name: str
) -> None:
    outcome = deliver(account_server, agent, fixture(name), "priya.raman@gmail.com")
    assert outcome.startswith("error: ")
    assert events(api, agent, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)) == []


def test_unbounded_sub_hourly_invitation_is_refused(
    api: httpx.Client, account_server: AccountServer, agent: dict
) -> None:
    flood = fixture("google_request.ics").replace(b"SEQUENCE:0", b"SEQUENCE:0\r\nRRULE:FREQ=SECONDLY")
    assert deliver(account_server, agent, flood, "priya.raman@gmail.com").startswith("error: ")
    assert events(api, agent, *APRIL) == []


def test_hostile_bytes_never_raise(account_server: AccountServer, agent: dict) -> None:
    for junk in (b"", b"\x00\xff" * 100, b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n" * 50):
        assert deliver(account_server, agent, junk, "x@y.org").startswith("error: ")


def test_send_rsvp_mails_a_reply_to_the_organizer(
    api: httpx.Client, account_server: AccountServer, agent: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    deliver(account_server, agent, fixture("google_request.ics"), "priya.raman@gmail.com")
    [event] = events(api, agent, *APRIL)
    url = f"/v3/grants/{agent['id']}/events/{event['id']}/send-rsvp"
    r = api.post(url, params={"calendar_id": "primary"}, json={"status": "yes"})
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {}
    [message] = outbox.sent
    assert message["To"] == "Priya Raman <priya.raman@gmail.com>"
    assert message["Subject"] == "Accepted: Roadmap check-in"
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REPLY"
    vevent = next(iter(Calendar.from_ical(part.get_content()).walk("VEVENT")))
    assert str(vevent["UID"]) == event["ical_uid"]
    assert str(vevent["ATTENDEE"]) == f"mailto:{AGENT}"
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    got = api.get(f"/v3/grants/{agent['id']}/events/{event['id']}", params={"calendar_id": "primary"}).json()["data"]
    assert {p["email"]: p["status"] for p in got["participants"]}[AGENT] == "yes"

    r = api.post(url, params={"calendar_id": "primary", "skip_nylas_email": "true"}, json={"status": "no"})
    assert r.status_code == 200
    assert len(outbox.sent) == 1
    assert api.post(url, params={"calendar_id": "primary"}, json={"status": "perhaps"}).status_code == 400

    account_server.ctx.mailer = None
    r = api.post(url, params={"calendar_id": "primary"}, json={"status": "maybe"})
    assert r.status_code == 200
    assert r.json()["data"]["send_ics_error"]["message"]
    stored = json.loads(stored_row(account_server, event["id"])["participants"])
    assert {p["email"]: p["status"] for p in stored}[AGENT] == "maybe"


def test_reply_for_one_occurrence_answers_only_that_occurrence(
    api: httpx.Client, account_server: AccountServer, agent: dict, outbox: RecordingMailer
) -> None:
    start = int(datetime(2026, 4, 6, 15, tzinfo=UTC).timestamp())
    body = {
        "title": "Weekly 1:1",
        "when": {"start_time": start, "end_time": start + 1800},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"],
        "participants": [{"email": "dana@else.org"}],
    }
    master = api.post(f"/v3/grants/{agent['id']}/events", params={"calendar_id": "primary"}, json=body).json()["data"]
    second = datetime(2026, 4, 13, 15, tzinfo=UTC)
    occurrence = replace(itip_event(stored_row(account_server, master["id"])), recurrence_id=second, rrule=())
    reply = build_reply(
        occurrence, attendee="dana@else.org", partstat="DECLINED", dtstamp=datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert "answered no" in deliver(account_server, agent, reply.encode(), "dana@else.org")
    listed = events(api, agent, datetime(2026, 4, 6, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))
    assert [e["participants"][0]["status"] for e in listed] == ["noreply", "no", "noreply", "noreply"]
    assert listed[1]["master_event_id"] == master["id"]


def test_all_day_recurring_invitation_keeps_its_dates(
    api: httpx.Client, account_server: AccountServer, agent: dict
) -> None:
    ics = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//test//EN",
            "METHOD:REQUEST",
            "BEGIN:VEVENT",
            "UID:focus-days@else.org",
            "DTSTAMP:20260401T080000Z",
            "DTSTART;VALUE=DATE:20260406",
            "DTEND;VALUE=DATE:20260407",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;VALUE=DATE:20260413",
            "SUMMARY:Focus day",
            "ORGANIZER:mailto:dana@else.org",
            f"ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{AGENT}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    ).encode()
    assert deliver(account_server, agent, ics, "dana@else.org").startswith("created event")
    listed = events(api, agent, datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))
    assert [e["when"] for e in listed] == [
        {"object": "date", "date": "2026-04-06"},
        {"object": "date", "date": "2026-04-20"},
        {"object": "date", "date": "2026-04-27"},
    ]
    master = api.get(
        f"/v3/grants/{agent['id']}/events/{listed[0]['master_event_id']}", params={"calendar_id": "primary"}
    ).json()["data"]
    assert master["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;VALUE=DATE:20260413"]
