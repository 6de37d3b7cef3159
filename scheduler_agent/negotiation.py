"""The conversation state machine: `step(conversation, event, *, now, settings) -> (conversation, actions)`.

Pure: the edge gathers everything a decision needs (the understood request, ranked free candidates,
current busy time) into the event, and executes the returned actions idempotently. Keeping every
decision here means the invariants of design section 4 can be proved by unit and property tests:

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

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import compose
from .models import (
    Action,
    CancelTimers,
    Conversation,
    ConversationEvent,
    ConversationState,
    CreateEvent,
    DeleteEvent,
    EventBooked,
    FlagHuman,
    InboundCancel,
    InboundCounter,
    InboundInvitation,
    InboundRequest,
    Intent,
    Interval,
    Medium,
    MeetingRequest,
    ParticipantReply,
    PendingTimer,
    Person,
    PlaceHolds,
    ReleaseHolds,
    ScheduleTimer,
    SendReply,
    SendRsvp,
    TimerDue,
    TimerKind,
    Transition,
    UpdateEvent,
    require_aware,
)

S = ConversationState
# iTIP PARTSTAT words, as an iMIP REPLY carries them, in the v3 participant vocabulary.
_V3_STATUS = {"ACCEPTED": "yes", "DECLINED": "no", "TENTATIVE": "maybe", "NEEDS-ACTION": "noreply"}
# Writes the mail that carries a round of options, given who reads it and the options chosen.
Wording = Callable[[compose.Voice, Sequence[Interval]], str]
OPEN_STATES = frozenset({S.PROPOSED, S.RESCHEDULING})
FRESH_STATES = frozenset({S.NEW, S.CANCELLED, S.EXPIRED, S.DECLINED})


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiationPolicy:
    """The part of the configuration the state machine needs; derived from Settings at the edge."""

    agent_email: str
    agent_name: str = "Scheduling Agent"
    home_timezone: str = "America/New_York"
    proposals: int = 3
    default_duration_minutes: int = 30
    follow_ups: int = 2
    follow_up_business_days: int = 2
    expire_business_days: int = 2
    min_confidence: float = 0.5
    max_rounds: int = 4
    history_limit: int = 20
    # More people than this on one thread is a mailing, not a meeting to arrange unattended: one mail with a
    # thousand-address Cc would otherwise have the agent write to, then invite, all of them.
    max_participants: int = 50

    def __post_init__(self) -> None:
        if self.proposals < 1 or self.follow_ups < 0 or self.follow_up_business_days < 1:
            raise ValueError("proposals must be ≥ 1, follow-ups ≥ 0 and their interval ≥ 1 business day")
        if self.expire_business_days < 1 or self.max_rounds < 1:
            raise ValueError("expiry and rounds must be at least 1")

    @classmethod
    def from_settings(cls, settings: Any) -> NegotiationPolicy:
        """Build from `config.Settings` (duck-typed: the core may not import the config edge)."""
        policy = settings.policy
        return cls(
            agent_email=settings.agent.email,
            agent_name=settings.agent.name,
            home_timezone=settings.agent.timezone,
            proposals=settings.schedule.proposals,
            default_duration_minutes=settings.schedule.duration_minutes,
            follow_ups=policy.follow_ups,
            follow_up_business_days=policy.follow_up_business_days,
            expire_business_days=policy.expire_business_days,
            min_confidence=policy.min_confidence,
            max_rounds=policy.max_rounds,
        )


def action_key(thread_id: str, source_id: str, index: int) -> str:
    """Outbox id and Idempotency-Key: the same input always yields the same key (≤ 256 chars for v3)."""
    digest = hashlib.sha256(f"{thread_id}\x00{source_id}\x00{index}".encode()).hexdigest()
    return f"sa-{digest[:40]}"


def add_business_days(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """Same wall time `days` working days later (Saturday and Sunday skipped in the agent's zone)."""
    local = moment.astimezone(zone)
    day = local.date()
    left = days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone)


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


class _Out:
    """Collects actions and numbers them, so keys depend only on the input event and the position."""

    def __init__(self, thread_id: str, source_id: str) -> None:
        self.thread_id = thread_id
        self.source_id = source_id
        self.actions: list[Action] = []

    def add(self, cls: Callable[..., Action], **fields: Any) -> None:
        key = action_key(self.thread_id, self.source_id, len(self.actions))
        self.actions.append(cls(key=key, thread_id=self.thread_id, **fields))


@dataclass(frozen=True, slots=True)
class _Turn:
    """What a handler needs besides the conversation: the rules, the time and the action sink."""

    policy: NegotiationPolicy
    now: datetime
    out: _Out

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.policy.home_timezone)

    def is_agent(self, person: Person) -> bool:
        return person.email.strip().lower() == self.policy.agent_email.strip().lower()


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
    turn = _Turn(settings, now, _Out(event.thread_id, event.source_id))
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


# ── inbound mail ────────────────────────────────────────────────────────────────────────────────


def _merge_people(*groups: Iterable[Person], skip: Callable[[Person], bool]) -> tuple[Person, ...]:
    """Union of addresses in first-seen order, case-insensitively, without the agent."""
    seen: dict[str, Person] = {}
    for group in groups:
        for person in group:
            email = person.email.strip().lower()
            if email and "@" in email and not skip(person) and email not in seen:
                seen[email] = person
    return tuple(seen.values())


def _on_request(conv: Conversation, ev: InboundRequest, turn: _Turn) -> Conversation:
    req = ev.request
    author = ev.reply_to[0] if ev.reply_to else ev.sender
    participants = _merge_people(conv.participants, (author,), ev.to, ev.cc, skip=turn.is_agent)
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
        return _flag(conv, turn, unsafe)
    unknown_names = [
        a.name for a in req.attendees if not a.email and a.name and not _named_on_thread(a.name, participants)
    ]
    if unknown_names:
        return _ask(conv, ev, turn, compose.ask_email_for(unknown_names))
    conv = _apply_details(conv, ev, turn)

    intent = req.intent
    if conv.state in FRESH_STATES:
        if intent in (Intent.SCHEDULE, Intent.RESCHEDULE, Intent.COUNTER):
            return _begin(conv, ev, turn)
        if intent == Intent.ACCEPT:
            return _pick(conv, ev, turn) if conv.proposals else _begin(conv, ev, turn)
        if intent in (Intent.CANCEL, Intent.DECLINE) and conv.state == S.NEW:
            return replace(conv, state=S.DECLINED)
        return conv
    if conv.state in OPEN_STATES:
        names_an_offer = req.chosen is not None and any(p.start == req.chosen for p in conv.proposals)
        if intent == Intent.ACCEPT or (names_an_offer and intent not in (Intent.CANCEL, Intent.DECLINE)):
            return _pick(conv, ev, turn)
        if intent in (Intent.COUNTER, Intent.SCHEDULE, Intent.RESCHEDULE):
            return _counter(conv, ev, turn)
        if intent == Intent.DECLINE:
            exclude = (*conv.proposals, *((conv.booked,) if conv.booked else ()))
            return _propose(conv, ev, turn, exclude=exclude, wording=_other_times(conv), reply_to=ev)
        if intent == Intent.CANCEL:
            return _cancel(conv, ev, turn)
        return conv
    # confirmed
    if intent == Intent.CANCEL:
        return _cancel(conv, ev, turn)
    if intent in (Intent.RESCHEDULE, Intent.DECLINE, Intent.COUNTER) or (intent == Intent.SCHEDULE and req.windows):
        return _counter(conv, ev, turn)
    if intent == Intent.SCHEDULE:
        return _flag(conv, turn, "a new meeting request in a thread whose meeting is already booked")
    if intent == Intent.ACCEPT and req.chosen and conv.booked and req.chosen != conv.booked.start:
        return _flag(conv, turn, "picked a different time for a meeting that is already booked")
    return conv


def _unsafe(conv: Conversation, req: MeetingRequest, turn: _Turn) -> str | None:
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


def _apply_details(conv: Conversation, ev: InboundRequest, turn: _Turn) -> Conversation:
    """Take over what the request says about the meeting itself; earlier values stand when it is silent."""
    req = ev.request
    return replace(
        conv,
        duration_minutes=req.duration_minutes or conv.duration_minutes or turn.policy.default_duration_minutes,
        title=compose.one_line(req.title, 120) if req.title else conv.title,
        location=compose.one_line(req.location, 200) if req.location else conv.location,
        medium=req.medium if req.medium != Medium.UNSPECIFIED else conv.medium,
    )


def _begin(conv: Conversation, ev: InboundRequest, turn: _Turn) -> Conversation:
    """A fresh negotiation in this thread: forget any finished booking, then book or offer times."""
    if conv.state != S.NEW:
        conv = replace(conv, booked=None, event_id=None, ical_uid=None, responses=(), rounds=0, proposals=())
    return _counter(conv, ev, turn)


def _counter(conv: Conversation, ev: InboundRequest, turn: _Turn) -> Conversation:
    """New constraints: a specific free time is booked at once, anything else gets fresh options."""
    chosen = ev.request.chosen
    if chosen is not None:
        match = [c for c in ev.candidates if c.start == chosen]
        if match:
            return _book(conv, ev, turn, match[0])
    if conv.state == S.CONFIRMED:
        wording = _new_times_for_booked(conv)
    elif conv.state in OPEN_STATES:
        wording = _other_times(conv)
    else:
        wording = _first_times(conv)
    # Times already offered in this round were turned down by asking for others; never offer them again.
    offered = conv.proposals if conv.state in OPEN_STATES else ()
    exclude = (*offered, *((conv.booked,) if conv.booked else ()))
    return _propose(conv, ev, turn, exclude=exclude, wording=wording, reply_to=ev)


def _pick(conv: Conversation, ev: InboundRequest, turn: _Turn) -> Conversation:
    """Resolve which offered time was picked; ambiguity goes to a person, vagueness gets one question."""
    req = ev.request
    if req.chosen is not None:
        matches = [p for p in conv.proposals if p.start == req.chosen]
        if not matches:
            return _counter(conv, ev, turn)
    elif req.windows:
        matches = [p for p in conv.proposals if any(w.contains(p) for w in req.windows)]
        if not matches:
            return _counter(conv, ev, turn)
    elif len(conv.proposals) == 1:
        matches = list(conv.proposals)
    else:
        return _ask(conv, ev, turn, compose.ASK_WHICH_OPTION)
    if len(matches) > 1:
        return _flag(conv, turn, f"the reply matches {len(matches)} of the offered times")
    return _book(conv, ev, turn, matches[0])


def _book(conv: Conversation, ev: InboundRequest, turn: _Turn, slot: Interval) -> Conversation:
    """Re-check the slot against the calendar as it is now, then create or move the event."""
    passed = slot.start <= turn.now
    if passed or any(slot.overlaps(b) for b in ev.busy):
        exclude = (slot, *((conv.booked,) if conv.booked else ()))
        explain = compose.slot_passed if passed else compose.slot_taken
        return _propose(
            conv, ev, turn, exclude=exclude, wording=lambda voice, slots: explain(voice, slot, slots), reply_to=ev
        )
    if conv.booked is not None and not conv.event_id:
        return _flag(conv, turn, "cannot move the meeting: its calendar event id is not known yet")
    out = turn.out
    voice = _voice(conv, turn, ev.reply_to[0] if ev.reply_to else ev.sender)
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
    _stop_timers(conv, turn)
    _reply(conv, turn, ev, body)
    return replace(conv, state=S.CONFIRMED, booked=slot, proposals=(), rounds=0, timer=None, reason="")


def _event_title(conv: Conversation, turn: _Turn) -> str:
    if conv.title:
        return conv.title
    names = [compose.one_line(p.name, 40) or p.email for p in conv.participants[:2]]
    who = " & ".join(names)
    return f"Meeting with {who}" if who else f"Meeting ({compose.one_line(turn.policy.agent_name, 40)})"


def _cancel(conv: Conversation, ev: InboundRequest, turn: _Turn) -> Conversation:
    """Withdraw offers, and delete the booked event if there is one (ICS CANCEL goes to attendees)."""
    out = turn.out
    if conv.booked is not None and not conv.event_id:
        return _flag(conv, turn, "cannot cancel the meeting: its calendar event id is not known yet")
    if conv.event_id:
        out.add(DeleteEvent, event_id=conv.event_id)
    out.add(ReleaseHolds)
    _stop_timers(conv, turn)
    voice = _voice(conv, turn, ev.reply_to[0] if ev.reply_to else ev.sender)
    _reply(
        conv,
        turn,
        ev,
        compose.cancellation(voice, conv.booked, title=conv.title, duration_minutes=conv.duration_minutes),
    )
    return replace(conv, state=S.CANCELLED, proposals=(), timer=None)


def _ask(conv: Conversation, ev: InboundRequest, turn: _Turn, text: str) -> Conversation:
    """One clear question; the state stays where it was so the answer continues the same negotiation."""
    voice = _voice(conv, turn, ev.reply_to[0] if ev.reply_to else ev.sender)
    _reply(conv, turn, ev, compose.question(voice, text))
    return conv


def _stop_timers(conv: Conversation, turn: _Turn) -> None:
    """Cancel the thread's pending timer, if it has one (a stale timer would be ignored anyway)."""
    if conv.timer is not None:
        turn.out.add(CancelTimers)


def _flag(conv: Conversation, turn: _Turn, reason: str) -> Conversation:
    """Hand over to a person: nothing is sent, and holds stay until someone decides."""
    turn.out.add(FlagHuman, reason=reason)
    _stop_timers(conv, turn)
    return replace(conv, state=S.NEEDS_HUMAN, reason=reason, timer=None)


# ── proposing ───────────────────────────────────────────────────────────────────────────────────


def _propose(
    conv: Conversation,
    ev: InboundRequest | ParticipantReply | InboundCounter,
    turn: _Turn,
    *,
    exclude: Sequence[Interval],
    wording: Wording,
    reply_to: InboundRequest | None,
) -> Conversation:
    """Offer a new round of options, replacing any held ones; with none free, ask for another window."""
    policy = turn.policy
    if conv.rounds >= policy.max_rounds:
        return _flag(conv, turn, f"no agreement after {conv.rounds} rounds of options")
    reader = (reply_to.reply_to[0] if reply_to.reply_to else reply_to.sender) if reply_to else conv.requester
    voice = _voice(conv, turn, reader)
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
    _stop_timers(conv, turn)
    if not slots:
        _reply(conv, turn, reply_to, compose.question(voice, compose.ASK_NEW_WINDOW))
        state = S.CONFIRMED if conv.booked is not None else S.NEW
        return replace(conv, state=state, proposals=(), timer=None)
    first, expires = _timeline(turn.now, policy)
    out.add(PlaceHolds, intervals=slots, expires=expires)
    _reply(conv, turn, reply_to, wording(voice, slots))
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


def _other_times(conv: Conversation) -> Wording:
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


def _voice(conv: Conversation, turn: _Turn, reader: Person | None) -> compose.Voice:
    return compose.Voice(
        agent_name=turn.policy.agent_name,
        agent_zone=turn.policy.home_timezone,
        reader_zone=conv.requester_timezone,
        reader_name=reader.name if reader else "",
    )


def _reply(conv: Conversation, turn: _Turn, ev: InboundRequest | None, body: str) -> None:
    """Reply-all within the thread: to the author (or the requester for timers), cc everyone else."""
    author = (ev.reply_to[0] if ev.reply_to else ev.sender) if ev else conv.requester
    people = conv.participants
    if author is None or turn.is_agent(author):
        author = people[0] if people else None
    if author is None:
        return
    cc = tuple(p for p in people if p.email.lower() != author.email.lower())
    turn.out.add(
        SendReply,
        to=(author,),
        cc=cc,
        subject=compose.reply_subject(conv.subject),
        body=body,
        reply_to_message_id=ev.message_id if ev else conv.last_message_id,
    )


# ── calendar mail ───────────────────────────────────────────────────────────────────────────────


def _on_reply(conv: Conversation, ev: ParticipantReply, turn: _Turn) -> Conversation:
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
    return _propose(
        conv,
        ev,
        turn,
        exclude=(conv.booked,) if conv.booked else (),
        wording=lambda voice, slots: compose.guest_declined(voice, ev.attendee, slots),
        reply_to=None,
    )


def _on_invitation(conv: Conversation, ev: InboundInvitation, turn: _Turn) -> Conversation:
    """Someone invited the agent: accept when free; decline with alternatives when busy."""
    if conv.state != S.NEW and not conv.invitation:
        return _flag(conv, turn, "an invitation arrived in a thread the agent is negotiating itself")
    if turn.is_agent(ev.organizer):
        return conv
    conv = replace(
        conv,
        invitation=True,
        requester=ev.organizer,
        participants=_merge_people((ev.organizer,), skip=turn.is_agent),
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
    voice = _voice(conv, turn, ev.organizer)
    turn.out.add(
        SendReply,
        to=(ev.organizer,),
        subject=compose.reply_subject(conv.subject or conv.title),
        body=compose.decline_invitation(voice, conv.title, ev.interval, alternatives),
        reply_to_message_id=ev.message_id,
    )
    return replace(conv, state=S.DECLINED)


def _on_cancel(conv: Conversation, ev: InboundCancel, turn: _Turn) -> Conversation:
    """The organiser cancelled an invitation: the account frees the time, the agent only records it."""
    if not conv.invitation:
        return conv if conv.state == S.NEW else _flag(conv, turn, "a CANCEL arrived for a meeting the agent organises")
    return replace(conv, state=S.CANCELLED, last_activity=turn.now)


def _on_counter(conv: Conversation, ev: InboundCounter, turn: _Turn) -> Conversation:
    """Outlook's "propose new time": move the meeting when that time is bookable, else offer times."""
    conv = replace(conv, last_activity=turn.now)
    if conv.state == S.NEW:
        return conv
    if conv.invitation or conv.state not in (S.CONFIRMED, *OPEN_STATES) or conv.booked is None:
        return _flag(conv, turn, "a counter-proposal arrived for a meeting that is not booked")
    bookable = any(c.start == ev.proposed.start and c.end == ev.proposed.end for c in ev.candidates)
    if bookable and not any(ev.proposed.overlaps(b) for b in ev.busy):
        if not conv.event_id:
            return _flag(conv, turn, "cannot move the meeting: its calendar event id is not known yet")
        turn.out.add(
            UpdateEvent,
            event_id=conv.event_id,
            interval=ev.proposed,
            participants=conv.participants,
            timezone=turn.policy.home_timezone,
        )
        turn.out.add(ReleaseHolds)
        _stop_timers(conv, turn)
        voice = _voice(conv, turn, ev.sender)
        _reply(
            conv,
            turn,
            None,
            compose.moved(voice, ev.proposed, title=conv.title, duration_minutes=conv.duration_minutes),
        )
        return replace(conv, state=S.CONFIRMED, booked=ev.proposed, proposals=(), timer=None)
    exclude = (ev.proposed, conv.booked)
    return _propose(
        conv,
        ev,
        turn,
        exclude=exclude,
        wording=lambda voice, slots: compose.counter_busy(voice, ev.proposed, slots),
        reply_to=None,
    )


# ── timers and edge feedback ────────────────────────────────────────────────────────────────────


def _on_timer(conv: Conversation, ev: TimerDue, turn: _Turn) -> Conversation:
    """Follow up after silence, then give up: holds released, a booked meeting left as it was.

    Offers that have passed meanwhile are dropped from the nudge (and its numbering); when none are
    left the round ends at once with an invitation to ask again.
    """
    if conv.timer is None or conv.timer.kind != ev.kind or conv.timer.at != ev.at or conv.state not in OPEN_STATES:
        return conv
    policy = turn.policy
    zone = turn.zone
    voice = _voice(conv, turn, conv.requester)
    remaining = tuple(p for p in conv.proposals if p.start > turn.now)
    if ev.kind == TimerKind.FOLLOW_UP and remaining:
        _reply(conv, turn, None, compose.follow_up(voice, remaining))
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
        _reply(conv, turn, None, compose.question(voice, compose.ASK_AFTER_OPTIONS_PASSED))
    turn.out.add(ReleaseHolds)
    _stop_timers(conv, turn)
    if conv.booked is not None:
        return replace(conv, state=S.CONFIRMED, proposals=(), timer=None)
    return replace(conv, state=S.EXPIRED, proposals=remaining, timer=None)


def _on_booked(conv: Conversation, ev: EventBooked, turn: _Turn) -> Conversation:
    return replace(conv, event_id=ev.event_id, ical_uid=ev.ical_uid or conv.ical_uid)


_HANDLERS: dict[type, Callable[[Conversation, Any, _Turn], Conversation]] = {
    InboundRequest: _on_request,
    ParticipantReply: _on_reply,
    InboundInvitation: _on_invitation,
    InboundCancel: _on_cancel,
    InboundCounter: _on_counter,
    TimerDue: _on_timer,
    EventBooked: _on_booked,
}
