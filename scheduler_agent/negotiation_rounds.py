"""A negotiation's rounds of options: offering times, booking the one picked, following up, giving up.

Every offer is re-checked against the busy time in the event at the moment of the decision, and a round
never carries more than `proposals` options; the timer of a round drives its follow-ups and its expiry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from . import compose
from .models import (
    Conversation,
    ConversationState,
    CreateEvent,
    DeleteEvent,
    InboundCounter,
    InboundRequest,
    Interval,
    ParticipantReply,
    PendingTimer,
    PlaceHolds,
    ReleaseHolds,
    ScheduleTimer,
    TimerDue,
    TimerKind,
    UpdateEvent,
)
from .negotiation_turn import (
    OPEN_STATES,
    NegotiationPolicy,
    Turn,
    add_business_days,
    flag,
    reply,
    stop_timers,
    voice_for,
)

S = ConversationState
# Writes the mail that carries a round of options, given who reads it and the options chosen.
Wording = Callable[[compose.Voice, Sequence[Interval]], str]


def choose_proposals(
    candidates: Iterable[Interval],
    *,
    busy: Sequence[Interval],
    exclude: Sequence[Interval] = (),
    count: int,
    zone: ZoneInfo,
) -> tuple[Interval, ...]:
    """Take up to `count` of the ranked candidates, one per day first so people get real choice.

    Anything overlapping `busy`, `exclude` or an already chosen slot is skipped; the result is in
    chronological order because that is how people read a numbered list of times.
    """
    blocked = [*busy, *exclude]
    usable = [c for c in candidates if not any(c.overlaps(b) for b in blocked)]
    picked: list[Interval] = []
    days: set[date] = set()
    for spread in (True, False):
        for slot in usable:
            if len(picked) == count:
                break
            day = slot.start.astimezone(zone).date()
            if (spread and day in days) or slot in picked or any(slot.overlaps(p) for p in picked):
                continue
            picked.append(slot)
            days.add(day)
    return tuple(sorted(picked))


def begin(conv: Conversation, ev: InboundRequest, turn: Turn) -> Conversation:
    """A fresh negotiation in this thread: forget any finished booking, then book or offer times."""
    if conv.state != S.NEW:
        conv = replace(conv, booked=None, event_id=None, ical_uid=None, responses=(), rounds=0, proposals=())
    return counter(conv, ev, turn)


def counter(conv: Conversation, ev: InboundRequest, turn: Turn) -> Conversation:
    """New constraints: a specific free time is booked at once, anything else gets fresh options."""
    chosen = ev.request.chosen
    if chosen is not None:
        match = [c for c in ev.candidates if c.start == chosen]
        if match:
            return _book(conv, ev, turn, match[0])
    if conv.state == S.CONFIRMED:
        wording = _new_times_for_booked(conv)
    elif conv.state in OPEN_STATES:
        wording = other_times(conv)
    else:
        wording = _first_times(conv)
    # Times already offered in this round were turned down by asking for others; never offer them again.
    offered = conv.proposals if conv.state in OPEN_STATES else ()
    exclude = (*offered, *((conv.booked,) if conv.booked else ()))
    return propose(conv, ev, turn, exclude=exclude, wording=wording, reply_to=ev)


def pick(conv: Conversation, ev: InboundRequest, turn: Turn) -> Conversation:
    """Resolve which offered time was picked; ambiguity goes to a person, vagueness gets one question."""
    req = ev.request
    if req.chosen is not None:
        matches = [p for p in conv.proposals if p.start == req.chosen]
        if not matches:
            return counter(conv, ev, turn)
    elif req.windows:
        matches = [p for p in conv.proposals if any(w.contains(p) for w in req.windows)]
        if not matches:
            return counter(conv, ev, turn)
    elif len(conv.proposals) == 1:
        matches = list(conv.proposals)
    else:
        return ask(conv, ev, turn, compose.ASK_WHICH_OPTION)
    if len(matches) > 1:
        return flag(conv, turn, f"the reply matches {len(matches)} of the offered times")
    return _book(conv, ev, turn, matches[0])


def _book(conv: Conversation, ev: InboundRequest, turn: Turn, slot: Interval) -> Conversation:
    """Re-check the slot against the calendar as it is now, then create or move the event."""
    passed = slot.start <= turn.now
    if passed or any(slot.overlaps(b) for b in ev.busy):
        exclude = (slot, *((conv.booked,) if conv.booked else ()))
        explain = compose.slot_passed if passed else compose.slot_taken
        return propose(
            conv, ev, turn, exclude=exclude, wording=lambda voice, slots: explain(voice, slot, slots), reply_to=ev
        )
    if conv.booked is not None and not conv.event_id:
        return flag(conv, turn, "cannot move the meeting: its calendar event id is not known yet")
    out = turn.out
    voice = voice_for(conv, turn, ev.reply_to[0] if ev.reply_to else ev.sender)
    if conv.booked is not None and conv.event_id:
        out.add(
            UpdateEvent,
            event_id=conv.event_id,
            interval=slot,
            participants=conv.participants,
            timezone=turn.policy.home_timezone,
        )
        body = compose.moved(voice, slot, title=conv.title, duration_minutes=conv.duration_minutes)
    else:
        out.add(
            CreateEvent,
            title=_event_title(conv, turn),
            interval=slot,
            participants=conv.participants,
            timezone=turn.policy.home_timezone,
            location=conv.location,
            description=f"Scheduled by {compose.one_line(turn.policy.agent_name, 80)}.",
        )
        body = compose.confirmation(
            voice,
            slot,
            title=conv.title,
            duration_minutes=conv.duration_minutes,
            guests=conv.participants,
            location=conv.location,
        )
    out.add(ReleaseHolds)
    stop_timers(conv, turn)
    reply(conv, turn, ev, body)
    return replace(conv, state=S.CONFIRMED, booked=slot, proposals=(), rounds=0, timer=None, reason="")


def _event_title(conv: Conversation, turn: Turn) -> str:
    if conv.title:
        return conv.title
    names = [compose.one_line(p.name, 40) or p.email for p in conv.participants[:2]]
    who = " & ".join(names)
    return f"Meeting with {who}" if who else f"Meeting ({compose.one_line(turn.policy.agent_name, 40)})"


def cancel(conv: Conversation, ev: InboundRequest, turn: Turn) -> Conversation:
    """Withdraw offers, and delete the booked event if there is one (ICS CANCEL goes to attendees)."""
    out = turn.out
    if conv.booked is not None and not conv.event_id:
        return flag(conv, turn, "cannot cancel the meeting: its calendar event id is not known yet")
    if conv.event_id:
        out.add(DeleteEvent, event_id=conv.event_id)
    out.add(ReleaseHolds)
    stop_timers(conv, turn)
    voice = voice_for(conv, turn, ev.reply_to[0] if ev.reply_to else ev.sender)
    reply(
        conv,
        turn,
        ev,
        compose.cancellation(voice, conv.booked, title=conv.title, duration_minutes=conv.duration_minutes),
    )
    return replace(conv, state=S.CANCELLED, proposals=(), timer=None)


def ask(conv: Conversation, ev: InboundRequest, turn: Turn, text: str) -> Conversation:
    """One clear question; the state stays where it was so the answer continues the same negotiation."""
    voice = voice_for(conv, turn, ev.reply_to[0] if ev.reply_to else ev.sender)
    reply(conv, turn, ev, compose.question(voice, text))
    return conv


def propose(
    conv: Conversation,
    ev: InboundRequest | ParticipantReply | InboundCounter,
    turn: Turn,
    *,
    exclude: Sequence[Interval],
    wording: Wording,
    reply_to: InboundRequest | None,
) -> Conversation:
    """Offer a new round of options, replacing any held ones; with none free, ask for another window."""
    policy = turn.policy
    if conv.rounds >= policy.max_rounds:
        return flag(conv, turn, f"no agreement after {conv.rounds} rounds of options")
    reader = (reply_to.reply_to[0] if reply_to.reply_to else reply_to.sender) if reply_to else conv.requester
    voice = voice_for(conv, turn, reader)
    reader_zone = compose.zone_or_none(conv.requester_timezone) or turn.zone
    future = (c for c in ev.candidates if c.start > turn.now)
    slots = choose_proposals(future, busy=ev.busy, exclude=exclude, count=policy.proposals, zone=reader_zone)
    if not slots and isinstance(ev, InboundRequest) and ev.nearest:
        nearest = (c for c in ev.nearest if c.start > turn.now)
        slots = choose_proposals(nearest, busy=ev.busy, exclude=exclude, count=policy.proposals, zone=reader_zone)
        wording = _nearest_times(conv)
    out = turn.out
    if conv.proposals:
        out.add(ReleaseHolds)
    stop_timers(conv, turn)
    if not slots:
        reply(conv, turn, reply_to, compose.question(voice, compose.ASK_NEW_WINDOW))
        state = S.CONFIRMED if conv.booked is not None else S.NEW
        return replace(conv, state=state, proposals=(), timer=None)
    first, expires = _timeline(turn.now, policy)
    out.add(PlaceHolds, intervals=slots, expires=expires)
    reply(conv, turn, reply_to, wording(voice, slots))
    out.add(ScheduleTimer, kind=first.kind, at=first.at)
    return replace(
        conv,
        state=S.RESCHEDULING if conv.booked is not None else S.PROPOSED,
        proposals=slots,
        rounds=conv.rounds + 1,
        follow_ups_sent=0,
        timer=first,
    )


def _first_times(conv: Conversation) -> Wording:
    return lambda voice, slots: compose.proposals(
        voice, slots, title=conv.title, duration_minutes=conv.duration_minutes
    )


def _nearest_times(conv: Conversation) -> Wording:
    return lambda voice, slots: compose.nearest_options(
        voice, slots, title=conv.title, duration_minutes=conv.duration_minutes
    )


def other_times(conv: Conversation) -> Wording:
    return lambda voice, slots: compose.new_options(
        voice, slots, title=conv.title, duration_minutes=conv.duration_minutes
    )


def _new_times_for_booked(conv: Conversation) -> Wording:
    return lambda voice, slots: compose.reschedule_offer(voice, conv.booked, slots)


def _timeline(start: datetime, policy: NegotiationPolicy) -> tuple[PendingTimer, datetime]:
    """The first timer of a round and when its holds expire: after the last follow-up plus a grace period."""
    zone = ZoneInfo(policy.home_timezone)
    moment = start
    for _ in range(policy.follow_ups):
        moment = add_business_days(moment, policy.follow_up_business_days, zone)
    expires = add_business_days(moment, policy.expire_business_days, zone)
    if policy.follow_ups:
        return PendingTimer(
            kind=TimerKind.FOLLOW_UP, at=add_business_days(start, policy.follow_up_business_days, zone)
        ), expires
    return PendingTimer(kind=TimerKind.EXPIRE, at=expires), expires


def on_timer(conv: Conversation, ev: TimerDue, turn: Turn) -> Conversation:
    """Follow up after silence, then give up: holds released, a booked meeting left as it was.

    Offers that have passed meanwhile are dropped from the nudge (and its numbering); when none are
    left the round ends at once with an invitation to ask again.
    """
    if conv.timer is None or conv.timer.kind != ev.kind or conv.timer.at != ev.at or conv.state not in OPEN_STATES:
        return conv
    policy = turn.policy
    zone = turn.zone
    voice = voice_for(conv, turn, conv.requester)
    remaining = tuple(p for p in conv.proposals if p.start > turn.now)
    if ev.kind == TimerKind.FOLLOW_UP and remaining:
        reply(conv, turn, None, compose.follow_up(voice, remaining))
        sent = conv.follow_ups_sent + 1
        if sent < policy.follow_ups:
            nxt = PendingTimer(
                kind=TimerKind.FOLLOW_UP, at=add_business_days(ev.at, policy.follow_up_business_days, zone)
            )
        else:
            nxt = PendingTimer(kind=TimerKind.EXPIRE, at=add_business_days(ev.at, policy.expire_business_days, zone))
        turn.out.add(ScheduleTimer, kind=nxt.kind, at=nxt.at)
        return replace(conv, proposals=remaining, follow_ups_sent=sent, timer=nxt)
    if ev.kind == TimerKind.FOLLOW_UP:
        reply(conv, turn, None, compose.question(voice, compose.ASK_AFTER_OPTIONS_PASSED))
    turn.out.add(ReleaseHolds)
    stop_timers(conv, turn)
    if conv.booked is not None:
        return replace(conv, state=S.CONFIRMED, proposals=(), timer=None)
    return replace(conv, state=S.EXPIRED, proposals=remaining, timer=None)
