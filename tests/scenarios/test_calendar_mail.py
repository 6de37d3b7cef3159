"""Calendar mail to the agent: invitations answered by send-rsvp, cancels, and declines that reopen."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from scenario_harness import AGENT, body_text, calendar_part, counter_ics, invitation_ics, reply_ics

from scheduler_agent.models import Interval
from scheduler_agent.slot_rules import Request

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


def _booked_with_dana(s):
    s.mail("dana@client.example", "Quick sync", "Could we do a 30 min call later this week?")
    s.tick()
    [proposal] = s.outgoing(1)
    s.advance(minutes=10)
    s.mail("dana@client.example", "Re: Quick sync", "The first one works.", reply_to=proposal)
    s.tick()
    invite = next(m for m in s.outgoing(2) if calendar_part(m))
    [vevent] = list(icalendar.Calendar.from_ical(calendar_part(invite)).walk("VEVENT"))
    return vevent, s.conversation().booked


def test_outlook_counter_to_a_free_time_moves_the_meeting(scenario) -> None:
    s = scenario(MONDAY)
    vevent, booked = _booked_with_dana(s)
    proposed = datetime(2026, 11, 27, 11, 0, tzinfo=NY)  # Friday 11:00, free
    s.advance(hours=1)
    ics = counter_ics(str(vevent["UID"]), "dana@client.example", booked.start, booked.end, proposed)
    s.mail("dana@client.example", "New Time Proposed: Quick sync", "Proposed new time.", ics=ics, ics_method="COUNTER")
    s.tick()
    sent = s.outgoing(2)
    update = next(m for m in sent if calendar_part(m))
    [moved] = list(icalendar.Calendar.from_ical(calendar_part(update)).walk("VEVENT"))
    assert moved.decoded("DTSTART") == proposed
    assert int(moved["SEQUENCE"]) > int(vevent.get("SEQUENCE", 0))
    assert s.conversation().booked.start == proposed
    [event] = s.events()
    assert event["when"]["start_time"] == int(proposed.timestamp())


def test_outlook_counter_to_a_busy_time_gets_other_options(scenario) -> None:
    s = scenario(MONDAY)
    vevent, booked = _booked_with_dana(s)
    proposed = datetime(2026, 11, 28, 11, 0, tzinfo=NY)  # Saturday: not a working day
    s.advance(hours=1)
    ics = counter_ics(str(vevent["UID"]), "dana@client.example", booked.start, booked.end, proposed)
    s.mail("dana@client.example", "New Time Proposed: Quick sync", "Proposed new time.", ics=ics, ics_method="COUNTER")
    s.tick()
    [offer] = s.outgoing(1)
    assert "1." in body_text(offer)
    conv = s.conversation()
    assert conv.booked == booked  # the meeting stays where it was until a new time is picked
    assert conv.proposals
    assert all(p.start != proposed for p in conv.proposals)
