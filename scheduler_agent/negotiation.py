"""The conversation state machine: `step(conversation, event, *, now, settings) -> (conversation, actions)`.

Pure: the edge gathers everything a decision needs (the understood request, ranked free candidates,
current busy time) into the event, and executes the returned actions idempotently. This module routes
each event (and each understood request, by intent and state) to its handler: rounds of options live in
`negotiation_rounds`, calendar mail in `negotiation_calendar`, what they share in `negotiation_turn`.
Keeping every decision in these pure modules means the invariants of design section 4 can be proved by
unit and property tests:

- nothing is proposed or booked that overlaps `busy` at the time of the decision;
- never more than `proposals` options in one mail;
- recipients come only from the thread's own headers (sender, reply-to, to, cc, minus the agent);
  understood attendees are only accepted when they are already on the thread, so text in a mail can
  never add a recipient;
- whatever is unsafe or ambiguous becomes `needs_human` and nothing is sent;
- every action carries a key derived from (thread, source event, position), so re-running the same
  input yields the same keys and the outbox/Idempotency-Key stop a second send.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from . import compose
from .models import (
    Action,
    Conversation,
    ConversationEvent,
    ConversationState,
    EventBooked,
    InboundCancel,
    InboundCounter,
    InboundInvitation,
    InboundRequest,
    Intent,
    Medium,
    MeetingRequest,
    ParticipantReply,
    Person,
    TimerDue,
    Transition,
    require_aware,
)
from .negotiation_calendar import on_booked, on_cancel, on_counter, on_invitation, on_reply
from .negotiation_rounds import ask, begin, cancel, counter, on_timer, other_times, pick, propose
from .negotiation_turn import OPEN_STATES, ActionSink, NegotiationPolicy, Turn, flag, merge_people

S = ConversationState
FRESH_STATES = frozenset({S.NEW, S.CANCELLED, S.EXPIRED, S.DECLINED})


def step(
    conversation: Conversation | None,
    event: ConversationEvent,
    *,
    now: datetime,
    settings: NegotiationPolicy,
) -> tuple[Conversation, list[Action]]:
    """Advance one conversation by one event; returns the new conversation and what to do, in order."""
    require_aware(now, "step now")
    if conversation is not None and conversation.thread_id != event.thread_id:
        raise ValueError(f"event for thread {event.thread_id!r} given conversation {conversation.thread_id!r}")
    conv = conversation or Conversation(
        thread_id=event.thread_id,
        created=now,
        last_activity=now,
        duration_minutes=settings.default_duration_minutes,
    )
    turn = Turn(settings, now, ActionSink(event.thread_id, event.source_id))
    handler = _HANDLERS[type(event)]
    after = handler(conv, event, turn)
    history = after.history
    if after.state != conv.state:
        cause = type(event).__name__
        if isinstance(event, InboundRequest):
            cause += f":{event.request.intent.value}"
        elif isinstance(event, TimerDue):
            cause += f":{event.kind.value}"
        entry = Transition(at=now, before=conv.state, after=after.state, cause=cause)
        history = (*history, entry)[-settings.history_limit :]
    return replace(after, history=history), turn.out.actions


def _on_request(conv: Conversation, ev: InboundRequest, turn: Turn) -> Conversation:
    req = ev.request
    author = ev.reply_to[0] if ev.reply_to else ev.sender
    participants = merge_people(conv.participants, (author,), ev.to, ev.cc, skip=turn.is_agent)
    conv = replace(
        conv,
        participants=participants,
        requester=conv.requester or author,
        requester_timezone=_valid_zone(req.timezone) or _valid_zone(ev.sender_timezone) or conv.requester_timezone,
        subject=conv.subject or ev.subject,
        last_message_id=ev.message_id,
        last_activity=turn.now,
        follow_ups_sent=0 if conv.state in OPEN_STATES else conv.follow_ups_sent,
    )
    if conv.state == S.NEEDS_HUMAN:
        return conv
    unsafe = _unsafe(conv, req, turn)
    if unsafe:
        return flag(conv, turn, unsafe)
    unknown_names = [
        a.name for a in req.attendees if not a.email and a.name and not _named_on_thread(a.name, participants)
    ]
    if unknown_names:
        return ask(conv, ev, turn, compose.ask_email_for(unknown_names))
    conv = _apply_details(conv, ev, turn)

    intent = req.intent
    if conv.state in FRESH_STATES:
        if intent in (Intent.SCHEDULE, Intent.RESCHEDULE, Intent.COUNTER):
            return begin(conv, ev, turn)
        if intent == Intent.ACCEPT:
            return pick(conv, ev, turn) if conv.proposals else begin(conv, ev, turn)
        if intent in (Intent.CANCEL, Intent.DECLINE) and conv.state == S.NEW:
            return replace(conv, state=S.DECLINED)
        return conv
    if conv.state in OPEN_STATES:
        names_an_offer = req.chosen is not None and any(p.start == req.chosen for p in conv.proposals)
        if intent == Intent.ACCEPT or (names_an_offer and intent not in (Intent.CANCEL, Intent.DECLINE)):
            return pick(conv, ev, turn)
        if intent in (Intent.COUNTER, Intent.SCHEDULE, Intent.RESCHEDULE):
            return counter(conv, ev, turn)
        if intent == Intent.DECLINE:
            exclude = (*conv.proposals, *((conv.booked,) if conv.booked else ()))
            return propose(conv, ev, turn, exclude=exclude, wording=other_times(conv), reply_to=ev)
        if intent == Intent.CANCEL:
            return cancel(conv, ev, turn)
        return conv
    # confirmed
    if intent == Intent.CANCEL:
        return cancel(conv, ev, turn)
    if intent in (Intent.RESCHEDULE, Intent.DECLINE, Intent.COUNTER) or (intent == Intent.SCHEDULE and req.windows):
        return counter(conv, ev, turn)
    if intent == Intent.SCHEDULE:
        return flag(conv, turn, "a new meeting request in a thread whose meeting is already booked")
    if intent == Intent.ACCEPT and req.chosen and conv.booked and req.chosen != conv.booked.start:
        return flag(conv, turn, "picked a different time for a meeting that is already booked")
    return conv


def _unsafe(conv: Conversation, req: MeetingRequest, turn: Turn) -> str | None:
    """Why acting on this request could do harm, if it could: then a person decides instead."""
    if conv.invitation:
        return "mail in a thread about someone else's invitation"
    if req.confidence < turn.policy.min_confidence:
        return f"low confidence ({req.confidence:.2f}) understanding the {req.intent.value} request"
    if len(conv.participants) > turn.policy.max_participants:
        return f"{len(conv.participants)} people on the thread, more than {turn.policy.max_participants}"
    on_thread = {p.email.lower() for p in conv.participants} | {turn.policy.agent_email.lower()}
    outsiders = [a.email for a in req.attendees if a.email and a.email.lower() not in on_thread]
    if outsiders:
        return (
            f"asked to include {', '.join(outsiders)}, who {'is' if len(outsiders) == 1 else 'are'} not on the thread"
        )
    if req.windows and req.avoid and all(any(a.contains(w) for a in req.avoid) for w in req.windows):
        return "the request asks for times it also rules out"
    return None


def _valid_zone(name: str | None) -> str | None:
    return name if compose.zone_or_none(name) else None


def _named_on_thread(name: str, people: Sequence[Person]) -> bool:
    wanted = name.strip().lower()
    return any(p.name.strip() and wanted in (p.name.strip().lower(), p.name.lower().split()[0]) for p in people)


def _apply_details(conv: Conversation, ev: InboundRequest, turn: Turn) -> Conversation:
    """Take over what the request says about the meeting itself; earlier values stand when it is silent."""
    req = ev.request
    return replace(
        conv,
        duration_minutes=req.duration_minutes or conv.duration_minutes or turn.policy.default_duration_minutes,
        title=compose.one_line(req.title, 120) if req.title else conv.title,
        location=compose.one_line(req.location, 200) if req.location else conv.location,
        medium=req.medium if req.medium != Medium.UNSPECIFIED else conv.medium,
    )


_HANDLERS: dict[type, Callable[[Conversation, Any, Turn], Conversation]] = {
    InboundRequest: _on_request,
    ParticipantReply: on_reply,
    InboundInvitation: on_invitation,
    InboundCancel: on_cancel,
    InboundCounter: on_counter,
    TimerDue: on_timer,
    EventBooked: on_booked,
}
