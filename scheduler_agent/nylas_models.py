"""JSON ⇄ models for the Nylas v3 wire format, kept free of I/O so replay and tests can reuse it.

The client (`nylas.py`) hands raw v3 objects to these functions; everything that turns a wire value
into a typed, timezone-aware value happens here and nowhere else. Malformed objects raise ValueError
with the offending field named, so the caller can log the message id and skip it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from .models import AttachmentInfo, InboundMessage, Interval, Person, require_aware

MAX_JSON_ATTACHMENT_BYTES = 3 * 1024 * 1024
"""At or above this total attachment size a send goes multipart, as the official SDK does (JSON cap is 3 MB)."""


def from_unix(value: Any, what: str) -> datetime:
    """v3 timestamps are unix seconds; booleans and garbage are rejected rather than read as 0/1."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} is not a unix timestamp: {value!r}")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"{what} is not a unix timestamp: {value!r}") from None
    if not isinstance(value, int | float):
        raise ValueError(f"{what} is not a unix timestamp: {value!r}")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"{what} is out of range: {value!r}") from exc


def to_unix(value: datetime) -> int:
    """The v3 query/body form of an instant; naive datetimes are refused because their zone is a guess."""
    return int(require_aware(value, "timestamp").timestamp())


def person_from_json(obj: Any) -> Person | None:
    """One `{name, email}` participant; None when it carries no usable address."""
    if not isinstance(obj, Mapping):
        return None
    email = obj.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    name = obj.get("name")
    return Person(email=email.strip(), name=name.strip() if isinstance(name, str) else "")


def people_from_json(items: Any) -> tuple[Person, ...]:
    """A v3 participant list; entries without an address are dropped (they cannot be replied to)."""
    if not isinstance(items, list):
        return ()
    return tuple(p for p in (person_from_json(item) for item in items) if p is not None)


def attachment_from_json(obj: Any) -> AttachmentInfo | None:
    """Attachment metadata; an entry without an id cannot be downloaded, so it is dropped."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("id"), str) or not obj["id"]:
        return None
    size = obj.get("size")
    return AttachmentInfo(
        id=obj["id"],
        filename=_text(obj.get("filename")),
        content_type=_text(obj.get("content_type")) or "application/octet-stream",
        size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else 0,
    )


def _text(value: Any) -> str:
    """A string field, or "" when the server sent null or something that is not text."""
    return value if isinstance(value, str) else ""


def _headers_from_json(items: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        return ()
    pairs = []
    for item in items:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            pairs.append((item["name"], _text(item.get("value"))))
    return tuple(pairs)


def _required_str(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"message has no {key}: {obj.get('id')!r}")
    return value


def message_from_json(obj: Mapping[str, Any]) -> InboundMessage:
    """A v3 Message (ideally fetched with `fields=include_headers`) as the agent's InboundMessage.

    `from` is a list on the wire; its first usable entry is the sender. `date` is the server's receive
    time in unix seconds, falling back to `created_at`, and becomes an aware UTC datetime.
    """
    if not isinstance(obj, Mapping):
        raise ValueError(f"message is not a JSON object: {type(obj).__name__}")
    message_id = _required_str(obj, "id")
    thread_id = _required_str(obj, "thread_id")
    raw_date = obj.get("date") if obj.get("date") is not None else obj.get("created_at")
    senders = people_from_json(obj.get("from"))
    folders = obj.get("folders")
    return InboundMessage(
        id=message_id,
        thread_id=thread_id,
        subject=_text(obj.get("subject")),
        sender=senders[0] if senders else None,
        to=people_from_json(obj.get("to")),
        cc=people_from_json(obj.get("cc")),
        reply_to=people_from_json(obj.get("reply_to")),
        date=from_unix(raw_date, f"message {message_id} date"),
        body=_text(obj.get("body")),
        snippet=_text(obj.get("snippet")),
        headers=_headers_from_json(obj.get("headers")),
        attachments=tuple(a for a in map(attachment_from_json, obj.get("attachments") or ()) if a is not None),
        unread=bool(obj.get("unread", True)),
        folders=tuple(f for f in folders if isinstance(f, str)) if isinstance(folders, list) else (),
    )


def _zone_name(value: datetime) -> str | None:
    """The IANA name v3 wants in `start_timezone`; fixed offsets have none, so the field is left out."""
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo):
        return tz.key
    if tz is UTC or (isinstance(tz, timezone) and value.utcoffset() == timedelta(0)):
        return "UTC"
    return None


def timespan(start: datetime, end: datetime) -> dict[str, Any]:
    """The `when` of a timed event; zones are named so the invitation shows local times correctly."""
    span = Interval(start, end)
    when: dict[str, Any] = {"start_time": to_unix(span.start), "end_time": to_unix(span.end)}
    for key, value in (("start_timezone", start), ("end_timezone", end)):
        name = _zone_name(value)
        if name:
            when[key] = name
    return when


def all_day(day: date) -> dict[str, str]:
    """The `when` of a one-day, all-day event."""
    return {"date": day.isoformat()}


def datespan(first: date, last: date) -> dict[str, str]:
    """The `when` of a multi-day all-day event; v3's `end_date` is inclusive."""
    if last < first:
        raise ValueError(f"datespan ends before it starts: {first} > {last}")
    return {"start_date": first.isoformat(), "end_date": last.isoformat()}


@dataclass(frozen=True, slots=True, kw_only=True)
class OutgoingAttachment:
    """A file to send; the client picks JSON (base64) or multipart from the total size."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    content_id: str = ""
    is_inline: bool = False

    def to_json(self) -> dict[str, Any]:
        """The JSON-send form: content base64-encoded inline."""
        body: dict[str, Any] = {
            "filename": self.filename,
            "content_type": self.content_type,
            "content": base64.b64encode(self.content).decode("ascii"),
        }
        if self.content_id:
            body["content_id"] = self.content_id
        if self.is_inline:
            body["is_inline"] = True
        return body


def needs_multipart(attachments: Sequence[OutgoingAttachment]) -> bool:
    """Same threshold as the official SDK, so both clients hit the same server code path."""
    return sum(len(a.content) for a in attachments) >= MAX_JSON_ATTACHMENT_BYTES


@dataclass(frozen=True, slots=True)
class FreeBusy:
    """Busy blocks per email from `calendars/free-busy`; addresses v3 could not resolve are kept apart.

    An unresolved address is not "free": callers must treat it as unknown rather than bookable.
    """

    busy: Mapping[str, tuple[Interval, ...]]
    errors: Mapping[str, str]


def free_busy_from_json(entries: Iterable[Any]) -> FreeBusy:
    """Read the per-email entries of a free-busy answer (v3 answers 200 even when some emails fail)."""
    busy: dict[str, tuple[Interval, ...]] = {}
    errors: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("email"), str):
            raise ValueError(f"free-busy entry without an email: {entry!r}")
        email = entry["email"]
        if entry.get("object") == "error" or "error" in entry:
            errors[email] = str(entry.get("error") or "unknown error")
            continue
        slots = []
        for slot in entry.get("time_slots") or ():
            if not isinstance(slot, Mapping) or slot.get("status", "busy") != "busy":
                continue
            start = from_unix(slot.get("start_time"), f"{email} busy start")
            slots.append(Interval(start, from_unix(slot.get("end_time"), f"{email} busy end")))
        busy[email] = tuple(sorted(slots))
    return FreeBusy(busy=busy, errors=errors)
