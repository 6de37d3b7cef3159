"""Calendar mail to the agent: invitations answered by send-rsvp, cancels, and declines that reopen."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from scenario_harness import AGENT, body_text, calendar_part, invitation_ics, reply_ics

from scheduler_agent.models import Interval
from scheduler_agent.slots import Request

NY = ZoneInfo("America/New_York")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=NY)
ORG = "org@partner.example"


def _partstat(message) -> tuple[str, str]:
    cal = icalendar.Calendar.from_ical(calendar_part(message))
    [event] = list(cal.walk("VEVENT"))
    attendee = event["ATTENDEE"]
    return str(cal["METHOD"]), str(attendee.params.get("PARTSTAT"))


def test_invitation_is_accepted_when_free(scenario) -> None:
    s = scenario(MONDAY)
    start = datetime(2026, 11, 25, 14, 0, tzinfo=NY)
    s.mail(
        ORG,
        "Invitation: Partner review",
        "Please join.",
        ics=invitation_ics(ORG, start, start + timedelta(hours=1), uid="inv-1@partner"),
    )
    s.tick()
    [rsvp] = s.outgoing(1)
    assert rsvp["To"].endswith(ORG) or ORG in rsvp["To"]
    assert _partstat(rsvp) == ("REPLY", "ACCEPTED")
    [event] = s.events()
    me = next(p for p in event["participants"] if p["email"] == AGENT)
    assert me["status"] == "yes"
    assert s.conversation().state.value == "confirmed"


def test_invitation_is_declined_with_alternatives_when_busy(scenario) -> None:
    s = scenario(MONDAY)
    start = datetime(2026, 11, 25, 14, 0, tzinfo=NY)
    s.backend.client.create_event(
        {
            "title": "Private: dentist",
            "when": {"start_time": int(start.timestamp()), "end_time": int((start + timedelta(hours=1)).timestamp())},
            "participants": [],
        },
        notify_participants=False,
    )
    s.mail(
        ORG,
        "Invitation: Partner review",
        "Please join.",
        ics=invitation_ics(ORG, start, start + timedelta(minutes=30), uid="inv-2@partner"),
    )
    s.tick()
    sent = s.outgoing(2)
    rsvp = next(m for m in sent if calendar_part(m))
    note = next(m for m in sent if not calendar_part(m))
    assert _partstat(rsvp) == ("REPLY", "DECLINED")
    text = body_text(note)
    assert "dentist" not in text.lower()  # never reveal the other meeting
    assert "1." in text  # alternatives offered
    assert s.conversation().state.value == "declined"


def test_cancel_of_an_invitation_frees_the_time(scenario) -> None:
    s = scenario(MONDAY)
    start = datetime(2026, 11, 25, 14, 0, tzinfo=NY)
    ics = invitation_ics(ORG, start, start + timedelta(hours=1), uid="inv-3@partner")
    s.mail(ORG, "Invitation: Partner review", "Please join.", ics=ics)
    s.tick()
    s.outgoing(1)
    s.advance(hours=2)
    cancel = invitation_ics(ORG, start, start + timedelta(hours=1), uid="inv-3@partner", method="CANCEL")
    s.mail(ORG, "Cancelled: Partner review", "Cancelled.", ics=cancel, ics_method="CANCEL")
    s.tick()
    s.nothing_sent()
    assert s.events() == []  # cancelled events are hidden from the busy view
    _, busy = s.agent._availability(s.clock.now(), Request(), None)
    assert not any(b.overlaps(Interval(start, start + timedelta(hours=1))) for b in busy)


def test_decline_by_the_only_guest_reopens_the_conversation(scenario) -> None:
    s = scenario(MONDAY)
    s.mail("dana@client.example", "Quick sync", "Could we do a 30 min call later this week?")
    s.tick()
    [proposal] = s.outgoing(1)
    s.advance(minutes=10)
    s.mail("dana@client.example", "Re: Quick sync", "The first one works.", reply_to=proposal)
    s.tick()
    sent = s.outgoing(2)
    invite = next(m for m in sent if calendar_part(m))
    [vevent] = list(icalendar.Calendar.from_ical(calendar_part(invite)).walk("VEVENT"))
    booked = s.conversation().booked
    s.advance(hours=1)
    decline = reply_ics(
        str(vevent["UID"]),
        "dana@client.example",
        "DECLINED",
        booked.start,
        booked.end,
        sequence=int(vevent.get("SEQUENCE", 0)),
    )
    s.mail("dana@client.example", "Declined: Quick sync", "Dana declined.", ics=decline, ics_method="REPLY")
    s.tick()
    [reopen] = s.outgoing(1)
    conv = s.conversation()
    assert conv.state.value in {"rescheduling", "proposed"}
    assert "1." in body_text(reopen)
