"""Inbound iMIP: what a `text/calendar` part mailed to a hosted account does to its primary calendar.

REQUEST creates or updates (by UID, the higher or equal SEQUENCE wins) a read-only event organized by
someone else (anyone may forward a new invitation; only the organizer may change it); REPLY sets one
guest's answer on an event the account organizes; CANCEL cancels a series or one occurrence; COUNTER is
recorded in the event's `counter_proposals` for the agent to weigh.

Mail headers are easy to forge, so answers are believed only from the person they speak for: a REPLY or
COUNTER counts only when the message's From is that attendee, a CANCEL or an update only when it comes
from the event's organizer. Nothing here raises: a bad part yields an outcome string starting with
"error:" (the mail module flags the message with it), a refused one "ignored:".
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from scheduler_agent.itip import ItipError, ItipEvent, parse_itip

from .calendars import calendar_zone, primary_calendar
from .context import JSONDict, ServerContext, new_id
from .event_model import occurrence_id, parse_when, when_from_instants
from .event_store import Occurrence, event_json, expand, insert, materialize, overridden_starts, timing, update

log = logging.getLogger(__name__)

_STATUS = {"ACCEPTED": "yes", "DECLINED": "no", "TENTATIVE": "maybe", "NEEDS-ACTION": "noreply"}
_EVENT_STATUS = {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled"}


def _stamp_list(values: tuple[datetime, ...], all_day: bool) -> str:
    if all_day:
        return "VALUE=DATE:" + ",".join(v.strftime("%Y%m%d") for v in values)
    return ":" + ",".join(v.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") for v in values)


def recurrence_lines(event: ItipEvent) -> list[str] | None:
    """The v3 `recurrence` list of an invitation: its RRULEs, then RDATE/EXDATE as UTC (or DATE) lists."""
    lines = [f"RRULE:{rule}" for rule in event.rrule]
    if event.rdate:
        lines.append("RDATE" + (";" if event.all_day else "") + _stamp_list(event.rdate, event.all_day))
    if event.exdate:
        lines.append("EXDATE" + (";" if event.all_day else "") + _stamp_list(event.exdate, event.all_day))
    return lines or None


@dataclass(frozen=True, slots=True)
class _Part:
    """One calendar part being applied: where it goes and who (per the stored message) sent it."""

    conn: sqlite3.Connection
    grant: JSONDict
    calendar: sqlite3.Row
    sender: str
    message_id: str


class InboundCalendar:
    """`ctx.calendar_inbound`: applies one iMIP part to the receiving grant's primary calendar."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx

    def __call__(self, conn: sqlite3.Connection, grant: JSONDict, message_id: str, ics: bytes) -> str:
        return self.apply(conn, grant, ics, sender=_sender(conn, message_id), message_id=message_id)

    def apply(self, conn: sqlite3.Connection, grant: JSONDict, ics: bytes, *, sender: str, message_id: str) -> str:
        """Apply one part whose message came From `sender`; the outcome for logs and flags, never an exception."""
        conn.execute("SAVEPOINT calendar_inbound")
        try:
            outcome = self._apply(conn, grant, ics, sender.strip().casefold(), message_id)
        except (ItipError, ValueError) as exc:  # ValueError: a recurrence the series builder refuses
            conn.execute("ROLLBACK TO calendar_inbound")
            outcome = f"error: {exc}"
        except Exception as exc:
            conn.execute("ROLLBACK TO calendar_inbound")
            log.exception("grant %s: iMIP part of message %s failed", grant["id"], message_id)
            outcome = f"error: could not apply the calendar part ({type(exc).__name__})"
        finally:
            conn.execute("RELEASE calendar_inbound")
        return outcome

    def _apply(self, conn: sqlite3.Connection, grant: JSONDict, ics: bytes, sender: str, message_id: str) -> str:
        calendar = primary_calendar(conn, self.ctx, grant["id"])
        if calendar is None:
            return "ignored: the account has no primary calendar"
        message = parse_itip(ics, default_tz=calendar_zone(calendar).key)
        handler = {
            "REQUEST": self._request,
            "REPLY": self._reply,
            "CANCEL": self._cancel,
            "COUNTER": self._counter,
        }.get(message.method)
        if handler is None:
            return f"ignored: METHOD:{message.method} is not acted on"
        part = _Part(conn, grant, calendar, sender, message_id)
        ordered = sorted(message.events, key=lambda e: e.recurrence_id is not None)  # masters before overrides
        return "; ".join(handler(part, event) for event in ordered)

    # -- REQUEST -------------------------------------------------------------------------------------------

    def _request(self, part: _Part, event: ItipEvent) -> str:
        conn, grant, calendar = part.conn, part.grant, part.calendar
        me = str(grant["email"]).casefold()
        if event.organizer is None:
            return f"ignored: REQUEST {event.uid!r} names no organizer"
        if event.organizer.email == me:
            return f"ignored: REQUEST {event.uid!r} is the account's own invitation"
        values = self._values(event, grant, calendar)
        found = _stored(conn, grant["id"], event)
        now = self.ctx.timestamp()
        if found is None:
            values.update(id=new_id(), grant_id=grant["id"], calendar_id=calendar["id"], created_at=now, updated_at=now)
            master = _master(conn, grant["id"], event.uid) if event.recurrence_id is not None else None
            if event.recurrence_id is not None:
                values["original_start"] = int(event.recurrence_id.timestamp())
                if master is not None:
                    values["master_event_id"] = master["id"]
                    values["id"] = occurrence_id(master["id"], event.recurrence_id, event.all_day)
            row = insert(conn, values)
            self.ctx.notify(grant["id"], "event.created", event_json(row))
            return f"created event {row['id']}"
        base = found.master if isinstance(found, Occurrence) else found
        if _organizer_email(base) != event.organizer.email or part.sender != event.organizer.email:
            return f"ignored: REQUEST {event.uid!r} comes from someone other than its organizer"
        # A first override of an occurrence has no SEQUENCE of its own yet; a stored event or override does.
        if not isinstance(found, Occurrence) and event.sequence < found["sequence"]:
            return f"ignored: REQUEST {event.uid!r} SEQUENCE {event.sequence} is older than {found['sequence']}"
        if isinstance(found, Occurrence):
            row = materialize(conn, found, {**values, "updated_at": now}, now)
        else:
            if found["recurrence"] is not None or values.get("recurrence"):
                values.update(
                    timing(
                        parse_when(values["when"], calendar_zone(calendar)),
                        values["recurrence"],
                        overridden_starts(conn, found["id"]),
                    )
                )
            row = update(conn, found["id"], {**values, "updated_at": now})
        self.ctx.notify(grant["id"], "event.updated", event_json(row))
        return f"updated event {row['id']}"

    def _values(self, event: ItipEvent, grant: JSONDict, calendar: sqlite3.Row) -> JSONDict:
        """Event columns from an invitation; the grant always appears among the participants."""
        me = str(grant["email"]).casefold()
        participants = [
            {"email": a.email, "name": a.name, "status": _STATUS.get(a.partstat, "noreply")} for a in event.attendees
        ]
        if not any(p["email"] == me for p in participants):
            participants.append({"email": grant["email"], "name": grant.get("name") or "", "status": "noreply"})
        when_obj = when_from_instants(event.start, event.end, all_day=event.all_day, tzid=event.tzid)
        when = parse_when(when_obj, calendar_zone(calendar))
        recurrence = recurrence_lines(event) if event.recurrence_id is None else None
        organizer = event.organizer
        assert organizer is not None
        return {
            "ical_uid": event.uid,
            "title": event.summary,
            "description": event.description or None,
            "location": event.location or None,
            "busy": not event.transparent,
            "status": _EVENT_STATUS.get(event.status, "confirmed"),
            "participants": participants,
            "organizer": {"name": organizer.name, "email": organizer.email},
            "recurrence": recurrence,
            "sequence": event.sequence,
            "read_only": True,
            **timing(when, recurrence),
        }

    # -- REPLY / CANCEL / COUNTER --------------------------------------------------------------------------

    def _reply(self, part: _Part, event: ItipEvent) -> str:
        conn, grant, sender = part.conn, part.grant, part.sender
        answer = event.attendee(sender) if sender else None
        if answer is None:
            return f"ignored: REPLY to {event.uid!r} does not come from the attendee it speaks for"
        found = _stored(conn, grant["id"], event)
        if found is None:
            return f"ignored: REPLY for unknown event {event.uid!r}"
        base = found.master if isinstance(found, Occurrence) else found
        if _organizer_email(base) != str(grant["email"]).casefold():
            return f"ignored: REPLY for {event.uid!r}, which the account does not organize"
        if event.sequence < base["sequence"]:
            return f"ignored: REPLY to an older version (SEQUENCE {event.sequence} < {base['sequence']})"
        participants = json.loads(base["participants"])
        mine = [p for p in participants if p["email"].casefold() == answer.email]
        if not mine:
            return f"ignored: {answer.email} is not invited to {event.uid!r}"
        status = _STATUS.get(answer.partstat)
        if status is None:
            return f"ignored: PARTSTAT {answer.partstat} is not an answer we record"
        for participant in mine:
            participant["status"] = status
            if event.comment:
                participant["comment"] = event.comment
        now = self.ctx.timestamp()
        values = {"participants": participants, "updated_at": now}
        row = (
            materialize(conn, found, values, now)
            if isinstance(found, Occurrence)
            else update(conn, found["id"], values)
        )
        self.ctx.notify(grant["id"], "event.updated", event_json(row))
        return f"{answer.email} answered {status} on event {row['id']}"

    def _cancel(self, part: _Part, event: ItipEvent) -> str:
        conn, grant, sender = part.conn, part.grant, part.sender
        found = _stored(conn, grant["id"], event)
        if found is None:
            return f"ignored: CANCEL for unknown event {event.uid!r}"
        base = found.master if isinstance(found, Occurrence) else found
        organizer = _organizer_email(base)
        if organizer == str(grant["email"]).casefold() or sender != organizer:
            return f"ignored: CANCEL for {event.uid!r} does not come from its organizer"
        if event.sequence < base["sequence"]:
            return f"ignored: CANCEL {event.uid!r} SEQUENCE {event.sequence} is older than {base['sequence']}"
        now = self.ctx.timestamp()
        values = {"status": "cancelled", "sequence": event.sequence, "updated_at": now}
        if isinstance(found, Occurrence):
            row = materialize(conn, found, values, now)
        else:
            row = update(conn, found["id"], values)
            conn.execute(
                "UPDATE events SET status = 'cancelled', updated_at = ? WHERE master_event_id = ?", (now, row["id"])
            )
        trigger = "event.updated" if event.recurrence_id is not None else "event.deleted"
        self.ctx.notify(grant["id"], trigger, event_json(row))
        return f"cancelled event {row['id']}"

    def _counter(self, part: _Part, event: ItipEvent) -> str:
        conn, grant, sender = part.conn, part.grant, part.sender
        found = _stored(conn, grant["id"], event)
        if found is None:
            return f"ignored: COUNTER for unknown event {event.uid!r}"
        base = found.master if isinstance(found, Occurrence) else found
        if _organizer_email(base) != str(grant["email"]).casefold():
            return f"ignored: COUNTER for {event.uid!r}, which the account does not organize"
        invited = {p["email"].casefold(): p for p in json.loads(base["participants"])}
        if not sender or sender not in invited:
            return f"ignored: COUNTER for {event.uid!r} does not come from one of its participants"
        proposal = {
            "email": invited[sender]["email"],
            "name": invited[sender].get("name") or "",
            "when": when_from_instants(event.start, event.end, all_day=event.all_day, tzid=event.tzid),
            "comment": event.comment,
            "sequence": event.sequence,
            "message_id": part.message_id,
            "received_at": self.ctx.timestamp(),
        }
        now = self.ctx.timestamp()
        if isinstance(found, Occurrence):
            found = materialize(conn, found, {}, now)
        proposals = [*json.loads(found["counter_proposals"]), proposal]
        row = update(conn, found["id"], {"counter_proposals": proposals, "updated_at": now})
        self.ctx.notify(grant["id"], "event.updated", event_json(row))
        return f"{sender} proposed a new time for event {row['id']}"


def _organizer_email(row: sqlite3.Row) -> str:
    organizer: Any = json.loads(row["organizer"]) if row["organizer"] else {}
    return str(organizer.get("email", "")).casefold()


def _sender(conn: sqlite3.Connection, message_id: str) -> str:
    """The From address of the stored message the part came in (mail module's table), case-folded."""
    try:
        row = conn.execute("SELECT from_json FROM mail_messages WHERE id = ?", (message_id,)).fetchone()
    except sqlite3.Error:
        return ""
    senders = json.loads(row["from_json"]) if row else []
    return str(senders[0].get("email", "")).casefold() if senders else ""


def _master(conn: sqlite3.Connection, grant_id: str, uid: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM events WHERE grant_id = ? AND ical_uid = ? AND original_start IS NULL"
        " ORDER BY created_at LIMIT 1",
        (grant_id, uid),
    ).fetchone()


def _stored(conn: sqlite3.Connection, grant_id: str, event: ItipEvent) -> sqlite3.Row | Occurrence | None:
    """The stored event an iTIP VEVENT speaks about: by UID, and by RECURRENCE-ID for one occurrence."""
    master = _master(conn, grant_id, event.uid)
    if event.recurrence_id is None:
        return master
    original = event.recurrence_id
    override = conn.execute(
        "SELECT * FROM events WHERE grant_id = ? AND ical_uid = ? AND original_start = ?",
        (grant_id, event.uid, int(original.timestamp())),
    ).fetchone()
    if override is not None or master is None or master["recurrence"] is None:
        return override
    for occ in expand(conn, master, original, original + timedelta(seconds=1)):
        if occ.start == original:
            return occ
    return None
