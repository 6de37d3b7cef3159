"""Request → options → pick → invitation → accepted REPLY, end to end over SMTP."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
from scenario_harness import AGENT, body_text, calendar_part

NY = ZoneInfo("America/New_York")


def test_request_pick_invite_accept(scenario) -> None:
    s = scenario(datetime(2026, 11, 23, 9, 0, tzinfo=NY))  # Monday morning
    first = s.mail("Dana Smith <dana@client.example>", "Quick sync", "Hi! Could we do a 30 min call later this week?")
    s.tick()
    [proposal] = s.outgoing(1)
    assert proposal["To"] == "Dana Smith <dana@client.example>"
    assert proposal["Subject"] == "Re: Quick sync"
    assert proposal["In-Reply-To"] == first["Message-ID"]
    text = body_text(proposal)
    for number in ("1.", "2.", "3."):
        assert number in text
    conv = s.conversation()
    assert conv.state.value == "proposed"
    assert len(conv.proposals) == 3
    assert len({p.start.date() for p in conv.proposals}) == 3  # spread over different days

    s.advance(hours=1)
    s.mail("Dana Smith <dana@client.example>", "Re: Quick sync", "The second one works for me.", reply_to=proposal)
    s.tick()
    sent = s.outgoing(2)
    invitation = next(m for m in sent if calendar_part(m))
    confirmation = next(m for m in sent if not calendar_part(m))
    cal = icalendar.Calendar.from_ical(calendar_part(invitation))
    assert str(cal["METHOD"]) == "REQUEST"
    [vevent] = [c for c in cal.walk("VEVENT")]
    chosen = conv.proposals[1]
    assert vevent.decoded("DTSTART") == chosen.start
    assert "dana@client.example" in str(vevent.get("ATTENDEE"))
    assert confirmation["In-Reply-To"] is not None
    booked = s.conversation()
    assert booked.state.value == "confirmed"
    assert booked.booked == chosen
    [event] = s.events()
    assert event["id"] == booked.event_id
    assert [p["email"] for p in event["participants"]] == ["dana@client.example"]

    # Dana's calendar answers the invitation: an iMIP REPLY with PARTSTAT=ACCEPTED.
    reply = icalendar.Calendar()
    reply.add("prodid", "-//Client//EN")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    ev = icalendar.Event()
    ev.add("uid", str(vevent["UID"]))
    ev.add("sequence", int(vevent.get("SEQUENCE", 0)))
    ev.add("dtstamp", s.clock.now())
    ev.add("dtstart", chosen.start)
    ev.add("dtend", chosen.end)
    attendee = icalendar.vCalAddress("mailto:dana@client.example")
    attendee.params["PARTSTAT"] = "ACCEPTED"
    ev.add("attendee", attendee)
    ev.add("organizer", icalendar.vCalAddress(f"mailto:{AGENT}"))
    reply.add_component(ev)
    s.advance(minutes=10)
    s.mail(
        "dana@client.example",
        "Accepted: Quick sync",
        "Dana accepted.",
        ics=reply.to_ical().decode(),
        ics_method="REPLY",
    )
    s.tick()
    s.nothing_sent()
    [event] = s.events()
    assert event["participants"][0]["status"] == "yes"
    assert s.conversation().state.value == "confirmed"
