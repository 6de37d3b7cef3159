"""Calendar mail in a negotiation: attendees' answers, invitations to the agent, their cancellation,
counter-proposals (Outlook's "propose new time"), and the edge's word that an event was booked.
"""

from __future__ import annotations

from dataclasses import replace

from . import compose
from .models import (
    Conversation,
    ConversationState,
    EventBooked,
    InboundCancel,
    InboundCounter,
    InboundInvitation,
    ParticipantReply,
    ReleaseHolds,
    SendReply,
    SendRsvp,
    UpdateEvent,
)
from .negotiation_rounds import choose_proposals, propose
from .negotiation_turn import (
    OPEN_STATES,
    Turn,
    flag,
    merge_people,
    reply,
    stop_timers,
    voice_for,
)

S = ConversationState
# iTIP PARTSTAT words, as an iMIP REPLY carries them, in the v3 participant vocabulary.
_V3_STATUS = {"ACCEPTED": "yes", "DECLINED": "no", "TENTATIVE": "maybe", "NEEDS-ACTION": "noreply"}


def on_reply(conv: Conversation, ev: ParticipantReply, turn: Turn) -> Conversation:
    """Record an attendee's answer; a "no" from the only guest reopens the negotiation."""
    email = ev.attendee.email.lower()
    status = _V3_STATUS.get(ev.status.strip().upper(), ev.status.strip().lower())
    responses = (*((e, s) for e, s in conv.responses if e != email), (email, status))
    conv = replace(conv, responses=responses, last_activity=turn.now)
    if conv.state != S.CONFIRMED or conv.invitation or status != "no":
        return conv
    guests = [p.email.lower() for p in conv.participants]
    if guests != [email]:
        return conv
    return propose(
        conv,
        ev,
        turn,
        exclude=(conv.booked,) if conv.booked else (),
        wording=lambda voice, slots: compose.guest_declined(voice, ev.attendee, slots),
        reply_to=None,
    )


def on_invitation(conv: Conversation, ev: InboundInvitation, turn: Turn) -> Conversation:
    """Someone invited the agent: accept when free; decline with alternatives when busy."""
    if conv.state != S.NEW and not conv.invitation:
        return flag(conv, turn, "an invitation arrived in a thread the agent is negotiating itself")
    if turn.is_agent(ev.organizer):
        return conv
    conv = replace(
        conv,
        invitation=True,
        requester=ev.organizer,
        participants=merge_people((ev.organizer,), skip=turn.is_agent),
        subject=ev.subject or conv.subject,
        title=compose.one_line(ev.title, 120),
        event_id=ev.event_id,
        ical_uid=ev.ical_uid or conv.ical_uid,
        booked=ev.interval,
        duration_minutes=max(1, int(ev.interval.duration.total_seconds() // 60)),
        last_message_id=ev.message_id,
        last_activity=turn.now,
    )
    if not ev.conflicts:
        turn.out.add(SendRsvp, event_id=ev.event_id, status="yes")
        return replace(conv, state=S.CONFIRMED)
    turn.out.add(SendRsvp, event_id=ev.event_id, status="no")
    zone = compose.zone_or_none(conv.requester_timezone) or turn.zone
    alternatives = choose_proposals(ev.alternatives, busy=(), count=turn.policy.proposals, zone=zone)
    voice = voice_for(conv, turn, ev.organizer)
    turn.out.add(
        SendReply,
        to=(ev.organizer,),
        subject=compose.reply_subject(conv.subject or conv.title),
        body=compose.decline_invitation(voice, conv.title, ev.interval, alternatives),
        reply_to_message_id=ev.message_id,
    )
    return replace(conv, state=S.DECLINED)


def on_cancel(conv: Conversation, ev: InboundCancel, turn: Turn) -> Conversation:
    """The organiser cancelled an invitation: the account frees the time, the agent only records it."""
    if not conv.invitation:
        return conv if conv.state == S.NEW else flag(conv, turn, "a CANCEL arrived for a meeting the agent organises")
    return replace(conv, state=S.CANCELLED, last_activity=turn.now)


def on_counter(conv: Conversation, ev: InboundCounter, turn: Turn) -> Conversation:
    """Outlook's "propose new time": move the meeting when that time is bookable, else offer times."""
    conv = replace(conv, last_activity=turn.now)
    if conv.state == S.NEW:
        return conv
    if conv.invitation or conv.state not in (S.CONFIRMED, *OPEN_STATES) or conv.booked is None:
        return flag(conv, turn, "a counter-proposal arrived for a meeting that is not booked")
    bookable = any(c.start == ev.proposed.start and c.end == ev.proposed.end for c in ev.candidates)
    if bookable and not any(ev.proposed.overlaps(b) for b in ev.busy):
        if not conv.event_id:
            return flag(conv, turn, "cannot move the meeting: its calendar event id is not known yet")
        turn.out.add(
            UpdateEvent,
            event_id=conv.event_id,
            interval=ev.proposed,
            participants=conv.participants,
            timezone=turn.policy.home_timezone,
        )
        turn.out.add(ReleaseHolds)
        stop_timers(conv, turn)
        voice = voice_for(conv, turn, ev.sender)
        reply(
            conv,
            turn,
            None,
            compose.moved(voice, ev.proposed, title=conv.title, duration_minutes=conv.duration_minutes),
        )
        return replace(conv, state=S.CONFIRMED, booked=ev.proposed, proposals=(), timer=None)
    exclude = (ev.proposed, conv.booked)
    return propose(
        conv,
        ev,
        turn,
        exclude=exclude,
        wording=lambda voice, slots: compose.counter_busy(voice, ev.proposed, slots),
        reply_to=None,
    )


def on_booked(conv: Conversation, ev: EventBooked, turn: Turn) -> Conversation:
    return replace(conv, event_id=ev.event_id, ical_uid=ev.ical_uid or conv.ical_uid)
