"""Multi-turn conversations over real SMTP: counters, refusals, reschedules, cancels, races, silence."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from scenario_harness import body_text, calendar_part

NY = ZoneInfo("America/New_York")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=NY)
DANA = "Dana Smith <dana@client.example>"


def _propose(s, text: str = "Could we do a 30 min call later this week?", sender: str = DANA, **kw):
    first = s.mail(sender, "Quick sync", text, **kw)
    s.tick()
    [proposal] = s.outgoing(1)
    return first, proposal


def _book(s, proposal, pick: str = "The first one works."):
    s.advance(minutes=30)
    s.mail(DANA, "Re: Quick sync", pick, reply_to=proposal)
    s.tick()
    sent = s.outgoing(2)
    invite = next(m for m in sent if calendar_part(m))
    confirmation = next(m for m in sent if not calendar_part(m))
    return invite, confirmation


def _vevent(message):
    cal = icalendar.Calendar.from_ical(calendar_part(message))
    return cal, next(iter(cal.walk("VEVENT")))


def test_counter_with_a_new_constraint_gets_new_options(scenario) -> None:
    s = scenario(MONDAY)
    _, proposal = _propose(s)
    offered = s.conversation().proposals
    s.advance(hours=2)
    s.mail(DANA, "Re: Quick sync", "None of those work, sorry. How about next Tuesday afternoon?", reply_to=proposal)
    s.tick()
    [again] = s.outgoing(1)
    conv = s.conversation()
    assert conv.state.value == "proposed"
    assert set(conv.proposals).isdisjoint(offered)
    for slot in conv.proposals:
        local = slot.start.astimezone(NY)
        assert local.date() == datetime(2026, 12, 1).date()
        assert local.hour >= 12
    assert again["In-Reply-To"] is not None
    assert "Tue 1 Dec" in body_text(again)


def test_none_work_gets_other_times(scenario) -> None:
    s = scenario(MONDAY)
    _, proposal = _propose(s)
    offered = set(s.conversation().proposals)
    s.advance(hours=1)
    s.mail(DANA, "Re: Quick sync", "Unfortunately none of these times work for me.", reply_to=proposal)
    s.tick()
    s.outgoing(1)
    conv = s.conversation()
    assert conv.state.value == "proposed"
    assert offered.isdisjoint(conv.proposals)
    assert s.events() == []  # nothing was booked


def test_reschedule_moves_the_event_with_a_higher_sequence(scenario) -> None:
    s = scenario(MONDAY)
    _, proposal = _propose(s)
    invite, confirmation = _book(s, proposal)
    _, first = _vevent(invite)
    booked = s.conversation().booked
    s.advance(hours=3)
    s.mail(DANA, "Re: Quick sync", "Something came up - can we push this to next week?", reply_to=confirmation)
    s.tick()
    [options] = s.outgoing(1)
    conv = s.conversation()
    assert conv.state.value == "rescheduling"
    assert all(p.start.astimezone(NY).date() >= datetime(2026, 11, 30).date() for p in conv.proposals)
    s.advance(minutes=20)
    s.mail(DANA, "Re: Quick sync", "Option 2 please.", reply_to=options)
    s.tick()
    sent = s.outgoing(2)
    update = next(m for m in sent if calendar_part(m))
    cal, moved = _vevent(update)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(moved["UID"]) == str(first["UID"])
    assert int(moved["SEQUENCE"]) > int(first.get("SEQUENCE", 0))
    assert moved.decoded("DTSTART") == conv.proposals[1].start
    [event] = s.events()
    final = s.conversation()
    assert final.state.value == "confirmed"
    assert final.booked != booked
    assert event["when"]["start_time"] == int(conv.proposals[1].start.timestamp())


def test_cancel_deletes_the_event_and_sends_a_cancel(scenario) -> None:
    s = scenario(MONDAY)
    _, proposal = _propose(s)
    _, confirmation = _book(s, proposal)
    s.advance(hours=1)
    s.mail(DANA, "Re: Quick sync", "Sorry, we need to cancel this meeting.", reply_to=confirmation)
    s.tick()
    sent = s.outgoing(2)
    cancel = next(m for m in sent if calendar_part(m))
    cal, _ = _vevent(cancel)
    assert str(cal["METHOD"]) == "CANCEL"
    assert s.conversation().state.value == "cancelled"
    assert s.events() == []


def test_three_participants_all_get_the_invitation(scenario) -> None:
    s = scenario(MONDAY)
    _, proposal = _propose(
        s,
        "Could the three of us do a 45 minute call on Wednesday or Thursday?",
        cc=("Priya <priya@client.example>", "omar@partner.example"),
    )
    assert "priya@client.example" in proposal["Cc"]
    assert "omar@partner.example" in proposal["Cc"]
    conv = s.conversation()
    assert {p.email for p in conv.participants} == {
        "dana@client.example",
        "priya@client.example",
        "omar@partner.example",
    }
    assert all(p.duration == timedelta(minutes=45) for p in conv.proposals)
    s.advance(minutes=10)
    s.mail(DANA, "Re: Quick sync", "The first one works for all of us.", reply_to=proposal)
    s.tick()
    sent = s.outgoing(4)  # one invitation per participant + the confirmation
    invited = {str(m["To"]).split("<")[-1].strip(">") for m in sent if calendar_part(m)}
    assert invited == {"dana@client.example", "priya@client.example", "omar@partner.example"}
    [event] = s.events()
    assert {p["email"] for p in event["participants"]} == invited


def test_two_requesters_racing_for_the_same_hour(scenario) -> None:
    s = scenario(MONDAY, schedule={"proposals": 1})
    s.mail(DANA, "Sync", "Can we meet for 30 min on Tuesday morning?")
    s.mail("Lee <lee@other.example>", "Chat", "Can we meet for 30 min on Tuesday morning?")
    s.tick()
    to_dana, to_lee = sorted(s.outgoing(2), key=lambda m: str(m["To"]))
    dana_conv = next(c for c in s.store.conversations() if c.requester and c.requester.email == "dana@client.example")
    lee_conv = next(c for c in s.store.conversations() if c.requester and c.requester.email == "lee@other.example")
    assert dana_conv.proposals != lee_conv.proposals  # holds keep the second requester off the first one's slot
    # Both now pick; the calendar gets two different meetings, never one hour twice.
    s.advance(minutes=5)
    s.mail(DANA, "Re: Sync", "That works.", reply_to=to_dana)
    s.mail("Lee <lee@other.example>", "Re: Chat", "That works.", reply_to=to_lee)
    s.tick()
    s.outgoing(4)
    events = s.events()
    assert len(events) == 2
    spans = sorted((e["when"]["start_time"], e["when"]["end_time"]) for e in events)
    assert spans[0][1] <= spans[1][0]


def test_a_slot_taken_meanwhile_is_not_booked(scenario) -> None:
    s = scenario(MONDAY)
    _, proposal = _propose(s)
    chosen = s.conversation().proposals[0]
    # Someone books that very time directly on the agent's calendar before Dana answers.
    s.backend.client.create_event(
        {
            "title": "Board call",
            "when": {"start_time": int(chosen.start.timestamp()), "end_time": int(chosen.end.timestamp())},
            "participants": [],
        },
        notify_participants=False,
    )
    s.advance(minutes=30)
    s.mail(DANA, "Re: Quick sync", "The first one works.", reply_to=proposal)
    s.tick()
    [sorry] = s.outgoing(1)
    assert calendar_part(sorry) is None
    assert "Board call" not in body_text(sorry)  # other meetings are never described
    assert len(s.events()) == 1
    assert s.conversation().state.value == "proposed"


def test_silence_gets_two_follow_ups_then_expires(scenario) -> None:
    s = scenario(MONDAY)
    _propose(s, "Could we do a 30 min call sometime next week or the week after?")
    assert s.store.holds(now=s.clock.now())
    for expected in ("follow", "follow"):
        s.advance(days=2, hours=1)
        s.tick()
        [nudge] = s.outgoing(1)
        assert nudge["Subject"] == "Re: Quick sync", expected
    s.advance(days=4)  # the last reminder went out on Friday; expiry comes two business days later
    s.tick()
    s.nothing_sent()
    conv = s.conversation()
    assert conv.state.value == "expired"
    assert conv.follow_ups_sent == 2
    assert s.store.holds(now=s.clock.now()) == []
