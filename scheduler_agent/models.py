"""Frozen value objects shared by the pure core (understanding, slots, negotiation, iTIP).

Every datetime in here is timezone-aware; constructors reject naive ones so that a wrong zone fails
loudly at the boundary instead of silently shifting a meeting by hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from types import UnionType
from typing import Any, ClassVar, Union, get_args, get_origin, get_type_hints


def require_aware(value: datetime, what: str) -> datetime:
    """Guard used by every model that holds a datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")
    return value


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open span of time [start, end)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware(self.start, "Interval.start")
        require_aware(self.end, "Interval.end")
        if self.end < self.start:
            raise ValueError(f"interval ends before it starts: {self.start} > {self.end}")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


class Intent(StrEnum):
    """What a message asks the agent to do."""

    SCHEDULE = "schedule"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    ACCEPT = "accept"  # picks one of the proposed options
    DECLINE = "decline"
    COUNTER = "counter"  # none of the options; here is another constraint
    OTHER = "other"


class Medium(StrEnum):
    """How people will meet."""

    UNSPECIFIED = "unspecified"
    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in_person"


@dataclass(frozen=True, slots=True)
class Person:
    """An email address with an optional display name."""

    email: str
    name: str = ""

    def to_json(self) -> dict[str, str]:
        return {"email": self.email, "name": self.name} if self.name else {"email": self.email}


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingRequest:
    """What a message means for scheduling, as data; produced by either extractor, validated the same way."""

    intent: Intent = Intent.OTHER
    duration_minutes: int | None = None
    windows: tuple[Interval, ...] = ()
    avoid: tuple[Interval, ...] = ()
    timezone: str | None = None
    attendees: tuple[Person, ...] = ()
    title: str | None = None
    location: str | None = None
    medium: Medium = Medium.UNSPECIFIED
    chosen: datetime | None = None
    urgent: bool = False
    confidence: float = 0.0
    not_understood: tuple[str, ...] = ()
    extractor: str = "rules"

    def to_json(self) -> dict[str, Any]:
        """The `parse --json` / `replay --json` shape (design section 6); extra keys only ever added."""
        return {
            "intent": self.intent.value,
            "duration_minutes": self.duration_minutes,
            "windows": [w.to_json() for w in self.windows],
            "avoid": [w.to_json() for w in self.avoid],
            "timezone": self.timezone,
            "attendees": [p.to_json() for p in self.attendees],
            "title": self.title,
            "location": self.location,
            "medium": self.medium.value,
            "chosen": self.chosen.isoformat() if self.chosen else None,
            "urgent": self.urgent,
            "confidence": round(self.confidence, 3),
            "not_understood": list(self.not_understood),
            "extractor": self.extractor,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext:
    """What an extractor may know besides the text: never calendar contents.

    `proposals` are the slots the agent already offered in this thread, in the order it listed them,
    so "the second one" can be resolved; `date_offset_minutes` is the sender's Date header offset.
    """

    now: datetime
    home_timezone: str
    sender: Person | None = None
    recipients: tuple[Person, ...] = ()
    agent_email: str = ""
    sender_timezone: str | None = None
    date_offset_minutes: int | None = None
    proposals: tuple[Interval, ...] = ()
    subject: str = ""
    default_duration_minutes: int = 30
    horizon_days: int = 60
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_aware(self.now, "RequestContext.now")


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentInfo:
    """An attachment's metadata as the v3 API reports it; content is fetched separately when needed."""

    id: str
    filename: str = ""
    content_type: str = "application/octet-stream"
    size: int = 0

    @property
    def is_calendar(self) -> bool:
        return self.content_type.split(";")[0].strip().lower() == "text/calendar" or self.filename.lower().endswith(
            ".ics"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundMessage:
    """One mail as the agent sees it: the v3 Message object, reduced to what triage and understanding need.

    `headers` keeps the original order and case of names (v3 `fields=include_headers`); `date` is the
    server's receive time; `body` is HTML when the mail had an HTML part (as v3 reports it).
    """

    id: str
    thread_id: str
    subject: str = ""
    sender: Person | None = None
    to: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    reply_to: tuple[Person, ...] = ()
    date: datetime
    body: str = ""
    snippet: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    attachments: tuple[AttachmentInfo, ...] = ()
    unread: bool = True
    folders: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require_aware(self.date, "InboundMessage.date")

    def header(self, name: str) -> str | None:
        """First value of a header, case-insensitively; None when absent."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


# ── Conversations: the negotiation state machine's data (design sections 3 and 6) ──────────────────


class ConversationState(StrEnum):
    """Where a scheduling thread stands; `needs_human` means the agent sends nothing until a person acts."""

    NEW = "new"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    RESCHEDULING = "rescheduling"
    CANCELLED = "cancelled"
    NEEDS_HUMAN = "needs_human"
    EXPIRED = "expired"
    DECLINED = "declined"


class TimerKind(StrEnum):
    """What a timer wakes the conversation for: a nudge after silence, or giving up and releasing holds."""

    FOLLOW_UP = "follow_up"
    EXPIRE = "expire"


def _encode(value: Any) -> Any:
    """Plain JSON for the frozen models; one codec so the store and `--json` output never drift apart."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def _decode(hint: Any, raw: Any) -> Any:
    """Inverse of `_encode`, driven by the type hints, so adding a defaulted field never breaks stored rows."""
    if raw is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, UnionType):
        inner = [a for a in get_args(hint) if a is not type(None)]
        return _decode(inner[0], raw)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], r) for r in raw)
        return tuple(_decode(a, r) for a, r in zip(args, raw, strict=True))
    if hint is datetime:
        return datetime.fromisoformat(raw)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return hint(raw)
    if isinstance(hint, type) and is_dataclass(hint):
        hints = get_type_hints(hint)
        return hint(**{f.name: _decode(hints[f.name], raw[f.name]) for f in fields(hint) if f.init and f.name in raw})
    return raw


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """One entry of a conversation's history: why it moved, kept short for `status` and debugging."""

    at: datetime
    before: ConversationState
    after: ConversationState
    cause: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingTimer:
    """The one timer a conversation currently expects; a firing timer that does not match it is stale."""

    kind: TimerKind
    at: datetime

    def __post_init__(self) -> None:
        require_aware(self.at, "PendingTimer.at")


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversation:
    """Everything the agent remembers about one thread; replaced, never mutated, by `negotiation.step`.

    `participants` are the people the meeting is with (never the agent); `proposals` are listed in the
    order the last mail numbered them, so "the second one" means `proposals[1]`. `invitation` marks a
    thread where someone else organised the event and the agent is only a guest.
    """

    thread_id: str
    created: datetime
    last_activity: datetime
    state: ConversationState = ConversationState.NEW
    requester: Person | None = None
    requester_timezone: str | None = None
    participants: tuple[Person, ...] = ()
    subject: str = ""
    duration_minutes: int = 30
    title: str = ""
    location: str | None = None
    medium: Medium = Medium.UNSPECIFIED
    proposals: tuple[Interval, ...] = ()
    rounds: int = 0
    last_message_id: str | None = None
    event_id: str | None = None
    booked: Interval | None = None
    ical_uid: str | None = None
    invitation: bool = False
    responses: tuple[tuple[str, str], ...] = ()
    follow_ups_sent: int = 0
    timer: PendingTimer | None = None
    reason: str = ""
    history: tuple[Transition, ...] = ()

    def __post_init__(self) -> None:
        require_aware(self.created, "Conversation.created")
        require_aware(self.last_activity, "Conversation.last_activity")

    def to_json(self) -> dict[str, Any]:
        return _encode(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conversation:
        return _decode(cls, data)

    def resumed(self, *, now: datetime, by: str) -> Conversation:
        """A person has looked at a `needs_human` thread: hand it back in the state it was flagged from.

        The next mail in the thread is then handled as usual; `by` is recorded in the history.
        """
        if self.state is not ConversationState.NEEDS_HUMAN:
            raise ValueError(f"thread {self.thread_id} is {self.state.value}, not needs_human")
        flagged = next((t for t in reversed(self.history) if t.after is ConversationState.NEEDS_HUMAN), None)
        back = flagged.before if flagged is not None else ConversationState.NEW
        entry = Transition(at=now, before=self.state, after=back, cause=f"resumed by {by}"[:200])
        return replace(self, state=back, reason="", last_activity=now, history=(*self.history, entry))


# ── Events: what `negotiation.step` consumes. The edge computes `candidates` (ranked free slots for
# this request from the slots engine, already excluding other conversations' holds) and `busy` (the
# calendar's busy time now plus other conversations' holds, but not this conversation's own holds or
# booked event) before calling. ──


@dataclass(frozen=True, slots=True, kw_only=True)
class MailEvent:
    """What every event caused by one inbound mail has: the mail (its id is the event's source) and thread."""

    message_id: str
    thread_id: str

    @property
    def source_id(self) -> str:
        return self.message_id


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundRequest(MailEvent):
    """A scheduling mail in a thread, with what it was understood to mean."""

    sender: Person
    received: datetime
    request: MeetingRequest
    subject: str = ""
    to: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    reply_to: tuple[Person, ...] = ()
    sender_timezone: str | None = None
    candidates: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()
    # Free times outside the windows the mail asked for, offered only when nothing inside them is free.
    nearest: tuple[Interval, ...] = ()

    @classmethod
    def from_message(
        cls,
        message: InboundMessage,
        request: MeetingRequest,
        *,
        candidates: tuple[Interval, ...] = (),
        busy: tuple[Interval, ...] = (),
        sender_timezone: str | None = None,
        nearest: tuple[Interval, ...] = (),
    ) -> InboundRequest:
        """The event for a triaged mail: addresses come from its headers only, never from the request."""
        if message.sender is None:
            raise ValueError(f"message {message.id} has no sender")
        return cls(
            message_id=message.id,
            thread_id=message.thread_id,
            sender=message.sender,
            received=message.date,
            request=request,
            subject=message.subject,
            to=message.to,
            cc=message.cc,
            reply_to=message.reply_to,
            sender_timezone=sender_timezone,
            candidates=candidates,
            busy=busy,
            nearest=nearest,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ParticipantReply(MailEvent):
    """An iMIP REPLY to an event the agent organised; `status` in v3 words (yes/no/maybe) or iTIP PARTSTAT."""

    attendee: Person
    status: str
    received: datetime
    ical_uid: str = ""
    candidates: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundInvitation(MailEvent):
    """Someone else's iMIP REQUEST to the agent; the edge says whether it conflicts and offers alternatives."""

    organizer: Person
    interval: Interval
    event_id: str
    received: datetime
    ical_uid: str = ""
    title: str = ""
    subject: str = ""
    conflicts: bool = False
    alternatives: tuple[Interval, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundCancel(MailEvent):
    """An organiser's iMIP CANCEL of an event the agent was invited to."""

    organizer: Person
    received: datetime
    ical_uid: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundCounter(MailEvent):
    """An iMIP COUNTER (Outlook's "propose new time") on an event the agent organised."""

    sender: Person
    proposed: Interval
    received: datetime
    ical_uid: str = ""
    candidates: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerDue:
    """A timer the conversation scheduled has come due."""

    thread_id: str
    kind: TimerKind
    at: datetime

    @property
    def source_id(self) -> str:
        return f"timer:{self.kind.value}:{self.at.isoformat()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class EventBooked:
    """The edge reports the id the calendar gave the event it created, so later moves can address it."""

    thread_id: str
    event_id: str
    ical_uid: str = ""

    @property
    def source_id(self) -> str:
        return f"booked:{self.event_id}"


ConversationEvent = (
    InboundRequest | ParticipantReply | InboundInvitation | InboundCancel | InboundCounter | TimerDue | EventBooked
)


# ── Actions: what `step` asks the edge to do. `key` is stable for the same input (thread, source event,
# position), so it serves as outbox id and Idempotency-Key and a re-run never sends twice. ──


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionBase:
    """What every action has: its `type` (design section 6), its stable key and its thread."""

    type: ClassVar[str] = ""
    key: str
    thread_id: str

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **_encode(self)}


@dataclass(frozen=True, slots=True, kw_only=True)
class SendReply(ActionBase):
    type: ClassVar[str] = "send_reply"
    to: tuple[Person, ...]
    subject: str
    body: str
    cc: tuple[Person, ...] = ()
    reply_to_message_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateEvent(ActionBase):
    type: ClassVar[str] = "create_event"
    title: str
    interval: Interval
    participants: tuple[Person, ...]
    timezone: str
    location: str | None = None
    description: str = ""
    notify_participants: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateEvent(ActionBase):
    type: ClassVar[str] = "update_event"
    event_id: str
    interval: Interval
    participants: tuple[Person, ...]
    timezone: str
    notify_participants: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteEvent(ActionBase):
    type: ClassVar[str] = "delete_event"
    event_id: str
    notify_participants: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class SendRsvp(ActionBase):
    type: ClassVar[str] = "send_rsvp"
    event_id: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceHolds(ActionBase):
    type: ClassVar[str] = "hold"
    intervals: tuple[Interval, ...]
    expires: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseHolds(ActionBase):
    """Release every hold of the thread: holds are always replaced as a set, never one by one."""

    type: ClassVar[str] = "release"


@dataclass(frozen=True, slots=True, kw_only=True)
class FlagHuman(ActionBase):
    type: ClassVar[str] = "flag_human"
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleTimer(ActionBase):
    type: ClassVar[str] = "schedule_timer"
    kind: TimerKind
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelTimers(ActionBase):
    type: ClassVar[str] = "cancel_timers"


Action = (
    SendReply
    | CreateEvent
    | UpdateEvent
    | DeleteEvent
    | SendRsvp
    | PlaceHolds
    | ReleaseHolds
    | FlagHuman
    | ScheduleTimer
    | CancelTimers
)

ACTION_TYPES: dict[str, type[Any]] = {
    cls.type: cls
    for cls in (
        SendReply,
        CreateEvent,
        UpdateEvent,
        DeleteEvent,
        SendRsvp,
        PlaceHolds,
        ReleaseHolds,
        FlagHuman,
        ScheduleTimer,
        CancelTimers,
    )
}


def action_from_json(data: dict[str, Any]) -> Action:
    """Rebuild an action from its outbox payload, so a restart can finish what a crash interrupted."""
    kind = data.get("type")
    if kind not in ACTION_TYPES:
        raise ValueError(f"unknown action type {kind!r}")
    return _decode(ACTION_TYPES[kind], data)
