"""Frozen value objects shared by the pure core (understanding, slots, negotiation, iTIP).

Every datetime in here is timezone-aware; constructors reject naive ones so that a wrong zone fails
loudly at the boundary instead of silently shifting a meeting by hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


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
