"""iMIP end to end: invitations leave through the real outbox to an SMTP server, answers arrive over SMTP.

The account server runs its SMTP listener and delivery worker; the "rest of the internet" is the
`smtp_capture` server, configured as the smarthost.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING

import httpx
import pytest
from icalendar import Calendar

from scheduler_agent.account_server.imip import itip_event
from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.itip import build_reply, build_request, parse_itip

if TYPE_CHECKING:
    from conftest import SmtpCapture

START = int(datetime(2026, 4, 15, 17, tzinfo=UTC).timestamp())


@pytest.fixture
def smtp_address(account_server: AccountServer, smtp_capture: SmtpCapture) -> tuple[str, int]:
    account_server.ctx.smarthost = smtp_capture.address
    return account_server.start_smtp("127.0.0.1", 0)


def ics_of(message: EmailMessage) -> tuple[str, Calendar]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return str(part.get_param("method")), Calendar.from_ical(part.get_content())


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def mail_in(address: tuple[str, int], sender: str, to: str, subject: str, ics: str, method: str) -> None:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content("See the calendar part.")
    message.add_alternative(ics, subtype="calendar", params={"method": method})
    with smtplib.SMTP(*address, timeout=10) as smtp:
        smtp.send_message(message)


def get_event(api: httpx.Client, grant: dict, event_id: str) -> dict:
    return api.get(f"/v3/grants/{grant['id']}/events/{event_id}", params={"calendar_id": "primary"}).json()["data"]


def test_invite_update_and_cancel_reach_the_smarthost(
    api: httpx.Client, grant: dict, smtp_capture: SmtpCapture, smtp_address: tuple[str, int]
) -> None:
    body = {
        "title": "Intro call",
        "when": {"start_time": START, "end_time": START + 1800, "start_timezone": "America/Los_Angeles"},
        "participants": [{"email": "dana@else.org", "name": "Dana"}],
    }
    event = api.post(f"/v3/grants/{grant['id']}/events", params={"calendar_id": "primary"}, json=body).json()["data"]
    [request] = smtp_capture.wait_for(1)
    assert smtp_capture.envelopes[0] == ("agent@example.com", ["dana@else.org"])
    assert request["From"] == "Agent <agent@example.com>"
    assert request["Subject"] == "Intro call"
    method, cal = ics_of(request)
    assert method == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == event["ical_uid"]
    assert int(vevent["SEQUENCE"]) == 0
    assert vevent.decoded("DTSTART") == datetime(2026, 4, 15, 17, tzinfo=UTC)
    assert any(p.get_filename() == "invite.ics" for p in request.walk())
    # What went out is also what any iTIP reader (ours included) accepts.
    assert parse_itip(request.get_body(("calendar",)).get_content()).method == "REQUEST"  # type: ignore[union-attr]

    api.put(
        f"/v3/grants/{grant['id']}/events/{event['id']}",
        params={"calendar_id": "primary"},
        json={"when": {"start_time": START + 3600, "end_time": START + 5400}},
    )
    update = smtp_capture.wait_for(2)[1]
    method, cal = ics_of(update)
    assert method == "REQUEST"
    assert int(next(iter(cal.walk("VEVENT")))["SEQUENCE"]) == 1

    api.delete(f"/v3/grants/{grant['id']}/events/{event['id']}", params={"calendar_id": "primary"})
    cancel = smtp_capture.wait_for(3)[2]
    method, cal = ics_of(cancel)
    assert method == "CANCEL"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 2


def test_inbound_reply_over_smtp_changes_the_participant_status(
    api: httpx.Client,
    grant: dict,
    account_server: AccountServer,
    smtp_address: tuple[str, int],
    smtp_capture: SmtpCapture,
) -> None:
    body = {
        "title": "Intro call",
        "when": {"start_time": START, "end_time": START + 1800},
        "participants": [{"email": "dana@else.org"}],
    }
    event = api.post(f"/v3/grants/{grant['id']}/events", params={"calendar_id": "primary"}, json=body).json()["data"]
    row = account_server.db.one("SELECT * FROM events WHERE id = ?", (event["id"],))
    assert row is not None
    reply = build_reply(itip_event(row), attendee="dana@else.org", partstat="ACCEPTED", dtstamp=datetime.now(UTC))
    mail_in(smtp_address, "Dana <dana@else.org>", "agent@example.com", "Accepted: Intro call", reply, "REPLY")
    eventually(lambda: get_event(api, grant, event["id"])["participants"][0]["status"] == "yes")
    # The reply itself stays in the inbox with its calendar part.
    inbox = api.get(f"/v3/grants/{grant['id']}/messages", params={"subject": "Accepted: Intro call"}).json()["data"]
    assert len(inbox) == 1

    # The same answer from anyone else changes nothing.
    spoof = build_reply(itip_event(row), attendee="dana@else.org", partstat="DECLINED", dtstamp=datetime.now(UTC))
    mail_in(smtp_address, "mallory@evil.example", "agent@example.com", "Declined: Intro call", spoof, "REPLY")
    eventually(lambda: len(api.get(f"/v3/grants/{grant['id']}/messages").json()["data"]) >= 3)
    assert get_event(api, grant, event["id"])["participants"][0]["status"] == "yes"


def test_inbound_request_over_smtp_becomes_an_event_and_send_rsvp_replies(
    api: httpx.Client, grant: dict, smtp_address: tuple[str, int], smtp_capture: SmtpCapture
) -> None:
    from scheduler_agent.itip import ItipAttendee, ItipEvent

    invitation = ItipEvent(
        uid="offsite-42@else.org",
        sequence=0,
        start=datetime(2026, 4, 20, 9, tzinfo=UTC),
        end=datetime(2026, 4, 20, 10, tzinfo=UTC),
        summary="Offsite planning",
        organizer=ItipAttendee(email="dana@else.org", name="Dana"),
        attendees=(ItipAttendee(email="agent@example.com", rsvp=True),),
    )
    ics = build_request(invitation, dtstamp=datetime(2026, 4, 1, tzinfo=UTC))
    mail_in(smtp_address, "Dana <dana@else.org>", "agent@example.com", "Offsite planning", ics, "REQUEST")
    window = {"calendar_id": "primary", "start": START, "end": START + 30 * 86400}

    def listed() -> list[dict]:
        return api.get(f"/v3/grants/{grant['id']}/events", params=window).json()["data"]

    eventually(lambda: len(listed()) == 1)
    [event] = listed()
    assert event["read_only"] is True
    assert event["organizer"]["email"] == "dana@else.org"
    r = api.post(
        f"/v3/grants/{grant['id']}/events/{event['id']}/send-rsvp",
        params={"calendar_id": "primary"},
        json={"status": "no"},
    )
    assert r.status_code == 200
    assert "send_ics_error" not in r.json()["data"]
    [reply] = smtp_capture.wait_for(1)
    assert smtp_capture.envelopes[0][1] == ["dana@else.org"]
    method, cal = ics_of(reply)
    assert method == "REPLY"
    assert next(iter(cal.walk("VEVENT")))["ATTENDEE"].params["PARTSTAT"] == "DECLINED"


def test_bad_ics_over_smtp_is_stored_and_makes_no_event(
    api: httpx.Client, grant: dict, smtp_address: tuple[str, int]
) -> None:
    mail_in(
        smtp_address,
        "dana@else.org",
        "agent@example.com",
        "Broken invite",
        "BEGIN:VCALENDAR\nMETHOD:REQUEST\n",
        "REQUEST",
    )
    eventually(lambda: len(api.get(f"/v3/grants/{grant['id']}/messages").json()["data"]) == 1)
    [message] = api.get(f"/v3/grants/{grant['id']}/messages").json()["data"]
    assert message["subject"] == "Broken invite"
    assert message["unread"] is True  # kept in the inbox like any mail
    assert message["metadata"]["ics_error"]  # flagged with the reason no event came of it
    assert any(a["content_type"].startswith("text/calendar") for a in message["attachments"])
    everything = api.get(f"/v3/grants/{grant['id']}/events/import", params={"calendar_id": "primary"})
    assert everything.json()["data"] == []


def test_two_hosted_accounts_invite_and_answer_each_other(
    api: httpx.Client, grant: dict, account_server: AccountServer
) -> None:
    colleague = api.post(
        "/v3/connect/custom", json={"provider": "nylas", "name": "Kim", "settings": {"email": "kim@example.com"}}
    ).json()["data"]
    body = {
        "title": "Pairing",
        "when": {"start_time": START, "end_time": START + 3600},
        "participants": [{"email": "kim@example.com"}],
    }
    event = api.post(f"/v3/grants/{grant['id']}/events", params={"calendar_id": "primary"}, json=body).json()["data"]
    window = {"calendar_id": "primary", "start": START, "end": START + 3600}
    [invited] = api.get(f"/v3/grants/{colleague['id']}/events", params=window).json()["data"]
    assert invited["ical_uid"] == event["ical_uid"]
    assert invited["read_only"] is True
    r = api.post(
        f"/v3/grants/{colleague['id']}/events/{invited['id']}/send-rsvp",
        params={"calendar_id": "primary"},
        json={"status": "yes"},
    )
    assert r.json()["data"] == {}
    assert get_event(api, grant, event["id"])["participants"] == [{"email": "kim@example.com", "status": "yes"}]
    free_busy = api.post(
        f"/v3/grants/{grant['id']}/calendars/free-busy",
        json={"start_time": START - 3600, "end_time": START + 7200, "emails": ["kim@example.com"]},
    ).json()["data"]
    assert free_busy[0]["time_slots"][0]["start_time"] == START
