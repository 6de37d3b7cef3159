"""The conversation state machine: one table row per (state, event), then the invariants as properties."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_agent.config import Settings
from scheduler_agent.models import (
    Conversation,
    ConversationEvent,
    ConversationState,
    CreateEvent,
    EventBooked,
    InboundCancel,
    InboundCounter,
    InboundInvitation,
    InboundMessage,
    InboundRequest,
    Intent,
    Interval,
    MeetingRequest,
    ParticipantReply,
    PendingTimer,
    Person,
    PlaceHolds,
    ReleaseHolds,
    ScheduleTimer,
    SendReply,
    TimerDue,
    TimerKind,
    UpdateEvent,
    action_from_json,
)
from scheduler_agent.negotiation import step
from scheduler_agent.negotiation_rounds import choose_proposals
from scheduler_agent.negotiation_turn import NegotiationPolicy, action_key, add_business_days

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 3, 9, 10, 0, tzinfo=NY)  # a Monday, the day after US clocks moved forward
AGENT = Person("agent@example.com", "Scheduling Agent")
ANA = Person("ana@example.com", "Ana Lima")
BO = Person("bo@example.com", "Bo Chen")
POLICY = NegotiationPolicy(agent_email=AGENT.email, agent_name=AGENT.name, home_timezone="America/New_York")
S = ConversationState


def slot(day: int, hour: int, minute: int = 0, minutes: int = 30, zone: ZoneInfo = NY) -> Interval:
    start = datetime(2026, 3, day, hour, minute, tzinfo=zone)
    return Interval(start, start + timedelta(minutes=minutes))


# Ranked candidates: working-hours half hours Tue 10 Mar .. Fri 13 Mar, best first (the engine's order).
CANDIDATES = tuple(slot(d, h, m) for d in (10, 11, 12, 13) for h in (9, 10, 14, 15) for m in (0, 30))
# Options far enough out that they are still ahead when the follow-ups and the expiry come due.
LATER = tuple(slot(d, h) for d in (23, 24, 25, 26) for h in (9, 14))


def request(intent: Intent = Intent.SCHEDULE, **kw: object) -> MeetingRequest:
    return MeetingRequest(intent=intent, confidence=kw.pop("confidence", 0.9), **kw)  # type: ignore[arg-type]


def mail(
    req: MeetingRequest,
    msg_id: str = "m1",
    *,
    sender: Person = ANA,
    cc: tuple[Person, ...] = (),
    candidates: tuple[Interval, ...] = CANDIDATES,
    busy: tuple[Interval, ...] = (),
    when: datetime = NOW,
) -> InboundRequest:
    return InboundRequest(
        message_id=msg_id,
        thread_id="t1",
        sender=sender,
        to=(AGENT,),
        cc=cc,
        subject="Meeting next week?",
        received=when,
        request=req,
        candidates=candidates,
        busy=busy,
    )


def run(conv: Conversation | None, event: ConversationEvent, now: datetime = NOW) -> tuple[Conversation, list]:
    return step(conv, event, now=now, settings=POLICY)


# ── starting points, reached by driving the machine itself ─────────────────────────────────────


def proposed() -> Conversation:
    return run(None, mail(request()))[0]


def confirmed(guests: tuple[Person, ...] = ()) -> Conversation:
    conv = run(None, mail(request(), cc=guests))[0]
    conv = run(conv, mail(request(Intent.ACCEPT, chosen=conv.proposals[0].start), "m2"))[0]
    return run(conv, EventBooked(thread_id="t1", event_id="ev1", ical_uid="uid1"))[0]


def rescheduling() -> Conversation:
    return run(confirmed(), mail(request(Intent.RESCHEDULE), "m3"))[0]


def expired() -> Conversation:
    conv = run(None, mail(request(), candidates=LATER))[0]
    while conv.state == S.PROPOSED:
        assert conv.timer is not None
        conv = run(conv, TimerDue(thread_id="t1", kind=conv.timer.kind, at=conv.timer.at), conv.timer.at)[0]
    return conv


def flagged() -> Conversation:
    return run(None, mail(request(confidence=0.1)))[0]


def invited(conflicts: bool = False) -> Conversation:
    return run(None, invitation(conflicts))[0]


def invitation(conflicts: bool) -> InboundInvitation:
    return InboundInvitation(
        message_id="inv1",
        thread_id="t1",
        organizer=BO,
        interval=slot(11, 14),
        event_id="ev-bo",
        received=NOW,
        ical_uid="bo-uid",
        title="Quarterly review",
        subject="Invitation: Quarterly review",
        conflicts=conflicts,
        alternatives=(slot(11, 15), slot(12, 9), slot(12, 10), slot(13, 9)),
    )


def timer_of(conv: Conversation) -> TimerDue:
    assert conv.timer is not None
    return TimerDue(thread_id="t1", kind=conv.timer.kind, at=conv.timer.at)


@dataclass(frozen=True)
class Row:
    name: str
    start: Callable[[], Conversation | None]
    event: Callable[[Conversation | None], ConversationEvent]
    state: ConversationState
    actions: tuple[str, ...]


PROPOSE = ("hold", "send_reply", "schedule_timer")  # from a state with no pending timer
REPROPOSE = ("release", "cancel_timers", *PROPOSE)  # replacing an open round
BOOK = ("create_event", "release", "send_reply")
PICKED = ("create_event", "release", "cancel_timers", "send_reply")
MOVE = ("update_event", "release", "send_reply")
MOVE_PICKED = ("update_event", "release", "cancel_timers", "send_reply")
FLAG = ("flag_human",)
FLAG_OPEN = ("flag_human", "cancel_timers")

ROWS = [
    Row("new+schedule", lambda: None, lambda c: mail(request()), S.PROPOSED, PROPOSE),
    Row(
        "new+schedule, nothing free",
        lambda: None,
        lambda c: mail(request(), candidates=()),
        S.NEW,
        ("send_reply",),
    ),
    Row("new+schedule, low confidence", lambda: None, lambda c: mail(request(confidence=0.2)), S.NEEDS_HUMAN, FLAG),
    Row(
        "new+schedule for someone off the thread",
        lambda: None,
        lambda c: mail(request(attendees=(Person("eve@evil.test"),))),
        S.NEEDS_HUMAN,
        FLAG,
    ),
    Row(
        "new+schedule naming a person without address",
        lambda: None,
        lambda c: mail(request(attendees=(Person("", "Dana"),))),
        S.NEW,
        ("send_reply",),
    ),
    Row(
        "new+schedule naming a cc'd person",
        lambda: None,
        lambda c: mail(request(attendees=(Person("", "Bo"),)), cc=(BO,)),
        S.PROPOSED,
        PROPOSE,
    ),
    Row(
        "new+schedule at a specific free time",
        lambda: None,
        lambda c: mail(request(chosen=slot(12, 14).start)),
        S.CONFIRMED,
        BOOK,
    ),
    Row(
        "new+windows all ruled out",
        lambda: None,
        lambda c: mail(request(windows=(slot(12, 9, minutes=120),), avoid=(slot(12, 8, minutes=300),))),
        S.NEEDS_HUMAN,
        FLAG,
    ),
    Row("new+decline", lambda: None, lambda c: mail(request(Intent.DECLINE)), S.DECLINED, ()),
    Row("new+other", lambda: None, lambda c: mail(request(Intent.OTHER)), S.NEW, ()),
    Row(
        "proposed+pick free",
        proposed,
        lambda c: mail(request(Intent.ACCEPT, chosen=c.proposals[1].start), "m2"),
        S.CONFIRMED,
        PICKED,
    ),
    Row(
        "proposed+pick taken meanwhile",
        proposed,
        lambda c: mail(request(Intent.ACCEPT, chosen=c.proposals[1].start), "m2", busy=(c.proposals[1],)),
        S.PROPOSED,
        REPROPOSE,
    ),
    Row(
        "proposed+pick matching two options",
        proposed,
        lambda c: mail(request(Intent.ACCEPT, windows=(Interval(c.proposals[0].start, c.proposals[1].end),)), "m2"),
        S.NEEDS_HUMAN,
        FLAG_OPEN,
    ),
    Row("proposed+vague yes", proposed, lambda c: mail(request(Intent.ACCEPT), "m2"), S.PROPOSED, ("send_reply",)),
    Row(
        "proposed+counter",
        proposed,
        lambda c: mail(request(Intent.COUNTER, windows=(slot(13, 14, minutes=120),)), "m2"),
        S.PROPOSED,
        REPROPOSE,
    ),
    Row("proposed+none work", proposed, lambda c: mail(request(Intent.DECLINE), "m2"), S.PROPOSED, REPROPOSE),
    Row(
        "proposed+cancel",
        proposed,
        lambda c: mail(request(Intent.CANCEL), "m2"),
        S.CANCELLED,
        ("release", "cancel_timers", "send_reply"),
    ),
    Row("proposed+thanks", proposed, lambda c: mail(request(Intent.OTHER), "m2"), S.PROPOSED, ()),
    Row(
        "proposed+an offered time named without a clear intent",
        proposed,
        lambda c: mail(request(Intent.OTHER, chosen=c.proposals[2].start), "m2"),
        S.CONFIRMED,
        PICKED,
    ),
    Row("proposed+follow-up due", proposed, timer_of, S.PROPOSED, ("send_reply", "schedule_timer")),
    Row(
        "proposed+stale timer",
        proposed,
        lambda c: TimerDue(thread_id="t1", kind=TimerKind.FOLLOW_UP, at=NOW),
        S.PROPOSED,
        (),
    ),
    Row(
        "proposed+expiry",
        lambda: replace(proposed(), timer=replace(proposed().timer, kind=TimerKind.EXPIRE)),  # type: ignore[type-var]
        timer_of,
        S.EXPIRED,
        ("release", "cancel_timers"),
    ),
    Row(
        "proposed+too many rounds",
        lambda: replace(proposed(), rounds=POLICY.max_rounds),
        lambda c: mail(request(Intent.DECLINE), "m2"),
        S.NEEDS_HUMAN,
        FLAG_OPEN,
    ),
    Row(
        "confirmed+reschedule",
        confirmed,
        lambda c: mail(request(Intent.RESCHEDULE), "m3"),
        S.RESCHEDULING,
        PROPOSE,
    ),
    Row(
        "confirmed+cancel",
        confirmed,
        lambda c: mail(request(Intent.CANCEL), "m3"),
        S.CANCELLED,
        ("delete_event", "release", "send_reply"),
    ),
    Row(
        "confirmed+cancel before the event id is known",
        lambda: replace(confirmed(), event_id=None),
        lambda c: mail(request(Intent.CANCEL), "m3"),
        S.NEEDS_HUMAN,
        FLAG,
    ),
    Row(
        "confirmed+same pick again",
        confirmed,
        lambda c: mail(request(Intent.ACCEPT, chosen=c.booked.start), "m3"),  # type: ignore[union-attr]
        S.CONFIRMED,
        (),
    ),
    Row(
        "confirmed+a different pick",
        confirmed,
        lambda c: mail(request(Intent.ACCEPT, chosen=slot(13, 15).start), "m3"),
        S.NEEDS_HUMAN,
        FLAG,
    ),
    Row(
        "confirmed+another meeting",
        confirmed,
        lambda c: mail(request(Intent.SCHEDULE), "m3"),
        S.NEEDS_HUMAN,
        FLAG,
    ),
    Row(
        "confirmed+only guest declines",
        confirmed,
        lambda c: ParticipantReply(
            message_id="r1", thread_id="t1", attendee=ANA, status="no", received=NOW, candidates=CANDIDATES
        ),
        S.RESCHEDULING,
        PROPOSE,
    ),
    Row(
        "confirmed+only guest declines in iTIP words",
        confirmed,
        lambda c: ParticipantReply(
            message_id="r1", thread_id="t1", attendee=ANA, status="DECLINED", received=NOW, candidates=CANDIDATES
        ),
        S.RESCHEDULING,
        PROPOSE,
    ),
    Row(
        "confirmed+guest accepts",
        confirmed,
        lambda c: ParticipantReply(message_id="r1", thread_id="t1", attendee=ANA, status="yes", received=NOW),
        S.CONFIRMED,
        (),
    ),
    Row(
        "confirmed+one of two guests declines",
        lambda: confirmed(guests=(BO,)),
        lambda c: ParticipantReply(message_id="r1", thread_id="t1", attendee=BO, status="no", received=NOW),
        S.CONFIRMED,
        (),
    ),
    Row(
        "confirmed+COUNTER to a free time",
        confirmed,
        lambda c: InboundCounter(
            message_id="c1", thread_id="t1", sender=ANA, proposed=slot(13, 15), received=NOW, candidates=CANDIDATES
        ),
        S.CONFIRMED,
        MOVE,
    ),
    Row(
        "confirmed+COUNTER to a busy time",
        confirmed,
        lambda c: InboundCounter(
            message_id="c1",
            thread_id="t1",
            sender=ANA,
            proposed=slot(13, 15),
            received=NOW,
            candidates=CANDIDATES,
            busy=(slot(13, 15),),
        ),
        S.RESCHEDULING,
        PROPOSE,
    ),
    Row(
        "rescheduling+pick",
        rescheduling,
        lambda c: mail(request(Intent.ACCEPT, chosen=c.proposals[2].start), "m4"),
        S.CONFIRMED,
        MOVE_PICKED,
    ),
    Row(
        "rescheduling+cancel",
        rescheduling,
        lambda c: mail(request(Intent.CANCEL), "m4"),
        S.CANCELLED,
        ("delete_event", "release", "cancel_timers", "send_reply"),
    ),
    Row(
        "rescheduling+expiry keeps the meeting",
        lambda: replace(rescheduling(), timer=replace(rescheduling().timer, kind=TimerKind.EXPIRE)),  # type: ignore[type-var]
        timer_of,
        S.CONFIRMED,
        ("release", "cancel_timers"),
    ),
    Row(
        "expired+late pick still free",
        expired,
        lambda c: mail(request(Intent.ACCEPT, chosen=c.proposals[0].start), "m9"),
        S.CONFIRMED,
        BOOK,
    ),
    Row("expired+new request", expired, lambda c: mail(request(), "m9"), S.PROPOSED, PROPOSE),
    Row(
        "cancelled+new request",
        lambda: run(proposed(), mail(request(Intent.CANCEL), "m2"))[0],
        lambda c: mail(request(), "m9"),
        S.PROPOSED,
        PROPOSE,
    ),
    Row("needs_human+anything", flagged, lambda c: mail(request(Intent.ACCEPT), "m2"), S.NEEDS_HUMAN, ()),
    Row("new+invitation, free", lambda: None, lambda c: invitation(False), S.CONFIRMED, ("send_rsvp",)),
    Row("new+invitation, busy", lambda: None, lambda c: invitation(True), S.DECLINED, ("send_rsvp", "send_reply")),
    Row(
        "invited+organiser cancels",
        invited,
        lambda c: InboundCancel(message_id="x1", thread_id="t1", organizer=BO, received=NOW, ical_uid="bo-uid"),
        S.CANCELLED,
        (),
    ),
    Row(
        "invited+mail in the thread",
        invited,
        lambda c: mail(request(), "m2", sender=BO),
        S.NEEDS_HUMAN,
        FLAG,
    ),
    Row(
        "proposed+invitation in our own thread",
        proposed,
        lambda c: invitation(False),
        S.NEEDS_HUMAN,
        FLAG_OPEN,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_transition_table(row: Row) -> None:
    start = row.start()
    after, actions = run(start, row.event(start))
    assert after.state == row.state
    assert tuple(a.type for a in actions) == row.actions
    if after.state == S.NEEDS_HUMAN and row.actions:
        assert after.reason
    assert not any(isinstance(a, SendReply) for a in actions) or after.state != S.NEEDS_HUMAN


def test_first_proposals_are_spread_over_days_and_held() -> None:
    conv, actions = run(None, mail(request()))
    assert len(conv.proposals) == POLICY.proposals
    assert len({p.start.date() for p in conv.proposals}) == POLICY.proposals
    assert list(conv.proposals) == sorted(conv.proposals)
    hold = next(a for a in actions if isinstance(a, PlaceHolds))
    assert hold.intervals == conv.proposals
    timer = next(a for a in actions if isinstance(a, ScheduleTimer))
    assert timer.kind == TimerKind.FOLLOW_UP
    assert timer.at == datetime(2026, 3, 11, 10, 0, tzinfo=NY)
    assert hold.expires == datetime(2026, 3, 17, 10, 0, tzinfo=NY)  # two follow-ups, then two more working days


def test_reply_goes_to_the_thread_and_never_to_the_agent() -> None:
    event = replace(mail(request(), cc=(BO, AGENT)), to=(AGENT, Person("AGENT@Example.com")))
    conv, actions = run(None, event)
    reply = next(a for a in actions if isinstance(a, SendReply))
    assert reply.to == (ANA,)
    assert reply.cc == (BO,)
    assert reply.reply_to_message_id == "m1"
    assert reply.subject == "Re: Meeting next week?"
    assert "Hi Ana," in reply.body
    assert conv.participants == (ANA, BO)


def test_booking_invites_thread_people_once_and_not_the_agent() -> None:
    conv = run(None, mail(request(), cc=(BO,)))[0]
    conv, actions = run(conv, mail(request(Intent.ACCEPT, chosen=conv.proposals[0].start), "m2", sender=BO, cc=(ANA,)))
    create = next(a for a in actions if isinstance(a, CreateEvent))
    assert create.participants == (ANA, BO)
    assert create.interval == conv.booked
    assert create.notify_participants
    reply = next(a for a in actions if isinstance(a, SendReply))
    assert reply.to == (BO,)
    assert reply.cc == (ANA,)
    assert "You're booked" in reply.body


def test_reschedule_pick_moves_the_existing_event() -> None:
    conv = rescheduling()
    assert conv.booked not in conv.proposals
    after, actions = run(conv, mail(request(Intent.ACCEPT, chosen=conv.proposals[0].start), "m4"))
    update = next(a for a in actions if isinstance(a, UpdateEvent))
    assert update.event_id == "ev1"
    assert update.interval == conv.proposals[0]
    assert after.booked == conv.proposals[0]


def test_none_work_offers_different_times() -> None:
    conv = proposed()
    after, _ = run(conv, mail(request(Intent.DECLINE), "m2"))
    assert after.proposals
    assert not set(after.proposals) & set(conv.proposals)
    assert after.rounds == 2


def test_taken_slot_apologises_and_never_reoffers_it() -> None:
    conv = proposed()
    taken = conv.proposals[0]
    after, actions = run(conv, mail(request(Intent.ACCEPT, chosen=taken.start), "m2", busy=(taken,)))
    assert taken not in after.proposals
    reply = next(a for a in actions if isinstance(a, SendReply))
    assert "has just been taken" in reply.body


def test_silence_follows_up_twice_then_expires() -> None:
    conv = run(None, mail(request(), candidates=LATER))[0]
    nudges = []
    while conv.state == S.PROPOSED:
        conv, actions = run(conv, timer_of(conv), conv.timer.at)  # type: ignore[union-attr]
        nudges += [a.body for a in actions if isinstance(a, SendReply)]
    assert conv.state == S.EXPIRED
    assert len(nudges) == POLICY.follow_ups
    assert all("still open" in body and body.count("\n  ") == POLICY.proposals for body in nudges)
    assert [h.after for h in conv.history] == [S.PROPOSED, S.EXPIRED]


def test_follow_up_drops_offers_that_have_passed() -> None:
    conv = proposed()  # Tue 10, Wed 11 and Thu 12 March
    conv, actions = run(conv, timer_of(conv), conv.timer.at)  # type: ignore[union-attr]  # Wed 11, 10:00
    nudge = next(a for a in actions if isinstance(a, SendReply))
    assert conv.proposals == (slot(12, 9),)
    assert "  1. Thu 12 Mar, 9:00–9:30 am" in nudge.body
    assert "  2." not in nudge.body


def test_follow_up_with_every_offer_passed_ends_the_round() -> None:
    conv = proposed()
    late = TimerDue(thread_id="t1", kind=TimerKind.FOLLOW_UP, at=datetime(2026, 3, 20, 10, tzinfo=NY))
    conv, actions = run(replace(conv, timer=PendingTimer(kind=late.kind, at=late.at)), late, late.at)
    assert conv.state == S.EXPIRED
    assert [a.type for a in actions] == ["send_reply", "release", "cancel_timers"]
    assert "have passed" in actions[0].body  # type: ignore[union-attr]


def test_picking_a_time_that_has_passed_offers_new_ones() -> None:
    conv = proposed()
    late = datetime(2026, 3, 10, 12, tzinfo=NY)
    after, actions = run(conv, mail(request(Intent.ACCEPT, chosen=conv.proposals[0].start), "m2", when=late), late)
    assert after.state == S.PROPOSED
    assert all(p.start > late for p in after.proposals)
    assert "has already passed" in next(a for a in actions if isinstance(a, SendReply)).body


def test_invitation_decline_offers_alternatives_to_the_organiser() -> None:
    _conv, actions = run(None, invitation(True))
    rsvp, reply = actions
    assert rsvp.status == "no"
    assert rsvp.event_id == "ev-bo"
    assert reply.to == (BO,)  # type: ignore[union-attr]
    assert reply.body.count("\n  ") == POLICY.proposals  # type: ignore[union-attr]
    assert "Quarterly review" in reply.body  # type: ignore[union-attr]


def test_request_event_from_an_inbound_message_keeps_header_addresses() -> None:
    message = InboundMessage(
        id="m7",
        thread_id="t7",
        subject="Lunch?",
        sender=ANA,
        to=(AGENT,),
        cc=(BO,),
        reply_to=(Person("ana.private@example.com"),),
        date=NOW,
    )
    event = InboundRequest.from_message(message, request(), candidates=CANDIDATES, sender_timezone="Asia/Tokyo")
    assert (event.message_id, event.thread_id, event.received) == ("m7", "t7", NOW)
    assert (event.to, event.cc, event.reply_to) == (message.to, message.cc, message.reply_to)
    assert event.sender_timezone == "Asia/Tokyo"
    with pytest.raises(ValueError, match="no sender"):
        InboundRequest.from_message(replace(message, sender=None), request())


def test_event_booked_records_the_calendar_ids() -> None:
    conv = confirmed()
    assert (conv.event_id, conv.ical_uid) == ("ev1", "uid1")


def test_conversation_round_trips_through_json() -> None:
    conv = rescheduling()
    assert Conversation.from_json(conv.to_json()) == conv
    answered = run(
        confirmed(), ParticipantReply(message_id="r", thread_id="t1", attendee=ANA, status="ACCEPTED", received=NOW)
    )[0]
    assert answered.responses == (("ana@example.com", "yes"),)
    assert Conversation.from_json(answered.to_json()) == answered


def test_actions_round_trip_through_json() -> None:
    conv = proposed()
    _, actions = run(conv, mail(request(Intent.ACCEPT, chosen=conv.proposals[0].start), "m2"))
    for action in actions:
        assert action_from_json(action.to_json()) == action


def test_step_rejects_naive_now_and_foreign_thread() -> None:
    with pytest.raises(ValueError, match="aware"):
        step(None, mail(request()), now=datetime(2026, 3, 9), settings=POLICY)
    with pytest.raises(ValueError, match="thread"):
        run(replace(proposed(), thread_id="other"), mail(request()))


def test_policy_from_settings_uses_config() -> None:
    policy = NegotiationPolicy.from_settings(Settings())
    assert policy.proposals == 3
    assert policy.follow_ups == 2
    assert policy.home_timezone == "America/New_York"


def test_business_days_skip_the_weekend_across_dst() -> None:
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=NY)  # EST
    assert add_business_days(friday, 2, NY) == datetime(2026, 3, 10, 10, 0, tzinfo=NY)  # EDT, same wall time


def test_spread_prefers_distinct_days_in_the_readers_zone() -> None:
    options = [slot(10, 9), slot(10, 11), slot(11, 9)]  # 22:00 Tue, 00:00 Wed, 22:00 Wed in Tokyo
    assert choose_proposals(options, busy=(), count=2, zone=TOKYO) == (slot(10, 9), slot(10, 11))
    assert choose_proposals(options, busy=(), count=2, zone=NY) == (slot(10, 9), slot(11, 9))
    assert choose_proposals(options, busy=(slot(10, 9),), count=5, zone=NY) == (slot(10, 11), slot(11, 9))


# ── invariants ──────────────────────────────────────────────────────────────────────────────────

busy_blocks = st.lists(
    st.builds(
        lambda d, h, m, n: slot(d, h, m, minutes=n),
        st.sampled_from([10, 11, 12, 13]),
        st.integers(8, 16),
        st.sampled_from([0, 15, 30, 45]),
        st.sampled_from([15, 30, 60, 120]),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(busy=busy_blocks, count=st.integers(1, 6), pick=st.integers(0, 5))
def test_never_propose_or_book_busy_and_never_too_many(busy: list[Interval], count: int, pick: int) -> None:
    policy = replace(POLICY, proposals=count)
    conv, actions = step(None, mail(request(), busy=tuple(busy)), now=NOW, settings=policy)
    assert len(conv.proposals) <= count
    assert not any(p.overlaps(b) for p in conv.proposals for b in busy)
    for hold in (a for a in actions if isinstance(a, PlaceHolds)):
        assert len(hold.intervals) <= count
    if not conv.proposals:
        return
    chosen = conv.proposals[pick % len(conv.proposals)]
    later_busy = tuple(busy[: len(busy) // 2]) + ((chosen,) if pick % 2 else ())
    after, actions = step(
        conv, mail(request(Intent.ACCEPT, chosen=chosen.start), "m2", busy=later_busy), now=NOW, settings=policy
    )
    for create in (a for a in actions if isinstance(a, CreateEvent)):
        assert not any(create.interval.overlaps(b) for b in later_busy)
    assert not any(p.overlaps(b) for p in after.proposals for b in later_busy)
    assert len(after.proposals) <= count


@settings(max_examples=60, deadline=None)
@given(intent=st.sampled_from(list(Intent)), start=st.sampled_from(["new", "proposed", "confirmed"]))
def test_send_keys_are_stable_across_reruns_and_unique(intent: Intent, start: str) -> None:
    conv = {"new": lambda: None, "proposed": proposed, "confirmed": confirmed}[start]()
    event = mail(request(intent), "mx")
    first = run(conv, event)[1]
    second = run(conv, event)[1]
    assert [a.key for a in first] == [a.key for a in second]
    assert len({a.key for a in first}) == len(first)
    assert all(a.key == action_key("t1", "mx", i) for i, a in enumerate(first))


@settings(max_examples=60, deadline=None)
@given(attendees=st.lists(st.emails(), max_size=3))
def test_recipients_only_ever_come_from_the_thread(attendees: list[str]) -> None:
    event = mail(request(attendees=tuple(Person(e) for e in attendees)), cc=(BO,))
    _, actions = run(None, event)
    thread = {ANA.email, BO.email}
    for reply in (a for a in actions if isinstance(a, SendReply)):
        assert {p.email for p in (*reply.to, *reply.cc)} <= thread


@settings(max_examples=80, deadline=None)
@given(
    threads=st.integers(2, 6),
    order=st.permutations(range(6)),
    choice=st.lists(st.integers(0, 5), min_size=6, max_size=6),
    external=st.lists(st.sampled_from(CANDIDATES), max_size=4),
)
def test_racing_conversations_never_double_book(
    threads: int, order: list[int], choice: list[int], external: list[Interval]
) -> None:
    """A minimal edge: candidates skip other threads' holds, busy = calendar + other threads' holds."""
    holds: dict[str, tuple[Interval, ...]] = {}
    booked: list[Interval] = []
    convs: dict[str, Conversation] = {}

    def others(tid: str) -> tuple[Interval, ...]:
        return tuple(i for t, held in holds.items() if t != tid for i in held)

    for n in range(threads):
        tid = f"t{n}"
        free = tuple(c for c in CANDIDATES if not any(c.overlaps(h) for h in others(tid)))
        event = replace(mail(request()), thread_id=tid, candidates=free, busy=tuple(booked))
        convs[tid], actions = step(None, event, now=NOW, settings=POLICY)
        holds[tid] = next((a.intervals for a in actions if isinstance(a, PlaceHolds)), ())
    booked.extend(external)  # meetings booked on the calendar directly meanwhile
    for n in (i for i in order if i < threads):
        tid = f"t{n}"
        conv = convs[tid]
        if not conv.proposals:
            continue
        pick = conv.proposals[choice[n] % len(conv.proposals)]
        event = replace(
            mail(request(Intent.ACCEPT, chosen=pick.start), "m2"),
            thread_id=tid,
            candidates=CANDIDATES,
            busy=(*booked, *others(tid)),
        )
        convs[tid], actions = step(conv, event, now=NOW, settings=POLICY)
        for action in actions:
            if isinstance(action, ReleaseHolds):
                holds[tid] = ()
            if isinstance(action, CreateEvent):
                assert not any(action.interval.overlaps(b) for b in booked)
                booked.append(action.interval)
            if isinstance(action, PlaceHolds):
                assert not any(i.overlaps(b) for i in action.intervals for b in (*booked, *others(tid)))
                holds[tid] = action.intervals
