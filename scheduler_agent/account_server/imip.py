"""Outbound iMIP (RFC 6047): invitations, updates, cancellations and replies as real mail from the grant.

Each message is what Google Calendar sends and every client understands: multipart/mixed holding a
multipart/alternative (text/plain + `text/calendar; method=…; charset=UTF-8`) and the same ICS again as
an `invite.ics` attachment. The ICS itself comes from `itip.build_*`; here we only map an event row to an
`ItipEvent` and wrap the result in an RFC 5322 message handed to `ctx.mailer`.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from scheduler_agent.itip import ItipAttendee, ItipEvent, build_cancel, build_reply, build_request
from scheduler_agent.recurrence import split_recurrence_lines

from .context import JSONDict, ServerContext
from .event_store import load_when
from .http import ApiError

PARTSTAT = {"yes": "ACCEPTED", "no": "DECLINED", "maybe": "TENTATIVE", "noreply": "NEEDS-ACTION"}
_ITIP_STATUS = {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}
_REPLY_WORD = {"yes": "Accepted", "no": "Declined", "maybe": "Tentative"}
_REPLY_VERB = {"yes": "accepted", "no": "declined", "maybe": "tentatively accepted"}


def _person(raw: JSONDict, *, rsvp: bool = False) -> ItipAttendee:
    return ItipAttendee(
        email=str(raw["email"]).casefold(),
        name=raw.get("name") or "",
        partstat=PARTSTAT.get(raw.get("status") or "noreply", "NEEDS-ACTION"),
        rsvp=rsvp,
    )


def itip_event(row: sqlite3.Row) -> ItipEvent:
    """The iTIP view of a stored event (a master with its rules, a single event, or one override)."""
    when = load_when(row)
    rules, rdates, exdates = split_recurrence_lines(json.loads(row["recurrence"] or "[]"), when.zone)
    organizer = json.loads(row["organizer"]) if row["organizer"] else None
    tzid = when.obj.get("start_timezone") or when.obj.get("timezone") or row["tz"]
    original = row["original_start"]
    return ItipEvent(
        uid=row["ical_uid"],
        sequence=row["sequence"],
        start=when.start,
        end=when.end,
        all_day=when.all_day,
        summary=row["title"] or "",
        description=row["description"] or "",
        location=row["location"] or "",
        organizer=_person(organizer) if organizer else None,
        attendees=tuple(_person(p, rsvp=True) for p in json.loads(row["participants"])),
        rrule=tuple(rules),
        rdate=tuple(rdates),
        exdate=tuple(exdates),
        recurrence_id=datetime.fromtimestamp(original, when.zone) if original is not None else None,
        status=_ITIP_STATUS.get(row["status"], "CONFIRMED"),
        transparent=not row["busy"],
        tzid=None if tzid in ("UTC", "Etc/UTC") else tzid,
    )


def _summary_text(event: ItipEvent, headline: str) -> str:
    """The plain-text part: enough for a reader whose client ignores the calendar part."""
    lines = [headline, "", event.summary or "(no title)"]
    if event.all_day:
        lines.append(f"When: {event.start:%A %d %B %Y} (all day)")
    else:
        zone = event.tzid or "UTC"
        lines.append(f"When: {event.start:%A %d %B %Y %H:%M} – {event.end:%H:%M} ({zone})")
    if event.rrule:
        lines.append(f"Repeats: {'; '.join(event.rrule)}")
    if event.location:
        lines.append(f"Where: {event.location}")
    if event.organizer is not None:
        lines.append(f"Organizer: {formataddr((event.organizer.name, event.organizer.email))}")
    if event.attendees:
        lines.append("Guests: " + ", ".join(a.email for a in event.attendees))
    if event.description:
        lines += ["", event.description]
    return "\n".join(lines) + "\n"


def imip_message(
    grant: JSONDict, to: ItipAttendee, *, method: str, ics: str, subject: str, text: str, now: datetime
) -> EmailMessage:
    """An RFC 6047 message from the grant to one person, with the ICS inline and as invite.ics."""
    message = EmailMessage()
    message["From"] = formataddr((grant.get("name") or "", grant["email"]))
    message["To"] = formataddr((to.name, to.email))
    message["Subject"] = subject
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = make_msgid(domain=str(grant["email"]).rpartition("@")[2])
    message.set_content(text)
    message.add_alternative(ics, subtype="calendar", params={"method": method})
    message.add_attachment(ics.encode("utf-8"), maintype="application", subtype="ics", filename="invite.ics")
    return message


def _submit(ctx: ServerContext, grant: JSONDict, message: EmailMessage) -> None:
    if ctx.mailer is None:
        raise ApiError(503, "internal_error", "this server has no mail submission installed; invitations cannot go out")
    ctx.mailer.submit(grant, message)


def _guests(event: ItipEvent, grant: JSONDict) -> list[ItipAttendee]:
    me = str(grant["email"]).casefold()
    return [a for a in event.attendees if a.email != me]


def send_request(ctx: ServerContext, grant: JSONDict, row: sqlite3.Row, *, update: bool) -> int:
    """REQUEST to every participant but the grant itself; returns how many messages went out."""
    event = itip_event(row)
    now = ctx.now()
    ics = build_request(event, dtstamp=now)
    word = "Updated invitation" if update else "Invitation"
    guests = _guests(event, grant)
    for guest in guests:
        text = _summary_text(event, f"{word} from {grant.get('name') or grant['email']}")
        _submit(
            ctx, grant, imip_message(grant, guest, method="REQUEST", ics=ics, subject=event.summary, text=text, now=now)
        )
    return len(guests)


def send_cancel(ctx: ServerContext, grant: JSONDict, row: sqlite3.Row, to: list[JSONDict] | None = None) -> int:
    """CANCEL to the participants (or to `to`, e.g. people just removed from the event)."""
    event = itip_event(row)
    now = ctx.now()
    ics = build_cancel(event, dtstamp=now)
    me = str(grant["email"]).casefold()
    guests = _guests(event, grant) if to is None else [_person(p) for p in to if p["email"].casefold() != me]
    for guest in guests:
        text = _summary_text(event, "This event has been cancelled.")
        subject = f"Cancelled: {event.summary}"
        _submit(ctx, grant, imip_message(grant, guest, method="CANCEL", ics=ics, subject=subject, text=text, now=now))
    return len(guests)


def send_reply(ctx: ServerContext, grant: JSONDict, row: sqlite3.Row, status: str, comment: str = "") -> None:
    """REPLY from the grant (an invited participant) to the organizer."""
    event = itip_event(row)
    if event.organizer is None:
        raise ApiError(400, "invalid_request_error", "the event has no organizer to reply to")
    now = ctx.now()
    ics = build_reply(event, attendee=grant["email"], partstat=PARTSTAT[status], dtstamp=now, comment=comment)
    who = grant.get("name") or grant["email"]
    subject = f"{_REPLY_WORD[status]}: {event.summary}"
    text = _summary_text(event, f"{who} has {_REPLY_VERB[status]} this invitation.")
    message = imip_message(grant, event.organizer, method="REPLY", ics=ics, subject=subject, text=text, now=now)
    _submit(ctx, grant, message)
