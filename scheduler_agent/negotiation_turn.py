"""What every handler of a negotiation step works with: the policy, the time, and the action sink.

`ActionSink` numbers the actions of one step so their keys depend only on the input event and the position
(the outbox and the Idempotency-Key rely on that); `reply`, `flag` and `stop_timers` are the writes every
handler makes the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import compose
from .models import (
    Action,
    CancelTimers,
    Conversation,
    ConversationState,
    FlagHuman,
    InboundRequest,
    Person,
    SendReply,
)

S = ConversationState
OPEN_STATES = frozenset({S.PROPOSED, S.RESCHEDULING})


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


class ActionSink:
    """Collects actions and numbers them, so keys depend only on the input event and the position."""

    def __init__(self, thread_id: str, source_id: str) -> None:
        self.thread_id = thread_id
        self.source_id = source_id
        self.actions: list[Action] = []

    def add(self, cls: Callable[..., Action], **fields: Any) -> None:
        key = action_key(self.thread_id, self.source_id, len(self.actions))
        self.actions.append(cls(key=key, thread_id=self.thread_id, **fields))


@dataclass(frozen=True, slots=True)
class Turn:
    """What a handler needs besides the conversation: the rules, the time and the action sink."""

    policy: NegotiationPolicy
    now: datetime
    out: ActionSink

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.policy.home_timezone)

    def is_agent(self, person: Person) -> bool:
        return person.email.strip().lower() == self.policy.agent_email.strip().lower()


def merge_people(*groups: Iterable[Person], skip: Callable[[Person], bool]) -> tuple[Person, ...]:
    """Union of addresses in first-seen order, case-insensitively, without the agent."""
    seen: dict[str, Person] = {}
    for group in groups:
        for person in group:
            email = person.email.strip().lower()
            if email and "@" in email and not skip(person) and email not in seen:
                seen[email] = person
    return tuple(seen.values())


def voice_for(conv: Conversation, turn: Turn, reader: Person | None) -> compose.Voice:
    return compose.Voice(
        agent_name=turn.policy.agent_name,
        agent_zone=turn.policy.home_timezone,
        reader_zone=conv.requester_timezone,
        reader_name=reader.name if reader else "",
    )


def reply(conv: Conversation, turn: Turn, ev: InboundRequest | None, body: str) -> None:
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


def stop_timers(conv: Conversation, turn: Turn) -> None:
    """Cancel the thread's pending timer, if it has one (a stale timer would be ignored anyway)."""
    if conv.timer is not None:
        turn.out.add(CancelTimers)


def flag(conv: Conversation, turn: Turn, reason: str) -> Conversation:
    """Hand over to a person: nothing is sent, and holds stay until someone decides."""
    turn.out.add(FlagHuman, reason=reason)
    stop_timers(conv, turn)
    return replace(conv, state=S.NEEDS_HUMAN, reason=reason, timer=None)
