"""v3 events: list by window (recurring expanded), get, create, update, delete, send-rsvp.

Writes that notify participants submit their iMIP mail inside the same transaction as the event change,
so a refused send (quota, policy) leaves no event behind that its guests never heard about. RSVP mail
is the exception v3 defines: the RSVP is kept and a failed REPLY is reported in `send_ics_error`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime
from typing import Any

from dateutil.relativedelta import relativedelta

from . import imip, imip_inbound
from .calendars import calendar_zone, find_calendar
from .context import JSONDict, ServerContext, new_id
from .event_model import FOREVER, MAX_EXPAND_SECONDS, parse_fields, parse_recurrence, parse_when
from .event_store import (
    SCHEMA,
    Occurrence,
    event_json,
    find,
    insert,
    list_window,
    load_when,
    materialize,
    occurrence_json,
    overridden_starts,
    timing,
    update,
)
from .http import ApiError, Request, Response, bad_request, deleted, not_found, ok, ok_list, page_window, paged
from .wire import metadata_filter, selected

__all__ = ["SCHEMA", "install"]

log = logging.getLogger(__name__)

RSVP_STATUSES = ("yes", "no", "maybe")
_TEXT_FILTERS = ("title", "description", "location")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filters(req: Request) -> tuple[str, list[Any]]:
    """SQL for the list filters that apply to stored rows (occurrences inherit their master's)."""
    q = req.query
    where, params = metadata_filter(q)
    sql = [where]
    for key in _TEXT_FILTERS:
        if q.str(key):
            sql.append(f" AND {key} LIKE ? ESCAPE '\\'")
            params.append(_like(q.str(key) or ""))
    busy = q.bool("busy")
    if busy is not None:
        sql.append(" AND busy = ?")
        params.append(int(busy))
    attendees = [a.casefold() for a in q.list("attendees")]
    if attendees:
        marks = ", ".join("?" for _ in attendees)
        sql.append(
            " AND EXISTS (SELECT 1 FROM json_each(events.participants)"
            f" WHERE lower(json_extract(value, '$.email')) IN ({marks}))"
        )
        params.extend(attendees)
    for key, op in (("updated_after", ">"), ("updated_before", "<")):
        value = q.int(key)
        if value is not None:
            sql.append(f" AND updated_at {op} ?")
            params.append(value)
    master = q.str("master_event_id")
    if master:
        sql.append(" AND (id = ? OR master_event_id = ?)")
        params.extend([master, master])
    if q.str("ical_uid"):
        sql.append(" AND ical_uid = ?")
        params.append(q.str("ical_uid"))
    return "".join(sql), params


def _window(ctx: ServerContext, req: Request) -> tuple[datetime, datetime]:
    """`start`/`end` in unix seconds; v3 defaults to now .. now + 1 month (an `ical_uid` lookup spans all time)."""
    if req.query.str("ical_uid"):
        return datetime.fromtimestamp(0, UTC), datetime.fromtimestamp(FOREVER, UTC)
    now = ctx.now()
    start = req.query.int("start", int(now.timestamp()), minimum=0)
    assert start is not None
    lo = datetime.fromtimestamp(start, UTC)
    end = req.query.int("end", int((lo + relativedelta(months=1)).timestamp()), minimum=0)
    assert end is not None
    if end < start:
        raise bad_request("end is before start")
    return lo, datetime.fromtimestamp(min(end, FOREVER), UTC)


def _is_organizer(row: sqlite3.Row, grant: JSONDict) -> bool:
    organizer = json.loads(row["organizer"]) if row["organizer"] else None
    return organizer is None or str(organizer.get("email", "")).casefold() == str(grant["email"]).casefold()


def _merge_statuses(raw: Any, parsed: list[JSONDict], old: list[JSONDict]) -> list[JSONDict]:
    """PUT replaces the participant list, but a participant sent without a status keeps the one they gave."""
    known = {p["email"].casefold(): p.get("status", "noreply") for p in old}
    explicit = {str(p.get("email", "")).strip().casefold() for p in raw if isinstance(p, dict) and p.get("status")}
    for participant in parsed:
        key = participant["email"].casefold()
        if key not in explicit and key in known:
            participant["status"] = known[key]
    return parsed


def _reset_statuses(participants: list[JSONDict], grant: JSONDict) -> list[JSONDict]:
    """A new time is a new question: guests' answers go back to noreply (RFC 5546 rescheduling)."""
    me = str(grant["email"]).casefold()
    return [p if p["email"].casefold() == me else {**p, "status": "noreply"} for p in participants]


def install(ctx: ServerContext, router: Any) -> None:
    """Register the event routes and the inbound iMIP handler."""
    ctx.calendar_inbound = imip_inbound.InboundCalendar(ctx)

    def target(req: Request) -> tuple[sqlite3.Row, sqlite3.Row | Occurrence]:
        assert req.grant is not None
        calendar = find_calendar(ctx, req.grant, req.query.str("calendar_id"))
        with ctx.db.tx() as conn:
            found = find(conn, req.grant_id, req.params["event"])
        row = found.master if isinstance(found, Occurrence) else found
        if row is None or row["calendar_id"] != calendar["id"]:
            raise not_found("event")
        return calendar, found

    @router.route("GET", "/v3/grants/{grant}/events")
    def list_events(req: Request) -> Response:
        assert req.grant is not None
        calendar = find_calendar(ctx, req.grant, req.query.str("calendar_id"))
        lo, hi = _window(ctx, req)
        expanding = bool(req.query.bool("expand_recurring", True)) and not req.query.str("ical_uid")
        if expanding and (hi - lo).total_seconds() > MAX_EXPAND_SECONDS:
            raise bad_request("a window that expands recurring events can span at most ten years")
        limit, offset = page_window(req.query)
        where, params = _filters(req)
        with ctx.db.tx() as conn:
            items = list_window(
                conn,
                [calendar["id"]],
                lo,
                hi,
                where=where,
                params=params,
                expand_recurring=expanding,
                show_cancelled=bool(req.query.bool("show_cancelled", False)),
            )
        master = req.query.str("master_event_id")
        wanted = [i for i in items if not master or i.master_event_id == master]
        page, cursor = paged(wanted[offset : offset + limit + 1], limit, offset)
        masters: dict[str, JSONDict] = {}
        return ok_list([selected(req.query, i.obj(masters)) for i in page], cursor)

    @router.route("GET", "/v3/grants/{grant}/events/import")
    def import_events(req: Request) -> Response:
        """The sync listing: stored events as they are (masters unexpanded, cancelled included), all time by default."""
        assert req.grant is not None
        calendar = find_calendar(ctx, req.grant, req.query.str("calendar_id"))
        lo = datetime.fromtimestamp(req.query.int("start", 0, minimum=0) or 0, UTC)
        hi = datetime.fromtimestamp(min(req.query.int("end", FOREVER, minimum=0) or 0, FOREVER), UTC)
        limit, offset = page_window(req.query)
        with ctx.db.tx() as conn:
            items = list_window(conn, [calendar["id"]], lo, hi, expand_recurring=False, show_cancelled=True)
        page, cursor = paged(items[offset : offset + limit + 1], limit, offset)
        return ok_list([selected(req.query, i.obj()) for i in page], cursor)

    @router.route("GET", "/v3/grants/{grant}/events/{event}")
    def get_event(req: Request) -> Response:
        _, found = target(req)
        obj = occurrence_json(found) if isinstance(found, Occurrence) else event_json(found)
        return ok(selected(req.query, obj))

    @router.route("POST", "/v3/grants/{grant}/events")
    def create_event(req: Request) -> Response:
        grant = req.grant
        assert grant is not None
        calendar = find_calendar(ctx, grant, req.query.str("calendar_id"))
        body = req.json()
        if "when" not in body:
            raise bad_request("when is required")
        when = parse_when(body["when"], calendar_zone(calendar))
        fields = parse_fields(body, creating=True)
        recurrence = parse_recurrence(body.get("recurrence"), when)
        notify = bool(req.query.bool("notify_participants", True))
        event_id = new_id()
        now = ctx.timestamp()
        values = {
            "id": event_id,
            "grant_id": grant["id"],
            "calendar_id": calendar["id"],
            "ical_uid": f"{event_id}@{str(grant['email']).rpartition('@')[2]}",
            "organizer": {"name": grant.get("name") or "", "email": grant["email"]},
            "participants": [],
            "extra": {},
            "recurrence": recurrence,
            "created_at": now,
            "updated_at": now,
            **fields,
            **timing(when, recurrence),
        }
        with ctx.db.tx() as conn:
            row = insert(conn, values)
            if notify:
                imip.send_request(ctx, grant, row, update=False)
        event = event_json(row)
        ctx.notify(grant["id"], "event.created", event)
        return ok(selected(req.query, event))

    @router.route("PUT", "/v3/grants/{grant}/events/{event}")
    def update_event(req: Request) -> Response:
        grant = req.grant
        assert grant is not None
        calendar, found = target(req)
        body = req.json()
        fields = parse_fields(body, creating=False)
        notify = bool(req.query.bool("notify_participants", True))
        with ctx.db.tx() as conn:
            if isinstance(found, Occurrence):
                found = materialize(conn, found, {}, ctx.timestamp())
            row = found
            if row["read_only"] and set(body) - {"metadata"}:
                raise bad_request("this event came from an invitation and is read-only; answer it with send-rsvp")
            if "recurrence" in body and row["master_event_id"] is not None:
                raise bad_request("one occurrence of a series cannot carry its own recurrence")
            old_when = load_when(row)
            when = parse_when(body["when"], calendar_zone(calendar)) if "when" in body else old_when
            recurrence = json.loads(row["recurrence"]) if row["recurrence"] else None
            if "recurrence" in body:
                recurrence = parse_recurrence(body["recurrence"], when)
            old_participants = json.loads(row["participants"])
            if "participants" in fields:
                fields["participants"] = _merge_statuses(body["participants"], fields["participants"], old_participants)
            rescheduled = when.obj != old_when.obj or recurrence != (json.loads(row["recurrence"] or "null"))
            organizer = _is_organizer(row, grant)
            if rescheduled and organizer:
                fields["participants"] = _reset_statuses(fields.get("participants", old_participants), grant)
            values: JSONDict = {**fields, "updated_at": ctx.timestamp()}
            if "extra" in fields:
                values["extra"] = {**json.loads(row["extra"]), **fields["extra"]}
            if "when" in body or "recurrence" in body:
                values.update(recurrence=recurrence, **timing(when, recurrence, overridden_starts(conn, row["id"])))
            # Metadata is the client's own bookkeeping: guests neither see it nor get mail about it.
            changed = not row["read_only"] and bool(set(body) - {"metadata"})
            if changed:
                values["sequence"] = row["sequence"] + 1
            row = update(conn, row["id"], values)
            if notify and changed and organizer and row["status"] != "cancelled":
                imip.send_request(ctx, grant, row, update=True)
                kept = {p["email"].casefold() for p in json.loads(row["participants"])}
                removed = [p for p in old_participants if p["email"].casefold() not in kept]
                if removed:
                    imip.send_cancel(ctx, grant, row, to=removed)
        event = event_json(row)
        ctx.notify(grant["id"], "event.updated", event)
        return ok(selected(req.query, event))

    @router.route("DELETE", "/v3/grants/{grant}/events/{event}")
    def delete_event(req: Request) -> Response:
        grant = req.grant
        assert grant is not None
        _, found = target(req)
        notify = bool(req.query.bool("notify_participants", True))
        now = ctx.timestamp()
        with ctx.db.tx() as conn:
            if isinstance(found, Occurrence):
                cancel = {"status": "cancelled", "sequence": found.master["sequence"] + 1}
                row = materialize(conn, found, cancel, now)
            elif found["status"] == "cancelled":
                return deleted()
            else:
                row = update(
                    conn, found["id"], {"status": "cancelled", "sequence": found["sequence"] + 1, "updated_at": now}
                )
                conn.execute(
                    "UPDATE events SET status = 'cancelled', updated_at = ? WHERE master_event_id = ?", (now, row["id"])
                )
            if notify and _is_organizer(row, grant) and not row["read_only"]:
                imip.send_cancel(ctx, grant, row)
        ctx.notify(grant["id"], "event.deleted", event_json(row))
        return deleted()

    @router.route("POST", "/v3/grants/{grant}/events/{event}/send-rsvp")
    def send_rsvp(req: Request) -> Response:
        grant = req.grant
        assert grant is not None
        _, found = target(req)
        body = req.json()
        status = body.get("status")
        if status not in RSVP_STATUSES:
            raise bad_request(f"status must be one of {', '.join(RSVP_STATUSES)}")
        comment = body.get("comment") or ""
        if not isinstance(comment, str):
            raise bad_request("comment must be a string")
        skip = req.query.bool("skip_nylas_email") or body.get("skip_nylas_email") is True
        master = found.master if isinstance(found, Occurrence) else found
        if _is_organizer(master, grant):
            raise bad_request("the account organizes this event; RSVP is for events it was invited to")
        me = str(grant["email"]).casefold()
        with ctx.db.tx() as conn:
            if isinstance(found, Occurrence):
                found = materialize(conn, found, {}, ctx.timestamp())
            participants = json.loads(found["participants"])
            mine = [p for p in participants if p["email"].casefold() == me]
            if not mine:
                participants.append({"email": grant["email"], "name": grant.get("name") or "", "status": status})
            for participant in mine:
                participant["status"] = status
                if comment:
                    participant["comment"] = comment
            row = update(conn, found["id"], {"participants": participants, "updated_at": ctx.timestamp()})
        data: JSONDict = {}
        if not skip:
            try:
                imip.send_reply(ctx, grant, row, status, comment)
            except ApiError as exc:
                log.warning("RSVP %s on event %s kept, but its REPLY was not sent: %s", status, row["id"], exc.message)
                data["send_ics_error"] = {"type": exc.type, "message": exc.message}
        ctx.notify(grant["id"], "event.updated", event_json(row))
        return ok(data)
